"""The documented metric list matches the code."""

from __future__ import annotations

from pathlib import Path

from tradebase.registry.metrics import METRICS


def test_every_metric_is_documented() -> None:
    doc = (Path(__file__).parents[3] / "docs" / "indicators.md").read_text(encoding="utf-8")
    missing = [name for name in METRICS if f"`{name}`" not in doc]
    assert not missing, f"docs/indicators.md lacks {missing}"
