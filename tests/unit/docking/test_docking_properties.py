"""Property tests: the hard constraints are exact, and an edited index equals a rebuilt one."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tradebase.docking import Listing, MatchingIndex, MatchRequest, listing_features
from tradebase.docking.constraints import check_listing
from tradebase.docking.evidence import Evidence
from tradebase.text.folding import raw_tokens

TITLES = [
    "Natural rattan dining chair",
    "Rattan lounge chair with cushion",
    "Iron dining chair, stackable",
    "Men's road running shoe",
    "Trail running shoe with rock plate",
    "藤编餐椅",
    "高硼硅玻璃茶壶",
    "Borosilicate glass teapot",
    "LED string lights, warm white",
    "Silk scarf 90 x 90",
]
REQUEST_TEXTS = [
    "rattan dining chairs",
    "Vi söker matstolar i rotting",
    "Laufschuhe für Herren",
    "玻璃茶壶",
    "chaises en rotin",
    "guirnalda de luces LED",
    "scarf",
]
CERTS = ["FSC", "BSCI", "ISO9001", "OEKO-TEX"]
MARKETS = ["SE", "DE", "US", "CN"]

maybe_int = st.one_of(st.none(), st.integers(min_value=0, max_value=5000))
listings_strategy = st.builds(
    Listing,
    sku=st.sampled_from([f"S{i}" for i in range(12)]),
    enterprise=st.sampled_from(["E1", "E2", "E3"]),
    title=st.sampled_from(TITLES),
    description=st.sampled_from(["", "hand-woven", "for restaurants"]),
    hs_code=st.sampled_from([None, "940153", "940179", "640411", "701342"]),
    moq=st.one_of(st.none(), st.integers(min_value=1, max_value=3000)),
    monthly_capacity=maybe_int,
    lead_time_days=st.one_of(st.none(), st.integers(min_value=0, max_value=120)),
    certifications=st.frozensets(st.sampled_from(CERTS), max_size=3),
    markets=st.frozensets(st.sampled_from(MARKETS), max_size=3),
)
requests_strategy = st.builds(
    MatchRequest,
    text=st.sampled_from(REQUEST_TEXTS),
    quantity=st.one_of(st.none(), st.integers(min_value=1, max_value=20_000)),
    destination=st.one_of(st.none(), st.sampled_from(MARKETS)),
    required_certifications=st.frozensets(st.sampled_from([*CERTS, "iso 9001"]), max_size=2),
    max_lead_time_days=st.one_of(st.none(), st.integers(min_value=0, max_value=120)),
    hs_code=st.one_of(st.none(), st.sampled_from(["940153", "6404"])),
)


def _positive_text_score(index: MatchingIndex, listing: Listing, text: str) -> bool:
    """A listing scores above zero when it shares a concept or a word with the request."""
    features = listing_features(listing, index.vocabulary)
    concepts = {cid for cid, _ in features.concepts}
    words = {word for word, _ in features.words}
    return bool(concepts & set(index.analyse(text).concepts) or words & set(raw_tokens(text)))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(listings_strategy, max_size=12, unique_by=lambda item: item.sku), requests_strategy)
def test_constraints_are_applied_exactly(listings: list[Listing], request: MatchRequest) -> None:
    index = MatchingIndex.build(listings)
    results = index.match(request, top_k=len(listings) + 1)
    by_sku = {item.sku: item for item in listings}
    returned = {result.sku for result in results}
    for result in results:
        check = check_listing(by_sku[result.sku], request)
        assert check.passes, (result.sku, check)
        assert result.needs_split == (not check.capacity_ok)
    expected = {
        item.sku
        for item in listings
        if check_listing(item, request).passes and _positive_text_score(index, item, request.text)
    }
    assert returned == expected


operation = st.one_of(
    st.tuples(st.just("upsert"), listings_strategy),
    st.tuples(st.just("remove"), st.sampled_from([f"S{i}" for i in range(12)])),
)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(listings_strategy, max_size=8, unique_by=lambda item: item.sku),
    st.lists(operation, max_size=25),
    st.lists(requests_strategy, min_size=1, max_size=3),
    st.integers(min_value=0, max_value=4),
)
def test_an_edited_index_equals_a_rebuilt_one(
    initial: list[Listing],
    operations: list[tuple[str, object]],
    requests: list[MatchRequest],
    compact_after: int,
) -> None:
    index = MatchingIndex.build(initial)
    index.compact_min_dead = compact_after  # also exercise compaction of retired slots
    state = {item.sku: item for item in initial}
    for kind, value in operations:
        if kind == "upsert":
            assert isinstance(value, Listing)
            index.upsert(value)
            state[value.sku] = value
        else:
            assert isinstance(value, str)
            assert index.remove(value) == (value in state)
            state.pop(value, None)
    rebuilt = MatchingIndex.build(state.values())
    assert len(index) == len(rebuilt) == len(state)
    assert index.skus() == rebuilt.skus()
    assert index.statistics() == rebuilt.statistics()
    for request in requests:
        assert index.match(request, top_k=20) == rebuilt.match(request, top_k=20)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(listings_strategy, max_size=8, unique_by=lambda item: item.sku),
    st.lists(operation, max_size=15),
    st.lists(requests_strategy, min_size=1, max_size=3),
    st.integers(min_value=0, max_value=4),
)
def test_matching_between_edits_never_serves_stale_weights(
    initial: list[Listing],
    operations: list[tuple[str, object]],
    requests: list[MatchRequest],
    compact_after: int,
) -> None:
    """The index caches per-term weights between requests; every edit moves the statistics
    they depend on, so after each edit the results must still equal a fresh build's."""
    index = MatchingIndex.build(initial)
    index.compact_min_dead = compact_after
    state = {item.sku: item for item in initial}
    for request in requests:
        index.match(request, top_k=20)  # fill the caches before the first edit
    for kind, value in operations:
        if kind == "upsert":
            assert isinstance(value, Listing)
            index.upsert(value)
            state[value.sku] = value
        else:
            assert isinstance(value, str)
            index.remove(value)
            state.pop(value, None)
        rebuilt = MatchingIndex.build(state.values())
        for request in requests:
            assert index.match(request, top_k=20) == rebuilt.match(request, top_k=20)
            assert index.analyse(request.text) == rebuilt.analyse(request.text)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(listings_strategy, max_size=8, unique_by=lambda item: item.sku),
    st.lists(operation, max_size=20),
    st.lists(requests_strategy, min_size=1, max_size=3),
)
def test_evidence_of_a_few_slots_equals_the_dense_column(
    initial: list[Listing],
    operations: list[tuple[str, object]],
    requests: list[MatchRequest],
) -> None:
    """``Evidence.at`` finds a slot in each term's postings by binary search: the postings
    stay in slot order through edits, and its figures are those of the column over every
    slot, to the last bit."""
    index = MatchingIndex.build(initial)
    index.compact_min_dead = 10_000  # keep retired slots and appended postings
    for kind, value in operations:
        if kind == "upsert":
            assert isinstance(value, Listing)
            index.upsert(value)
        else:
            assert isinstance(value, str)
            index.remove(value)
    for field_ in (index._concepts, index._words):
        for tid in range(len(field_.terms)):
            docs, _ = field_.postings(tid)
            assert bool(np.all(np.diff(docs) > 0))
    every = np.arange(index._n_slots, dtype=np.int64)
    for request in requests:
        query = index._reader.read(request.text)
        _, _, hits = index._text_scores(query)
        evidence = Evidence(index, query, index._pivot_scores(query, hits))
        seen = evidence.at(every)
        for level in {0.0, *seen.tolist()}:
            expected = np.flatnonzero(seen >= level) if level > 0 else every
            assert evidence.at_least(level).tolist() == expected.tolist()
