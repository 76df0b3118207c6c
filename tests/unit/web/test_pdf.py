"""The platform's PDF renderer (web/pdf.py): Chinese typeset with the CJK font of
``make pdf-deps``, our static files served, nothing else fetched."""

from __future__ import annotations

from typing import Any

import pytest

from tradebase.web import pdf


def _text(document: Any) -> str:
    """The typeset text of every page, read from the laid-out boxes of WeasyPrint's document
    API."""
    from weasyprint.formatting_structure.boxes import TextBox

    return " ".join(box.text for page in document.pages
                    for box in page._page_box.descendants() if isinstance(box, TextBox))


def _fonts(document: Any) -> set[str]:
    """The families of the fonts the PDF embeds (known once it is written)."""
    document.write_pdf()
    return {str(font.family) for font in document.fonts.values()}


def test_chinese_is_typeset_with_a_cjk_font() -> None:
    html = ('<html lang="zh"><head><link rel="stylesheet" href="/static/css/print.css">'
            '</head><body><h1>莆田鞋业对接会</h1><p>第 3 桌 · Hall 2</p></body></html>')
    document = pdf.document(html)
    text = _text(document)
    assert "莆田鞋业对接会" in text
    assert "第 3 桌 · Hall 2" in text
    assert "WenQuanYi Micro Hei" in _fonts(document)
    data = pdf.html_to_pdf(html)
    assert data.startswith(b"%PDF-")
    assert data.rstrip().endswith(b"%%EOF")


def test_our_stylesheet_is_served() -> None:
    with_css = pdf.document('<link rel="stylesheet" href="/static/css/print.css"><p>x</p>')
    # a rule only print.css has: the page counter in the bottom-right margin
    assert "1 / 1" in _text(with_css)


@pytest.mark.parametrize("url", [
    "https://example.com/tracker.png", "http://127.0.0.1:8000/static/css/print.css",
    "file:///etc/passwd", "https://tradebase.invalid/static/../pdf.py",
    "https://tradebase.invalid/static/css/missing.css", "https://tradebase.invalid/api/v1/audit",
    "data:text/css,p{color:red}",
])
def test_nothing_else_is_fetched(url: str) -> None:
    assert pdf._static_file(url) is None
    fetcher = pdf._fetcher()
    with pytest.raises(ValueError, match="not fetched"):
        fetcher.fetch(url)


def test_a_static_file_is_fetched() -> None:
    fetched = pdf._fetcher().fetch("https://tradebase.invalid/static/css/print.css")
    assert b"@page" in fetched.read()
    no_css = pdf.document('<link rel="stylesheet" href="https://example.com/x.css"><p>y</p>')
    assert "1 / 1" not in _text(no_css)


def test_rendering_a_pdf_leaves_damaged_photos_refused() -> None:
    """WeasyPrint's import makes Pillow accept truncated images process-wide; the renderer
    undoes it, so a photo upload after a PDF is still checked."""
    from tests.unit.registry.test_photos import LIMITS, image_bytes
    from tradebase.errors import InvalidInput
    from tradebase.registry.photos import prepare_photo

    pdf.html_to_pdf("<html lang='en'><body><p>agenda</p></body></html>")
    whole = image_bytes("JPEG", quality=95)
    with pytest.raises(InvalidInput) as refused:
        prepare_photo(whole[: len(whole) // 2], **LIMITS)
    assert refused.value.code == "photo.damaged"
