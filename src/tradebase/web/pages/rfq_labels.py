"""The words for the values of a request for quotation (Incoterms, payment terms, packaging,
samples, statuses, changes) and for its coded errors, to translate in the templates: a factory
reads them in Chinese next to the buyer's original."""

from __future__ import annotations

from tradebase.docking.schemas import EnquiryStatus, IntentionStatus, OrderStatus
from tradebase.docking.terms import (
    ChangeKind,
    EnquiryOrigin,
    Incoterm,
    Landed,
    Packaging,
    PaymentTerms,
    RequestStatus,
    Samples,
)
from tradebase.web.i18n import N_
from tradebase.web.pages.messages import add_messages

INCOTERMS: dict[str, str] = {
    Incoterm.EXW: N_("EXW – Ex Works"),
    Incoterm.FCA: N_("FCA – Free Carrier"),
    Incoterm.CPT: N_("CPT – Carriage Paid To"),
    Incoterm.CIP: N_("CIP – Carriage and Insurance Paid To"),
    Incoterm.DAP: N_("DAP – Delivered at Place"),
    Incoterm.DPU: N_("DPU – Delivered at Place Unloaded"),
    Incoterm.DDP: N_("DDP – Delivered Duty Paid"),
    Incoterm.FAS: N_("FAS – Free Alongside Ship"),
    Incoterm.FOB: N_("FOB – Free on Board"),
    Incoterm.CFR: N_("CFR – Cost and Freight"),
    Incoterm.CIF: N_("CIF – Cost, Insurance and Freight"),
}
PAYMENT_TERMS: dict[str, str] = {
    PaymentTerms.TT_ADVANCE: N_("Bank transfer (T/T) in advance"),
    PaymentTerms.TT_DEPOSIT: N_("T/T: deposit first, balance against copy of B/L"),
    PaymentTerms.LC_SIGHT: N_("Letter of credit at sight"),
    PaymentTerms.LC_USANCE: N_("Deferred letter of credit (usance)"),
    PaymentTerms.DP: N_("Documents against payment (D/P)"),
    PaymentTerms.DA: N_("Documents against acceptance (D/A)"),
    PaymentTerms.OPEN_ACCOUNT: N_("Open account"),
    PaymentTerms.ESCROW: N_("Escrow / trade assurance"),
}
PACKAGING: dict[str, str] = {
    Packaging.STANDARD_EXPORT: N_("Standard export packing"),
    Packaging.CARTON: N_("Cartons"),
    Packaging.PALLET: N_("Palletised"),
    Packaging.WOODEN_CRATE: N_("Wooden crates"),
    Packaging.FLAT_PACK: N_("Flat pack"),
    Packaging.RETAIL_BOX: N_("Retail boxes"),
    Packaging.CUSTOM: N_("Custom (see note)"),
}
SAMPLES: dict[str, str] = {
    Samples.NONE: N_("No samples needed"),
    Samples.WITH_QUOTE: N_("Samples with the quote"),
    Samples.BEFORE_ORDER: N_("Samples before the order"),
}
REQUEST_STATUSES: dict[str, str] = {
    RequestStatus.OPEN: N_("open"),
    RequestStatus.CLOSED: N_("closed"),
    RequestStatus.WITHDRAWN: N_("withdrawn"),
    RequestStatus.AWARDED: N_("awarded"),
}
ENQUIRY_STATUSES: dict[str, str] = {
    EnquiryStatus.SHORTLISTED: N_("shortlisted"),
    EnquiryStatus.SENT: N_("sent"),
    EnquiryStatus.ANSWERED: N_("answered"),
    EnquiryStatus.DECLINED: N_("declined"),
}
INTENTION_STATUSES: dict[str, str] = {
    IntentionStatus.PROPOSED: N_("proposed"),
    IntentionStatus.ACCEPTED: N_("accepted"),
}
ORDER_STATUSES: dict[str, str] = {
    OrderStatus.CONTRACT_SIGNED: N_("contract signed"),
    OrderStatus.IN_PRODUCTION: N_("in production"),
    OrderStatus.SHIPPED: N_("shipped"),
    OrderStatus.DELIVERED: N_("delivered"),
    OrderStatus.CANCELLED: N_("cancelled"),
}
CHANGES: dict[str, str] = {
    ChangeKind.PUBLISHED: N_("Published as an open request"),
    ChangeKind.EDITED: N_("Edited"),
    ChangeKind.CLOSED: N_("Closed: no more quotes"),
    ChangeKind.WITHDRAWN: N_("Withdrawn by the buyer"),
    ChangeKind.AWARDED: N_("Awarded: the buyer accepted a quote"),
}
ORIGINS: dict[str, str] = {
    EnquiryOrigin.CHOSEN: N_("sent to you"),
    EnquiryOrigin.OPEN: N_("open request"),
    EnquiryOrigin.EVENT: N_("met at an event"),
    EnquiryOrigin.MET: N_("met at a fair"),
}
LANDED: dict[str, str] = {
    Landed.LANDED: N_("landed"),
    Landed.DUTY_EXCLUDED: N_("duty excluded"),
    Landed.NONE: N_("not landed"),
}
# The request fields an edit may name, as the factories read them.
FIELDS: dict[str, str] = {
    "text": N_("Request"), "quantity": N_("Quantity"), "unit": N_("Unit"),
    "destination": N_("Destination country"), "wanted_by": N_("Wanted by"),
    "max_lead_time_days": N_("Maximum lead time (days)"),
    "certifications": N_("Required certifications"), "target_price": N_("Target unit price"),
    "currency": N_("Currency"), "incoterm": N_("Incoterm"),
    "incoterm_place": N_("Named place"), "payment_terms": N_("Payment terms"),
    "payment_note": N_("Payment note"), "packaging": N_("Packaging"),
    "packaging_note": N_("Packaging note"), "samples": N_("Samples"),
    "quote_deadline": N_("Quote deadline"), "expires_on": N_("Expires on"),
    "anonymous_until_accepted": N_("Anonymous until a quote is accepted"),
}

