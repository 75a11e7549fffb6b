"""A plan (`api.projection.Sel`) as ONE parameterised Cypher statement, and its rows as the
API's objects.

Why one statement: each round trip to Neo4j costs more than the work of a small read, and
fetching whole nodes to turn them into domain objects costs more than the fields asked.
So every link becomes a `COLLECT {}` subquery inside the parent's map projection, each node
projects only the properties asked (plus the keys fallbacks need), and the domain rules
stay in the Cypher: validity on `on` (default today), lead first then by id, alliances
reached through several memberships once, the orderings of the named queries. Every value
a caller gives goes in as a parameter; the statement text is made only from this module's
constants and the plan's shape.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import date
from typing import Any

from api.context import as_of
from api.projection import LINKS, Builder, Sel
from api.types import nodes as t
from api.types.enums import (
    AllianceKind,
    CounterpartDirection,
    Direction,
    DivisionLevel,
    Grade,
    InstitutionType,
    Integration,
    Level,
    MemberRole,
    Ownership,
    ReferralRole,
    RoleCondition,
)
from graphmodel.store import Reader, Statement
from queries import alliance_list, counterparts, institution_list
from queries.counterparts import specialty_match
from stores.props import to_date

Conv = Callable[[Any], Any]


def _same(v: Any) -> Any:
    return v


def _text(v: Any) -> str:
    return v or ""


def _list(v: Any) -> list[Any]:
    return list(v or ())


def _opt(enum: Any) -> Conv:
    return lambda v: enum(v) if v else None


def _roles(v: Any) -> list[t.RoleGrant]:
    return [
        t.RoleGrant(role=ReferralRole(g["role"]), condition=RoleCondition(g["condition"]),
                    condition_value=g["condition_value"], source=g["source"],
                    assumption=g["assumption"])
        for g in json.loads(v or "[]")
    ]  # fmt: skip


_PROV = {"source": ("source", _text), "assumption": ("assumption", _text)}
_VALID = {"valid_from": ("valid_from", to_date), "valid_to": ("valid_to", to_date)}

# Python field name -> (stored property, conversion), per GraphQL type (see stores/props.py).
PLAIN: dict[str, dict[str, tuple[str, Conv]]] = {
    "Institution": {
        "id": ("id", _same), "name": ("name", _same), "names_alt": ("names_alt", _list),
        "level": ("level", Level), "grade": ("grade", _opt(Grade)),
        "level_text": ("level_text", _text), "type": ("type", InstitutionType),
        "ownership": ("ownership", Ownership), "specialties": ("specialties", _list),
        "review_passed_on": ("review_passed_on", to_date), "uscc": ("uscc", _same),
        "note": ("note", _text), "roles": ("role_grants", _roles),
        "division_code": ("division", _same), **_PROV,
    },
    "Alliance": {
        "id": ("id", _same), "name": ("name", _same), "kind": ("kind", AllianceKind),
        "integration": ("integration", Integration), "specialty": ("specialty", _text),
        "division_code": ("division", _same), **_VALID, **_PROV,
    },
    "Division": {
        "code": ("id", _same), "name": ("name", _same), "level": ("level", DivisionLevel),
        "gb_code": ("gb_code", _same), "parent_code": ("parent", _same),
        "statistical_code": ("stat_code", _same), **_VALID, **_PROV,
    },
    "Grid": {
        "id": ("id", _same), "name": ("name", _same), "division_code": ("division", _same),
        **_PROV,
    },
    "Membership": {
        "role": ("role", MemberRole), "institution_id": ("institution", _same), **_VALID,
        **_PROV,
    },
    "Member": {"role": ("role", MemberRole), **_VALID, **_PROV},
    "Pairing": {
        "alliance_id": ("alliance", _same), "upper_id": ("upper", _same),
        "lower_id": ("lower", _same), "upper_department": ("upper_department", _text),
        "specialty": ("specialty", _text), "specialty_code": ("specialty_code", _text),
        "responsible_upper": ("responsible_upper", _text),
        "responsible_lower": ("responsible_lower", _text), **_VALID, **_PROV,
    },
    "Channel": {
        "from_id": ("from", _same), "to_id": ("to", _same),
        "direction": ("direction", Direction), "alliance_id": ("alliance", _same),
        "conditions": ("conditions", _list), **_VALID, **_PROV,
    },
}  # fmt: skip

TYPES: dict[str, type] = {
    "Institution": t.Institution, "Alliance": t.Alliance, "Division": t.Division,
    "Grid": t.Grid, "Membership": t.Membership, "Member": t.Member, "Pairing": t.Pairing,
    "Channel": t.Channel, "Counterpart": t.Counterpart,
}  # fmt: skip

# Types whose plain fields live on a relationship (the link's `r`), not a node.
ON_RELATIONSHIP = {"Membership", "Member", "Pairing", "Channel"}
# Types that hold resolvers, and so a `pre` for their results.
WITH_PRE = {"Institution", "Alliance", "Division", "Pairing"}

_ROLE_RANK = (
    "CASE {r}.role "
    + " ".join(f"WHEN '{role.value}' THEN {rank}" for rank, role in enumerate(MemberRole))
    + " END"
)


def _valid(r: str, day: str) -> str:
    # A missing bound does not bind: the comparison with null is null, taken as true. The
    # same as comparing with date('0001-01-01') / date('9999-12-31'), without Neo4j
    # building those two dates again for every relationship it tests.
    return f"coalesce({r}.valid_from <= {day}, true) AND coalesce({r}.valid_to >= {day}, true)"


class Compiler:
    """Collects parameters and fresh variable names while a plan becomes Cypher text."""

    def __init__(self) -> None:
        self.params: dict[str, Any] = {}
        self._vars = 0

    def param(self, value: Any) -> str:
        name = f"p{len(self.params)}"
        self.params[name] = value
        return "$" + name

    def fresh(self) -> tuple[str, str]:
        self._vars += 1
        return f"n{self._vars}", f"r{self._vars}"

    def project(self, sel: Sel, node: str, rel: str | None = None) -> str:
        """The map projection of one object: its properties, then one entry per link."""
        base = rel if sel.type in ON_RELATIONSHIP and rel else node
        props = PLAIN.get(sel.type, {})
        items = sorted({f".{props[p][0]}" for p in sel.plain if p in props})
        if sel.type == "Counterpart":
            items = [f"direction: {rel}_direction",
                     f"pairing: {rel} {{.upper_department, .specialty, .specialty_code, "
                     ".responsible_upper, .responsible_lower, .source, .assumption}"]  # fmt: skip
        for key, link in sel.links.items():
            items.append(
                f"`__{key}`: {self.link(sel.type, node, rel, link.field, link.args, link.sel)}"
            )
        return f"{base} {{{', '.join(items)}}}"

    def link(self, parent: str, node: str, rel: str | None, name: str, args: dict[str, Any],
             sel: Sel) -> str:  # fmt: skip
        n, r = self.fresh()
        key = (parent, name)
        if key in {("Institution", "division"), ("Alliance", "division")}:
            return (f"COLLECT {{ MATCH ({n}:Division {{id: {node}.division}}) "
                    f"RETURN {self.project(sel, n)} }}[0]")  # fmt: skip
        if key == ("Division", "parent"):
            return (f"COLLECT {{ MATCH ({n}:Division {{id: {node}.parent}}) "
                    f"RETURN {self.project(sel, n)} }}[0]")  # fmt: skip
        if key == ("Division", "children"):
            return (f"COLLECT {{ MATCH ({n}:Division)-[:PART_OF]->({node}) "
                    f"WITH * ORDER BY {n}.id RETURN {self.project(sel, n)} }}")  # fmt: skip
        if key in {("Pairing", "upper"), ("Pairing", "lower")}:
            end = "upper" if name == "upper" else "lower"
            return (f"COLLECT {{ MATCH ({n}:Institution {{id: {rel}.{end}}}) "
                    f"RETURN {self.project(sel, n)} }}[0]")  # fmt: skip
        if key in {("Membership", "alliance"), ("Member", "institution"),
                   ("Counterpart", "institution"), ("Counterpart", "alliance")}:  # fmt: skip
            # The node is already matched beside the relationship: `node` is its variable.
            end = node if key != ("Counterpart", "alliance") else f"{rel}_alliance"
            return self.project(sel, end)
        day = self.param(as_of(args.get("on")))
        if key == ("Institution", "memberships"):
            return (f"COLLECT {{ MATCH ({node})-[{r}:MEMBER_OF]->({n}:Alliance) "
                    f"WHERE {_valid(r, day)} "
                    f"WITH * ORDER BY {n}.id, {r}.role "
                    f"RETURN {self.project(sel, n, r)} }}")  # fmt: skip
        if key == ("Institution", "alliances"):
            return (f"COLLECT {{ MATCH ({node})-[{r}:MEMBER_OF]->({n}:Alliance) "
                    f"WHERE {_valid(r, day)} WITH DISTINCT {n} "
                    f"WITH * ORDER BY {n}.id RETURN {self.project(sel, n)} }}")  # fmt: skip
        if key == ("Institution", "channels"):
            return " + ".join(
                f"COLLECT {{ MATCH ({node}){a}[{r}:CHANNEL]{b}(:Institution) "
                f"WHERE {_valid(r, day)} WITH DISTINCT {r} "
                f"WITH * ORDER BY {r}.key RETURN {self.project(sel, n, r)} }}"
                for a, b in (("-", "->"), ("<-", "-"))
            )
        if key == ("Institution", "counterparts"):
            return self.counterparts(node, args, sel, day)
        if key == ("Alliance", "members"):
            return (f"COLLECT {{ MATCH ({n}:Institution)-[{r}:MEMBER_OF]->({node}) "
                    f"WHERE {_valid(r, day)} WITH * ORDER BY {_ROLE_RANK.format(r=r)}, {n}.id "
                    f"RETURN {self.project(sel, n, r)} }}")  # fmt: skip
        if key == ("Alliance", "lead"):
            return (f"COLLECT {{ MATCH ({n}:Institution)-[{r}:MEMBER_OF]->({node}) "
                    f"WHERE {r}.role = 'lead' AND {_valid(r, day)} "
                    f"WITH * ORDER BY {n}.id "
                    f"RETURN {self.project(sel, n)} LIMIT 1 }}[0]")  # fmt: skip
        if key == ("Alliance", "pairs"):
            return (f"COLLECT {{ MATCH (:Institution)-[{r}:PAIRED_WITH {{alliance: {node}.id}}]->"
                    f"(:Institution) WHERE {_valid(r, day)} "
                    f"WITH * ORDER BY {r}.key RETURN {self.project(sel, n, r)} }}")  # fmt: skip
        if key == ("Alliance", "grids"):
            return (f"COLLECT {{ MATCH ({node})-[{r}:SERVES]->({n}:Grid) WHERE {_valid(r, day)} "
                    f"WITH * ORDER BY {n}.id RETURN {self.project(sel, n)} }}")  # fmt: skip
        raise AssertionError(f"no Cypher for link {key}")  # LINKS and this must agree

    def counterparts(self, node: str, args: dict[str, Any], sel: Sel, day: str) -> str:
        """`queries.counterparts`' own statement, its `me` bound to `node`, its parameters
        renamed to this link's, its rows projected and sorted as `_sorted` sorts them."""
        specialty = args.get("specialty")
        codes, names = specialty_match(specialty) if specialty is not None else ((), ())
        kind, direction = args.get("alliance_kind"), args.get("direction")
        values = {
            "alliance_kind": kind.value if kind else None, "alliance": args.get("alliance"),
            "specialty": specialty, "codes": list(codes), "names": list(names),
            "direction": direction.value if direction else None,
        }  # fmt: skip
        renamed = {k: self.param(v) for k, v in values.items()}
        renamed["on"] = day
        body = _COUNTERPART_BODY
        body = re.sub(r"\$(\w+)", lambda m: renamed[m.group(1)], body)
        body = re.sub(r"\bme\b", node, body)
        _, r = self.fresh()
        body = re.sub(r"\bother\b", f"{r}_other", body)
        body = re.sub(r"\bdirection\b", f"{r}_direction", body)
        body = re.sub(r"\bp\b", r, body)
        body = re.sub(r"\ba\b", f"{r}_alliance", body)
        return (f"COLLECT {{ {body} WITH * ORDER BY {r}_alliance.id, {r}_direction, "
                f"{r}.upper_department, {r}_other.id "
                f"RETURN {self.project(sel, f'{r}_other', r)} }}")  # fmt: skip


