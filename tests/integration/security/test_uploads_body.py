"""The request body limit holds while the body streams in (issue 8, defect 2).

The app is called as ASGI with a body sent in chunks and no ``Content-Length``: it must stop
pulling chunks soon after the limit, answer 413 with the error envelope before any
authentication (anonymous callers too), and never spool the upload to disk.
"""

from __future__ import annotations

import asyncio
import json
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import starlette.formparsers
from fastapi.testclient import TestClient

from tests.conftest import auth

BOUNDARY = "tradebaseboundary"
CHUNK = 64 * 1024


def _stream(app: Any, *, chunks: int, headers: list[tuple[bytes, bytes]] | None = None
            ) -> tuple[int, dict[str, Any], int, dict[bytes, bytes]]:
    """POST a multipart upload of ``chunks`` chunks of CSV to the app; returns (status,
    JSON body, chunks the app pulled, response headers)."""
    head = (f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; "
            "filename=\"big.csv\"\r\nContent-Type: text/csv\r\n\r\nsku,enterprise,title\r\n"
            ).encode()
    row = b"S-1,Acme,Stool\r\n"
    chunk = row * (CHUNK // len(row))
    pulled = 0
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        nonlocal pulled
        pulled += 1
        if pulled == 1:
            return {"type": "http.request", "body": head, "more_body": True}
        if pulled <= chunks:
            return {"type": "http.request", "body": chunk, "more_body": True}
        if pulled == chunks + 1:
            return {"type": "http.request", "body": f"\r\n--{BOUNDARY}--\r\n".encode(),
                    "more_body": False}
        await asyncio.sleep(3600)  # the client is gone: nothing more ever comes
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST",
        "scheme": "https", "path": "/api/v1/imports/products", "raw_path": b"",
        "root_path": "", "query_string": b"", "server": ("testserver", 443),
        "client": ("127.0.0.1", 50000),
        "headers": [(b"host", b"testserver"), (b"transfer-encoding", b"chunked"),
                    (b"content-type", f"multipart/form-data; boundary={BOUNDARY}".encode()),
                    *(headers or [])],
    }
    # In a thread of its own: a browser test of the same worker may hold a running loop here.
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, asyncio.wait_for(app(scope, receive, send), timeout=120)
                    ).result()
    start = next(m for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return start["status"], json.loads(body), pulled, dict(start["headers"])


@pytest.fixture
def spooled_to_disk(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[int]:
    """Records every time the form parser spills an upload to a file on disk; temporary
    folders go to ``tmp_path/tmp`` so the test can see what is left there."""
    spills: list[int] = []

    class Watched(starlette.formparsers.SpooledTemporaryFile):  # type: ignore[misc,name-defined]
        def rollover(self) -> None:
            spills.append(1)
            super().rollover()

    monkeypatch.setattr(starlette.formparsers, "SpooledTemporaryFile", Watched)
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return spills


@pytest.mark.parametrize("who", ["anonymous", "admin"])
def test_a_streamed_body_past_the_limit_is_cut_off_early(
    app_factory: Any, tokens: dict[str, str], spooled_to_disk: list[int], tmp_path: Path,
    who: str,
) -> None:
    limit = 256 * 1024
    app = app_factory(upload_max_bytes=limit)
    headers = [] if who == "anonymous" else [
        (b"authorization", auth(tokens["admin"])["Authorization"].encode())]
    status, body, pulled, response_headers = _stream(app, chunks=320, headers=headers)  # 20 MB
    assert status == 413, body
    assert body["error"]["field"] == "file"
    assert "TRADEBASE_UPLOAD_MAX_BYTES=262144" in body["error"]["message"]
    assert pulled <= (limit + 64 * 1024) // CHUNK + 3  # stopped at the limit, not at 20 MB
    assert response_headers[b"x-content-type-options"] == b"nosniff"
    assert spooled_to_disk == []
    assert list((tmp_path / "tmp").iterdir()) == []


def test_a_body_announced_too_large_is_refused_before_one_byte_is_read(
    app_factory: Any, spooled_to_disk: list[int]
) -> None:
    app = app_factory(upload_max_bytes=256 * 1024)
    status, body, pulled, _ = _stream(
        app, chunks=320, headers=[(b"content-length", str(320 * CHUNK).encode())])
    assert status == 413, body
    assert pulled == 0
    assert spooled_to_disk == []


def test_a_body_within_the_limit_still_imports(app_factory: Any, tokens: dict[str, str]
                                               ) -> None:
    """Chunks within the limit are passed through untouched (the rows are then refused for
    naming an unknown enterprise: the file was read whole)."""
    app = app_factory(upload_max_bytes=1024 * 1024)
    status, body, pulled, _ = _stream(
        app, chunks=4, headers=[(b"authorization",
                                 auth(tokens["admin"])["Authorization"].encode())])
    assert pulled == 5
    assert status in (200, 422), body


def test_failed_and_refused_uploads_leave_nothing_on_disk(
    client: TestClient, tokens: dict[str, str], spooled_to_disk: list[int], tmp_path: Path
) -> None:
    cases = [
        (tokens["admin"], "bad.csv", b"sku,enterprise,title,moq\nX-1,Nobody,Stool,-4\n"),
        (tokens["admin"], "bad.xlsx", b"PK\x03\x04broken"),
        (tokens["buyer"], "c.csv", b"sku,enterprise,title\n"),
    ]
    for token, name, data in cases:
        response = client.post("/api/v1/imports/products", headers=auth(token),
                               files={"file": (name, data, "application/octet-stream")})
        assert response.status_code in (403, 422), response.text
    assert list((tmp_path / "tmp").iterdir()) == []
