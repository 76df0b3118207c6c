"""``tradebase init`` and ``tradebase demo``."""

from __future__ import annotations

from typing import Annotated

import typer

from tradebase.cli.common import console, user_errors


def init() -> None:
    """Create the database or migrate it to the newest schema, and load the HS nomenclature."""
    from tradebase.db import get_engine
    from tradebase.migrate import upgrade
    from tradebase.registry.service import load_hs_codes
    from tradebase.uow import unit_of_work

    engine = get_engine()
    with user_errors():
        upgrade(engine)
        with unit_of_work(engine=engine) as session:
            added = load_hs_codes(session=session)
    url = engine.url.render_as_string(hide_password=True)
    console.print(f"Database ready: {url}" + (f" ({added} HS codes loaded)" if added else ""))


def demo(
    if_empty: Annotated[
        bool, typer.Option("--if-empty", help="Load only into a database that holds no base yet")
    ] = False,
) -> None:
    """Load the five reference bases, their published figures and sample enterprises."""
    from sqlalchemy import func, select

    from tradebase.analytics.demo import load_demo_scheme
    from tradebase.analytics.trade_demo import load_demo_trade
    from tradebase.db import get_engine
    from tradebase.events.demo import load_demo_event
    from tradebase.migrate import upgrade
    from tradebase.registry.demo import load_demo
    from tradebase.registry.models import Base
    from tradebase.uow import unit_of_work

    engine = get_engine()
    with user_errors():
        upgrade(engine)
        with unit_of_work(engine=engine) as session:
            if if_empty and session.scalar(select(func.count()).select_from(Base)):
                console.print("The database holds bases already; demo data not loaded.")
                return
            summary = load_demo(session=session)
            load_demo_event(session=session)  # the past docking day, its published outcome
            load_demo_scheme(session=session)  # the sample evaluation scheme
            load_demo_trade(session=session)  # sample trade flows of the sample enterprises
    if not summary.loaded:
        console.print("The demo data is loaded already; nothing changed.")
        return
    console.print(
        f"Loaded {summary.bases} bases, {summary.enterprises} sample enterprises, "
        f"{summary.products} sample products and {summary.facts} indicator facts."
    )


def register(app: typer.Typer) -> None:
    app.command()(init)
    app.command()(demo)
