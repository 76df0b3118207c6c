"""Analytics for programme officers: figures normalised by a rate table, time series,
evaluation schemes and the rankings they give (docs/analytics.md).

Pure engines (``rates.py``, ``ranking.py``, ``scheme_file.py``, ``series.py``) take plain data
and return plain data; the services (``rates_store.py``, ``rank_service.py``,
``schemes.py``, ``series_service.py``) read the register in SQL and call them.
"""
