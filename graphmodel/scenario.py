"""Scenarios (what if…?): a named list of changes to the network, applied to a copy.

A planner asks what happens if the network changes: a county hospital leaves an
urban–rural chain, a township centre's pairing ends, a new county community takes over
townships. A `Scenario` holds those changes; `apply` makes them on a `Dataset` (the
affected neighbourhood read from a store) and returns a new one. Nothing is ever written:
datasets are frozen, and the stores are never touched.

Each change is `op` + `kind`:

- ``add`` a membership, pairing, channel, service (an alliance serving a grid), alliance
  or institution — the new fact holds from the scenario's date;
- ``end`` a membership, pairing, channel or service — the facts that hold on the date are
  ended the day before, so they no longer hold on it; or an institution — it closes, and
  every fact naming it goes with it;
- ``set`` an institution's level.

A change that names something the data does not hold (no such institution, no membership
of it in that alliance on the date) is rejected with its place in the scenario file, and
nothing is applied.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

from graphmodel.alliance import Alliance, Membership, Service
from graphmodel.counterpart import Pairing
from graphmodel.dataset import Dataset
from graphmodel.enums import Direction
from graphmodel.errors import InvalidInputError, Problem
from graphmodel.institution import Institution
from graphmodel.referral import Channel

OPS = ("add", "end", "set")
# The kinds each op takes (a closed set: the loader rejects any other).
KINDS: dict[str, tuple[str, ...]] = {
    "add": ("membership", "pairing", "channel", "service", "alliance", "institution"),
    "end": ("membership", "pairing", "channel", "service", "institution"),
    "set": ("level",),
}


@dataclass(frozen=True)
class Change:
    """One change: `fields` as the scenario gives them (strings, or enum values already
    checked by the loader); `fact` the new domain object of an ``add`` (dates left open,
    filled in by `apply`); `path`/`line` where it stands in its file."""

    op: str
    kind: str
    fields: tuple[tuple[str, Any], ...]
    fact: Any = None
    path: str = ""
    line: int | None = None

    def get(self, name: str, default: Any = "") -> Any:
        return dict(self.fields).get(name, default)

    @property
    def institutions(self) -> tuple[str, ...]:
        """The institutions this change names (their neighbourhood is recomputed)."""
        names = ("institution", "upper", "lower", "source_institution", "target_institution")
        found = [self.get(n) for n in names if self.get(n)]
        if self.kind == "institution":
            found.append(self.get("id"))
        return tuple(dict.fromkeys(found))

    @property
    def affected(self) -> tuple[str, ...]:
        """The institutions whose own county the change can alter: a pairing's lower end, a
        channel's source, else the institution named (an upper end changes only itself)."""
        if self.kind == "pairing":
            return (self.get("lower"),)
        if self.kind == "channel":
            return (self.get("source_institution"),)
        return self.institutions

    @property
    def alliances(self) -> tuple[str, ...]:
        a = self.get("id") if self.kind == "alliance" else self.get("alliance")
        return (a,) if a else ()

    @property
    def grids(self) -> tuple[str, ...]:
        return (self.get("grid"),) if self.get("grid") else ()

    @property
    def divisions(self) -> tuple[str, ...]:
        """Divisions a new institution or alliance is placed in."""
        return (self.get("division"),) if self.op == "add" and self.get("division") else ()


@dataclass(frozen=True)
class Scenario:
    name: str
    changes: tuple[Change, ...]
    on: date | None = None
    description: str = ""
    file: str = "scenario"

    @property
    def institutions(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(i for c in self.changes for i in c.institutions))

    @property
    def affected(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(i for c in self.changes for i in c.affected))

    @property
    def alliances(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(a for c in self.changes for a in c.alliances))

    @property
    def grids(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(g for c in self.changes for g in c.grids))

    @property
    def divisions(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(d for c in self.changes for d in c.divisions))


