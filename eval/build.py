# ruff: noqa: T201  (a build script: it reports what it wrote)
"""Build the evaluation set: eval/listings.csv, eval/requests.csv and eval/qrels.csv.

    .venv/bin/python -m eval.build

Listings are generated (seeded) from eval/catalog_spec.py; requests are hand-written in
eval/requests_source.csv (one per category and language, phrased the way buyers write), and this
script adds the structured fields a buyer fills in (quantity, maximum lead time, destination),
the tuning/held-out split, and the relevance judgements: a listing is relevant to a request when
it is of a category the request asks for and passes the request's hard constraints
(certifications, MOQ, lead time); capacity-short listings stay relevant (they can take a share).
The files follow the CLI contract of `tradebase import products` and `tradebase match --queries`.
"""

from __future__ import annotations

import csv
import hashlib
import math
import random
from pathlib import Path

from eval.catalog_spec import CATEGORIES, DOMAIN_ENTERPRISES, MARKETS

HERE = Path(__file__).resolve().parent
LISTINGS_PER_CATEGORY = 22
SEED = 20240615

EN_PREFIX = ["", "", "", "", "OEM ", "Wholesale ", "Hot sale ", "Factory direct ", "New design "]
ZH_PREFIX = ["", "", "", "厂家直销", "外贸", "跨境专供", "新款"]
LISTING_COLUMNS = [
    "sku",
    "enterprise",
    "title",
    "title_zh",
    "description",
    "hs_code",
    "unit",
    "moq",
    "monthly_capacity",
    "lead_time_days",
    "certifications",
    "markets",
    "category",
]
REQUEST_COLUMNS = [
    "id",
    "language",
    "split",
    "text",
    "quantity",
    "unit",
    "destination",
    "required_certifications",
    "max_lead_time_days",
    "hs_code",
    "categories",
]
DESTINATIONS = {
    "sv": ["SE"],
    "de": ["DE", "AT", "CH"],
    "es": ["ES", "MX"],
    "fr": ["FR", "BE"],
    "zh": ["CN", "SG", "MY"],
    "en": ["US", "GB", "AU", "CA"],
}


def _model_code(rng: random.Random) -> str:
    letters = "ABCDEFGHJKLMNPRSTXYZ"
    return f"{rng.choice(letters)}{rng.choice(letters)}-{rng.randint(100, 9999)}"


def _digest(text: str) -> str:
    return hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()


def _relevant(
    categories: list[str], by_category: dict[str, list[dict[str, str]]], request: dict[str, str]
) -> list[str]:
    return [item["sku"] for c in categories for item in by_category[c] if _passes(item, request)]


def build_listings(rng: random.Random) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    enterprise_markets: dict[str, list[str]] = {}
    for names in DOMAIN_ENTERPRISES.values():
        for name, _ in names:
            enterprise_markets[name] = sorted(rng.sample(MARKETS, rng.randint(3, 9)))
    for cat_index, (key, spec) in enumerate(CATEGORIES.items()):
        enterprises = [name for name, _ in DOMAIN_ENTERPRISES[spec["domain"]]]
        for i in range(LISTINGS_PER_CATEGORY):
            mode = rng.choices(["both", "en", "zh"], weights=[45, 30, 25])[0]
            en_core = rng.choice(spec["en"])
            extras = rng.sample(spec["en_extra"], rng.randint(0, 2))
            en_title = rng.choice(EN_PREFIX) + en_core
            if extras:
                en_title += ", " + ", ".join(extras)
            if rng.random() < 0.35:
                en_title += f" ({_model_code(rng)})"
            zh_title = rng.choice(ZH_PREFIX) + rng.choice(spec["zh"])
            zh_title += "".join(rng.sample(spec["zh_extra"], rng.randint(0, 2)))
            if mode == "zh":
                title, title_zh = zh_title, ""
                description = rng.choice(spec["zh_desc"])
            else:
                title, title_zh = en_title, zh_title if mode == "both" else ""
                description = rng.choice(spec["desc"]) if rng.random() < 0.85 else ""
            certs = sorted(c for c in spec["certs"] if rng.random() < 0.5)
            moq = rng.choice([50, 100, 200, 300, 500, 1000, 2000])
            capacity = rng.choice([500, 1000, 2000, 3000, 5000, 10000, 20000, 50000])
            lead = rng.choice([15, 20, 25, 30, 35, 40, 45, 50, 60, 75, 90])
            enterprise = rng.choice(enterprises)
            rows.append(
                {
                    "sku": f"EV-{cat_index:02d}{i:02d}-{_digest(f'{key}{i}')[:4].upper()}",
                    "enterprise": enterprise,
                    "title": title,
                    "title_zh": title_zh,
                    "description": description,
                    "hs_code": spec["hs"],
                    "unit": spec["unit"],
                    "moq": str(moq),
                    "monthly_capacity": str(capacity),
                    "lead_time_days": str(lead),
                    "certifications": ";".join(certs),
                    "markets": ";".join(enterprise_markets[enterprise]),
                    "category": key,
                }
            )
    rng.shuffle(rows)
    return rows


