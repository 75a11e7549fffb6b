"""Scale benchmark: a synthetic national dataset on the embedded store and, optionally, Neo4j.

Builds the synthetic dataset of `bench/synthetic.py` with N institutions (default 1,000,000,
national scale) and measures:

- generation time, `MemoryStore` build time, the process's peak RSS after generation and
  after the build (`resource.getrusage`; no tracemalloc, which would slow the build ~3x);
- on the memory store, median and p95 latency of the named queries over `--runs` calls each
  (random arguments drawn with a fixed seed; `--warmup` untimed calls first): institution by
  id, institutions by exact name, alliance members (a county community, ~N/2800 members),
  counterparts and alliances of a township centre, referral_route from a random township
  centre (general, and cardiovascular, which the synthetic policy exempts from the alliance
  preference), division_institutions of a county, and institution_search (a scan, so it
  gets only `--search-runs` calls);
- with `--neo4j`: clears the database at TEST_NEO4J_URI (TEST_NEO4J_USER,
  TEST_NEO4J_PASSWORD, as the tests use; nothing else is ever cleared), loads the dataset
  with `Neo4jStore.load` (one transaction, as the product does; time and rows/s), compares
  `stats()` with the memory store, then runs the same queries with the same arguments,
  counting Neo4j round trips per call (`reader.round_trips`) and checking that the first
  `--check` answers equal the memory store's.

Every query gets at most `--budget` seconds per store (at least 3 timed calls), so a slow
query shortens its own sample instead of the whole run; the table shows how many calls
were timed.

Loading 1,000,000 institutions into Neo4j takes a few minutes: about 3.5 min batch by batch
(`Neo4jStore.load`'s default above 20,000 rows since commit e053b7f) on the dev server's
1 GB heap; in one transaction (`--load-mode one`, or any older `load`) it needs ~17 GB of
transaction memory and fails (see bench/README.md). For a quick run of both stores:

    bash scripts/neo4j.sh start && eval "$(bash scripts/neo4j.sh env)"
    TEST_NEO4J_URI=$NEO4J_URI TEST_NEO4J_USER=$NEO4J_USER TEST_NEO4J_PASSWORD=$NEO4J_PASSWORD \\
        .venv/bin/python -m bench.run --institutions 100000 --neo4j

Results print as a table and are written to bench/results/<timestamp>.json.
"""

from __future__ import annotations

import argparse
import inspect
import json
import math
import os
import platform
import random
import resource
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from graphmodel.dataset import Dataset
from graphmodel.enums import Label, Rel
from graphmodel.routing import RouteRequest
from graphmodel.settings import Settings
from graphmodel.store import NamedQuery
from loaders import neo4j_writer
from queries import REGISTRY
from stores.memory import MemoryStore
from stores.neo4j import Neo4jStore

try:
    from bench.synthetic import NATIONAL_INSTITUTIONS, Synthetic, generate
except ModuleNotFoundError:  # run as `python bench/run.py`: bench/ itself is on sys.path
    from synthetic import NATIONAL_INSTITUTIONS, Synthetic, generate  # type: ignore[no-redef]

RESULTS = Path(__file__).resolve().parent / "results"
STATEMENT_NAMES = {getattr(neo4j_writer, n): n for n in dir(neo4j_writer) if n.startswith("WRITE_")}
MIN_RUNS = 3


# ---- measuring ------------------------------------------------------------------------------


def peak_rss_mb() -> float:
    """Peak resident set size of this process so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def rss_mb(pid: int | str = "self") -> float | None:
    """Current resident set size of a process, from /proc."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def hwm_mb(pid: int | str) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def size_of(answer: Any) -> int:
    """How much a query returned: list length, a route's destinations, 1 for a single hit."""
    if answer is None:
        return 0
    if isinstance(answer, list):
        return len(answer)
    if hasattr(answer, "destinations"):
        return len(answer.destinations)
    return 1


@dataclass
class Case:
    label: str
    query: NamedQuery
    args: list[dict[str, Any]]
    runs: int


@dataclass
class Measured:
    label: str
    query: str
    timed: int = 0
    median_ms: float | None = None
    p95_ms: float | None = None
    max_ms: float | None = None
    mean_size: float | None = None
    round_trips_per_call: float | None = None
    agree: str | None = None
    error: str | None = None
    timings_ms: list[float] = field(default_factory=list)

    def row(self) -> dict[str, Any]:
        out = {k: v for k, v in self.__dict__.items() if k != "timings_ms"}
        return out


