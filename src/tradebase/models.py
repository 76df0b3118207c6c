"""Imports every context's models so that ``Model.metadata`` knows all tables."""

from __future__ import annotations


def load_all_models() -> None:
    """Register every table with ``Model.metadata`` (migrations and tests call this)."""
    import tradebase.accounts.models  # noqa: F401, PLC0415
    import tradebase.registry.models  # noqa: F401, PLC0415
    from tradebase.accounts import audit  # noqa: PLC0415

    audit.install()
