"""What an operator sees of a running server: /metrics (Prometheus) and JSON access logs.

`Observed` wraps the whole ASGI app. For each HTTP request it writes one JSON line to the
`alliancegraph.access` logger (request id, method, path, operation name, status, outcome,
milliseconds; never the document, variables, tokens or any other header) and counts it in
`alliancegraph_requests_total{operation, outcome}` and
`alliancegraph_request_duration_seconds{operation}`. The operation is the name the request
runs under; names are chosen by clients, so past `MAX_OPERATION_NAMES` distinct ones (or a
name that is not a GraphQL name) it is counted as `other`, and the series stay bounded.

Read at scrape time (`Gauges`): the parser, validation and persisted-document caches' hits
and misses (`api/caches.py`, `api/persisted.py`), the store's round trips and load checks
(Neo4j), and whether the store answers loads as complete. Each app has its own registry,
so tests can build as many apps as they like. With `serve --workers N` every worker counts
its own requests; a scrape reaches one worker (label the target per worker, or scrape each).
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Callable, Iterator
from typing import Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import CounterMetricFamily, Metric
from prometheus_client.registry import Collector
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.caches import Caches
from api.persisted import Persisted
from graphmodel.store import Store

access_log = logging.getLogger("alliancegraph.access")

MAX_OPERATION_NAMES = 200
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,63}")
BUCKETS = (0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


def outcome(status: int, graphql_errors: bool) -> str:
    """One word per answer: ok, error (GraphQL errors in a 2xx), not_modified, refused (4xx),
    failed (5xx)."""
    if status == 304:
        return "not_modified"
    if status >= 500:
        return "failed"
    if status >= 400:
        return "refused"
    return "error" if graphql_errors else "ok"


class Metrics:
    def __init__(self, caches: Caches, persisted: Persisted, store: Callable[[], Store | None]):
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "alliancegraph_requests",
            "GraphQL requests, by operation and outcome",
            ["operation", "outcome"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "alliancegraph_request_duration_seconds",
            "Time from the request to the last byte of its answer",
            ["operation"],
            buckets=BUCKETS,
            registry=self.registry,
        )
        self.registry.register(Gauges(caches, persisted, store))
        self.names: set[str] = set()
        # The labelled children, looked up once: `labels()` costs more than the count.
        self.children: dict[tuple[str, str], tuple[Any, Any]] = {}

    def observe(self, name: str | None, result: str, seconds: float) -> None:
        key = (self.label(name), result)
        child = self.children.get(key)
        if child is None:
            child = (self.requests.labels(*key), self.latency.labels(key[0]))
            self.children[key] = child
        child[0].inc()
        child[1].observe(seconds)

    def label(self, name: str | None) -> str:
        if name is None:
            return "-"
        if name in self.names:
            return name
        if len(self.names) >= MAX_OPERATION_NAMES or not _NAME.fullmatch(name):
            return "other"
        self.names.add(name)
        return name

    async def endpoint(self, request: Request) -> Response:
        return Response(generate_latest(self.registry), media_type=CONTENT_TYPE_LATEST)


class Gauges(Collector):
    """Counters kept elsewhere, read when Prometheus scrapes."""

    def __init__(self, caches: Caches, persisted: Persisted, store: Callable[[], Store | None]):
        self.caches = caches
        self.persisted = persisted
        self.store = store

    def collect(self) -> Iterator[Metric]:
        hits = CounterMetricFamily("alliancegraph_cache_hits", "Cache hits", labels=["cache"])
        misses = CounterMetricFamily("alliancegraph_cache_misses", "Cache misses", labels=["cache"])
        for name, lru in (
            ("parser", self.caches.documents),
            ("validation", self.caches.validations),
            ("persisted", self.persisted.registered),
        ):
            hits.add_metric([name], lru.hits)
            misses.add_metric([name], lru.misses)
        yield hits
        yield misses
        yield CounterMetricFamily(
            "alliancegraph_persisted_not_found",
            "Persisted-query hashes asked for before they were registered",
            value=self.persisted.not_found,
        )
        store = self.store()
        reader = getattr(store, "reader", None)
        if reader is not None and hasattr(reader, "round_trips"):
            yield CounterMetricFamily(
                "alliancegraph_store_round_trips",
                "Round trips to Neo4j made by named queries",
                value=reader.round_trips,
            )
        checks = getattr(store, "load_checks", None)
        if checks is not None:
            yield CounterMetricFamily(
                "alliancegraph_store_load_checks",
                "Looks at the load markers (a half-written load is refused until it completes)",
                value=checks,
            )


class Observed:
    """The access log and the request metrics around every HTTP request; also echoes the
    request id in `x-request-id`, so a client can quote it."""

    def __init__(self, app: ASGIApp, metrics: Metrics | None, log: bool) -> None:
        self.app = app
        self.metrics = metrics
        self.log = log

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or (self.metrics is None and not self.log):
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                request_id = scope.get("alliancegraph.request_id")
                if request_id is not None:
                    message["headers"] = [
                        *message.get("headers", ()),
                        (b"x-request-id", str(request_id).encode()),
                    ]
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            seconds = time.perf_counter() - started
            name = scope.get("alliancegraph.operation")
            result = outcome(status, bool(scope.get("alliancegraph.errors")))
            graphql = scope["path"].endswith("/graphql")
            if self.metrics is not None and graphql:
                self.metrics.observe(name, result, seconds)
            if self.log and access_log.isEnabledFor(logging.INFO):
                line = json.dumps(
                    {
                        "ts": round(time.time(), 3),
                        "requestId": scope.get("alliancegraph.request_id"),
                        "method": scope["method"],
                        "path": scope["path"],
                        "operation": name,
                        "status": status,
                        "outcome": result,
                        "ms": round(seconds * 1000, 2),
                    },
                    ensure_ascii=False,
                )
                # A record made directly: `info()` would first walk the stack for the
                # caller's file and line, which an access log does not need.
                access_log.handle(
                    access_log.makeRecord(access_log.name, logging.INFO, "", 0, line, (), None)
                )


def configure_access_log() -> None:
    """One JSON object a line on stderr, unless the host application configured the logger."""
    if not access_log.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(message)s"))
        access_log.addHandler(handler)
        access_log.setLevel(logging.INFO)
        access_log.propagate = False
