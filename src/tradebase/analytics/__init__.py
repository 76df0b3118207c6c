"""Analytics for programme officers: figures normalised by a rate table, time series,
evaluation schemes and the rankings they give, trade flows, complexity and cluster measures
(docs/analytics.md).

Pure engines (``rates.py``, ``ranking.py``, ``scheme_file.py``, ``series.py``,
``complexity.py``, ``cluster.py``) take plain data and return plain data; the services
(``rates_store.py``, ``rank_service.py``, ``schemes.py``, ``series_service.py``) read the
register in SQL and call them; trade flows are read from files (``trade_formats.py``),
bulk-written (``trade_import.py``) and measured in SQL (``flows.py``, ``markets.py``).
"""
