"""The API's interactive documentation, Swagger UI served from ``/static/vendor``.

FastAPI's built-in page loads Swagger UI from a CDN and starts it with an inline script; the
app's Content-Security-Policy (``web/security.py``) allows neither. This page loads the npm
package's files copied by the build and starts it from ``static/js/api-docs.js``.
"""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.responses import HTMLResponse

DOCS_PATH = "/api/v1/docs"

_PAGE = """<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{title} API</title>
  <link rel="icon" href="/static/favicon.svg" type="image/svg+xml">
  <link rel="stylesheet" href="/static/vendor/swagger-ui.css">
</head>
<body>
  <main id="swagger-ui" data-openapi-url="{openapi_url}"></main>
  <script src="/static/vendor/swagger-ui-bundle.js"></script>
  <script src="/static/js/api-docs.js"></script>
</body>
</html>
"""


def install_api_docs(app: FastAPI) -> None:
    """Serve Swagger UI at ``/api/v1/docs`` for ``app``'s OpenAPI document (built with
    ``docs_url=None``)."""
    page = _PAGE.format(title=app.title, openapi_url=app.openapi_url)

    @app.get(DOCS_PATH, include_in_schema=False, response_class=HTMLResponse)
    def api_docs() -> HTMLResponse:
        return HTMLResponse(page)
