"""Assembles the schema: types, limits, caches and error codes. Nothing else lives here."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.extensions import (
    DisableIntrospection,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    SchemaExtension,
    ValidationCache,
)

from api.mutation import Mutation
from api.query import Query
from graphmodel.settings import Settings


class Schema(strawberry.Schema):
    def process_errors(self, errors: list[GraphQLError], execution_context: Any = None) -> None:
        """Client errors are answers, not incidents; `api.errors.coded` logs the internal ones."""


def build_schema(settings: Settings) -> strawberry.Schema:
    # Factories, not instances: each request gets fresh extensions; the parser and
    # validation caches live at module level, so they are shared all the same.
    extensions: list[Callable[[], SchemaExtension] | type[SchemaExtension]] = [
        lambda: QueryDepthLimiter(max_depth=settings.max_depth),
        lambda: MaxAliasesLimiter(max_alias_count=settings.max_aliases),
        lambda: MaxTokensLimiter(max_token_count=settings.max_tokens),
        lambda: ParserCache(maxsize=1024),
        lambda: ValidationCache(maxsize=1024),
    ]
    if not settings.introspection_enabled:
        extensions.append(DisableIntrospection)
    return Schema(query=Query, mutation=Mutation, extensions=extensions)


def sdl() -> str:
    """The schema in SDL, as committed in schema.graphql."""
    return build_schema(Settings(production=False)).as_str() + "\n"
