"""``tradebase analytics complexity FILE --source baci|comtrade|tradebase --year Y``.

Computes the Atlas of Economic Complexity's measures from a trade file alone (no database)
and prints one JSON object on standard output::

    {"year", "places": [{"id", "diversity", "eci", "hhi"}],
     "products": [{"id", "ubiquity", "pci"}], "rca": [{"place", "product", "rca"}]}

with every place-product pair of RCA > 0, ids as the file writes them (BACI's and Comtrade's
countries as integers, HS codes as six-character strings). What was read, skipped and the
file's HS edition go to standard error. A bad file exits 1 naming its rows and columns.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from tradebase.cli.common import err_console, user_errors

SKIPPED = {
    "other_year": "rows of other years",
    "aggregate_partner": "rows with partner World (0) or EU (97)",
    "aggregate_reporter": "rows reported by the EU as a whole (97)",
    "aggregate_code": "rows of aggregate codes (TOTAL, 2 or 4 digits)",
    "re_export": "re-export rows (RX), kept apart", "other_flow": "rows of other flows",
    "breakdown": "rows of a breakdown (second partner, transport mode, customs procedure)",
    "zero_value": "rows of value 0",
}


def _number(value: float) -> float | None:
    return None if math.isnan(value) else float(value)


def complexity_report(path: Path, source: str, year: int,
                      hs_edition: str | None = None) -> tuple[dict[str, Any], list[str]]:
    """The contract's JSON object for a file, and the lines to say on standard error."""
    from tradebase.analytics.complexity import economic_complexity, herfindahl
    from tradebase.analytics.trade_files import read_trade_file

    data = read_trade_file(path, source, year, hs_edition=hs_edition)
    result = economic_complexity(data.exports)
    hhi = herfindahl(data.by_partner)
    places, products = data.places, data.products
    rows, cols = (result.rca > 0).nonzero()
    report = {
        "year": year,
        "places": [{"id": place, "diversity": int(result.diversity[k]),
                    "eci": _number(result.eci[k]), "hhi": _number(hhi[k])}
                   for k, place in enumerate(places)],
        "products": [{"id": product, "ubiquity": int(result.ubiquity[k]),
                      "pci": _number(result.pci[k])} for k, product in enumerate(products)],
        "rca": [{"place": places[r], "product": products[c], "rca": float(result.rca[r, c])}
                for r, c in zip(rows.tolist(), cols.tolist(), strict=True)],
    }
    notes = [f"{path.name}: {data.source} file, {data.rows_read} rows read, {data.rows_used} "
             f"used for {year}; {len(places)} places, {len(products)} products, values in "
             f"{data.currency or 'the file currency'}",
             f"HS edition: {data.hs_edition or 'not stated (give --hs-edition)'}"]
    notes += [f"skipped: {count} {SKIPPED[reason]}" for reason, count in data.skipped.items()
              if count]
    if data.re_exports:
        notes.append(f"re-exports kept apart: {data.re_exports:.6g}")
    if all(math.isnan(value) for value in result.eci.tolist()):
        notes.append("warning: no ECI or PCI: they need at least two places and two products "
                     "with an advantage, and places of different diversity")
    elif not result.unique:
        notes.append("warning: the second eigenvalue is not separated from the others "
                     f"(gap {result.eigen_gap:.3g}); the ECI and PCI are not unique")
    return report, notes


def register(group: typer.Typer) -> None:
    """Add ``complexity`` to the ``analytics`` group."""

    @group.command("complexity")
    def complexity(
        file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True,
                                             help="A trade file (CSV or TSV, .gz allowed).")],
        source: Annotated[str, typer.Option(
            "--source", help="The file's format: baci, comtrade or tradebase.")],
        year: Annotated[int, typer.Option("--year", help="The year to compute.")],
        hs_edition: Annotated[str | None, typer.Option(
            "--hs-edition", help="The HS edition of the codes, e.g. HS17 (default: from a "
                                 "BACI file's name).")] = None,
    ) -> None:
        """Diversity, ECI, HHI, ubiquity, PCI and RCA of a trade file's year, as JSON."""
        from tradebase.analytics.trade_files import Source

        if source.lower() not in {s.value for s in Source}:
            raise typer.BadParameter(f"'{source}' is not one of baci, comtrade, tradebase",
                                     param_hint="--source")
        with user_errors():
            report, notes = complexity_report(file, source.lower(), year, hs_edition)
        for note in notes:
            err_console.print(note, highlight=False, markup=False, soft_wrap=True)
        sys.stdout.write(json.dumps(report, ensure_ascii=False, allow_nan=False) + "\n")
