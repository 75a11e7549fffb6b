"""Leapfrog referrals (越级转诊) in a period: part of `referral_kpis`, one Cypher statement.

An up-referral flow is a leapfrog when

- it *skips a level*: the receiving institution is two levels or more above the origin
  (a township centre straight to a tertiary hospital), unless an agreed channel or a direct
  counterpart pairing links the two, the region's policy lets the patient choose that level
  (`level_choice`, e.g. 003 §三(二)2(1): 就近转至二级或三级), or it designates the receiving
  institution for the flow's condition; or
- it *leaves the origin's alliance*: the region's policy has an `alliance_preference` rule
  (000 §二(四)4: up within the own alliance first), the origin belongs to an alliance in
  the period and the receiving institution to none of the same, and neither the flow's
  condition is exempt (传染病、精神病、儿科、肿瘤、心血管) nor a channel or designation covers it.

Flows carry a condition but no severity or emergency flags, so designations match on the
condition alone and emergency exemptions cannot be seen. No `NamedQuery` of its own: the
bundled samples record no flows, so the conformance suite reaches it through
`referral_kpis`, and its own tests compare both stores on datasets with flows.
"""

from __future__ import annotations

from typing import Any, LiteralString

from graphmodel.enums import Direction, Label, Rel
from graphmodel.kpis import SKIP_LEVEL_SOURCE, Leapfrog, Ref
from graphmodel.periods import Period
from graphmodel.referral import ReferralFlow
from graphmodel.store import Reader
from queries import _walk
from stores.memory import MemoryGraph
from stores.props import referral_from

CYPHER: LiteralString = """
MATCH (o:Institution)-[f:REFERRED]->(t:Institution)
WHERE f.period IN $periods AND f.direction = 'up'
  AND ($division IS NULL OR EXISTS {
        MATCH (o)-[:LOCATED_IN]->(:Division)-[:PART_OF]->{0,6}(:Division {id: $division}) })
CALL (o) {
  OPTIONAL MATCH p = (o)-[:LOCATED_IN]->(:Division)-[:PART_OF]->{0,6}(x:Division)
  WITH x ORDER BY length(p)
  WITH collect(x.id) AS ancestry
  RETURN [x IN ancestry WHERE x IN $regions][0] AS region
}
WITH o, f, t, region, CASE WHEN region IS NULL THEN null ELSE $terms[region] END AS terms
WITH o, f, t, region, terms,
  t.level_rank - o.level_rank >= 2 AS skips,
  EXISTS { MATCH (o)-[c:CHANNEL]->(t)
           WHERE c.direction = 'up'
             AND (size(coalesce(c.conditions, [])) = 0 OR f.condition IN c.conditions)
             AND coalesce(c.valid_from, date('0001-01-01')) <= $end
             AND coalesce(c.valid_to, date('9999-12-31')) >= $start }
  OR EXISTS { MATCH (t)-[q:PAIRED_WITH]->(o)
              WHERE coalesce(q.valid_from, date('0001-01-01')) <= $end
                AND coalesce(q.valid_to, date('9999-12-31')) >= $start } AS agreed,
  coalesce(any(d IN terms.designations WHERE t.id IN d.targets
               AND (size(d.conditions) = 0 OR f.condition IN d.conditions)), false) AS designated,
  coalesce(t.level IN terms.levels, false) AS level_allowed,
  terms.preference IS NOT NULL
    AND NOT f.condition IN terms.preference.exempt AS preferring
WITH o, f, t, region,
  skips AND NOT agreed AND NOT level_allowed AND NOT designated AS skip_flag,
  preferring AND NOT agreed AND NOT designated
    AND EXISTS { MATCH (o)-[m:MEMBER_OF]->(a:Alliance)
                 WHERE coalesce(m.valid_from, date('0001-01-01')) <= $end
                   AND coalesce(m.valid_to, date('9999-12-31')) >= $start
                   AND coalesce(a.valid_from, date('0001-01-01')) <= $end
                   AND coalesce(a.valid_to, date('9999-12-31')) >= $start }
    AND NOT EXISTS { MATCH (o)-[m:MEMBER_OF]->(a:Alliance)<-[n:MEMBER_OF]-(t)
                     WHERE coalesce(m.valid_from, date('0001-01-01')) <= $end
                       AND coalesce(m.valid_to, date('9999-12-31')) >= $start
                       AND coalesce(a.valid_from, date('0001-01-01')) <= $end
                       AND coalesce(a.valid_to, date('9999-12-31')) >= $start
                       AND coalesce(n.valid_from, date('0001-01-01')) <= $end
                       AND coalesce(n.valid_to, date('9999-12-31')) >= $start } AS leave_flag
WHERE skip_flag OR leave_flag
RETURN f, o {.id, .name, .level} AS origin, t {.id, .name, .level} AS target,
       skip_flag, leave_flag, region
"""


