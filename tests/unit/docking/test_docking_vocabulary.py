from __future__ import annotations

import csv
import io

from tradebase.docking.vocabulary import (
    LANGUAGES,
    default_vocabulary,
    hs_descriptions,
    vocabulary_text,
)


def test_every_hs_code_of_the_vocabulary_is_in_the_nomenclature() -> None:
    codes = default_vocabulary().all_hs_codes()
    known = hs_descriptions()
    assert codes, "the vocabulary names HS codes"
    assert sorted(code for code in codes if code not in known) == []


def test_every_product_has_terms_in_all_six_languages() -> None:
    missing = []
    for row in csv.DictReader(io.StringIO(vocabulary_text())):
        if row["kind"] in {"product", "part"}:
            missing += [f"{row['concept']}:{lang}" for lang in LANGUAGES if not row[lang]]
    assert missing == []


def test_concept_ids_are_unique() -> None:
    ids = [row["concept"] for row in csv.DictReader(io.StringIO(vocabulary_text()))]
    assert len(ids) == len(set(ids))


def test_terms_in_six_languages_meet_on_the_same_concepts() -> None:
    vocab = default_vocabulary()
    texts = {
        "en": "rattan dining chairs",
        "zh": "藤编餐椅",
        "sv": "matstolar i rotting",
        "de": "Esszimmerstühle aus Rattan",
        "es": "sillas de comedor de ratán",
        "fr": "chaises de salle à manger en rotin",
    }
    for lang, text in texts.items():
        assert {"rattan", "dining", "chair"} <= vocab.concepts_in(text, {lang}), (lang, text)


def test_longest_chinese_term_wins() -> None:
    vocab = default_vocabulary()
    assert vocab.concepts_in("记忆棉鞋垫") >= {"insole"}
    assert "shoe" not in vocab.concepts_in("记忆棉鞋垫")


def test_german_and_swedish_compounds_are_split() -> None:
    vocab = default_vocabulary()
    assert {"garden", "chair"} <= vocab.concepts_in("Gartenstühle", {"de"})
    assert {"hiking", "boot"} <= vocab.concepts_in("vandringskängor", {"sv"})


def test_accessories_and_purposes_do_not_name_the_product() -> None:
    roles = default_vocabulary().concepts_by_role("Rubber outsoles for our shoe factory", {"en"})
    assert roles["sole"] == "main"
    assert roles["shoe"] == "secondary"


def test_hs_candidates_prefer_refined_codes_and_parts() -> None:
    vocab = default_vocabulary()
    assert vocab.hs_candidates({"chair", "rattan"})[0] == "940153"
    assert vocab.hs_candidates({"chair", "metal"})[0] == "940179"
    assert vocab.hs_candidates({"sole", "shoe", "rubber"})[0] == "640620"
