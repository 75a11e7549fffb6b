"""The JSON shapes of the path queries: the CLI contract frontends and scripts rely on."""

from __future__ import annotations

from typing import Any

from graphmodel.routing import Route
from queries.counterparts import Counterpart
from stores.json import to_jsonable


def route_view(route: Route) -> dict[str, Any]:
    return {
        "allowed": route.allowed,
        "verdict": route.verdict,
        "origin": to_jsonable(route.origin),
        "hops": [
            {
                "from": to_jsonable(h.source),
                "to": to_jsonable(h.to),
                "via": h.via,
                "rule": to_jsonable(h.rule),
                "alliance": to_jsonable(h.alliance),
            }
            for h in route.hops
        ],
        "destinations": to_jsonable(route.destinations),
        "explanation": route.explanation,
        "explanation_zh": route.explanation_zh,
        "explanation_en": route.explanation_en,
        "policy": route.policy,
        "reason": route.reason,
        "alternatives": to_jsonable(route.alternatives),
        "consequences": to_jsonable(route.consequences),
    }


def counterpart_view(c: Counterpart) -> dict[str, Any]:
    return {
        "institution": {"id": c.institution.id, "name": c.institution.name,
                        "level": c.institution.level.value},
        "alliance": {"id": c.alliance.id, "name": c.alliance.name, "kind": c.alliance.kind.value},
        "direction": c.direction,
        "department": c.department or None,
        "specialty": c.specialty or None,
        "specialty_code": c.pairing.specialty_code or None,
        "responsible_person": c.responsible_person or None,
        "own_responsible_person": c.own_responsible_person or None,
        "source": c.pairing.source,
        "assumption": c.pairing.assumption or None,
    }  # fmt: skip
