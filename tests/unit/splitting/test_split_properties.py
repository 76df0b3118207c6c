"""Property tests over random catalogs: a split never uses a listing of another product, and
its shares keep to capacity, minimum orders and one share per enterprise.

The path is the real one without the database: the matching engine ranks a random catalog for
a random request, ``select_offers`` keeps the confirmed product, ``split`` shares the order.
The oracle for "the same product" is written out here, independently of ``is_same_product``.
"""

from __future__ import annotations

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from tradebase.docking import Listing, MatchingIndex, MatchRequest, listing_features
from tradebase.splitting.eligibility import ConfirmedProduct, Offer, select_offers
from tradebase.splitting.objectives import Objective, Supplier, split, spread_by_capacity

TITLES = [
    "Stackable metal garden chair",
    "Outdoor seat cushion for garden chairs",
    "Rattan dining chair",
    "Teak garden bench",
    "Garden chair cushion, waterproof",
    "Iron dining chair, stackable",
    "Solar garden lantern",
    "户外藤编餐椅",
    "Hanging egg chair with cushion",
]
REQUEST_TEXTS = [
    "stackable metal garden chairs",
    "garden chairs with cushions",
    "seat cushions for garden chairs",
    "Vi söker matstolar i rotting",
    "藤椅",
    "garden lanterns",
]
# subheadings of one heading, other headings, a heading alone, written forms, none
LISTING_CODES = [None, *["940179"] * 6, "940171", "940153", "9401", "9401.79", "940490",
                 "940490", "940541", "94017900", "940410"]
CONFIRMED_CODES = [None, "940179", "940179", "9401", "9404", "940490"]

listings = st.builds(
    Listing,
    sku=st.sampled_from([f"S{i}" for i in range(16)]),
    enterprise=st.sampled_from([f"{i}" for i in range(1, 7)]),
    title=st.sampled_from(TITLES),
    description=st.sampled_from(["", "for garden chairs", "with cushion"]),
    hs_code=st.sampled_from(LISTING_CODES),
    moq=st.one_of(st.none(), st.integers(min_value=1, max_value=2000)),
    monthly_capacity=st.one_of(st.none(), st.integers(min_value=0, max_value=30_000),
                               st.integers(min_value=1000, max_value=30_000)),
    lead_time_days=st.one_of(st.none(), st.integers(min_value=0, max_value=30)),
)
catalogs = st.lists(listings, min_size=3, max_size=16, unique_by=lambda item: item.sku)


def _digits(code: str | None) -> str:
    return "".join(ch for ch in code or "" if ch.isdigit())


