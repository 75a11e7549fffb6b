"""Who must lead or be paired with whom, and telemedicine reach (part of `obligation_checks`).

- Every county general hospital leads a county community (000 §二(二)1).
- Every county secondary hospital leads a specialty alliance (000 §二(二)3, "1-2 by 2017").
- Every county hospital is paired with a tertiary hospital (002 篇六 二1).
- Every community and township centre is paired with a secondary or tertiary hospital
  (000 附件2 八).
- Telemedicine reaches at least half the townships of each county (000 附件2 五).

A *county hospital* is a public hospital of secondary level or above located in a division
of level `county` itself (县级 / 县直), not in one of its townships. A partnership is a
counterpart pairing (`PAIRED_WITH`) holding on the date, the institution on its lower end.
A township is *reached* when an institution in it belongs to a telemedicine network
(远程医疗协作网) on the date. Each check is one Cypher statement returning only offenders.
"""

from __future__ import annotations

from datetime import date
from typing import Any, LiteralString

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
from graphmodel.findings import Finding, SubjectKind
from graphmodel.institution import Institution
from graphmodel.obligations import (
    HOSPITAL_TYPES,
    PRIMARY_PARTNER_TYPES,
    TELEMEDICINE_MIN_SHARE,
    UPPER_LEVELS,
    finding,
    values,
)
from graphmodel.store import Reader
from queries import _walk
from stores.memory import MemoryGraph

Row = dict[str, Any]

COUNTY_HOSPITALS: LiteralString = """
MATCH (i:Institution {ownership: 'public'})-[:LOCATED_IN]->(:Division {level: 'county'})
WHERE i.level IN $upper AND i.type IN $hospital_types
WITH i,
  EXISTS { MATCH (i)-[m:MEMBER_OF {role: 'lead'}]->(a:Alliance {kind: 'county_community'})
           WHERE coalesce(m.valid_from, date('0001-01-01')) <= $on
             AND coalesce(m.valid_to, date('9999-12-31')) >= $on
             AND coalesce(a.valid_from, date('0001-01-01')) <= $on
             AND coalesce(a.valid_to, date('9999-12-31')) >= $on } AS leads_community,
  EXISTS { MATCH (i)-[m:MEMBER_OF {role: 'lead'}]->(a:Alliance {kind: 'specialty'})
           WHERE coalesce(m.valid_from, date('0001-01-01')) <= $on
             AND coalesce(m.valid_to, date('9999-12-31')) >= $on
             AND coalesce(a.valid_from, date('0001-01-01')) <= $on
             AND coalesce(a.valid_to, date('9999-12-31')) >= $on } AS leads_specialty,
  EXISTS { MATCH (:Institution {level: 'tertiary'})-[p:PAIRED_WITH]->(i)
           WHERE coalesce(p.valid_from, date('0001-01-01')) <= $on
             AND coalesce(p.valid_to, date('9999-12-31')) >= $on } AS tertiary_partner
WHERE (i.type = 'general' AND NOT leads_community)
   OR (i.level = 'secondary' AND NOT leads_specialty)
   OR NOT tertiary_partner
RETURN i {.id, .name, .level, .type} AS institution,
       leads_community, leads_specialty, tertiary_partner
"""
PRIMARY_PARTNERS: LiteralString = """
MATCH (i:Institution) WHERE i.type IN $primary_types
  AND NOT EXISTS {
    MATCH (u:Institution)-[p:PAIRED_WITH]->(i)
    WHERE u.level IN $upper
      AND coalesce(p.valid_from, date('0001-01-01')) <= $on
      AND coalesce(p.valid_to, date('9999-12-31')) >= $on }
RETURN i {.id, .name, .type} AS institution
"""
TELEMEDICINE: LiteralString = """
MATCH (t:Division {level: 'township'})-[:PART_OF]->{1,6}(c:Division {level: 'county'})
WITH c, t, EXISTS {
  MATCH (i:Institution)-[:LOCATED_IN]->(:Division)-[:PART_OF]->{0,6}(t)
  MATCH (i)-[m:MEMBER_OF]->(a:Alliance {kind: 'telemedicine'})
  WHERE coalesce(m.valid_from, date('0001-01-01')) <= $on
    AND coalesce(m.valid_to, date('9999-12-31')) >= $on
    AND coalesce(a.valid_from, date('0001-01-01')) <= $on
    AND coalesce(a.valid_to, date('9999-12-31')) >= $on } AS reached
WITH c, count(DISTINCT t) AS total, count(DISTINCT CASE WHEN reached THEN t END) AS reached
WHERE reached < $min_share * total
RETURN c {.id, .name} AS county, total, reached
"""


