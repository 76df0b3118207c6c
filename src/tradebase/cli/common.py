"""What every command shares: the console and turning domain errors into exit codes."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import typer
from rich.console import Console
from rich.markup import escape

from tradebase.errors import ImportRejected, TradebaseError

console = Console()
err_console = Console(stderr=True)


@contextmanager
def user_errors() -> Iterator[None]:
    """Print a domain error as a message the user can act on and exit with status 1."""
    try:
        yield
    except ImportRejected as exc:
        err_console.print(f"[red]error:[/red] {escape(exc.message)}", highlight=False,
                          soft_wrap=True)
        for row in exc.errors:
            err_console.print(f"  {row}", highlight=False, markup=False, soft_wrap=True)
        raise typer.Exit(1) from exc
    except TradebaseError as exc:
        where = f" ({exc.field})" if exc.field else ""
        # one line however long (a file's path stays whole), brackets as written
        err_console.print(f"[red]error{escape(where)}:[/red] {escape(exc.message)}",
                          highlight=False, soft_wrap=True)
        raise typer.Exit(1) from exc
