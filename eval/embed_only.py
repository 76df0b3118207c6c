# ruff: noqa: T201  (a report script: printing is its output)
"""Rank the first evaluation set by sentence embeddings alone, beside the engine and BM25.

    .venv/bin/python -m eval.embed_only                  # packaged e5, tune and held-out apart
    .venv/bin/python -m eval.embed_only --backend hashing  # the model-free stand-in

Rankers: ``e5`` — the listings nearest the request's text in the int8 ``VectorIndex`` (passage
text as stored, ``embedding.passage_text``; e5's query/passage prefixes), nothing else;
``e5+filters`` — the same order with the engine's hard constraints applied (certifications,
MOQ, lead time), as ``bm25+filters`` in ``eval.match``; ``engine`` and ``bm25`` as there;
``engine∪e5 (RRF)`` — the engine's top 50 and e5's top 50 fused by reciprocal rank (k = 60,
the usual constant, not tuned), then the hard constraints: a first look at the second
retriever wired in. Nothing here is tuned on the held-out half.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from eval.data import HERE, read_listings, read_qrels, read_requests
from eval.match import Ranker, bm25_ranker, evaluate, print_table
from tradebase.docking import Listing, MatchingIndex, MatchRequest, MatchWeights
from tradebase.docking.constraints import check_listing
from tradebase.docking.embedding import Encoder, VectorIndex, encoder_for, passage_text, retrieve

RRF_K = 60
POOL = 50


def vector_index(listings: Sequence[Listing], encoder: Encoder) -> VectorIndex:
    index = VectorIndex(encoder.dim)
    texts = [passage_text(item) for item in listings]
    for start in range(0, len(texts), 32):
        index.add_vectors([item.sku for item in listings[start : start + 32]],
                          encoder.encode(texts[start : start + 32], "passage"))
    return index


def embedding_ranker(index: VectorIndex, encoder: Encoder, by_sku: dict[str, Listing],
                     filtered: bool) -> Ranker:
    def rank(request: MatchRequest) -> list[str]:
        hits = retrieve(index, encoder, request.text, k=len(index) if filtered else 10)
        out = [hit.sku for hit in hits
               if not filtered or check_listing(by_sku[hit.sku], request).passes]
        return out[:10]

    return rank


def fused_ranker(engine: MatchingIndex, index: VectorIndex, encoder: Encoder,
                 by_sku: dict[str, Listing]) -> Ranker:
    def rank(request: MatchRequest) -> list[str]:
        scores: dict[str, float] = {}
        lexical = [result.sku for result in engine.match(request, top_k=POOL)]
        semantic = [hit.sku for hit in retrieve(index, encoder, request.text, k=POOL)]
        for ranked in (lexical, semantic):
            for position, sku in enumerate(ranked):
                scores[sku] = scores.get(sku, 0.0) + 1.0 / (RRF_K + position + 1)
        order = sorted(scores, key=lambda sku: (-scores[sku], sku))
        return [sku for sku in order if check_listing(by_sku[sku], request).passes][:10]

    return rank


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    parser.add_argument("--listings", type=Path, default=HERE / "listings.csv")
    parser.add_argument("--requests", type=Path, default=HERE / "requests.csv")
    parser.add_argument("--qrels", type=Path, default=HERE / "qrels.csv")
    parser.add_argument("--backend", choices=["packaged", "hashing"], default="packaged")
    args = parser.parse_args(argv)

    listings = list(read_listings(args.listings))
    requests = read_requests(args.requests)
    qrels = read_qrels(args.qrels)
    encoder = encoder_for(args.backend)
    assert encoder is not None
    by_sku = {item.sku: item for item in listings}
    started = time.perf_counter()
    index = vector_index(listings, encoder)
    encoded = time.perf_counter() - started
    engine = MatchingIndex.build(listings, weights=MatchWeights())
    rankers: dict[str, Ranker] = {
        "e5": embedding_ranker(index, encoder, by_sku, filtered=False),
        "e5+filters": embedding_ranker(index, encoder, by_sku, filtered=True),
        "engine": lambda request: [r.sku for r in engine.match(request, top_k=10)],
        "bm25": bm25_ranker(listings, filtered=False),
        "engine∪e5 RRF": fused_ranker(engine, index, encoder, by_sku),
    }
    print(f"{len(listings)} listings encoded by {encoder.name} in {encoded:.1f} s "
          f"({encoded / len(listings) * 1000:.1f} ms each), {len(requests)} requests")
    for split in ("tune", "heldout"):
        chosen = [r for r in requests if r.split == split]
        print_table(f"{split} ({len(chosen)} requests)", evaluate(rankers, chosen, qrels))
    return 0


if __name__ == "__main__":
    sys.exit(main())
