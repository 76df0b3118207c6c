"""The ``tradebase`` command line. One module per command group; each has ``register(app)``."""

from __future__ import annotations

import typer

from tradebase.cli import (
    allocation,
    analytics,
    database,
    docking,
    events,
    reminders,
    serve,
    transfer,
    users,
)

app = typer.Typer(
    name="tradebase",
    help="Tradebase: register, indicators and docking for industrial clusters and export bases.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)

for group in (database, serve, users, transfer, allocation, docking, reminders, events,
              analytics):
    group.register(app)


def main() -> None:
    """Entry point of the ``tradebase`` script."""
    app()
