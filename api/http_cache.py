"""HTTP caching of reads: a GET query's answer carries a strong ETag and Cache-Control.

The ETag is a digest of the store's data version (`data_version()`: a random stamp the
Neo4j store replaces in the transaction of every load and write, a fixed one per embedded
store) and of what was asked (document, operation, variables, media type). So the same GET
on the same data has the same tag in every worker, and any load or write changes it: a
client's `If-None-Match` is answered 304 with no execution at all, and never once the data
has changed. Only 200 answers without errors are tagged; mutations never run over GET.

`Cache-Control` is `max-age=ALLIANCEGRAPH_CACHE_MAX_AGE` (0: ask every time, which an ETag
makes cheap) with `must-revalidate`; `private` when reads need a token, else `public`.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from starlette.responses import Response

from graphmodel.settings import Settings
from graphmodel.store import Store


def data_version(store: Store) -> str | None:
    """The store's data version, or None for a store that keeps none (then no ETag)."""
    version = getattr(store, "data_version", None)
    return str(version()) if callable(version) else None


def etag(version: str, body: dict[str, Any], media: str) -> str:
    """A strong ETag for this request on this data.

    >>> a = etag("v1", {"query": "{ a }", "variables": {"x": 1, "y": 2}}, "application/json")
    >>> a == etag("v1", {"query": "{ a }", "variables": {"y": 2, "x": 1}}, "application/json")
    True
    >>> a == etag("v2", {"query": "{ a }", "variables": {"x": 1, "y": 2}}, "application/json")
    False
    """
    asked = json.dumps(
        [version, media, body.get("query"), body.get("operationName"), body.get("variables") or {}],
        sort_keys=True,
        ensure_ascii=False,
    )
    return '"' + hashlib.sha256(asked.encode()).hexdigest()[:40] + '"'


def matches(if_none_match: str | None, tag: str) -> bool:
    """Whether `If-None-Match` names the tag (a list, `*`, or the tag as weak all count).

    >>> matches('"a", W/"b"', '"b"'), matches('"a"', '"b"'), matches("*", '"b"')
    (True, False, True)
    """
    if not if_none_match:
        return False
    for candidate in if_none_match.split(","):
        candidate = candidate.strip()
        if candidate == "*" or candidate.removeprefix("W/") == tag:
            return True
    return False


def cache_control(settings: Settings) -> str:
    scope = "private" if settings.reads_need_token else "public"
    return f"{scope}, max-age={settings.cache_max_age}, must-revalidate"


def cacheable(response: Response, tag: str, settings: Settings) -> None:
    response.headers["etag"] = tag
    response.headers["cache-control"] = cache_control(settings)
    response.headers["vary"] = "Accept, Authorization"


def not_modified(tag: str, settings: Settings) -> Response:
    return Response(
        status_code=304,
        headers={
            "etag": tag,
            "cache-control": cache_control(settings),
            "vary": "Accept, Authorization",
        },
    )
