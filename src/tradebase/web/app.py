"""The application factory."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from sqlalchemy.engine import Engine

import tradebase
from tradebase.accounts.mail import MailSender, mail_sender
from tradebase.db import get_engine, session_factory
from tradebase.models import load_all_models
from tradebase.settings import Settings, get_settings
from tradebase.web.api import allocation as allocation_api
from tradebase.web.api import analytics as analytics_api
from tradebase.web.api import auth as auth_api
from tradebase.web.api import competitions as competitions_api
from tradebase.web.api import docking as docking_api
from tradebase.web.api import docking_rfq as docking_rfq_api
from tradebase.web.api import docking_threads as docking_threads_api
from tradebase.web.api import event_abroad as event_abroad_api
from tradebase.web.api import event_outcomes as event_outcomes_api
from tradebase.web.api import event_schedule as event_schedule_api
from tradebase.web.api import events as events_api
from tradebase.web.api import imports as imports_api
from tradebase.web.api import product_photos as photos_api
from tradebase.web.api import registry as registry_api
from tradebase.web.api import trade_flows as trade_flows_api
from tradebase.web.api_docs import install_api_docs
from tradebase.web.auth import install_csrf_cookie
from tradebase.web.errors import install_error_handlers
from tradebase.web.head import HeadAsGet
from tradebase.web.limits import BodySizeLimit
from tradebase.web.security import RateLimiter, RejectNulBytes, install_security_headers

STATIC_DIR = Path(__file__).parent / "static"


def create_app(
    engine: Engine | None = None,
    *,
    settings: Settings | None = None,
    mailer: MailSender | None = None,
) -> FastAPI:
    """A Tradebase web application on ``engine`` (default: the configured database)."""
    load_all_models()
    settings = settings or get_settings()
    app = FastAPI(
        title="Tradebase",
        version=tradebase.__version__,
        summary="Register, indicators and docking for industrial clusters and export bases.",
        openapi_url="/api/v1/openapi.json",
        docs_url=None,  # served from /static/vendor by web/api_docs.py
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.engine = engine or get_engine()
    app.state.session_factory = session_factory(app.state.engine)
    app.state.rate_limiter = RateLimiter(settings)
    app.state.mailer = mailer or mail_sender(settings)
    install_error_handlers(app)
    install_csrf_cookie(app)
    app.add_middleware(RejectNulBytes)
    app.add_middleware(HeadAsGet)
    # Outermost but for the body limit: every response gets the headers, also the
    # refusals of the middleware above (the last-resort 500 handler sets them itself).
    install_security_headers(app)
    app.add_middleware(BodySizeLimit, upload_max_bytes=settings.upload_max_bytes)  # outermost
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.include_router(auth_api.router)
    app.include_router(registry_api.router)
    app.include_router(photos_api.router)
    app.include_router(imports_api.router)
    app.include_router(trade_flows_api.router)
    app.include_router(docking_api.router)
    app.include_router(docking_rfq_api.router)
    app.include_router(docking_threads_api.router)
    app.include_router(allocation_api.router)
    app.include_router(events_api.router)
    app.include_router(competitions_api.router)
    app.include_router(event_schedule_api.router)
    app.include_router(event_outcomes_api.router)
    app.include_router(event_abroad_api.router)
    app.include_router(analytics_api.router)

    from tradebase.notifications.channels import MailChannel
    from tradebase.web import pages
    from tradebase.web.pages.inbox import mail_renderer

    # beyond the inbox, which always gets every notification (web/notices.py)
    app.state.notification_channels = (MailChannel(app.state.mailer, mail_renderer(settings)),)
    install_api_docs(app)
    pages.install(app)
    return app
