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
from api.errors import coded
from api.schema import build_schema
from api.static_page import planner_page
from graphmodel.errors import AllianceGraphError
from graphmodel.settings import Settings
from graphmodel.store import Store

log = logging.getLogger("alliancegraph.api")


class GraphQLApp(GraphQL[Context, None]):
    def __init__(self, settings: Settings, holder: dict[str, Store]) -> None:
        super().__init__(
            build_schema(settings),
            graphql_ide="graphiql" if settings.graphiql_enabled else None,
            allow_queries_via_get=False,
        )
        self.settings = settings
        self.holder = holder

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


def create_app(settings: Settings, store: Store | None = None) -> Starlette:
    """The app; pass `store` to serve one you manage (tests), else it is opened per lifespan."""
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
        await graphql(scope, receive, send)

    async def healthz(request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    async def readyz(request: Request) -> Response:
        try:
            await asyncio.to_thread(holder["store"].ping)
        except AllianceGraphError as exc:
            return JSONResponse({"status": "unavailable", "error": str(exc)}, status_code=503)
        return JSONResponse({"status": "ready", "store": holder["store"].kind})

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
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

    routes = [
        # A bare function would be taken for a request-response endpoint; this is ASGI.
        Route("/graphql", _Asgi(graphql_endpoint), methods=["GET", "POST"]),
        Route("/healthz", healthz),
        Route("/readyz", readyz),
        planner_page(),  # the planner's page at `/`, last: it must not shadow the API
    ]
    return Starlette(routes=routes, lifespan=lifespan)


class _Asgi:
    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.app(scope, receive, send)


def app_from_env() -> Starlette:
    """The factory `uvicorn --factory` and `alliancegraph serve --workers N` call."""
    return create_app(Settings.from_env())
