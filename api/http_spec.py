"""The GraphQL-over-HTTP specification's request and response rules, before and after strawberry.

strawberry answers POST JSON well; what the specification adds, and what lives here:

- the media type `application/graphql-response+json`: asked for in `Accept`, an answer
  without `data` (a document that does not parse or validate, variables that cannot be
  coerced, an operation refused before it runs) gets HTTP 400 and no `data` entry, while
  `application/json` (older clients, and any request without `Accept`) keeps HTTP 200;
- GET with `query`, `operationName` and URL-encoded JSON `variables`/`extensions`, turned
  into the same parameters a POST carries; only a query runs over GET (a mutation is
  answered 405 with `Allow: POST`, as before);
- parameters of the wrong JSON type are refused with 400 before anything is parsed.

The test is the specification's own audit suite (`tests/http_spec`).
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qsl

from graphql import DocumentNode, OperationDefinitionNode, OperationType

from api.edge import Refusal

GRAPHQL_RESPONSE = "application/graphql-response+json"
JSON = "application/json"


def response_media_type(accept: str | None) -> str:
    """The media type of the answer: the specification's own when the client prefers it.

    >>> response_media_type(None), response_media_type("*/*")
    ('application/json', 'application/json')
    >>> response_media_type("application/graphql-response+json, application/json;q=0.9")
    'application/graphql-response+json'
    >>> response_media_type("application/json, application/graphql-response+json;q=0.5")
    'application/json'
    """
    if not accept or GRAPHQL_RESPONSE not in accept:
        return JSON
    best, best_q = JSON, -1.0
    for part in accept.split(","):
        kind, *params = (p.strip() for p in part.split(";"))
        q = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if kind in (GRAPHQL_RESPONSE, JSON) and q > best_q:
            best, best_q = kind, q
    return best


def params_from_query_string(raw: bytes) -> dict[str, Any]:
    """A GET's parameters as a POST body carries them; `variables`/`extensions` are JSON.

    >>> params_from_query_string(b"query=%7B+a+%7D&variables=%7B%22x%22%3A%22%E9%84%82%22%7D")
    {'query': '{ a }', 'variables': {'x': '鄂'}}
    """
    try:
        pairs = parse_qsl(raw.decode("utf-8"), keep_blank_values=True, errors="strict")
    except UnicodeDecodeError:
        raise Refusal(400, "INVALID_INPUT", "the query string is not UTF-8") from None
    params: dict[str, Any] = {}
    for name, value in pairs:
        if name in ("variables", "extensions"):
            try:
                params[name] = json.loads(value) if value else None
            except ValueError:
                raise Refusal(400, "INVALID_INPUT", f"the {name} parameter is not JSON") from None
        elif name in ("query", "operationName"):
            params[name] = value
    return params


def check_params(body: dict[str, Any]) -> None:
    """Refuse parameters of the wrong JSON type (the specification's 400) before parsing.

    >>> check_params({"query": "{ a }", "variables": None, "extensions": {}})
    >>> check_params({"query": 1})
    Traceback (most recent call last):
    ...
    api.edge.Refusal: the query parameter must be a string
    """
    expected = {
        "query": (str,),
        "operationName": (str,),
        "variables": (dict,),
        "extensions": (dict,),
    }
    for name, kinds in expected.items():
        value = body.get(name)
        if value is not None and not isinstance(value, kinds):
            what = "a string" if kinds == (str,) else "a JSON object"
            raise Refusal(400, "INVALID_INPUT", f"the {name} parameter must be {what}")


def operation_kind(document: DocumentNode, name: str | None) -> OperationType | None:
    """The kind of the operation a request names (or its only one); None if unclear.

    >>> from graphql import parse
    >>> operation_kind(parse("mutation M { a } query Q { b }"), "M").value
    'mutation'
    >>> operation_kind(parse("{ a }"), None).value
    'query'
    """
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if name is None:
        return operations[0].operation if len(operations) == 1 else None
    for op in operations:
        if op.name is not None and op.name.value == name:
            return op.operation
    return None


def operation_name(document: DocumentNode | None, given: str | None) -> str | None:
    """The name the request runs under: the one given, else its only operation's name."""
    if given is not None or document is None:
        return given
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if len(operations) == 1 and operations[0].name is not None:
        return operations[0].name.value
    return None
