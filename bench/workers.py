"""Serving benchmark: throughput of `serve --workers N`, and what the serving layer costs.

    flock /tmp/ag-heavy.lock .venv/bin/python -m bench.workers        # ~1 min

1. **Workers.** Starts `alliancegraph serve --workers N` (embedded store, bundled samples,
   production settings, heavy worker off so that only the N workers serve) on a free port
   of 127.0.0.1, for N = 1 and N = 2 alternately (`--rounds`, so both see the same
   background load), and drives it for `--seconds` with `--clients` keep-alive
   connections (threads in two client processes) sending a small query (one institution
   by id with its alliances). Throughput is requests per second; the anchor is the
   1-worker figure of the same run, so the result is the ratio 2 workers / 1 worker.
2. **Middleware.** In one process, the ASGI app called directly (no sockets, so nothing
   dilutes the difference) on the same small query: `--requests` requests with metrics and
   the JSON access log on (written to /dev/null) against the same with both off,
   alternated in blocks; the figure is the ratio of the medians. Also the time of the
   request preparation (`GraphQLApp.prepare`: media type, parameter checks, persisted
   lookup, operation name) per request, against a whole request.

Prints a table with the load average (`os.getloadavg()`) before and after, and writes
bench/results/workers-<timestamp>.json.
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import json
import logging
import multiprocessing
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
QUERY = "query One($id: ID!) { institution(id: $id) { id name alliances { id name } } }"
BODY = json.dumps({"query": QUERY, "variables": {"id": "ezhou-dushan-thc"}}).encode()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start(workers: int) -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEO4J_", "OTEL_"))}
    env |= {"ALLIANCEGRAPH_HEAVY_PROCESS": "false"}
    process = subprocess.Popen(
        [sys.executable, "-m", "cli", "serve", "--port", str(port), "--workers", str(workers)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    pids: set[int] = set()
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/readyz")
            pids.add(json.loads(conn.getresponse().read())["pid"])
            conn.close()
            if len(pids) >= workers or workers == 1:
                return process, port
        except (OSError, ValueError, KeyError):
            time.sleep(0.3)
    process.kill()
    raise SystemExit(f"serve --workers {workers} did not come up")


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def client(port: int, threads: int, seconds: float, out: Any) -> None:
    """One client process: `threads` keep-alive connections posting BODY until time's up."""
    counts = [0] * threads
    errors = [0] * threads
    until = time.monotonic() + seconds

    def run(i: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        headers = {"content-type": "application/json"}
        while time.monotonic() < until:
            conn.request("POST", "/graphql", BODY, headers)
            response = conn.getresponse()
            body = response.read()
            if response.status == 200 and b'"errors"' not in body:
                counts[i] += 1
            else:
                errors[i] += 1

    pool = [threading.Thread(target=run, args=(i,)) for i in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    out.put((sum(counts), sum(errors)))


def throughput(port: int, clients: int, seconds: float) -> tuple[float, int]:
    queue: Any = multiprocessing.Queue()
    procs = [
        multiprocessing.Process(target=client, args=(port, n, seconds, queue))
        for n in (clients // 2, clients - clients // 2)
    ]
    started = time.perf_counter()
    for p in procs:
        p.start()
    results = [queue.get() for _ in procs]
    for p in procs:
        p.join()
    elapsed = time.perf_counter() - started
    return sum(r[0] for r in results) / elapsed, sum(r[1] for r in results)


async def asgi_times(app: Any, n: int) -> list[float]:
    """Per-request seconds of `n` POSTs of BODY sent straight to the ASGI app."""
    times = []
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/graphql",
        "raw_path": b"/graphql",
        "root_path": "",
        "query_string": b"",
        "server": ("127.0.0.1", 80),
        "client": ("127.0.0.1", 5000),
        "headers": [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(BODY)).encode()),
        ],
    }
    for _ in range(n):
        sent = False
        status = 0

        async def receive() -> dict[str, Any]:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": BODY, "more_body": False}
            await asyncio.sleep(3600)
            return {"type": "http.disconnect"}

        async def send(message: dict[str, Any]) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]

        started = time.perf_counter()
        await app(dict(scope), receive, send)
        times.append(time.perf_counter() - started)
        assert status == 200, status
    return times


