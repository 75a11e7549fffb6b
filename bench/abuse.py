"""Abuse benchmark: does a normal query stay fast while attackers send the costliest query
the API allows?

One command, loopback only, bounded in count and time:

    .venv/bin/python -m bench.abuse            # embedded store (bundled samples)
    .venv/bin/python -m bench.abuse --neo4j    # Neo4j at TEST_NEO4J_URI (loads the samples)

It starts the server as `alliancegraph serve` does (`uvicorn api.app:app_from_env`, one
worker, production settings, so with its heavy worker process) on a free port of
127.0.0.1, then:

1. times the refusal of the review's worst query (twenty aliases of a five-level fan-out);
2. picks the attack: of the candidates below, each scaled to just under the cost budget,
   the one the server takes longest to answer;
3. in `--rounds` alternations (so both phases see the same background load): a baseline
   block of normal queries, one at a time, nothing else running; then an attack block,
   the same normal queries timed while four attacker processes send the attack back to
   back and `/healthz` is timed every 0.2 s;
4. prints the p50/p99 of each phase, their ratio, /healthz latency and the load average
   (before, and the highest seen during the attacks), and writes
   bench/results/abuse-<timestamp>.json. It exits 1 if the p99 ratio is over 3.

`--set NAME=VALUE` passes a server setting (e.g. ALLIANCEGRAPH_HEAVY_PROCESS=false).
The query builders are shared with tests/robustness.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from graphql import parse

from api.cost import query_cost
from api.schema import build_schema
from graphmodel.settings import Settings

ROOT = Path(__file__).parents[1]
NORMAL = '{ institution(id: "wuxi-second-people") { id name level alliances { id name } } }'
ATTACKERS = 4


def worst_query(aliases: int = 20) -> str:
    """The review's fan-out: each level multiplies what is below it (3.4 KB, every other
    limit passed)."""
    inner = "members { institution { alliances { members { institution { id name } } } } }"
    one = "institutions(first: 100) { nodes { alliances { " + inner + " } } }"
    return "{ " + " ".join(f"a{k}: {one}" for k in range(aliases)) + " }"


def _fit(make: Callable[[int], str], settings: Settings, top: int) -> str:
    """`make(n)` for the largest n in 1..top whose cost is within the budget."""
    schema = build_schema(settings)._schema
    best = make(1)
    for n in range(1, top + 1):
        query = make(n)
        if query_cost(schema, parse(query), None, None, settings.max_page_size) > settings.max_cost:
            break
        best = query
    return best


def aliased(n: int, field: str) -> str:
    """`{ a0: field a1: field … }` with n aliases."""
    return "{ " + " ".join(f"a{k}: {field}" for k in range(n)) + " }"


def allowed_candidates(settings: Settings) -> dict[str, str]:
    """Costly queries of different shapes, each scaled to just under the budget."""
    fan = "institutions(first: {n}) { nodes { id alliances { members { institution { id name } } } } }"  # noqa: E501
    validation = "validation { errors findings { ruleId subjectId messageEn } }"
    kpis = 'referralKpis(period: "2024") { period regions { policy figures { metric status } } }'
    pages = "institutions(first: 100) { nodes { id name level division { name } } }"
    top = settings.max_aliases
    return {
        "fan-out": _fit(lambda n: "{ " + fan.replace("{n}", str(n)) + " }", settings, 100),
        "validation": _fit(lambda n: aliased(n, validation), settings, top),
        "kpis": _fit(lambda n: aliased(n, kpis), settings, top),
        "pages": _fit(lambda n: aliased(n, pages), settings, top),
    }


class Client:
    """One keep-alive HTTP/1.1 connection to the server."""

    def __init__(self, port: int, timeout: float = 60) -> None:
        self.port = port
        self.timeout = timeout
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)

    def request(self, method: str, path: str, body: bytes | None = None) -> tuple[int, bytes]:
        headers = {"content-type": "application/json"} if body is not None else {}
        for attempt in (1, 2):
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                return response.status, response.read()
            except (ConnectionError, http.client.HTTPException):
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def graphql(self, query: str) -> tuple[int, dict[str, Any]]:
        status, body = self.request("POST", "/graphql", json.dumps({"query": query}).encode())
        return status, json.loads(body)

    def timed(self, query: str) -> float:
        started = time.perf_counter()
        status, body = self.graphql(query)
        elapsed = time.perf_counter() - started
        if status != 200 or body.get("errors"):
            raise RuntimeError(f"normal query failed: {status} {body}")
        return elapsed

    def close(self) -> None:
        self.conn.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def start_server(port: int, env: dict[str, str]) -> subprocess.Popen[bytes]:
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        "api.app:app_from_env",
        "--factory",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--log-level",
        "warning",
    ]
    server = subprocess.Popen(command, cwd=ROOT, env=env)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the server exited with {server.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                pass
            probe = Client(port, 5)
            try:
                status, body = probe.request("GET", "/readyz")
            finally:
                probe.close()
            # Ready, and so is the heavy worker (costly queries run in-process till then).
            if status == 200 and json.loads(body).get("heavyWorker", "ready") == "ready":
                return server
            time.sleep(0.2)
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise RuntimeError("the server did not start within 120 s")


def attacker(port: int, query: str, halt: Any, answers: Any) -> None:
    """Send `query` back to back until `halt` is set; put (durations, errors) on `answers`."""
    client = Client(port, timeout=120)
    body = json.dumps({"query": query}).encode()
    took: list[float] = []
    errors: list[str] = []
    while not halt.is_set():
        started = time.perf_counter()
        status, answer = client.request("POST", "/graphql", body)
        took.append(time.perf_counter() - started)
        if status != 200 or b'"errors"' in answer[:20]:
            errors.append(answer[:200].decode("utf-8", "replace"))
    client.close()
    answers.put((took, errors))


def rss_mb(pid: int) -> float:
    """Resident memory of the server and its heavy worker, in MB (Linux /proc)."""
    total = 0
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        for p in [str(pid), *children]:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
    except OSError:
        pass
    return total / 1024


def quantiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    return {
        "n": len(ordered),
        "p50_ms": statistics.median(ordered) * 1000,
        "p99_ms": p99 * 1000,
        "max_ms": ordered[-1] * 1000,
    }


def measure(port: int, runs: int, seconds: float) -> list[float]:
    client = Client(port)
    samples: list[float] = []
    stop = time.monotonic() + seconds
    try:
        for _ in range(runs):
            if time.monotonic() > stop:
                break
            samples.append(client.timed(NORMAL))
    finally:
        client.close()
    return samples


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=300, help="normal queries per phase")
    parser.add_argument("--seconds", type=float, default=60, help="time cap per phase")
    parser.add_argument("--rounds", type=int, default=5, help="baseline/attack alternations")
    parser.add_argument("--neo4j", action="store_true", help="serve Neo4j at TEST_NEO4J_URI")
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a server setting, e.g. ALLIANCEGRAPH_HEAVY_COST=1e9 (repeatable)",
    )
    args = parser.parse_args(argv)

    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEO4J_", "ALLIANCEGRAPH_"))}
    env["ALLIANCEGRAPH_ENV"] = "production"
    env.update(item.split("=", 1) for item in args.set)
    settings = Settings.from_env(env)  # as the server will have them
    if args.neo4j:
        from loaders.samples import load_all_samples
        from stores.neo4j import Neo4jStore

        env["NEO4J_URI"] = os.environ["TEST_NEO4J_URI"]
        env["NEO4J_USER"] = os.environ.get("TEST_NEO4J_USER", "neo4j")
        env["NEO4J_PASSWORD"] = os.environ.get("TEST_NEO4J_PASSWORD", "")
        store = Neo4jStore(
            Settings(
                neo4j_uri=env["NEO4J_URI"],
                neo4j_user=env["NEO4J_USER"],
                neo4j_password=env["NEO4J_PASSWORD"],
            )
        )
        store.load(load_all_samples())
        store.close()

    port = free_port()
    load_before = os.getloadavg()
    server = start_server(port, env)
    result: dict[str, Any] = {
        "settings": args.set,
        "store": "neo4j" if args.neo4j else "memory",
        "started": datetime.now().isoformat(timespec="seconds"),
        "budget": settings.max_cost,
        "cpus": os.cpu_count(),
    }
    try:
        client = Client(port)
        worst = worst_query()
        refusals = []
        for _ in range(10):
            started = time.perf_counter()
            status, body = client.graphql(worst)
            refusals.append(time.perf_counter() - started)
            [error] = body["errors"]
            assert error["extensions"]["code"] == "QUERY_TOO_COSTLY", body
        result["worst"] = {
            "bytes": len(worst),
            "cost": error["extensions"]["cost"],
            "refused_ms": quantiles(refusals),
        }

        timings = {}
        for name, query in allowed_candidates(settings).items():
            took = []
            for _ in range(3):
                started = time.perf_counter()
                status, body = client.graphql(query)
                took.append(time.perf_counter() - started)
                assert status == 200 and not body.get("errors"), (name, body.get("errors"))
            timings[name] = statistics.median(took)
        attack_name = max(timings, key=lambda k: timings[k])
        attack = allowed_candidates(settings)[attack_name]
        result["candidates_ms"] = {k: v * 1000 for k, v in timings.items()}
        result["attack"] = {
            "name": attack_name,
            "bytes": len(attack),
            "cost": query_cost(build_schema(settings)._schema, parse(attack)),
        }
        client.close()

        for _ in range(20):  # warm up
            measure(port, 1, 10)

        stop = threading.Event()
        attacks: list[float] = []
        health: list[float] = []
        refused: list[str] = []

        rss: list[float] = []

        def prober() -> None:
            c = Client(port, timeout=120)
            while not stop.is_set():
                started = time.perf_counter()
                c.request("GET", "/healthz")
                health.append(time.perf_counter() - started)
                rss.append(rss_mb(server.pid))
                stop.wait(0.2)
            c.close()

        # Rounds of a baseline block then an attack block, so that both phases see the
        # same background load of a shared machine.
        baseline: list[float] = []
        under: list[float] = []
        loads = []
        per_round = max(1, args.runs // args.rounds)
        for _ in range(args.rounds):
            baseline += measure(port, per_round, args.seconds / args.rounds)
            stop.clear()
            halt = multiprocessing.Event()
            answers: multiprocessing.Queue[tuple[list[float], list[str]]] = multiprocessing.Queue()
            # Attackers are processes: in this one, their reading of large answers would
            # hold up the thread that times the normal queries.
            workers = [multiprocessing.Process(target=attacker, args=(port, attack, halt, answers))
                       for _ in range(ATTACKERS)]  # fmt: skip
            for w in workers:
                w.start()
            probe = threading.Thread(target=prober)
            probe.start()
            time.sleep(1.0)  # let the attack get going
            try:
                under += measure(port, per_round, args.seconds / args.rounds)
                loads.append(os.getloadavg()[0])
            finally:
                halt.set()
                stop.set()
                for _ in workers:
                    took, errors = answers.get(timeout=180)
                    attacks.extend(took)
                    refused.extend(errors)
                for w in workers:
                    w.join(timeout=30)
                probe.join(timeout=30)
        load_during = (max(loads), 0.0, 0.0)
        result["baseline"] = quantiles(baseline)
        result["under_attack"] = quantiles(under)
        result["attack"]["answered"] = quantiles(attacks) if attacks else {}
        result["attack"]["refused"] = len(refused)
        result["healthz"] = quantiles(health) if health else {}
        result["rss_mb_max"] = max(rss, default=0.0)
        result["ratio_p99"] = result["under_attack"]["p99_ms"] / result["baseline"]["p99_ms"]
        result["ratio_p50"] = result["under_attack"]["p50_ms"] / result["baseline"]["p50_ms"]
        result["loadavg"] = {"before": load_before, "during": load_during}
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()

    report(result)
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"abuse-{datetime.now():%Y%m%d-%H%M%S}.json"
    path.write_text(json.dumps(result, indent=2), encoding="utf-8")
    print(f"written: {path.relative_to(ROOT)}")
    return 0 if result["ratio_p99"] <= 3 else 1


def report(r: dict[str, Any]) -> None:
    b, u, h, w = r["baseline"], r["under_attack"], r["healthz"], r["worst"]
    print(
        f"store: {r['store']}, budget {r['budget']}, {r['cpus']} CPUs, load average "
        f"before {r['loadavg']['before'][0]:.1f}, at most {r['loadavg']['during'][0]:.1f}"
    )
    print(
        f"worst query ({w['bytes']} B, cost {w['cost']:.3g}): refused in "
        f"{w['refused_ms']['p50_ms']:.1f} ms (p50), {w['refused_ms']['max_ms']:.1f} ms (max)"
    )
    a = r["attack"]
    print(
        f"attack: {a['name']} (cost {a['cost']}, {a['bytes']} B), candidates (ms): "
        + ", ".join(f"{k} {v:.0f}" for k, v in r["candidates_ms"].items())
    )
    if a.get("answered"):
        print(
            f"  {ATTACKERS} attackers got {a['answered']['n']} answers ({a['refused']} of them "
            f"errors), p50 {a['answered']['p50_ms']:.0f} ms"
        )
    print("| phase | n | p50 ms | p99 ms | max ms |")
    print("|---|---|---|---|---|")
    for name, q in (("baseline", b), ("under attack", u), ("/healthz under attack", h)):
        print(f"| {name} | {q['n']} | {q['p50_ms']:.1f} | {q['p99_ms']:.1f} | {q['max_ms']:.1f} |")
    print(f"p99 ratio {r['ratio_p99']:.2f} (p50 ratio {r['ratio_p50']:.2f}); goal ≤ 3; "
          f"server + worker RSS at most {r['rss_mb_max']:.0f} MB under attack")  # fmt: skip


if __name__ == "__main__":
    raise SystemExit(main())
