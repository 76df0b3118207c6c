"""Tradebase: an open platform for industrial clusters and export bases."""

__version__ = "0.1.0"