def cases_for(syn: Synthetic, runs: int, warmup: int, search_runs: int, seed: int) -> list[Case]:
    """Arguments for each query, drawn once so that both stores answer the same calls."""
    rng = random.Random(seed + 1)
    ds, idx = syn.dataset, syn.index
    n = warmup + runs

    def draw(k: int, make: Callable[[], dict[str, Any]]) -> list[dict[str, Any]]:
        return [make() for _ in range(k)]

    def institution() -> Any:
        return ds.institutions[rng.randrange(len(ds.institutions))]

    def route(condition: str) -> Callable[[], dict[str, Any]]:
        return lambda: {
            "request": RouteRequest(origin=rng.choice(idx.township_centres), condition=condition)
        }

    return [
        Case("institution by id", REGISTRY["institution"],
             draw(n, lambda: {"id": institution().id}), runs),
        Case("institutions by exact name", REGISTRY["institutions_named"],
             draw(n, lambda: {"name": institution().name}), runs),
        Case("alliance members (county community)", REGISTRY["alliance_members"],
             draw(n, lambda: {"alliance": rng.choice(idx.county_communities)}), runs),
        Case("counterparts (township centre)", REGISTRY["counterparts"],
             draw(n, lambda: {"institution": rng.choice(idx.township_centres)}), runs),
        Case("institution alliances (township centre)", REGISTRY["institution_alliances"],
             draw(n, lambda: {"institution": rng.choice(idx.township_centres)}), runs),
        Case("referral_route general (township centre)", REGISTRY["referral_route"],
             draw(n, route("general")), runs),
        Case("referral_route cardiovascular (township centre)", REGISTRY["referral_route"],
             draw(n, route("cardiovascular")), runs),
        Case("division_institutions (county)", REGISTRY["division_institutions"],
             draw(n, lambda: {"division": rng.choice(idx.counties)}), runs),
        Case("institution_search (substring, scans)", REGISTRY["institution_search"],
             draw(warmup + search_runs, lambda: {"text": institution().name[:3], "limit": 10}),
             search_runs),
    ]  # fmt: skip


def measure(
    store: Any,
    case: Case,
    *,
    warmup: int,
    budget: float,
    check: int = 0,
    reference: MemoryStore | None = None,
) -> Measured:
    """Time `case` on `store`; with `reference`, check that the first answers agree."""
    m = Measured(case.label, case.query.name)
    reader = getattr(store, "reader", None)
    try:
        for args in case.args[:warmup]:
            store.run(case.query, **args)
        sizes: list[int] = []
        trips: list[int] = []
        agree = compared = 0
        deadline = time.perf_counter() + budget
        for k, args in enumerate(case.args[warmup : warmup + case.runs]):
            before = reader.round_trips if reader is not None else 0
            started = time.perf_counter_ns()
            answer = store.run(case.query, **args)
            m.timings_ms.append((time.perf_counter_ns() - started) / 1e6)
            if reader is not None:
                trips.append(reader.round_trips - before)
            sizes.append(size_of(answer))
            if reference is not None and k < check:
                compared += 1
                agree += answer == reference.run(case.query, **args)
            if time.perf_counter() > deadline and len(m.timings_ms) >= MIN_RUNS:
                break
        m.timed = len(m.timings_ms)
        m.median_ms = statistics.median(m.timings_ms)
        m.p95_ms = percentile(m.timings_ms, 0.95)
        m.max_ms = max(m.timings_ms)
        m.mean_size = statistics.fmean(sizes)
        if trips:
            m.round_trips_per_call = statistics.fmean(trips)
        if compared:
            m.agree = f"{agree}/{compared}"
    except Exception as exc:  # a failing query is a result, not the end of the run
        m.error = f"{type(exc).__name__}: {exc}"
    return m


# ---- Neo4j loading --------------------------------------------------------------------------


def describe(exc: BaseException) -> str:
    """The exception and its causes, one per line (the driver's error is usually the cause)."""
    parts = []
    seen: BaseException | None = exc
    while seen is not None:
        parts.append(f"{type(seen).__name__}: {seen}")
        seen = seen.__cause__ or seen.__context__
        if len(parts) > 5:
            break
    return "\n  caused by ".join(parts)


