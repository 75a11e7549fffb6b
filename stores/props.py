"""Domain objects to graph properties and back, shared by the Neo4j writer and readers.

Neo4j cannot store maps or nested lists as properties, so the few nested values (an
institution's role grants, a rule's params) travel as JSON strings.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from graphmodel.alliance import Alliance, Membership, Service
from graphmodel.counterpart import Pairing
from graphmodel.division import Division, Grid
from graphmodel.enums import (
    AllianceKind,
    Direction,
    DivisionLevel,
    Grade,
    InstitutionType,
    Integration,
    Level,
    MemberRole,
    Modality,
    Ownership,
    ReferralRole,
    RoleCondition,
    RuleKind,
    Severity,
)
from graphmodel.institution import Institution, RoleGrant
from graphmodel.names import alt_keys, name_key, search_keys
from graphmodel.policy import Rule, RuleMatch
from graphmodel.referral import Channel, ReferralFlow

Props = dict[str, Any]


def to_date(value: Any) -> date | None:
    """Neo4j returns `neo4j.time.Date`; the domain speaks `datetime.date`."""
    if value is None or isinstance(value, date):
        return value
    native = value.to_native()
    assert isinstance(native, date)
    return native


def _prov(obj: Any) -> Props:
    return {"source": obj.source, "assumption": obj.assumption}


def _valid(obj: Any) -> Props:
    return {"valid_from": obj.valid_from, "valid_to": obj.valid_to}


def division_props(d: Division) -> Props:
    return {
        "id": d.id,
        "name": d.name,
        "level": d.level.value,
        "parent": d.parent,
        "gb_code": d.gb_code,
        "stat_code": d.stat_code,
        "valid_from": d.valid_from,
        "valid_to": d.valid_to,
        **_prov(d),
    }


def division_from(p: Props) -> Division:
    return Division(
        id=p["id"],
        name=p["name"],
        level=DivisionLevel(p["level"]),
        parent=p.get("parent"),
        gb_code=p.get("gb_code"),
        stat_code=p.get("stat_code"),
        valid_from=to_date(p.get("valid_from")),
        valid_to=to_date(p.get("valid_to")),
        source=p.get("source") or "",
        assumption=p.get("assumption") or "",
    )


def grid_props(g: Grid) -> Props:
    return {"id": g.id, "name": g.name, "division": g.division, **_prov(g)}


def grid_from(p: Props) -> Grid:
    return Grid(
        id=p["id"],
        name=p["name"],
        division=p["division"],
        source=p.get("source") or "",
        assumption=p.get("assumption") or "",
    )


def institution_props(i: Institution, places: tuple[str, ...] = ()) -> Props:
    """`places`: the names of the institution's division and its ancestors, nearest first,
    from which the city-prefixed lookup keys (`search_keys`) are made. Each name is converted
    to its key once: at national scale the conversions were a third of the import files."""
    keys = [name_key(n) for n in i.all_names]
    return {
        "id": i.id,
        "name": i.name,
        "names_alt": list(i.names_alt),
        "name_key": keys[0],
        "alt_keys": alt_keys(i.names_alt, keys=keys[1:]),
        "search_keys": search_keys(i.all_names, places, keys=keys),
        "level": i.level.value,
        "level_rank": i.level.rank,
        "grade": i.grade.value if i.grade else None,
        "level_text": i.level_text,
        "type": i.type.value,
        "ownership": i.ownership.value,
        "division": i.division,
        "specialties": list(i.specialties),
        "review_passed_on": i.review_passed_on,
        "uscc": i.uscc,
        "note": i.note,
        "role_names": sorted({g.role.value for g in i.roles}),
        "role_grants": json.dumps(
            [
                {
                    "role": g.role.value,
                    "condition": g.condition.value,
                    "condition_value": g.condition_value,
                    "source": g.source,
                    "assumption": g.assumption,
                }
                for g in i.roles
            ],
            ensure_ascii=False,
        ),
        **_prov(i),
    }


def institution_from(p: Props) -> Institution:
    grants = tuple(
        RoleGrant(
            role=ReferralRole(g["role"]),
            condition=RoleCondition(g["condition"]),
            condition_value=g["condition_value"],
            source=g["source"],
            assumption=g["assumption"],
        )
        for g in json.loads(p.get("role_grants") or "[]")
    )
    return Institution(
        id=p["id"],
        name=p["name"],
        names_alt=tuple(p.get("names_alt") or ()),
        level=Level(p["level"]),
        grade=Grade(p["grade"]) if p.get("grade") else None,
        level_text=p.get("level_text") or "",
        type=InstitutionType(p["type"]),
        ownership=Ownership(p["ownership"]),
        division=p.get("division"),
        specialties=tuple(p.get("specialties") or ()),
        review_passed_on=to_date(p.get("review_passed_on")),
        uscc=p.get("uscc"),
        note=p.get("note") or "",
        roles=grants,
        source=p.get("source") or "",
        assumption=p.get("assumption") or "",
    )


def alliance_props(a: Alliance) -> Props:
    return {
        "id": a.id,
        "name": a.name,
        "kind": a.kind.value,
        "integration": a.integration.value,
        "division": a.division,
        "specialty": a.specialty,
        **_valid(a),
        **_prov(a),
    }


def alliance_from(p: Props) -> Alliance:
    return Alliance(
        id=p["id"],
        name=p["name"],
        kind=AllianceKind(p["kind"]),
        integration=Integration(p["integration"]),
        division=p.get("division"),
        specialty=p.get("specialty") or "",
        valid_from=to_date(p.get("valid_from")),
        valid_to=to_date(p.get("valid_to")),
        source=p.get("source") or "",
        assumption=p.get("assumption") or "",
    )


def membership_props(m: Membership) -> Props:
    return {
        "key": m.key,
        "institution": m.institution,
        "alliance": m.alliance,
        "role": m.role.value,
        **_valid(m),
        **_prov(m),
    }


def membership_from(p: Props) -> Membership:
    return Membership(
        institution=p["institution"],
        alliance=p["alliance"],
        role=MemberRole(p["role"]),
        valid_from=to_date(p.get("valid_from")),
        valid_to=to_date(p.get("valid_to")),
        source=p.get("source") or "",
        assumption=p.get("assumption") or "",
    )


def service_props(s: Service) -> Props:
    return {"key": s.key, "alliance": s.alliance, "grid": s.grid, **_valid(s), **_prov(s)}


def pairing_props(x: Pairing) -> Props:
    return {
        "key": x.key,
        "alliance": x.alliance,
        "upper": x.upper,
        "lower": x.lower,
        "upper_department": x.upper_department,
        "specialty": x.specialty,
        "specialty_code": x.specialty_code,
        "responsible_upper": x.responsible_upper,
        "responsible_lower": x.responsible_lower,
        **_valid(x),
        **_prov(x),
    }


def pairing_from(p: Props) -> Pairing:
    return Pairing(
        alliance=p["alliance"],
        upper=p["upper"],
        lower=p["lower"],
        upper_department=p.get("upper_department") or "",
        specialty=p.get("specialty") or "",
        specialty_code=p.get("specialty_code") or "",
        responsible_upper=p.get("responsible_upper") or "",
        responsible_lower=p.get("responsible_lower") or "",
        valid_from=to_date(p.get("valid_from")),
        valid_to=to_date(p.get("valid_to")),
        source=p.get("source") or "",
        assumption=p.get("assumption") or "",
    )


def channel_props(c: Channel) -> Props:
    return {
        "key": c.key,
        "from": c.source_institution,
        "to": c.target_institution,
        "direction": c.direction.value,
        "alliance": c.alliance,
        "conditions": list(c.conditions),
        **_valid(c),
        **_prov(c),
    }


def channel_from(p: Props) -> Channel:
    return Channel(
        source_institution=p["from"],
        target_institution=p["to"],
        direction=Direction(p["direction"]),
        alliance=p.get("alliance"),
        conditions=tuple(p.get("conditions") or ()),
        valid_from=to_date(p.get("valid_from")),
        valid_to=to_date(p.get("valid_to")),
        source=p.get("source") or "",
        assumption=p.get("assumption") or "",
    )


def referral_props(r: ReferralFlow) -> Props:
    return {
        "key": r.key,
        "from": r.source_institution,
        "to": r.target_institution,
        "period": r.period,
        "direction": r.direction.value,
        "count": r.count,
        "condition": r.condition,
        **_prov(r),
    }


def referral_from(p: Props) -> ReferralFlow:
    return ReferralFlow(
        source_institution=p["from"],
        target_institution=p["to"],
        period=p["period"],
        direction=Direction(p["direction"]),
        count=p["count"],
        condition=p.get("condition") or "",
        source=p.get("source") or "",
        assumption=p.get("assumption") or "",
    )


def rule_props(r: Rule, policy: str) -> Props:
    return {
        "id": r.id,
        "policy": policy,
        "kind": r.kind.value,
        "match_conditions": list(r.match.conditions),
        "match_severity": r.match.severity.value if r.match.severity else None,
        "match_direction": r.match.direction.value if r.match.direction else None,
        "match_out_of_region": r.match.out_of_region,
        "match_flags": list(r.match.flags),
        "match_all_flags": list(r.match.all_flags),
        "match_phases": list(r.match.phases),
        "designates": list(r.designates),
        "params": json.dumps(r.params, ensure_ascii=False, sort_keys=True),
        "text": r.text,
        "modality": r.modality.value if r.modality else None,
        "message_zh": r.message_zh,
        "message_en": r.message_en,
        **_prov(r),
    }


def rule_from(p: Props) -> Rule:
    return Rule(
        id=p["id"],
        kind=RuleKind(p["kind"]),
        match=RuleMatch(
            conditions=tuple(p.get("match_conditions") or ()),
            severity=Severity(p["match_severity"]) if p.get("match_severity") else None,
            direction=Direction(p["match_direction"]) if p.get("match_direction") else None,
            out_of_region=p.get("match_out_of_region"),
            flags=tuple(p.get("match_flags") or ()),
            all_flags=tuple(p.get("match_all_flags") or ()),
            phases=tuple(p.get("match_phases") or ()),
        ),
        designates=tuple(p.get("designates") or ()),
        params=json.loads(p.get("params") or "{}"),
        text=p.get("text") or "",
        modality=Modality(p["modality"]) if p.get("modality") else None,
        message_zh=p.get("message_zh") or "",
        message_en=p.get("message_en") or "",
        source=p.get("source") or "",
        assumption=p.get("assumption") or "",
    )
