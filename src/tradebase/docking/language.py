"""Which of the six request languages a text is written in.

A request is short ("rottingstolar till matsal, 500 st"), so general-purpose detectors trained on
sentences guess poorly. This one combines three cheap signals that are strong on buyers' text: the
script (Han characters mean Chinese), letters peculiar to a language (å, ß, ñ, ç …) and words —
function words and the product terms of our own vocabulary in that language.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from tradebase.docking.vocabulary import LANGUAGES, Vocabulary, default_vocabulary
from tradebase.text.folding import cjk_ratio, fold, latin_tokens

_FUNCTION_WORDS: dict[str, frozenset[str]] = {
    "en": frozenset(
        [
            "the",
            "and",
            "for",
            "with",
            "of",
            "to",
            "we",
            "are",
            "need",
            "looking",
            "our",
            "pcs",
            "pieces",
            "please",
            "by",
            "within",
            "from",
            "in",
            "quote",
            "supplier",
            "suppliers",
            "want",
            "order",
            "delivery",
        ]
    ),
    "sv": frozenset(
        [
            "och",
            "att",
            "en",
            "ett",
            "för",
            "med",
            "av",
            "till",
            "som",
            "vi",
            "behöver",
            "söker",
            "har",
            "är",
            "det",
            "på",
            "om",
            "inom",
            "från",
            "st",
            "styck",
            "leverans",
            "leverantör",
            "offert",
            "eller",
            "utan",
            "senast",
            "dagar",
            "stycken",
            "önskar",
        ]
    ),
    "de": frozenset(
        [
            "und",
            "der",
            "die",
            "das",
            "ein",
            "eine",
            "einen",
            "für",
            "mit",
            "von",
            "zu",
            "im",
            "wir",
            "suchen",
            "benötigen",
            "brauchen",
            "bitte",
            "ist",
            "sind",
            "auf",
            "bei",
            "als",
            "oder",
            "stück",
            "stk",
            "lieferant",
            "lieferung",
            "angebot",
            "innerhalb",
            "tagen",
            "aus",
        ]
    ),
    "es": frozenset(
        [
            "y",
            "de",
            "del",
            "la",
            "las",
            "el",
            "los",
            "un",
            "una",
            "para",
            "con",
            "en",
            "por",
            "que",
            "buscamos",
            "necesitamos",
            "se",
            "al",
            "sin",
            "unidades",
            "proveedor",
            "proveedores",
            "entrega",
            "días",
            "pedido",
            "plazo",
        ]
    ),
    "fr": frozenset(
        [
            "et",
            "le",
            "les",
            "des",
            "du",
            "un",
            "une",
            "pour",
            "avec",
            "en",
            "au",
            "aux",
            "nous",
            "recherchons",
            "cherchons",
            "besoin",
            "sur",
            "par",
            "sans",
            "pièces",
            "fournisseur",
            "fournisseurs",
            "livraison",
            "jours",
            "commande",
            "délai",
            "d'un",
        ]
    ),
}
_FOLDED_WORDS: dict[str, frozenset[str]] = {
    lang: frozenset(fold(word) for word in words) for lang, words in _FUNCTION_WORDS.items()
}
# Letters that appear in one or two of the languages only (before folding).
_LETTERS: dict[str, str] = {"sv": "åäö", "de": "äöüß", "es": "ñáíóú¿¡", "fr": "çèêàâîôûëœé"}


@dataclass(frozen=True, slots=True)
class DetectedLanguage:
    code: str  # ISO 639-1: en, zh, sv, de, es, fr
    confidence: float  # 0..1: the winning score's share of all scores


def detect_language(
    text: str,
    vocabulary: Vocabulary | None = None,
    lexicon: Mapping[str, frozenset[str]] | None = None,
) -> DetectedLanguage:
    """Guess the language of a buyer's request; English when nothing points elsewhere.

    ``lexicon``: folded words that belong to one language for certain (the nomenclature's
    words of that language that English never uses, see ``Nomenclature.native_words``); a
    request of two words ("Winkelschleifer 125 mm") has no function word, but its product
    word is one of those. With no signal at all the guess is English with confidence 0."""
    if cjk_ratio(text) >= 0.3:
        return DetectedLanguage("zh", 1.0)
    vocab = vocabulary or default_vocabulary()
    lowered = text.casefold()
    tokens_raw = set(lowered.replace(",", " ").replace(".", " ").split())
    tokens = set(latin_tokens(fold(text)))
    scores: dict[str, float] = dict.fromkeys(LANGUAGES, 0.0)
    for lang, words in _FUNCTION_WORDS.items():
        scores[lang] += 1.0 * len(tokens_raw & words)
        scores[lang] += 0.5 * len(tokens & _FOLDED_WORDS[lang])
    for lang, letters in _LETTERS.items():
        scores[lang] += 0.75 * sum(1 for ch in lowered if ch in letters)
    for lang in ("en", "sv", "de", "es", "fr"):
        scores[lang] += 0.75 * len(tokens & vocab.language_terms(lang))
    for lang, known in (lexicon or {}).items():
        if lang in scores:
            scores[lang] += 0.75 * len(tokens & known)
    if not any(scores.values()):
        return DetectedLanguage("en", 0.0)
    # "é" is common in French and Spanish alike; "ä"/"ö" in Swedish and German alike: words decide.
    scores["en"] += 0.25  # a tie goes to English
    best = max(scores, key=lambda lang: scores[lang])
    total = sum(scores.values())
    return DetectedLanguage(best, scores[best] / total if total else 0.0)
