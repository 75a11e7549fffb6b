"""Referral figures for a period against the caps and targets of each region's policy.

What is computed and what is not is set out in `graphmodel.kpis`. The governing policy of
an institution is the one of the nearest division above it that has a policy in force in
the period (from before its end, not ended before its start; the newest version). On Neo4j
the report is four Cypher statements whatever the size of the graph: the policies and the
rules the report reads, the flow totals per institution, the flow totals per policy region
(this period and the same period a year earlier), and the leapfrog flows
(`queries/leapfrogs.py`); the rest is arithmetic on their rows, shared by both stores.
"""

from __future__ import annotations

from collections import Counter
from typing import Any, LiteralString

from graphmodel import kpi_report, kpis
from graphmodel.enums import Direction, Label, Rel, RuleKind
from graphmodel.institution import Institution
from graphmodel.kpis import KpiReport, RegionPolicy
from graphmodel.periods import Period, parse_period
from graphmodel.policy import Policy
from graphmodel.store import NamedQuery, Reader
from queries import _walk, leapfrogs
from stores.memory import MemoryGraph
from stores.props import institution_from, rule_from, to_date

Row = dict[str, Any]
KINDS = sorted(
    k.value
    for k in (
        RuleKind.CAP,
        RuleKind.TARGET,
        RuleKind.ALLIANCE_PREFERENCE,
        RuleKind.LEVEL_CHOICE,
        RuleKind.DESIGNATION,
    )
)

POLICIES: LiteralString = """
MATCH (pol:Policy)-[:APPLIES_TO]->(reg:Division)
WHERE coalesce(pol.valid_from, date('0001-01-01')) <= $end
  AND coalesce(pol.valid_to, date('9999-12-31')) >= $start
OPTIONAL MATCH (pol)-[:HAS_RULE]->(r:Rule) WHERE r.kind IN $kinds
RETURN pol.id AS policy, reg.id AS region, reg.name AS region_name,
       pol.valid_from AS valid_from, collect(r) AS rules,
       $division IS NULL OR EXISTS {
         MATCH (reg)-[:PART_OF]->{0,6}(:Division {id: $division}) } AS in_scope
"""
INSTITUTIONS: LiteralString = """
MATCH (o:Institution)-[f:REFERRED]-(:Institution)
WHERE f.period IN $periods
  AND ($division IS NULL OR EXISTS {
        MATCH (o)-[:LOCATED_IN]->(:Division)-[:PART_OF]->{0,6}(:Division {id: $division}) })
WITH o,
  sum(CASE WHEN startNode(f) = o AND f.direction = 'up' THEN f.count ELSE 0 END) AS up_sent,
  sum(CASE WHEN startNode(f) = o AND f.direction = 'down' THEN f.count ELSE 0 END) AS down_sent,
  sum(CASE WHEN endNode(f) = o AND f.direction = 'up' THEN f.count ELSE 0 END) AS up_received,
  sum(CASE WHEN endNode(f) = o AND f.direction = 'down' THEN f.count ELSE 0 END)
    AS down_received
CALL (o) {
  OPTIONAL MATCH p = (o)-[:LOCATED_IN]->(:Division)-[:PART_OF]->{0,6}(x:Division)
  WITH x ORDER BY length(p)
  RETURN collect(x.id) AS ancestry
}
RETURN o, up_sent, down_sent, up_received, down_received, ancestry
"""
REGIONS: LiteralString = """
UNWIND $regions AS region_id
MATCH (reg:Division {id: region_id})
CALL (reg) {
  MATCH (o:Institution)-[:LOCATED_IN]->(:Division)-[:PART_OF]->{0,6}(reg)
  MATCH (o)-[f:REFERRED]->(t:Institution)
  WHERE f.period IN $periods OR f.period IN $previous
  CALL (o) {
    OPTIONAL MATCH p = (o)-[:LOCATED_IN]->(:Division)-[:PART_OF]->{0,6}(x:Division)
    WITH x ORDER BY length(p)
    WITH collect(x) AS xs
    RETURN [y IN xs WHERE y.level = 'city'][0].id AS city,
           [y IN xs WHERE y.level = 'province'][0].id AS province
  }
  CALL (t) {
    OPTIONAL MATCH p = (t)-[:LOCATED_IN]->(:Division)-[:PART_OF]->{0,6}(x:Division)
    WITH x ORDER BY length(p)
    RETURN collect(x.id) AS ta
  }
  RETURN f.period IN $periods AS now, f.direction AS direction, o.level AS level,
         size(ta) > 0 AS located, reg.id IN ta AS in_region,
         CASE WHEN city IS NULL THEN null ELSE city IN ta END AS in_city,
         CASE WHEN province IS NULL THEN null ELSE province IN ta END AS in_province,
         f.count AS n
}
WITH reg, now, direction, level, located, in_region, in_city, in_province, sum(n) AS n
RETURN reg.id AS region,
       collect({now: now, direction: direction, level: level, located: located,
                in_region: in_region, in_city: in_city, in_province: in_province, n: n}) AS groups
"""


