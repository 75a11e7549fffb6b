"""The edge of /graphql: what a request may be before GraphQL sees it, and how long it runs.

- The body is read here, up to `max_body_bytes` (413 past it, and at once when the
  Content-Length says so); it must be UTF-8 JSON no deeper than `max_json_depth`, with no
  lone surrogate in any string, and its `query` at most `max_document_bytes` (413).
  Every refusal is JSON with an `extensions.code`, never a plain-text 500.
- The request then runs under a deadline (`request_timeout`, `graphmodel.deadline`): when
  it passes, or when the client disconnects, the request's task is cancelled, so no new
  resolver starts, and the deadline is marked cancelled, so a store call already running
  in a thread stops at its next round trip (Neo4j also gets the time left as the
  transaction timeout). A timeout is answered 503 `TIMEOUT`.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.responses import JSONResponse
from starlette.types import Message, Receive, Scope, Send

from graphmodel import deadline
from graphmodel.settings import Settings

log = logging.getLogger("alliancegraph.api")

_SURROGATE = re.compile("[\ud800-\udfff]")


class Refusal(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


class ClientGone(Exception):
    pass


def error_response(
    status: int, code: str, message: str, request_id: str, **extra: Any
) -> JSONResponse:
    body = {
        "errors": [
            {"message": message, "extensions": {"code": code, "requestId": request_id, **extra}}
        ]
    }
    return JSONResponse(body, status_code=status)


async def read_body(scope: Scope, receive: Receive, limit: int) -> bytes:
    declared = dict(scope.get("headers") or []).get(b"content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise Refusal(413, "REQUEST_TOO_LARGE", f"the request body is over {limit} bytes")
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise ClientGone
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise Refusal(413, "REQUEST_TOO_LARGE", f"the request body is over {limit} bytes")
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


def check_json_body(body: bytes, settings: Settings) -> Any:
    """The body's JSON; refuse what strawberry or the response's encoder would choke on.

    >>> s = Settings(max_json_depth=3, max_document_bytes=10)
    >>> check_json_body(b'{"query": "{ a }"}', s)
    {'query': '{ a }'}
    >>> for bad in [b'\\xff', b'{"query": ', b'[]', b'{"variables": {"a": [[1]]}}',
    ...             b'{"query": "\\\\ud800"}', b'{"query": "' + b"x" * 11 + b'"}']:
    ...     try:
    ...         check_json_body(bad, s)
    ...     except Refusal as r:
    ...         print(r.status, r.code, r.message)
    400 INVALID_INPUT the request body is not UTF-8
    400 INVALID_INPUT the request body is not JSON
    400 INVALID_INPUT the request body must be a JSON object
    400 INVALID_INPUT the request body nests deeper than 3 levels
    400 INVALID_INPUT the request has a lone surrogate (\\ud800-\\udfff) in a string
    413 QUERY_TOO_LARGE the GraphQL document is over 10 bytes
    """
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise Refusal(400, "INVALID_INPUT", "the request body is not UTF-8") from None
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        raise Refusal(400, "INVALID_INPUT", "the request body is not JSON") from None
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict | list):
            if depth > settings.max_json_depth:
                raise Refusal(
                    400,
                    "INVALID_INPUT",
                    f"the request body nests deeper than {settings.max_json_depth} levels",
                )
            items = value.items() if isinstance(value, dict) else enumerate(value)
            for key, item in items:
                if isinstance(key, str) and _SURROGATE.search(key):
                    raise _surrogate()
                stack.append((item, depth + 1))
        elif isinstance(value, str) and _SURROGATE.search(value):
            raise _surrogate()
    if not isinstance(data, dict):
        raise Refusal(400, "INVALID_INPUT", "the request body must be a JSON object")
    query = data.get("query")
    if isinstance(query, str) and len(query.encode()) > settings.max_document_bytes:
        raise Refusal(
            413,
            "QUERY_TOO_LARGE",
            f"the GraphQL document is over {settings.max_document_bytes} bytes",
        )
    return data


def _surrogate() -> Refusal:
    return Refusal(
        400, "INVALID_INPUT", "the request has a lone surrogate (\\ud800-\\udfff) in a string"
    )


async def guarded(
    app: Callable[[Scope, Receive, Send], Awaitable[None]],
    scope: Scope,
    receive: Receive,
    send: Send,
    settings: Settings,
) -> None:
    """Run `app` on a checked, already-read body, under the deadline, cancelled if the
    client goes away."""
    request_id: str = scope.get("alliancegraph.request_id", "-")
    body = b""
    if scope["method"] == "POST":
        try:
            body = await read_body(scope, receive, settings.max_body_bytes)
            scope["alliancegraph.body"] = check_json_body(body, settings)
            scope["alliancegraph.raw"] = body
        except Refusal as r:
            await error_response(r.status, r.code, r.message, request_id)(scope, receive, send)
            return
        except ClientGone:
            return

    # The request runs in this task, under `asyncio.timeout`, and a watcher task cancels it
    # when the client goes away: one task per request besides the server's own, not two
    # and an `asyncio.wait` (a tenth of a cheap request's time).
    gone = asyncio.Event()
    replayed = False

    async def replay() -> Message:
        nonlocal replayed
        if not replayed:
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}
        await gone.wait()
        return {"type": "http.disconnect"}

    started = False

    async def tracked(message: Message) -> None:
        nonlocal started
        started = True
        await send(message)

    task = asyncio.current_task()
    assert task is not None

    async def watch() -> None:
        while (await receive())["type"] != "http.disconnect":
            pass
        gone.set()
        task.cancel()

    with deadline.within(settings.request_timeout) as limit:
        watcher = asyncio.ensure_future(watch())
        timeout = asyncio.timeout(settings.request_timeout)
        try:
            async with timeout:
                await app(scope, replay, tracked)
            return
        except TimeoutError:
            if not timeout.expired():
                raise  # the app's own TimeoutError, not the deadline
            limit.cancel()
        except asyncio.CancelledError:
            limit.cancel()
            if not gone.is_set() or task.uncancel() > 0:
                raise  # cancelled from outside (shutdown), not by the watcher
            log.info("request %s: the client went away; its work was cancelled", request_id)
            return
        finally:
            watcher.cancel()
        log.warning(
            "request %s: over the %g s timeout; cancelled", request_id, settings.request_timeout
        )
        if not started:
            response = error_response(
                503,
                "TIMEOUT",
                f"the request took longer than {settings.request_timeout:g} s "
                "and was stopped; ask for less (smaller pages, fewer nested lists)",
                request_id,
            )
            await response(scope, receive, send)
