"""Text as the register and the matching engine both read it: folding, tokens, filler words
(``folding``) and the light per-language stemmers (``stemming``).

Pure: no database, no web. The lowest domain layer beside ``figures``: ``registry`` (its search
text) and ``docking`` (the vocabulary, the BM25 fields, the nomenclature pivot) build on it,
so neither reaches into the other for it.
"""
