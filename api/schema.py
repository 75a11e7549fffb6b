"""Assembles the schema: types, limits, caches and error codes. Nothing else lives here."""

from __future__ import annotations

from typing import Any

import strawberry
from graphql import GraphQLError

from api.caches import Caches
from api.direct import Direct
from api.mutation import Mutation
from api.pipeline import Preparation, Prepared
from api.query import Query
from graphmodel.settings import Settings


class Schema(strawberry.Schema):
    caches: Caches
    settings: Settings
    preparation: Preparation
    direct: Direct

    def estimated_cost(self, query: str, variables: dict[str, Any] | None,
                       operation_name: str | None) -> int | None:  # fmt: skip
        """The cost of a request before it runs (parsed through the cache); None if it does
        not parse, which the execution will answer quickly."""
        document = self.preparation.document(query)
        if document is None:
            return None
        return self.preparation.cost(self._schema, query, document, variables, operation_name)

    def answered_directly(self, query: str, operation_name: str | None) -> bool:
        """Whether every field the operation may ask is one `api.direct` answers from the
        plan (whatever its variables say); False if it does not parse."""
        document = self.preparation.document(query)
        if document is None:
            return False
        return self.direct.covers(self._schema, query, document, operation_name)

    def process_errors(self, errors: list[GraphQLError], execution_context: Any = None) -> None:
        """Client errors are answers, not incidents; `api.errors.coded` logs the internal ones."""


def build_schema(settings: Settings) -> Schema:
    # One extension does parsing, validation (depth, aliases, introspection) and the cost
    # limit, with rules built once and verdicts cached per document (api/pipeline.py); the
    # caches belong to the schema, so its requests share them.
    caches = Caches(entries=1024, max_bytes=settings.cache_bytes)
    # A fully compiled read is then answered from its plan, not field by field (api/direct.py).
    preparation = Preparation(caches, settings)
    direct = Direct()
    schema = Schema(query=Query, mutation=Mutation,
                    extensions=[lambda: Prepared(preparation, direct)])  # fmt: skip
    schema.caches = caches
    schema.settings = settings
    schema.preparation = preparation
    schema.direct = direct
    return schema


def sdl() -> str:
    """The schema in SDL, as committed in schema.graphql."""
    return build_schema(Settings(production=False)).as_str() + "\n"
