"""Parse, validate and price a document once: one extension, its verdicts cached by text.

Why one extension and not one per limit: strawberry calls each extension's hooks on every
request (a context manager built per hook and extension), and its limiters
(`QueryDepthLimiter`, `MaxAliasesLimiter`, `DisableIntrospection`) add their rules per
request. Here the rules are built once per schema, strawberry's own classes, so their
refusals read the same; and what depends only on the document (the parsed document, the
validation errors) or on the document and its variables (the cost) is computed once:

- the document, by token limit and text (`Caches.documents`);
- the validation errors, depth, alias and introspection limits included, by text
  (`Caches.validations`): the rules are the schema's, the same for every request;
- the cost, by operation name and text, for a request without variables (`Caches.costs`);
  one with variables is priced each time, since `first: $n` changes it.

Its `on_execute` hands a fully compiled operation to `api.direct`, whose answer, when it
gives one, strawberry takes instead of executing (it runs graphql-core only when no result
is set).

A document that does not parse is left to strawberry, which parses it again with the same
token limit and answers its error as before; only documents that parse are cached.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Mapping
from typing import Any

from graphql import (
    ASTValidationRule,
    DocumentNode,
    ExecutionResult,
    GraphQLError,
    GraphQLSchema,
    parse,
    validate,
)
from graphql.validation import specified_rules
from strawberry.extensions import (
    DisableIntrospection,
    MaxAliasesLimiter,
    QueryDepthLimiter,
    SchemaExtension,
)
from strawberry.schema.validation_rules.maybe_null import MaybeNullValidationRule
from strawberry.schema.validation_rules.one_of import OneOfInputValidationRule

from api.caches import Caches
from api.cost import query_cost
from api.direct import Direct
from graphmodel.settings import Settings


def validation_rules(settings: Settings) -> tuple[type[ASTValidationRule], ...]:
    """The rules every document is validated with, in the order strawberry would add them."""
    limits = [
        QueryDepthLimiter(max_depth=settings.max_depth),
        MaxAliasesLimiter(max_alias_count=settings.max_aliases),
    ]
    if not settings.introspection_enabled:
        limits.append(DisableIntrospection())
    added = [rule for limit in limits for rule in limit.validation_rules]
    return (*specified_rules, *added, MaybeNullValidationRule, OneOfInputValidationRule)


class Preparation:
    """One schema's parse, validation and cost steps, each behind its cache."""

    def __init__(self, caches: Caches, settings: Settings) -> None:
        self.caches = caches
        self.settings = settings
        self.rules = validation_rules(settings)

    def document(self, query: str) -> DocumentNode | None:
        """The parsed document; None if it does not parse (strawberry then answers why)."""
        key = f"{self.settings.max_tokens}\0{query}"
        document = self.caches.documents.get(key)
        if document is None:
            try:
                document = parse(query, max_tokens=self.settings.max_tokens)
            except GraphQLError:
                return None
            self.caches.documents.put(key, document)
        return document

    def errors(
        self, schema: GraphQLSchema, query: str, document: DocumentNode
    ) -> list[GraphQLError]:
        found = self.caches.validations.get(query)
        if found is None:
            found = tuple(
                validate(schema, document, self.rules, hide_suggestions=self.settings.production)
            )
            self.caches.validations.put(query, found)
        return list(found)

    def cost(self, schema: GraphQLSchema, query: str, document: DocumentNode,
             variables: Mapping[str, Any] | None, operation: str | None) -> int:  # fmt: skip
        if variables:
            return query_cost(schema, document, variables, operation, self.settings.max_page_size)
        key = f"{operation or ''}\0{query}"
        found = self.caches.costs.get(key)
        if found is None:
            found = query_cost(schema, document, None, operation, self.settings.max_page_size)
            self.caches.costs.put(key, found)
        return found

    def refusal(self, cost: int) -> GraphQLError | None:
        budget = self.settings.max_cost
        if cost <= budget:
            return None
        shown = "more than 10^18" if cost >= 10**18 else str(cost)
        return GraphQLError(
            f"query cost {shown} is over the budget of {budget}: ask for "
            "smaller pages (first), fewer nested lists or fewer aliases",
            extensions={"code": "QUERY_TOO_COSTLY", "cost": cost, "budget": budget},
        )


class Prepared(SchemaExtension):
    """Hands strawberry the parsed document and its verdict before its own steps run.

    Strawberry skips parsing when the document is set and validation when
    `pre_execution_errors` is, so the whole preparation is one hook and three cache
    look-ups on a repeated document.
    """

    def __init__(self, preparation: Preparation, direct: Direct) -> None:
        super().__init__()
        self.preparation = preparation
        self.direct = direct

    def on_operation(self) -> Iterator[None]:
        context = self.execution_context
        prep = self.preparation
        # The token limit also binds strawberry's own parse of a document that fails here.
        context.parse_options["max_tokens"] = prep.settings.max_tokens
        query = context.query
        document = prep.document(query) if query else None
        if document is not None:
            context.graphql_document = document
            schema = context.schema._schema
            errors = prep.errors(schema, query or "", document)
            if not errors:
                cost = prep.cost(schema, query or "", document, context.variables,
                                 context.operation_name)  # fmt: skip
                refused = prep.refusal(cost)
                errors = [refused] if refused is not None else []
            context.pre_execution_errors = errors
        yield

    async def on_execute(self) -> AsyncIterator[None]:
        """A fully compiled operation's answer, set before graphql-core would execute it
        (strawberry then skips execution); otherwise nothing, and graphql-core runs."""
        context = self.execution_context
        document = context.graphql_document
        if document is not None and not context.pre_execution_errors:
            data = await self.direct.answer(context.schema, document, context.operation_name,
                                            context.variables, context.context)  # fmt: skip
            if data is not None:
                context.result = ExecutionResult(data=data, errors=None)
        yield
