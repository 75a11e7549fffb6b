"""The common request, answered without strawberry's HTTP view parsing it all again.

Why: by the time GraphQL sees a POST, `api/edge.py` has read the body and decoded its JSON.
Strawberry's view would decode it again, parse the Content-Type with the `email` package,
look for a streaming transport and the IDE, per request: about a tenth of a cheap query's
time. A *plain* request skips that and runs through the view's own steps (its context, its
`schema.execute`, `process_result`, `create_response`), so the answer is the same bytes:

- POST, Content-Type `application/json` (parameters allowed), no Accept asking for a
  stream (`multipart/mixed`, `text/event-stream`);
- a body that is a JSON object of only `query` (a non-empty string), `variables` and
  `extensions` (objects or null) and `operationName` (a string or null).

Anything else (a batch, a missing query, a wrong type, a stream, GraphiQL) goes the
view's way and gets its answer or refusal, as before.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import orjson
from cross_web import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Scope
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.types.graphql import OperationType

KEYS = frozenset({"query", "variables", "operationName", "extensions"})
POST_OPERATIONS = OperationType.from_http("POST")


@dataclass(frozen=True, slots=True)
class Plain:
    query: str
    variables: dict[str, Any] | None
    operation_name: str | None
    extensions: dict[str, Any] | None


def plain(scope: Scope) -> Plain | None:
    """The request's parts if it is plain (see the module docstring), else None.

    >>> def scope(body, ctype=b"application/json; charset=utf-8", accept=b"*/*"):
    ...     return {"method": "POST", "alliancegraph.body": body,
    ...             "headers": [(b"content-type", ctype), (b"accept", accept)]}
    >>> plain(scope({"query": "{ a }", "variables": None}))
    Plain(query='{ a }', variables=None, operation_name=None, extensions=None)
    >>> [plain(s) for s in (scope({"query": ""}), scope({"query": "{ a }", "x": 1}),
    ...  scope({"query": "{ a }", "variables": []}), scope({"query": "{ a }"}, b"text/plain"),
    ...  scope({"query": "{ a }"}, accept=b"multipart/mixed"))]
    [None, None, None, None, None]
    """
    body = scope.get("alliancegraph.body")
    if scope.get("method") != "POST" or not isinstance(body, dict) or not KEYS.issuperset(body):
        return None
    query, variables = body.get("query"), body.get("variables")
    operation, extensions = body.get("operationName"), body.get("extensions")
    if not (isinstance(query, str) and query and isinstance(variables, dict | None)):
        return None
    if not (isinstance(operation, str | None) and isinstance(extensions, dict | None)):
        return None
    ctype = accept = b""
    for key, value in scope.get("headers") or ():
        if key == b"content-type":
            ctype = value
        elif key == b"accept":
            accept = value
    if ctype.split(b";", 1)[0].strip().lower() != b"application/json":
        return None
    if b"multipart" in accept or b"event-stream" in accept:
        return None
    return Plain(query, variables, operation, extensions)


class PlainAnswers:
    """Mixed into the strawberry view (`api.app.GraphQLApp`): its steps, minus the parsing,
    and its JSON encoder replaced by orjson (a third of the encoding time of `json.dumps`;
    non-ASCII text is sent as UTF-8, not as `\\u` escapes)."""

    def encode_json(self, data: object) -> bytes:
        try:
            return orjson.dumps(data)
        except (TypeError, orjson.JSONEncodeError):  # an int past 64 bits, a non-str key
            return json.dumps(data, separators=(",", ":")).encode()

    async def answer_plain(self: Any, request: Request, given: Plain) -> Response:
        sub_response = await self.get_sub_response(request)
        context = await self.get_context(request, response=sub_response)
        try:
            result = await self.schema.execute(
                given.query,
                variable_values=given.variables,
                context_value=context,
                operation_name=given.operation_name,
                allowed_operation_types=POST_OPERATIONS,
                operation_extensions=given.extensions,
            )
        except CannotGetOperationTypeError as e:  # an operationName the document lacks
            raise HTTPException(400, e.as_http_error_reason()) from e
        except InvalidOperationTypeError as e:
            raise HTTPException(400, e.as_http_error_reason("POST")) from e
        data = await self.process_result(request=request, result=result)
        if result.errors:
            self._handle_errors(result.errors, data)
        response: Response = self.create_response(response_data=data, sub_response=sub_response)
        return response
