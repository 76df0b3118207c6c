"""Light per-language stemming, filler words and compound splitting: for docking's
nomenclature pivot and the register's search text alike.

Customs wording and buyers' requests meet on stems: "Handschuhe"/"Handschuh", "handdukar"/
"handduk", "sillas"/"silla", "couteaux"/"couteau", "gloves"/"glove". The stemmers only strip
plural and common endings (no dictionary, no morphology): the same function runs on the
nomenclature and on the request, so a stem only has to be consistent, not a real word.

German and Swedish glue nouns together ("Fahrradhelme", "trädgårdsstolar"); ``split_compound``
cuts such a word at its longest tail that the nomenclature knows on its own, so the head of the
compound (the product) is found even when the whole word never occurs.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping

from tradebase.text.folding import STOPWORDS, fold, latin_tokens


def _word_set(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Customs filler and function words per language, folded ("övriga" → "ovriga"). They are in
# almost every description ("Other", "andere", "autres", "of", "aus", "för") and say nothing
# about the goods; text.STOPWORDS (request filler) is added to all of them.
_FILLER: dict[str, frozenset[str]] = {
    "en": _word_set(
        "other others not whether than those thereof such kind kinds used heading headings "
        "subheading subheadings chapter excluding including incl nes etc which containing "
        "so put up similar like also only mainly principally either material materials"
    ),
    "de": _word_set(
        "andere anderen anderer anderes anderem auch nicht ausgenommen solche solcher solchen "
        "solches position positionen unterposition kapitel art arten verwendet verwendeten "
        "verwendete aus in an den dem des sowie deren hieraus davon zum zur ahnliche "
        "ahnlichen gleichartige gleichartigen einschliesslich sonstige sonstigen weder noch "
        "usw materialien"
    ),
    "fr": _word_set(
        "autre autres non ou meme memes de d l leurs leur position positions chapitre sorte "
        "sortes utilises utilisees utilise utilisee exclus sauf similaires similaire etc a la "
        "le les dans ni y compris qui dont ceux celles tels telles matieres matiere"
    ),
    "es": _word_set(
        "demas otro otros otra otras incluso excepto partida partidas capitulo tipo tipos "
        "utilizados utilizadas utilizado utilizada similares similar o y ni los las del que "
        "cual tales materias materia"
    ),
    "sv": _word_set(
        "ovriga ovrigt andra annat annan aven inte eller av for med slag sadana sadant sadan "
        "som anvands nummer kapitel liknande utom och samt i pa ej vilka material"
    ),
}
# Words of requests that name the buyer's errand, not the goods ("tillverkare av", "Hersteller").
_REQUEST_FILLER = _word_set(
    "manufacturer manufacturers supplier suppliers factory factories producer producers maker "
    "makers wholesale wholesaler bulk quote quotation order orders sourcing source buy buying "
    "hersteller lieferant lieferanten produzent produzenten fabrik anbieter grosshandel suche "
    "angebot tillverkare leverantor leverantorer producent fabrik grossist offert sokes "
    "fabricant fabricants fournisseur fournisseurs producteur producteurs usine recherche "
    "cherche grossiste devis commande fabricante fabricantes proveedor proveedores productor "
    "productores fabrica mayorista buscamos busco necesitamos cotizacion pedido "
    "cm mm kg ml cl pc pcs stk"
)
# Where a noun phrase ends: the goods are named before these ("Laternen mit Quasten",
# "couteaux de cuisine"); clauses are cut at punctuation too.
_PHRASE_ENDS: dict[str, frozenset[str]] = {
    "en": _word_set("of with for in from made to without and or"),
    "de": _word_set("aus mit fur von in zum zur nach ohne und oder im fuer"),
    "sv": _word_set("i av med for till fran utan och eller att"),
    "fr": _word_set("de d en a pour avec sans du des au aux et ou"),
    "es": _word_set("de del en para con sin a al y o"),
}
# Words that group goods rather than name them: never the head ("Gartenmöbel-Set").
HEADLESS: frozenset[str] = _word_set(
    "set sets kit kits pack packs satz sats paket juego juegos conjunto conjuntos lot lots "
    "ensemble ensembles assortiment sortiment serie series"
)
# Languages whose noun phrase ends with its head ("nitrile gloves", "rote Laternen"); French and
# Spanish put it first ("couteaux inoxydables").
HEAD_LAST: frozenset[str] = frozenset({"en", "de", "sv"})
LANGUAGES: tuple[str, ...] = ("en", "de", "fr", "es", "sv")
COMPOUNDING: frozenset[str] = frozenset({"de", "sv"})
# Linking letters between the parts of a compound ("Arbeit|s|schuh", "trädgård|s|stolar").
_LINKS: tuple[str, ...] = ("s", "es", "e", "en", "n", "er")
_MIN_STEM = 3
_MIN_TAIL = 5  # a tail shared between compounds must be at least this long, stemmed
_MIN_HEAD = 4  # a compound's tail must be at least this long before stemming
_CLAUSE = re.compile(r"[,;:/|()\[\]\n.!?]+")
_ELISIONS: frozenset[str] = frozenset({"d", "l", "qu", "j", "n", "s", "c", "m", "t"})


def _strip(token: str, endings: tuple[str, ...], min_stem: int = _MIN_STEM) -> str:
    for ending in endings:
        if token.endswith(ending) and len(token) - len(ending) >= min_stem:
            return token[: -len(ending)]
    return token


def stem_en(token: str) -> str:
    if len(token) > 4 and token.endswith("ies"):
        return token[:-3] + "y"
    if len(token) > 5 and token.endswith("ives"):
        return token[:-3] + "fe"  # knives → knife
    if len(token) > 5 and token.endswith("lves"):
        return token[:-3] + "f"  # shelves → shelf
    if token.endswith(("ches", "shes", "sses", "xes", "zes")) and len(token) > 4:
        return token[:-2]
    if token.endswith("s") and not token.endswith(("ss", "us", "is")) and len(token) > 3:
        return token[:-1]
    return token


def stem_de(token: str) -> str:
    return _strip(token, ("ern", "en", "er", "es", "e", "n", "s"), min_stem=4)


def stem_sv(token: str) -> str:
    token = _strip(token, ("arna", "erna", "orna", "ens", "ar", "or", "er", "na", "en", "et"))
    token = _strip(token, ("a", "e"), min_stem=4)
    if token.endswith("el") and len(token) > 4:
        return token[:-2] + "l"  # cykel/cyklar, spegel/speglar, nyckel/nycklar
    return token


def stem_es(token: str) -> str:
    if token.endswith("es") and len(token) > 4 and token[-3] not in "aeiou":
        token = token[:-2]  # guantes → guant (as guante), flores → flor
    elif token.endswith("s") and len(token) > 3:
        token = token[:-1]
    token = _strip(token, ("a", "o", "e"), min_stem=4)  # gender: plástico/plástica
    return token[:-1] + "c" if token.endswith("z") else token  # luz/luces, lápiz/lápices


def stem_fr(token: str) -> str:
    if token.endswith("aux") and len(token) > 5:
        token = token[:-1]  # couteaux → couteau, chevaux → chevau (as cheval → chevau below)
    elif token.endswith(("s", "x")) and len(token) > 3:
        token = token[:-1]
    if token.endswith("al") and len(token) > 4:
        token = token[:-1] + "u"
    return _strip(token, ("e",), min_stem=4)


STEMMERS: dict[str, Callable[[str], str]] = {
    "en": stem_en,
    "de": stem_de,
    "sv": stem_sv,
    "es": stem_es,
    "fr": stem_fr,
}


def is_filler(token: str, lang: str) -> bool:
    return (
        token in STOPWORDS
        or token in _FILLER.get(lang, frozenset())
        or token in _FILLER["en"]
        or token in _REQUEST_FILLER
    )


def words(text: str, lang: str) -> Iterator[str]:
    """Folded word tokens of ``text`` that carry meaning: no numbers, filler or function words.

    French and English elisions keep their content word ("d'acier" → "acier", "men's" → "men").
    """
    for tok in latin_tokens(fold(text)):
        word = _content(tok, lang)
        if word is not None:
            yield word


def phrases(text: str, lang: str) -> list[list[str]]:
    """The content words of ``text`` by noun phrase, in order (see ``words``)."""
    ends = _PHRASE_ENDS.get(lang, _PHRASE_ENDS["en"])
    out: list[list[str]] = [[]]
    for clause in _CLAUSE.split(text):
        out.append([])
        for tok in latin_tokens(fold(clause)):
            word = _content(tok, lang)
            if tok in ends or tok.partition("'")[0] in ends:
                out.append([])
            if word is not None:
                out[-1].append(word)
    return [phrase for phrase in out if phrase]


def _content(tok: str, lang: str) -> str | None:
    if "'" in tok:
        head, _, tail = tok.partition("'")
        tok = tail if head in _ELISIONS else head
    if len(tok) < 2 or tok[0].isdigit() or is_filler(tok, lang):
        return None
    return tok


def split_compound(
    token: str,
    lang: str,
    known: Collection[str],
    tails: Mapping[str, tuple[str, ...]] | None = None,
    depth: int = 0,
) -> list[tuple[str, float]]:
    """Stems of a German or Swedish compound the nomenclature knows, with their weight.

    The longest tail that is a known word, or that known compounds end with (``tails``, from
    ``compound_tails``: *cykelhjälmar* shares *hjälmar* with *skyddshjälmar*), is the head
    (weight 1: a *Fahrradhelm* is a helmet); what comes before it, less a linking letter, is a
    modifier (weight ½), itself split again if needed. ``[]`` when no tail is known.
    """
    if depth > 2 or lang not in COMPOUNDING:
        return []
    stem = STEMMERS[lang]
    for start in range(3, len(token) - _MIN_HEAD + 1):
        head = stem(token[start:])
        rest = token[:start]
        modifier = _known_modifier(rest, lang, known)
        if head in known:
            found = [(head, 1.0)]
        elif tails is not None and head in tails and modifier is not None:
            # a shared tail only counts after a known word: "cykel|hjälmar", not "gart|enstühle"
            found = [(word, 1.0) for word in tails[head]]
        else:
            continue
        if modifier is not None:
            found.append((modifier, 0.5))
        else:
            found.extend(
                (part, weight * 0.5)
                for part, weight in split_compound(rest, lang, known, tails, depth + 1)
            )
        return found
    return []


def compound_tails(known: Iterable[str], most: int = 6) -> dict[str, tuple[str, ...]]:
    """Tails of at least five letters → the known words ending with them (when few do).

    A tail shared by more than ``most`` words ("ungen", "maschin") names nothing in particular.
    """
    words_by_tail: dict[str, list[str]] = {}
    for word in known:
        for start in range(3, len(word) - _MIN_TAIL + 1):
            words_by_tail.setdefault(word[start:], []).append(word)
    return {
        tail: tuple(sorted(found))
        for tail, found in words_by_tail.items()
        if len(found) <= most and tail not in known
    }


def _known_modifier(rest: str, lang: str, known: Collection[str]) -> str | None:
    stem = STEMMERS[lang]
    candidates = [rest] + [rest[: -len(link)] for link in _LINKS if rest.endswith(link)]
    for candidate in candidates:
        if len(candidate) >= _MIN_STEM and stem(candidate) in known:
            return stem(candidate)
    return None


__all__ = [
    "COMPOUNDING",
    "HEADLESS",
    "HEAD_LAST",
    "LANGUAGES",
    "STEMMERS",
    "compound_tails",
    "is_filler",
    "phrases",
    "split_compound",
    "stem_de",
    "stem_en",
    "stem_es",
    "stem_fr",
    "stem_sv",
    "words",
]
