"""Assembles the schema: types, limits, caches and error codes. Nothing else lives here."""

from __future__ import annotations

import strawberry
from strawberry.extensions import (
    DisableIntrospection,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    SchemaExtension,
    ValidationCache,
)

from api.errors import ErrorCodes
from api.mutation import Mutation
from api.query import Query
from graphmodel.settings import Settings


def build_schema(settings: Settings) -> strawberry.Schema:
    extensions: list[SchemaExtension | type[SchemaExtension]] = [
        ErrorCodes,
        QueryDepthLimiter(max_depth=settings.max_depth),
        MaxAliasesLimiter(max_alias_count=settings.max_aliases),
        MaxTokensLimiter(max_token_count=settings.max_tokens),
        ParserCache(maxsize=1024),
        ValidationCache(maxsize=1024),
    ]
    if not settings.introspection_enabled:
        extensions.append(DisableIntrospection())
    return strawberry.Schema(query=Query, mutation=Mutation, extensions=extensions)


def sdl() -> str:
    """The schema in SDL, as committed in schema.graphql."""
    return build_schema(Settings(production=False)).as_str() + "\n"
