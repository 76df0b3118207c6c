# ruff: noqa: T201  (a report script: printing is its output)
"""Evaluate the matching engine against plain BM25 on the evaluation set.

    .venv/bin/python -m eval.match                 # tuning and held-out halves, per language
    .venv/bin/python -m eval.match --split tune --failures   # what the tuning half gets wrong
    .venv/bin/python -m eval.match --listings L.csv --requests R.csv --qrels Q.csv

Metrics at 10: hit (a relevant listing in the top 10), precision over min(10, #relevant), and
binary nDCG. Baselines, measured in the same run: ``bm25`` — bm25s over title + Chinese title +
description with the same tokens as the engine's word field (folded words, Chinese character
bigrams), no filters; ``bm25+filters`` — the same ranking with the engine's hard constraints
applied, to show what the constraints alone are worth.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

import bm25s  # type: ignore[import-untyped]
import numpy as np

from eval.data import HERE, EvalRequest, read_listings, read_qrels, read_requests
from tradebase.docking import Listing, MatchingIndex, MatchRequest, MatchWeights
from tradebase.docking.constraints import check_listing
from tradebase.docking.text import raw_tokens

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
            scores = metrics(rank(item.request), qrels.get(item.id, set()))
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
        if precision >= 0.8:
            continue
        analysis = index.analyse(item.request.text)
        print(f"\n{item.id} P@10={precision:.2f} [{analysis.language}] {item.request.text}")
        print(f"   concepts={list(analysis.concepts)} hs={analysis.hs.code}")
        for result in results[:10]:
            mark = "+" if result.sku in relevant else "-"
            print(f"   {mark} {result.score:.3f} {listings[result.sku].title[:70]}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    parser.add_argument("--listings", type=Path, default=HERE / "listings.csv")
    parser.add_argument("--requests", type=Path, default=HERE / "requests.csv")
    parser.add_argument("--qrels", type=Path, default=HERE / "qrels.csv")
    parser.add_argument("--split", choices=["tune", "heldout", "both", "all"], default="both")
    parser.add_argument("--failures", action="store_true", help="show requests with P@10 < 0.8")
    parser.add_argument("--ablations", action="store_true", help="also rank by each part alone")
    args = parser.parse_args(argv)

    listings = list(read_listings(args.listings))
    requests = read_requests(args.requests)
    qrels = read_qrels(args.qrels)
    started = time.perf_counter()
    weights = MatchWeights()
    rankers: dict[str, Ranker] = {
        "engine": engine_ranker(listings, weights),
        "bm25": bm25_ranker(listings, filtered=False),
        "bm25+filters": bm25_ranker(listings, filtered=True),
    }
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
    return 0


if __name__ == "__main__":
    sys.exit(main())
