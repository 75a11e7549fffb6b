"""Who leads, and who is hub and base, in the alliances holding on a date (part of
`obligation_checks`).

- A county community (县域医共体) is led by a county-level hospital, its hubs (枢纽) are
  township or community centres, its base (基础) village clinics or community stations
  (000 §二(二)1; 001 §四(二); 002 篇七 二2).
- An urban group (城市医疗集团) is led by a tertiary or "strong" hospital (001 §四(一)).
- Every alliance has a lead.

Each check is one Cypher statement that returns only the offending memberships.
"""

from __future__ import annotations

from datetime import date
from typing import Any, LiteralString

from graphmodel.enums import AllianceKind, DivisionLevel, Label, Level, MemberRole, Rel
from graphmodel.findings import Finding, SubjectKind
from graphmodel.obligations import (
    BASE_TYPES,
    HOSPITAL_TYPES,
    HUB_TYPES,
    UPPER_LEVELS,
    finding,
    values,
)
from graphmodel.store import Reader
from queries import _walk
from stores.memory import MemoryGraph

Row = dict[str, Any]

COUNTY_COMMUNITY_ROLES: LiteralString = """
MATCH (i:Institution)-[m:MEMBER_OF]->(a:Alliance {kind: 'county_community'})
WHERE m.role IN ['lead', 'hub', 'base']
  AND coalesce(m.valid_from, date('0001-01-01')) <= $on
  AND coalesce(m.valid_to, date('9999-12-31')) >= $on
  AND coalesce(a.valid_from, date('0001-01-01')) <= $on
  AND coalesce(a.valid_to, date('9999-12-31')) >= $on
OPTIONAL MATCH (i)-[:LOCATED_IN]->(d:Division)
WITH a, m, i, d
WHERE (m.role = 'lead' AND NOT (i.level IN $upper AND i.type IN $hospital_types
                                AND coalesce(d.level, '') = 'county'))
   OR (m.role = 'hub' AND NOT i.type IN $hub_types)
   OR (m.role = 'base' AND NOT i.type IN $base_types)
RETURN DISTINCT a {.id, .name} AS alliance, m.role AS role,
       i {.id, .name, .level, .type} AS member, d.name AS place
"""
URBAN_GROUP_LEADS: LiteralString = """
MATCH (i:Institution)-[m:MEMBER_OF {role: 'lead'}]->(a:Alliance {kind: 'urban_group'})
WHERE i.level <> 'tertiary'
  AND coalesce(m.valid_from, date('0001-01-01')) <= $on
  AND coalesce(m.valid_to, date('9999-12-31')) >= $on
  AND coalesce(a.valid_from, date('0001-01-01')) <= $on
  AND coalesce(a.valid_to, date('9999-12-31')) >= $on
RETURN DISTINCT a {.id, .name} AS alliance, i {.id, .name, .level} AS member
"""
LEADLESS: LiteralString = """
MATCH (a:Alliance)
WHERE coalesce(a.valid_from, date('0001-01-01')) <= $on
  AND coalesce(a.valid_to, date('9999-12-31')) >= $on
  AND NOT EXISTS { MATCH (:Institution)-[:MEMBER_OF {role: 'lead'}]->(a) }
RETURN a {.id, .name} AS alliance
"""


def on_neo4j(reader: Reader, on: date) -> list[Finding]:
    types = {
        "upper": values(UPPER_LEVELS),
        "hospital_types": values(HOSPITAL_TYPES),
        "hub_types": values(HUB_TYPES),
        "base_types": values(BASE_TYPES),
    }
    return (
        _roles(reader.rows(COUNTY_COMMUNITY_ROLES, on=on, **types))
        + _urban(reader.rows(URBAN_GROUP_LEADS, on=on))
        + _leadless(reader.rows(LEADLESS, on=on), on)
    )


def on_networkx(graph: MemoryGraph, on: date) -> list[Finding]:
    roles, urban, leadless = [], [], []
    for a in _walk.nodes(graph, Label.ALLIANCE):
        if not a.holds_on(on):
            continue
        ref = {"id": a.id, "name": a.name}
        every = list(graph.into((Label.ALLIANCE.value, a.id), Rel.MEMBER_OF))
        if not any(m.role is MemberRole.LEAD for _, m in every):
            leadless.append({"alliance": ref})
        for i, m in _walk.members(graph, a.id, on):
            member = {"id": i.id, "name": i.name, "level": i.level.value, "type": i.type.value}
            if a.kind is AllianceKind.COUNTY_COMMUNITY and _misplaced(graph, i, m.role):
                place = graph.get(Label.DIVISION, i.division) if i.division else None
                roles.append(
                    {
                        "alliance": ref,
                        "role": m.role.value,
                        "member": member,
                        "place": place.name if place else None,
                    }
                )
            if (
                a.kind is AllianceKind.URBAN_GROUP
                and m.role is MemberRole.LEAD
                and i.level is not Level.TERTIARY
            ):
                urban.append({"alliance": ref, "member": member})
    return _roles(roles) + _urban(urban) + _leadless(leadless, on)


def _misplaced(graph: MemoryGraph, i: Any, role: MemberRole) -> bool:
    if role is MemberRole.LEAD:
        county = _walk.division_level(graph, i.division) == DivisionLevel.COUNTY.value
        return not (i.level in UPPER_LEVELS and i.type in HOSPITAL_TYPES and county)
    if role is MemberRole.HUB:
        return i.type not in HUB_TYPES
    if role is MemberRole.BASE:
        return i.type not in BASE_TYPES
    return False


def _roles(rows: list[Row]) -> list[Finding]:
    out = []
    for r in rows:
        a, m = r["alliance"], r["member"]
        rule = f"county_community.{r['role']}"
        out.append(
            finding(
                rule,
                SubjectKind.ALLIANCE,
                a["id"],
                a["name"],
                related=(m["id"],),
                member=m["name"],
                level=m["level"],
                type=m["type"],
                place=r["place"] or "—",
            )
        )
    return out


def _urban(rows: list[Row]) -> list[Finding]:
    out = []
    for r in rows:
        a, m = r["alliance"], r["member"]
        secondary = m["level"] == Level.SECONDARY.value
        rule = "urban_group.lead_not_tertiary" if secondary else "urban_group.lead_level"
        out.append(
            finding(
                rule,
                SubjectKind.ALLIANCE,
                a["id"],
                a["name"],
                related=(m["id"],),
                member=m["name"],
                level=m["level"],
            )
        )
    return out


def _leadless(rows: list[Row], on: date) -> list[Finding]:
    return [
        finding(
            "alliance.lead_missing",
            SubjectKind.ALLIANCE,
            r["alliance"]["id"],
            r["alliance"]["name"],
            on=on.isoformat(),
        )
        for r in rows
    ]
