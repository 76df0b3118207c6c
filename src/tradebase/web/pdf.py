"""The platform's one PDF renderer: an HTML string (a page rendered by our templates) to PDF
bytes, by WeasyPrint. Agendas use it; reports reuse it.

* Fonts come from CSS (``static/css/print.css``: ``font-family`` lists WenQuanYi Micro Hei
  and Noto CJK before the generic family), resolved by fontconfig among the fonts installed by
  ``make pdf-deps`` (pango and ``fonts-wqy-microhei``), so Chinese is typeset, not boxes.
* Nothing is fetched over the network: ``StaticOnlyFetcher`` serves the files under
  ``web/static`` for URLs ``/static/...`` and refuses every other URL (WeasyPrint then leaves
  the resource out), so a name or a note typed by a user cannot make the server fetch
  anything.
* WeasyPrint is imported on the first call: it loads pango, which the rest of the app does
  not need.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

STATIC_DIR = Path(__file__).parent / "static"
BASE_URL = "https://tradebase.invalid/"  # relative URLs resolve here, and only here


def _static_file(url: str) -> Path | None:
    """The file under ``web/static`` that ``url`` names, or None (another host, a path
    outside ``/static/``, a ``..`` that climbs out, a file that is not there)."""
    parts = urlsplit(url)
    if parts.scheme != "https" or parts.netloc != urlsplit(BASE_URL).netloc:
        return None
    path = unquote(parts.path)
    if not path.startswith("/static/"):
        return None
    root = STATIC_DIR.resolve()
    target = (root / path.removeprefix("/static/")).resolve()
    if not target.is_relative_to(root) or not target.is_file():
        return None
    return target


def _load_weasyprint() -> None:
    """Import WeasyPrint, then undo what its import does to the whole process: it sets
    Pillow's ``ImageFile.LOAD_TRUNCATED_IMAGES``, after which a damaged photo upload would be
    accepted (``registry/photos.py`` refuses truncated images). Our PDFs only embed our own
    static files, so they need no tolerance of broken images."""
    import weasyprint  # noqa: F401 - imported for its side effect, undone below
    from PIL import ImageFile

    ImageFile.LOAD_TRUNCATED_IMAGES = False


def _fetcher() -> Any:
    _load_weasyprint()
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticOnlyFetcher(URLFetcher):  # type: ignore[misc]
        """Serves our static files; refuses everything else."""

        def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
            target = _static_file(url)
            if target is None:
                raise ValueError(f"not fetched (only /static/ files are): {url}")
            media_type = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
            return URLFetcherResponse(url, body=target.read_bytes(),
                                      headers={"Content-Type": media_type})

    return StaticOnlyFetcher()


def document(html: str) -> Any:
    """The laid-out WeasyPrint document of ``html`` (its pages and boxes: what a test reads
    the typeset text from)."""
    _load_weasyprint()
    from weasyprint import HTML

    return HTML(string=html, base_url=BASE_URL, url_fetcher=_fetcher()).render()


def html_to_pdf(html: str) -> bytes:
    """``html`` typeset as a PDF (A4 unless the page's CSS says otherwise)."""
    pdf = document(html).write_pdf()
    assert isinstance(pdf, bytes)
    return pdf


__all__ = ["BASE_URL", "document", "html_to_pdf"]
