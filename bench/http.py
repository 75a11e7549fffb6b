"""GraphQL over HTTP on the embedded store, beside a cached strawberry hello-world.

Why: the API's own pipeline (body checks, limits, parsing, validation, context, encoding)
must not cost many times what strawberry itself costs; the anchor is the smallest
strawberry app there is, `{ hello }` with strawberry's parser and validation caches on,
under uvicorn with the same settings as `alliancegraph serve` (one worker, uvicorn's
default loop and HTTP implementation, its info log level). Each server is pinned to core 0
and the load generator (autocannon, 16 keep-alive connections) to core 1, and the
queries are interleaved for `--rounds` rounds, so that a change in the machine's load
hits every query alike; the figure to read is the ratio to hello of the same run.

    .venv/bin/python -m bench.http [--rounds 3] [--duration 5] [--sample wuxi]

Prints a table and writes bench/results/http-<timestamp>.json (gitignored). Needs Node
and npm: autocannon 8 is fetched once into npm's cache by `npx`.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
AUTOCANNON_PACKAGE = "autocannon@8"


def autocannon() -> list[str]:
    """The autocannon command, resolved once through npx (each npx call costs seconds)."""
    found = subprocess.run(
        ["npx", "--yes", "-p", AUTOCANNON_PACKAGE, "-c", "command -v autocannon"],
        capture_output=True, text=True, check=True, timeout=600,
    )  # fmt: skip
    return [found.stdout.strip().splitlines()[-1]]


COUNTERPARTS = """{ counterparts(institution: "无锡市第二人民医院") {
  direction department institution { id name } alliance { id name kind } } }"""
QUERIES: dict[str, str] = {
    "hello": "{ hello }",
    "counterparts": COUNTERPARTS,
    "institution": '{ institution(id: "%(id)s") { id name alliances { name } } }',
    "institutions(first:50)": (
        "{ institutions(first: 50) { edges { node { id name alliances { name } } } } }"
    ),
}


def hello_app() -> Any:
    """The anchor: strawberry's smallest app, as cached as strawberry allows."""
    import strawberry
    from strawberry.asgi import GraphQL
    from strawberry.extensions import ParserCache, ValidationCache

    @strawberry.type
    class Query:
        @strawberry.field
        def hello(self) -> str:
            return "world"

    schema = strawberry.Schema(
        query=Query, extensions=[ParserCache(maxsize=None), ValidationCache(maxsize=None)]
    )
    return GraphQL(schema, graphql_ide=None)


def serve_hello(port: int) -> None:
    """Serve the anchor with the uvicorn call `alliancegraph serve` makes (cli/main.py)."""
    import uvicorn

    uvicorn.run(hello_app(), host="127.0.0.1", port=port, log_level="info")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _pin(core: int | None) -> Any:
    if core is None:
        return None
    return lambda: os.sched_setaffinity(0, {core})


