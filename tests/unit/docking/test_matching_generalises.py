"""Reading requests the vocabulary was not written for (issue 9, "matching that generalises").

Examples come from ordinary usage of each language, not from the evaluation sets.
"""

from __future__ import annotations

import pytest

from tests.unit.docking.conftest import make_listing
from tradebase.docking import MatchingIndex, MatchRequest, detect_language
from tradebase.docking.exclusions import split_exclusions
from tradebase.docking.nomenclature import Nomenclature
from tradebase.docking.vocabulary import default_vocabulary
from tradebase.text.folding import without_salutation


@pytest.fixture(scope="module")
def nomenclature() -> Nomenclature:
    return Nomenclature.load()


# --- letters --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Sehr geehrte Damen und Herren, wir suchen Gartenstühle",
        "Mesdames, Messieurs, nous cherchons des chaises de jardin",
        "Dear Sir or Madam, we are looking for garden chairs",
        "Estimados señores: buscamos sillas de jardín",
        "Hej! Vi söker trädgårdsstolar. Med vänliga hälsningar",
    ],
)
def test_a_letters_greeting_names_no_audience(text: str) -> None:
    concepts = set(MatchingIndex().analyse(text).concepts)
    assert "chair" in concepts
    assert not concepts & {"men", "women"}


def test_greetings_go_but_words_that_contain_them_stay() -> None:
    assert "Damen" not in without_salutation("Sehr geehrte Damen und Herren, Teller bitte")
    assert without_salutation("Herrenschuhe und Damenjacken") == "Herrenschuhe und Damenjacken"
    assert without_salutation("hiking boots, high quality") == "hiking boots, high quality"


def test_a_marker_that_opens_a_clause_does_not_make_it_secondary() -> None:
    roles = default_vocabulary().concepts_by_role(
        "Guten Tag, für unser Hotel suchen wir Stühle", {"de", "en"}
    )
    assert roles["chair"] == "main"


# --- compounds ------------------------------------------------------------------------------


def test_a_compound_needs_a_modifier_of_three_letters() -> None:
    # "Pflicht" (duty) is no "Pf" + "Licht" (light).
    assert "lamp" not in default_vocabulary().concepts_in("Pflicht", {"de", "en"})


def test_a_compound_ends_in_a_thing_not_in_an_attribute() -> None:
    # "Luftdruck" is air pressure: its tail "Druck" (print) is not what it is.
    assert "printed" not in default_vocabulary().concepts_in("Luftdruck", {"de", "en"})


def test_a_product_in_a_compounds_modifier_is_its_context() -> None:
    roles = default_vocabulary().concepts_by_role("Stuhlkissen", {"de", "en"})
    assert roles["cushion"] == "main"
    assert roles["chair"] == "secondary"


def test_compound_modifiers_become_words() -> None:
    vocabulary = default_vocabulary()
    assert "leder" in vocabulary.compound_modifiers("Lederhandschuhe", {"de", "en"})
    assert "latex" in vocabulary.compound_modifiers("latexhandskar", {"sv", "en"})
    assert vocabulary.compound_modifiers("Handschuhe", {"de", "en"}) == []


def test_a_listing_meets_a_compounds_modifier_as_a_word() -> None:
    index = MatchingIndex.build(
        [
            make_listing("LEATHER", "Leather work gloves", hs_code="420329"),
            make_listing("COTTON", "Knitted cotton work gloves", hs_code="611693"),
        ]
    )
    results = index.match(MatchRequest(text="Lederhandschuhe für die Werkstatt"))
    assert results[0].sku == "LEATHER"


# --- false friends and short texts ----------------------------------------------------------


def test_the_nomenclature_knows_words_only_one_language_writes(nomenclature: Nomenclature) -> None:
    german = nomenclature.native_words("de")
    assert "kaffee" in german
    assert "coffee" not in german
    assert nomenclature.native_words("en") == frozenset()


def test_english_false_friends_of_a_language() -> None:
    vocabulary = default_vocabulary()
    # German "Tee" is tea, not the English "tee" (t-shirt); "Stuhl" is a German term itself.
    assert vocabulary.english_false_friends({"tee", "stuhl"}, "de") == {"tee"}
    assert vocabulary.english_false_friends({"tee"}, "en") == frozenset()


@pytest.mark.parametrize(
    ("text", "not_read_as"),
    [
        ("Schwarzer Tee aus Assam, lose, 100 kg", "tshirt"),
        ("Vi söker torrfoder och mat för hundar, 500 kg", "rug"),
    ],
)
def test_a_native_word_is_not_read_as_an_english_term(text: str, not_read_as: str) -> None:
    assert not_read_as not in MatchingIndex().analyse(text).concepts


