"""Imports every context's models so that ``Model.metadata`` knows all tables."""

from __future__ import annotations


def load_all_models() -> None:
    """Register every table with ``Model.metadata`` (migrations and tests call this)."""
    import tradebase.accounts.models
    import tradebase.allocation.models
    import tradebase.analytics.models
    import tradebase.analytics.trade_models
    import tradebase.docking.models
    import tradebase.events.competition_models
    import tradebase.events.group_models
    import tradebase.events.models
    import tradebase.events.outcome_models
    import tradebase.notifications.models
    import tradebase.registry.models  # noqa: F401
    from tradebase.accounts import audit
    from tradebase.docking import sync
    from tradebase.notifications import channels
    from tradebase.registry import search, versioning

    audit.install()
    channels.install()
    sync.install()
    versioning.install()
    search.install()
