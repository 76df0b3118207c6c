"""``tradebase analytics``: the analytics commands, one module each (this file only wires
them): ``complexity``, ``rank`` and ``rates`` (cli/analytics_complexity.py,
cli/analytics_rank.py, cli/analytics_rates.py)."""

from __future__ import annotations

import typer

from tradebase.cli import analytics_complexity, analytics_rank, analytics_rates

analytics_app = typer.Typer(help="Analytics: exchange rates, evaluation schemes and rankings, "
                                 "complexity and cluster measures.", no_args_is_help=True)
analytics_complexity.register(analytics_app)
analytics_rank.register(analytics_app)
analytics_rates.register(analytics_app)


def register(app: typer.Typer) -> None:
    """Add the ``analytics`` group to the ``tradebase`` app."""
    app.add_typer(analytics_app, name="analytics")
