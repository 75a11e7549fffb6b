"""The region pool and what routes keep on it (`graphmodel.route_pool`).

A route filters the region's pool per request shape once and keeps the answer on the pool;
whatever was kept, the route must equal one decided on a plain tuple of the same
candidates (nothing kept), for every origin, on both stores; and a store built from other
data must never see what an earlier store kept.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from typing import Any

import pytest

from bench.synthetic import generate
from graphmodel.dataset import Dataset
from graphmodel.enums import Direction, Label, Level, Severity
from graphmodel.route_pool import MEMO_BOUND, Pool, kept
from graphmodel.routing import Route, RouteRequest, decide, matched_rules
from graphmodel.store import Store
from queries.referral_route import CONTEXT, REFERRAL_ROUTE
from stores.memory import DAYS_KEPT, MemoryStore

DAY = date(2025, 6, 1)
CONDITIONS = ("general", "cardiovascular", "tuberculosis")


def requests(samples: Dataset) -> list[RouteRequest]:
    """Every institution of the samples as an origin, up and down, for a few conditions."""
    out = []
    for i in samples.institutions:
        for condition in CONDITIONS:
            out.append(RouteRequest(origin=i.id, condition=condition, on=DAY))
        out.append(RouteRequest(origin=i.id, direction=Direction.DOWN, on=DAY))
    return out


def test_a_pool_equals_the_plain_tuple_and_keeps_per_key() -> None:
    pool = Pool([1, 2, 3])
    assert pool == (1, 2, 3) and isinstance(pool, tuple)
    calls: list[int] = []

    def make(n: int) -> int:
        calls.append(n)
        return n

    for _ in range(3):
        assert kept(pool, ("k",), lambda: make(7)) == 7
    assert calls == [7]
    assert kept((1, 2, 3), ("k",), lambda: make(8)) == 8  # not a Pool: afresh
    assert calls == [7, 8]


def test_a_full_memo_starts_again() -> None:
    pool = Pool()
    for n in range(MEMO_BOUND + 5):
        kept(pool, ("employer", n), lambda: 0)
    assert 0 < len(pool.memo) <= MEMO_BOUND


def test_kept_answers_equal_fresh_ones_for_every_origin(store: Store, samples: Dataset) -> None:
    """Warm (the pool's memo filled by every other origin first) equals cold (no memo)."""
    reqs = requests(samples)
    contexts: list[tuple[RouteRequest, object]] = []
    for req in reqs:
        ctx = store.run(CONTEXT, request=req)
        assert isinstance(ctx.pool, Pool)
        try:
            contexts.append((req, decide(replace(ctx, pool=tuple(ctx.pool)), req)))
        except Exception as exc:  # an origin without a route: the same error warm and cold
            contexts.append((req, type(exc)))
    for req, fresh in contexts:
        try:
            warm = store.run(REFERRAL_ROUTE, request=req)
        except Exception as exc:
            assert fresh is type(exc), req
            continue
        assert warm == fresh, req


def shapes(samples: Dataset) -> list[RouteRequest]:
    """Every sample origin under requests that differ in one field a kept answer is keyed
    by (severity, phase, out of region, employer, day, a flag, a chosen destination)."""
    out = []
    for i in samples.institutions:
        base = RouteRequest(origin=i.id, on=DAY)
        out += [
            base,
            replace(base, severity=Severity.SEVERE, condition="tuberculosis"),
            replace(base, out_of_region=True),
            replace(base, employer="某某有限公司"),
            replace(base, on=date(2018, 6, 1)),
            replace(base, flags=frozenset({"emergency"})),
            replace(base, direction=Direction.DOWN, phase="recovery"),
            replace(base, destination="linkou-county-people"),
        ]
    return out


def test_kept_answers_equal_fresh_ones_for_every_request_shape(
    memory_store: MemoryStore, samples: Dataset
) -> None:
    """The embedded store keeps its pools across routes: each request, asked after all the
    others filled them, equals its decision on a plain tuple of the same candidates."""
    reqs = shapes(samples)
    fresh = [_fresh(memory_store, r) for r in reqs]
    kept_after = [_warm(memory_store, r) for r in reversed(reqs)][::-1]
    assert sum(1 for f in fresh if not isinstance(f, type)) > len(reqs) // 2
    for req, a, b in zip(reqs, fresh, kept_after, strict=True):
        assert a == b, req


def _fresh(store: MemoryStore, req: RouteRequest) -> object:
    try:
        ctx = store.run(CONTEXT, request=req)
        return decide(replace(ctx, pool=tuple(ctx.pool)), req)
    except Exception as exc:  # an origin without a route: the same error either way
        return type(exc)


def _warm(store: MemoryStore, req: RouteRequest) -> object:
    try:
        return store.run(REFERRAL_ROUTE, request=req)
    except Exception as exc:
        return type(exc)


def test_routes_of_one_region_share_its_pool(memory_store: MemoryStore) -> None:
    a = memory_store.run(CONTEXT, request=RouteRequest(origin="ezhou-dushan-thc", on=DAY))
    first = memory_store.run(REFERRAL_ROUTE, request=RouteRequest(origin=a.origin.id, on=DAY))
    others = [
        i.id
        for i in memory_store.graph.all(Label.INSTITUTION)
        if i.id != a.origin.id and i.division and i.level is Level.PRIMARY
    ]
    shared = [
        b
        for b in (memory_store.run(CONTEXT, request=RouteRequest(origin=o, on=DAY)) for o in others)
        if b.policy == a.policy and b.pool == a.pool
    ]
    assert shared, "the samples hold another primary origin of the same region"
    assert all(b.pool is a.pool for b in shared)
    assert a.pool.memo and first.destinations


@pytest.mark.parametrize("level", [Level.PRIMARY])
def test_a_new_store_does_not_see_what_an_old_one_kept(samples: Dataset, level: Level) -> None:
    """A load builds a new graph: a destination demoted in the new data is gone from it."""
    old = MemoryStore(samples)
    req = RouteRequest(origin="ezhou-dushan-thc", on=DAY)
    before = old.run(REFERRAL_ROUTE, request=req)
    higher = [d.id for d in before.destinations if d.level == Level.SECONDARY.value]
    assert higher, "the route reaches a secondary hospital"
    demoted = higher[0]
    changed = replace(
        samples,
        institutions=tuple(
            replace(i, level=level) if i.id == demoted else i for i in samples.institutions
        ),
    )
    after = MemoryStore(changed).run(REFERRAL_ROUTE, request=req)
    assert demoted not in {d.id for d in after.destinations}
    assert demoted in {d.id for d in old.run(REFERRAL_ROUTE, request=req).destinations}


def test_only_the_last_days_asked_are_kept(samples: Dataset) -> None:
    """A request may name any date: pools are kept for DAYS_KEPT days, the least recently
    asked dropped first, and a dropped day gives the same route when asked again."""
    store = MemoryStore(samples)
    origin = "ezhou-dushan-thc"
    days = [date(2024, 1, 1) + timedelta(days=n) for n in range(DAYS_KEPT + 3)]
    first = store.run(REFERRAL_ROUTE, request=RouteRequest(origin=origin, on=days[0]))
    for day in days[1:]:
        store.run(REFERRAL_ROUTE, request=RouteRequest(origin=origin, on=day))
        store.run(REFERRAL_ROUTE, request=RouteRequest(origin=origin, on=days[-1]))
    assert len(store.graph.by_day) == DAYS_KEPT
    assert days[0] not in store.graph.by_day and days[-1] in store.graph.by_day
    assert store.run(REFERRAL_ROUTE, request=RouteRequest(origin=origin, on=days[0])) == first


def test_kept_plans_equal_fresh_routes_of_origins_of_one_kind() -> None:
    """An ordinary route's plan is kept per request shape and kind of origin
    (`routing._plan_key`): on a synthetic country, where many township centres share a
    kind, every warm route (the memo filled by all the others first) equals its decision
    on a plain tuple, its hops start at its own origin, and fewer plans than origins are
    kept (the key is not the origin)."""
    syn = generate(3000, 11)
    store = MemoryStore(syn.dataset)
    origins = sorted(syn.index.township_centres)
    reqs = [
        RouteRequest(origin=o, condition=c, on=DAY)
        for c in ("general", "cardiovascular")
        for o in origins
    ]
    fresh = [_fresh(store, r) for r in reqs]
    for r in reqs:
        _warm(store, r)
    warm = [_warm(store, r) for r in reversed(reqs)][::-1]
    routed = 0
    for req, a, b in zip(reqs, fresh, warm, strict=True):
        assert a == b, req
        if isinstance(b, Route) and b.hops:
            routed += 1
            assert b.hops[0].source.id == req.origin
    assert routed > len(reqs) // 2
    plans = {
        (id(memo), key) for memo in _memos(store, reqs) for key in memo if key and key[0] == "plan"
    }
    assert 0 < len(plans) < routed


def _memos(store: MemoryStore, reqs: list[RouteRequest]) -> list[dict[tuple[Any, ...], Any]]:
    """The memos of the request shapes the routes of `reqs` were decided on."""
    out: dict[int, dict[tuple[Any, ...], Any]] = {}
    for req in reqs:
        ctx = store.run(CONTEXT, request=req)
        by_kind = matched_rules(ctx, req)
        out[id(by_kind.memo)] = by_kind.memo
    return list(out.values())


def test_an_origin_a_kept_answer_names_is_left_out_of_its_own(samples: Dataset) -> None:
    """A readmission to the origin itself, asked after another origin of its region asked
    for a readmission there: the kept answer of the other origin names the institution,
    its own must not."""
    store = MemoryStore(samples)
    insts = [i for i in samples.institutions if i.division and i.level is Level.PRIMARY]
    checked = 0
    for target in insts:
        for other in insts:
            if other.id == target.id or other.division != target.division:
                continue
            for req in (
                RouteRequest(origin=other.id, readmission_of=target.id, on=DAY),
                RouteRequest(origin=target.id, readmission_of=target.id, on=DAY),
            ):
                warm, fresh = _warm(store, req), _fresh(store, req)
                assert warm == fresh, req
                if isinstance(warm, Route) and warm.allowed:
                    checked += 1
                    assert req.origin not in {d.id for d in warm.destinations}
            break
    assert checked
