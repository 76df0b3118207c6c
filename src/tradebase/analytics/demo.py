"""The demo's sample evaluation scheme: a designation review built from the brief's entry
criteria (output value of at least 1 billion yuan, at least 100 enterprises, exports to at
least 20 countries and regions), marked sample in its name. Loaded after the register's demo
(``registry.demo.load_demo``); idempotent."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tradebase.analytics.models import EvaluationScheme
from tradebase.analytics.schemes import create_scheme

SAMPLE_SCHEME_FILE = Path(__file__).parent / "demo" / "designation-scheme.json"


def sample_scheme() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(SAMPLE_SCHEME_FILE.read_text(encoding="utf-8"))
    return data


def load_demo_scheme(*, session: Session) -> EvaluationScheme:
    """The sample scheme, created unless a scheme of its name exists. Never commits."""
    definition = sample_scheme()
    stored = session.scalars(select(EvaluationScheme).where(
        EvaluationScheme.name == definition["name"])).first()
    return stored or create_scheme(session=session, definition=definition)
