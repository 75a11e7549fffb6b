"""Who must lead or be paired with whom, and telemedicine reach (part of `obligation_checks`),
for the policy rules that ask it.

- ``county_hospital.leads_community``: every county general hospital leads a county
  community.
- ``county_hospital.specialty_alliance``: every county secondary hospital leads a
  specialty alliance.
- ``county_hospital.tertiary_partner``: every county hospital is paired with a tertiary
  hospital.
- ``primary.secondary_partner``: every institution of the rule's `types` is paired with
  one of the rule's `partner_levels`.
- ``telemedicine.township_reach``: a telemedicine network reaches at least `min_share` of
  the townships of each county.

A *county hospital* is a public hospital of secondary level or above located in a division
of level `county` itself (县级 / 县直), not in one of its townships. A partnership is a
counterpart pairing (`PAIRED_WITH`) holding on the date, the institution on its lower end.
A township is *reached* when an institution in it belongs to a telemedicine network
(远程医疗协作网) on the date. A rule binds the institutions (and counties) in its policy's
region. Each check family is one Cypher statement over all the rules that call it
(`UNWIND $rules`), returning only offenders.
"""

from __future__ import annotations

from datetime import date
from typing import Any, LiteralString

from graphmodel.checks import HOSPITAL_TYPES, UPPER_LEVELS
from graphmodel.enums import (
    AllianceKind,
    DivisionLevel,
    InstitutionType,
    Label,
    Level,
    MemberRole,
    Ownership,
    Rel,
)
from graphmodel.findings import Finding
from graphmodel.institution import Institution
from graphmodel.obligations import ObligationRule, finding
from graphmodel.store import Reader
from queries import _walk
from queries._obligation_scope import Scope
from stores.memory import MemoryGraph

Row = dict[str, Any]
LEADS_COMMUNITY = "county_hospital.leads_community"
SPECIALTY = "county_hospital.specialty_alliance"
TERTIARY_PARTNER = "county_hospital.tertiary_partner"
COUNTY_CHECKS = (LEADS_COMMUNITY, SPECIALTY, TERTIARY_PARTNER)
PRIMARY_CHECK = "primary.secondary_partner"
REACH_CHECK = "telemedicine.township_reach"

COUNTY_HOSPITALS: LiteralString = """
UNWIND $rules AS rule
MATCH (:Division {id: rule.region})<-[:PART_OF]-{0,6}(:Division {level: 'county'})
      <-[:LOCATED_IN]-(i:Institution {ownership: 'public'})
WHERE i.level IN $upper AND i.type IN $hospital_types
  AND (rule.check <> 'county_hospital.leads_community' OR i.type = 'general')
  AND (rule.check <> 'county_hospital.specialty_alliance' OR i.level = 'secondary')
  AND NOT CASE rule.check
    WHEN 'county_hospital.tertiary_partner' THEN EXISTS {
      MATCH (:Institution {level: 'tertiary'})-[p:PAIRED_WITH]->(i)
      WHERE coalesce(p.valid_from, date('0001-01-01')) <= $on
        AND coalesce(p.valid_to, date('9999-12-31')) >= $on }
    ELSE EXISTS {
      MATCH (i)-[m:MEMBER_OF {role: 'lead'}]->(a:Alliance)
      WHERE a.kind = CASE rule.check WHEN 'county_hospital.leads_community'
                                     THEN 'county_community' ELSE 'specialty' END
        AND coalesce(m.valid_from, date('0001-01-01')) <= $on
        AND coalesce(m.valid_to, date('9999-12-31')) >= $on
        AND coalesce(a.valid_from, date('0001-01-01')) <= $on
        AND coalesce(a.valid_to, date('9999-12-31')) >= $on }
  END
RETURN DISTINCT rule.key AS rule, i {.id, .name, .level, .type} AS institution
"""
PRIMARY_PARTNERS: LiteralString = """
UNWIND $rules AS rule
MATCH (:Division {id: rule.region})<-[:PART_OF]-{0,6}(:Division)<-[:LOCATED_IN]-(i:Institution)
WHERE i.type IN rule.types
  AND NOT EXISTS {
    MATCH (u:Institution)-[p:PAIRED_WITH]->(i)
    WHERE u.level IN rule.partner_levels
      AND coalesce(p.valid_from, date('0001-01-01')) <= $on
      AND coalesce(p.valid_to, date('9999-12-31')) >= $on }
RETURN DISTINCT rule.key AS rule, i {.id, .name, .level, .type} AS institution
"""
TELEMEDICINE: LiteralString = """
UNWIND $rules AS rule
MATCH (:Division {id: rule.region})<-[:PART_OF]-{0,6}(c:Division {level: 'county'})
MATCH (t:Division {level: 'township'})-[:PART_OF]->{1,6}(c)
WITH rule, c, t, EXISTS {
  MATCH (i:Institution)-[:LOCATED_IN]->(:Division)-[:PART_OF]->{0,6}(t)
  MATCH (i)-[m:MEMBER_OF]->(a:Alliance {kind: 'telemedicine'})
  WHERE coalesce(m.valid_from, date('0001-01-01')) <= $on
    AND coalesce(m.valid_to, date('9999-12-31')) >= $on
    AND coalesce(a.valid_from, date('0001-01-01')) <= $on
    AND coalesce(a.valid_to, date('9999-12-31')) >= $on } AS reached
WITH rule, c, count(DISTINCT t) AS total, count(DISTINCT CASE WHEN reached THEN t END) AS reached
WHERE reached < rule.min_share * total
RETURN rule.key AS rule, c {.id, .name} AS county, total, reached
"""


