"""Assembles the schema: types, limits, caches and error codes. Nothing else lives here."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import strawberry
from graphql import GraphQLError, parse
from strawberry.extensions import (
    DisableIntrospection,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    QueryDepthLimiter,
    SchemaExtension,
)

from api.caches import CachedParser, CachedValidation, Caches
from api.cost import QueryCostLimiter, query_cost
from api.mutation import Mutation
from api.query import Query
from graphmodel.settings import Settings


class Schema(strawberry.Schema):
    caches: Caches
    settings: Settings

    def estimated_cost(self, query: str, variables: dict[str, Any] | None,
                       operation_name: str | None) -> int | None:  # fmt: skip
        """The cost of a request before it runs (parsed through the cache); None if it does
        not parse, which the execution will answer quickly."""
        key = f"{self.settings.max_tokens}\0{query}"
        document = self.caches.documents.get(key)
        if document is None:
            try:
                document = parse(query, max_tokens=self.settings.max_tokens)
            except GraphQLError:
                return None
            self.caches.documents.put(key, document)
        return query_cost(self._schema, document, variables, operation_name,
                          self.settings.max_page_size)  # fmt: skip

    def process_errors(self, errors: list[GraphQLError], execution_context: Any = None) -> None:
        """Client errors are answers, not incidents; `api.errors.coded` logs the internal ones."""


def build_schema(settings: Settings) -> Schema:
    # Factories, not instances: each request gets fresh extensions; the parser and
    # validation caches belong to the schema, so its requests share them. The cost limit
    # comes after validation (it prices valid documents only).
    caches = Caches(entries=1024, max_bytes=settings.cache_bytes)
    extensions: list[Callable[[], SchemaExtension] | type[SchemaExtension]] = [
        lambda: QueryDepthLimiter(max_depth=settings.max_depth),
        lambda: MaxAliasesLimiter(max_alias_count=settings.max_aliases),
        lambda: MaxTokensLimiter(max_token_count=settings.max_tokens),
    ]
    if not settings.introspection_enabled:
        extensions.append(DisableIntrospection)
    extensions += [
        lambda: CachedParser(caches),
        lambda: CachedValidation(caches, hide_suggestions=settings.production),
        lambda: QueryCostLimiter(settings.max_cost, settings.max_page_size),
    ]
    schema = Schema(query=Query, mutation=Mutation, extensions=extensions)
    schema.caches = caches
    schema.settings = settings
    return schema


def sdl() -> str:
    """The schema in SDL, as committed in schema.graphql."""
    return build_schema(Settings(production=False)).as_str() + "\n"
