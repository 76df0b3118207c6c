"""What the three trade-file formats write, read into what a trade record stores.

Countries: ISO 3166 alpha-3 codes (pycountry). UN Comtrade and CEPII BACI write numeric
codes, most of them ISO 3166's, some their own: those are mapped here explicitly
(``NUMERIC_SPECIALS``) — 490 "Other Asia, nes" is Taiwan in both, and 842 USA, 251 France,
579 Norway, 699 India, 757 Switzerland are their numbers for countries ISO numbers otherwise;
areas no country stands for (bunkers, free zones, "areas nes") get user-assigned ``X..``
codes (``SPECIAL_PARTNERS``) so that their value is kept and never counted to a country.
Partner 0 "World" and the EU aggregate (97) are totals of other rows: skipped and counted.

Pure: no database.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache

import pycountry

from tradebase.registry import hs_codes

FLOWS = {"export": "export", "import": "import", "re_export": "re_export",
         "re_import": "re_import"}
"""Our own format's flow words (also accepted with a hyphen or a space)."""
COMTRADE_FLOWS = {"X": "export", "M": "import", "RX": "re_export", "RM": "re_import"}

SPECIAL_PARTNERS: Mapping[str, str] = {
    "XBK": "bunkers",
    "XFZ": "free zones",
    "XSC": "special categories",
    "XNS": "areas not elsewhere specified",
    "XBL": "Belgium-Luxembourg (before 1999)",
    "XSU": "Southern African Customs Union (before 2000)",
    "XSM": "Serbia and Montenegro (before 2006)",
    "XAN": "Netherlands Antilles (before 2011)",
    "XSD": "Sudan (before 2011)",
}
"""User-assigned alpha-3 codes (ISO 3166 leaves X.. to users) for areas no country is."""

_NES = (471, 472, 473, 492, 527, 568, 577, 636, 637, 697, 879, 897, 898, 899)
NUMERIC_SPECIALS: Mapping[int, str] = {
    490: "TWN",  # "Other Asia, nes": Taiwan, in Comtrade and in BACI
    842: "USA", 251: "FRA", 579: "NOR", 699: "IND", 757: "CHE",
    280: "DEU",  # Federal Republic of Germany before 1990
    58: "XBL", 711: "XSU", 891: "XSM", 530: "XAN", 736: "XSD",
    837: "XBK", 838: "XFZ", 839: "XSC",
    **dict.fromkeys(_NES, "XNS"),
}
AGGREGATE_PARTNERS = frozenset({0, 97})
"""World and the EU: totals of other partners' rows."""

_BACI_NAME = re.compile(r"BACI_HS(\d\d)_", re.IGNORECASE)
_BACI_EDITIONS = {"92": 1992, "96": 1996, "02": 2002, "07": 2007, "12": 2012, "17": 2017,
                  "22": 2022}


class FormatError(ValueError):
    """A cell that cannot be read: ``code`` and ``params`` say why (``str()`` in English)."""

    def __init__(self, code: str, message: str, **params: str) -> None:
        self.code = code
        self.params = params
        super().__init__(message)


@cache
def _alpha3() -> frozenset[str]:
    return frozenset(c.alpha_3 for c in pycountry.countries) | frozenset(SPECIAL_PARTNERS)


@cache
def _by_alpha2() -> dict[str, str]:
    return {c.alpha_2: c.alpha_3 for c in pycountry.countries}


@cache
def _by_numeric() -> dict[int, str]:
    return {int(c.numeric): c.alpha_3 for c in pycountry.countries} | dict(NUMERIC_SPECIALS)


@cache
def _currencies() -> frozenset[str]:
    return frozenset(c.alpha_3 for c in pycountry.currencies)


@cache
def country(written: str) -> str:
    """An alpha-3 code for a country as written: alpha-3, alpha-2 or a numeric code."""
    text = written.strip().upper()
    if text.isdecimal():
        return numeric_country(int(text), written)
    if len(text) == 3 and text in _alpha3():
        return text
    if len(text) == 2 and text in _by_alpha2():
        return _by_alpha2()[text]
    raise FormatError("trade_country_unknown",
                      f"'{written}' is not an ISO 3166 country code (such as CHN, CN or 156)",
                      input=written)


def numeric_country(code: int, written: str | None = None) -> str:
    """The alpha-3 code of a numeric one (ISO 3166's, or Comtrade's and BACI's own)."""
    found = _by_numeric().get(code)
    if found is None:
        raise FormatError("trade_country_unknown",
                          f"'{written or code}' is not a country code of ISO 3166, UN "
                          "Comtrade or BACI", input=str(written or code))
    return found


@cache
def currency(written: str) -> str:
    text = written.strip().upper()
    if text in _currencies():
        return text
    raise FormatError("trade_currency_unknown",
                      f"'{written}' is not an ISO 4217 currency code (such as USD or CNY)",
                      input=written)


def flow(written: str) -> str:
    key = written.strip().lower().replace("-", "_").replace(" ", "_")
    if key in FLOWS:
        return FLOWS[key]
    raise FormatError("trade_flow_unknown",
                      f"'{written}' is not a flow: write export, import, re_export or "
                      "re_import", input=written)


@cache
def hs(written: str, edition: int) -> tuple[int, str | None, tuple[str, ...]]:
    """(edition read as, HS 2022 code or None, note codes) of an HS code as written; raises
    ``hs_codes.HsCodeError``. Cached: a file has a few thousand distinct codes."""
    reading = hs_codes.read_hs(written, edition)
    return reading.edition, reading.hs2022, tuple(note.code for note in reading.notes)


def baci_edition(filename: str, given: int | None) -> int:
    """The HS edition of a BACI file: ``given`` (``--hs-edition``), else its name's
    ``BACI_HS17_…``; only the editions the correlation tables cover are read."""
    if given is None:
        found = _BACI_NAME.search(filename)
        if found is None:
            raise FormatError("trade_baci_edition",
                              f"{filename}: give the HS edition (--hs-edition) or name the file "
                              "as CEPII does (BACI_HS17_Y2022_V202401.csv)", file=filename)
        given = _BACI_EDITIONS.get(found.group(1))
    if given not in hs_codes.EDITIONS:
        raise FormatError("trade_hs_edition_unsupported",
                          f"{filename}: HS {given} is not read: codes of HS 2022, 2017 or 2012 "
                          "are mapped to HS 2022", file=filename, edition=str(given))
    return given


def comtrade_edition(classification: str, default: int) -> int:
    """The HS edition of a Comtrade row's ``classificationCode`` (H4, H5, H6); ``default``
    when the file has no such column or the cell is empty."""
    text = classification.strip().upper()
    if not text:
        return default
    try:
        edition = hs_codes.read_edition(text)
    except hs_codes.HsCodeError:
        edition = None
    if edition is None:
        raise FormatError("trade_hs_edition_unsupported",
                          f"classification {classification} is not read: codes of HS 2022, "
                          "2017 or 2012 (H6, H5, H4) are mapped to HS 2022",
                          edition=classification)
    return edition
