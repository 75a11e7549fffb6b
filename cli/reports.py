"""Planner and inspector reports on the command line: validate, unaffiliated, coverage, kpis.

Commands here register on the `alliancegraph` group defined in `cli.main`.
`validate` is a gate for a data pipeline: it exits 1 when any error-level finding exists
(the data contradicts itself), 0 otherwise; warnings and info never fail it. As everywhere,
2 means a usage or input error and 3 an unavailable database.
"""

from __future__ import annotations

import sys
from datetime import date, datetime
from typing import Any

import click

from cli.main import Context, cli, emit, json_option, reported
from graphmodel.enums import InstitutionType, Level

EXIT_ERROR_FINDINGS = 1

on_option = click.option(
    "--on", "on", type=click.DateTime(formats=["%Y-%m-%d"]), help="As of (default today)."
)
division_option = click.option(
    "--division", metavar="DIVISION", help="Only within this division (id) and beneath it."
)


def _day(on: datetime | None) -> date | None:
    return on.date() if on else None


def _check_division(obj: Context, division: str | None) -> None:
    from graphmodel.errors import NotFoundError
    from queries.division_lookup import DIVISIONS

    if division is not None and not obj.store().run(DIVISIONS, ids=[division]):
        raise NotFoundError("division", division)


@cli.command()
@on_option
@json_option
@click.pass_obj
def validate(obj: Context, on: datetime | None, as_json: bool) -> None:
    """List every finding (rule, severity, source, policy, subject, message), the policies
    applied and the regions without policy; exit 1 on any error."""
    from queries.validation import VALIDATION
    from stores.json import to_jsonable

    with reported(as_json):
        report = obj.store().run(VALIDATION, on=_day(on))
        out = {
            "on": report.on.isoformat(),
            "counts": report.counts,
            "has_errors": report.has_errors,
            "findings": to_jsonable(report.findings),
            "policies": to_jsonable(report.policies),
            "regions_without_policy": to_jsonable(report.regions_without_policy),
        }
        emit(out, as_json, _validate_text)
    if report.has_errors:
        sys.exit(EXIT_ERROR_FINDINGS)


def _validate_text(out: dict[str, Any]) -> str:
    lines = [
        f"{f['severity'].upper():8} {f['rule']}  [{f['source']}]  "
        f"{f['policy'] or 'data integrity'}  {f['subject_kind']} {f['subject']}\n"
        f"         {f['message_zh']}\n         {f['message_en']}"
        for f in out["findings"]
    ]
    c = out["counts"]
    lines.append(
        f"{c['error']} error(s), {c['warning']} warning(s), {c['info']} info, on {out['on']}"
    )
    applied = [
        f"  {p['policy']}  {p['region_name']} ({p['region']})"
        + ("  draft for comment" if p["status"] == "draft_for_comment" else "")
        + f": {p['obligations']} obligation rule(s)"
        for p in out["policies"]
    ]
    lines.append("policies applied:" + ("\n" + "\n".join(applied) if applied else " none"))
    if out["regions_without_policy"]:
        lines.append("regions without policy (no policy findings can be made there):")
        lines += [
            f"  {r['name']} ({r['division']}): {r['institutions']} institution(s)"
            for r in out["regions_without_policy"]
        ]
    return "\n".join(lines)


@cli.command()
@on_option
@division_option
@click.option("--level", type=click.Choice([v.value for v in Level]))
@click.option("--type", "type_", type=click.Choice([v.value for v in InstitutionType]))
@click.option(
    "--include-unknown", is_flag=True, help="Also list institutions of unknown ownership."
)
@json_option
@click.pass_obj
def unaffiliated(
    obj: Context,
    on: datetime | None,
    division: str | None,
    level: str | None,
    type_: str | None,
    include_unknown: bool,
    as_json: bool,
) -> None:
    """Institutions a policy's membership rule obliges to join an alliance that belong to
    none; says how many in no alliance could not be judged (--include-unknown lists them)."""
    from queries.unaffiliated import UNAFFILIATED, not_judged

    with reported(as_json):
        _check_division(obj, division)
        found = obj.store().run(
            UNAFFILIATED,
            on=_day(on),
            division=division,
            level=Level(level) if level else None,
            type=InstitutionType(type_) if type_ else None,
            include_unknown=True,
        )
        rows = [
            {
                "institution": {
                    "id": u.institution.id, "name": u.institution.name,
                    "level": u.institution.level.value, "type": u.institution.type.value,
                    "ownership": u.institution.ownership.value,
                    "division": u.institution.division,
                },
                "reason": u.reason,
                "obliged": u.obliged,
                "policies": list(u.policies),
                "inactive": [
                    {"alliance": m.alliance, "role": m.role.value,
                     "valid_from": m.valid_from and m.valid_from.isoformat(),
                     "valid_to": m.valid_to and m.valid_to.isoformat()}
                    for m in u.inactive
                ],
            }
            for u in found
            if u.obliged or include_unknown
        ]  # fmt: skip
        unjudged = not_judged(found)
        out = {
            "institutions": rows,
            "not_judged": unjudged,
            "how_to_list": "" if include_unknown or not sum(unjudged.values()) else UNJUDGED_HINT,
        }
        emit(out, as_json, _unaffiliated_text)


