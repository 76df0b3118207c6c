"""Figures written the way each language writes them: "200 亿元" and "20 billion yuan".

Pure functions over Babel's CLDR data; no database, no web.
"""

from __future__ import annotations

from babel.numbers import format_compact_decimal, format_decimal, get_currency_name

# Babel locale per interface language (buyers also read de, es, fr and sv); any other
# language is written as English.
LOCALES = {"zh": "zh_Hans_CN", "en": "en", "de": "de_DE", "es": "es_ES", "fr": "fr_FR",
           "sv": "sv_SE"}

_KILOBYTE = 1024
_MEGABYTE = 1024 * 1024
# (kilobytes, megabytes, the space before them) as each language writes file sizes
_SIZE_UNITS = {"en": ("kB", "MB", " "), "zh": ("kB", "MB", " "), "de": ("kB", "MB", " "),
               "es": ("kB", "MB", " "), "sv": ("kB", "MB", " "),
               "fr": ("ko", "Mo", "\u202f")}

_CURRENCY_WORDS = {
    "en": {"CNY": "yuan", "USD": "US dollars", "EUR": "euros"},
    "zh": {"CNY": "元", "USD": "美元", "EUR": "欧元"},
    "de": {"CNY": "Yuan", "USD": "US-Dollar", "EUR": "Euro"},
    "es": {"CNY": "yuanes", "USD": "dólares estadounidenses", "EUR": "euros"},
    "fr": {"CNY": "yuans", "USD": "dollars américains", "EUR": "euros"},
    "sv": {"CNY": "yuan", "USD": "amerikanska dollar", "EUR": "euro"},
}

_UNIT_WORDS_ZH = {
    "enterprises": "家",
    "companies": "家",
    "persons": "人",
    "countries": "个国家和地区",
    "pairs": "双",
    "pcs": "件",
    "sets": "套",
    "years": "年",
    "hectares": "公顷",
    "cities": "个城市",
    "festivals": "场",
    "clusters": "个",
    "colleges": "所",
    "markets": "个",
    "regions": "个",
    "categories": "类",
    "projects": "个",
    "bases": "个",
    "visitors": "人次",
}

_QUALIFIER_WORDS = {
    "en": {"more_than": "more than ", "nearly": "nearly ", "about": "about "},
    "zh": {"more_than": "超过 ", "nearly": "近 ", "about": "约 "},
    "de": {"more_than": "mehr als ", "nearly": "fast ", "about": "etwa "},
    "es": {"more_than": "más de ", "nearly": "casi ", "about": "unos "},
    "fr": {"more_than": "plus de ", "nearly": "près de ", "about": "environ "},
    "sv": {"more_than": "mer än ", "nearly": "nästan ", "about": "omkring "},
}
_RANK_WORDS = {"en": "No. {}", "zh": "第 {} 名", "de": "Platz {}", "es": "n.º {}",
               "fr": "n° {}", "sv": "plats {}"}


def format_number(value: float, lang: str, *, compact: bool = True) -> str:
    """A number in ``lang``: compact from 10,000 up in Chinese (2.2 万, 200 亿), from one
    million up in the other languages (6.5 million, 6,5 Millionen); grouped digits below that
    (2,000 in English, 2.000 in German)."""
    locale = LOCALES.get(lang, "en")
    threshold = 10_000 if lang == "zh" else 1_000_000
    if compact and abs(value) >= threshold:
        text = format_compact_decimal(
            value, format_type="short" if lang == "zh" else "long", locale=locale,
            fraction_digits=2,
        )
        if lang == "zh":  # "2.2万" -> "2.2 万": CLDR glues the unit; the brief spaces it
            digits = text.rstrip("万亿兆")
            text = f"{digits} {text[len(digits):]}"
        return text
    if float(value).is_integer():
        return format_decimal(int(value), locale=locale)
    return format_decimal(value, locale=locale, format="#,##0.##")


def format_file_size(count: int, lang: str) -> str:
    """A file's size (or a size limit) in ``lang`` with its unit, never as bytes: megabytes
    from one up ("20 MB", "1,5 MB" in German, "20 Mo" in French), kilobytes below ("64 kB",
    "0,5 ko"); at most one decimal, none when it is whole. The units are the binary ones
    the limits are set in (a megabyte is 1,048,576 bytes), named as people write them
    (CLDR's own unit patterns say "1 Mbyte" in German, which nobody writes)."""
    mega = count >= _MEGABYTE
    amount = count / (_MEGABYTE if mega else _KILOBYTE)
    shown = round(amount, 1) or (0.1 if count else 0)  # a few bytes are not "0 kB"
    number = format_decimal(shown, format="#,##0.#", locale=LOCALES.get(lang, "en"))
    kilo, megabytes, space = _SIZE_UNITS.get(lang, _SIZE_UNITS["en"])
    return f"{number}{space}{megabytes if mega else kilo}"


def format_figure(
    value: float,
    *,
    lang: str,
    currency: str | None = None,
    unit: str | None = None,
    qualifier: str | None = None,
) -> str:
    """A figure with its currency or unit and its qualifier, e.g. "more than 2,200 enterprises",
    "超过 2,200 家", "200 亿元", "20 billion yuan", "90%"."""
    lang = lang if lang in LOCALES else "en"
    prefix = _QUALIFIER_WORDS[lang].get(qualifier or "", "")
    if unit == "%":
        return f"{prefix}{format_number(value, lang, compact=False)}%"
    if unit == "rank":
        rank = format_number(value, lang, compact=False)
        return _RANK_WORDS[lang].format(rank)
    number = format_number(value, lang)
    if currency:
        words = _CURRENCY_WORDS[lang].get(currency, currency)
        if lang in ("es", "fr") and number[-1:].isalpha():  # "20 milliards de yuans"
            words = f"de {words}"
        return f"{prefix}{number}{words}" if lang == "zh" else f"{prefix}{number} {words}"
    if unit:
        word = _UNIT_WORDS_ZH.get(unit, unit) if lang == "zh" else unit
        sep = "" if lang == "zh" and unit in _UNIT_WORDS_ZH else " "
        return f"{prefix}{number}{sep}{word}"
    return f"{prefix}{number}"


def format_money(value: float, currency: str, *, lang: str) -> str:
    """An exact sum or unit price with its ISO 4217 code: "7.4321 CNY", "12,345.50 EUR" (two
    decimals at least, up to six: a quote's unit price is not rounded away)."""
    locale = LOCALES.get(lang, "en")
    return f"{format_decimal(value, format='#,##0.00####', locale=locale)} {currency}"


def axis_label(*, lang: str, currency: str | None = None, unit: str | None = None) -> str:
    """What the values of a chart axis count: the currency by name with its code ("Chinese
    Yuan (CNY)", "人民币 (CNY)"), else the unit ("enterprises", "家", "%"); "" for none."""
    lang = lang if lang in LOCALES else "en"
    if currency:
        return f"{get_currency_name(currency, locale=LOCALES[lang])} ({currency})"
    if unit == "rank":
        return "名次" if lang == "zh" else "rank"
    if unit:
        return _UNIT_WORDS_ZH.get(unit, unit) if lang == "zh" else unit
    return ""