def on_neo4j(reader: Reader, on: date) -> list[Finding]:
    upper = values(UPPER_LEVELS)
    county = reader.rows(
        COUNTY_HOSPITALS, on=on, upper=upper, hospital_types=values(HOSPITAL_TYPES)
    )
    primary = reader.rows(
        PRIMARY_PARTNERS, on=on, upper=upper, primary_types=values(PRIMARY_PARTNER_TYPES)
    )
    reach = reader.rows(TELEMEDICINE, on=on, min_share=TELEMEDICINE_MIN_SHARE)
    return _county(county, on) + _primary(primary, on) + _reach(reach, on)


def on_networkx(graph: MemoryGraph, on: date) -> list[Finding]:
    county, primary = [], []
    for i in _walk.institutions(graph):
        ref = {"id": i.id, "name": i.name, "level": i.level.value, "type": i.type.value}
        if i.type in PRIMARY_PARTNER_TYPES and not _paired(graph, i, on, UPPER_LEVELS):
            primary.append({"institution": ref})
        if not _county_hospital(graph, i):
            continue
        row = {
            "institution": ref,
            "leads_community": _leads(graph, i, on, AllianceKind.COUNTY_COMMUNITY),
            "leads_specialty": _leads(graph, i, on, AllianceKind.SPECIALTY),
            "tertiary_partner": _paired(graph, i, on, frozenset({Level.TERTIARY})),
        }
        if (
            (i.type is InstitutionType.GENERAL and not row["leads_community"])
            or (i.level is Level.SECONDARY and not row["leads_specialty"])
            or not row["tertiary_partner"]
        ):
            county.append(row)
    return _county(county, on) + _primary(primary, on) + _reach(_reach_rows(graph, on), on)


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


def _reach_rows(graph: MemoryGraph, on: date) -> list[Row]:
    rows = []
    for c in _walk.nodes(graph, Label.DIVISION):
        if c.level is not DivisionLevel.COUNTY:
            continue
        townships = [
            t
            for t in _walk.beneath(graph, c.id) - {c.id}
            if _walk.division_level(graph, t) == DivisionLevel.TOWNSHIP.value
        ]
        reached = sum(1 for t in townships if _reached(graph, t, on))
        if townships and reached < TELEMEDICINE_MIN_SHARE * len(townships):
            rows.append(
                {
                    "county": {"id": c.id, "name": c.name},
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


def _county(rows: list[Row], on: date) -> list[Finding]:
    out, day = [], on.isoformat()
    for r in rows:
        i = r["institution"]
        args = (SubjectKind.INSTITUTION, i["id"], i["name"])
        if i["type"] == InstitutionType.GENERAL.value and not r["leads_community"]:
            out.append(finding("county_hospital.leads_community", *args, on=day))
        if i["level"] == Level.SECONDARY.value and not r["leads_specialty"]:
            out.append(finding("county_hospital.specialty_alliance", *args, on=day))
        if not r["tertiary_partner"]:
            out.append(finding("county_hospital.tertiary_partner", *args, on=day))
    return out


def _primary(rows: list[Row], on: date) -> list[Finding]:
    return [
        finding(
            "primary.secondary_partner",
            SubjectKind.INSTITUTION,
            r["institution"]["id"],
            r["institution"]["name"],
            type=r["institution"]["type"],
            on=on.isoformat(),
        )
        for r in rows
    ]


def _reach(rows: list[Row], on: date) -> list[Finding]:
    return [
        finding(
            "telemedicine.township_reach",
            SubjectKind.DIVISION,
            r["county"]["id"],
            r["county"]["name"],
            reached=r["reached"],
            total=r["total"],
            share=f"{r['reached'] / r['total']:.0%}",
            on=on.isoformat(),
        )
        for r in rows
    ]
