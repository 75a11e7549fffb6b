"""The referral route on Neo4j at scale: latency and db hits per route, beside an anchor.

Builds the synthetic dataset at N (`bench/synthetic.py`), CLEARS the Neo4j at TEST_NEO4J_URI
(TEST_NEO4J_USER, TEST_NEO4J_PASSWORD, as the tests use) and loads it with
`Neo4jStore.load`, then for a deterministic sample of origins (township centres, village
clinics, county hospitals, city tertiary hospitals) and the synthetic policy's three
conditions (general, infectious, cardiovascular):

- times `REFERRAL_ROUTE` through `Neo4jStore.run`, the product's path (one round trip and
  `graphmodel.routing.decide`), and reports p50/p99;
- runs the route's Cypher once per origin and condition under `PROFILE` through the driver
  and sums `dbHits` over the plan (max and median over the sample);
- times, interleaved with the routes so both see the same machine, the anchor: one indexed
  read of one round trip through the same reader (the origin by id, its division and that
  division's ancestry). `RETURN 1` would not touch the store, and a 3-hop expansion from the
  origin costs a hundred times more from a city hospital than from a village clinic, so
  neither is a fixed unit; this one is the smallest read of the route's own shape. Figures
  are given as ratios to it, with the load average seen (`os.getloadavg()`).
- with `--http`, also a route at 16 connections through `alliancegraph serve` on the same
  Neo4j (requests/s and p50/p99 of the GraphQL round trip).

    bash scripts/neo4j.sh start && eval "$(bash scripts/neo4j.sh env)"
    TEST_NEO4J_URI=$NEO4J_URI TEST_NEO4J_USER=$NEO4J_USER TEST_NEO4J_PASSWORD=$NEO4J_PASSWORD \\
        .venv/bin/python -m bench.route_neo4j --institutions 100000

`--reuse` skips the clear and load when the database already holds exactly this dataset's
counts (the load is most of a 1M run); `--initial` loads an empty dev server through the
offline import instead (`alliancegraph load --initial`, the national path). Results go to
`bench/results/` (gitignored).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any, LiteralString

from graphmodel.routing import RouteRequest
from graphmodel.settings import Settings
from loaders.neo4j_import import ImportTool, initial_load
from queries.referral_route import CYPHER, REFERRAL_ROUTE
from stores.neo4j import Neo4jStore

try:
    from bench.synthetic import Synthetic, generate
except ImportError:  # run as a script: python bench/route_neo4j.py
    from synthetic import Synthetic, generate  # type: ignore[no-redef]

CONDITIONS = ("general", "infectious", "cardiovascular")
ANCHOR: LiteralString = """
MATCH (o:Institution {id: $origin})-[:LOCATED_IN]->(d:Division)
OPTIONAL MATCH (d)-[:PART_OF]->{0,6}(x:Division)
RETURN o, collect(x.id) AS ancestry
"""
# The synthetic facts hold from 2018 with no end; routes are asked on a fixed day so that a
# rerun on another day answers the same.
ON = date(2025, 6, 1)
RESULTS = Path(__file__).parent / "results"
SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "neo4j.sh"


def settings() -> Settings:
    uri = os.environ.get("TEST_NEO4J_URI")
    if not uri:
        sys.exit("needs TEST_NEO4J_URI (and TEST_NEO4J_USER, TEST_NEO4J_PASSWORD); "
                 "the database there is CLEARED. See the module docstring.")  # fmt: skip
    return Settings(
        neo4j_uri=uri,
        neo4j_user=os.environ.get("TEST_NEO4J_USER", "neo4j"),
        neo4j_password=os.environ.get("TEST_NEO4J_PASSWORD", ""),
    )


def origins(syn: Synthetic, per_kind: int, seed: int) -> list[tuple[str, str]]:
    """A deterministic sample of (kind, institution id) for each kind of origin."""
    rng = random.Random(seed)
    idx = syn.index
    kinds = {
        "township centre": idx.township_centres,
        "village clinic": idx.village_clinics_sample,
        "county hospital": idx.county_hospitals,
        "city tertiary": idx.city_hospitals,
    }
    return [
        (kind, i) for kind, ids in kinds.items() for i in rng.sample(ids, min(per_kind, len(ids)))
    ]


def db_hits(plan: dict[str, Any]) -> int:
    """`dbHits` summed over a profiled plan and all its children."""
    own = int(plan.get("dbHits", 0) or 0)
    return own + sum(db_hits(c) for c in plan.get("children", []))


def profile(store: Neo4jStore, request: RouteRequest) -> int:
    """The route's Cypher under PROFILE, with the parameters `gather_on_neo4j` sends."""
    query: LiteralString = "PROFILE " + CYPHER  # type: ignore[assignment]
    with store.driver.session(database=store.settings.neo4j_database) as s:
        summary = s.run(
            query,
            origin=request.origin, on=request.on, condition=request.condition,
            direction=request.direction.value, readmission_of=request.readmission_of,
            destination=request.destination,
        ).consume()  # fmt: skip
    assert summary.profile is not None
    return db_hits(summary.profile)


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def timed(call: Callable[[], Any]) -> float:
    started = time.perf_counter()
    call()
    return (time.perf_counter() - started) * 1000


