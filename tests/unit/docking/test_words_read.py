"""The words of a request read as concepts, as the factory's enquiry page shows them: as
written, in the order they stand, what the request rules out marked, implied concepts left
out (an armchair is a chair, but "armchairs" is one word)."""

from __future__ import annotations

from tradebase.docking.query import QueryReader, WordRead
from tradebase.docking.vocabulary import default_vocabulary
from tradebase.docking.weights import MatchWeights


def _reader() -> QueryReader:
    return QueryReader(default_vocabulary(), MatchWeights(), None)


def test_german_words_as_written_with_what_is_ruled_out() -> None:
    read = _reader().words_read(
        "Guten Tag, wir suchen 200 stapelbare Gartenstühle aus Metall, ohne Keramik.")
    assert read.language == "de"
    assert read.words == (
        WordRead("stapelbare", ("stackable",)),
        WordRead("Gartenstühle", ("chair", "garden")),
        WordRead("Metall", ("metal",)),
        WordRead("Keramik", ("ceramic",), excluded=True),
    )


def test_implied_concepts_are_no_words_of_their_own_and_chinese_is_read_too() -> None:
    english = _reader().words_read("Rattan armchairs with cushions, no wicker")
    assert WordRead("Rattan armchairs", ("armchair", "rattan")) in english.words
    assert all("chair" not in word.concepts for word in english.words)
    chinese = _reader().words_read("需要藤编餐椅300把，不要塑料的")
    assert WordRead("塑料", ("plastic",), excluded=True) in chinese.words
    assert WordRead("餐椅", ("chair", "dining")) in chinese.words
