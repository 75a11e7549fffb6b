"""CORS: only the configured exact origins, credentials only when configured."""

from __future__ import annotations

from graphmodel.settings import Settings, SettingsError
from graphmodel.store import Store
from tests.api.conftest import make_api

ALLOWED = "https://planner.example.org"
REFUSED = "https://evil.example.com"
PREFLIGHT = {
    "access-control-request-method": "POST",
    "access-control-request-headers": "content-type, authorization",
}


def test_no_cross_origin_access_by_default(memory_store: Store) -> None:
    for api in make_api(memory_store):
        pre = api.client.options("/graphql", headers={"origin": ALLOWED, **PREFLIGHT})
        assert pre.status_code == 405 and "access-control-allow-origin" not in pre.headers
        simple = api.client.post(
            "/graphql", json={"query": "{ __typename }"}, headers={"origin": ALLOWED}
        )
        assert "access-control-allow-origin" not in simple.headers


def test_the_allowed_origin_and_only_it(memory_store: Store) -> None:
    for api in make_api(memory_store, cors_origins=(ALLOWED,)):
        pre = api.client.options("/graphql", headers={"origin": ALLOWED, **PREFLIGHT})
        assert pre.status_code == 200
        assert pre.headers["access-control-allow-origin"] == ALLOWED
        assert "POST" in pre.headers["access-control-allow-methods"]
        assert "authorization" in pre.headers["access-control-allow-headers"].lower()
        assert "access-control-allow-credentials" not in pre.headers
        simple = api.client.post(
            "/graphql", json={"query": "{ __typename }"}, headers={"origin": ALLOWED}
        )
        assert simple.headers["access-control-allow-origin"] == ALLOWED
        assert "etag" in simple.headers["access-control-expose-headers"].lower()

        refused = api.client.options("/graphql", headers={"origin": REFUSED, **PREFLIGHT})
        assert refused.status_code == 400
        assert "access-control-allow-origin" not in refused.headers
        other = api.client.post(
            "/graphql", json={"query": "{ __typename }"}, headers={"origin": REFUSED}
        )
        assert "access-control-allow-origin" not in other.headers


def test_credentials_only_when_configured(memory_store: Store) -> None:
    for api in make_api(memory_store, cors_origins=(ALLOWED,), cors_credentials=True):
        pre = api.client.options("/graphql", headers={"origin": ALLOWED, **PREFLIGHT})
        assert pre.headers["access-control-allow-credentials"] == "true"


def test_the_setting_takes_exact_origins_only() -> None:
    settings = Settings.from_env(
        {"ALLIANCEGRAPH_CORS_ORIGINS": f"{ALLOWED}, http://127.0.0.1:5173"}
    )
    assert settings.cors_origins == (ALLOWED, "http://127.0.0.1:5173")
    for bad in ("*", "https://*.example.org", "planner.example.org", f"{ALLOWED}/page"):
        try:
            Settings.from_env({"ALLIANCEGRAPH_CORS_ORIGINS": bad})
        except SettingsError as e:
            assert "ALLIANCEGRAPH_CORS_ORIGINS" in str(e)
        else:
            raise AssertionError(f"accepted {bad!r}")
