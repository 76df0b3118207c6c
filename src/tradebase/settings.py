"""One typed, cached settings object, read from ``TRADEBASE_*`` environment variables."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Everything that differs between a laptop, CI and a production server."""

    model_config = SettingsConfigDict(env_prefix="TRADEBASE_", env_file=".env", extra="ignore")

    database_url: str = f"sqlite:///{Path.cwd() / 'tradebase.db'}"
    """SQLAlchemy URL. SQLite file in the working directory by default; PostgreSQL in
    production, e.g. ``postgresql+psycopg://tradebase@db/tradebase``."""

    secret_key: str = "dev-only-change-me"  # noqa: S105 - overridden in production by env
    default_language: str = "zh"
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 1
    page_size_max: int = 500
    solver_time_limit: float = 20.0
    """Seconds the allocation and procurement solvers may use in one web request (a plan
    reached by then is returned as "feasible" with its gap)."""
    sql_echo: bool = False

    # --- accounts and security: the defaults protect a public server -------------------
    cookie_secure: bool = True
    """Send the session cookie over HTTPS only. Browsers treat http://127.0.0.1 and
    localhost as secure, so local development works; set False only behind plain HTTP."""
    session_hours: int = 12
    token_days: int = 90
    reset_token_minutes: int = 30
    login_limit: str = "10/minute"
    """Login attempts per client address and per e-mail (a count and a window: second,
    minute, hour)."""
    api_limit: str = "600/minute"
    """API calls per token or client address."""
    lockout_failures: int = 5
    lockout_minutes: int = 15
    redis_url: str | None = None
    """Share rate-limit counters between worker processes (e.g. redis://127.0.0.1:6379/0);
    without it each process counts alone."""
    rate_limit_namespace: str = "tradebase"
    """Prefix of the rate-limit counters (several installations may share one Redis)."""
    mail_backend: str = "console"
    """``console`` prints messages to the terminal (development); ``smtp`` sends them."""
    smtp_host: str = "localhost"
    smtp_port: int = 25
    mail_from: str = "tradebase@localhost"
    base_url: str = "http://127.0.0.1:8000"
    upload_max_bytes: int = 20 * 1024 * 1024


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings; tests clear the cache after changing the environment."""
    return Settings()
