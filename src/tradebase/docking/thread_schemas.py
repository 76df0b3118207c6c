"""What the API reads and shows of an enquiry's thread (``docking/threads.py``)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from tradebase.docking.threads import MAX_TEXT


class MessageIn(BaseModel):
    """A message sent as JSON (files go as a multipart form instead)."""

    model_config = ConfigDict(extra="forbid")

    text: str = Field(max_length=MAX_TEXT * 2)  # checked again after trimming, by the service


class MessageAttachmentOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    filename: str
    content_type: str
    size: int
    url: str


class MessageOut(BaseModel):
    """One message: ``author`` only for the author's own side (and administrators);
    ``read_at`` is when the other side first opened the thread after it was written."""

    id: int
    enquiry_id: int
    side: Literal["buyer", "enterprise"]
    text: str
    created_at: datetime
    author: str | None = None
    mine: bool = False
    read: bool = False
    read_at: datetime | None = None
    attachments: list[MessageAttachmentOut] = []


__all__ = ["MessageAttachmentOut", "MessageIn", "MessageOut"]
