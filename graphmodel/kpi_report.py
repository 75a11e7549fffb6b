"""Assembling the KPI report from the totals each store gathers (see `graphmodel.kpis`).

Both stores hand over the same plain totals: per institution its flows sent and received,
per policy region its flows grouped by period, direction, origin level and where they were
received; the arithmetic and the comparison with each policy rule happen here, once.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from graphmodel.enums import Direction, RuleKind
from graphmodel.institution import Institution
from graphmodel.kpis import (
    GROWTH,
    GROWTH_LEVELS,
    INSTITUTION_METRICS,
    NOT_COMPUTABLE,
    NOT_REFERRAL_METRICS,
    REGION_METRICS,
    Figure,
    InstitutionKpis,
    KpiReport,
    Leapfrog,
    Ref,
    RegionKpis,
    RegionPolicy,
    applies_to,
    judged,
    share,
)
from graphmodel.periods import Period
from graphmodel.policy import Rule

Row = dict[str, Any]
Flows = list[tuple[Institution, tuple[str, ...], tuple[int, int, int, int]]]


def assemble(
    p: Period,
    policies: dict[str, RegionPolicy],
    scoped: list[str],
    flows: Flows,
    groups: dict[str, list[Row]],
    jumps: list[Leapfrog],
) -> KpiReport:
    """The report from both stores' totals: `flows` per institution (with its division
    ancestry, nearest first, which picks its governing policy), `groups` per policy region
    in `scoped`, and the leapfrog flows."""
    leapt: Counter[str] = Counter()
    for j in jumps:
        leapt[j.origin.id] += j.flow.count
    rows = []
    for i, ancestry, (up_s, down_s, up_r, down_r) in flows:
        rp = next((policies[d] for d in ancestry if d in policies), None)
        figures = institution_figures(i, rp, up_s, down_s, leapt[i.id])
        rows.append(
            InstitutionKpis(
                Ref(i.id, i.name, i.level.value),
                rp.policy if rp else None,
                up_s,
                down_s,
                up_r,
                down_r,
                leapt[i.id],
                figures,
            )
        )
    regions = tuple(region_kpis(policies[r], groups.get(r, []), p) for r in scoped)
    return KpiReport(
        p.text,
        p.previous_year.text,
        tuple(sorted(rows, key=lambda x: x.institution.id)),
        regions,
        tuple(jumps),
    )


def institution_figures(
    i: Institution, rp: RegionPolicy | None, up: int, down: int, leapt: int
) -> tuple[Figure, ...]:
    """Its shares of referrals sent (when it sent any), then each cap of its policy that
    applies to it, `not_computable` with the reason."""
    sent = up + down
    shares = [
        ("up_share_of_referrals_sent", up, sent, "up-referrals among the referrals it sent"),
        ("down_share_of_referrals_sent", down, sent, "down-referrals among the referrals it sent"),
        (
            "leapfrog_share_of_up_referrals",
            leapt,
            up,
            "leapfrog (越级) flows among its up-referrals",
        ),
    ]
    out = [Figure(m, share(n, d), n, d, note=note) for m, n, d, note in shares if d]
    for rule in rp.rules if rp else ():
        metric = rule.params.get("metric", "")
        if rule.kind in (RuleKind.CAP, RuleKind.TARGET) and metric in INSTITUTION_METRICS:
            applies, scope_note = applies_to(rule, i)
            if applies:
                note = INSTITUTION_METRICS[metric] + scope_note
                out.append(judged(metric, None, rule, note))
    return tuple(out)


def region_kpis(rp: RegionPolicy, groups: list[Row], p: Period) -> RegionKpis:
    now = [g for g in groups if g["now"]]
    total = sum(g["n"] for g in now)
    located = sum(g["n"] for g in now if g["located"])
    inside = sum(g["n"] for g in now if g["located"] and g["in_region"])
    out_city = sum(g["n"] for g in now if g["located"] and g["in_city"] is False)
    out_prov = sum(g["n"] for g in now if g["located"] and g["in_province"] is False)
    of_located = "among referrals whose receiving institution's division is known"
    shares = [
        ("referral_in_region_share", inside, f"received inside {rp.region_name}"),
        ("referral_out_of_city_share", out_city, "received outside the origin's city"),
        ("referral_cross_province_share", out_prov, "received outside the origin's province"),
    ]
    figures = [
        Figure(m, share(n, located), n, located, note=f"{note}, {of_located}")
        if located
        else Figure(m, None, status=NOT_COMPUTABLE, note="no referrals recorded in the period")
        for m, n, note in shares
    ]
    growth_rules: list[Rule | None] = [r for r in rp.rules if r.params.get("metric") == GROWTH]
    for rule in growth_rules or [None]:
        figures.append(growth(groups, rule, p))
    for rule in rp.rules:
        metric = rule.params.get("metric", "")
        if rule.kind not in (RuleKind.CAP, RuleKind.TARGET) or metric in (
            NOT_REFERRAL_METRICS | set(INSTITUTION_METRICS) | {GROWTH}
        ):
            continue
        note = REGION_METRICS.get(metric, "no definition of this metric in the report")
        figures.append(judged(metric, None, rule, note))
    return RegionKpis(
        rp.policy,
        rp.region,
        rp.region_name,
        total,
        located,
        inside,
        out_city,
        out_prov,
        tuple(figures),
    )


def growth(groups: list[Row], rule: Rule | None, p: Period) -> Figure:
    levels = (rule.params.get("from_levels") if rule else None) or list(GROWTH_LEVELS)
    by: dict[bool, int] = defaultdict(int)
    for g in groups:
        if g["direction"] == Direction.DOWN.value and g["level"] in levels:
            by[g["now"]] += g["n"]
    before, now = by[False], by[True]
    value = (now - before) / before if before else None
    note = (
        f"down-referrals sent by {'/'.join(levels)} institutions, {p.text} against "
        f"{p.previous_year.text}"
    )
    if not before:
        note += f"; none recorded in {p.previous_year.text}, so no growth can be computed"
    return judged(GROWTH, value, rule, note, numerator=now, denominator=before)
