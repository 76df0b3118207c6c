"""``tradebase serve``: run the web application."""

from __future__ import annotations

from typing import Annotated

import typer


def serve(
    host: Annotated[str | None, typer.Option(help="Address to listen on")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on")] = None,
    workers: Annotated[
        int | None, typer.Option(help="Worker processes (use PostgreSQL for more than one)")
    ] = None,
    reload: Annotated[bool, typer.Option(help="Restart on code changes (development)")] = False,
) -> None:
    """Serve the web app and the API (http://127.0.0.1:8000 by default)."""
    import uvicorn

    from tradebase.settings import get_settings

    settings = get_settings()
    uvicorn.run(
        "tradebase.web.main:app",
        host=host or settings.host,
        port=port or settings.port,
        workers=workers or settings.workers,
        reload=reload,
        proxy_headers=True,
    )


def register(app: typer.Typer) -> None:
    app.command()(serve)