def _is_the_confirmed_product(listing: Listing, hs: str | None, text: str,
                              index: MatchingIndex) -> bool:
    """The oracle: same six digits, or the same heading when only a heading is confirmed, or,
    with no code, a main product concept of the request in the listing's title at full
    weight."""
    confirmed = _digits(hs)
    own = _digits(listing.hs_code)
    if len(confirmed) == 6:
        return len(own) >= 6 and own[:6] == confirmed
    if len(confirmed) == 4:
        return len(own) >= 4 and own[:4] == confirmed
    vocab = index.vocabulary
    asked = {cid for cid, role in vocab.concepts_by_role(text).items()
             if role == "main" and vocab.is_product(cid)}
    held = {cid for cid, weight in listing_features(listing, vocab).concepts if weight >= 1.0}
    return bool(asked & held)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    catalog=catalogs,
    text=st.sampled_from(REQUEST_TEXTS),
    hs=st.sampled_from(CONFIRMED_CODES),
    quantity=st.integers(min_value=1, max_value=60_000),
    due=st.integers(min_value=10, max_value=90),
    objective=st.sampled_from(list(Objective)),
    prices=st.lists(st.one_of(st.none(), st.floats(min_value=1, max_value=50)), min_size=7,
                    max_size=7),
)
def test_a_split_never_uses_a_listing_of_another_product(
    catalog: list[Listing], text: str, hs: str | None, quantity: int, due: int,
    objective: Objective, prices: list[float | None],
) -> None:
    index = MatchingIndex.build(catalog)
    by_sku = {item.sku: item for item in catalog}
    results = index.match(MatchRequest(text=text, quantity=quantity, hs_code=hs), top_k=50)
    offers = [
        Offer(sku=r.sku, enterprise=int(by_sku[r.sku].enterprise), hs_code=by_sku[r.sku].hs_code,
              monthly_capacity=by_sku[r.sku].monthly_capacity,
              concepts=dict(listing_features(by_sku[r.sku], index.vocabulary).concepts))
        for r in results
    ]
    confirmed = ConfirmedProduct.for_request(hs, text, index.vocabulary)
    selection = select_offers(confirmed, offers)
    suppliers = [
        Supplier(key=o.enterprise, capacity_per_day=(o.monthly_capacity or 0) / 30,
                 lead_time_days=by_sku[o.sku].lead_time_days or 0, moq=by_sku[o.sku].moq or 0,
                 price=prices[o.enterprise], currency="EUR")
        for o in selection.chosen
    ]
    outcome = split(quantity, due, suppliers, objective, time_limit=5)
    offer_of = {o.enterprise: o for o in selection.chosen}
    event(f"{confirmed.level}: {len(outcome.portions)} shares, "
          f"{sum(why == 'other_product' for _, why in selection.left_out) > 0} other products")

    for portion in outcome.portions:
        listing = by_sku[offer_of[portion.supplier].sku]
        assert _is_the_confirmed_product(listing, hs, text, index), (listing, hs, text)
    for offer in selection.chosen:
        assert _is_the_confirmed_product(by_sku[offer.sku], hs, text, index)
    # every listing of the confirmed product with a capacity has its enterprise in the split's
    # candidates: the filter drops other products, not the product itself
    for result in results:
        listing = by_sku[result.sku]
        if _is_the_confirmed_product(listing, hs, text, index) and listing.monthly_capacity:
            assert int(listing.enterprise) in offer_of


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    caps=st.lists(st.tuples(st.integers(min_value=0, max_value=3000),
                            st.integers(min_value=0, max_value=40),
                            st.integers(min_value=0, max_value=2000)), min_size=1, max_size=6),
    quantity=st.integers(min_value=1, max_value=60_000),
    due=st.integers(min_value=0, max_value=60),
    objective=st.sampled_from(list(Objective)),
)
def test_shares_keep_to_capacity_and_minimum_orders(
    caps: list[tuple[int, int, int]], quantity: int, due: int, objective: Objective
) -> None:
    suppliers = [Supplier(key=i, capacity_per_day=per_day, lead_time_days=lead, moq=moq,
                          price=float(i + 1), currency="EUR")
                 for i, (per_day, lead, moq) in enumerate(caps)]
    outcome = split(quantity, due, suppliers, objective, time_limit=5)
    keys = [p.supplier for p in outcome.portions]
    assert len(keys) == len(set(keys))  # one share per enterprise
    for portion in outcome.portions:
        supplier = suppliers[portion.supplier]
        assert 0 < portion.quantity <= supplier.can_make_by(due)
        assert portion.quantity >= supplier.moq
    assert outcome.delivered <= quantity
    if outcome.met:
        assert outcome.delivered == quantity
    assert (outcome.total_cost is None) == (objective is not Objective.CHEAPEST)


@given(
    caps=st.lists(st.integers(min_value=1, max_value=5000), min_size=1, max_size=6),
    quantity=st.integers(min_value=1, max_value=20_000),
)
def test_a_spread_gives_every_enterprise_the_same_share_of_its_capacity(
    caps: list[int], quantity: int
) -> None:
    suppliers = [Supplier(key=i, capacity_per_day=cap, lead_time_days=0) for i, cap in
                 enumerate(caps)]
    shares, share = spread_by_capacity(quantity, suppliers, 1)
    assert share is not None
    assert sum(shares.values()) == min(quantity, sum(caps))
    for key, made in shares.items():
        assert abs(made - caps[key] * share) < 1  # the odd units only
