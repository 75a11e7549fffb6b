"""What a whole dataset must satisfy before anything of it is written (checked after parsing).

Each is corruption rather than judgement, so each is an error at the row that breaks it:

- no division is its own parent or ancestor (a cycle would make every walk up loop);
- an alliance has at most one lead on any date;
- a pairing does not run from a lower level up to a higher one (upper is the supporting
  institution; an `unrated` end is not judged);
- no two institutions are paired both ways in one alliance;
- a referral's condition is one the policies of its region define;
- two institutions of one division do not share a name (the same one entered twice).

Two institutions of one name in different divisions are legal (many counties have a
县人民医院), so that is only a warning, returned by `warnings`.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from itertools import count
from typing import Any

from graphmodel.errors import Problem
from graphmodel.names import name_keys
from graphmodel.policy import Policy
from loaders.columns import Rows, column_of, pairs_at
from loaders.tables import Row

Parsed = dict[str, Any]
Tables = dict[str, Rows]
RANK = {"tertiary": 3, "secondary": 2, "primary": 1}
EARLY, LATE = date.min, date.max


def _at(row: Row) -> str:
    return f"{row.file}:{row.line}"


def check(rows: Tables, policies: Iterable[Policy]) -> list[Problem]:
    """Every invariant broken by the parsed rows; rows that failed to parse are not here.

    A table of millions of records (memberships, institutions) is read by column, and only
    the records an invariant could concern (leads, names given twice) as pairs."""
    parents = {v["id"]: (row, v["parent"]) for row, v in rows.get("divisions", [])}
    institutions = rows.get("institutions", [])
    # Record of each institution id (the last of an id given twice, as a dict of them keeps).
    index = dict(zip(column_of(institutions, "id"), count()))
    return [
        *_division_cycles(parents),
        *_leads(rows.get("memberships", [])),
        *_pairings(rows.get("pairings", []), _lookup(index, column_of(institutions, "level"))),
        *_referral_conditions(
            rows.get("referrals", []),
            _lookup(index, column_of(institutions, "division")),
            parents,
            list(policies),
        ),
        *_same_name(institutions, same_division=True),
    ]


def _lookup(index: dict[str, int], column: Sequence[Any]) -> Callable[[str], Any]:
    """The value of `column` for an institution id (None for an id not among them)."""

    def value(ident: str) -> Any:
        j = index.get(ident)
        return None if j is None else column[j]

    return value


def warnings(rows: Tables) -> list[Problem]:
    """What is legal but worth a look: one name in several divisions."""
    return _same_name(rows.get("institutions", []), same_division=False)


def _division_cycles(parents: dict[str, tuple[Row, str | None]]) -> list[Problem]:
    out = []
    reported: set[str] = set()
    for start, (row, parent) in parents.items():
        if start in reported:
            continue
        if parent == start:
            out.append(
                Problem(row.file, row.line, "parent", f"division {start!r} is its own parent")
            )
            reported.add(start)
            continue
        chain = [start]
        seen = {start}
        current = parent
        while current is not None and current in parents and current not in seen:
            chain.append(current)
            seen.add(current)
            current = parents[current][1]
        if current == start:
            loop = " → ".join([*chain, start])
            out.append(Problem(row.file, row.line, "parent", f"divisions form a cycle: {loop}"))
            reported.update(chain)
    return out


def _overlap(a: Parsed, b: Parsed) -> bool:
    return bool(
        (a.get("valid_from") or EARLY) <= (b.get("valid_to") or LATE)
        and (b.get("valid_from") or EARLY) <= (a.get("valid_to") or LATE)
    )


def _leads(memberships: Rows) -> list[Problem]:
    out = []
    leads: dict[str, list[tuple[Row, Parsed]]] = defaultdict(list)
    roles = column_of(memberships, "role")
    for row, v in pairs_at(memberships, (j for j, r in enumerate(roles) if str(r) == "lead")):
        for first_row, first in leads[v["alliance"]]:
            if _overlap(first, v):
                out.append(
                    Problem(
                        row.file,
                        row.line,
                        "role",
                        f"a second lead of alliance {v['alliance']!r} on overlapping "
                        f"dates: {first['institution']!r} leads it too "
                        f"({_at(first_row)})",
                    )
                )
                break
        leads[v["alliance"]].append((row, v))
    return out


def _pairings(pairings: Rows, level: Callable[[str], Any]) -> list[Problem]:
    out = []
    seen: dict[tuple[str, str, str], Row] = {}
    for row, v in pairings:
        upper, lower = level(v["upper"]), level(v["lower"])
        if upper in RANK and lower in RANK and RANK[upper] < RANK[lower]:
            out.append(
                Problem(
                    row.file,
                    row.line,
                    "upper",
                    f"inverted pairing: upper {v['upper']!r} is {upper}, lower "
                    f"{v['lower']!r} is {lower}; upper is the supporting, higher-level "
                    "institution",
                )
            )
        back = seen.get((v["alliance"], v["lower"], v["upper"]))
        if back is not None:
            out.append(
                Problem(
                    row.file,
                    row.line,
                    "lower",
                    f"{v['upper']!r} and {v['lower']!r} are paired both ways in "
                    f"alliance {v['alliance']!r} (the other way at {_at(back)})",
                )
            )
        seen.setdefault((v["alliance"], v["upper"], v["lower"]), row)
    return out


def _referral_conditions(
    referrals: Rows,
    division: Callable[[str], Any],
    parents: dict[str, tuple[Row, str | None]],
    policies: list[Policy],
) -> list[Problem]:
    out = []
    by_region: dict[str, set[str]] = defaultdict(set)
    for p in policies:
        by_region[p.region].update(c.id for c in p.conditions)
    for row, v in referrals:
        condition = v.get("condition")
        if not condition:
            continue
        known: set[str] = set()
        current = division(v["from"])
        seen: set[str] = set()
        while current is not None and current not in seen:
            seen.add(current)
            known |= by_region.get(current, set())
            current = parents[current][1] if current in parents else None
        if condition not in known:
            where = f"; known there: {', '.join(sorted(known))}" if known else ""
            out.append(
                Problem(
                    row.file,
                    row.line,
                    "condition",
                    f"condition {condition!r} is not defined by any policy of the "
                    f"region of {v['from']!r}{where}",
                )
            )
    return out


def _same_name(institutions: Rows, *, same_division: bool) -> list[Problem]:
    out = []
    first: dict[str, tuple[Row, Parsed]] = {}
    keys = name_keys(list(column_of(institutions, "name")))
    # Only a name key held twice makes a problem: only those records are looked at.
    held = Counter(keys)
    twice = [j for j, key in enumerate(keys) if held[key] > 1]
    for (row, v), key in zip(pairs_at(institutions, twice), map(keys.__getitem__, twice),
                             strict=True):  # fmt: skip
        if key not in first:
            first[key] = (row, v)
            continue
        other_row, other = first[key]
        if (v.get("division") == other.get("division")) != same_division:
            continue
        if same_division:
            message = (
                f"{v['id']!r} has the same name as {other['id']!r} ({_at(other_row)}) in "
                "the same division: the same institution entered twice?"
            )
        else:
            message = (
                f"{v['id']!r} has the same name as {other['id']!r} ({_at(other_row)}), "
                "in another division; legal, but check it is not the same one"
            )
        out.append(Problem(row.file, row.line, "name", message))
    return out
