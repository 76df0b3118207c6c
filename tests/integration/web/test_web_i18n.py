"""The message catalogs and the language helpers of the web interface."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from tradebase.accounts.policy import STAFF_LANGUAGES
from tradebase.web.i18n import (
    CATALOG_DIR,
    country_name,
    from_accept_language,
    get_translations,
    supported,
)
from tradebase.web.pages import safe_next

REPO = Path(__file__).resolve().parents[3]


def _source_messages() -> set[str]:
    """Every message the templates and page modules use, extracted as pybabel does."""
    with (REPO / "babel.cfg").open(encoding="utf-8") as handle:
        method_map, options_map = parse_mapping_cfg(handle)  # type: ignore[no-untyped-call]
    found: set[str] = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(REPO), method_map, options_map, keywords=DEFAULT_KEYWORDS
    ):
        found.add(message[0] if isinstance(message, tuple) else message)
    return found


def _catalog(name: str, locale: str | None = None):  # type: ignore[no-untyped-def]
    with (CATALOG_DIR / name).open("rb") as handle:
        return read_po(handle, locale=locale)


def _ids(catalog) -> set[str]:  # type: ignore[no-untyped-def]
    return {m.id[0] if isinstance(m.id, tuple) else m.id for m in catalog if m.id}


def test_the_template_holds_every_message_of_the_source() -> None:
    source = _source_messages()
    assert len(source) > 100
    template = _ids(_catalog("messages.pot"))
    assert source - template == set(), "run pybabel extract (see babel.cfg)"
    assert template - source == set(), "run pybabel extract (see babel.cfg)"


def test_every_message_has_a_chinese_translation() -> None:
    catalog = _catalog("zh/LC_MESSAGES/messages.po", locale="zh")
    assert _ids(catalog) >= _source_messages()
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        assert all(strings), f"untranslated: {message.id!r}"
        assert not message.fuzzy, f"fuzzy: {message.id!r}"
    problems = [(m.id, errors) for m, errors in catalog.check()]
    assert problems == []


def test_the_catalog_is_read_without_a_compile_step() -> None:
    zh = get_translations("zh")
    assert zh.gettext("Bases") == "基地"
    assert zh.ngettext("%(num)d product", "%(num)d products", 3) == "%(num)d 个产品"
    assert get_translations("en").gettext("Bases") == "Bases"
    assert get_translations("zh") is zh  # cached


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("zh-CN,zh;q=0.9,en;q=0.8", "zh"),
        ("en-US,en;q=0.9", "en"),
        ("fr-FR,fr;q=0.9,en;q=0.5,zh;q=0.4", "en"),
        ("de, zh-TW;q=0.3", "zh"),
        ("en;q=0, zh;q=0.1", "zh"),
        ("fr", None),
        ("", None),
        (None, None),
        ("en;q=bad", None),
    ],
)
def test_accept_language_among_the_staff_languages(header: str | None, expected: str | None
                                                    ) -> None:
    assert from_accept_language(header, STAFF_LANGUAGES) == expected


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("fr-FR,fr;q=0.9,en;q=0.5,zh;q=0.4", "fr"),
        ("de-CH", "de"),
        ("ja, sv-SE;q=0.5, en;q=0.4", "sv"),
        ("es;q=0, en;q=0.1", "en"),
    ],
)
def test_accept_language_among_the_buyer_languages(header: str, expected: str) -> None:
    assert from_accept_language(header) == expected


def test_supported_languages() -> None:
    assert supported("zh_Hans_CN") == "zh"
    assert supported("EN-gb") == "en"
    assert supported("ja") is None


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/bases/1?q=x", "/bases/1?q=x"),
        (None, "/"),
        ("", "/"),
        ("https://evil.example/", "/"),
        ("//evil.example", "/"),
        ("/\\evil.example", "/"),
        ("bases/1", "/"),
    ],
)
def test_safe_next(target: str | None, expected: str) -> None:
    assert safe_next(target) == expected


def test_country_names_in_both_languages() -> None:
    assert country_name("US", "en") == "United States"
    assert country_name("US", "zh") == "美国"
    assert country_name("de", "zh") == "德国"
    assert country_name("ZZ", "en") == "ZZ"
