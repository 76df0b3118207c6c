# ruff: noqa: T201  (a report script: printing is its output)
"""Evaluate the matching engine against plain BM25 on the evaluation set.

    .venv/bin/python -m eval.match                 # tuning and held-out halves, per language
    .venv/bin/python -m eval.match --split tune --failures   # what the tuning half gets wrong
    .venv/bin/python -m eval.match --set set2       # only the second set (eval/set2/)
    .venv/bin/python -m eval.match --listings L.csv --requests R.csv --qrels Q.csv

Two sets: ``eval/`` (the first, written with the engine's vocabulary in view) and
``eval/set2/`` (written by a session that had not read the engine, frozen before tuning:
its FROZEN file holds the sha256 of its three files, checked before every run). A request of
a set may say ``no_match`` (no listing holds what it asks for): a ranker scores 1 on it when
it returns nothing, 0 when it shows anything.

Metrics at 10: hit (a relevant listing in the top 10), precision over min(10, #relevant), and
binary nDCG. Baselines, measured in the same run: ``bm25`` — bm25s over title + Chinese title +
description with the same tokens as the engine's word field (folded words, Chinese character
bigrams), no filters; ``bm25+filters`` — the same ranking with the engine's hard constraints
applied, to show what the constraints alone are worth.
"""

from __future__ import annotations

import argparse
import hashlib
import math
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import bm25s  # type: ignore[import-untyped]
import numpy as np

from eval.data import HERE, EvalRequest, read_listings, read_qrels, read_requests
from tradebase.docking import Listing, MatchingIndex, MatchRequest, MatchWeights
from tradebase.docking.constraints import check_listing
from tradebase.text.folding import raw_tokens

LANG_ORDER = ["sv", "de", "es", "fr", "zh", "en"]
Ranker = Callable[[MatchRequest], list[str]]


def bm25_ranker(listings: Sequence[Listing], filtered: bool) -> Ranker:
    corpus = [
        raw_tokens(" ".join([item.title, item.titles.get("zh", ""), item.description]))
        for item in listings
    ]
    retriever = bm25s.BM25()
    retriever.index(corpus, show_progress=False)

    def rank(request: MatchRequest) -> list[str]:
        tokens = raw_tokens(request.text)
        if not tokens:
            return []
        scores = retriever.get_scores(tokens)
        order = np.argsort(-scores, kind="stable")
        out: list[str] = []
        for i in order.tolist():
            if scores[i] <= 0 or len(out) >= 10:
                break
            if filtered and not check_listing(listings[i], request).passes:
                continue
            out.append(listings[i].sku)
        return out

    return rank


def _vectors(listings: Sequence[Listing]) -> tuple[Any, Any]:
    """The packaged encoder and a vector index of ``listings`` (vectors cached under
    eval/.cache by the listings' passage texts: encoding 1,600 listings takes minutes)."""
    from tradebase.docking.embedding import VectorIndex, encoder_for, passage_text

    encoder = encoder_for("packaged")
    assert encoder is not None
    texts = [passage_text(item) for item in listings]
    key = hashlib.sha256(("\n".join(texts) + encoder.name).encode()).hexdigest()[:16]
    cache = HERE / ".cache" / f"vectors-{key}.npy"
    if cache.exists():
        vectors = np.load(cache)
    else:
        vectors = np.vstack([encoder.encode(texts[i : i + 32], "passage")
                             for i in range(0, len(texts), 32)])
        cache.parent.mkdir(exist_ok=True)
        np.save(cache, vectors)
    index = VectorIndex(encoder.dim)
    index.add_vectors([item.sku for item in listings], vectors)
    return encoder, index