def _body(cypher: str, first: str, last: str) -> str:
    """`cypher` without its first and last line, which must be `first` and `last`."""
    lines = cypher.strip().splitlines()
    assert lines[0].strip() == first and lines[-1].strip() == last, cypher
    return "\n".join(lines[1:-1])


_COUNTERPART_BODY = _body(counterparts.CYPHER, "MATCH (me:Institution {id: $institution})",
                          "RETURN other, p, direction, a")  # fmt: skip
_INSTITUTION_LIST = _body("X\n" + institution_list.CYPHER, "X",
                          "RETURN i ORDER BY i.id LIMIT $limit")  # fmt: skip
_ALLIANCE_LIST = _body("X\n" + alliance_list.LIST, "X", "RETURN a ORDER BY a.id LIMIT $limit")

# An institution by id, else by exact name in either script, else by name with its place:
# the tiers of `queries.institution_lookup`, in one statement. `n` is how many it names.
RESOLVE = """
OPTIONAL MATCH (hit:Institution {id: $ref})
WITH hit, CASE WHEN hit IS NULL THEN COLLECT {
    MATCH (i:Institution) WHERE i.name_key = $key RETURN i
    UNION
    MATCH (i:Institution) WHERE i.alt_keys CONTAINS $needle RETURN i } ELSE [] END AS named
WITH hit, named, CASE WHEN hit IS NULL AND size(named) = 0 AND $by_place THEN COLLECT {
    MATCH (i:Institution) WHERE i.search_keys CONTAINS $needle RETURN i } ELSE [] END AS placed
WITH CASE WHEN hit IS NOT NULL THEN [hit] WHEN size(named) > 0 THEN named ELSE placed END
     AS found
WITH size(found) AS n, CASE WHEN size(found) = 1 THEN found[0] END AS n0
"""


