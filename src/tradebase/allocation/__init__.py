"""Capacity docking (split orders over factories) and group procurement (pooled buying).

Engines: ``solver.split_order`` and ``procurement.award_lots``, pure and exact (HiGHS).
File contracts: ``schemas``. The CLI commands live in ``tradebase.cli.allocation``.
"""