def on_neo4j(reader: Reader, period: str, division: str | None = None) -> KpiReport:
    p = parse_period(period)
    rows = reader.rows(POLICIES, start=p.start, end=p.end, kinds=KINDS, division=division)
    candidates = [
        RegionPolicy(
            r["policy"],
            r["region"],
            r["region_name"],
            to_date(r["valid_from"]),
            tuple(sorted((rule_from(x) for x in r["rules"]), key=lambda x: x.id)),
        )
        for r in rows
    ]
    policies = kpis.governing(candidates)
    scoped = sorted({r["region"] for r in rows if r["in_scope"]} & set(policies))
    terms = {region: kpis.leapfrog_terms(rp) for region, rp in policies.items()}
    flows = [
        (
            institution_from(r["o"]),
            tuple(r["ancestry"]),
            (r["up_sent"], r["down_sent"], r["up_received"], r["down_received"]),
        )
        for r in reader.rows(INSTITUTIONS, periods=list(p.contained), division=division)
    ]
    regions = reader.rows(
        REGIONS, regions=scoped, periods=list(p.contained), previous=list(p.previous_year.contained)
    )
    groups = {r["region"]: r["groups"] for r in regions}
    jumps = leapfrogs.on_neo4j(reader, p, terms, division)
    return kpi_report.assemble(p, policies, scoped, flows, groups, jumps)


def on_networkx(graph: MemoryGraph, period: str, division: str | None = None) -> KpiReport:
    """Figures per institution with flows and per policy region, and the leapfrog flows.

    >>> from queries._examples import tiny
    >>> report = on_networkx(tiny(), "2024")
    >>> report.previous, report.institutions, report.regions
    ('2023', (), ())
    """
    p = parse_period(period)
    candidates, scoped = [], set()
    for pol in _walk.nodes(graph, Label.POLICY):
        if _in_force(pol, p):
            keep = tuple(
                sorted((r for r in pol.rules if r.kind.value in KINDS), key=lambda r: r.id)
            )
            region = graph.get(Label.DIVISION, pol.region)
            candidates.append(RegionPolicy(pol.id, pol.region, region.name, pol.valid_from, keep))
            if _walk.within(graph, pol.region, division):
                scoped.add(pol.region)
    policies = kpis.governing(candidates)
    terms = {region: kpis.leapfrog_terms(rp) for region, rp in policies.items()}
    flows = _institution_flows(graph, set(p.contained), division)
    groups = {region: _region_groups(graph, region, p) for region in sorted(scoped)}
    jumps = leapfrogs.on_networkx(graph, p, terms, division)
    return kpi_report.assemble(p, policies, sorted(scoped & set(policies)), flows, groups, jumps)


def _in_force(pol: Policy, p: Period) -> bool:
    """The policy's period meets the report's period."""
    return (pol.valid_from or p.end) <= p.end and (pol.valid_to or p.start) >= p.start


def _institution_flows(
    graph: MemoryGraph, periods: set[str], division: str | None
) -> list[tuple[Institution, tuple[str, ...], tuple[int, int, int, int]]]:
    out = []
    for i in _walk.institutions(graph):
        if not _walk.within(graph, i.division, division):
            continue
        node = (Label.INSTITUTION.value, i.id)
        sent = [f for _, f in graph.out(node, Rel.REFERRED) if f.period in periods]
        got = [f for _, f in graph.into(node, Rel.REFERRED) if f.period in periods]
        if sent or got:
            sums = tuple(
                sum(f.count for f in fs if f.direction is d)
                for fs in (sent, got)
                for d in (Direction.UP, Direction.DOWN)
            )
            out.append(
                (i, _walk.ancestry_ids(graph, i.division), (sums[0], sums[1], sums[2], sums[3]))
            )
    return out


def _region_groups(graph: MemoryGraph, region: str, p: Period) -> list[Row]:
    now, before = set(p.contained), set(p.previous_year.contained)
    groups: Counter[tuple[Any, ...]] = Counter()
    for o in _walk.located_in(graph, _walk.beneath(graph, region)):
        chain = _walk.ancestry(graph, o.division)
        city = next((d.id for d in chain if d.level.value == "city"), None)
        province = next((d.id for d in chain if d.level.value == "province"), None)
        for node, f in graph.out((Label.INSTITUTION.value, o.id), Rel.REFERRED):
            if f.period not in now | before:
                continue
            ta = _walk.ancestry_ids(graph, graph.node_obj(node).division)
            key = (
                f.period in now,
                f.direction.value,
                o.level.value,
                bool(ta),
                region in ta,
                None if city is None else city in ta,
                None if province is None else province in ta,
            )
            groups[key] += f.count
    names = ("now", "direction", "level", "located", "in_region", "in_city", "in_province")
    return [dict(zip(names, key, strict=True)) | {"n": n} for key, n in groups.items()]


REFERRAL_KPIS = NamedQuery(
    "referral_kpis",
    on_neo4j,
    on_networkx,
    "referral figures for a period against the region's caps and targets, and leapfrog flows",
)
