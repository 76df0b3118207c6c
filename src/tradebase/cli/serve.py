"""``tradebase serve``: run the web application."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    from tradebase.settings import Settings


def uvicorn_options(
    settings: Settings,
    *,
    host: str | None = None,
    port: int | None = None,
    workers: int | None = None,
    reload: bool = False,
) -> dict[str, Any]:
    """The options ``serve`` passes to uvicorn, from the settings (see ``docs/security.md``,
    "Operations": the worker health check must not kill a live worker whose CPU is starved)."""
    return {
        "host": host or settings.host,
        "port": port or settings.port,
        "workers": workers or settings.workers,
        "reload": reload,
        "proxy_headers": True,
        "timeout_worker_healthcheck": settings.worker_healthcheck_seconds,
        "timeout_keep_alive": settings.keep_alive_seconds,
        "timeout_graceful_shutdown": settings.graceful_shutdown_seconds,
    }


def serve(
    host: Annotated[str | None, typer.Option(help="Address to listen on")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on")] = None,
    workers: Annotated[
        int | None, typer.Option(help="Worker processes (use PostgreSQL for more than one)")
    ] = None,
    reload: Annotated[bool, typer.Option(help="Restart on code changes (development)")] = False,
) -> None:
    """Serve the web app and the API (http://127.0.0.1:8000 by default). Health-check and
    timeout settings: TRADEBASE_WORKER_HEALTHCHECK_SECONDS, TRADEBASE_KEEP_ALIVE_SECONDS,
    TRADEBASE_GRACEFUL_SHUTDOWN_SECONDS."""
    import uvicorn

    from tradebase.settings import get_settings

    options = uvicorn_options(get_settings(), host=host, port=port, workers=workers,
                              reload=reload)
    uvicorn.run("tradebase.web.main:app", **options)


def register(app: typer.Typer) -> None:
    app.command()(serve)
