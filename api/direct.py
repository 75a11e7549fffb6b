"""A fully compiled operation answered straight from its plan, without graphql-core's
field execution.

Why: the root fields already fetch their whole selection in one go (`api.projection`), so
what was left of a nested read's time was graphql-core executing the answer field by field:
an alliance's ~360 members with their alliances are ~2,100 fields, each a resolver call,
an `Info`, a completion step and a path entry. When every field of an operation is one the
plan covers, `Direct` runs the root fields' plans (`api.roots`, the resolvers' own code)
and writes the response itself, from a writer compiled once per request from the
operation's AST: response keys and aliases in graphql-core's order, fragments and
`@skip`/`@include` resolved as graphql-core resolves them, `__typename`, leaves serialised
by the schema's own scalar and enum types (enums as their GraphQL names, dates as ISO
text), nulls and lists. On Neo4j the writer reads the statement's projected maps as
`api.projection_neo4j.builder` would (`row_field`), so no API object is built only to be
read once. What depends only on the document, the operation and the variables (coerced
variables, converted arguments, the planned selections, the compiled writers) is kept per
those three, so a repeated read only runs its statement and writes.

Anything else is left to graphql-core, which is always right, only slower: a mutation, a
root field outside `api.roots.ROOTS`, a field with a resolver the plan does not cover
(`Division.institutions`), a fragment on another type, a reference that does not name one
institution, and any error at all (a bad cursor, a page too large, a store failure, a null
where the schema promises a value). Then the request runs as before and answers with the
errors graphql-core gives; the work done here is discarded. Everything around execution
(parse and validation caches, cost limit, heavy lane, auth, persisted documents, HTTP
cache, metrics, tracing, timeouts) is outside this step and unchanged.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum
from functools import partial
from typing import Any, NamedTuple

import orjson
from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    GraphQLEnumType,
    GraphQLID,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLSchema,
    GraphQLString,
    OperationDefinitionNode,
    OperationType,
    get_operation_ast,
    is_leaf_type,
)
from graphql.execution.values import (
    VariableValues,
    get_argument_values,
    get_variable_values,
)
from strawberry.types.arguments import convert_arguments

from api.projection import LINKS, NO_KEYS, Planner, included, sub_fields
from api.projection_neo4j import row_column, row_field, row_leaf, same
from api.roots import ROOTS

Write = Callable[[Any], Any]
BACKREF = "strawberry-definition"
COVERS_KEPT = 1024  # verdicts of `Direct.covers` kept, by document text
PLANS_KEPT = 1024  # operations' plans kept, by document, operation name and variables
SORTED = orjson.OPT_SORT_KEYS


class Fallback(Exception):
    """This operation, or this answer, is graphql-core's to give."""


