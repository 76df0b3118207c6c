# ruff: noqa: T201  (a report script: printing is its output)
"""Measure the nomenclature pivot offline: do a request's words reach its listings' HS codes?

    .venv/bin/python -m eval.pivot                        # tuning half, with and without names
    .venv/bin/python -m eval.pivot --k 10 --failures      # what the tuning half misses

For each request: hit@k (subheading) when some relevant listing's ``hs_code`` is among the
request's top-k positions, hit@k (heading) when its heading is among theirs; per language. The
pivot is measured twice: with the vocabulary's everyday names as a second field, and on the
customs wording of the Combined Nomenclature alone (what generalises to words the vocabulary
lacks). Tune on ``--split tune`` only; the held-out half is for the final figure.
"""

from __future__ import annotations

import argparse
import time
from collections import defaultdict
from pathlib import Path

from eval.data import HERE, EvalRequest, read_listings, read_qrels, read_requests
from tradebase.docking.nomenclature import Nomenclature

LANGUAGES = ("sv", "de", "es", "fr", "en", "zh")


def relevant_codes(
    requests: list[EvalRequest], qrels: dict[str, set[str]], hs_of: dict[str, str]
) -> dict[str, set[str]]:
    """Request id → the HS subheadings of its relevant listings."""
    return {
        req.id: {hs_of[sku] for sku in qrels.get(req.id, set()) if hs_of.get(sku)}
        for req in requests
    }


def evaluate(
    nomenclature: Nomenclature,
    requests: list[EvalRequest],
    codes: dict[str, set[str]],
    k: int,
    failures: bool,
) -> dict[str, tuple[int, int, int]]:
    """Language → (requests, subheading hits, heading hits)."""
    out: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for req in requests:
        wanted = codes[req.id]
        positions = nomenclature.positions(req.request.text, req.language, k=k)
        sub_hit = any(p.hs6 in wanted for p in positions)
        head_hit = any(p.heading in {code[:4] for code in wanted} for p in positions)
        counts = out[req.language]
        counts[0] += 1
        counts[1] += sub_hit
        counts[2] += head_hit
        if failures and not head_hit:
            got = " ".join(p.hs6 for p in positions) or "(nothing)"
            print(f"  {req.id} {req.request.text[:60]!r} want {sorted(wanted)} got {got}")
    return {lang: (c[0], c[1], c[2]) for lang, c in out.items()}


def print_table(title: str, results: dict[str, tuple[int, int, int]], k: int) -> None:
    langs = [lang for lang in LANGUAGES if lang in results]
    print(f"\n{title}")
    print("| metric | " + " | ".join(langs) + " |")
    print("| --- |" + " --- |" * len(langs))
    print("| requests | " + " | ".join(str(results[lang][0]) for lang in langs) + " |")
    for label, col in ((f"hit@{k} subheading", 1), (f"hit@{k} heading", 2)):
        cells = " | ".join(f"{results[lang][col] / results[lang][0]:.3f}" for lang in langs)
        print(f"| {label} | {cells} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    parser.add_argument("--listings", type=Path, default=HERE / "listings.csv")
    parser.add_argument("--requests", type=Path, default=HERE / "requests.csv")
    parser.add_argument("--qrels", type=Path, default=HERE / "qrels.csv")
    parser.add_argument("--split", choices=["tune", "heldout"], default="tune")
    parser.add_argument("--k", type=int, default=5)
    parser.add_argument("--failures", action="store_true", help="list requests missing heading")
    args = parser.parse_args()

    hs_of = {
        listing.sku: listing.hs_code
        for listing in read_listings(args.listings)
        if listing.hs_code is not None
    }
    requests = [req for req in read_requests(args.requests) if req.split == args.split]
    codes = relevant_codes(requests, read_qrels(args.qrels), hs_of)
    for names in (True, False):
        started = time.perf_counter()
        nomenclature = Nomenclature.load(everyday_names=names)
        loaded = time.perf_counter() - started
        label = "CN wording + everyday names" if names else "CN wording alone"
        if args.failures:
            print(f"\nmisses ({label}):")
        results = evaluate(nomenclature, requests, codes, args.k, args.failures)
        print_table(f"{args.split} half, {label} (load {loaded:.1f} s)", results, args.k)


if __name__ == "__main__":
    main()
