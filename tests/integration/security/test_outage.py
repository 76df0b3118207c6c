"""A database outage: every route that needs the database answers 503 with ``Retry-After``,
the JSON envelope (API) or the error page (pages) and the security headers; once the database
is back, the same application serves again (the pool's pre-ping replaces dead connections).

The outage is real: the test starts a PRIVATE PostgreSQL cluster on a free port in a temporary
directory (never the machine's shared server), stops it mid-test and starts it again.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from tradebase.db import make_engine
from tradebase.migrate import upgrade
from tradebase.settings import Settings
from tradebase.web.app import create_app

PG_BIN = Path(os.environ.get("TRADEBASE_PG_BIN", "/usr/lib/postgresql/15/bin"))
SECURITY_HEADERS = ("content-security-policy", "x-frame-options", "x-content-type-options",
                    "referrer-policy")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class Cluster:
    """A throwaway PostgreSQL cluster run by the ``postgres`` user when the test runs as root."""

    root: Path
    port: int

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, *args: str) -> None:
        command = [str(PG_BIN / args[0]), *args[1:]]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=120)

    def init(self) -> None:
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres",
                  "--no-sync", "-E", "UTF8")

    def start(self) -> None:
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l",
                  str(self.root / "server.log"), "-w", "-t", "60", "start")

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "-t", "60", "stop")


@pytest.fixture
def cluster() -> Iterator[Cluster]:
    if not (PG_BIN / "initdb").exists() or not (PG_BIN / "pg_ctl").exists():
        reason = f"the PostgreSQL server binaries are not in {PG_BIN} (set TRADEBASE_PG_BIN)"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    root = Path(tempfile.mkdtemp(prefix="tradebase-outage-"))
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
    found = Cluster(root=root, port=_free_port())
    found.init()
    found.start()
    try:
        yield found
    finally:
        with contextlib.suppress(subprocess.CalledProcessError):  # stopped already
            found.stop("immediate")
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def outage_engine(cluster: Cluster) -> Iterator[Engine]:
    engine = make_engine(cluster.url, connect_timeout=2, pool_timeout=2)
    upgrade(engine)
    yield engine
    engine.dispose()


def _assert_secured(response) -> None:  # type: ignore[no-untyped-def]
    for name in SECURITY_HEADERS:
        assert name in response.headers, f"{response.request.url}: no {name}"


def _assert_unavailable(response) -> None:  # type: ignore[no-untyped-def]
    assert response.status_code == 503, (response.request.url, response.text[:300])
    assert int(response.headers["retry-after"]) >= 1
    _assert_secured(response)


def test_an_outage_answers_503_and_the_same_app_recovers(
    cluster: Cluster, outage_engine: Engine
) -> None:
    settings = Settings(mail_backend="memory", api_limit="100000/minute", outage_retry_after=7)
    app = create_app(outage_engine, settings=settings)
    api_reads = ["/api/v1/bases", "/api/v1/enterprises", "/api/v1/products"]
    pages = ["/", "/enterprises"]
    with TestClient(app, base_url="https://testserver", raise_server_exceptions=False) as client:
        for path in [*api_reads, *pages]:
            assert client.get(path).status_code == 200, path

        cluster.stop()  # the database goes away under a running application

        for path in api_reads:
            response = client.get(path)
            _assert_unavailable(response)
            assert response.headers["retry-after"] == "7"
            assert response.headers["content-type"].startswith("application/json")
            assert response.json()["error"]["message"]
        # a bearer token is looked up in the database before the route runs (a dependency)
        response = client.get("/api/v1/bases", headers={"Authorization": "Bearer tb_nothing"})
        _assert_unavailable(response)
        assert "error" in response.json()
        response = client.post("/api/v1/auth/token",
                               json={"email": "a@example.com", "password": "x" * 12})
        _assert_unavailable(response)
        for path in pages:
            response = client.get(path)
            _assert_unavailable(response)
            assert response.headers["content-type"].startswith("text/html")
            assert "<html" in response.text
            assert "503" in response.text

        cluster.start()  # back: the same app, the same engine, no restart

        for path in [*api_reads, *pages]:
            response = client.get(path)
            assert response.status_code == 200, (path, response.text[:300])
            _assert_secured(response)
