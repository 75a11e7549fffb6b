"""What if…? and where is it fragile? — `alliancegraph whatif` and `alliancegraph analyze`.

Commands here register on the `alliancegraph` group defined in `cli.main`. `whatif` never
writes: the scenario is applied to an in-memory copy of the affected neighbourhood, also
when the data is in Neo4j. Exit codes as everywhere: 2 for a usage or input error (an
invalid scenario, with its file, line and path), 3 for an unavailable database.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import click

from cli.main import Context, cli, emit, json_option, reported
from cli.reports import _check_division, _day, division_option, on_option


@cli.command()
@click.argument("scenario", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.option(
    "--on", "on", type=click.DateTime(formats=["%Y-%m-%d"]),
    help="As of (default: the scenario's `on`, else today).",
)  # fmt: skip
@json_option
@click.pass_obj
def whatif(obj: Context, scenario: Path, on: datetime | None, as_json: bool) -> None:
    """Apply SCENARIO (a .yaml or .json file, docs/data-format.md) to a copy of the data and
    list what changes: findings that appear or go, grids whose coverage changes,
    institutions that become unaffiliated, and changed routes with the rules cited."""
    from loaders.scenario import load
    from queries.what_if import WHAT_IF
    from stores.json import to_jsonable

    with reported(as_json):
        s = load(scenario)
        diff = obj.store().run(WHAT_IF, scenario=s, on=_day(on))
        emit(to_jsonable(diff), as_json, _whatif_text)


def _route(r: dict[str, Any]) -> str:
    if r["verdict"] == "closed":
        return "closed (the institution no longer exists)"
    hops = " → ".join(f"{h[0]} [{h[1]}, {h[2]}{' ' + h[3] if h[3] else ''}]" for h in r["hops"])
    return f"{r['verdict']}: {hops or '—'}" + (f" ({r['reason']})" if r["reason"] else "")


def _whatif_text(out: dict[str, Any]) -> str:
    lines = [f"what if: {out['scenario']} (on {out['on']}, {out['changes']} change(s))"]
    for title, key in (("new findings", "new_findings"), ("resolved", "resolved_findings")):
        lines.append(f"{title}: {len(out[key])}")
        lines += [
            f"  {f['severity'].upper():8} {f['rule']}  [{f['source']}]  "
            f"{f['subject_kind']} {f['subject']}\n           {f['message_en']}"
            for f in out[key]
        ]
    lines.append(f"coverage changes: {len(out['coverage'])}")
    lines += [f"  {c['grid']}  {c['grid_name']}: {c['before']} → {c['after']}"
              for c in out["coverage"]]  # fmt: skip
    lines.append(f"membership obligations: {len(out['unaffiliated'])}")
    lines += [
        f"  {u['institution']}  {u['institution_name']}: "
        + ("becomes unaffiliated" if u["becomes"] else "no longer unaffiliated")
        + f" ({u['reason']}; {', '.join(u['policies']) or 'no policy'})"
        for u in out["unaffiliated"]
    ]
    lines.append(f"changed routes: {len(out['routes'])} (of {out['origins']} origin(s) compared)")
    # One entry per origin and change, with the conditions it holds for (JSON lists each).
    grouped: dict[tuple[str, str, str], list[str]] = {}
    for r in out["routes"]:
        group = (f"{r['origin']}  {r['origin_name']}", _route(r["before"]), _route(r["after"]))
        grouped.setdefault(group, []).append(r["condition"])
    for (who, was, now), conditions in grouped.items():
        lines.append(f"  {who}  [{', '.join(conditions)}]")
        lines.append(f"    before {was}")
        lines.append(f"    after  {now}")
    read = ", ".join(f"{n} {label}" for label, n in out["neighbourhood"] if not label.isupper())
    lines.append(f"recomputed on the neighbourhood: {read}")
    return "\n".join(lines)


@cli.command()
@division_option
@on_option
@click.option("--period", metavar="PERIOD", help="Leapfrog flows of (default: the year of --on).")
@click.option(
    "--share", type=click.FloatRange(0, 1), default=0.5, show_default=True,
    help="Show counterparts carrying more than this share of a level's pairings.",
)  # fmt: skip
@json_option
@click.pass_obj
def analyze(
    obj: Context,
    division: str | None,
    on: datetime | None,
    period: str | None,
    share: float,
    as_json: bool,
) -> None:
    """Where the network is fragile: single points of failure per alliance (with how many
    institutions depend on each), concentration of pairings per region and level (HHI,
    Gini), townships no secondary institution serves within the rules, and leapfrog flows."""
    from queries.network_analysis import NETWORK_ANALYSIS
    from stores.json import to_jsonable

    with reported(as_json):
        _check_division(obj, division)
        report = obj.store().run(NETWORK_ANALYSIS, division=division, on=_day(on),
                                 period=period, share=share)  # fmt: skip
        emit(to_jsonable(report), as_json, _analyze_text)


def _analyze_text(out: dict[str, Any]) -> str:
    lines = [f"fragility of {out['division'] or 'all divisions'} on {out['on']}"]
    lines.append(f"single points of failure: {len(out['single_points'])}")
    lines += [
        f"  {p['institution']}  {p['institution_name']} ({p['level']}) in {p['alliance_name']}: "
        f"{len(p['dependents'])} institution(s) depend on it"
        + ("; articulation point" if p["articulation"] else "")
        for p in out["single_points"]
    ]
    lines.append("concentration of pairings (region, upper level):")
    for c in out["concentration"]:
        lines.append(
            f"  {c['region']}  {c['region_name']}  {c['level']}: {c['pairings']} pairing(s), "
            f"{c['counterparts']} counterpart(s), HHI {c['hhi']:.3f}, Gini {c['gini']:.3f}"
        )
        lines += [f"    {d['institution_name']} carries {d['share']:.0%}" for d in c["dominant"]]
    lines.append(f"townships served by no secondary institution: {len(out['unserved_townships'])}")
    lines += [f"  {t['division']}  {t['name']}: {t['reason']}" for t in out["unserved_townships"]]
    lines.append(f"leapfrog flows in {out['period']}: {len(out['leapfrogs'])} pair(s)")
    lines += [
        f"  {x['origin_name']} ({x['origin_level']}) → {x['target_name']} ({x['target_level']}): "
        f"{x['patients']} patient(s) in {x['flows']} flow(s)"
        + ("; skips a level" if x["skips_level"] else "")
        + ("; leaves the alliance" if x["leaves_alliance"] else "")
        for x in out["leapfrogs"]
    ]
    return "\n".join(lines)
