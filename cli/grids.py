"""`alliancegraph grids propose`: grids.csv and serves.csv a planner can start from.

Registers on the `alliancegraph` group defined in `cli.main`.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import click

from cli.main import Context, cli, emit, json_option, reported
from graphmodel.errors import InvalidInputError
from graphmodel.grid_proposal import LEVELS, Proposal, ProposedGrid, propose

GRID_COLUMNS = ("id", "name", "division", "source", "assumption")
SERVE_COLUMNS = ("alliance", "grid", "valid_from", "valid_to", "source", "assumption")


@cli.group()
def grids() -> None:
    """Service grids (网格)."""


@grids.command("propose")
@click.option("--by", type=click.Choice(sorted(LEVELS)), default="township", show_default=True,
              help="One grid per township/street, or per village.")  # fmt: skip
@click.option("--division", metavar="CODE", help="Only under this division (id or code).")
@click.option("--out", "out_dir", type=click.Path(path_type=Path, file_okay=False),
              help="Folder for grids.csv and serves.csv (default: the --data folder).")  # fmt: skip
@click.option("--force", is_flag=True, help="Replace grids.csv and serves.csv if they exist.")
@click.option("--on", "on", type=click.DateTime(["%Y-%m-%d"]), help="As of this date.")
@json_option
@click.pass_obj
def propose_command(
    obj: Context, by: str, division: str | None, out_dir: Path | None, force: bool,
    on: Any, as_json: bool,
) -> None:  # fmt: skip
    """Propose a grid per township (or village) of the chosen data, each marked as an
    assumption, with its serving alliance inferred from where the members lie; list the
    grids no alliance reaches or several do. Edit the files, then load the folder."""
    with reported(as_json):
        if out_dir is None:
            if len(obj.data) != 1 or obj.samples:
                raise InvalidInputError.one(
                    "give --out DIR, or choose exactly one --data folder to write into",
                    consequence="nothing was written",
                )
            out_dir = obj.data[0]
        proposal = propose(obj.dataset(), by=by, division=division, on=on.date() if on else None)
        written = write(proposal, out_dir, force)
        emit(as_dict(proposal, written), as_json, text)


def write(proposal: Proposal, folder: Path, force: bool) -> list[str]:
    targets = [folder / "grids.csv", folder / "serves.csv"]
    existing = [str(t) for t in targets if t.exists()]
    if existing and not force:
        raise InvalidInputError.one(
            f"{' and '.join(existing)} already exist: pass --force to replace them",
            consequence="nothing was written",
        )
    folder.mkdir(parents=True, exist_ok=True)
    with targets[0].open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(GRID_COLUMNS)
        for g in proposal.grids:
            w.writerow((g.grid.id, g.grid.name, g.grid.division, g.grid.source, g.grid.assumption))
    with targets[1].open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(SERVE_COLUMNS)
        for g in proposal.grids:
            for s in g.serving:
                w.writerow((s.alliance, g.grid.id, "", "", "", _why(g, s.alliance, s.members)))
    return [str(t) for t in targets]


def _why(g: ProposedGrid, alliance: str, members: tuple[str, ...]) -> str:
    others = [s.alliance for s in g.serving if s.alliance != alliance]
    text = (
        f"Inferred by `alliancegraph grids propose`: members of {alliance} lie in "
        f"{g.grid.name.removesuffix('网格')} ({', '.join(members)}); no source assigns the grid."
    )
    if others:
        text += f" Conflict: {', '.join(others)} reach it too; keep one."
    return text


def as_dict(p: Proposal, written: list[str]) -> dict[str, Any]:
    return {
        "by": p.by,
        "division": p.within,
        "on": p.on.isoformat(),
        "written": written,
        "grids": [
            {
                "id": g.grid.id,
                "name": g.grid.name,
                "division": g.grid.division,
                "serving": [
                    {"alliance": s.alliance, "name": s.alliance_name, "members": list(s.members)}
                    for s in g.serving
                ],
                "conflict": g.conflict,
            }
            for g in p.grids
        ],
        "conflicts": [
            {
                "grid": g.grid.id,
                "conflict": g.conflict,
                "alliances": [s.alliance for s in g.serving],
            }
            for g in p.conflicts
        ],
    }


def text(out: dict[str, Any]) -> str:
    lines = [f"{len(out['grids'])} grids proposed (one per {out['by']}), as of {out['on']}:"]
    for g in out["grids"]:
        serving = ", ".join(s["alliance"] for s in g["serving"]) or "—"
        flag = {"none": "  CONFLICT: no grid alliance", "several": "  CONFLICT: several"}.get(
            g["conflict"] or "", ""
        )
        lines.append(f"  {g['id']}  {g['name']}  served by: {serving}{flag}")
    lines.append(
        f"{len(out['conflicts'])} conflicts. Written: {', '.join(out['written'])} "
        "(each grid an assumption to review; edit, then load the folder)."
    )
    return "\n".join(lines)
