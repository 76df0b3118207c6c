"""HS codes as catalogs write them: every written form, each edition, the three ways an older
code maps to HS 2022, with real codes of the UNSD correlation tables."""

from __future__ import annotations

import csv

import pytest

from tradebase.registry.hs_codes import (
    EDITIONS,
    HS_DIR,
    MESSAGES,
    HsCodeError,
    HsNote,
    hs_tables,
    message,
    read_edition,
    read_hs,
)

# --- written forms ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "hs2022"),
    [
        ("940153", "940153"),
        ("9401.53", "940153"),
        ("9401 53", "940153"),
        ("9401-53", "940153"),
        ("94.01.53", "940153"),
        (" 9401.53 ", "940153"),
        ("９４０１．５３", "940153"),  # full-width, as Chinese input methods write it
        ("9401\u00a053", "940153"),  # a non-breaking space pasted from a web page
        ("94015300", "940153"),  # a national code of 8 digits (CN8)
        ("9401.53.00", "940153"),
        ("9401.53.00.10", "940153"),  # 10 digits (HTS, China's 10-digit codes)
        ("9401530010", "940153"),
        ("6404.11.00.00", "640411"),
        ("010121", "010121"),
    ],
)
def test_every_written_form_of_an_hs_2022_code(written: str, hs2022: str) -> None:
    reading = read_hs(written)
    assert reading.hs2022 == hs2022
    assert reading.edition == 2022
    assert reading.written == written.strip()  # kept as written
    assert reading.notes == ()
    assert reading.candidates == ()


@pytest.mark.parametrize(
    "written",
    ["94015", "9401.5", "94.01", "9401", "9401530", "940153001", "94015300100", "94a153",
     "HS940153", "9401/53", "", "   ", "9401.53.00.10.10", "9" * 41],
)
def test_a_code_of_another_form_is_a_form_error(written: str) -> None:
    with pytest.raises(HsCodeError) as caught:
        read_hs(written)
    assert caught.value.code == "hs_code_form"
    assert caught.value.params == {"written": written.strip()}
    assert "is not an HS code" in str(caught.value)


@pytest.mark.parametrize(("written", "six"), [("999999", "999999"), ("0000.00", "000000"),
                                              ("9999.99.10", "999999"), ("940100", "940100")])
def test_a_code_of_no_edition_is_unknown(written: str, six: str) -> None:
    with pytest.raises(HsCodeError) as caught:
        read_hs(written)
    assert caught.value.code == "hs_code_unknown"
    assert caught.value.params == {"written": written, "code": six}
    assert str(caught.value) == (
        f"HS code {written} is not a subheading of HS 2022, HS 2017 or HS 2012"
    )


def test_a_national_code_of_an_older_edition_is_read_on_its_first_six_digits() -> None:
    reading = read_hs("0305.10.00.90", 2017)
    assert (reading.written, reading.edition, reading.hs2022) == ("0305.10.00.90", 2017, "030910")


# --- editions ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "edition"),
    [(None, None), ("", None), ("2022", 2022), ("2017", 2017), ("2012", 2012),
     ("HS 2017", 2017), ("hs2012", 2012), ("H5", 2017), ("h6", 2022), ("H4", 2012),
     (2017, 2017), ("２０１７", 2017)],
)
def test_editions_as_written(written: int | str | None, edition: int | None) -> None:
    assert read_edition(written) == edition


@pytest.mark.parametrize("written", ["2007", "17", "HS", "2017a", 2023, True])
def test_an_unknown_edition_is_an_error(written: int | str) -> None:
    with pytest.raises(HsCodeError) as caught:
        read_edition(written)
    assert caught.value.code == "hs_edition_form"


def test_read_hs_checks_the_edition_too() -> None:
    with pytest.raises(HsCodeError) as caught:
        read_hs("940153", "1996")
    assert caught.value.code == "hs_edition_form"


def test_an_hs_2022_code_is_itself_with_no_edition_or_2022() -> None:
    assert read_hs("940541").hs2022 == "940541"
    assert read_hs("940541", 2022) == read_hs("940541")


def test_an_unchanged_code_of_an_older_edition_is_itself_with_no_note() -> None:
    for edition in (2017, 2012):
        reading = read_hs("640411", edition)
        assert (reading.edition, reading.hs2022, reading.notes) == (edition, "640411", ())


# --- the three mappings of an older code -------------------------------------------------


def test_hs_2017_code_renumbered_to_one_hs_2022_code() -> None:
    reading = read_hs("030510", 2017)
    assert (reading.edition, reading.hs2022, reading.candidates) == (2017, "030910", ())
    assert reading.notes == (
        HsNote("hs_renumbered", {"code": "030510", "edition": "2017", "hs2022": "030910"}),
    )
    assert reading.notes[0].message == "HS 2017 code 030510 is HS 2022 code 030910"


