"""In-process timing of the two reads of issue 12 on Neo4j, compiled vs loaders vs plain Cypher.

Why: the peer (the Neo4j GraphQL Library) sends one statement per request; this measures
what alliancegraph's own GraphQL execution costs beside the same shape fetched by ONE
hand-written Cypher through the driver (the anchor), in the same run, on the synthetic
dataset (bench/synthetic.py). Three ways per read:

- `cypher`: the anchor, one hand-written statement, rows as the driver gives them;
- `compiled`: `schema.execute` with the plan compiled into one statement (api/projection*);
- `loaders`: the same with no link compiled (every neighbour through the DataLoaders, as
  before issue 12 part 1), for the before/after figure.

Each is timed sequentially (one request at a time, `--runs` after `--warmup`), and with
`--concurrency` requests in flight on one event loop (the server's shape). The report gives
req/s, p50, the ratio to the anchor and the load average seen. It CLEARS the Neo4j it is
pointed at (TEST_NEO4J_URI, like bench/run.py) and loads the synthetic data.

    TEST_NEO4J_URI=... TEST_NEO4J_USER=neo4j TEST_NEO4J_PASSWORD=... \\
        flock /tmp/ag-heavy.lock .venv/bin/python -m bench.graphql_reads --institutions 100000
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import time
from collections import Counter
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from api import projection
from api.context import Context
from api.schema import build_schema
from graphmodel.settings import Settings
from graphmodel.validity import today
from stores.neo4j import Neo4jStore

try:
    from bench.synthetic import generate
except ImportError:  # run as a script: python bench/graphql_reads.py
    from synthetic import generate  # type: ignore[no-redef]

NESTED = """query($id: ID!) { alliance(id: $id) { members {
  institution { id name level alliances { name } } } } }"""
ONE_HOP = """query($id: ID!) { institution(id: $id) { id name alliances { name } } }"""

ANCHOR_NESTED = """
MATCH (a:Alliance {id: $id})
RETURN a {members: COLLECT {
  MATCH (i:Institution)-[m:MEMBER_OF]->(a)
  WHERE coalesce(m.valid_from, date('0001-01-01')) <= $on
    AND coalesce(m.valid_to, date('9999-12-31')) >= $on
  RETURN {institution: i {.id, .name, .level, alliances: COLLECT {
    MATCH (i)-[n:MEMBER_OF]->(b:Alliance)
    WHERE coalesce(n.valid_from, date('0001-01-01')) <= $on
      AND coalesce(n.valid_to, date('9999-12-31')) >= $on
    WITH DISTINCT b RETURN b {.name} }}} }} AS r
"""
ANCHOR_ONE_HOP = """
MATCH (i:Institution {id: $id})
RETURN i {.id, .name, alliances: COLLECT {
  MATCH (i)-[n:MEMBER_OF]->(b:Alliance)
  WHERE coalesce(n.valid_from, date('0001-01-01')) <= $on
    AND coalesce(n.valid_to, date('9999-12-31')) >= $on
  WITH DISTINCT b RETURN b {.name} }} AS r