def test_a_word_only_one_language_writes_tells_the_language() -> None:
    assert detect_language("Schraubendreher 6 mm").code == "en"  # no signal without a lexicon
    lexicon = {"de": frozenset({"schraubendreher"}), "es": frozenset({"destornillador"})}
    assert detect_language("Schraubendreher 6 mm", lexicon=lexicon).code == "de"
    assert detect_language("destornillador 6 mm", lexicon=lexicon).code == "es"


def test_no_signal_means_no_confidence() -> None:
    detected = detect_language("XJ-200 9V")
    assert detected.code == "en"
    assert detected.confidence == 0.0


# --- the embeddings as a second retriever ---------------------------------------------------


def _catalog() -> MatchingIndex:
    return MatchingIndex.build(
        [
            make_listing("CHAIR", "Oak dining chair", hs_code="940161"),
            make_listing("TOY-1", "Plush teddy bear", hs_code="950300"),
            make_listing("TOY-2", "Wooden building blocks", hs_code="950300"),
            make_listing("BAG", "Canvas tote", hs_code="420222"),
        ]
    )


def test_a_neighbour_filed_elsewhere_than_the_request_points_is_no_evidence() -> None:
    index = _catalog()
    request = MatchRequest(text="dining chairs")
    shown = index.search(request, similar=[("TOY-1", 0.95), ("CHAIR", 0.9), ("BAG", 0.85)])
    assert [result.sku for result in shown.results] == ["CHAIR"]


def test_with_nothing_to_agree_with_the_neighbours_consensus_decides() -> None:
    index = _catalog()
    # A Chinese request for a product the vocabulary lacks: no concept, no nomenclature.
    request = MatchRequest(text="冲浪板")
    close = index.search(request, similar=[("TOY-1", 0.95), ("TOY-2", 0.93), ("BAG", 0.85)])
    assert {result.sku for result in close.results} == {"TOY-1", "TOY-2"}
    scattered = index.search(request, similar=[("TOY-1", 0.9), ("BAG", 0.89), ("CHAIR", 0.88)])
    assert scattered.no_match


@pytest.mark.parametrize(
    ("text", "lang"),
    [("batería de cocina de acero inoxidable", "es"), ("batterie de cuisine en inox", "fr")],
)
def test_a_cookware_set_is_no_battery(text: str, lang: str) -> None:
    concepts = default_vocabulary().concepts_in(text, {lang, "en"})
    assert "pan" in concepts
    assert "battery" not in concepts


def test_an_electric_kettle_is_no_glass_teapot() -> None:
    vocabulary = default_vocabulary()
    for text, lang in [("Wasserkocher", "de"), ("vattenkokare", "sv"), ("bouilloire", "fr")]:
        assert vocabulary.concepts_in(text, {lang, "en"}) == {"kettle"}
    assert vocabulary.hs_candidates({"kettle"}) == ["851679"]


def test_a_german_head_is_a_capitalised_noun(nomenclature: Nomenclature) -> None:
    # "matt" after the noun is an adjective (matte), not "Matte" (a mat): the head is Gläser.
    terms = nomenclature.query_terms("Trinkgläser matt, 500 Stück", "de")
    assert max(terms, key=lambda term: terms[term]) == "trinkglas"


@pytest.mark.parametrize(
    ("text", "lang", "material"),
    [
        ("keramiska koppar", "sv", "ceramic"),
        ("keramische Tassen", "de", "ceramic"),
        ("platos cerámicos", "es", "ceramic"),
        ("casseroles en inox", "fr", "metal"),
        ("fregadero de acero inoxidable", "es", "metal"),
        ("rostfritt diskställ", "sv", "metal"),
        ("sjal i silke", "sv", "silk"),
    ],
)
def test_materials_are_read_in_their_adjective_forms(text: str, lang: str, material: str) -> None:
    assert material in default_vocabulary().concepts_in(text, {lang, "en"})


@pytest.mark.parametrize(
    ("text", "wanted", "not_wanted"),
    [
        ("牛皮纸信封", "paper", "leather"),  # kraft paper, not cowhide
        ("合金发夹", "metal", "gold"),  # an alloy, not gold
        ("包胶哑铃", "rubber", "bag"),  # rubber-coated, not a bag
    ],
)
def test_a_chinese_word_is_not_read_by_one_of_its_characters(
    text: str, wanted: str, not_wanted: str
) -> None:
    concepts = default_vocabulary().concepts_in(text)
    assert wanted in concepts
    assert not_wanted not in concepts


def test_a_chinese_set_is_no_suit() -> None:
    assert "suit" not in default_vocabulary().concepts_in("工具套装")


def test_a_dash_between_spaces_ends_an_excluded_clause() -> None:
    assert split_exclusions("Inga plastlock – vi vill ha stållock").excluded == ("plastlock",)
    assert split_exclusions("ohne Kunststoff - nur Edelstahl").excluded == ("kunststoff",)
    assert "non-stick" in split_exclusions("no plastic, non-stick pans").wanted
