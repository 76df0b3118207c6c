"""Read the evaluation files (the CLI contract's CSV columns) into the engine's plain records."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from tradebase.docking import Listing, MatchRequest

HERE = Path(__file__).resolve().parent


def _split(cell: str | None) -> frozenset[str]:
    return frozenset(part.strip() for part in (cell or "").split(";") if part.strip())


def _int(cell: str | None) -> int | None:
    cell = (cell or "").strip()
    return int(float(cell)) if cell else None


def read_listings(path: Path) -> Iterator[Listing]:
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            titles = {
                key.removeprefix("title_"): value
                for key, value in row.items()
                if key.startswith("title_") and value
            }
            yield Listing(
                sku=row["sku"],
                enterprise=row["enterprise"],
                title=row["title"],
                titles=titles,
                description=row.get("description") or "",
                hs_code=(row.get("hs_code") or "").strip() or None,
                unit=(row.get("unit") or "pcs").strip(),
                moq=_int(row.get("moq")),
                monthly_capacity=_int(row.get("monthly_capacity")),
                lead_time_days=_int(row.get("lead_time_days")),
                certifications=_split(row.get("certifications")),
                markets=_split(row.get("markets")),
            )


@dataclass(frozen=True, slots=True)
class EvalRequest:
    id: str
    language: str
    split: str
    request: MatchRequest
    no_match: bool = False  # no listing of the catalog holds what it asks for


def read_requests(path: Path) -> list[EvalRequest]:
    out: list[EvalRequest] = []
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            out.append(
                EvalRequest(
                    id=row["id"],
                    language=(row.get("language") or "").strip() or "?",
                    split=(row.get("split") or "").strip() or "all",
                    request=MatchRequest(
                        text=row["text"],
                        quantity=_int(row.get("quantity")),
                        unit=(row.get("unit") or "").strip() or None,
                        destination=(row.get("destination") or "").strip() or None,
                        required_certifications=_split(row.get("required_certifications")),
                        max_lead_time_days=_int(row.get("max_lead_time_days")),
                        hs_code=(row.get("hs_code") or "").strip() or None,
                    ),
                    no_match=(row.get("no_match") or "").strip() in {"1", "true", "yes"},
                )
            )
    return out


def read_qrels(path: Path) -> dict[str, set[str]]:
    relevant: dict[str, set[str]] = {}
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if float(row.get("relevance") or 1) > 0:
                relevant.setdefault(row["query"], set()).add(row["sku"])
    return relevant