def builder(sel: Sel) -> Builder:
    """A function making the API object of `sel` from its projected map, made once per
    plan so that the per-row work is plain dictionary reads."""
    cls = TYPES[sel.type]
    props = PLAIN.get(sel.type, {})
    convs = [(p, props[p][0], props[p][1]) for p in sorted(sel.plain) if p in props]
    links = [
        (key, f"__{key}", builder(link.sel), LINKS[(sel.type, link.field)])
        for key, link in sel.links.items()
    ]
    counterpart = sel.type == "Counterpart"
    with_pre = sel.type in WITH_PRE

    def make(row: dict[str, Any] | None) -> Any:
        if row is None:
            return None
        obj: Any = object.__new__(cls)
        d = obj.__dict__
        for py, prop, conv in convs:
            d[py] = conv(row.get(prop))
        if counterpart:
            _counterpart_fields(d, row)
        pre: dict[str, Any] = {}
        for key, column, child, spec in links:
            value = row[column]
            made = [child(x) for x in value] if spec.many else child(value)
            if spec.attribute:
                d[key] = made
            else:
                pre[key] = made
        if with_pre:
            d["pre"] = pre
        return obj

    return make


def _counterpart_fields(d: dict[str, Any], row: dict[str, Any]) -> None:
    p, side = row["pairing"], row["direction"]
    upper = side == counterparts.UPPER
    d["direction"] = CounterpartDirection(side)
    d["department"] = p["upper_department"] or None
    d["specialty"] = p["specialty"] or None
    d["specialty_code"] = p["specialty_code"] or None
    d["responsible_person"] = (p["responsible_upper"] if upper else p["responsible_lower"]) or None
    d["own_responsible_person"] = (
        p["responsible_lower"] if upper else p["responsible_upper"]
    ) or None
    d["source"] = p["source"] or ""
    d["assumption"] = p["assumption"] or ""