def test_hs_2017_code_split_within_a_heading_matches_on_the_heading() -> None:
    reading = read_hs("0802.90", 2017)
    assert (reading.edition, reading.hs2022) == (2017, "0802")
    assert reading.candidates == ("080291", "080292", "080299")
    (note,) = reading.notes
    assert note.code == "hs_confirm_subheading"
    assert note.params == {"code": "080290", "edition": "2017", "heading": "0802",
                           "candidates": "080291, 080292, 080299"}
    assert "confirm the subheading" in note.message


def test_hs_2017_code_split_across_headings_keeps_the_candidates() -> None:
    reading = read_hs("940540", 2017)
    assert (reading.edition, reading.hs2022) == (2017, None)
    assert reading.candidates == ("853951", "940541", "940542", "940549")
    (note,) = reading.notes
    assert note.code == "hs_choose_code"
    assert note.params["candidates"] == "853951, 940541, 940542, 940549"


def test_hs_2012_codes_map_the_same_three_ways() -> None:
    single = read_hs("030290", 2012)
    assert (single.hs2022, [n.code for n in single.notes]) == ("030291", ["hs_renumbered"])
    heading = read_hs("030621", 2012)
    assert heading.hs2022 == heading.candidates[0][:4]
    assert [n.code for n in heading.notes] == ["hs_confirm_subheading"]
    spanning = read_hs("220290", 2012)
    assert (spanning.hs2022, spanning.candidates) == (None, ("220291", "220299", "300693"))
    assert [n.code for n in spanning.notes] == ["hs_choose_code"]


# --- a code of another edition than asked ------------------------------------------------


def test_an_hs_2017_code_with_no_edition_is_read_as_hs_2017_with_a_warning() -> None:
    reading = read_hs("940540")
    assert (reading.edition, reading.hs2022) == (2017, None)
    assert [n.code for n in reading.notes] == ["hs_older_edition", "hs_choose_code"]
    assert reading.notes[0].params == {"code": "940540", "asked": "2022", "edition": "2017"}
    assert reading.notes[0].message == "940540 is not an HS 2022 subheading; read as HS 2017"


def test_hs_2017_comes_before_hs_2012() -> None:
    # 030510 is a code of both older editions; HS 2017 is tried first.
    assert read_hs("030510").edition == 2017


def test_an_hs_2012_code_absent_from_hs_2017_is_read_as_hs_2012() -> None:
    reading = read_hs("0302.90")
    assert (reading.edition, reading.hs2022) == (2012, "030291")
    assert [n.code for n in reading.notes] == ["hs_older_edition", "hs_renumbered"]
    assert read_hs("030290", 2017).edition == 2012  # asked 2017: then 2022, then 2012


def test_a_declared_older_edition_falls_back_to_hs_2022_with_a_warning() -> None:
    reading = read_hs("940541", 2017)  # new in HS 2022
    assert (reading.edition, reading.hs2022) == (2022, "940541")
    assert [n.code for n in reading.notes] == ["hs_newer_edition"]
    assert read_hs("940153", 2012).edition == 2022  # not HS 2012: HS 2022 first, then 2017


def test_a_declared_older_edition_follows_the_correlation_even_for_an_hs_2022_number() -> None:
    # HS 2012 020890 corresponds to HS 2022 020890 and 041010 (different headings).
    declared = read_hs("020890", 2012)
    assert (declared.hs2022, declared.candidates) == (None, ("020890", "041010"))
    assert read_hs("020890").hs2022 == "020890"  # no edition: the HS 2022 subheading


# --- the shipped tables ------------------------------------------------------------------


def test_the_tables_are_the_shipped_files() -> None:
    tables = hs_tables()
    assert len(tables.subheadings) == 5612  # without the aggregate 999999
    assert "999999" not in tables.subheadings
    assert len(tables.older[2017]) == 5386  # 5,387 codes, less 999999
    assert len(tables.older[2012]) == 5205
    assert (HS_DIR / "README.md").read_text(encoding="utf-8").count("hs2022-correlations") >= 1


def test_every_older_code_not_in_hs_2022_is_read_one_of_the_three_ways() -> None:
    with (HS_DIR / "hs2022-correlations.csv").open(encoding="utf-8") as handle:
        rows = [row for row in csv.DictReader(handle) if row["old_code"] != "999999"]
    subheadings = hs_tables().subheadings
    counts = {"single": 0, "heading": 0, "none": 0}
    for code in sorted({row["old_code"] for row in rows if row["old_edition"] == "2017"}):
        if code in subheadings:
            continue
        reading = read_hs(code, 2017)
        kind = ("none" if reading.hs2022 is None
                else "heading" if len(reading.hs2022) == 4 else "single")
        counts[kind] += 1
    assert counts == {"single": 58, "heading": 53, "none": 33}


def test_every_code_has_a_message() -> None:
    params = {"written": "x", "code": "c", "asked": "a", "edition": "e", "hs2022": "h",
              "heading": "h", "candidates": "c"}
    for code in MESSAGES:
        assert message(code, params)
    assert EDITIONS == (2022, 2017, 2012)
