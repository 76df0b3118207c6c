"""Where a buyer wants the goods: the destination country named in a request, as ISO alpha-2.

Country names come from Babel's territory names in the six request languages (checked against
pycountry's alpha-2 codes) plus the short forms people type (``USA``, ``UK``, ``Holland``,
``沙特``, ``阿联酋``) and a few regions that stand for their country (``au Québec`` → CA).
Prepositions and articles need no stripping: the name is found wherever it stands, and a name
right after a destination word ("nach", "till", "au", "en", "to", "到", "出口") wins over one
after an origin word ("from", "aus", "från", "从"). A small table of the ports and trade cities
buyers name (Hamburg, Rotterdam, Jeddah, 利雅得 …) answers only when no country is named.

Pure: no database, no web.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import pycountry
from babel import Locale

_BABEL_LOCALES = ("en", "de", "sv", "es", "fr", "zh_Hans_CN")

# Short forms and regions people write; matched without case.
_SHORT_FORMS: dict[str, str] = {
    "usa": "US",
    "u.s.a.": "US",
    "u.s.": "US",
    "america": "US",
    "amerika": "US",
    "ee.uu.": "US",
    "eeuu": "US",
    "ee. uu.": "US",
    "états-unis": "US",
    "etats-unis": "US",
    "uk": "GB",
    "u.k.": "GB",
    "great britain": "GB",
    "britain": "GB",
    "england": "GB",
    "scotland": "GB",
    "wales": "GB",
    "großbritannien": "GB",
    "grossbritannien": "GB",
    "schottland": "GB",
    "gran bretaña": "GB",
    "inglaterra": "GB",
    "grande-bretagne": "GB",
    "angleterre": "GB",
    "écosse": "GB",
    "skottland": "GB",
    "holland": "NL",
    "hollande": "NL",
    "holanda": "NL",
    "nederland": "NL",
    "emirates": "AE",
    "emirate": "AE",
    "emiratos": "AE",
    "saudi": "SA",
    "arabie": "SA",
    "québec": "CA",
    "quebec": "CA",
    "ontario": "CA",
    "bayern": "DE",
    "bavaria": "DE",
    "california": "US",
    "kalifornien": "US",
    "californie": "US",
    "texas": "US",
    "cataluña": "ES",
    "catalunya": "ES",
    "catalonia": "ES",
    "hongkong": "HK",
    "hong kong": "HK",
    "korea": "KR",
    "südkorea": "KR",
    "sydkorea": "KR",
    "corée du sud": "KR",
    "corea del sur": "KR",
    "russland": "RU",
    "russia": "RU",
    "ryssland": "RU",
    "schweden": "SE",
    "españa": "ES",
    "espana": "ES",
    "turkey": "TR",
    "türkei": "TR",
    "turquía": "TR",
    "turquie": "TR",
    "turkiet": "TR",
    "deutschland": "DE",
    "sverige": "SE",
    "沙特": "SA",
    "阿联酋": "AE",
    "美国": "US",
    "英国": "GB",
    "德国": "DE",
    "荷兰": "NL",
    "瑞典": "SE",
    "瑞士": "CH",
    "香港": "HK",
    "澳洲": "AU",
    "韩国": "KR",
    "俄罗斯": "RU",
    "加拿大": "CA",
    "魁北克": "CA",
    "西班牙": "ES",
    "法国": "FR",
    "意大利": "IT",
}
# Written in capitals only: in lower case they are words ("us", "in").
_CAPITALS: dict[str, str] = {
    "US": "US",
    "USA": "US",
    "UK": "GB",
    "GB": "GB",
    "UAE": "AE",
    "VAE": "AE",
    "EAU": "AE",
    "KSA": "SA",
}
# Names that are more often something else (jersey fabric, a turkey, porcelain, "réunion" a
# meeting): read only right after a destination word.
_NEEDS_CUE = frozenset(
    {
        "jersey",
        "guernsey",
        "turkey",
        "china",
        "chad",
        "réunion",
        "reunion",
        "island",
        "georgia",
        "jordan",
        "panama",
        "chile",
        "mali",
        "togo",
        "niger",
        "guinea",
        "man",
        "中国",
        "granada",
        "grenade",
        "chili",
        "maurice",
        "samoa",
        "congo",
        "cuba",
        "malta",
        "tonga",
        "bermuda",
        "bermudas",
        "america",
        "amerika",
        "saudi",
        "arabie",
        "emirate",
    }
)
CITIES: dict[str, str] = {
    "hamburg": "DE",
    "hambourg": "DE",
    "hamburgo": "DE",
    "bremen": "DE",
    "bremerhaven": "DE",
    "rotterdam": "NL",
    "róterdam": "NL",
    "antwerpen": "BE",
    "antwerp": "BE",
    "anvers": "BE",
    "amberes": "BE",
    "felixstowe": "GB",
    "southampton": "GB",
    "london": "GB",
    "londres": "GB",
    "le havre": "FR",
    "marseille": "FR",
    "marsella": "FR",
    "marseilles": "FR",
    "paris": "FR",
    "valencia": "ES",
    "barcelona": "ES",
    "barcelone": "ES",
    "madrid": "ES",
    "algeciras": "ES",
    "genova": "IT",
    "genoa": "IT",
    "gênes": "IT",
    "génova": "IT",
    "milano": "IT",
    "milan": "IT",
    "göteborg": "SE",
    "goteborg": "SE",
    "gothenburg": "SE",
    "stockholm": "SE",
    "malmö": "SE",
    "gdańsk": "PL",
    "gdansk": "PL",
    "danzig": "PL",
    "new york": "US",
    "nueva york": "US",
    "los angeles": "US",
    "long beach": "US",
    "chicago": "US",
    "dubai": "AE",
    "dubái": "AE",
    "dubaï": "AE",
    "jebel ali": "AE",
    "jeddah": "SA",
    "jiddah": "SA",
    "dschidda": "SA",
    "djeddah": "SA",
    "yeda": "SA",
    "riyadh": "SA",
    "riad": "SA",
    "riyad": "SA",
    "sydney": "AU",
    "melbourne": "AU",
    "toronto": "CA",
    "montréal": "CA",
    "montreal": "CA",
    "vancouver": "CA",
    "copenhagen": "DK",
    "københavn": "DK",
    "kopenhagen": "DK",
    "köpenhamn": "DK",
    "oslo": "NO",
    "helsinki": "FI",
    "zürich": "CH",
    "zurich": "CH",
    "basel": "CH",
    "genève": "CH",
    "geneva": "CH",
    "genf": "CH",
    "wien": "AT",
    "vienna": "AT",
    "singapore": "SG",
    "汉堡港": "DE",
    "不来梅": "DE",
    "鹿特丹": "NL",
    "安特卫普": "BE",
    "费利克斯托": "GB",
    "伦敦": "GB",
    "勒阿弗尔": "FR",
    "马赛": "FR",
    "巴黎": "FR",
    "瓦伦西亚": "ES",
    "巴塞罗那": "ES",
    "热那亚": "IT",
    "哥德堡": "SE",
    "斯德哥尔摩": "SE",
    "格但斯克": "PL",
    "纽约": "US",
    "洛杉矶": "US",
    "长滩": "US",
    "迪拜": "AE",
    "吉达": "SA",
    "利雅得": "SA",
    "悉尼": "AU",
    "多伦多": "CA",
    "蒙特利尔": "CA",
    "温哥华": "CA",
}

_ARTICLE = r"(?:die|der|den|das|the|la|le|les|l'|el|los|las)"
_DESTINATION_CUE = re.compile(
    r"(?:^|[^\w])(?:to|into|towards?|destination:?|deliver(?:ed|y)? (?:to|in)|ship(?:ped)? to"
    r"|export(?:ed)? to|for|in|nach|ins|till|i|a|al|hacia|para|destino:?|au|aux|en|à|vers"
    r"|pour)\s+(?:" + _ARTICLE + r"\s*)?$",
    re.IGNORECASE,
)
_DESTINATION_CUE_ZH = re.compile(r"(?:到|至|往|出口|运往|发往|销往|送往|寄往|目的地[:：]?)$")
_ORIGIN_CUE = re.compile(
    r"(?:^|[^\w])(?:from|made in|aus|från|desde|depuis|de|du|von|origin:?)\s+(?:"
    + _ARTICLE
    + r"\s*)?$",
    re.IGNORECASE,
)
_ORIGIN_CUE_ZH = re.compile(r"(?:从|来自|产自|原产)$")


@dataclass(frozen=True, slots=True)
class PlaceMention:
    country: str  # ISO alpha-2
    start: int
    end: int
    is_city: bool = False

    @property
    def span(self) -> tuple[int, int]:
        return (self.start, self.end)


@cache
def country_names() -> dict[str, str]:
    """Every country name in the six languages (lower case) → alpha-2."""
    names: dict[str, str] = {}
    for locale_name in _BABEL_LOCALES:
        for code, name in Locale.parse(locale_name).territories.items():
            if len(code) == 2 and code.isalpha() and pycountry.countries.get(alpha_2=code):
                names.setdefault(name.casefold(), code)
    for country in pycountry.countries:
        for attr in ("name", "common_name"):
            value = getattr(country, attr, None)
            if value:
                names.setdefault(str(value).casefold(), country.alpha_2)
    names.update(_SHORT_FORMS)
    return names


def _pattern(words: list[str], case_sensitive: bool) -> re.Pattern[str]:
    latin = sorted((w for w in words if not _is_cjk(w[0])), key=len, reverse=True)
    cjk = sorted((w for w in words if _is_cjk(w[0])), key=len, reverse=True)
    parts = []
    if latin:
        alternation = "|".join(re.escape(w) for w in latin)
        parts.append(rf"(?<![\w.])(?:{alternation})(?![\w])")
    if cjk:
        parts.append("|".join(re.escape(w) for w in cjk))
    return re.compile("|".join(parts), 0 if case_sensitive else re.IGNORECASE)


def _is_cjk(ch: str) -> bool:
    return "\u3400" <= ch <= "\u9fff"


@cache
def _country_pattern() -> re.Pattern[str]:
    return _pattern(list(country_names()), case_sensitive=False)


@cache
def _capitals_pattern() -> re.Pattern[str]:
    return _pattern(list(_CAPITALS), case_sensitive=True)


@cache
def _city_pattern() -> re.Pattern[str]:
    return _pattern(list(CITIES), case_sensitive=False)


def _cue(text: str, start: int) -> int:
    """+1 after a destination word, -1 after an origin word, 0 otherwise."""
    before = text[max(0, start - 30) : start]
    if _ORIGIN_CUE.search(before) or _ORIGIN_CUE_ZH.search(before):
        return -1  # first: "made in" ends with "in"
    if _DESTINATION_CUE.search(before) or _DESTINATION_CUE_ZH.search(before):
        return 1
    return 0


def find_places(text: str) -> list[PlaceMention]:
    """Every country (and, separately flagged, every trade city) named in ``text``."""
    found: list[PlaceMention] = []
    names = country_names()
    for match in _country_pattern().finditer(text):
        name = match.group(0).casefold()
        if name in _NEEDS_CUE and _cue(text, match.start()) <= 0:
            continue
        found.append(PlaceMention(names[name], match.start(), match.end()))
    for match in _capitals_pattern().finditer(text):
        if not any(p.start <= match.start() < p.end for p in found):
            found.append(PlaceMention(_CAPITALS[match.group(0)], match.start(), match.end()))
    for match in _city_pattern().finditer(text):
        if not any(p.start <= match.start() < p.end for p in found):
            city = CITIES[match.group(0).casefold()]
            found.append(PlaceMention(city, match.start(), match.end(), is_city=True))
    return sorted(found, key=lambda p: p.start)


def find_destination(text: str) -> PlaceMention | None:
    """The country the goods go to: a named country (after a destination word first, never
    one only named after an origin word), else a named port or trade city."""
    places = find_places(text)
    for is_city in (False, True):
        candidates = [p for p in places if p.is_city == is_city]
        ranked = [(_cue(text, p.start), i, p) for i, p in enumerate(candidates)]
        ranked = [item for item in ranked if item[0] >= 0]
        if ranked:
            return max(ranked, key=lambda item: (item[0], -item[1]))[2]
    return None
