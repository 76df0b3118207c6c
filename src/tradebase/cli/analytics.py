"""``tradebase analytics``: the analytics commands, one module each (this file only wires
them): ``rank`` and ``rates`` (cli/analytics_rank.py, cli/analytics_rates.py)."""

from __future__ import annotations

import typer

from tradebase.cli import analytics_rank, analytics_rates

analytics_app = typer.Typer(help="Analytics: exchange rates, evaluation schemes and rankings.",
                            no_args_is_help=True)
analytics_rank.register(analytics_app)
analytics_rates.register(analytics_app)


def register(app: typer.Typer) -> None:
    app.add_typer(analytics_app, name="analytics")