def _passes(listing: dict[str, str], request: dict[str, str]) -> bool:
    held = {c.upper() for c in listing["certifications"].split(";") if c}
    if any(c.upper() not in held for c in request["required_certifications"].split(";") if c):
        return False
    if int(listing["moq"]) > int(request["quantity"]):
        return False
    return int(listing["lead_time_days"]) <= int(request["max_lead_time_days"])


def build_requests(
    rng: random.Random, listings: list[dict[str, str]]
) -> tuple[list[dict[str, str]], list[tuple[str, str]]]:
    with (HERE / "requests_source.csv").open(encoding="utf-8", newline="") as handle:
        source = list(csv.DictReader(handle))
    requests: list[dict[str, str]] = []
    qrels: list[tuple[str, str]] = []
    by_category: dict[str, list[dict[str, str]]] = {}
    for listing in listings:
        by_category.setdefault(listing["category"], []).append(listing)
    for row in source:
        categories = row["categories"].split("|")
        unit = CATEGORIES[categories[0]]["unit"]
        quantity = (
            int(row["quantity"])
            if row.get("quantity")
            else rng.choice([500, 1000, 2000, 3000, 5000, 10000])
        )
        lead = rng.choice([45, 60, 60, 75, 90])
        request = {
            "id": row["id"],
            "language": row["language"],
            # A stable split: the digest of the id, so adding requests never reshuffles the halves.
            "split": "tune"
            if int(_digest(row["id"]), 16) % 2 == 0
            else "heldout",
            "text": row["text"],
            "quantity": str(quantity),
            "unit": unit,
            "destination": rng.choice(DESTINATIONS[row["language"]]),
            "required_certifications": row.get("certs", "") or "",
            "max_lead_time_days": str(lead),
            "hs_code": "",
            "categories": row["categories"],
        }
        relevant = [
            listing["sku"]
            for cat in categories
            for listing in by_category[cat]
            if _passes(listing, request)
        ]
        # Buyers who ask for little lead time or big minimums would get nothing; relax the
        # generated fields (never the hand-written ones) until a few listings qualify.
        while len(relevant) < 4 and int(request["max_lead_time_days"]) < 90:
            request["max_lead_time_days"] = "90"
            relevant = _relevant(categories, by_category, request)
        if len(relevant) < 4 and not row.get("quantity"):
            request["quantity"] = str(max(10000, int(request["quantity"])))
            relevant = _relevant(categories, by_category, request)
        requests.append(request)
        qrels.extend((request["id"], sku) for sku in relevant)
    return requests, qrels


def main() -> None:
    rng = random.Random(SEED)  # noqa: S311 - a seeded, reproducible data set, not a secret
    listings = build_listings(rng)
    requests, qrels = build_requests(rng, listings)
    with (HERE / "listings.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, LISTING_COLUMNS)
        writer.writeheader()
        writer.writerows(listings)
    with (HERE / "requests.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, REQUEST_COLUMNS)
        writer.writeheader()
        writer.writerows(requests)
    with (HERE / "qrels.csv").open("w", encoding="utf-8", newline="") as handle:
        qrel_writer = csv.writer(handle)
        qrel_writer.writerow(["query", "sku", "relevance"])
        qrel_writer.writerows((query, sku, 1) for query, sku in qrels)
    per_lang: dict[str, int] = {}
    for request in requests:
        per_lang[request["language"]] = per_lang.get(request["language"], 0) + 1
    sizes = [sum(1 for q, _ in qrels if q == r["id"]) for r in requests]
    print(
        f"{len(listings)} listings in {len(CATEGORIES)} categories; {len(requests)} requests "
        f"{per_lang}; relevant per request min {min(sizes)} median "
        f"{sorted(sizes)[len(sizes) // 2]} (mean {math.fsum(sizes) / len(sizes):.1f})"
    )


if __name__ == "__main__":
    main()