def _leapfrog(
    flow: ReferralFlow,
    origin: dict[str, Any],
    target: dict[str, Any],
    skips: bool,
    leaves: bool,
    terms: dict[str, Any] | None,
) -> Leapfrog:
    preference = (terms or {}).get("preference") or {}
    sources = ([SKIP_LEVEL_SOURCE] if skips else []) + (
        [preference["source"]] if leaves and preference.get("source") else []
    )
    return Leapfrog(
        flow=flow,
        origin=Ref(origin["id"], origin["name"], origin["level"]),
        target=Ref(target["id"], target["name"], target["level"]),
        skips_level=skips,
        leaves_alliance=leaves,
        policy=terms["policy"] if terms else None,
        rule=preference.get("rule", "") if leaves else "",
        source="; ".join(dict.fromkeys(sources)),
    )


def _sorted(found: list[Leapfrog]) -> list[Leapfrog]:
    return sorted(found, key=lambda x: (x.origin.id, x.target.id, x.flow.period, x.flow.condition))


def on_neo4j(
    reader: Reader, period: Period, terms: dict[str, dict[str, Any]], division: str | None
) -> list[Leapfrog]:
    """`terms` maps each governed region to `graphmodel.kpis.leapfrog_terms` of its policy."""
    rows = reader.rows(
        CYPHER,
        periods=list(period.contained),
        start=period.start,
        end=period.end,
        regions=sorted(terms),
        terms=terms,
        division=division,
    )
    return _sorted(
        [
            _leapfrog(
                referral_from(r["f"]),
                r["origin"],
                r["target"],
                r["skip_flag"],
                r["leave_flag"],
                terms.get(r["region"] or ""),
            )
            for r in rows
        ]
    )


def on_networkx(
    graph: MemoryGraph, period: Period, terms: dict[str, dict[str, Any]], division: str | None
) -> list[Leapfrog]:
    periods, found = set(period.contained), []
    for o in _walk.institutions(graph):
        if not _walk.within(graph, o.division, division):
            continue
        region = next((d for d in _walk.ancestry_ids(graph, o.division) if d in terms), None)
        t_ = terms.get(region) if region else None
        for node, f in graph.out((Label.INSTITUTION.value, o.id), Rel.REFERRED):
            if f.period not in periods or f.direction is not Direction.UP:
                continue
            t = graph.node_obj(node)
            skips, leaves = _judge(graph, o, t, f, t_, period)
            if skips or leaves:
                ref = {"id": o.id, "name": o.name, "level": o.level.value}
                tref = {"id": t.id, "name": t.name, "level": t.level.value}
                found.append(_leapfrog(f, ref, tref, skips, leaves, t_))
    return _sorted(found)


def _judge(
    graph: MemoryGraph, o: Any, t: Any, f: ReferralFlow, terms: dict[str, Any] | None, p: Period
) -> tuple[bool, bool]:
    node = (Label.INSTITUTION.value, o.id)
    agreed = any(
        c.direction is Direction.UP
        and (not c.conditions or f.condition in c.conditions)
        and _walk.overlaps(c, p.start, p.end)
        for x, c in graph.out(node, Rel.CHANNEL)
        if x[1] == t.id
    ) or any(
        _walk.overlaps(q, p.start, p.end)
        for x, q in graph.into(node, Rel.PAIRED_WITH)
        if x[1] == t.id
    )
    terms = terms or {}
    designated = any(
        t.id in d["targets"] and (not d["conditions"] or f.condition in d["conditions"])
        for d in terms.get("designations", [])
    )
    skips = t.level.rank - o.level.rank >= 2 and not agreed and not designated
    skips = skips and t.level.value not in terms.get("levels", [])
    preference = terms.get("preference")
    if not preference or f.condition in preference["exempt"] or agreed or designated:
        return skips, False
    own = {a.id for a, _ in _walk.memberships(graph, o.id, p.start, p.end)}
    theirs = {a.id for a, _ in _walk.memberships(graph, t.id, p.start, p.end)}
    return skips, bool(own) and not own & theirs
