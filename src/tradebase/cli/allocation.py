"""``tradebase allocate FILE`` and ``tradebase procure FILE`` (docs/allocation.md).

Thin: read the JSON file, validate it against the contract, call the engine, print JSON or a
table. An infeasible input is an answer (exit 0); a malformed file exits 1 naming the field.
"""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from tradebase.cli.common import console, user_errors

FileArgument = Annotated[
    Path,
    typer.Argument(exists=True, dir_okay=False, readable=True, help="The input JSON file."),
]


class OutputFormat(StrEnum):
    json = "json"
    table = "table"


FormatOption = Annotated[
    OutputFormat, typer.Option("--format", help="json (the file contract) or a table.")
]
TimeLimitOption = Annotated[
    float, typer.Option("--time-limit", min=0.1, help="Seconds the solver may use.")
]


def _read_json(file: Path) -> Any:
    from tradebase.allocation.schemas import InvalidInput

    try:
        return json.loads(file.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InvalidInput([f"{file.name}: not a valid JSON file ({exc})"]) from exc


def allocate(
    file: FileArgument,
    fmt: FormatOption = OutputFormat.json,
    time_limit: TimeLimitOption = 60.0,
) -> None:
    """Split orders over factories at least total cost, with a reason for each share."""
    from tradebase.allocation.schemas import AllocationResult, parse_allocation
    from tradebase.allocation.solver import SolveOptions, split_order

    with user_errors():
        problem = parse_allocation(_read_json(file))
        orders, factories, scenario = problem.to_engine()
        plan = split_order(orders, factories, scenario, SolveOptions(time_limit=time_limit))
    result = AllocationResult.from_plan(plan)
    if fmt is OutputFormat.json:
        typer.echo(result.model_dump_json(indent=2))
        return
    table = Table(title=f"Capacity docking: {result.status}, total cost {result.total_cost:,.2f}")
    for column in ("order", "factory", "quantity", "unit cost", "reason"):
        table.add_column(column, justify="right" if column in {"quantity", "unit cost"} else "left")
    for s in result.shares:
        table.add_row(
            str(s.order), str(s.factory), f"{s.quantity:,}", f"{s.unit_cost:,.2f}", s.reason
        )
    console.print(table)
    console.print(result.explanation, highlight=False, markup=False)


def procure(
    file: FileArgument,
    fmt: FormatOption = OutputFormat.json,
    time_limit: TimeLimitOption = 60.0,
) -> None:
    """Pool raw-material needs and award them to suppliers at least total cost."""
    from tradebase.allocation.procurement import ProcurementOptions, award_lots
    from tradebase.allocation.schemas import ProcurementResult, parse_procurement

    with user_errors():
        problem = parse_procurement(_read_json(file))
        needs, quotes = problem.to_engine()
        plan = award_lots(needs, quotes, ProcurementOptions(time_limit=time_limit))
    result = ProcurementResult.from_plan(plan)
    if fmt is OutputFormat.json:
        typer.echo(result.model_dump_json(indent=2))
        return
    table = Table(
        title=(
            f"Group procurement: {result.status}, total {result.total_cost:,.2f},"
            f" saving {result.saving:,.2f} on {result.standalone_cost:,.2f}"
        )
    )
    for column in ("material", "supplier", "quantity", "unit price", "cost", "reason"):
        numeric = column in {"quantity", "unit price", "cost"}
        table.add_column(column, justify="right" if numeric else "left")
    for a in result.awards:
        table.add_row(
            a.material,
            str(a.supplier),
            f"{a.quantity:,}",
            f"{a.unit_price:,.2f}",
            f"{a.cost:,.2f}",
            a.reason,
        )
    console.print(table)
    console.print(result.explanation, highlight=False, markup=False)


def register(app: typer.Typer) -> None:
    app.command("allocate")(allocate)
    app.command("procure")(procure)