def embedding_rankers(listings: Sequence[Listing], weights: MatchWeights) -> dict[str, Ranker]:
    """``e5`` alone (nearest listings, no constraints) and ``engine+e5`` (the engine with the
    embeddings as its second retriever, as ``service.search`` runs it when enabled)."""
    from tradebase.docking.embedding import retrieve

    encoder, vectors = _vectors(listings)
    index = MatchingIndex.build(listings, weights=weights)

    def e5(request: MatchRequest) -> list[str]:
        return [hit.sku for hit in retrieve(vectors, encoder, request.text, k=10)]

    def fused(request: MatchRequest) -> list[str]:
        near = [(hit.sku, hit.score) for hit in retrieve(vectors, encoder, request.text)]
        return [r.sku for r in index.search(request, top_k=10, similar=near).results]

    return {"e5": e5, "engine+e5": fused}


def engine_ranker(listings: Sequence[Listing], weights: MatchWeights) -> Ranker:
    index = MatchingIndex.build(listings, weights=weights)
    return lambda request: [result.sku for result in index.match(request, top_k=10)]


def metrics(ranked: list[str], relevant: set[str]) -> tuple[float, float, float]:
    top = ranked[:10]
    hits = [sku in relevant for sku in top]
    hit = 1.0 if any(hits) else 0.0
    precision = sum(hits) / min(10, len(relevant)) if relevant else 0.0
    dcg = sum(1.0 / math.log2(rank + 2) for rank, good in enumerate(hits) if good)
    ideal = sum(1.0 / math.log2(rank + 2) for rank in range(min(10, len(relevant))))
    return hit, precision, (dcg / ideal if ideal else 0.0)


def evaluate(
    rankers: dict[str, Ranker],
    requests: list[EvalRequest],
    qrels: dict[str, set[str]],
) -> dict[str, dict[str, list[tuple[float, float, float]]]]:
    table: dict[str, dict[str, list[tuple[float, float, float]]]] = {}
    for name, rank in rankers.items():
        per_lang: dict[str, list[tuple[float, float, float]]] = {}
        for item in requests:
            ranked = rank(item.request)
            if item.no_match:
                said = 0.0 if ranked else 1.0
                scores = (said, said, said)
            else:
                scores = metrics(ranked, qrels.get(item.id, set()))
            per_lang.setdefault(item.language, []).append(scores)
        table[name] = per_lang
    return table


def print_table(title: str, table: dict[str, dict[str, list[tuple[float, float, float]]]]) -> None:
    langs = sorted(
        {lang for per_lang in table.values() for lang in per_lang},
        key=lambda lang: (LANG_ORDER.index(lang) if lang in LANG_ORDER else 99, lang),
    )
    print(f"\n## {title}")
    header = f"{'ranker':<14}{'metric':<8}" + "".join(f"{lang:>7}" for lang in langs)
    header += f"{'all':>7}"
    print(header)
    print("-" * len(header))
    for name, per_lang in table.items():
        for m, label in enumerate(("hit@10", "P@10", "nDCG@10")):
            cells = []
            everything: list[float] = []
            for lang in langs:
                values = [row[m] for row in per_lang.get(lang, [])]
                everything.extend(values)
                cells.append(f"{sum(values) / len(values):7.3f}" if values else f"{'-':>7}")
            overall = sum(everything) / len(everything) if everything else 0.0
            print(f"{name:<14}{label:<8}" + "".join(cells) + f"{overall:7.3f}")
    counts = {lang: len(next(iter(table.values())).get(lang, [])) for lang in langs}
    print("requests: " + ", ".join(f"{lang} {n}" for lang, n in counts.items()))


def print_failures(
    index: MatchingIndex,
    listings: dict[str, Listing],
    requests: list[EvalRequest],
    qrels: dict[str, set[str]],
) -> None:
    for item in requests:
        relevant = qrels.get(item.id, set())
        results = index.match(item.request, top_k=10)
        _, precision, _ = metrics([r.sku for r in results], relevant)
        if item.no_match:
            precision = 0.0 if results else 1.0
        if precision >= 0.8:
            continue
        analysis = index.analyse(item.request.text)
        print(f"\n{item.id} P@10={precision:.2f} [{analysis.language}] {item.request.text}")
        print(f"   concepts={list(analysis.concepts)} hs={analysis.hs.code}")
        for result in results[:10]:
            mark = "+" if result.sku in relevant else "-"
            print(f"   {mark} {result.score:.3f} e={result.evidence:.2f} "
                  f"{listings[result.sku].title[:70]}")


