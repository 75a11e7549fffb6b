"""The GraphQL-over-HTTP specification's own audit suite, run against `alliancegraph serve`.

The audits come from npm `graphql-http` (pinned in tests/serve/audit/package-lock.json,
installed by `npm ci` there, which ./test.sh runs). Every MUST and every SHOULD passes;
so do the MAYs. Four audits ask for `__type(name:)`, introspection, which production
mode turns off: with introspection on they pass, with the production default they fail
for that reason only, and the second test names them.
"""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from tests.serve.conftest import AUDIT, served

INTROSPECTING = {"28B9", "2EA1", "D6D5", "6A70"}  # `query Type($name: String!) { __type … }`


def audit(url: str) -> list[dict[str, str]]:
    node = shutil.which("node")
    if node is None or not (AUDIT / "node_modules" / "graphql-http").is_dir():
        pytest.fail("the audit needs Node and `npm ci` in tests/serve/audit (./test.sh runs it)")
    out = subprocess.run(
        [node, "audit.mjs", f"{url}/graphql"],
        cwd=AUDIT,
        check=True,
        capture_output=True,
        text=True,
        timeout=300,
    ).stdout
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def test_every_audit_passes_with_introspection_on() -> None:
    with served(env={"ALLIANCEGRAPH_INTROSPECTION": "true"}) as server:
        results = audit(server.url)
    assert len(results) >= 61
    failing = [f"{r['id']} {r['name']}: {r['reason']}" for r in results if r["status"] != "ok"]
    assert failing == []


def test_in_production_only_the_introspecting_audits_fail() -> None:
    with served() as server:
        results = audit(server.url)
    failing = {r["id"] for r in results if r["status"] != "ok"}
    assert failing == INTROSPECTING
    for r in results:
        if r["id"] in INTROSPECTING:
            assert "errors" in (r["reason"] or "") or "status code" in (r["reason"] or "")
