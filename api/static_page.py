"""The planner's page at `/`: the built web assets in `api/static/`, served as they are.

`web/` holds the source; `cd web && npm ci && npm run build` writes `api/static/`, which
ships inside the Python package, so a `pip install` needs no Node. The page talks only to
`/graphql`. When the assets have not been built, `/` says how to build them and the API
works as before.
"""

from __future__ import annotations

from pathlib import Path

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

STATIC = Path(__file__).parent / "static"

NOT_BUILT = """<!doctype html><html lang="zh-CN"><meta charset="utf-8">
<title>alliancegraph</title>
<p>规划视图尚未构建 / The planner's page has not been built.</p>
<pre>cd web &amp;&amp; npm ci &amp;&amp; npm run build</pre>
<p>The GraphQL API is at <a href="graphql">/graphql</a>.</p>
</html>
"""


def planner_page(directory: Path = STATIC) -> BaseRoute:
    """A mount at `/` for the built page; add it after every other route."""
    if (directory / "index.html").is_file():
        return Mount("/", app=StaticFiles(directory=directory, html=True), name="page")

    async def not_built(request: Request) -> Response:
        return HTMLResponse(NOT_BUILT, status_code=503)

    return Route("/", not_built, name="page")
