"""Certification lists split the way people type them, known codes written one way."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import TypeAdapter

from tradebase.docking.schemas import parse_queries
from tradebase.figures import (
    certification_key,
    find_certifications,
    normalise_certification,
    split_certifications,
)
from tradebase.registry.schemas import CertificationList


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        ("FSC;ISO9001", ["FSC", "ISO9001"]),
        ("FSC，BSCI", ["FSC", "BSCI"]),
        ("FSC；BSCI", ["FSC", "BSCI"]),
        ("FSC、BSCI、CE", ["FSC", "BSCI", "CE"]),
        ("FSC / BSCI", ["FSC", "BSCI"]),
        ("FSC, BSCI", ["FSC", "BSCI"]),
        ("FSC BSCI", ["FSC", "BSCI"]),
        ("ISO 9001", ["ISO9001"]),
        ("iso-14001:2015 SA 8000", ["ISO14001", "SA8000"]),
        ("Oeko-Tex Standard 100", ["OEKO-TEX"]),
        ("oekotex, rohs", ["OEKO-TEX", "RoHS"]),
        ("EN 71 LFGB FDA", ["EN71", "LFGB", "FDA"]),
        ("Green Label; FSC", ["Green Label", "FSC"]),  # an unknown code stays as typed
        ("FSC; fsc", ["FSC"]),
        ("", []),
    ],
)
def test_split_certifications(text: str, codes: list[str]) -> None:
    assert split_certifications(text) == codes


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        ("Stühle mit FSC und ISO 9001, CE-Kennzeichnung", ["FSC", "ISO9001", "CE"]),
        ("ce que nous cherchons: chaises FSC", ["FSC"]),  # "ce" is French, not the CE mark
        ("we need to reach a wrap deal", []),  # words, not REACH or WRAP
        ("需要FSC认证和BSCI验厂", ["FSC", "BSCI"]),
        ("OEKO-TEX certified, GOTS", ["OEKO-TEX", "GOTS"]),
    ],
)
def test_find_certifications_in_free_text(text: str, codes: list[str]) -> None:
    assert [mention.code for mention in find_certifications(text)] == codes


def test_normalised_codes_keep_their_key() -> None:
    for written in ["ISO 9001", "Oeko-Tex", "rohs", "amfori BSCI"]:
        normalised = normalise_certification(written)
        assert certification_key(normalised) in certification_key(written)


def test_registry_lists_split_on_every_separator() -> None:
    adapter = TypeAdapter(CertificationList)
    assert adapter.validate_python("FSC，BSCI") == ["FSC", "BSCI"]


def test_query_files_split_on_every_separator() -> None:
    text = "id,text,required_certifications\nq1,chairs,FSC，BSCI\n"
    ((_, request),) = parse_queries(text, "queries.csv")
    assert sorted(request.required_certifications) == ["BSCI", "FSC"]


@given(
    st.lists(
        st.sampled_from(["FSC", "BSCI", "ISO9001", "OEKO-TEX", "CE", "SA8000"]),
        unique=True,
        min_size=1,
    ),
    st.sampled_from([";", ",", "，", "；", "、", "/", " ", " / "]),
)
def test_a_joined_list_splits_back(codes: list[str], separator: str) -> None:
    assert split_certifications(separator.join(codes)) == codes