UNJUDGED_HINT = "alliancegraph unaffiliated --include-unknown"


def _unaffiliated_text(out: dict[str, Any]) -> str:
    rows = out["institutions"]
    lines = [
        f"{r['institution']['id']}  {r['institution']['name']}  {r['institution']['level']} "
        f"{r['institution']['type']}  {r['reason']}"
        + (f"  [{', '.join(r['policies'])}]" if r["policies"] else "")
        + (
            f"  (inactive: {', '.join(m['alliance'] for m in r['inactive'])})"
            if r["inactive"]
            else ""
        )
        for r in rows
    ]
    obliged = sum(1 for r in rows if r["obliged"])
    unknown, free = out["not_judged"]["ownership_unknown"], out["not_judged"]["no_obligation"]
    if not obliged:
        lines.append(
            "no institution that a loaded policy obliges to join an alliance is outside one"
        )
    if unknown + free:
        lines.append(
            f"{unknown + free} institution(s) in no alliance could not be judged: {unknown} of "
            f"unknown ownership under a membership rule, {free} where no loaded policy has a "
            "membership rule"
            + (f"; list them with `{out['how_to_list']}`" if out["how_to_list"] else "")
        )
    return "\n".join(lines)


@cli.command()
@on_option
@division_option
@json_option
@click.pass_obj
def coverage(obj: Context, on: datetime | None, division: str | None, as_json: bool) -> None:
    """Each grid's serving alliances and status, summed up per county or district, with the
    policies whose grid rules bind it."""
    from queries.grid_coverage import GRID_COVERAGE
    from stores.json import to_jsonable

    with reported(as_json):
        _check_division(obj, division)
        c = obj.store().run(GRID_COVERAGE, on=_day(on), division=division)
        out = {
            "on": c.on.isoformat(),
            "grids": to_jsonable(c.grids),
            "areas": [
                to_jsonable(a)
                | {"share_covered": a.share_covered, "share_exactly_once": a.share_exactly_once}
                for a in c.areas
            ],
        }
        emit(out, as_json, _coverage_text)


def _share(value: float | None) -> str:
    return "—" if value is None else f"{value:.0%}"


def _coverage_text(out: dict[str, Any]) -> str:
    lines = [
        f"{g['grid']['id']}  {g['grid']['name']}  {g['status']:9} "
        + ("、".join(a["name"] for a in g["alliances"]) or "—")
        for g in out["grids"]
    ]
    lines += [
        f"{a['division']}  {a['name']}: {a['grids']} grid(s), {a['uncovered']} uncovered, "
        f"{a['covered_once']} once, {a['covered_more']} more than once; covered "
        f"{_share(a['share_covered'])}; "
        + (
            f"grid rules of {', '.join(a['policies'])}"
            if a["policies"]
            else "no loaded policy has a grid rule here"
        )
        for a in out["areas"]
    ]
    return "\n".join(lines) or "no grids and no counties or districts"


@cli.command()
@click.option(
    "--period", required=True, help="A year (2024), quarter (2024-Q1) or month (2024-03)."
)
@division_option
@json_option
@click.pass_obj
def kpis(obj: Context, period: str, division: str | None, as_json: bool) -> None:
    """Referral figures for a period against the caps and targets of each region's policy."""
    from queries.referral_kpis import REFERRAL_KPIS
    from stores.json import to_jsonable

    with reported(as_json):
        _check_division(obj, division)
        report = obj.store().run(REFERRAL_KPIS, period=period, division=division)
        emit(to_jsonable(report), as_json, _kpis_text)


def _amount(value: float, unit: str, digits: int) -> str:
    """A figure in its unit: days for an average stay, else a percentage."""
    return f"{value:.{digits}f} days" if unit == "days" else f"{value:.{digits}%}"


def _figure(f: dict[str, Any]) -> str:
    u = f["unit"]
    value = "—" if f["value"] is None else _amount(f["value"], u, 1)
    limit = f" {f['bound']} {_amount(f['limit'], u, 0)}" if f["limit"] is not None else ""
    rule = f"  {f['rule']} [{f['source']}]" if f["rule"] else ""
    return f"    {f['metric']:34} {value:>7}{limit}  {f['status']}{rule}"


def _kpis_text(out: dict[str, Any]) -> str:
    lines = [f"period {out['period']} (growth against {out['previous']})"]
    for r in out["regions"]:
        lines.append(f"{r['region_name']} ({r['policy']}): {r['referrals']} referral(s)")
        lines += [_figure(f) for f in r["figures"]]
    for i in out["institutions"]:
        inst = i["institution"]
        lines.append(
            f"{inst['id']}  {inst['name']}: up {i['up_sent']} / down {i['down_sent']} sent, "
            f"{i['leapfrog']} leapfrog"
        )
        lines += [_figure(f) for f in i["figures"]]
    for j in out["leapfrogs"]:
        kind = "+".join(
            k
            for k, on in (
                ("skips level", j["skips_level"]),
                ("leaves alliance", j["leaves_alliance"]),
            )
            if on
        )
        lines.append(
            f"leapfrog {j['origin']['name']} → {j['target']['name']} {j['flow']['period']} "
            f"×{j['flow']['count']}: {kind} [{j['source']}]"
        )  # fmt: skip
    return "\n".join(lines)
