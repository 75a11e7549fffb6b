"""`alliancegraph serve` as operators run it: a subprocess on a free port, in production mode.

Used by the tests that need a real socket: the GraphQL-over-HTTP audit suite (Node's
`graphql-http`, installed by `npm ci` in tests/serve/audit, which ./test.sh runs) and
`serve --workers N`.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
AUDIT = Path(__file__).parent / "audit"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Served:
    def __init__(self, port: int, process: subprocess.Popen[bytes], log: Path) -> None:
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.process = process
        self.log = log

    def get_json(self, path: str) -> Any:
        with urllib.request.urlopen(f"{self.url}{path}", timeout=10) as r:
            return json.load(r)


@contextmanager
def served(*args: str, env: dict[str, str] | None = None, timeout: float = 90) -> Iterator[Served]:
    """`alliancegraph serve ARGS` with the embedded store, stopped (and waited for) after."""
    port = free_port()
    child_env = {k: v for k, v in os.environ.items() if not k.startswith(("NEO4J_", "OTEL_"))}
    child_env |= {"ALLIANCEGRAPH_HEAVY_PROCESS": "false", **(env or {})}
    log = Path(os.environ.get("TMPDIR", "/tmp")) / f"ag-serve-{port}.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "cli", "serve", "--port", str(port), *args],
            cwd=ROOT,
            env=child_env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    server = Served(port, process, log)
    try:
        deadline = time.monotonic() + timeout
        while True:
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"serve did not start:\n{log.read_text(errors='replace')}")
            try:
                server.get_json("/readyz")
                break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.3)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
