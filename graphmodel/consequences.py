"""What a route changes for the patient: the money rules of kind `consequence`.

A policy's consequence rules say what following the route brings (a deductible by level,
one waived or counted continuously, a registration fee waived) and what leaving it costs
(a reimbursement ratio cut, self-payment first). Each is data with its clause and its
parameters; this module only picks the ones that match the route and fills in their
words. A consequence that depends on something the request does not say (is the patient a
signed resident?) is listed with `holds = False`, so the patient sees what would apply.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from graphmodel.enums import Level, RuleKind
from graphmodel.route_words import LEVEL_ZH

if TYPE_CHECKING:
    from graphmodel.routing import Consequence, Route, RouteContext, RouteRequest


def consequences_of(ctx: RouteContext, req: RouteRequest, route: Route) -> tuple[Consequence, ...]:
    from graphmodel.routing import Consequence, matched_rules

    out = []
    for rule in matched_rules(ctx, req)[RuleKind.CONSEQUENCE]:
        p = rule.params
        if not route.allowed and p.get("applies") != "off_route":
            continue  # a refused route has no on-route consequence, only what leaving costs
        if not rule.match.flags_hold(req.flags):
            continue
        origin_levels = p.get("origin_levels")
        if origin_levels and ctx.origin.level.value not in origin_levels:
            continue
        needs = p.get("requires_flag")
        holds = needs is None or needs in req.flags
        for fields in _fields(ctx, route, p):
            zh, en = _fill(rule.message_zh, fields), _fill(rule.message_en, fields)
            if not holds:
                zh += "（仅当患者符合该条件时适用）"
                en += " (applies only if the patient meets this condition)"
            out.append(
                Consequence(
                    rule=rule.id,
                    source=rule.source,
                    modality=rule.modality.value if rule.modality else None,
                    applies=p.get("applies", "on_route"),
                    effect=p.get("effect", ""),
                    holds=holds,
                    message_zh=zh,
                    message_en=en,
                )
            )
    order = {"on_route": 0, "off_route": 1}
    return tuple(sorted(out, key=lambda c: (order.get(c.applies, 2), c.rule)))


def _fields(ctx: RouteContext, route: Route, p: dict[str, Any]) -> list[dict[str, Any]]:
    """The values a consequence's message names: one set per receiving level of the route."""
    if p.get("effect") != "deductible":
        return [{}]
    return [
        f for level in _destination_levels(route)
        if (f := _deductible(ctx, p.get("deductible", {}), level)) is not None
    ]  # fmt: skip


def _deductible(ctx: RouteContext, table: dict[str, Any], dest: str) -> dict[str, Any] | None:
    origin = _column(ctx.origin.level.value, ctx.origin.type.value)
    target = _column(dest, "")
    emp, res = table.get("employee", {}), table.get("resident", {})
    if target not in emp or origin not in emp:
        return None
    gap_resident = abs(res[target] - res[origin]) if target in res and origin in res else "—"
    origin_zh = "乡镇卫生院" if origin == "township_centre" else LEVEL_ZH[origin] + "医院"
    return {
        "dest_level": dest,
        "dest_level_zh": LEVEL_ZH.get(dest, dest) + "医院",
        "origin_level": origin,
        "origin_level_zh": origin_zh,
        "employee": emp[target],
        "resident": res.get(target, "—"),
        "origin_employee": emp[origin],
        "origin_resident": res.get(origin, "—"),
        "gap_employee": abs(emp[target] - emp[origin]),
        "gap_resident": gap_resident,
    }


def _column(level: str, type_: str) -> str:
    if type_ in ("township_centre", "central_township_centre"):
        return "township_centre"
    return "primary" if level == Level.UNRATED.value else level


def _destination_levels(route: Route) -> list[str]:
    """The levels the patient may be received at first: the chosen or preferred destinations."""
    first = [d for d in route.destinations if d.preferred] or list(route.destinations[:1])
    if len(route.destinations) == 1:
        first = list(route.destinations)
    return sorted({d.level for d in first}, key=lambda v: -Level(v).rank)


def _fill(template: str, fields: dict[str, Any]) -> str:
    try:
        return template.format(**fields)
    except (KeyError, IndexError):
        return template
