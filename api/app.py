"""`create_app(settings)`: the ASGI app — GraphQL at /graphql, /healthz and /readyz.

The store is opened in the lifespan (Neo4j when NEO4J_URI is set, otherwise the embedded
store with the bundled samples) and closed at shutdown.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import AsyncIterator
from typing import Any

from cross_web import HTTPException
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLHTTPResponse
from strawberry.types import ExecutionResult

from api.auth import role_for
from api.context import Context
from api.edge import error_response, guarded
from api.errors import coded
from api.heavy_process import HeavyProcess, WorkerUnavailable
from api.lane import Lane
from api.plain import PlainAnswers, plain
from api.schema import build_schema
from api.static_page import planner_page
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
        self.lane: Lane | None = None  # started by the app's lifespan
        self.worker: HeavyProcess | None = None  # likewise, for a server from the environment

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
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
        await response(scope, receive, send)

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
        return cost is not None and cost > self.settings.heavy_cost

    async def process_result(self, request: Any, result: ExecutionResult) -> GraphQLHTTPResponse:
        # Every error, from parsing to execution, leaves here with its extensions.code.
        if result.errors:
            request_id = request.scope.get("alliancegraph.request_id", "-")
            result.errors = [coded(e, request_id, self.settings.production)
                             for e in result.errors]  # fmt: skip
        return await super().process_result(request, result)

    async def get_context(self, request: Any, response: Any) -> Context:
        return Context(store=self.holder["store"], settings=self.settings,
                       role=request.scope.get("alliancegraph.role"),
                       request_id=request.scope.get("alliancegraph.request_id", "-"))  # fmt: skip


def create_app(settings: Settings, store: Store | None = None,
               heavy_worker: bool | None = None) -> Starlette:  # fmt: skip
    """The app; pass `store` to serve one you manage (tests), else it is opened per lifespan.

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
        body = {"status": "ready", "store": holder["store"].kind}
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
                holder["store"] = store
                yield
                return
            from stores.open import open_store

            holder["store"] = await asyncio.to_thread(open_store, settings)
            log.info("serving the %s store", holder["store"].kind)
            try:
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
        planner_page(),  # the planner's page at `/`, last: it must not shadow the API
    ]
    app = Starlette(routes=routes, lifespan=lifespan)
    app.state.schema = graphql.costed  # its caches count their hits: tests read them
    return app


class _Asgi:
    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.app(scope, receive, send)


def app_from_env() -> Starlette:
    """The factory `uvicorn --factory` and `alliancegraph serve --workers N` call."""
    settings = Settings.from_env()
    return create_app(settings, heavy_worker=settings.heavy_process)
