"""Grids a planner can start from (网格划分建议): one per township or street, or per village.

001 §四 divides each county and city district into grids, each served by one urban medical
group (城市医疗集团) or county medical community (县域医共体). No source draws the grids of
the bundled regions, so they are proposed from the division tree, every one marked as an
assumption to review. The alliance that serves a proposed grid is inferred from where its
members lie: every grid alliance (of those two kinds, holding on the date) with a member
located in the grid's division or below it. A grid no such alliance reaches, or several
reach, is a conflict the planner settles by editing the files before loading them.

>>> from graphmodel.division import Division
>>> from graphmodel.enums import DivisionLevel as L
>>> county = Division(id="c", name="某县", level=L.COUNTY)
>>> town = Division(id="t", name="某镇", level=L.TOWNSHIP, parent="c")
>>> p = propose(Dataset(id="x", divisions=(county, town)), by="township")
>>> [(g.grid.id, g.grid.name, g.conflict) for g in p.grids]
[('t-grid', '某镇网格', 'none')]
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from graphmodel.checks import GRID_KINDS
from graphmodel.dataset import Dataset
from graphmodel.division import Division, Grid
from graphmodel.enums import DivisionLevel
from graphmodel.errors import NotFoundError
from graphmodel.validity import today

LEVELS = {
    "township": (DivisionLevel.TOWNSHIP, DivisionLevel.STREET),
    "village": (DivisionLevel.VILLAGE,),
}
NONE, SEVERAL = "none", "several"


@dataclass(frozen=True)
class InferredService:
    alliance: str
    alliance_name: str
    members: tuple[str, ...]  # the alliance's members located in the grid, by id


@dataclass(frozen=True)
class ProposedGrid:
    grid: Grid
    serving: tuple[InferredService, ...]

    @property
    def conflict(self) -> str | None:
        """`none` when no grid alliance reaches the grid, `several` when more than one does."""
        if not self.serving:
            return NONE
        return SEVERAL if len(self.serving) > 1 else None


@dataclass(frozen=True)
class Proposal:
    by: str
    within: str | None  # the division id proposed for, None for the whole dataset
    on: date
    grids: tuple[ProposedGrid, ...]

    @property
    def conflicts(self) -> tuple[ProposedGrid, ...]:
        return tuple(g for g in self.grids if g.conflict)


def _scope(dataset: Dataset, division: str | None) -> str | None:
    """The division id `division` names: an id, or a statistical or GB/T 2260 code."""
    if division is None:
        return None
    ids = {d.id for d in dataset.divisions}
    if division in ids:
        return division
    from graphmodel.division_list import normalise_code

    code = normalise_code(division)
    for d in dataset.divisions:
        if code is not None and d.stat_code == code:
            return d.id
    raise NotFoundError("division", division)


def _below(divisions: dict[str, Division], root: str | None) -> dict[str, list[str]]:
    """Each division's id -> its ids and those of every division beneath it."""
    children: dict[str, list[str]] = defaultdict(list)
    for d in divisions.values():
        if d.parent:
            children[d.parent].append(d.id)
    out: dict[str, list[str]] = {}

    def walk(ident: str) -> list[str]:
        if ident not in out:
            out[ident] = [ident]  # set first: a cycle cannot recurse forever
            out[ident] = [ident, *(x for c in children[ident] for x in walk(c))]
        return out[ident]

    for ident in divisions:
        walk(ident)
    return out


def propose(
    dataset: Dataset, *, by: str = "township", division: str | None = None, on: date | None = None
) -> Proposal:
    """Propose a grid per division of level `by` (under `division`, when given)."""
    day = on or today()
    divisions = {d.id: d for d in dataset.divisions}
    root = _scope(dataset, division)
    below = _below(divisions, root)
    scope = set(below[root]) if root else set(divisions)
    alliances = {a.id: a for a in dataset.alliances if a.kind in GRID_KINDS and a.holds_on(day)}
    located: dict[str, list[str]] = defaultdict(list)
    for i in dataset.institutions:
        if i.division:
            located[i.division].append(i.id)
    member_of: dict[str, set[str]] = defaultdict(set)
    for m in dataset.memberships:
        if m.alliance in alliances and m.holds_on(day):
            member_of[m.institution].add(m.alliance)
    grids = []
    for d in sorted(divisions.values(), key=lambda x: (x.stat_code or "", x.id)):
        if d.id not in scope or d.level not in LEVELS[by]:
            continue
        reached: dict[str, list[str]] = defaultdict(list)
        for place in below[d.id]:
            for inst in located[place]:
                for a in member_of[inst]:
                    reached[a].append(inst)
        grid = Grid(
            id=f"{d.id}-grid",
            name=f"{d.name}网格",
            division=d.id,
            source="",
            assumption=(
                f"Proposed by `alliancegraph grids propose --by {by}`: one grid per "
                f"{'township or street' if by == 'township' else 'village'}, from the division "
                "tree; no source draws the grids. Review before use."
            ),
        )
        serving = tuple(
            InferredService(a, alliances[a].name, tuple(sorted(reached[a])))
            for a in sorted(reached)
        )
        grids.append(ProposedGrid(grid, serving))
    return Proposal(by=by, within=root, on=day, grids=tuple(grids))