def load_batched(store: Neo4jStore, dataset: Dataset) -> dict[str, float]:
    """Not the product's path: one transaction per batch of the same statements (seconds per
    statement), to get the data in when the single transaction cannot be held.

    The relationship-key indexes are dropped for the load and made again after it: with them,
    once committed batches change the statistics, the planner may re-plan `MERGE (i)-[r:
    MEMBER_OF {key: row.key}]->(a)` as a scan of the whole index per row (see README)."""
    store.ensure_schema()
    for index in ("member_of_key", "paired_with_key"):
        store.write(lambda tx, i=index: tx.run(f"DROP INDEX {i} IF EXISTS").consume())
    seconds: dict[str, float] = {}
    for cypher, rows in neo4j_writer.statements(dataset):
        name = STATEMENT_NAMES.get(cypher, "?")
        started = time.perf_counter()
        for batch in neo4j_writer.batches(rows):
            store.write(lambda tx, b=batch, c=cypher: tx.run(c, rows=b).consume())
        seconds[name] = seconds.get(name, 0.0) + time.perf_counter() - started
    started = time.perf_counter()
    store.ensure_schema()
    seconds["schema_after"] = time.perf_counter() - started
    started = time.perf_counter()
    store.refresh_route_pool()  # derived data `load` builds; without it routes find no pool
    seconds["route_pool"] = time.perf_counter() - started
    return seconds


class TransactionWatch:
    """Samples the server's open transactions every `every` seconds from a second driver:
    the largest heap a load transaction used (`SHOW TRANSACTIONS`), and which write
    statement was running at each sample, which approximates seconds per statement."""

    def __init__(self, settings: Settings, every: float = 2.0) -> None:
        self.settings = settings
        self.every = every
        self.peak_heap_mb = 0.0
        self.samples = 0
        self.statement_samples: dict[str, int] = {}
        self.errors: list[str] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> TransactionWatch:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=30)

    def statement_seconds(self) -> dict[str, float]:
        return {k: v * self.every for k, v in sorted(self.statement_samples.items())}

    def _run(self) -> None:
        import neo4j

        s = self.settings
        with neo4j.GraphDatabase.driver(
            s.neo4j_uri or "", auth=(s.neo4j_user, s.neo4j_password),
            notifications_min_severity="OFF",
        ) as driver:  # fmt: skip
            while not self._stop.wait(self.every):
                try:
                    records, _, _ = driver.execute_query(
                        "SHOW TRANSACTIONS YIELD currentQuery, estimatedUsedHeapMemory "
                        "WHERE NOT currentQuery CONTAINS 'SHOW TRANSACTIONS' "
                        "RETURN currentQuery AS query, estimatedUsedHeapMemory AS heap",
                        database_=s.neo4j_database,
                    )
                    self.samples += 1
                    for r in records:
                        if r["heap"]:
                            self.peak_heap_mb = max(self.peak_heap_mb, r["heap"] / 2**20)
                        name = statement_name(r["query"] or "")
                        if name:
                            self.statement_samples[name] = self.statement_samples.get(name, 0) + 1
                except Exception as exc:  # the watch must never break the load
                    if len(self.errors) < 3:
                        self.errors.append(f"{type(exc).__name__}: {exc}")


def statement_name(query: str) -> str | None:
    text = query.strip()
    for cypher, name in STATEMENT_NAMES.items():
        if text and cypher.strip() == text:
            return name
    return None


def load_mode(choice: str, dataset: Dataset) -> tuple[dict[str, Any], str]:
    """The `Neo4jStore.load` arguments for `--load-mode`, and what the load will do.

    Older versions of `load` always used one transaction; newer ones take `one_transaction`
    and, by default, commit batch by batch above `neo4j_writer.ONE_TRANSACTION_MAX` rows."""
    takes = "one_transaction" in inspect.signature(Neo4jStore.load).parameters
    limit = getattr(neo4j_writer, "ONE_TRANSACTION_MAX", None)
    if choice == "default":
        if not takes:
            return {}, "Neo4jStore.load: one transaction (this version has no other)"
        rows = neo4j_writer.rows(dataset) if hasattr(neo4j_writer, "rows") else None
        single = limit is not None and rows is not None and rows <= limit
        how = "one transaction" if single else "one transaction per batch"
        return {}, f"Neo4jStore.load default: {how} (ONE_TRANSACTION_MAX={limit})"
    if not takes:
        sys.exit(f"--load-mode {choice}: this Neo4jStore.load has no one_transaction argument")
    if choice == "one":
        return {"one_transaction": True}, "Neo4jStore.load(one_transaction=True)"
    return {"one_transaction": False}, "Neo4jStore.load(one_transaction=False): per batch"