def _rows(rules: list[ObligationRule]) -> list[Row]:
    return [r.cypher() for r in rules]


def on_neo4j(reader: Reader, scope: Scope) -> list[Finding]:
    on = scope.on
    county = reader.rows(
        COUNTY_HOSPITALS,
        on=on,
        rules=_rows(scope.of(*COUNTY_CHECKS)),
        upper=sorted(v.value for v in UPPER_LEVELS),
        hospital_types=sorted(v.value for v in HOSPITAL_TYPES),
    )
    primary = reader.rows(PRIMARY_PARTNERS, on=on, rules=_rows(scope.of(PRIMARY_CHECK)))
    reach = reader.rows(TELEMEDICINE, on=on, rules=_rows(scope.of(REACH_CHECK)))
    rules = {r.rule: r for r in scope.rules}
    return _institutions(rules, county + primary, on) + _reach(rules, reach, on)


def on_networkx(graph: MemoryGraph, scope: Scope) -> list[Finding]:
    on, offenders, reach = scope.on, [], []
    for rule in scope.of(*COUNTY_CHECKS, PRIMARY_CHECK):
        seen = set()
        for i in _walk.located_in(graph, _walk.beneath(graph, rule.region)):
            if i.id not in seen and _offends(graph, rule, i, on):
                seen.add(i.id)
                ref = {"id": i.id, "name": i.name, "level": i.level.value, "type": i.type.value}
                offenders.append({"rule": rule.rule, "institution": ref})
    for rule in scope.of(REACH_CHECK):
        reach += _reach_rows(graph, rule, on)
    rules = {r.rule: r for r in scope.rules}
    return _institutions(rules, offenders, on) + _reach(rules, reach, on)


def _offends(graph: MemoryGraph, rule: ObligationRule, i: Institution, on: date) -> bool:
    if rule.check == PRIMARY_CHECK:
        levels = frozenset(Level(v) for v in rule.param("partner_levels"))
        return i.type.value in rule.param("types") and not _paired(graph, i, on, levels)
    if not _county_hospital(graph, i):
        return False
    if rule.check == LEADS_COMMUNITY:
        return i.type is InstitutionType.GENERAL and not _leads(
            graph, i, on, AllianceKind.COUNTY_COMMUNITY
        )
    if rule.check == SPECIALTY:
        return i.level is Level.SECONDARY and not _leads(graph, i, on, AllianceKind.SPECIALTY)
    return not _paired(graph, i, on, frozenset({Level.TERTIARY}))


def _county_hospital(graph: MemoryGraph, i: Institution) -> bool:
    return (
        i.ownership is Ownership.PUBLIC
        and i.level in UPPER_LEVELS
        and i.type in HOSPITAL_TYPES
        and _walk.division_level(graph, i.division) == DivisionLevel.COUNTY.value
    )


def _leads(graph: MemoryGraph, i: Institution, on: date, kind: AllianceKind) -> bool:
    return any(
        a.kind is kind and m.role is MemberRole.LEAD for a, m in _walk.memberships(graph, i.id, on)
    )


def _paired(graph: MemoryGraph, i: Institution, on: date, levels: frozenset[Level]) -> bool:
    return any(
        graph.node_obj(u).level in levels and p.holds_on(on)
        for u, p in graph.into((Label.INSTITUTION.value, i.id), Rel.PAIRED_WITH)
    )


def _reach_rows(graph: MemoryGraph, rule: ObligationRule, on: date) -> list[Row]:
    rows = []
    for c in sorted(_walk.beneath(graph, rule.region)):
        if _walk.division_level(graph, c) != DivisionLevel.COUNTY.value:
            continue
        townships = [
            t
            for t in _walk.beneath(graph, c) - {c}
            if _walk.division_level(graph, t) == DivisionLevel.TOWNSHIP.value
        ]
        reached = sum(1 for t in townships if _reached(graph, t, on))
        if townships and reached < rule.param("min_share") * len(townships):
            county = graph.get(Label.DIVISION, c)
            rows.append(
                {
                    "rule": rule.rule,
                    "county": {"id": county.id, "name": county.name},
                    "total": len(townships),
                    "reached": reached,
                }
            )
    return rows


def _reached(graph: MemoryGraph, township: str, on: date) -> bool:
    return any(
        a.kind is AllianceKind.TELEMEDICINE
        for i in _walk.located_in(graph, _walk.beneath(graph, township))
        for a, _ in _walk.memberships(graph, i.id, on)
    )


def _institutions(rules: dict[str, ObligationRule], rows: list[Row], on: date) -> list[Finding]:
    out = []
    for r in rows:
        i = r["institution"]
        out.append(
            finding(rules[r["rule"]], i["id"], i["name"], on, level=i["level"], type=i["type"])
        )
    return out


def _reach(rules: dict[str, ObligationRule], rows: list[Row], on: date) -> list[Finding]:
    out = []
    for r in rows:
        rule = rules[r["rule"]]
        out.append(
            finding(
                rule,
                r["county"]["id"],
                r["county"]["name"],
                on,
                reached=r["reached"],
                total=r["total"],
                share=f"{r['reached'] / r['total']:.0%}",
                min_share=f"{rule.param('min_share'):.0%}",
            )
        )
    return out