def load(store: Neo4jStore, syn: Synthetic, reuse: bool, initial: bool = False) -> dict[str, Any]:
    counts = {k: v for k, v in syn.dataset.counts().items() if v}
    if reuse and store.stats() == counts:
        return {"load": "reused (the database held this dataset's counts)"}
    started = time.perf_counter()
    if initial:
        # The national path: the offline import into the (empty) dev server it talks to.
        tool = ImportTool(("bash", str(SCRIPT), "import"), description="scripts/neo4j.sh import")
        report = initial_load(store, syn.dataset, tool)
        return {"initial_load_s": round(report.seconds, 1)}
    store.clear()
    report = store.load(syn.dataset)
    return {"clear_and_load_s": round(time.perf_counter() - started, 1),
            "load_s": round(report.seconds, 1)}  # fmt: skip


def measure(store: Neo4jStore, sample: list[tuple[str, str]], runs: int) -> dict[str, Any]:
    route_ms: list[float] = []
    anchor_ms: list[float] = []
    hits: list[int] = []
    per_kind: dict[str, dict[str, list[float]]] = {}
    for kind, origin in sample:
        for condition in CONDITIONS:
            request = RouteRequest(origin=origin, condition=condition, on=ON)

            def route(request: RouteRequest = request) -> Any:
                return store.run(REFERRAL_ROUTE, request=request)

            def anchor(origin: str = origin) -> Any:
                return store.reader.rows(ANCHOR, origin=origin)

            route()  # warm: plan cache and page cache for this region
            anchor()
            h = profile(store, request)
            hits.append(h)
            mine = per_kind.setdefault(kind, {"ms": [], "hits": []})
            mine["hits"].append(h)
            for _ in range(runs):
                ms = timed(route)
                route_ms.append(ms)
                mine["ms"].append(ms)
                anchor_ms.append(timed(anchor))
    a50 = statistics.median(anchor_ms)
    return {
        "routes_timed": len(route_ms),
        "route_p50_ms": round(statistics.median(route_ms), 2),
        "route_p99_ms": round(pct(route_ms, 0.99), 2),
        "anchor_p50_ms": round(a50, 2),
        "anchor_p99_ms": round(pct(anchor_ms, 0.99), 2),
        "ratio_p50": round(statistics.median(route_ms) / a50, 2),
        "ratio_p99": round(pct(route_ms, 0.99) / pct(anchor_ms, 0.99), 2),
        "db_hits_max": max(hits),
        "db_hits_median": statistics.median(hits),
        "per_kind": {
            k: {
                "p50_ms": round(statistics.median(v["ms"]), 2),
                "p99_ms": round(pct(v["ms"], 0.99), 2),
                "db_hits_max": max(v["hits"]),
                "db_hits_median": statistics.median(v["hits"]),
            }
            for k, v in per_kind.items()
        },
    }


HTTP_QUERY = """query($i: RouteInput!) { referralRoute(input: $i) { allowed verdict
  hops { via to { id } } destinations { id } } }"""


