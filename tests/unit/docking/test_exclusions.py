"""Exclusions in every request language: what is ruled out lowers a listing, never raises it."""

from __future__ import annotations

import pytest

from tradebase.docking import Listing, MatchingIndex, MatchRequest
from tradebase.docking.exclusions import split_exclusions


@pytest.mark.parametrize(
    ("text", "wanted", "excluded"),
    [
        ("garden chairs, metal only, no wicker", "garden chairs, metal only,", ("wicker",)),
        ("non-slip yoga mat, not PVC", "non-slip yoga mat,", ("pvc",)),
        ("lead-free glass, No. 5 model", "glass, no. 5 model", ("lead",)),
        ("mugs without handles but with lids", "mugs but with lids", ("handles",)),
        ("Kaffeebecher ohne Keramik, 5.000 Stück", "kaffeebecher , 5.000 stuck", ("keramik",)),
        ("Stühle, keine Kissen", "stuhle,", ("kissen",)),
        ("bleifreie Gläser", "glaser", ("blei",)),
        ("stolar inte i plast", "stolar", ("i plast",)),
        ("muggar utan keramik", "muggar", ("keramik",)),
        ("sillas apilables sin plástico ni mimbre", "sillas apilables", ("plastico mimbre",)),
        ("tazas, nada de cerámica", "tazas,", ("de ceramica",)),
        ("chaises pas de bambou mais en métal", "chaises mais en metal", ("de bambou",)),
        ("tasses sans anse", "tasses", ("anse",)),
        ("不要塑料的椅子", "椅子", ("塑料",)),
        ("椅子，不要塑料的", "椅子,", ("塑料",)),
        ("非陶瓷杯子，出口非洲", "杯子,出口非洲", ("陶瓷",)),
        ("不是玻璃的花瓶", "花瓶", ("玻璃",)),
        ("非常结实的椅子", "非常结实的椅子", ()),
    ],
)
def test_exclusion_clauses_are_cut_out_in_every_language(
    text: str, wanted: str, excluded: tuple[str, ...]
) -> None:
    found = split_exclusions(text)
    assert found.wanted == wanted
    assert found.excluded == excluded


def test_non_compounds_and_number_signs_are_not_exclusions() -> None:
    for text in ("non-slip mat", "non-woven bag", "No. 12 chair", "model no 5", "非常好"):
        assert not split_exclusions(text)


def _listing(sku: str, title: str, hs: str) -> Listing:
    return Listing(sku=sku, enterprise=sku[0], title=title, titles={}, description="",
                   hs_code=hs, unit="pcs", moq=None, monthly_capacity=None,
                   lead_time_days=None, certifications=frozenset(), markets=frozenset())


CATALOG = [
    _listing("R1", "Rattan dining chair, hand woven wicker", "940153"),
    _listing("R2", "PE wicker garden chair", "940199"),
    _listing("M1", "Stackable metal garden chair, powder coated steel", "940171"),
    _listing("M2", "Iron bistro chair", "940171"),
    _listing("P1", "Plastic stacking chair, polypropylene", "940180"),
    _listing("P2", "PP plastic garden chair", "940180"),
    _listing("C1", "Ceramic coffee mug 350ml", "691200"),
    _listing("C2", "Stoneware ceramic cup", "691200"),
    _listing("G1", "Glass coffee mug double wall", "701337"),
    _listing("G2", "Borosilicate glass mug", "701337"),
]


@pytest.fixture(scope="module")
def index() -> MatchingIndex:
    return MatchingIndex.build(CATALOG)


@pytest.mark.parametrize(
    ("text", "refused"),
    [
        ("coffee mugs, no ceramic", {"C1", "C2"}),
        ("Kaffeebecher ohne Keramik", {"C1", "C2"}),
        ("muggar utan keramik", {"C1", "C2"}),
        ("tazas sin cerámica", {"C1", "C2"}),
        ("tasses pas en céramique", {"C1", "C2"}),
        ("不要陶瓷的杯子", {"C1", "C2"}),
        ("杯子，非陶瓷", {"C1", "C2"}),
        ("garden chairs, metal only, no wicker", {"R1", "R2"}),
        ("Gartenstühle ohne Kunststoff", {"P1", "P2"}),
        ("trädgårdsstolar, inte plast", {"P1", "P2"}),
        ("chaises de jardin sans plastique", {"P1", "P2"}),
        ("sillas de jardín sin plástico", {"P1", "P2"}),
        ("不要塑料的椅子", {"P1", "P2"}),
    ],
)
def test_an_excluded_material_ranks_below_every_listing_without_it(
    index: MatchingIndex, text: str, refused: set[str]
) -> None:
    ranked = [result.sku for result in index.match(MatchRequest(text=text), top_k=10)]
    kept = [sku for sku in ranked if sku not in refused]
    assert kept, ranked
    assert ranked[: len(kept)] == kept  # nothing refused above anything kept


def test_an_exclusion_never_raises_what_it_excludes(index: MatchingIndex) -> None:
    plain = {r.sku: r.score for r in index.match(MatchRequest(text="coffee mugs"), top_k=10)}
    ruled = {r.sku: r.score
             for r in index.match(MatchRequest(text="coffee mugs, no ceramic"), top_k=10)}
    for sku in ("C1", "C2"):
        assert ruled.get(sku, 0.0) < plain[sku]


def test_a_ruled_out_compound_the_vocabulary_cannot_split_rules_out_its_material() -> None:
    """ "Inga glaslock" (no glass lids): "lock" is no term, so the compound is not split;
    its leading material is what the clause rules out. A compound that splits is read as
    before, and a material the request asks for is never ruled out."""
    from tradebase.docking.query import QueryReader
    from tradebase.docking.vocabulary import default_vocabulary
    from tradebase.docking.weights import MatchWeights

    reader = QueryReader(default_vocabulary(), MatchWeights(), None)
    read = reader.read("Vi söker kastrullset i stål med induktionsbotten. Inga glaslock.")
    assert read.excluded_concepts == ("glass",)
    asked = reader.read("Vi söker glasskålar, inga glaslock.")
    assert "glass" not in asked.excluded_concepts
