"""Who leads, and who is hub and base, in the alliances holding on a date (part of
`obligation_checks`), for the policy rules that ask it.

- ``county_community.lead`` / ``.hub`` / ``.base``: a county community (县域医共体) is led
  by a county-level hospital (of the rule's `levels` and `types`, located in a division of
  level `county`); its hubs (枢纽) and its base (基础) are of the rule's `types`.
- ``urban_group.lead_level`` / ``.lead_not_tertiary``: an urban group (城市医疗集团) is
  led by a tertiary or "strong" hospital; a secondary lead is info (the data cannot judge
  "strong"), a lower one a finding of the rule's severity.
- ``alliance.lead_missing``: every alliance has a lead.

A rule binds the members located in its policy's region: a role check looks at the member
in that role, the lead check at alliances with a member there on the date. Each check is
one Cypher statement over all the rules that call it (`UNWIND $rules`), returning only
the offending memberships.
"""

from __future__ import annotations

from datetime import date
from typing import Any, LiteralString

from graphmodel.enums import AllianceKind, Label, Level, MemberRole, Rel
from graphmodel.findings import Finding
from graphmodel.obligations import ObligationRule, finding
from graphmodel.store import Reader
from queries import _walk
from queries._obligation_scope import Scope
from stores.memory import MemoryGraph

Row = dict[str, Any]
ROLE_CHECKS = ("county_community.lead", "county_community.hub", "county_community.base")
URBAN_CHECKS = ("urban_group.lead_level", "urban_group.lead_not_tertiary")
LEADLESS_CHECK = "alliance.lead_missing"

COUNTY_COMMUNITY_ROLES: LiteralString = """
UNWIND $rules AS rule
MATCH (:Division {id: rule.region})<-[:PART_OF]-{0,6}(d:Division)<-[:LOCATED_IN]-(i:Institution)
      -[m:MEMBER_OF {role: rule.role}]->(a:Alliance {kind: 'county_community'})
WHERE coalesce(m.valid_from, date('0001-01-01')) <= $on
  AND coalesce(m.valid_to, date('9999-12-31')) >= $on
  AND coalesce(a.valid_from, date('0001-01-01')) <= $on
  AND coalesce(a.valid_to, date('9999-12-31')) >= $on
  AND CASE rule.role
        WHEN 'lead' THEN NOT (i.level IN rule.levels AND i.type IN rule.types
                              AND d.level IN rule.division_levels)
        ELSE NOT i.type IN rule.types
      END
RETURN DISTINCT rule.key AS rule, a {.id, .name} AS alliance,
       i {.id, .name, .level, .type} AS member, d.name AS place
"""
URBAN_GROUP_LEADS: LiteralString = """
UNWIND $rules AS rule
MATCH (:Division {id: rule.region})<-[:PART_OF]-{0,6}(:Division)<-[:LOCATED_IN]-(i:Institution)
      -[m:MEMBER_OF {role: 'lead'}]->(a:Alliance {kind: 'urban_group'})
WHERE i.level <> 'tertiary'
  AND (i.level = 'secondary') = (rule.check = 'urban_group.lead_not_tertiary')
  AND coalesce(m.valid_from, date('0001-01-01')) <= $on
  AND coalesce(m.valid_to, date('9999-12-31')) >= $on
  AND coalesce(a.valid_from, date('0001-01-01')) <= $on
  AND coalesce(a.valid_to, date('9999-12-31')) >= $on
RETURN DISTINCT rule.key AS rule, a {.id, .name} AS alliance, i {.id, .name, .level} AS member
"""
LEADLESS: LiteralString = """
UNWIND $rules AS rule
MATCH (:Division {id: rule.region})<-[:PART_OF]-{0,6}(:Division)<-[:LOCATED_IN]-(:Institution)
      -[m:MEMBER_OF]->(a:Alliance)
WHERE coalesce(m.valid_from, date('0001-01-01')) <= $on
  AND coalesce(m.valid_to, date('9999-12-31')) >= $on
  AND coalesce(a.valid_from, date('0001-01-01')) <= $on
  AND coalesce(a.valid_to, date('9999-12-31')) >= $on
  AND NOT EXISTS { MATCH (:Institution)-[:MEMBER_OF {role: 'lead'}]->(a) }
RETURN DISTINCT rule.key AS rule, a {.id, .name, .kind} AS alliance
"""


