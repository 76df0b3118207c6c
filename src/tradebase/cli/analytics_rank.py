"""``tradebase analytics rank``: rank the register's bases on an evaluation scheme, from a
JSON file or stored (``--scheme NAME``), and print the ranking (docs/analytics.md)."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from tradebase.cli.common import console, user_errors
from tradebase.errors import InvalidInput


class RankFormat(StrEnum):
    json = "json"
    table = "table"


def _file_scheme(path: Path) -> tuple[Any, str]:
    from tradebase.analytics.scheme_file import load_scheme_text, scheme_digest

    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"{path}: cannot be read ({exc})", field="scheme") from None
    try:
        scheme, data = load_scheme_text(text)
    except InvalidInput as exc:
        raise InvalidInput(f"{path}: {exc.message}", field=exc.field, code=exc.code,
                           params=exc.params) from None
    return scheme, scheme_digest(data)


def rank(
    scheme_file: Annotated[Path | None, typer.Argument(
        help="A scheme as JSON (docs/analytics.md); or name a stored one with --scheme.",
        dir_okay=False)] = None,
    scheme_name: Annotated[str | None, typer.Option(
        "--scheme", help="The name of a stored scheme.")] = None,
    version: Annotated[int | None, typer.Option(
        "--version", min=1, help="A stored scheme's version (default: its latest).")] = None,
    output: Annotated[RankFormat, typer.Option(
        "--format", help="json (the contract) or a table to read.")] = RankFormat.json,
) -> None:
    """Score and rank every base of the register on a scheme; print the ranking."""
    from tradebase.analytics import rank_service, schemes
    from tradebase.db import get_engine
    from tradebase.migrate import upgrade
    from tradebase.uow import unit_of_work

    if (scheme_file is None) == (scheme_name is None):
        raise typer.BadParameter("give a scheme file or --scheme NAME (one of them)")
    engine = get_engine()
    with user_errors():
        upgrade(engine)
        with unit_of_work(engine=engine) as session:
            if scheme_file is not None:
                scheme, digest = _file_scheme(scheme_file)
                result = rank_service.rank_scheme(session=session, scheme=scheme, version=digest)
            else:
                assert scheme_name is not None
                stored = schemes.find_scheme(session=session, name=scheme_name)
                result = schemes.rank_stored(session=session, stored=stored, number=version)
    if output is RankFormat.json:
        typer.echo(json.dumps(result, ensure_ascii=False, indent=2))
        return
    console.print(f"{result['scheme']} (version {result['version']})", highlight=False,
                  markup=False)
    for row in result["ranking"]:
        flags = ("" if row["passes"] else "  below a threshold") + (
            f"  missing: {', '.join(row['missing'])}" if row["missing"] else "")
        console.print(f"{row['rank']:>4}  {row['score']:.4f}  {row['base']}{flags}",
                      highlight=False, markup=False)


def register(app: typer.Typer) -> None:
    app.command("rank")(rank)
