"""Analytics: normalised figures, evaluation schemes, trade flows, complexity and reports."""