def _run(reader: Reader, cypher: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    # The text comes from this module's constants and the plan's shape; values are params.
    # Map projections only: no node or relationship to turn into a map.
    return reader.maps(cypher, **params)


def resolve_params(ref: str) -> dict[str, Any]:
    from graphmodel.names import SEPARATOR, alt_needle, name_key

    key = name_key(ref)
    return {"ref": ref, "key": key, "needle": alt_needle(key), "by_place": SEPARATOR not in key}


# With `raw`, the statements below answer the projected maps themselves instead of the API's
# objects: `api.direct` writes the response straight from them (`ROW_FIELDS` says how).


def one_statement(root: str, sel: Sel, raw: bool = False, **args: Any) -> Statement:
    """The statement of `institution`, `alliance` or `division` and how its rows become
    the answer: (found uniquely, object or None)."""
    c = Compiler()
    make = _same if raw else builder(sel)
    if root == "institution":
        for k, v in resolve_params(args["ref"]).items():
            c.params[k] = v

        def resolved(rows: list[dict[str, Any]]) -> tuple[bool, Any]:
            if rows[0]["n"] != 1:
                return False, None
            return True, make(rows[0]["r"])

        return Statement(RESOLVE + f"RETURN n, {c.project(sel, 'n0')} AS r", c.params, resolved)
    label, prop = {"alliance": ("Alliance", "id"), "division": ("Division", "id")}[root]
    ident = c.param(args["id"])
    cypher = f"MATCH (n0:{label} {{{prop}: {ident}}}) RETURN {c.project(sel, 'n0')} AS r"

    def by_id(rows: list[dict[str, Any]]) -> tuple[bool, Any]:
        return True, make(rows[0]["r"]) if rows else None

    return Statement(cypher, c.params, by_id)


def list_statement(root: str, sel: Sel, params: dict[str, Any], raw: bool = False
                   ) -> Statement:  # fmt: skip
    """Rows of `institutions` / `alliances`: the list query's own filter, then projection."""
    c = Compiler()
    c.params.update(params)
    var, body = ("i", _INSTITUTION_LIST) if root == "institutions" else ("a", _ALLIANCE_LIST)
    cypher = f"{body}\nWITH {var} ORDER BY {var}.id LIMIT $limit\nRETURN {c.project(sel, var)} AS r"
    make = _same if raw else builder(sel)
    return Statement(cypher, c.params, lambda rows: [make(r["r"]) for r in rows])


def counterparts_statement(sel: Sel, ref: str, args: dict[str, Any], raw: bool = False
                           ) -> Statement:  # fmt: skip
    c = Compiler()
    for k, v in resolve_params(ref).items():
        c.params[k] = v
    day = c.param(as_of(args.get("on")))
    listed = c.counterparts("n0", args, sel, day)
    make = None if raw else builder(sel)

    def finish(rows: list[dict[str, Any]]) -> tuple[bool, list[Any]]:
        if rows[0]["n"] != 1:
            return False, []
        if make is None:
            return True, list(rows[0]["r"])
        return True, [make(x) for x in rows[0]["r"]]

    return Statement(RESOLVE + f"RETURN n, {listed} AS r", c.params, finish)


def run(reader: Reader, statement: Statement) -> Any:
    """A statement on the sync reader, answered."""
    return statement.finish(_run(reader, statement.cypher, statement.params))


def row_leaf(type_name: str, py: str) -> tuple[str, Conv] | None:
    """The stored property and conversion of a plain field, as `builder` reads it; None
    for a link, a `Counterpart`'s fields (made by `_counterpart_fields`) or a type
    `builder` does not build."""
    if type_name not in PLAIN or (type_name, py) in LINKS:
        return None
    return PLAIN[type_name].get(py)


same = _same  # the identity conversion, for callers that compare with it


def row_field(type_name: str, py: str, key: str) -> Callable[[dict[str, Any]], Any] | None:
    """How `builder` would fill the Python field `py` (asked as response key `key`) of a
    `type_name` from its projected map, as a function of the map; None for a type whose
    maps `builder` does not build (`RoleGrant`, connections): those stay objects."""
    column = row_column(type_name, py, key)
    if column is not None:
        return lambda row: row[column]
    if type_name == "Counterpart":

        def counterpart(row: dict[str, Any]) -> Any:
            d: dict[str, Any] = {}
            _counterpart_fields(d, row)
            return d[py]

        return counterpart
    if type_name not in TYPES:
        return None
    prop, conv = PLAIN[type_name][py]
    if conv is _same:
        return lambda row: row.get(prop)
    return lambda row: conv(row.get(prop))


def row_column(type_name: str, py: str, key: str) -> str | None:
    """The column of a projected map that holds the link `py` (asked as response key
    `key`) of a `type_name` as it is, for `row_field` and `api.direct` to read; None for a
    field that is not such a link."""
    if type_name == "Counterpart":
        return f"__{py}" if py in {"institution", "alliance"} else None
    link = LINKS.get((type_name, py)) if type_name in TYPES else None
    if link is None:
        return None
    # A link's result is under its response key, a plain attribute's under its name.
    return f"__{py}" if link.attribute else f"__{key}"


def day_param(on: date | None) -> date:
    return as_of(on)
