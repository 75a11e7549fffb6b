"""`serve --workers N`: N processes answer on one port, each with its own store."""

from __future__ import annotations

import json
import time
import urllib.request

from tests.serve.conftest import served


def test_two_workers_both_answer() -> None:
    with served("--workers", "2") as server:
        pids: set[int] = set()
        deadline = time.monotonic() + 60
        while len(pids) < 2 and time.monotonic() < deadline:
            ready = server.get_json("/readyz")  # a new connection each time
            assert ready["status"] == "ready" and ready["store"] == "memory"
            pids.add(ready["pid"])
        assert len(pids) == 2 and server.process.pid not in pids
        request = urllib.request.Request(
            f"{server.url}/graphql",
            data=json.dumps({"query": '{ institution(id: "ezhou-dushan-thc") { name } }'}).encode(),
            headers={"content-type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=30) as r:
            assert json.load(r) == {"data": {"institution": {"name": "杜山镇卫生院"}}}
