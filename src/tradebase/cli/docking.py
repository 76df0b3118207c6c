"""``tradebase match`` and ``tradebase index rebuild`` (docs/matching.md).

Thin: read the queries, refresh this process's index from the database, match, print JSON
lines or a table. A bad query file exits 1 naming each bad line and column.
"""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from tradebase.cli.common import console, user_errors


class OutputFormat(StrEnum):
    jsonl = "jsonl"
    table = "table"


index_app = typer.Typer(help="The matching index of supply-and-demand docking.",
                        no_args_is_help=True)


def match(
    text: Annotated[str | None, typer.Argument(help="What the buyer asks for, any language.")]
    = None,
    queries: Annotated[Path | None, typer.Option(
        "--queries", exists=True, dir_okay=False, readable=True,
        help="A CSV file: id, text and optionally quantity, unit, destination, "
             "required_certifications (';'-separated), max_lead_time_days, hs_code.")] = None,
    top: Annotated[int, typer.Option("--top", min=1, max=1000, help="Results per query.")] = 10,
    fmt: Annotated[OutputFormat | None, typer.Option(
        "--format", help="jsonl (one line per query) or table; jsonl for --queries.")] = None,
    quantity: Annotated[int | None, typer.Option(min=1)] = None,
    unit: Annotated[str | None, typer.Option()] = None,
    destination: Annotated[str | None, typer.Option(help="ISO 3166 alpha-2, e.g. SE")] = None,
    cert: Annotated[list[str] | None, typer.Option(
        "--cert", help="A required certification; repeat for more.")] = None,
    max_lead_time: Annotated[int | None, typer.Option("--max-lead-time", min=1,
                                                      help="Days")] = None,
    hs_code: Annotated[str | None, typer.Option("--hs-code", help="4 or 6 digits")] = None,
) -> None:
    """Match a request (TEXT) or a file of requests (--queries) against every catalog."""
    from tradebase.db import get_engine
    from tradebase.docking import service
    from tradebase.docking.index_store import ListingIndex
    from tradebase.docking.records import MatchRequest
    from tradebase.docking.schemas import MatchQuery, parse_queries
    from tradebase.errors import InvalidInput
    from tradebase.migrate import upgrade
    from tradebase.uow import unit_of_work

    with user_errors():
        if (text is None) == (queries is None):
            raise InvalidInput("give either a TEXT to match or --queries FILE.csv")
        requests: list[tuple[str, MatchRequest]]
        if queries is not None:
            from tradebase.docking.reading import fill_from_text

            # a value read from the text fills only a field the file leaves empty
            requests = [(ident, fill_from_text(request)) for ident, request in
                        parse_queries(queries.read_text(encoding="utf-8-sig"), queries.name)]
        else:
            from pydantic import ValidationError

            from tradebase.registry.transfer import reason_of

            try:
                query = MatchQuery(
                    text=text or "", quantity=quantity, unit=unit, destination=destination,
                    required_certifications=cert or [], max_lead_time_days=max_lead_time,
                    hs_code=hs_code,
                )
            except ValidationError as exc:
                error = exc.errors()[0]
                raise InvalidInput(reason_of(error), field=str(error["loc"][0])) from exc
            requests = [("1", query.to_engine())]
        engine = get_engine()
        upgrade(engine)
        index = ListingIndex()
        answers = []
        with unit_of_work(engine=engine) as session:
            for ident, request in requests:
                answers.append((ident, request, service.search(
                    session=session, index=index, request=request, top_k=top)))
    output = fmt or (OutputFormat.jsonl if queries is not None else OutputFormat.table)
    if output is OutputFormat.jsonl:
        for ident, _, found in answers:
            line = {"query": ident, "results": [
                {"sku": c.result.sku, "enterprise": c.result.enterprise,
                 "score": c.result.score, "reasons": list(c.result.reasons)}
                for c in found.candidates
            ], "no_match": found.no_match}
            typer.echo(json.dumps(line, ensure_ascii=False))
        return
    for ident, request, found in answers:
        candidates = found.candidates
        table = Table(title=f"{ident}: {request.text}", show_lines=True)
        for column in ("#", "sku", "enterprise", "score", "reasons"):
            table.add_column(column, justify="right" if column in {"#", "score"} else "left")
        for rank, c in enumerate(candidates, start=1):
            table.add_row(str(rank), c.result.sku, c.result.enterprise, f"{c.result.score:.3f}",
                          "\n".join(c.result.reasons))
        console.print(table)
        if found.no_match:
            console.print("No factory on Tradebase lists this yet.", highlight=False)
        elif not candidates:
            console.print("No listing meets the request's constraints.", highlight=False)


@index_app.command("rebuild")
def rebuild() -> None:
    """Recompute the matching features of every listing (e.g. after a vocabulary change)."""
    from tradebase.db import get_engine
    from tradebase.docking.sync import rebuild_features
    from tradebase.docking.vector_store import rebuild_vectors
    from tradebase.migrate import upgrade
    from tradebase.uow import unit_of_work

    engine = get_engine()
    with user_errors():
        upgrade(engine)
        with unit_of_work(engine=engine) as session:
            written = rebuild_features(session)
            encoded = rebuild_vectors(session)
    console.print(f"Index rebuilt: features of {written} listings recomputed, "
                  f"{encoded} listing vectors encoded.", highlight=False)


def register(app: typer.Typer) -> None:
    app.command("match")(match)
    app.add_typer(index_app, name="index")