class _Tables:
    """The dataset's tables as lists being changed, and the problems found on the way."""

    def __init__(self, dataset: Dataset, scenario: Scenario, on: date) -> None:
        self.d, self.s, self.on = dataset, scenario, on
        self.institutions = {i.id: i for i in dataset.institutions}
        self.alliances = {a.id: a for a in dataset.alliances}
        self.grids = {g.id for g in dataset.grids}
        self.divisions = {d.id for d in dataset.divisions}
        self.memberships = list(dataset.memberships)
        self.pairings = list(dataset.pairings)
        self.channels = list(dataset.channels)
        self.services = list(dataset.services)
        self.referrals = list(dataset.referrals)
        self.closed: set[str] = set()
        self.problems: list[Problem] = []

    def problem(self, change: Change, message: str) -> None:
        self.problems.append(Problem(self.s.file, change.line, change.path, message))

    def need(self, change: Change, kind: str, ident: str, known: Iterable[str]) -> bool:
        if ident in known and ident not in self.closed:
            return True
        self.problem(change, f"no {kind} {ident!r} in the data")
        return False

    def end(
        self, change: Change, facts: list[Any], match: Callable[[Any], bool], what: str
    ) -> None:
        """End, the day before the scenario's date, every fact that matches and holds."""
        hit = False
        for n, fact in enumerate(facts):
            if match(fact) and fact.holds_on(self.on):
                facts[n] = replace(fact, valid_to=self.on - timedelta(days=1))
                hit = True
        if not hit:
            self.problem(change, f"no {what} holds on {self.on.isoformat()}")


def apply(dataset: Dataset, scenario: Scenario, on: date) -> Dataset:
    """`dataset` with the scenario's changes made, in order; `InvalidInputError` (every
    problem, with its place in the scenario) when a change names what is not there.

    >>> from queries._examples import tiny_dataset
    >>> ms = Change("end", "membership", (("institution", "county-hospital"),
    ...                                   ("alliance", "chain")))
    >>> after = apply(tiny_dataset(), Scenario("leave", (ms,)), date(2024, 1, 1))
    >>> [(m.institution, m.valid_to) for m in after.memberships if m.valid_to]
    [('county-hospital', datetime.date(2023, 12, 31)), ('township', datetime.date(2020, 12, 31))]
    """
    t = _Tables(dataset, scenario, on)
    for change in scenario.changes:
        _APPLY[(change.op, change.kind)](t, change)
    if t.problems:
        raise InvalidInputError(t.problems, consequence="nothing was applied")
    gone = t.closed

    def keeps(*ids: str | None) -> bool:
        return not any(i in gone for i in ids if i)

    return replace(
        dataset,
        institutions=tuple(i for i in t.institutions.values() if i.id not in gone),
        alliances=tuple(t.alliances.values()),
        memberships=tuple(m for m in t.memberships if keeps(m.institution)),
        pairings=tuple(p for p in t.pairings if keeps(p.upper, p.lower)),
        channels=tuple(
            c for c in t.channels if keeps(c.source_institution, c.target_institution)
        ),
        services=tuple(t.services),
        referrals=tuple(
            r for r in t.referrals if keeps(r.source_institution, r.target_institution)
        ),
        policies=tuple(
            replace(p, rules=tuple(
                replace(r, designates=tuple(x for x in r.designates if x not in gone))
                for r in p.rules))
            for p in dataset.policies
        ) if gone else dataset.policies,
    )  # fmt: skip


def _assumed(t: _Tables, change: Change) -> str:
    return f"scenario {t.s.name!r}, {change.path}"


def _dated(t: _Tables, change: Change, fact: Any) -> Any:
    start = fact.valid_from or t.on
    return replace(fact, valid_from=start, assumption=_assumed(t, change))


def _end_membership(t: _Tables, c: Change) -> None:
    i, a, role = c.get("institution"), c.get("alliance"), c.get("role", None)
    if t.need(c, "institution", i, t.institutions) and t.need(c, "alliance", a, t.alliances):
        t.end(c, t.memberships,
              lambda m: m.institution == i and m.alliance == a and role in (None, m.role),
              f"membership of {i!r} in {a!r}")  # fmt: skip


