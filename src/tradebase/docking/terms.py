"""The terms of a request for quotation and of a quote, and how quotes compare.

Pure: enums and plain functions, no database and no web, so that the comparison (landed
prices, sorting) is tested alone. The words a person reads for each value (in Chinese for a
factory) are in the web layer (``web/pages/rfq_labels.py``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum


@dataclass(frozen=True)
class TermsProblem:
    """A rule that the terms of a request break taken together: the field it is said beside,
    its code (worded in the reader's language by ``web/pages/messages.py``) and the English
    reason. One rule, whether a request is created or changed."""

    field: str
    code: str
    reason: str

    @property
    def message(self) -> str:
        return f"{self.field}: {self.reason}"


def dates_problem(quote_deadline: date | None, expires_on: date | None) -> TermsProblem | None:
    """A request may not expire before its quote deadline."""
    if quote_deadline is not None and expires_on is not None and expires_on < quote_deadline:
        return TermsProblem("expires_on", "request.expires_before_deadline",
                            "the request cannot expire before its quote deadline")
    return None


def price_problem(target_price: float | None, currency: str | None) -> TermsProblem | None:
    """A target price needs its currency."""
    if target_price is not None and not currency:
        return TermsProblem("currency", "request.currency_needed",
                            "give the currency of the target price")
    return None


class Incoterm(StrEnum):
    """The eleven Incoterms 2020 rules."""

    EXW = "EXW"
    FCA = "FCA"
    CPT = "CPT"
    CIP = "CIP"
    DAP = "DAP"
    DPU = "DPU"
    DDP = "DDP"
    FAS = "FAS"
    FOB = "FOB"
    CFR = "CFR"
    CIF = "CIF"


class PaymentTerms(StrEnum):
    TT_ADVANCE = "tt_advance"  # telegraphic transfer, all in advance
    TT_DEPOSIT = "tt_deposit"  # a deposit, balance against the bill of lading copy
    LC_SIGHT = "lc_sight"  # letter of credit at sight
    LC_USANCE = "lc_usance"  # letter of credit, deferred
    DP = "d_p"  # documents against payment
    DA = "d_a"  # documents against acceptance
    OPEN_ACCOUNT = "open_account"
    ESCROW = "escrow"  # a trade-assurance or escrow service


class Packaging(StrEnum):
    STANDARD_EXPORT = "standard_export"
    CARTON = "carton"
    PALLET = "pallet"
    WOODEN_CRATE = "wooden_crate"
    FLAT_PACK = "flat_pack"
    RETAIL_BOX = "retail_box"
    CUSTOM = "custom"  # as the note says


class Samples(StrEnum):
    NONE = "none"
    WITH_QUOTE = "with_quote"
    BEFORE_ORDER = "before_order"


class RequestStatus(StrEnum):
    """open → closed | withdrawn | awarded."""

    OPEN = "open"
    CLOSED = "closed"  # no more quotes; the buyer keeps the ones it has
    WITHDRAWN = "withdrawn"  # the buyer no longer wants it
    AWARDED = "awarded"  # a quote was accepted


class ChangeKind(StrEnum):
    """What happened to a request, as the factories it went to are told."""

    PUBLISHED = "published"
    EDITED = "edited"
    CLOSED = "closed"
    WITHDRAWN = "withdrawn"
    AWARDED = "awarded"


class EnquiryOrigin(StrEnum):
    CHOSEN = "chosen"  # the buyer sent it to this enterprise
    OPEN = "open"  # the enterprise's listings matched an open request
    EVENT = "event"  # they met at an event's meeting and signed an intention there
    MET = "met"  # the buyer asked this enterprise in person (a lead met at a fair)


class Landed(StrEnum):
    """How far a quoted unit price goes towards the buyer's door."""

    LANDED = "landed"  # DDP: delivered, import duty and taxes paid
    DUTY_EXCLUDED = "duty_excluded"  # DAP, DPU: delivered, import duty and taxes not paid
    NONE = "none"  # E, F and C terms: main carriage or import left to the buyer


def landed_basis(incoterm: str | None) -> Landed:
    """Whether a quote on ``incoterm`` gives a landed price at the request's destination."""
    if incoterm == Incoterm.DDP:
        return Landed.LANDED
    if incoterm in (Incoterm.DAP, Incoterm.DPU):
        return Landed.DUTY_EXCLUDED
    return Landed.NONE


def landed_price(price: float | None, incoterm: str | None) -> float | None:
    """The unit price delivered at the destination, when the Incoterm includes delivery
    (duty excluded for DAP and DPU, see ``landed_basis``); None otherwise."""
    if price is None or landed_basis(incoterm) is Landed.NONE:
        return None
    return price


@dataclass(frozen=True)
class QuoteRow:
    """One quote of a request, as the comparison table shows it."""

    enquiry_id: int
    enterprise_id: int
    enterprise: str
    price: float | None
    currency: str | None
    incoterm: str | None
    moq: int | None
    lead_time_days: int | None
    valid_until: date | None
    note: str
    shortlisted: bool
    accepted: bool
    status: str

    @property
    def landed(self) -> float | None:
        return landed_price(self.price, self.incoterm)

    @property
    def landed_basis(self) -> Landed:
        return landed_basis(self.incoterm)


SORT_KEYS = ("price", "landed", "moq", "lead_time_days", "valid_until", "enterprise")


def sort_quotes(rows: Sequence[QuoteRow], key: str, *, descending: bool = False) -> list[QuoteRow]:
    """``rows`` sorted by one column of the comparison (``SORT_KEYS``; an unknown key sorts
    by price). Currencies are not converted: prices sort within each currency, currencies in
    alphabetical order. Rows without a value in the column come last, either way."""
    key = key if key in SORT_KEYS else "price"

    def value(row: QuoteRow) -> object:
        if key == "enterprise":
            return row.enterprise.casefold()
        if key in ("price", "landed"):
            amount = row.price if key == "price" else row.landed
            return None if amount is None else (row.currency or "", amount)
        return getattr(row, key)

    present = [row for row in rows if value(row) is not None]
    missing = [row for row in rows if value(row) is None]
    present.sort(key=lambda row: (value(row), row.enquiry_id),
                 reverse=descending)
    return present + missing


__all__ = [
    "SORT_KEYS", "ChangeKind", "EnquiryOrigin", "Incoterm", "Landed", "Packaging",
    "PaymentTerms", "QuoteRow", "RequestStatus", "Samples", "landed_basis", "landed_price",
    "sort_quotes",
]
