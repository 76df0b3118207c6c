"""The ASGI application for servers: ``uvicorn tradebase.web.main:app``."""

from tradebase.web.app import create_app

app = create_app()