@contextlib.contextmanager
def server(argv: list[str], port: int, core: int | None, log: Path,
           root: Path = ROOT) -> Iterator[int]:  # fmt: skip
    """Run a server process until the block ends; yields its pid once /graphql answers."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEO4J_")}
    with log.open("wb") as out:
        proc = subprocess.Popen(argv, cwd=root, env=env, stdout=out, stderr=subprocess.STDOUT,
                                preexec_fn=_pin(core))  # fmt: skip
        try:
            deadline = time.monotonic() + 120
            while True:
                try:
                    post(port, "{ __typename }")
                    break
                except OSError:
                    if proc.poll() is not None or time.monotonic() > deadline:
                        raise RuntimeError(f"server {argv} did not start; see {log}") from None
                    time.sleep(0.2)
            yield proc.pid
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def post(port: int, query: str) -> Any:
    body = json.dumps({"query": query}).encode()
    request = urllib.request.Request(f"http://127.0.0.1:{port}/graphql", data=body,
                                     headers={"content-type": "application/json"})  # fmt: skip
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def load(cannon: list[str], port: int, query: str, seconds: float, connections: int,
         core: int | None) -> dict:  # fmt: skip
    """One autocannon run: req/s, latency percentiles, and every kind of failed answer."""
    body = json.dumps({"query": query})
    argv = [*cannon, "-c", str(connections), "-d", str(seconds), "-m", "POST",
            "-H", "content-type=application/json", "-b", body, "-j",
            f"http://127.0.0.1:{port}/graphql"]  # fmt: skip
    if core is not None and shutil.which("taskset"):
        argv = ["taskset", "-c", str(core), *argv]
    done = subprocess.run(argv, capture_output=True, check=True, text=True, timeout=seconds + 120)
    out = json.loads(done.stdout)
    return {
        "rps": out["requests"]["total"] / out["duration"],
        "p50_ms": out["latency"]["p50"],
        "p99_ms": out["latency"]["p99"],
        "requests": out["requests"]["total"],
        "non2xx": out["non2xx"],
        "errors": out["errors"],
        "timeouts": out["timeouts"],
    }


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--duration", type=float, default=5.0, help="seconds per query and round")
    p.add_argument("--warmup", type=float, default=1.0, help="untimed seconds per server")
    p.add_argument("--connections", type=int, default=16)
    p.add_argument("--sample", default="wuxi", help="bundled sample the API serves")
    p.add_argument("--only", nargs="*", help="query names to run besides hello")
    p.add_argument(
        "--hold",
        type=float,
        default=0,
        help="keep loading `counterparts` this many seconds first (for a profiler)",
    )
    p.add_argument("--no-pin", action="store_true", help="let the servers use every core")
    p.add_argument(
        "--baseline",
        type=Path,
        help="a copy of another commit (git archive): "
        "its API is served too and its queries are interleaved, marked `base:`",
    )
    args = p.parse_args(argv)
    cannon = autocannon()
    two_cores = len(os.sched_getaffinity(0)) >= 2 and not args.no_pin
    server_core, client_core = (0, 1) if two_cores else (None, None)

    def hit(port: int, query: str, seconds: float) -> dict:
        return load(cannon, port, query, seconds, args.connections, client_core)

    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    hello_port, api_port = _free_port(), _free_port()
    py = sys.executable
    hello_argv = [py, "-c", f"from bench.http import serve_hello; serve_hello({hello_port})"]
    api_argv = [py, "-m", "cli", "--sample", args.sample, "serve", "--port", str(api_port)]
    names = [n for n in QUERIES if n == "hello" or not args.only or n in args.only]
    base_port = _free_port()
    base_argv = [*api_argv[:-1], str(base_port)]
    targets = {n: hello_port if n == "hello" else api_port for n in names}
    if args.baseline:
        targets |= {f"base:{n}": base_port for n in names if n != "hello"}
    runs: dict[str, list[dict]] = {n: [] for n in targets}
    load_before = os.getloadavg()
    with contextlib.ExitStack() as stack:
        stack.enter_context(
            server(hello_argv, hello_port, server_core, RESULTS / f"http-{stamp}-hello.log")
        )
        api_pid = stack.enter_context(
            server(api_argv, api_port, server_core, RESULTS / f"http-{stamp}-api.log")
        )
        if args.baseline:
            base_log = RESULTS / f"http-{stamp}-base.log"
            stack.enter_context(server(base_argv, base_port, server_core, base_log, args.baseline))
        some = post(api_port, "{ institutions(first: 1) { nodes { id } } }")
        ident = some["data"]["institutions"]["nodes"][0]["id"]
        queries = {t: QUERIES[t.removeprefix("base:")] for t in targets}
        queries = {t: q % {"id": ident} if "%(" in q else q for t, q in queries.items()}
        for name, query in queries.items():  # every query answers, without errors
            answer = post(targets[name], query)
            if answer.get("errors") or not answer.get("data"):
                raise SystemExit(f"{name}: {answer}")
        if args.hold:
            print(f"loading counterparts for {args.hold:g} s; server pid {api_pid}", flush=True)
            hit(api_port, queries["counterparts"], args.hold)
        for name, query in queries.items():
            hit(targets[name], query, args.warmup)
        order = list(targets)
        for r in range(args.rounds):
            for name in order[r % len(order) :] + order[: r % len(order)]:  # rotated
                runs[name].append(hit(targets[name], queries[name], args.duration))
    load_after = os.getloadavg()
    hello = statistics.median(x["rps"] for x in runs["hello"])
    summary = {}
    for name, xs in runs.items():
        rps = statistics.median(x["rps"] for x in xs)
        summary[name] = {
            "median_rps": round(rps, 1),
            "p50_ms": statistics.median(x["p50_ms"] for x in xs),
            "p99_ms": statistics.median(x["p99_ms"] for x in xs),
            "ratio_to_hello": round(rps / hello, 3),
            "failed": sum(x["non2xx"] + x["errors"] + x["timeouts"] for x in xs),
        }
    result = {
        "timestamp": stamp,
        "settings": vars(args),
        "pinned": {"server_core": server_core, "client_core": client_core},
        "loadavg_before": load_before,
        "loadavg_after": load_after,
        "summary": summary,
        "runs": runs,
    }
    out = RESULTS / f"http-{stamp}.json"
    out.write_text(json.dumps(result, indent=2, ensure_ascii=False, default=str))
    print(f"{'query':24} {'req/s':>8} {'× hello':>8} {'p50 ms':>7} {'p99 ms':>7} {'failed':>6}")
    for name, s in summary.items():
        print(f"{name:24} {s['median_rps']:8.1f} {s['ratio_to_hello']:8.3f} "
              f"{s['p50_ms']:7.1f} {s['p99_ms']:7.1f} {s['failed']:6}")  # fmt: skip
    print(f"rounds {args.rounds} × {args.duration:g} s, {args.connections} connections; load "
          f"average {load_before[0]:.2f} before, {load_after[0]:.2f} after; {out}")  # fmt: skip


if __name__ == "__main__":
    main()
