"""Landed prices by Incoterm, the sorting of a quote comparison and the rules of a request's
terms (pure)."""

from __future__ import annotations

from datetime import date

import pytest

from tradebase.docking.terms import (
    Incoterm,
    Landed,
    QuoteRow,
    TermsProblem,
    dates_problem,
    landed_basis,
    price_problem,
    sort_quotes,
)


@pytest.mark.parametrize(("incoterm", "basis"), [
    ("DDP", Landed.LANDED), ("DAP", Landed.DUTY_EXCLUDED), ("DPU", Landed.DUTY_EXCLUDED),
    *((term.value, Landed.NONE) for term in Incoterm
      if term not in (Incoterm.DDP, Incoterm.DAP, Incoterm.DPU)),
    (None, Landed.NONE),
])
def test_landed_basis(incoterm: str | None, basis: Landed) -> None:
    assert landed_basis(incoterm) is basis


def _row(n: int, price: float | None, currency: str = "EUR", incoterm: str = "FOB",
         **more: object) -> QuoteRow:
    fields: dict[str, object] = {
        "enquiry_id": n, "enterprise_id": n, "enterprise": f"Works {n}", "price": price,
        "currency": currency, "incoterm": incoterm, "moq": None, "lead_time_days": None,
        "valid_until": None, "note": "", "shortlisted": False, "accepted": False,
        "status": "answered",
    } | more
    return QuoteRow(**fields)  # type: ignore[arg-type]


def test_prices_sort_within_a_currency_and_missing_values_come_last() -> None:
    rows = [_row(1, 9.0, "USD"), _row(2, 12.0), _row(3, 7.0), _row(4, None)]
    assert [r.enquiry_id for r in sort_quotes(rows, "price")] == [3, 2, 1, 4]
    assert [r.enquiry_id for r in sort_quotes(rows, "price", descending=True)] == [1, 2, 3, 4]


def test_landed_sort_and_other_columns() -> None:
    rows = [_row(1, 5.0, incoterm="FOB", lead_time_days=20),
            _row(2, 8.0, incoterm="DDP", lead_time_days=10, valid_until=date(2027, 1, 1)),
            _row(3, 6.0, incoterm="DAP", lead_time_days=30)]
    assert [r.enquiry_id for r in sort_quotes(rows, "landed")] == [3, 2, 1]
    assert [r.enquiry_id for r in sort_quotes(rows, "lead_time_days")] == [2, 1, 3]
    assert [r.enquiry_id for r in sort_quotes(rows, "valid_until")] == [2, 1, 3]
    assert [r.enquiry_id for r in sort_quotes(rows, "nonsense")] == [1, 3, 2]  # by price


def test_the_rules_of_a_requests_terms_name_their_field_and_code() -> None:
    early, late = date(2027, 3, 1), date(2027, 4, 1)
    assert dates_problem(early, late) is None
    assert dates_problem(None, early) is None
    problem = dates_problem(late, early)
    assert problem is not None
    assert (problem.field, problem.code) == ("expires_on", "request.expires_before_deadline")
    assert problem.message == "expires_on: the request cannot expire before its quote deadline"
    assert price_problem(None, None) is None
    assert price_problem(12.5, "EUR") is None
    assert price_problem(0.0, "") == TermsProblem(
        "currency", "request.currency_needed", "give the currency of the target price")