def clear_relationships_first(store: Neo4jStore) -> None:
    """Empty the database in transactions of bounded size: relationships, then nodes."""
    with store.driver.session(database=store.settings.neo4j_database) as s:
        s.run("MATCH ()-[r]->() CALL (r) { DELETE r } IN TRANSACTIONS OF 10000 ROWS").consume()
        s.run("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS").consume()


def neo4j_settings() -> Settings:
    uri = os.environ.get("TEST_NEO4J_URI")
    if not uri:
        sys.exit(
            "--neo4j needs TEST_NEO4J_URI (and TEST_NEO4J_USER, TEST_NEO4J_PASSWORD); "
            "the database there is CLEARED. See the module docstring."
        )
    return Settings(
        neo4j_uri=uri,
        neo4j_user=os.environ.get("TEST_NEO4J_USER", "neo4j"),
        neo4j_password=os.environ.get("TEST_NEO4J_PASSWORD", ""),
    )


def run_neo4j(
    syn: Synthetic,
    memory: MemoryStore,
    memory_stats: dict[str, int],
    cases: list[Case],
    args: argparse.Namespace,
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    settings = neo4j_settings()
    out["uri"] = settings.neo4j_uri
    store = Neo4jStore(settings)
    try:
        store.ping()
        started = time.perf_counter()
        try:
            store.clear()
        except Exception as exc:
            # Seen at 1M on a 1 GB heap: a batch of 10,000 nodes can carry a million
            # relationships. Record it, then empty the database relationships first.
            out["clear_error"] = describe(exc)
            print(f"neo4j: Neo4jStore.clear FAILED:\n  {out['clear_error']}", flush=True)
            clear_relationships_first(store)
        out["clear_s"] = time.perf_counter() - started
        counts = {k: v for k, v in syn.dataset.counts().items() if v}
        rows = sum(counts.values())
        out["rows"] = rows
        kwargs, mode = load_mode(args.load_mode, syn.dataset)
        out["load_mode"] = mode
        print(f"neo4j: loading {rows:,} nodes and relationships: {mode} ...", flush=True)
        started = time.perf_counter()
        watch = TransactionWatch(settings)
        try:
            with watch:
                report = store.load(syn.dataset, **kwargs)
            out["load_s"] = report.seconds
            out["load_rows_per_s"] = rows / report.seconds
        except Exception as exc:
            out["load_tx_peak_heap_mb"] = watch.peak_heap_mb
            out["load_error"] = describe(exc)
            out["load_failed_after_s"] = time.perf_counter() - started
            print(f"neo4j: Neo4jStore.load FAILED after {out['load_failed_after_s']:.0f} s:\n"
                  f"  {out['load_error']}", flush=True)  # fmt: skip
            try:
                store.ping()
                out["alive_after_failure"] = True
            except Exception as ping_exc:
                out["alive_after_failure"] = describe(ping_exc)
                return out
            if not args.fallback_batched:
                return out
            print("neo4j: loading again, one transaction per batch (--fallback-batched) ...")
            store.clear()
            started = time.perf_counter()
            out["batched_statement_s"] = load_batched(store, syn.dataset)
            out["load_s"] = time.perf_counter() - started
            out["load_rows_per_s"] = rows / out["load_s"]
            out["load_mode"] = "one transaction per batch (bench fallback, not the product path)"
        out.setdefault("load_tx_peak_heap_mb", watch.peak_heap_mb)
        out["load_statement_s_sampled"] = watch.statement_seconds()
        out["load_tx_watch"] = {"samples": watch.samples, "errors": watch.errors}
        if args.neo4j_pid:
            out["server_rss_mb"] = rss_mb(args.neo4j_pid)
            out["server_peak_rss_mb"] = hwm_mb(args.neo4j_pid)
        started = time.perf_counter()
        stats = store.stats()
        out["stats_s"] = time.perf_counter() - started
        expected = {k: v for k, v in memory_stats.items() if v}
        out["stats_equal"] = stats == expected
        if stats != expected:
            keys = sorted(set(stats) | set(expected))
            out["stats_diff"] = {
                k: {"neo4j": stats.get(k), "memory": expected.get(k)}
                for k in keys
                if stats.get(k) != expected.get(k)
            }
        out["queries"] = []
        for case in cases:
            print(f"neo4j: {case.label} ...", flush=True)
            m = measure(store, case, warmup=args.warmup, budget=args.budget,
                        check=args.check, reference=memory)  # fmt: skip
            out["queries"].append(m)
    finally:
        store.close()
    return out


# ---- the run --------------------------------------------------------------------------------


def table(title: str, results: list[Measured], neo4j: bool) -> str:
    head = f"{'query':<48} {'calls':>5} {'median ms':>10} {'p95 ms':>9} {'max ms':>9} {'size':>7}"
    if neo4j:
        head += f" {'trips':>5} {'agree':>6}"
    lines = [title, head, "-" * len(head)]
    for m in results:
        if m.error:
            lines.append(f"{m.label:<48} ERROR {m.error[:200]}")
            continue
        line = (
            f"{m.label:<48} {m.timed:>5} {m.median_ms:>10.2f} {m.p95_ms:>9.2f} {m.max_ms:>9.2f}"
            f" {m.mean_size:>7.1f}"
        )
        if neo4j:
            line += f" {m.round_trips_per_call or 0:>5.1f} {m.agree or '-':>6}"
        lines.append(line)
    return "\n".join(lines)


def git_commit() -> str | None:
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=Path(__file__).resolve().parent,
            capture_output=True, text=True, check=True,
        ).stdout.strip()  # fmt: skip
    except (OSError, subprocess.CalledProcessError):
        return None


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(
        description="Scale benchmark of alliancegraph on a synthetic national dataset.",
        epilog="Quick run of both stores: --institutions 100000 --neo4j (1,000,000 on Neo4j "
        "takes minutes and a large heap; see bench/README.md).",
    )
    parser.add_argument(
        "--institutions",
        type=int,
        default=NATIONAL_INSTITUTIONS,
        help="number of institutions (default 1,000,000)",
    )
    parser.add_argument("--seed", type=int, default=20240601)
    parser.add_argument("--runs", type=int, default=200, help="timed calls per query")
    parser.add_argument(
        "--search-runs", type=int, default=5, help="timed calls of institution_search, which scans"
    )
    parser.add_argument("--warmup", type=int, default=3, help="untimed calls per query first")
    parser.add_argument(
        "--budget",
        type=float,
        default=120.0,
        help="seconds per query and store before its sample is cut short",
    )
    parser.add_argument(
        "--neo4j",
        action="store_true",
        help="also load and query Neo4j at TEST_NEO4J_URI (it is CLEARED)",
    )
    parser.add_argument(
        "--check",
        type=int,
        default=10,
        help="Neo4j answers compared with the memory store's, per query",
    )
    parser.add_argument(
        "--fallback-batched",
        action="store_true",
        help="if the load fails, load again one "
        "transaction per batch so that the queries can still be measured",
    )
    parser.add_argument(
        "--neo4j-pid",
        type=int,
        default=None,
        help="pid of the Neo4j java process, to report its RSS after the load",
    )
    parser.add_argument(
        "--load-mode",
        choices=["default", "one", "batched"],
        default="default",
        help="how Neo4jStore.load writes: its default, one transaction, or one per batch "
        "(the last two need a load() that takes one_transaction)",
    )
    parser.add_argument(
        "--no-memory-queries",
        action="store_true",
        help="build the memory store (for the Neo4j checks) but do not time its queries",
    )
    parser.add_argument("--out", type=Path, default=RESULTS, help="directory for the JSON")
    args = parser.parse_args(argv)

    result: dict[str, Any] = {
        "started": datetime.now().isoformat(timespec="seconds"),
        "commit": git_commit(),
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "institutions": args.institutions,
        "seed": args.seed,
        "args": {k: str(v) for k, v in vars(args).items()},
    }
    print(f"generating {args.institutions:,} institutions ...", flush=True)
    started = time.perf_counter()
    syn = generate(args.institutions, args.seed)
    result["generation_s"] = time.perf_counter() - started
    result["shape"] = syn.shape
    result["counts"] = syn.dataset.counts()
    result["peak_rss_mb_after_generation"] = peak_rss_mb()
    print(f"  {result['generation_s']:.1f} s, "
          f"peak RSS {result['peak_rss_mb_after_generation']:,.0f} MB")  # fmt: skip

    print("building the memory store ...", flush=True)
    started = time.perf_counter()
    memory = MemoryStore(syn.dataset)
    result["memory_build_s"] = time.perf_counter() - started
    result["peak_rss_mb_after_build"] = peak_rss_mb()
    result["rss_mb_after_build"] = rss_mb()
    started = time.perf_counter()
    memory_stats = memory.stats()
    result["memory_stats_s"] = time.perf_counter() - started
    result["memory_stats_equal_counts"] = {k: v for k, v in memory_stats.items() if v} == {
        k: v for k, v in result["counts"].items() if v
    }
    print(f"  {result['memory_build_s']:.1f} s, "
          f"peak RSS {result['peak_rss_mb_after_build']:,.0f} MB")  # fmt: skip

    cases = cases_for(syn, args.runs, args.warmup, args.search_runs, args.seed)
    mem_results = []
    for case in [] if args.no_memory_queries else cases:
        print(f"memory: {case.label} ...", flush=True)
        mem_results.append(measure(memory, case, warmup=args.warmup, budget=args.budget))
    result["memory_queries"] = mem_results

    if args.neo4j:
        result["neo4j"] = run_neo4j(syn, memory, memory_stats, cases, args)

    # ---- report -------------------------------------------------------------------------
    counts = result["counts"]
    nodes = sum(counts.get(x.value, 0) for x in Label)
    rels = sum(counts.get(x.value, 0) for x in Rel)
    print()
    print(f"N = {args.institutions:,} institutions: {nodes:,} nodes, {rels:,} relationships;"
          f" shape {syn.shape}")  # fmt: skip
    print(f"generation {result['generation_s']:.1f} s; memory store build "
          f"{result['memory_build_s']:.1f} s; peak RSS "
          f"{result['peak_rss_mb_after_generation']:,.0f} MB after generation, "
          f"{result['peak_rss_mb_after_build']:,.0f} MB after build; "
          f"stats() {result['memory_stats_s']:.1f} s")  # fmt: skip
    if mem_results:
        print()
        print(table("memory store", mem_results, neo4j=False))
    neo = result.get("neo4j")
    if neo:
        print()
        if "clear_error" in neo:
            print(f"neo4j clear() FAILED (then cleared relationships first):\n"
                  f"  {neo['clear_error']}")  # fmt: skip
        if "load_s" in neo:
            print(f"neo4j load: {neo['load_s']:.1f} s, {neo['load_rows_per_s']:,.0f} rows/s "
                  f"({neo['rows']:,} rows, {neo['load_mode']})")  # fmt: skip
        if neo.get("load_statement_s_sampled"):
            sampled = neo["load_statement_s_sampled"].items()
            print("neo4j load, seconds per statement (sampled every 2 s): "
                  + ", ".join(f"{k} {v:.0f}" for k, v in sampled))  # fmt: skip
        if "load_error" in neo:
            print(f"neo4j load FAILED after {neo['load_failed_after_s']:.0f} s:"
                  f"\n  {neo['load_error']}")  # fmt: skip
        if neo.get("load_tx_peak_heap_mb"):
            print(f"neo4j load transaction: peak estimated heap "
                  f"{neo['load_tx_peak_heap_mb']:,.0f} MB (SHOW TRANSACTIONS)")  # fmt: skip
        if "stats_equal" in neo:
            print(f"neo4j stats() equal to the memory store's: {neo['stats_equal']}"
                  + (f" {neo['stats_diff']}" if not neo["stats_equal"] else ""))  # fmt: skip
        if neo.get("server_peak_rss_mb"):
            print(f"neo4j server RSS {neo['server_rss_mb']:,.0f} MB, "
                  f"peak {neo['server_peak_rss_mb']:,.0f} MB")  # fmt: skip
        if neo.get("queries"):
            print()
            print(table("neo4j", neo["queries"], neo4j=True))

    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / f"{datetime.now().strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps(result, default=jsonable, indent=2, ensure_ascii=False) + "\n")
    print(f"\nwritten {path}")
    return result


def jsonable(value: Any) -> Any:
    if isinstance(value, Measured):
        return value.row() | {"timings_ms": [round(t, 3) for t in value.timings_ms]}
    return str(value)


if __name__ == "__main__":
    main()
