"""`/` serves the built page, or says how to build it; the API routes stay where they are."""

from __future__ import annotations

from pathlib import Path

from starlette.applications import Starlette
from starlette.routing import Route
from starlette.testclient import TestClient

from api.static_page import planner_page


def app_with(directory: Path) -> Starlette:
    async def graphql(request: object) -> object:
        from starlette.responses import JSONResponse

        return JSONResponse({"data": {}})

    return Starlette(routes=[Route("/graphql", graphql), planner_page(directory)])


def test_not_built_says_how_to_build(tmp_path: Path) -> None:
    with TestClient(app_with(tmp_path)) as client:
        answer = client.get("/")
        assert answer.status_code == 503
        assert "npm ci &amp;&amp; npm run build" in answer.text
        assert client.get("/graphql").status_code == 200


def test_built_page_and_assets_are_served(tmp_path: Path) -> None:
    (tmp_path / "assets").mkdir()
    (tmp_path / "index.html").write_text("<!doctype html><title>page</title>", encoding="utf-8")
    (tmp_path / "assets" / "app.js").write_text("console.log(1)", encoding="utf-8")
    with TestClient(app_with(tmp_path)) as client:
        assert "<title>page</title>" in client.get("/").text
        assert client.get("/assets/app.js").text == "console.log(1)"
        assert client.get("/graphql").json() == {"data": {}}
        assert client.get("/nothing-here").status_code == 404
