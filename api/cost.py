"""Query cost: an upper bound on the work a query asks for, computed before it runs.

Why not a library: `graphql-complexity` (PyPI, the one maintained Python package for this)
counts a list only when the field's type is a bare list, so every `[Member!]!` here (a
non-null list) would count once; it reads `first` only on the list field itself, not on a
Relay connection whose `edges`/`nodes` it sizes; it has no per-field bounds for lists
without `first`; and its strawberry extension ignores the request's variables. strawberry
(0.341) and graphql-core (3.3) have no cost rule. So the model is here, in one place.

The model. Each field selected costs its weight (1, or `WEIGHTS`) once per parent object
that can reach it; an object field's selection is counted once per object it can return:

- a connection (`institutions(first: n)`, `alliances`, `Division.institutions`) returns at
  most `first` edges and nodes: `first` from the literal, the variable or the schema's
  default, at most the page-size limit (larger ones are refused anyway);
- any other list field returns at most its declared bound (`BOUNDS`, realistic caps for
  the whole country; `DEFAULT_BOUND` for the rest: report rows, plain values);
- `Division.children` is a tree: however deeply `rootDivisions { children { children … } }`
  nests, the divisions it reaches are at most `DIVISIONS_MAX` in all, so a chain of them
  shares that population (a hop through anything else starts a new count);
- introspection fields cost 1 and are not descended (the schema is small and fixed).

So `institutions(first: 100) { nodes { alliances { members { institution { id } } } } }`
costs about 100 × 10 × 300 × 3: far over the default budget (`Settings.max_cost`), and it
is refused with `QUERY_TOO_COSTLY` and the cost, in the time it takes to walk the
document. A budget cannot be broken by the planner's own page: `tests/api/test_cost.py`
prices every query of the page, the README and `tests/api`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
    get_named_type,
    get_nullable_type,
    is_interface_type,
    is_list_type,
    is_object_type,
)

# Lists without `first`: at most this many items, anywhere in the country. Keep every
# bound here; the cost test fails if one makes a page's query too costly.
BOUNDS: Mapping[tuple[str, str], int] = {
    ("Query", "rootDivisions"): 40,  # province-level divisions (34)
    ("Division", "children"): 50,  # a county's townships, a city's districts
    ("Institution", "memberships"): 10,  # alliances one institution belongs to at once
    ("Institution", "alliances"): 10,
    ("Institution", "counterparts"): 50,  # one per alliance and pairing
    ("Institution", "channels"): 50,
    ("Query", "counterparts"): 50,
    ("Alliance", "members"): 300,  # a county community with its township centres
    ("Alliance", "pairs"): 300,
    ("Alliance", "grids"): 50,
    ("GridStatus", "alliances"): 10,
    ("ValidationReport", "findings"): 1000,
    ("GridCoverageReport", "grids"): 1000,
    ("GridCoverageReport", "areas"): 1000,
    ("Query", "unaffiliated"): 1000,
    ("KpiReport", "institutions"): 1000,
    ("KpiReport", "regions"): 1000,
    ("KpiReport", "leapfrogs"): 1000,
    ("InstitutionKpis", "figures"): 20,  # one per metric a policy caps or targets
    ("RegionKpis", "figures"): 20,
}
DEFAULT_BOUND = 100
DIVISIONS_MAX = 50_000  # provinces, cities, counties and townships: ~43,000 nationally
TREES = {("Query", "rootDivisions"), ("Division", "children")}
CONNECTION_LISTS = {"edges", "nodes"}

# Fields that run a computation over the whole graph (or a region) cost that much each.
# Weighed against a field's ~10 µs: validation runs every validator (~17 ms on the samples,
# seconds nationally), so a request can ask for it a handful of times, not twenty.
WEIGHTS: Mapping[tuple[str, str], int] = {
    ("Query", "validation"): 100_000,
    ("Query", "referralKpis"): 100_000,
    ("Query", "whatIf"): 100_000,  # validation, coverage and routes twice, on a neighbourhood
    ("Query", "networkAnalysis"): 100_000,
    ("Query", "gridCoverage"): 20_000,
    ("Query", "unaffiliated"): 20_000,
    ("Query", "referralRoute"): 5_000,
    ("Query", "boundaries"): 5_000,
    ("Query", "counterparts"): 100,
    ("Institution", "counterparts"): 20,
}

_VISITS_MAX = 200_000  # fields walked, fragments expanded: a bound on the walk itself


class _Walk:
    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: Mapping[str, FragmentDefinitionNode],
        variables: Mapping[str, Any],
        max_page_size: int,
    ) -> None:
        self.schema = schema
        self.fragments = fragments
        self.variables = variables
        self.max_page_size = max_page_size
        self.total = 0
        self.visits = 0
        self.expanding: set[str] = set()

    def selections(
        self,
        selection_set: SelectionSetNode,
        parent: GraphQLNamedType,
        count: int,
        page: int | None,
        population: int | None,
    ) -> None:
        for node in selection_set.selections:
            self.visits += 1
            if self.visits > _VISITS_MAX:
                raise _TooLarge
            if isinstance(node, FieldNode):
                self.field(node, parent, count, page, population)
            elif isinstance(node, InlineFragmentNode):
                on = self._type(node.type_condition.name.value) if node.type_condition else parent
                self.selections(node.selection_set, on or parent, count, page, population)
            elif isinstance(node, FragmentSpreadNode):
                name = node.name.value
                fragment = self.fragments.get(name)
                if fragment is None or name in self.expanding:
                    continue  # validation refuses unknown and cyclic fragments
                self.expanding.add(name)
                on = self._type(fragment.type_condition.name.value) or parent
                self.selections(fragment.selection_set, on, count, page, population)
                self.expanding.discard(name)

    def field(
        self,
        node: FieldNode,
        parent: GraphQLNamedType,
        count: int,
        page: int | None,
        population: int | None,
    ) -> None:
        name = node.name.value
        key = (parent.name, name)
        self.total += count * WEIGHTS.get(key, 1)
        if node.selection_set is None or name.startswith("__"):
            return
        if not (is_object_type(parent) or is_interface_type(parent)):
            return
        definition = parent.fields.get(name)
        if definition is None:
            return
        inner = get_named_type(definition.type)
        child_page = self.first(node, definition.args) if "first" in definition.args else None
        child_population = None
        if is_list_type(get_nullable_type(definition.type)):
            if page is not None and name in CONNECTION_LISTS:
                items = count * page
            else:
                items = count * BOUNDS.get(key, DEFAULT_BOUND)
            if key in TREES:
                left = DIVISIONS_MAX if population is None else population
                items = min(items, left)
                child_population = left - items
            count = items
        self.selections(node.selection_set, inner, count, child_page, child_population)

    def first(self, node: FieldNode, args: Mapping[str, Any]) -> int:
        value: Any = args["first"].default_value
        for arg in node.arguments or ():
            if arg.name.value != "first":
                continue
            if isinstance(arg.value, IntValueNode):
                value = int(arg.value.value)
            elif isinstance(arg.value, VariableNode):
                value = self.variables.get(arg.value.name.value, value)
            else:
                value = None
        if not isinstance(value, int) or isinstance(value, bool):
            return self.max_page_size  # malformed: coercion refuses it; price it as the most
        return min(max(value, 0), self.max_page_size)

    def _type(self, name: str) -> GraphQLNamedType | None:
        return self.schema.get_type(name)


class _TooLarge(Exception):
    pass


def _operation(document: DocumentNode, name: str | None) -> Iterator[OperationDefinitionNode]:
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    chosen = [o for o in operations if name is not None and o.name and o.name.value == name]
    yield from chosen or operations


def query_cost(
    schema: GraphQLSchema,
    document: DocumentNode,
    variables: Mapping[str, Any] | None = None,
    operation_name: str | None = None,
    max_page_size: int = 100,
) -> int:
    """The cost of the operation (the most costly one if the name matches none).

    Variables are the raw JSON values; the default of a variable definition counts when the
    request leaves it out. A document too large to walk costs more than any budget.
    """
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    worst = 0
    for operation in _operation(document, operation_name):
        given = dict(variables or {})
        for definition in operation.variable_definitions or ():
            var = definition.variable.name.value
            if var not in given and isinstance(definition.default_value, IntValueNode):
                given[var] = int(definition.default_value.value)
        root = schema.get_root_type(operation.operation)
        if not isinstance(root, GraphQLObjectType):
            continue
        walk = _Walk(schema, fragments, given, max_page_size)
        try:
            walk.selections(operation.selection_set, root, 1, None, None)
        except _TooLarge:
            return 10**18
        worst = max(worst, walk.total)
    return worst
