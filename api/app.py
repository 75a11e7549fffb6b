"""`create_app(settings)`: the ASGI app — GraphQL at /graphql, /healthz, /readyz, /metrics.

Around strawberry: the GraphQL-over-HTTP rules (`api/http_spec.py`), persisted operations
(`api/persisted.py`), HTTP caching of GETs (`api/http_cache.py`), CORS (Starlette's
`CORSMiddleware`, only for the configured origins), metrics and JSON access logs
(`api/observability.py`) and, when configured, tracing (`api/tracing.py`).

The store is opened in the lifespan (Neo4j when NEO4J_URI is set, otherwise the embedded
store with the bundled samples) and closed at shutdown.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import uuid
from collections.abc import AsyncIterator
from typing import Any

from cross_web import HTTPException
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import Message, Receive, Scope, Send
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLHTTPResponse
from strawberry.types import ExecutionResult

from api import http_cache
from api.auth import role_for
from api.context import Context
from api.edge import Refusal, error_response, guarded
from api.errors import coded
from api.heavy_process import HeavyProcess, WorkerUnavailable
from api.http_spec import (
    GRAPHQL_RESPONSE,
    check_params,
    operation_kind,
    operation_name,
    params_from_query_string,
    response_media_type,
)
from api.lane import Lane
from api.observability import Metrics, Observed, configure_access_log
from api.persisted import Persisted, PersistedNotFound
from api.plain import PlainAnswers, plain
from api.schema import build_schema
from api.static_page import planner_page
from api.tracing import TracedStore, traced_app, tracer_provider
from graphmodel.errors import AllianceGraphError
from graphmodel.settings import Settings
from graphmodel.store import Store
from stores.neo4j import Neo4jStore

log = logging.getLogger("alliancegraph.api")


class GraphQLApp(PlainAnswers, GraphQL[Context, None]):
    def __init__(self, settings: Settings, holder: dict[str, Store]) -> None:
        self.costed = build_schema(settings)
        super().__init__(
            self.costed,
            graphql_ide="graphiql" if settings.graphiql_enabled else None,
            allow_queries_via_get=False,
        )
        self.settings = settings
        self.holder = holder
        self.persisted = Persisted(settings)
        self.lane: Lane | None = None  # started by the app's lifespan
        self.worker: HeavyProcess | None = None  # likewise, for a server from the environment

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            prepared = await self.prepare(scope, receive)
        except Refusal as r:
            request_id = scope.get("alliancegraph.request_id", "-")
            response: Response = error_response(r.status, r.code, r.message, request_id)
            if r.status == 405:
                response.headers["allow"] = "POST"
            await response(scope, receive, send)
            return
        if isinstance(prepared, Response):
            await prepared(scope, receive, send)
            return
        outer = scope
        scope, receive = prepared

        async def respond() -> Response:
            # strawberry answers a request it cannot take (wrong content type, a batch, no
            # query) in plain text; here every answer is JSON with an extensions.code.
            try:
                given = plain(scope)  # the common request skips the view's parsing (api/plain.py)
                if given is not None:
                    return await self.answer_plain(Request(scope, receive), given)
                return await self.run(Request(scope, receive))
            except HTTPException as e:
                request_id = scope.get("alliancegraph.request_id", "-")
                code = "NOT_FOUND" if e.status_code == 404 else "INVALID_INPUT"
                return error_response(e.status_code, code, e.reason, request_id)

        # A costly query goes to the heavy worker process, or else runs in the heavy lane
        # from parsing to the encoded response: either way it cannot hold up the main
        # loop, and only the sending is left here.
        if not self.heavy(scope):
            response = await respond()
        elif self.worker is not None and self.worker.alive():
            try:
                # The worker's answer and log carry this request's id.
                request_id = str(scope.get("alliancegraph.request_id", "-")).encode()
                sent = [(k, v) for k, v in scope.get("headers") or [] if k != b"x-request-id"]
                status, headers, content = await self.worker.forward(
                    [*sent, (b"x-request-id", request_id)], scope.get("alliancegraph.raw", b"")
                )
                response = Response(content, status_code=status)
                response.headers.raw.extend(headers)
            except WorkerUnavailable:
                log.warning("the heavy worker is unavailable; running in the heavy lane")
                response = await self.lane.run(respond) if self.lane else await respond()
        else:
            response = await self.lane.run(respond) if self.lane else await respond()
        self.finish(scope, response)
        await response(outer, receive, send)

    async def prepare(self, scope: Scope, receive: Receive) -> tuple[Scope, Receive] | Response:
        """The request as strawberry takes it (POST JSON, the persisted document filled in),
        or the answer when there is nothing to run: an unknown persisted hash, a 304."""
        method = scope["method"]
        scope["alliancegraph.media"] = response_media_type(_header(scope, b"accept"))
        if method == "GET":
            raw_params = scope.get("query_string", b"")
            if not raw_params:
                return scope, receive  # the IDE (development) or strawberry's refusal
            body = params_from_query_string(raw_params)
        elif method == "POST":
            posted = scope.get("alliancegraph.body")
            if not isinstance(posted, dict):
                return scope, receive
            body = posted
        else:
            return scope, receive
        check_params(body)
        given = body
        try:
            body = self.persisted.resolve(body)
        except PersistedNotFound:
            return self.persisted_not_found(scope)
        query = body.get("query")
        document = self.costed.preparation.document(query) if isinstance(query, str) else None
        name = body.get("operationName")
        scope["alliancegraph.operation"] = operation_name(document, name)
        if method == "POST" and body is given:
            return scope, receive
        if method == "GET":
            kind = operation_kind(document, name) if document is not None else None
            if kind is not None and kind.value != "query":
                raise Refusal(405, "INVALID_INPUT", "only queries run over GET; send a "
                              f"{kind.value} as a POST")  # fmt: skip
            if kind is not None:
                store = self.holder["store"]
                # Neo4j's version is a round trip; the embedded store's is an attribute.
                if store.kind == "memory":
                    version = http_cache.data_version(store)
                else:
                    version = await asyncio.to_thread(http_cache.data_version, store)
                if version is not None:
                    tag = http_cache.etag(version, body, scope["alliancegraph.media"])
                    scope["alliancegraph.etag"] = tag
                    if http_cache.matches(_header(scope, b"if-none-match"), tag):
                        return http_cache.not_modified(tag, self.settings)
        raw = json.dumps(body, ensure_ascii=False).encode()
        headers = [(k, v) for k, v in scope.get("headers") or []
                   if k not in (b"content-type", b"content-length")]  # fmt: skip
        headers += [(b"content-type", b"application/json"),
                    (b"content-length", str(len(raw)).encode())]  # fmt: skip
        inner = {**scope, "method": "POST", "query_string": b"", "headers": headers,
                 "alliancegraph.body": body, "alliancegraph.raw": raw,
                 "alliancegraph.outer": scope}  # fmt: skip
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": raw, "more_body": False}
            return await receive()

        return inner, replay

    def persisted_not_found(self, scope: Scope) -> Response:
        request_id = scope.get("alliancegraph.request_id", "-")
        # Apollo's clients look for this message (and code) and then send the document.
        response = error_response(
            400 if scope["alliancegraph.media"] == GRAPHQL_RESPONSE else 200,
            "PERSISTED_QUERY_NOT_FOUND", "PersistedQueryNotFound", request_id,
        )  # fmt: skip
        scope["alliancegraph.errors"] = True
        self.finish(scope, response)
        return response

    def finish(self, scope: Scope, response: Response) -> None:
        """The specification's media type and status, and a GET's caching headers."""
        if scope.get("alliancegraph.errors"):
            # The outer scope (metrics, log) learns of GraphQL errors too.
            scope.get("alliancegraph.outer", scope)["alliancegraph.errors"] = True
        if scope.get("alliancegraph.media") == GRAPHQL_RESPONSE:
            if response.headers.get("content-type", "").startswith("application/json"):
                response.headers["content-type"] = f"{GRAPHQL_RESPONSE}; charset=utf-8"
            if scope.get("alliancegraph.request_error") and response.status_code == 200:
                response.status_code = 400
        tag = scope.get("alliancegraph.etag")
        if (
            tag is not None
            and response.status_code == 200
            and not scope.get("alliancegraph.errors")
        ):
            http_cache.cacheable(response, tag, self.settings)

    def heavy(self, scope: Scope) -> bool:
        body = scope.get("alliancegraph.body")
        if not isinstance(body, dict) or not isinstance(body.get("query"), str):
            return False
        variables = body.get("variables")
        operation = body.get("operationName")
        cost = self.costed.estimated_cost(
            body["query"],
            variables if isinstance(variables, dict) else None,
            operation if isinstance(operation, str) else None,
        )
        if cost is None or cost <= self.settings.heavy_cost:
            return False
        # Answered from its plan, a read puts no per-field work on the loop: its own limit.
        direct = cost <= self.settings.heavy_cost_direct and self.costed.answered_directly(
            body["query"], operation if isinstance(operation, str) else None
        )
        return not direct

    async def process_result(self, request: Any, result: ExecutionResult) -> GraphQLHTTPResponse:
        # Every error, from parsing to execution, leaves here with its extensions.code.
        if result.errors:
            scope = request.scope
            request_id = scope.get("alliancegraph.request_id", "-")
            result.errors = [coded(e, request_id, self.settings.production)
                             for e in result.errors]  # fmt: skip
            scope["alliancegraph.errors"] = True
            # No data and no error at a path: the request failed before execution (parse,
            # validation, variables, a limit), which the specification's media type
            # answers with 400 and without `data`.
            if result.data is None and all(e.path is None for e in result.errors):
                scope["alliancegraph.request_error"] = True
                if scope.get("alliancegraph.media") == GRAPHQL_RESPONSE:
                    answer = await super().process_result(request, result)
                    answer.pop("data", None)
                    return answer
        return await super().process_result(request, result)

    async def get_context(self, request: Any, response: Any) -> Context:
        return Context(store=self.holder["store"], settings=self.settings,
                       role=request.scope.get("alliancegraph.role"),
                       request_id=request.scope.get("alliancegraph.request_id", "-"))  # fmt: skip


@contextlib.asynccontextmanager
async def _async_reads(store: Store) -> AsyncIterator[None]:
    """While the app serves: Neo4j's compiled reads on the async driver, on this loop
    (`api.context.call`); closed at shutdown if this app opened it."""
    opened = type(store) is Neo4jStore and await store.open_async()
    try:
        yield
    finally:
        if opened:
            assert isinstance(store, Neo4jStore)
            await store.close_async()


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers") or ():
        if key == name:
            text: str = value.decode("latin-1")
            return text
    return None


def create_app(
    settings: Settings,
    store: Store | None = None,
    heavy_worker: bool | None = None,
    span_exporter: Any = None,
) -> Starlette:
    """The app; pass `store` to serve one you manage (tests), else it is opened per lifespan.

    `span_exporter` (tests) turns tracing on with that OpenTelemetry exporter, as
    `OTEL_EXPORTER_OTLP_ENDPOINT` does with the OTLP one.

    `heavy_worker` starts a worker process for costly queries (`api/heavy_process.py`)
    with these settings; it opens the store they name, so pass it with a `store` only if
    that is the same store (what `serve` opens without --sample or --data). Left out, it
    is on (with `heavy_process`) when `store` is the Neo4j database the settings name,
    which the worker reaches just as well, and off otherwise.
    """
    if heavy_worker is None:
        heavy_worker = (settings.heavy_process and isinstance(store, Neo4jStore)
                        and settings.neo4j_uri is not None
                        and store.settings.neo4j_uri == settings.neo4j_uri
                        and store.settings.neo4j_database == settings.neo4j_database)  # fmt: skip
    holder: dict[str, Store] = {}
    graphql = GraphQLApp(settings, holder)
    provider = tracer_provider(settings, span_exporter)
    metrics = (Metrics(graphql.costed.caches, graphql.persisted, lambda: holder.get("store"))
               if settings.metrics else None)  # fmt: skip
    if settings.access_log:
        configure_access_log()

    async def graphql_endpoint(scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        request_id = request.headers.get("x-request-id") or uuid.uuid4().hex
        scope["alliancegraph.request_id"] = request_id
        if request.method == "POST" or settings.reads_need_token:
            role, refusal = role_for(request.headers.get("authorization"), settings)
            if refusal is not None:
                body = {
                    "errors": [
                        {
                            "message": refusal,
                            "extensions": {"code": "FORBIDDEN", "requestId": request_id},
                        }
                    ]
                }
                await JSONResponse(body, status_code=401)(scope, receive, send)
                return
            scope["alliancegraph.role"] = role
        await guarded(graphql, scope, receive, send, settings)

    async def healthz(request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    async def readyz(request: Request) -> Response:
        try:
            await asyncio.to_thread(holder["store"].ping)
        except AllianceGraphError as exc:
            return JSONResponse({"status": "unavailable", "error": str(exc)}, status_code=503)
        # The pid tells the workers of `serve --workers N` apart.
        body = {"status": "ready", "store": holder["store"].kind, "pid": os.getpid()}
        if graphql.worker is not None:  # costly queries run in the lane until it is up
            body["heavyWorker"] = "ready" if await graphql.worker.ready() else "starting"
        return JSONResponse(body)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        graphql.lane = Lane(settings.heavy_concurrency)
        if heavy_worker:
            graphql.worker = HeavyProcess(settings)
        try:
            if store is not None:
                holder["store"] = TracedStore(store, provider) if provider else store
                async with _async_reads(holder["store"]):
                    yield
                return
            from stores.open import open_store

            opened = await asyncio.to_thread(open_store, settings)
            holder["store"] = TracedStore(opened, provider) if provider else opened
            log.info("serving the %s store", holder["store"].kind)
            try:
                async with _async_reads(holder["store"]):
                    yield
            finally:
                holder["store"].close()
        finally:
            graphql.lane.close()
            graphql.lane = None
            if graphql.worker is not None:
                await asyncio.to_thread(graphql.worker.stop)
                graphql.worker = None

    routes = [
        # A bare function would be taken for a request-response endpoint; this is ASGI.
        # Every method: strawberry refuses the others itself, in JSON like every refusal.
        Route("/graphql", _Asgi(graphql_endpoint)),
        Route("/healthz", healthz),
        Route("/readyz", readyz),
        *([Route("/metrics", metrics.endpoint)] if metrics else []),
        planner_page(),  # the planner's page at `/`, last: it must not shadow the API
    ]
    # Outermost first: the trace spans the whole request, the log and metrics see even a
    # refused preflight.
    middleware = [*([traced_app(provider)] if provider else []),
                  Middleware(Observed, metrics=metrics, log=settings.access_log)]  # fmt: skip
    if settings.cors_origins:
        # Exact origins; a preflight from any other gets 400 and no Access-Control headers.
        middleware.append(Middleware(
            CORSMiddleware, allow_origins=list(settings.cors_origins),
            allow_methods=["GET", "POST"],
            allow_headers=["authorization", "content-type", "x-request-id", "if-none-match"],
            expose_headers=["etag", "x-request-id"],
            allow_credentials=settings.cors_credentials, max_age=600,
        ))  # fmt: skip
    app = Starlette(routes=routes, lifespan=lifespan, middleware=middleware)
    app.state.graphql = graphql  # benchmarks and tests reach the GraphQL layer here
    app.state.schema = graphql.costed  # its caches count their hits: tests read them
    return app


class _Asgi:
    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.app(scope, receive, send)


def app_from_env() -> Starlette:
    """The factory `uvicorn --factory` and `alliancegraph serve --workers N` call."""
    from api import serving_gc

    settings = Settings.from_env()
    app = create_app(settings, heavy_worker=settings.heavy_process)
    serving_gc.tune()
    return app
