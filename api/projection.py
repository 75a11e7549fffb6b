"""A root field's selection set as a plan: what to fetch, in one go, for the whole answer.

Why: resolving a nested read field by field cost a round trip per level and a coroutine per
node (an alliance's ~360 members with their alliances: ~2,500 fields, most of the time in
Python). Instead the root resolver compiles its selection set once into a `Sel` tree
(plain fields, neighbour links with their aliases and arguments), and a store evaluates
the whole tree: Neo4j as one parameterised Cypher statement (`api.projection_neo4j`), the
embedded store by walking `MemoryGraph` directly (`api.projection_memory`). Each object of
the answer carries its neighbours' results in `pre`, keyed by response key (so two aliases
of one field with different `on` each get their own), and its resolvers only read them.

Compiled links are those in `LINKS`. What is not compiled falls back to today's resolvers
and DataLoaders, which is always correct, only slower:
- `Division.institutions`: a paginated connection with its own `first`/`after` per parent;
  rare under a list, and its subtree is then resolved by the loaders.
- Links whose response key is asked twice with different arguments or selections inside
  one object (possible only through `edges { node }` and `nodes` of one connection): the
  key is dropped from the plan rather than answered wrongly.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLIncludeDirective,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLSkipDirective,
    InlineFragmentNode,
    NamedTypeNode,
    OperationDefinitionNode,
    SelectionSetNode,
    get_named_type,
)
from graphql.execution.values import (
    VariableValues,
    get_argument_values,
    get_directive_values,
)
from strawberry.types import Info


@dataclass(frozen=True)
class LinkSpec:
    """A neighbour field: the type it leads to, whether a list, and whether it is a plain
    attribute of its parent (set on the object) or a resolver (read from `pre`)."""

    target: str
    many: bool
    attribute: bool = False


LINKS: dict[tuple[str, str], LinkSpec] = {
    ("Institution", "division"): LinkSpec("Division", many=False),
    ("Institution", "memberships"): LinkSpec("Membership", many=True),
    ("Institution", "alliances"): LinkSpec("Alliance", many=True),
    ("Institution", "channels"): LinkSpec("Channel", many=True),
    ("Institution", "counterparts"): LinkSpec("Counterpart", many=True),
    ("Alliance", "division"): LinkSpec("Division", many=False),
    ("Alliance", "members"): LinkSpec("Member", many=True),
    ("Alliance", "lead"): LinkSpec("Institution", many=False),
    ("Alliance", "pairs"): LinkSpec("Pairing", many=True),
    ("Alliance", "grids"): LinkSpec("Grid", many=True),
    ("Membership", "alliance"): LinkSpec("Alliance", many=False, attribute=True),
    ("Member", "institution"): LinkSpec("Institution", many=False, attribute=True),
    ("Pairing", "upper"): LinkSpec("Institution", many=False),
    ("Pairing", "lower"): LinkSpec("Institution", many=False),
    ("Division", "parent"): LinkSpec("Division", many=False),
    ("Division", "children"): LinkSpec("Division", many=True),
    ("Counterpart", "institution"): LinkSpec("Institution", many=False, attribute=True),
    ("Counterpart", "alliance"): LinkSpec("Alliance", many=False, attribute=True),
}

# Fields with a resolver that the plan leaves to it (see the module docstring).
NOT_COMPILED = {("Division", "institutions")}

# Plain fields every object of a type carries whatever was asked: the fallback resolvers
# and cursors need them.
KEY_FIELDS: dict[str, frozenset[str]] = {
    "Institution": frozenset({"id", "division_code"}),
    "Alliance": frozenset({"id", "division_code"}),
    "Division": frozenset({"code", "parent_code"}),
    "Pairing": frozenset({"upper_id", "lower_id", "alliance_id"}),
    "Membership": frozenset({"institution_id"}),
}
# An operation answered straight from its plan (`api.direct`) runs no fallback resolver,
# so it needs no key field: not a property more for Neo4j to read per node (a page's
# nodes still carry their `id`, for the cursors: `connection_sel`).
NO_KEYS: dict[str, frozenset[str]] = {}


@dataclass
class Link:
    key: str  # the response key: the alias, or the field's name
    field: str  # the Python name of the field
    args: dict[str, Any]
    sel: Sel


@dataclass
class Sel:
    """What is asked of the objects of one GraphQL type at one place in the query."""

    type: str
    plain: set[str] = field(default_factory=set)
    links: dict[str, Link] = field(default_factory=dict)

    def merge(self, other: Sel) -> None:
        self.plain |= other.plain
        for key, link in other.links.items():
            mine = self.links.get(key)
            if mine is None:
                self.links[key] = link
            elif mine.args != link.args or mine.field != link.field:
                # One key, two meanings for the same object: leave it to the resolvers.
                del self.links[key]
            else:
                mine.sel.merge(link.sel)


def snake(name: str) -> str:
    """A GraphQL field name as strawberry's Python name: `namesAlt` → `names_alt`."""
    return re.sub(r"(?<!^)([A-Z])", r"_\1", name).lower()


def included(node: Any, variables: Any) -> bool:
    """Whether @skip / @include, with the request's variables, keep `node`."""
    skip = get_directive_values(GraphQLSkipDirective, node, variables)
    if skip and skip.get("if") is True:
        return False
    include = get_directive_values(GraphQLIncludeDirective, node, variables)
    return not (include and include.get("if") is False)


