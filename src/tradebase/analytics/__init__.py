"""Analytics for programme officers: normalised figures, evaluation schemes, trade flows."""
