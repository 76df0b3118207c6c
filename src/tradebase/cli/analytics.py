"""``tradebase analytics``: measures computed from the register or from files."""

from __future__ import annotations

import typer

from tradebase.cli import analytics_complexity

analytics_app = typer.Typer(help="Analytics: complexity and cluster measures, rankings.",
                            no_args_is_help=True)
analytics_complexity.register(analytics_app)


def register(app: typer.Typer) -> None:
    """Add the ``analytics`` group to the ``tradebase`` app."""
    app.add_typer(analytics_app, name="analytics")
