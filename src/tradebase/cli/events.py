"""``tradebase schedule FILE.json``: the 1:1 meeting scheduler, on the file contract.

The contract is in docs/events.md.

Thin: read the JSON file, validate it (a bad file exits 1 naming the field on stderr), call
the engine, print JSON or a table. An instance where nothing can be scheduled is an answer
(exit 0): an empty schedule and the reason.
"""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from tradebase.cli.common import console, err_console


class OutputFormat(StrEnum):
    json = "json"
    table = "table"


def _read(file: Path, what: str) -> object:
    try:
        return json.loads(file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        err_console.print(
            f"[red]error ({what}):[/red] {file.name} is not a readable JSON file ({exc})",
            highlight=False,
        )
        raise typer.Exit(1) from exc


def schedule(
    file: Annotated[Path, typer.Argument(dir_okay=False, help="The problem, as JSON.")],
    fmt: Annotated[
        OutputFormat, typer.Option("--format", help="json (the file contract) or a table.")
    ] = OutputFormat.table,
    keep: Annotated[
        Path | None,
        typer.Option("--keep", dir_okay=False, help="A previous output: keep its valid meetings."),
    ] = None,
    time_limit: Annotated[
        float | None,
        typer.Option("--time-limit", min=0.1, help="Seconds the scheduler may use."),
    ] = None,
) -> None:
    """Schedule 1:1 meetings: most meetings, then most priority, with a proven upper bound."""
    from tradebase.events.scheduler import (
        GroupMeeting,
        Meeting,
        ProblemError,
        group_meetings_from_json,
        meetings_from_json,
        problem_from_json,
        schedule_to_json,
    )
    from tradebase.events.scheduler import schedule as run

    try:
        problem = problem_from_json(_read(file, "file"))
        kept: tuple[Meeting | GroupMeeting, ...] = ()
        if keep is not None:
            previous = _read(keep, "--keep")
            kept = (*meetings_from_json(previous), *group_meetings_from_json(previous))
    except ProblemError as exc:
        where = f"--keep {exc.field}" if keep is not None and exc.field.startswith(
            ("meetings", "group_meetings", "(keep")
        ) else exc.field
        err_console.print(f"[red]error ({where}):[/red] {exc.message}", highlight=False)
        raise typer.Exit(1) from exc
    result = run(problem, keep=kept, time_limit=time_limit)
    if fmt is OutputFormat.json:
        typer.echo(json.dumps(schedule_to_json(result, groups=bool(problem.groups)), indent=2,
                              ensure_ascii=False))
        return
    gap = 1 - len(result.meetings) / result.upper_bound if result.upper_bound else 0.0
    table = Table(
        title=(
            f"{len(result.meetings)} meetings ({result.status}), upper bound"
            f" {result.upper_bound}, gap {100 * gap:.2f} %, total priority {result.total_priority}"
        )
    )
    for column in ("slot", "table", "a", "b"):
        table.add_column(column, justify="right" if column in {"slot", "table"} else "left")
    for m in result.meetings:
        table.add_row(str(m.slot), str(m.table), m.a, m.b)
    console.print(table)
    if problem.groups:
        groups = Table(title=f"{len(result.group_meetings)} group meetings")
        for column in ("slot", "table", "group", "members"):
            groups.add_column(column, justify="right" if column in {"slot", "table"} else "left")
        for g in result.group_meetings:
            groups.add_row(str(g.slot), str(g.table), g.group, ", ".join(g.members))
        console.print(groups)
        for left in result.groups_left_out:
            console.print(f"group {left.group} left out: {left.reason}", highlight=False,
                          markup=False)
    if result.reason:
        console.print(result.reason, highlight=False, markup=False)


def register(app: typer.Typer) -> None:
    app.command("schedule")(schedule)