"""


def timed(call: Callable[[str], Any], ids: list[str], runs: int, warmup: int) -> list[float]:
    for k in range(warmup):
        call(ids[k % len(ids)])
    out = []
    for k in range(runs):
        start = time.perf_counter()
        call(ids[k % len(ids)])
        out.append(time.perf_counter() - start)
    return out


def concurrent_rate(make: Callable[[str], Any], ids: list[str], runs: int, width: int) -> float:
    """Requests per second with `width` coroutines each running requests back to back."""

    async def main() -> float:
        counter = iter(range(runs))

        async def worker() -> None:
            for k in counter:
                await make(ids[k % len(ids)])

        start = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(width)))
        return runs / (time.perf_counter() - start)

    return asyncio.run(main())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--institutions", type=int, default=100_000)
    ap.add_argument("--runs", type=int, default=60)
    ap.add_argument("--warmup", type=int, default=5)
    ap.add_argument("--concurrency", type=int, default=8)
    ap.add_argument("--no-load", action="store_true", help="the database already holds it")
    a = ap.parse_args()
    settings = Settings(
        neo4j_uri=os.environ["TEST_NEO4J_URI"],
        neo4j_user=os.environ.get("TEST_NEO4J_USER", "neo4j"),
        neo4j_password=os.environ.get("TEST_NEO4J_PASSWORD", ""),
    )
    syn = generate(a.institutions)
    store = Neo4jStore(settings)
    if not a.no_load:
        store.clear()
        store.load(syn.dataset)
    counts = Counter(m.alliance for m in syn.dataset.memberships)
    big = [x for x, _ in counts.most_common(20)]
    members = [m.institution for m in syn.dataset.memberships if m.alliance in set(big)]
    hops = members[:: max(1, len(members) // 50)][:50]
    schema = build_schema(Settings(production=True, request_timeout=120))
    on = today()

    def ctx() -> Context:
        return Context(store=store, settings=schema.settings, role=None, request_id="bench")

    async def gql(query: str, ident: str) -> Any:
        result = await schema.execute(query, variable_values={"id": ident}, context_value=ctx())
        assert not result.errors, result.errors
        return result.data

    def anchor(cypher: str) -> Callable[[str], Any]:
        return lambda ident: store.reader.rows(cypher, id=ident, on=on)  # type: ignore[arg-type]

    reads = {"nested": (NESTED, ANCHOR_NESTED, big), "one_hop": (ONE_HOP, ANCHOR_ONE_HOP, hops)}
    results: dict[str, Any] = {"institutions": a.institutions, "runs": a.runs,
                               "concurrency": a.concurrency, "reads": {}}  # fmt: skip
    saved = dict(projection.LINKS)
    for name, (query, cypher, ids) in reads.items():
        row: dict[str, Any] = {}
        for way in ("cypher", "compiled", "loaders"):
            projection.LINKS.clear()
            projection.LINKS.update(saved if way != "loaders" else {})
            if way == "cypher":
                call: Callable[[str], Any] = anchor(cypher)

                async def make(ident: str, call: Callable[[str], Any] = call) -> Any:
                    return await asyncio.to_thread(call, ident)
            else:

                async def make(ident: str, query: str = query) -> Any:
                    return await gql(query, ident)

                def call(ident: str, make: Callable[[str], Any] = make) -> Any:
                    return asyncio.run(make(ident))

            before = store.reader.round_trips
            times = timed(call, ids, a.runs, a.warmup)
            trips = (store.reader.round_trips - before) / (a.runs + a.warmup)
            rate = concurrent_rate(make, ids, a.runs * 2, a.concurrency)
            row[way] = {"p50_ms": statistics.median(times) * 1000,
                        "seq_rps": len(times) / sum(times), "conc_rps": rate,
                        "round_trips": trips, "loadavg": os.getloadavg()[0]}  # fmt: skip
        for way in ("compiled", "loaders"):
            row[way]["conc_vs_anchor"] = row[way]["conc_rps"] / row["cypher"]["conc_rps"]
        results["reads"][name] = row
    projection.LINKS.update(saved)
    store.close()
    for name, row in results["reads"].items():
        for way, r in row.items():
            print(f"{name:8} {way:9} p50 {r['p50_ms']:7.1f} ms  seq {r['seq_rps']:6.1f}/s  "
                  f"x{a.concurrency} {r['conc_rps']:6.1f}/s  trips {r['round_trips']:.1f}  "
                  f"vs anchor {r.get('conc_vs_anchor', 1):.2f}  "
                  f"load {r['loadavg']:.2f}")  # fmt: skip
    out = Path(__file__).parent / "results"
    out.mkdir(exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%dT%H%M%S")
    (out / f"graphql_reads-{stamp}.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
