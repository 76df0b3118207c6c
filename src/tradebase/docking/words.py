"""The product words a buyer's request names, in the reader's language: what a factory reads
beside the buyer's own text (a German "Gartenstühle aus Metall" is 椅、户外 and 铁 on a Chinese
enquiry page), as the matching read them — the vocabulary's concepts, what the request rules
out, and when it names no product the vocabulary knows, the HS positions its words reach
through the nomenclature.

A service over the matching index; who may read the request is decided where it was loaded
(``service.get_enquiry``): the words say nothing its text does not.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from tradebase.docking.index_store import ListingIndex
from tradebase.docking.models import BuyerRequest


@dataclass(frozen=True, slots=True)
class ProductWord:
    """A word of the request as written, and the concepts it names in the reader's language."""

    written: str
    names: tuple[str, ...]
    excluded: bool = False
    """The request rules it out ("ohne Keramik", "不要塑料的")."""


@dataclass(frozen=True, slots=True)
class RequestWords:
    language: str
    """The language the request was read in."""
    words: tuple[ProductWord, ...]
    positions: tuple[str, ...] = ()
    """HS subheadings its words reach, best first, when no word names a product."""


def request_words(*, session: Session, index: ListingIndex, request: BuyerRequest,
                  lang: str, positions: int = 3) -> RequestWords:
    """The words of ``request``'s text that the matching reads as products, materials and
    attributes, each with its concepts named in ``lang``; at most ``positions`` HS
    subheadings."""
    engine = index.current(session.connection())
    read = engine.words_read(request.text)
    vocabulary = engine.vocabulary
    words = tuple(
        ProductWord(word.written,
                    tuple(dict.fromkeys(vocabulary.name(cid, lang) for cid in word.concepts)),
                    word.excluded)
        for word in read.words
    )
    return RequestWords(read.language, words, read.positions[:positions])
