# ruff: noqa: T201  (a report script: printing is its output)
"""Grid search of the ranking weights on the TUNING half only (never the held-out half).

.venv/bin/python -m eval.tune
"""

from __future__ import annotations

import itertools
from dataclasses import replace

from eval.data import HERE, read_listings, read_qrels, read_requests
from eval.match import metrics
from tradebase.docking import MatchingIndex, MatchWeights
from tradebase.docking.features import listing_features


def main() -> None:
    listings = list(read_listings(HERE / "listings.csv"))
    requests = [r for r in read_requests(HERE / "requests.csv") if r.split == "tune"]
    qrels = read_qrels(HERE / "qrels.csv")
    features = [listing_features(item) for item in listings]
    base = MatchWeights()
    results = []
    grid = itertools.product([0.6, 0.8, 1.0], [0.3, 0.5, 0.75], [0.2, 0.35, 0.5], [0.15, 0.25, 0.4])
    for attribute, b, words, hs in grid:
        kinds = dict(base.kind_weights)
        kinds["attribute"] = attribute
        weights = replace(base, kind_weights=kinds, b=b, words=words, hs_proposed=hs)
        index = MatchingIndex.from_features(features, weights=weights)
        per_lang: dict[str, list[float]] = {}
        for item in requests:
            ranked = [r.sku for r in index.match(item.request, top_k=10)]
            per_lang.setdefault(item.language, []).append(metrics(ranked, qrels[item.id])[1])
        worst = min(sum(v) / len(v) for v in per_lang.values())
        mean = sum(sum(v) for v in per_lang.values()) / len(requests)
        results.append((worst, mean, attribute, b, words, hs))
    results.sort(reverse=True)
    print("worst-language P@10, mean P@10, attribute, b, words, hs_proposed")
    for row in results[:12]:
        print("  ".join(f"{value:.3f}" for value in row))


if __name__ == "__main__":
    main()
