"""``tradebase analytics rates import FILE`` and ``... rates list``: the exchange rates an
administrator keeps over the shipped table (the columns of usd-rates.csv)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from tradebase.cli.common import console, user_errors
from tradebase.errors import InvalidInput

rates_app = typer.Typer(help="Exchange rates against the US dollar, by year and month.",
                        no_args_is_help=True)


@rates_app.command("import")
def import_rates(
    file: Annotated[Path, typer.Argument(help="A CSV with the columns granularity, period, "
                                             "currency, per_usd.", dir_okay=False)],
) -> None:
    """Keep the file's rates over the shipped ones: every row good, or nothing written."""
    from tradebase.analytics.rates_store import import_rates as store
    from tradebase.db import get_engine
    from tradebase.migrate import upgrade
    from tradebase.uow import unit_of_work

    engine = get_engine()
    with user_errors():
        try:
            text = file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise InvalidInput(f"{file}: cannot be read ({exc})", field="file") from None
        upgrade(engine)
        with unit_of_work(engine=engine) as session:
            done = store(session=session, text=text, filename=file.name)
    console.print(f"{file.name}: {done.added} rates added, {done.changed} changed, "
                  f"{done.unchanged} unchanged.", highlight=False, markup=False)


@rates_app.command("list")
def list_rates(
    currency: Annotated[str | None, typer.Option("--currency", help="One currency.")] = None,
    year: Annotated[int | None, typer.Option("--year", help="One year.")] = None,
    kept_only: Annotated[bool, typer.Option(
        "--kept", help="Only the rates administrators keep (not the shipped ones).")] = False,
) -> None:
    """Print the rates in force as CSV (the import's columns, and where each comes from)."""
    from tradebase.analytics.rates_store import list_rates as rows_of
    from tradebase.db import get_engine
    from tradebase.migrate import upgrade
    from tradebase.uow import unit_of_work

    engine = get_engine()
    with user_errors():
        upgrade(engine)
        with unit_of_work(engine=engine) as session:
            rows = rows_of(session=session, currency=currency, year=year)
    typer.echo("granularity,period,currency,per_usd,source")
    for row in rows:
        if kept_only and row.source != "administrator":
            continue
        rate = row.rate
        typer.echo(f"{rate.granularity.value},{rate.period},{rate.currency},"
                   f"{rate.per_usd:.6g},{row.source}")


def register(app: typer.Typer) -> None:
    app.add_typer(rates_app, name="rates")