def sub_fields(
    nodes: list[FieldNode] | list[OperationDefinitionNode],
    fragments: Mapping[str, FragmentDefinitionNode],
    keep: Callable[[Any], bool],
    on_type: Callable[[NamedTypeNode | None], bool] = lambda _: True,
) -> dict[str, list[FieldNode]]:
    """The sub-fields of `nodes` by response key, in graphql-core's order: inline fragments
    and fragment spreads (each spread once) whose type condition `on_type` accepts are
    entered, and only selections `keep` keeps are taken."""
    grouped: dict[str, list[FieldNode]] = {}
    seen: set[str] = set()

    def visit(selection_set: SelectionSetNode | None) -> None:
        for s in selection_set.selections if selection_set else ():
            if not keep(s):
                continue
            if isinstance(s, FieldNode):
                key = s.alias.value if s.alias else s.name.value
                grouped.setdefault(key, []).append(s)
            elif isinstance(s, InlineFragmentNode):
                if on_type(s.type_condition):
                    visit(s.selection_set)
            elif isinstance(s, FragmentSpreadNode):
                name = s.name.value
                fragment = fragments.get(name)
                if name in seen or fragment is None:
                    continue
                seen.add(name)
                if on_type(fragment.type_condition):
                    visit(fragment.selection_set)

    for n in nodes:
        visit(n.selection_set)
    return grouped


class Planner:
    """Builds `Sel` trees from the request's AST, with fragments, @skip/@include and
    variables resolved as graphql-core does."""

    def __init__(self, schema: GraphQLSchema, fragments: Mapping[str, FragmentDefinitionNode],
                 variables: Any, root_nodes: list[FieldNode],
                 keys: Mapping[str, frozenset[str]] = KEY_FIELDS) -> None:  # fmt: skip
        self.schema = schema
        self.keys = keys
        # A planner may serve many requests of one operation (`api.direct` keeps it): its
        # plans are made once. Nothing mutates a finished `Sel`.
        self._made: dict[str, Sel] = {}
        self.fragments = fragments
        # graphql-core hands resolvers the plain coerced dict; its argument coercion wants
        # the VariableValues it was made from (sources are only used for defaults).
        self.variables = VariableValues({}, variables) if isinstance(variables, dict) else variables
        self.root_nodes = root_nodes

    @classmethod
    def of(cls, info: Info[Any, Any]) -> Planner:
        """The planner of a resolver's own field."""
        raw = info._raw_info
        return cls(raw.schema, raw.fragments, raw.variable_values, list(raw.field_nodes))

    def fields(self, nodes: list[FieldNode]) -> dict[str, list[FieldNode]]:
        """The sub-fields of `nodes`, grouped by response key."""
        return sub_fields(nodes, self.fragments, lambda s: included(s, self.variables))

    def object_type(self, name: str) -> GraphQLObjectType:
        found = self.schema.get_type(name)
        assert isinstance(found, GraphQLObjectType)
        return found

    def sel(self, type_name: str, nodes: list[FieldNode]) -> Sel:
        gtype = self.object_type(type_name)
        out = Sel(type_name, plain=set(self.keys.get(type_name, ())))
        for key, group in self.fields(nodes).items():
            name = group[0].name.value
            if name.startswith("__"):
                continue
            py = snake(name)
            spec = LINKS.get((type_name, py))
            if spec is None:
                if (type_name, py) not in NOT_COMPILED:
                    out.plain.add(py)
                continue
            fdef = gtype.fields[name]
            target = get_named_type(fdef.type).name
            args = {
                snake(k): v for k, v in get_argument_values(fdef, group[0], self.variables).items()
            }
            link = Link(key, py, args, self.sel(target, group))
            if spec.attribute:
                # A plain attribute has one value whatever the alias: merge every alias.
                key = py
                link.key = py
            if key in out.links:
                out.merge(Sel(type_name, links={key: link}))
            else:
                out.links[key] = link
        return out

    def connection_sel(self, node_type: str) -> Sel:
        """The selection on a connection's nodes: `nodes {…}` and `edges { node {…} }`."""
        found = self._made.get(f"{node_type}Connection")
        if found is None:
            found = self._made[f"{node_type}Connection"] = self._connection_sel(node_type)
        return found

    def _connection_sel(self, node_type: str) -> Sel:
        out = Sel(node_type, plain={"id", *self.keys.get(node_type, ())})
        for group in self.fields(self.root_nodes).values():
            name = group[0].name.value
            if name == "nodes":
                out.merge(self.sel(node_type, group))
            elif name == "edges":
                for inner in self.fields(group).values():
                    if inner[0].name.value == "node":
                        out.merge(self.sel(node_type, inner))
        return out

    def root_sel(self, type_name: str) -> Sel:
        found = self._made.get(type_name)
        if found is None:
            found = self._made[type_name] = self.sel(type_name, self.root_nodes)
        return found


MISSING: Any = object()


def precomputed(obj: Any, info: Info[Any, Any]) -> Any:
    """This field's value from the plan, or `MISSING` when the plan did not fetch it."""
    pre: dict[Any, Any] | None = obj.pre
    if pre is None:
        return MISSING
    return pre.get(info.path.key, MISSING)


Builder = Callable[[Any], Any]