class Direct:
    """Answers fully compiled operations of one strawberry schema; counts what it did so
    that tests and operators can see it ran (`served`) or why not (`declined`)."""

    def __init__(self) -> None:
        self.enabled = True  # tests turn it off to compare with graphql-core's answers
        self._covers: dict[tuple[str, str | None], bool] = {}
        self._plans: dict[Any, tuple[DocumentNode, list[RootPlan]]] = {}
        self.served = 0
        self.declined = 0
        self.from_maps = 0  # root fields written from Neo4j's projected maps

    async def answer(self, schema: Any, document: DocumentNode, operation_name: str | None,
                     variables: dict[str, Any] | None, context: Any
                     ) -> dict[str, Any] | None:  # fmt: skip
        """The response's `data`, or None for graphql-core to answer. `schema` is the
        strawberry schema (for argument conversion), `context` the request's `Context`."""
        if not self.enabled:
            return None
        try:
            data = await self._answer(schema, document, operation_name, variables, context)
        except Exception:  # any failure is graphql-core's to report, its own way
            self.declined += 1
            return None
        self.served += 1
        return data

    def covers(self, schema: GraphQLSchema, query: str, document: DocumentNode,
               operation_name: str | None) -> bool:  # fmt: skip
        """Whether `answer` can serve the operation, every directive taken as including
        (variables only remove fields), by text; errors at run time may still decline."""
        key = (query, operation_name)
        found = self._covers.get(key)
        if found is None:
            found = self._static(schema, document, operation_name)
            if len(self._covers) >= COVERS_KEPT:
                self._covers.clear()
            self._covers[key] = found
        return found and self.enabled

    def _static(self, schema: GraphQLSchema, document: DocumentNode,
                operation_name: str | None) -> bool:  # fmt: skip
        operation = get_operation_ast(document, operation_name)
        root = schema.query_type
        if operation is None or operation.operation is not OperationType.QUERY or root is None:
            return False
        fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        writer = Writer(fragments, VariableValues({}, {}), every=True)
        try:
            for group in writer.fields(root.name, [operation]).values():
                name = group[0].name.value
                if name != "__typename":
                    if name not in ROOTS:
                        return False
                    writer.field(root.fields[name].type, group)
        except (Fallback, KeyError):
            return False
        return True

    async def _answer(self, strawberry_schema: Any, document: DocumentNode,
                      operation_name: str | None, variables: dict[str, Any] | None,
                      context: Any) -> dict[str, Any]:  # fmt: skip
        plan = self._plan(strawberry_schema, document, operation_name, variables)
        data: dict[str, Any] = {}
        for root in plan:
            if root.run is None:
                data[root.key] = root.typename
                continue
            found, value = await root.run(context, root.planner, root.args, raw=True)
            if not found:
                raise Fallback("not one institution")
            if holds_maps(value):  # Neo4j's projected maps: read them as `builder` would
                data[root.key] = root.maps_writer()(value)
                self.from_maps += 1
            else:
                data[root.key] = root.write(value)
        return data

    def _plan(self, strawberry_schema: Any, document: DocumentNode, operation_name: str | None,
              variables: dict[str, Any] | None) -> list[RootPlan]:  # fmt: skip
        """The operation's root fields, planned; by document, operation and variables, as
        nothing in a plan depends on anything else (the store is asked at run time)."""
        try:
            key: Any = (id(document), operation_name, orjson.dumps(variables, option=SORTED))
        except (TypeError, orjson.JSONEncodeError):
            key = None
        cached = self._plans.get(key) if key is not None else None
        if cached is not None and cached[0] is document:
            return cached[1]
        plan = self._make_plan(strawberry_schema, document, operation_name, variables)
        if key is not None:
            if len(self._plans) >= PLANS_KEPT:
                self._plans.clear()
            # The document is kept beside its plan: its id is not reused while it lives.
            self._plans[key] = (document, plan)
        return plan

    def _make_plan(self, strawberry_schema: Any, document: DocumentNode,
                   operation_name: str | None, variables: dict[str, Any] | None
                   ) -> list[RootPlan]:  # fmt: skip
        schema = strawberry_schema._schema
        operation = get_operation_ast(document, operation_name)
        if operation is None or operation.operation is not OperationType.QUERY:
            raise Fallback("not one query")
        coerced = get_variable_values(schema, operation.variable_definitions or (),
                                      variables or {})  # fmt: skip
        if not isinstance(coerced, VariableValues):
            raise Fallback("variables do not coerce")
        fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        writer = Writer(fragments, coerced)
        root = schema.query_type
        assert root is not None
        plan: list[RootPlan] = []
        for key, group in writer.fields(root.name, [operation]).items():
            name = group[0].name.value
            if name == "__typename":
                plan.append(RootPlan(key, root.name))
                continue
            run = ROOTS.get(name)
            if run is None:
                raise Fallback(f"root field {name} is not compiled")
            fdef = root.fields[name]
            args = convert_arguments(
                get_argument_values(fdef, group[0], coerced),
                fdef.extensions[BACKREF].arguments,
                scalar_registry=strawberry_schema.schema_converter.scalar_registry,
                config=strawberry_schema.config,
            )
            planner = Planner(schema, fragments, coerced, group, keys=NO_KEYS)
            maps = partial(Writer(fragments, coerced, maps=True).field, fdef.type, group)
            write = writer.field(fdef.type, group)
            plan.append(RootPlan(key, root.name, run, args, planner, write, maps))
        return plan