SETS = {"set1": HERE, "set2": HERE / "set2"}


def check_frozen(folder: Path) -> None:
    """Refuse to run on a set whose files changed since it was frozen."""
    frozen = folder / "FROZEN"
    if not frozen.exists():
        return
    for line in frozen.read_text(encoding="utf-8").splitlines():
        digest, _, name = line.partition("  ")
        if digest and hashlib.sha256((folder / name.strip()).read_bytes()).hexdigest() != digest:
            raise SystemExit(f"{folder / name.strip()} changed since the set was frozen")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    parser.add_argument("--set", choices=["set1", "set2", "both"], default="both")
    parser.add_argument("--listings", type=Path)
    parser.add_argument("--requests", type=Path)
    parser.add_argument("--qrels", type=Path)
    parser.add_argument("--split", choices=["tune", "heldout", "both", "all"], default="both")
    parser.add_argument("--failures", action="store_true", help="show requests with P@10 < 0.8")
    parser.add_argument("--ablations", action="store_true", help="also rank by each part alone")
    parser.add_argument("--embeddings", action="store_true",
                        help="also rank by e5 alone and by the engine with e5 (slow first run)")
    args = parser.parse_args(argv)
    if args.listings or args.requests or args.qrels:
        folders = [(None, args.listings.parent if args.listings else HERE)]
    else:
        names = ["set1", "set2"] if args.set == "both" else [args.set]
        folders = [(name, SETS[name]) for name in names if (SETS[name] / "qrels.csv").exists()]
    for name, folder in folders:
        if name:
            check_frozen(folder)
            print(f"\n# {name}: {folder.relative_to(HERE.parent)}/")
        run_set(
            args,
            args.listings or folder / "listings.csv",
            args.requests or folder / "requests.csv",
            args.qrels or folder / "qrels.csv",
        )
    return 0


def run_set(args: argparse.Namespace, listings_csv: Path, requests_csv: Path,
            qrels_csv: Path) -> None:
    listings = list(read_listings(listings_csv))
    requests = read_requests(requests_csv)
    qrels = read_qrels(qrels_csv)
    started = time.perf_counter()
    weights = MatchWeights()
    rankers: dict[str, Ranker] = {
        "engine": engine_ranker(listings, weights),
        "bm25": bm25_ranker(listings, filtered=False),
        "bm25+filters": bm25_ranker(listings, filtered=True),
    }
    if args.embeddings:
        rankers.update(embedding_rankers(listings, weights))
    if args.ablations:
        rankers["words only"] = engine_ranker(
            listings, replace(weights, concepts=0.0, hs_proposed=0.0)
        )
        rankers["concepts only"] = engine_ranker(listings, replace(weights, words=0.0))
        rankers["no HS bonus"] = engine_ranker(listings, replace(weights, hs_proposed=0.0))
    print(
        f"{len(listings)} listings, {len(requests)} requests, indexes built in "
        f"{time.perf_counter() - started:.1f} s"
    )
    splits = {"both": ["tune", "heldout"], "all": ["all"]}.get(args.split, [args.split])
    for split in splits:
        chosen = requests if split == "all" else [r for r in requests if r.split == split]
        if not chosen:
            continue
        print_table(f"{split} ({len(chosen)} requests)", evaluate(rankers, chosen, qrels))
    if args.failures:
        print("\n(--failures lists the tuning half only: held-out errors are not for tuning)")
        index = MatchingIndex.build(listings, weights=weights)
        by_sku = {item.sku: item for item in listings}
        print_failures(index, by_sku, [r for r in requests if r.split == "tune"], qrels)


if __name__ == "__main__":
    sys.exit(main())