add_messages({
    "rfq.suspended": N_("Your account is suspended from posting requests and enquiries."),
    "rfq.hidden": N_("This request was hidden by a moderator."),
    "rfq.not_open": N_("This request is %(status)s: it can no longer be changed or quoted."),
    "rfq.deadline_passed": N_("The quote deadline (%(date)s) has passed."),
    "rfq.expired": N_("This request expired on %(date)s."),
    "rfq.open_request_cap": N_(
        "You may publish at most %(limit)s open requests in 24 hours. Try again later."),
    "rfq.enquiry_cap": N_(
        "You may send at most %(limit)s enquiries in 24 hours. Try again later."),
    "rfq.date_past": N_("The date %(date)s is in the past."),
    "rfq.sku_not_asked": N_("The enquiry does not ask about the listing %(sku)s."),
    "rfq.published_already": N_("This request is published already."),
    "rfq.no_quote": N_("There is no quote to shortlist or accept yet."),
    "rfq.quote_expired": N_("This quote was valid until %(date)s."),
    "rfq.may_not_report": N_("Only an enterprise the request reached may report it."),
    "rfq.may_not_moderate": N_(
        "Only an administrator of a base the request reached may moderate it."),
    "rfq.no_author": N_("The author of this request has no account any more."),
    "rfq.no_suspension": N_("There is no such suspension (it may have been lifted)."),
    "rfq.may_not_lift": N_(
        "Only an administrator of a base the request reached may lift the suspension of its "
        "author."),
    "rfq.attachment_type": N_("Attach a PDF, PNG, JPEG, XLSX or CSV file."),
    "rfq.attachment_content": N_("The file %(name)s is not what its name says."),
    "rfq.attachment_empty": N_("The file is empty."),
    "rfq.attachment_missing": N_("Choose a file to attach."),
    "rfq.attachment_size": N_("The file is larger than the limit of %(limit)s."),
    "rfq.attachment_count": N_("A request holds at most %(limit)s files."),
}, sizes={"rfq.attachment_size": ("limit",)})

LABELS = {
    "incoterm": INCOTERMS, "payment_terms": PAYMENT_TERMS, "packaging": PACKAGING,
    "samples": SAMPLES, "status": REQUEST_STATUSES, "change": CHANGES, "origin": ORIGINS,
    "landed": LANDED, "field": FIELDS, "enquiry_status": ENQUIRY_STATUSES,
    "intention_status": INTENTION_STATUSES, "order_status": ORDER_STATUSES,
}