class RootPlan:
    """One root field of a planned operation: how to fetch it and how to write it."""

    def __init__(self, key: str, typename: str, run: Any = None, args: Any = None,
                 planner: Any = None, write: Write | None = None,
                 compile_maps: Callable[[], Write] | None = None) -> None:  # fmt: skip
        self.key, self.typename, self.run, self.args = key, typename, run, args
        self.planner = planner
        self.write: Write = write or (lambda v: v)
        self._compile_maps = compile_maps
        self._maps: Write | None = None

    def maps_writer(self) -> Write:
        if self._maps is None:
            assert self._compile_maps is not None
            self._maps = self._compile_maps()
        return self._maps


def holds_maps(value: Any) -> bool:
    """Whether a root field's value is projected maps (dicts) rather than API objects."""
    if isinstance(value, list):
        value = value[0] if value else None
    elif hasattr(value, "edges"):
        value = value.edges[0].node if value.edges else None
    return type(value) is dict


class Writer:
    """Compiles selection sets into functions from the API objects to the response."""

    def __init__(self, fragments: dict[str, FragmentDefinitionNode],
                 variables: VariableValues, maps: bool = False, every: bool = False
                 ) -> None:  # fmt: skip
        self.fragments = fragments
        self.variables = variables
        self.maps = maps  # the compiled types' values are Neo4j's projected maps
        self.every = every  # every directive taken as including: what an operation may ask

    def _included(self, node: Any) -> bool:
        return self.every or included(node, self.variables)

    def fields(self, type_name: str, nodes: list[FieldNode] | list[OperationDefinitionNode]
               ) -> dict[str, list[FieldNode]]:  # fmt: skip
        """The sub-fields of `nodes` by response key, in graphql-core's order."""

        def on_this_type(condition: Any) -> bool:
            if condition is not None and condition.name.value != type_name:
                raise Fallback("a fragment on another type")
            return True

        return sub_fields(nodes, self.fragments, self._included, on_this_type)

    def field(self, gtype: GraphQLOutputType, nodes: list[FieldNode]) -> Write:
        """How to write a value of `gtype` asked by `nodes`. A non-null type's writer
        declines a null itself (one call per value, not a wrapper around another)."""
        required = isinstance(gtype, GraphQLNonNull)
        inner = gtype.of_type if isinstance(gtype, GraphQLNonNull) else gtype
        if isinstance(inner, GraphQLList):
            item = self.field(inner.of_type, nodes)

            def many(value: Any) -> Any:
                if value is None:
                    return null(required)
                return [item(v) for v in value]

            return many
        if isinstance(inner, GraphQLObjectType):
            return self.object(inner, nodes, required)
        put = leaf(inner)
        if not required:
            return put

        def required_leaf(value: Any) -> Any:
            return null(True) if value is None else put(value)

        return required_leaf

    def object(self, gtype: GraphQLObjectType, nodes: list[FieldNode], required: bool
               ) -> Write:  # fmt: skip
        parts: list[Part] = []
        type_name = gtype.name
        for key, group in self.fields(type_name, nodes).items():
            name = group[0].name.value
            if name == "__typename":
                parts.append(Part("const", key, type_name))
                continue
            fdef = gtype.fields[name]
            sfield = fdef.extensions[BACKREF]
            fused = self.fused_leaf(key, type_name, sfield.python_name, fdef.type)
            if fused is not None:
                parts.append(fused)
                continue
            put = self.field(fdef.type, group)
            column = row_column(type_name, sfield.python_name, key) if self.maps else None
            if column is not None:
                parts.append(Part("column", key, column, put))
                continue
            get = getter(type_name, sfield, key, self.maps)
            parts.append(Part("call", key, None, compose(get, put)))
        return object_writer(parts, required)

    def fused_leaf(self, key: str, type_name: str, py: str, gtype: GraphQLOutputType
                   ) -> Part | None:  # fmt: skip
        """For a projected map's plain text or enum property, read and serialise in one
        step: most of a large answer's fields."""
        spot = row_leaf(type_name, py) if self.maps else None
        inner = gtype.of_type if isinstance(gtype, GraphQLNonNull) else gtype
        if spot is None or not is_leaf_type(inner):
            return None
        prop, conv = spot
        put = self.field(gtype, [])
        if conv is same and inner in (GraphQLString, GraphQLID):
            return Part("text", key, prop, put)  # text as it is, anything else through put
        if isinstance(conv, type) and issubclass(conv, Enum) and isinstance(inner, GraphQLEnumType):
            # The stored value straight to the GraphQL name, as conv then serialize would;
            # a null or unknown value goes through them, and fails as `builder` would.
            names = {member.value: name for name, member in
                     ((n, conv(v.value)) for n, v in inner.values.items())}  # fmt: skip
            return Part("enum", key, prop, lambda v: put(conv(v)), names)
        return None