def over_http(
    s: Settings, sample: list[tuple[str, str]], connections: int = 16, seconds: float = 20.0
) -> dict[str, Any]:
    """Routes at `connections` concurrent keep-alive connections through `serve` on this
    Neo4j for `seconds`, beside the same number of `/healthz` calls (the anchor: the HTTP
    stack with no query)."""
    import http.client
    import subprocess
    import threading

    port = int(os.environ.get("ROUTE_BENCH_HTTP_PORT", "18703"))
    env = os.environ | {"NEO4J_URI": s.neo4j_uri or "", "NEO4J_USER": s.neo4j_user,
                        "NEO4J_PASSWORD": s.neo4j_password}  # fmt: skip
    server = subprocess.Popen(
        [sys.executable, "-m", "cli", "serve", "--port", str(port)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        for _ in range(120):
            try:
                c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                c.request("GET", "/readyz")
                if c.getresponse().status == 200:
                    break
            except OSError:
                pass
            time.sleep(0.5)
        bodies = [
            json.dumps({"query": HTTP_QUERY, "variables": {"i": {
                "origin": origin, "condition": condition, "on": ON.isoformat()}}})
            for _, origin in sample for condition in CONDITIONS
        ]  # fmt: skip

        def hammer(path: str, bodies: list[str]) -> dict[str, Any]:
            lat: list[float] = []
            statuses: dict[int, int] = {}
            lock = threading.Lock()
            stop = time.perf_counter() + seconds

            def client(k: int) -> None:
                c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                n = k
                while time.perf_counter() < stop:
                    started = time.perf_counter()
                    if bodies:
                        body = bodies[n % len(bodies)]
                        headers = {"content-type": "application/json"}
                        c.request("POST", path, body=body, headers=headers)
                    else:
                        c.request("GET", path)
                    r = c.getresponse()
                    r.read()
                    ms = (time.perf_counter() - started) * 1000
                    with lock:
                        lat.append(ms)
                        statuses[r.status] = statuses.get(r.status, 0) + 1
                    n += connections

            threads = [threading.Thread(target=client, args=(k,)) for k in range(connections)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            return {"requests": len(lat), "per_s": round(len(lat) / seconds, 1),
                    "p50_ms": round(statistics.median(lat), 1),
                    "p99_ms": round(pct(lat, 0.99), 1), "statuses": statuses}  # fmt: skip

        route = hammer("/graphql", bodies)
        anchor = hammer("/healthz", [])
        return {"connections": connections, "seconds": seconds, "route": route,
                "anchor_healthz": anchor,
                "ratio_per_s": round(route["per_s"] / anchor["per_s"], 3),
                "load_average": os.getloadavg()}  # fmt: skip
    finally:
        server.terminate()
        server.wait(timeout=30)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--institutions", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=20240601)
    parser.add_argument("--per-kind", type=int, default=8, help="origins of each kind")
    parser.add_argument("--runs", type=int, default=10, help="timed routes per origin and "
                        "condition")  # fmt: skip
    parser.add_argument("--reuse", action="store_true", help="keep a database that already "
                        "holds this dataset")  # fmt: skip
    parser.add_argument("--http", action="store_true", help="also 16 connections over HTTP")
    parser.add_argument("--initial", action="store_true",
                        help="load an empty database by the offline import")  # fmt: skip
    args = parser.parse_args(argv)

    out: dict[str, Any] = {"institutions": args.institutions, "seed": args.seed,
                           "load_average_start": os.getloadavg()}  # fmt: skip
    started = time.perf_counter()
    syn = generate(args.institutions, seed=args.seed)
    out["generate_s"] = round(time.perf_counter() - started, 1)
    store = Neo4jStore(settings())
    try:
        store.ping()
        out |= load(store, syn, args.reuse, args.initial)
        print(f"loaded: {out}", flush=True)
        sample = origins(syn, args.per_kind, args.seed)
        out |= measure(store, sample, args.runs)
        if args.http:
            out["http"] = over_http(store.settings, sample)
    finally:
        store.close()
    out["load_average_end"] = os.getloadavg()
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"route_neo4j-{datetime.now():%Y%m%d-%H%M%S}.json"
    path.write_text(json.dumps(out, indent=2, default=str), encoding="utf-8")
    print(json.dumps(out, indent=2, default=str))
    print(f"written: {path}")


if __name__ == "__main__":
    main()
