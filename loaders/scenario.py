"""Scenario files (`scenario.yaml` or `.json`) and GraphQL scenario inputs, read strictly.

The format is described in docs/data-format.md ("Scenarios"). YAML is read with PyYAML's
safe loader, node by node, so that every problem carries the line it stands on; JSON is
read by `loaders.strictjson` (duplicate keys and the like refused) and located by its
path. Every problem of the file is reported at once, and nothing is applied when there is
one.

>>> s = loads_text('''
... name: leave
... on: 2026-01-01
... changes:
...   - end: membership
...     institution: a
...     alliance: b
... ''', "s.yaml")
>>> s.name, s.on, [(c.op, c.kind, c.path, c.line) for c in s.changes]
('leave', datetime.date(2026, 1, 1), [('end', 'membership', 'changes[0]', 5)])
>>> loads_text("name: x\\nchanges:\\n  - set: name\\n", "s.yaml")
Traceback (most recent call last):
...
graphmodel.errors.InvalidInputError: 1 problem(s) in the input; nothing was applied:
  s.yaml:3 [changes[0].set]: 'name' is not one of level
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Any

import yaml

from graphmodel.alliance import Alliance, Membership, Service
from graphmodel.counterpart import Pairing
from graphmodel.enums import (
    AllianceKind,
    Direction,
    InstitutionType,
    Integration,
    Level,
    MemberRole,
    Ownership,
)
from graphmodel.errors import InvalidInputError, Problem
from graphmodel.institution import Institution
from graphmodel.referral import Channel
from graphmodel.scenario import KINDS, OPS, Change, Scenario
from loaders import strictjson

MAX_CHANGES = 1000
MAX_CHARS = 1_000_000
MAX_DEPTH = 8
TOP = {"name", "on", "description", "changes"}
# Per (op, kind): required fields, optional fields; each field's type (str or an enum).
Spec = dict[str, Any]
_STR = str
FIELDS: dict[tuple[str, str], tuple[Spec, Spec]] = {
    ("add", "membership"): ({"institution": _STR, "alliance": _STR},
                            {"role": MemberRole, "valid_from": date}),
    ("end", "membership"): ({"institution": _STR, "alliance": _STR}, {"role": MemberRole}),
    ("add", "pairing"): ({"alliance": _STR, "upper": _STR, "lower": _STR},
                         {"upper_department": _STR, "specialty": _STR, "valid_from": date}),
    ("end", "pairing"): ({"alliance": _STR, "upper": _STR, "lower": _STR}, {}),
    ("add", "channel"): ({"source_institution": _STR, "target_institution": _STR},
                         {"direction": Direction, "alliance": _STR, "conditions": list,
                          "valid_from": date}),
    ("end", "channel"): ({"source_institution": _STR, "target_institution": _STR},
                         {"direction": Direction}),
    ("add", "service"): ({"alliance": _STR, "grid": _STR}, {"valid_from": date}),
    ("end", "service"): ({"alliance": _STR, "grid": _STR}, {}),
    ("add", "alliance"): ({"id": _STR, "name": _STR, "kind": AllianceKind},
                          {"integration": Integration, "division": _STR, "valid_from": date}),
    ("add", "institution"): ({"id": _STR, "name": _STR, "level": Level,
                              "type": InstitutionType, "ownership": Ownership},
                             {"division": _STR}),
    ("end", "institution"): ({"id": _STR}, {}),
    ("set", "level"): ({"institution": _STR, "level": Level}, {}),
}  # fmt: skip


def load(path: Path) -> Scenario:
    """The scenario in `path` (`.json` read as JSON, anything else as YAML)."""
    data = path.read_bytes()
    if path.suffix.lower() == ".json":
        return from_mapping(strictjson.loads(data, path.name), path.name, {})
    return loads_text(data.decode("utf-8-sig"), path.name)


def _refuse(file: str, line: int | None, message: str) -> InvalidInputError:
    return InvalidInputError(
        [Problem(file, line, None, message)], consequence="nothing was applied"
    )


def loads_text(text: str, file: str) -> Scenario:
    if len(text) > MAX_CHARS:
        raise _refuse(file, None, f"a scenario is at most {MAX_CHARS:,} characters")
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        raise _refuse(file, mark.line + 1 if mark else None, f"not YAML: {e}") from None
    except RecursionError:  # PyYAML composes nested collections recursively
        raise _refuse(file, None, f"nested deeper than {MAX_DEPTH} levels") from None
    lines: dict[str, int] = {}
    value = _plain(node, "", lines, file, set()) if node is not None else None
    return from_mapping(value, file, lines)


def _plain(node: yaml.Node, path: str, lines: dict[str, int], file: str, seen: set[int]) -> Any:
    """The node as plain values; `lines` records each path's line (1-based). An alias
    (a node met twice) is refused: expanded, a few of them make a "billion laughs"."""
    line = node.start_mark.line + 1
    if id(node) in seen:
        raise _refuse(file, line, "YAML anchors and aliases (&, *) are not accepted")
    if path.count(".") + path.count("[") > MAX_DEPTH:
        raise _refuse(file, line, f"nested deeper than {MAX_DEPTH} levels")
    seen.add(id(node))
    lines[path] = line
    if isinstance(node, yaml.MappingNode):
        out: dict[str, Any] = {}
        for k, v in node.value:
            key = str(k.value)
            if key in out:
                raise InvalidInputError(
                    [Problem(file, k.start_mark.line + 1, path or "$", f"duplicate key {key!r}")],
                    consequence="nothing was applied",
                )
            out[key] = _plain(v, f"{path}.{key}" if path else key, lines, file, seen)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_plain(v, f"{path}[{n}]", lines, file, seen) for n, v in enumerate(node.value)]
    # Scalars through the safe constructor: dates, numbers and booleans as YAML types them.
    return yaml.SafeLoader("").construct_object(node, deep=True)


class _Reader:
    def __init__(self, file: str, lines: dict[str, int]) -> None:
        self.file, self.lines = file, lines
        self.problems: list[Problem] = []

    def line(self, path: str) -> int | None:
        """The line of `path`, or of the nearest enclosing value that has one."""
        while path not in self.lines:
            shorter = re.sub(r"(\.[^.\[]*|\[\d+\])$", "", path)
            if shorter == path:
                return self.lines.get("")
            path = shorter
        return self.lines[path]

    def problem(self, path: str, message: str) -> None:
        self.problems.append(Problem(self.file, self.line(path), path or "$", message))


def from_mapping(data: Any, file: str, lines: dict[str, int] | None = None) -> Scenario:
    """A scenario from plain values (a parsed file, or a GraphQL input as a dict)."""
    r = _Reader(file, lines or {})
    if not isinstance(data, dict):
        r.problem("", "a scenario is a mapping with name and changes")
        raise InvalidInputError(r.problems, consequence="nothing was applied")
    for key in sorted(set(data) - TOP):
        r.problem(key, f"unknown field {key!r}; expected one of {', '.join(sorted(TOP))}")
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        r.problem("name", "a scenario needs a name (text)")
    on = _date(r, "on", data.get("on")) if data.get("on") is not None else None
    changes = data.get("changes")
    found: list[Change] = []
    if not isinstance(changes, list) or not changes:
        r.problem("changes", "changes must be a non-empty list")
    elif len(changes) > MAX_CHANGES:
        r.problem("changes", f"at most {MAX_CHANGES} changes in one scenario")
    else:
        for n, item in enumerate(changes):
            change = _change(r, f"changes[{n}]", item)
            if change is not None:
                found.append(change)
    if r.problems:
        raise InvalidInputError(r.problems, consequence="nothing was applied")
    desc = data.get("description") or ""
    return Scenario(str(name).strip(), tuple(found), on, str(desc), file)


def _date(r: _Reader, path: str, value: Any) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        r.problem(path, f"{value!r} is not a date (YYYY-MM-DD)")
        return None


def _change(r: _Reader, path: str, item: Any) -> Change | None:
    if not isinstance(item, dict):
        r.problem(path, "a change is a mapping such as {end: membership, institution: …}")
        return None
    ops = [op for op in OPS if op in item]
    if len(ops) != 1:
        r.problem(path, "a change names exactly one of add, end or set")
        return None
    op = ops[0]
    kind = item[op]
    if kind not in KINDS[op]:
        r.problem(f"{path}.{op}", f"{kind!r} is not one of {', '.join(KINDS[op])}")
        return None
    required, optional = FIELDS[(op, kind)]
    before = len(r.problems)
    fields: dict[str, Any] = {}
    for key in sorted(set(item) - {op} - set(required) - set(optional)):
        r.problem(f"{path}.{key}", f"unknown field {key!r} for {op} {kind}; expected "
                  + ", ".join([*required, *optional]))  # fmt: skip
    for key, kind_of in {**required, **optional}.items():
        if key not in item or item[key] is None or item[key] == "":
            if key in required:
                r.problem(f"{path}.{key}", f"{op} {kind} needs {key}")
            continue
        fields[key] = _value(r, f"{path}.{key}", item[key], kind_of)
    if len(r.problems) > before:
        return None
    fact = _FACTS[kind](fields) if op == "add" else None
    return Change(op, kind, tuple(sorted(fields.items())), fact, path, r.line(path))


def _value(r: _Reader, path: str, value: Any, kind_of: Any) -> Any:
    if kind_of is date:
        return _date(r, path, value)
    if kind_of is list:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            r.problem(path, "expected a list of texts")
        return tuple(value) if isinstance(value, list) else ()
    if isinstance(kind_of, type) and issubclass(kind_of, StrEnum):
        try:
            return kind_of(value)
        except ValueError:
            r.problem(path, f"{value!r} is not one of {', '.join(v.value for v in kind_of)}")
            return None
    if not isinstance(value, str):
        r.problem(path, f"expected text, not {value!r}")
    return str(value).strip()


_FACTS: dict[str, Callable[[dict[str, Any]], Any]] = {
    "membership": lambda f: Membership(
        institution=f["institution"], alliance=f["alliance"],
        role=f.get("role", MemberRole.MEMBER), valid_from=f.get("valid_from")),
    "pairing": lambda f: Pairing(
        alliance=f["alliance"], upper=f["upper"], lower=f["lower"],
        upper_department=f.get("upper_department", ""), specialty=f.get("specialty", ""),
        valid_from=f.get("valid_from")),
    "channel": lambda f: Channel(
        source_institution=f["source_institution"], target_institution=f["target_institution"],
        direction=f.get("direction", Direction.UP), alliance=f.get("alliance"),
        conditions=f.get("conditions", ()), valid_from=f.get("valid_from")),
    "service": lambda f: Service(
        alliance=f["alliance"], grid=f["grid"], valid_from=f.get("valid_from")),
    "alliance": lambda f: Alliance(
        id=f["id"], name=f["name"], kind=f["kind"],
        integration=f.get("integration", Integration.UNKNOWN), division=f.get("division"),
        valid_from=f.get("valid_from")),
    "institution": lambda f: Institution(
        id=f["id"], name=f["name"], level=f["level"], type=f["type"],
        ownership=f["ownership"], division=f.get("division")),
}  # fmt: skip