class Part(NamedTuple):
    """One entry of an object's response and how `object_writer` makes it from the
    object: `const` is `arg`; `text` the property `arg` if it is text, else `slow` of it;
    `enum` the GraphQL name in `names` of the property `arg`, else `slow` of it; `column`
    `slow` of the column `arg`; `call` `slow` of the whole object."""

    kind: str
    key: str
    arg: Any
    slow: Write | None = None
    names: dict[Any, str] | None = None


# Each kind's expression, `o` the object and `v` a scratch variable; `{i}` the part's index.
EXPRESSIONS = {
    "const": "a{i}",
    "text": "(v if type(v := o.get(a{i})) is str else s{i}(v))",
    "enum": "(n{i}.get(v := o.get(a{i})) or s{i}(v))",
    "column": "s{i}(o[a{i}])",
    "call": "s{i}(o)",
}


def object_writer(parts: list[Part], required: bool) -> Write:
    """The writer of one object selection, compiled from Python source: one dict display
    of its entries, text and enum leaves read inline.

    Why: made of closures (a dict comprehension calling one function per entry, each
    calling the next), writing a nested read's ~2,100 fields took ~4x as long as the same
    reads written out by hand (bench/README.md); this is them written out. Only names of
    this function's own making go into the source (`k0`, `a0`, `s0`, `n0`); the response
    keys, properties and functions they stand for are values in its namespace, so nothing
    a request sends is ever compiled. Made once per operation and kept with its plan."""
    space: dict[str, Any] = {"null": null, "required": required}
    items = []
    for i, part in enumerate(parts):
        space.update({f"k{i}": part.key, f"a{i}": part.arg, f"s{i}": part.slow,
                      f"n{i}": part.names})  # fmt: skip
        items.append(f"k{i}: " + EXPRESSIONS[part.kind].format(i=i))
    source = (
        "def write(o):\n    if o is None:\n        return null(required)\n"
        f"    return {{{', '.join(items)}}}\n"
    )
    exec(compile(source, "<api.direct object_writer>", "exec"), space)
    write: Write = space["write"]
    return write


def null(required: bool) -> None:
    if required:
        raise Fallback("null where the schema promises a value")
    return None


def compose(get: Callable[[Any], Any], put: Write) -> Write:
    return lambda obj: put(get(obj))


def getter(type_name: str, sfield: Any, key: str, maps: bool) -> Callable[[Any], Any]:
    """How the resolver of this field would read it from its parent, without running it;
    with `maps`, from the projected map its object would have been built from."""
    py = sfield.python_name
    if maps:
        read = row_field(type_name, py, key)
        if read is not None:
            return read
    spec = LINKS.get((type_name, py))
    if spec is not None and not spec.attribute:
        # The plan's result, by response key: a key it dropped (two meanings) is a KeyError.
        return lambda obj: obj.pre[key]
    if sfield.base_resolver is None:
        return lambda obj: getattr(obj, py)
    if type_name.endswith("Connection") and py == "nodes":
        return lambda obj: [e.node for e in obj.edges]
    raise Fallback(f"{type_name}.{py} has a resolver the plan does not cover")


def leaf(gtype: Any) -> Write:
    """A scalar's or enum's serialisation by the schema's own type."""
    serialize = gtype.serialize
    if gtype in (GraphQLString, GraphQLID):
        return lambda v: v if type(v) is str or v is None else checked(serialize(v))
    if isinstance(gtype, GraphQLEnumType):
        wrapped = getattr(gtype, "wrapped_cls", None)
        names = {
            (wrapped(v.value) if wrapped else v.value): name for name, v in gtype.values.items()
        }

        def enum(v: Any) -> Any:
            if v is None:
                return None
            found = names.get(v)
            return found if found is not None else checked(serialize(v))

        return enum
    return lambda v: None if v is None else checked(serialize(v))


def checked(serialized: Any) -> Any:
    if serialized is None:  # graphql-core refuses a leaf that serialises to nothing
        raise Fallback("a leaf serialised to null")
    return serialized