def middleware(requests: int, blocks: int) -> dict[str, float]:
    from api.app import create_app
    from graphmodel.settings import Settings
    from stores.open import open_store

    devnull = logging.StreamHandler(open(os.devnull, "w"))  # noqa: SIM115
    logging.getLogger("alliancegraph.access").addHandler(devnull)
    logging.getLogger("alliancegraph.access").setLevel(logging.INFO)
    logging.getLogger("alliancegraph.access").propagate = False
    base = Settings(heavy_process=False, request_timeout=60)
    store = open_store(base)
    on = create_app(Settings(**{**base.__dict__}), store)
    off = create_app(Settings(**{**base.__dict__, "metrics": False, "access_log": False}), store)
    results: dict[str, list[float]] = {"on": [], "off": []}

    async def run() -> float:
        async with on.router.lifespan_context(on), off.router.lifespan_context(off):
            for app in (on, off):
                await asgi_times(app, 200)  # warm the caches
            for _ in range(blocks):
                for name, app in (("on", on), ("off", off)):
                    results[name] += await asgi_times(app, requests // blocks)
            return await prepare_time(on.state.graphql)

    prep = asyncio.run(run())
    store.close()
    on_median, off_median = statistics.median(results["on"]), statistics.median(results["off"])
    return {
        "on_us": on_median * 1e6,
        "off_us": off_median * 1e6,
        "ratio": on_median / off_median,
        "prepare_us": prep * 1e6,
        "prepare_share": prep / off_median,
    }


async def prepare_time(graphql: Any) -> float:
    """Median seconds of `GraphQLApp.prepare` on the small query's POST."""
    body = json.loads(BODY)
    scope = {
        "method": "POST",
        "headers": [(b"content-type", b"application/json")],
        "alliancegraph.body": body,
    }
    times = []
    for _ in range(2000):
        s = dict(scope)
        started = time.perf_counter()
        await graphql.prepare(s, None)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


async def observed_cost(n: int = 20000) -> float:
    """Median seconds `Observed` (metrics and access log) adds around an app that does
    nothing: the middleware's own cost per request, free of the query's noise."""
    from api.caches import Caches
    from api.observability import Metrics, Observed
    from api.persisted import Persisted
    from graphmodel.settings import Settings

    async def nothing(scope: Any, receive: Any, send: Any) -> None:
        scope["alliancegraph.operation"] = "One"
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"{}"})

    async def sink(message: Any) -> None:
        return None

    metrics = Metrics(Caches(16, 1 << 16), Persisted(Settings()), lambda: None)
    wrapped = Observed(nothing, metrics=metrics, log=True)
    scope = {"type": "http", "method": "POST", "path": "/graphql",
             "alliancegraph.request_id": "bench"}  # fmt: skip
    costs = []
    for _ in range(n // 100):
        started = time.perf_counter()
        for _ in range(100):
            await nothing(dict(scope), None, sink)
        bare = time.perf_counter() - started
        started = time.perf_counter()
        for _ in range(100):
            await wrapped(dict(scope), None, sink)
        costs.append((time.perf_counter() - started - bare) / 100)
    return statistics.median(costs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--requests", type=int, default=4000)
    args = parser.parse_args()
    load_before = os.getloadavg()
    per: dict[int, list[float]] = {1: [], 2: []}
    failures = 0
    for _ in range(args.rounds):
        for workers in (1, 2):
            process, port = start(workers)
            try:
                throughput(port, args.clients, 1.0)  # warm-up
                rps, errors = throughput(port, args.clients, args.seconds)
            finally:
                stop(process)
            per[workers].append(rps)
            failures += errors
    mw = middleware(args.requests, blocks=8)
    mw["observed_us"] = asyncio.run(observed_cost()) * 1e6
    mw["observed_share"] = mw["observed_us"] / mw["off_us"]
    load_after = os.getloadavg()
    one, two = statistics.median(per[1]), statistics.median(per[2])
    print(
        f"load average before {load_before[0]:.2f}, after {load_after[0]:.2f} "
        f"({os.cpu_count()} cores)"
    )
    print(
        f"workers=1  {one:8.0f} req/s   (anchor; rounds: {', '.join(f'{x:.0f}' for x in per[1])})"
    )
    print(
        f"workers=2  {two:8.0f} req/s   ratio {two / one:.2f}  "
        f"(rounds: {', '.join(f'{x:.0f}' for x in per[2])}; errors {failures})"
    )
    print(
        f"middleware on {mw['on_us']:.0f} µs vs off {mw['off_us']:.0f} µs per request: "
        f"ratio {mw['ratio']:.3f}"
    )
    print(
        f"Observed (metrics + JSON log) alone: {mw['observed_us']:.1f} µs = "
        f"{mw['observed_share']:.1%} of a request without it"
    )
    print(f"request preparation {mw['prepare_us']:.1f} µs = {mw['prepare_share']:.1%} of a request")
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"workers-{datetime.now():%Y%m%d-%H%M%S}.json"
    path.write_text(
        json.dumps(
            {
                "args": vars(args),
                "load_before": load_before,
                "load_after": load_after,
                "rps": per,
                "middleware": mw,
            },
            indent=2,
        )
    )
    print(f"wrote {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