def _end_pairing(t: _Tables, c: Change) -> None:
    a, up, low = c.get("alliance"), c.get("upper"), c.get("lower")
    t.end(c, t.pairings, lambda p: p.alliance == a and p.upper == up and p.lower == low,
          f"pairing {up!r} → {low!r} in {a!r}")  # fmt: skip


def _end_channel(t: _Tables, c: Change) -> None:
    s, o = c.get("source_institution"), c.get("target_institution")
    direction = c.get("direction", Direction.UP)
    t.end(c, t.channels,
          lambda x: (x.source_institution, x.target_institution, x.direction) == (s, o, direction),
          f"{direction.value} channel {s!r} → {o!r}")  # fmt: skip


def _end_service(t: _Tables, c: Change) -> None:
    a, g = c.get("alliance"), c.get("grid")
    t.end(c, t.services, lambda s: s.alliance == a and s.grid == g,
          f"service of grid {g!r} by {a!r}")  # fmt: skip


def _end_institution(t: _Tables, c: Change) -> None:
    if t.need(c, "institution", c.get("id"), t.institutions):
        t.closed.add(c.get("id"))


def _add_membership(t: _Tables, c: Change) -> None:
    m: Membership = c.fact
    if t.need(c, "institution", m.institution, t.institutions) and t.need(
        c, "alliance", m.alliance, t.alliances
    ):
        t.memberships.append(_dated(t, c, m))


def _add_pairing(t: _Tables, c: Change) -> None:
    p: Pairing = c.fact
    ok = [t.need(c, "institution", x, t.institutions) for x in (p.upper, p.lower)]
    if all(ok) and t.need(c, "alliance", p.alliance, t.alliances):
        t.pairings.append(_dated(t, c, p))


def _add_channel(t: _Tables, c: Change) -> None:
    x: Channel = c.fact
    ends = (x.source_institution, x.target_institution)
    ok = [t.need(c, "institution", i, t.institutions) for i in ends]
    if all(ok) and (x.alliance is None or t.need(c, "alliance", x.alliance, t.alliances)):
        t.channels.append(_dated(t, c, x))


def _add_service(t: _Tables, c: Change) -> None:
    s: Service = c.fact
    if t.need(c, "alliance", s.alliance, t.alliances) and t.need(c, "grid", s.grid, t.grids):
        t.services.append(_dated(t, c, s))


def _add_alliance(t: _Tables, c: Change) -> None:
    a: Alliance = c.fact
    if a.id in t.alliances:
        t.problem(c, f"alliance {a.id!r} already exists")
    elif a.division is None or t.need(c, "division", a.division, t.divisions):
        t.alliances[a.id] = _dated(t, c, a)


def _add_institution(t: _Tables, c: Change) -> None:
    i: Institution = c.fact
    if i.id in t.institutions:
        t.problem(c, f"institution {i.id!r} already exists")
    elif i.division is None or t.need(c, "division", i.division, t.divisions):
        t.institutions[i.id] = replace(i, assumption=_assumed(t, c))


def _set_level(t: _Tables, c: Change) -> None:
    i = c.get("institution")
    if t.need(c, "institution", i, t.institutions):
        t.institutions[i] = replace(t.institutions[i], level=c.get("level"))


_APPLY: dict[tuple[str, str], Callable[[_Tables, Change], None]] = {
    ("end", "membership"): _end_membership,
    ("end", "pairing"): _end_pairing,
    ("end", "channel"): _end_channel,
    ("end", "service"): _end_service,
    ("end", "institution"): _end_institution,
    ("add", "membership"): _add_membership,
    ("add", "pairing"): _add_pairing,
    ("add", "channel"): _add_channel,
    ("add", "service"): _add_service,
    ("add", "alliance"): _add_alliance,
    ("add", "institution"): _add_institution,
    ("set", "level"): _set_level,
}
