"""The FastAPI application: REST API under /api/v1, HTML pages, static assets, i18n."""