def _role_rows(rules: list[ObligationRule]) -> list[Row]:
    return [r.cypher() | {"role": r.check.split(".")[1]} for r in rules]


def on_neo4j(reader: Reader, scope: Scope) -> list[Finding]:
    on, by_key = scope.on, {r.rule: r for r in scope.rules}
    roles = reader.rows(COUNTY_COMMUNITY_ROLES, on=on, rules=_role_rows(scope.of(*ROLE_CHECKS)))
    urban = reader.rows(URBAN_GROUP_LEADS, on=on, rules=_role_rows(scope.of(*URBAN_CHECKS)))
    leadless = reader.rows(LEADLESS, on=on, rules=_role_rows(scope.of(LEADLESS_CHECK)))
    return _findings(by_key, roles + urban + leadless, on)


def on_networkx(graph: MemoryGraph, scope: Scope) -> list[Finding]:
    on, rows = scope.on, []
    for rule in scope.of(*ROLE_CHECKS, *URBAN_CHECKS, LEADLESS_CHECK):
        for i in _walk.located_in(graph, _walk.beneath(graph, rule.region)):
            member = {"id": i.id, "name": i.name, "level": i.level.value, "type": i.type.value}
            for a, m in _walk.memberships(graph, i.id, on):
                ref = {"id": a.id, "name": a.name}
                if rule.check == LEADLESS_CHECK:
                    if not _has_lead(graph, a.id):
                        rows.append({"rule": rule.rule, "alliance": ref | {"kind": a.kind.value}})
                elif rule.check in ROLE_CHECKS:
                    if _misplaced(graph, rule, a.kind, m.role, i):
                        place = _walk.ancestry(graph, i.division)[0].name
                        rows.append(
                            {"rule": rule.rule, "alliance": ref, "member": member, "place": place}
                        )
                elif _urban_offence(rule, a.kind, m.role, i.level):
                    rows.append({"rule": rule.rule, "alliance": ref, "member": member})
    return _findings({r.rule: r for r in scope.rules}, rows, on)  # repeats: one finding


def _has_lead(graph: MemoryGraph, alliance: str) -> bool:
    every = graph.into((Label.ALLIANCE.value, alliance), Rel.MEMBER_OF)
    return any(m.role is MemberRole.LEAD for _, m in every)


def _misplaced(
    graph: MemoryGraph, rule: ObligationRule, kind: AllianceKind, role: MemberRole, i: Any
) -> bool:
    if kind is not AllianceKind.COUNTY_COMMUNITY or role.value != rule.check.split(".")[1]:
        return False
    if role is MemberRole.LEAD:
        county = _walk.division_level(graph, i.division) in rule.param("division_levels")
        return not (
            i.level.value in rule.param("levels") and i.type.value in rule.param("types") and county
        )
    return i.type.value not in rule.param("types")


def _urban_offence(
    rule: ObligationRule, kind: AllianceKind, role: MemberRole, level: Level
) -> bool:
    if kind is not AllianceKind.URBAN_GROUP or role is not MemberRole.LEAD:
        return False
    if level is Level.TERTIARY:
        return False
    return (level is Level.SECONDARY) == (rule.check == "urban_group.lead_not_tertiary")


def _findings(rules: dict[str, ObligationRule], rows: list[Row], on: date) -> list[Finding]:
    out = []
    for r in rows:
        rule, a = rules[r["rule"]], r["alliance"]
        if rule.check == LEADLESS_CHECK:
            out.append(finding(rule, a["id"], a["name"], on, kind=a["kind"]))
            continue
        m = r["member"]
        fields = {"member": m["name"], "level": m["level"]}
        if rule.check in ROLE_CHECKS:
            fields |= {"type": m["type"], "place": r["place"] or "—"}
        out.append(finding(rule, a["id"], a["name"], on, related=(m["id"],), **fields))
    return out
