"""Errors as the GraphQL spec has them, with a machine-readable `extensions.code`.

Expected errors (the `AllianceGraphError` tree) keep their message and get their code;
so do the client's own mistakes that graphql-core finds while coercing variables (an `Int`
beyond 32 bits, an unknown enum value): `INVALID_INPUT`. Anything else is a bug: logged
with the request id and, in production, masked. In production no message suggests names
("Did you mean …?"): that would leak the schema that introspection keeps private.
"""

from __future__ import annotations

import logging
import re

from graphql import GraphQLError

from graphmodel.errors import AllianceGraphError, AmbiguousError, InvalidInputError, NotFoundError

log = logging.getLogger("alliancegraph.api")

_SUGGESTION = re.compile(r"\s*Did you mean [^?]*\?")


def without_suggestions(message: str) -> str:
    """
    >>> without_suggestions("Value 'X' does not exist in 'Level' enum. Did you mean the enum "
    ...                     "value 'PRIMARY' or 'SECONDARY'?")
    "Value 'X' does not exist in 'Level' enum."
    """
    return _SUGGESTION.sub("", message)


def coded(error: GraphQLError, request_id: str, production: bool) -> GraphQLError:
    original = error.original_error
    extensions = dict(error.extensions or {})
    if original is None:
        extensions.setdefault("code", "GRAPHQL_VALIDATION_FAILED")
        message = error.message
    elif isinstance(original, GraphQLError) or (
        error.path is None and isinstance(original, ValueError | TypeError)
    ):
        # Coercing the request's variables failed: the client's mistake, not ours.
        extensions["code"] = "INVALID_INPUT"
        message = error.message
    elif isinstance(original, AllianceGraphError):
        extensions["code"] = original.code
        message = str(original)
        if isinstance(original, AmbiguousError):
            extensions["candidates"] = [{"id": i, "name": n} for i, n in original.candidates]
        if isinstance(original, NotFoundError):
            extensions["suggestions"] = original.suggestions
            if original.candidates:
                extensions["candidates"] = [{"id": i, "name": n} for i, n in original.candidates]
        if isinstance(original, InvalidInputError):
            extensions["problems"] = [
                {"field": p.column, "message": p.message} for p in original.problems
            ]
    else:
        log.error("request %s: internal error", request_id, exc_info=original)
        extensions["code"] = "INTERNAL"
        message = "internal error" if production else f"internal error: {original!r}"
    extensions["requestId"] = request_id
    if production:
        message = without_suggestions(message)
    return GraphQLError(message, nodes=error.nodes, source=error.source,
                        positions=error.positions, path=error.path, original_error=None,
                        extensions=extensions)  # fmt: skip
