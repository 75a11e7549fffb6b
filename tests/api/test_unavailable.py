"""When Neo4j goes away, requests get UNAVAILABLE promptly; when it returns, the API recovers.

This test runs its own Neo4j (a second instance, on another port) so that stopping it
does not disturb the rest of the suite.
"""

from __future__ import annotations

import os
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from graphmodel.settings import Settings
from loaders.samples import load_sample
from stores.neo4j import Neo4jStore
from tests.api.conftest import make_api
from tests.conftest import neo4j_settings

ROOT = Path(__file__).parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


PORT = str(free_port())


def server(command: str, state: Path) -> None:
    env = {**os.environ, "NEO4J_TEST_PORT": PORT, "NEO4J_TEST_STATE_DIR": str(state)}
    done = subprocess.run(["bash", str(ROOT / "scripts" / "neo4j.sh"), command], env=env,
                          capture_output=True, text=True, timeout=300)  # fmt: skip
    assert done.returncode == 0, f"neo4j.sh {command} failed:\n{done.stdout}\n{done.stderr}"


@pytest.fixture
def second_neo4j(tmp_path: Path) -> Iterator[Path]:
    neo4j_settings()  # fails under CI=true, skips elsewhere, when the suite has no Neo4j
    state = tmp_path / "neo4j-state"
    server("start", state)
    try:
        yield state
    finally:
        server("stop", state)


def test_unavailable_while_neo4j_is_down_and_recovery_after(second_neo4j: Path) -> None:
    password = (second_neo4j / "password").read_text().strip()
    settings = Settings(neo4j_uri=f"bolt://127.0.0.1:{PORT}", neo4j_password=password,
                        neo4j_timeout=2.0)  # fmt: skip
    store = Neo4jStore(settings)
    store.load(load_sample("wuxi"))
    q = '{ institution(id: "wuxi-second-people") { name } }'
    try:
        for api in make_api(store):
            assert api.data(q) == {"institution": {"name": "无锡市第二人民医院"}}
            server("stop", second_neo4j)
            started = time.monotonic()
            assert api.codes(q) == ["UNAVAILABLE"]
            assert time.monotonic() - started < 10
            ready = api.client.get("/readyz")
            assert ready.status_code == 503 and ready.json()["status"] == "unavailable"
            server("start", second_neo4j)  # a fresh, empty database
            assert api.client.get("/readyz").status_code == 200
            assert api.codes(q) == ["NOT_FOUND"]  # answered by the database again
            store.load(load_sample("wuxi"))
            assert api.data(q) == {"institution": {"name": "无锡市第二人民医院"}}
    finally:
        store.close()
