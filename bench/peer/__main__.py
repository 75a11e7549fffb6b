"""Peer benchmark: alliancegraph's GraphQL server against the Neo4j GraphQL Library.

    .venv/bin/python -m bench.peer            # or: bash bench/peer/run.sh (makes .venv first)

One command, from a clean checkout, in ~10 minutes at the default 100,000 institutions:

1. `npm ci` in bench/peer (when package-lock.json changed since the last install);
2. starts a Neo4j 5.26 of its own with scripts/neo4j.sh (Bolt on --neo4j-port, 17802, state
   in a fresh temporary directory), so the developer's database is never touched;
3. builds the synthetic dataset of bench/synthetic.py and loads it with alliancegraph's own
   loader (`Neo4jStore.load`, as bench/run.py does);
4. starts both servers on that database: alliancegraph as `alliancegraph serve` runs it in
   production (`python -m cli serve`, one uvicorn worker and its heavy-query worker process)
   and the peer (`node bench/peer/server.mjs`: @neo4j/graphql 7.6.3 on graphql-yoga);
5. asks both servers every id of the rotation (50 county communities, 200 township centres,
   drawn with a fixed seed) and requires equal answers after the normalisation of
   bench/peer/reads.py — a mismatch stops the run before anything is timed;
6. times --rounds interleaved rounds (peer, ours, peer, ours, ...) of each read with the
   same load generator (bench/peer/load.mjs, autocannon, 8 keep-alive connections,
   --seconds per run), after one untimed warm-up run per read and server;
7. prints a Markdown table (medians over the rounds), writes
   bench/results/peer-<timestamp>.json, and stops everything it started, also on failure,
   Ctrl-C or SIGTERM.

The ratio is ours/peer of the median req/s: above 1 alliancegraph serves more.
"""

from __future__ import annotations

import argparse
import fcntl
import hashlib
import http.client
import json
import os
import platform
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Any

from bench.peer.reads import READS, Read, body, compare
from bench.synthetic import Synthetic, generate
from graphmodel.settings import Settings
from stores.neo4j import Neo4jStore

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
RESULTS = ROOT / "bench" / "results"
NEO4J_SH = ROOT / "scripts" / "neo4j.sh"


def log(message: str) -> None:
    print(f"peer: {message}", flush=True)


# ---- processes ------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def port_in_use(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def npm_ci() -> None:
    """`npm ci` in bench/peer unless node_modules was installed from this very lockfile."""
    lock = (HERE / "package-lock.json").read_bytes()
    stamp = HERE / "node_modules" / ".alliancegraph-lock-sha256"
    digest = hashlib.sha256(lock).hexdigest()
    if stamp.is_file() and stamp.read_text() == digest:
        return
    log("npm ci in bench/peer ...")
    subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"],
                   cwd=HERE, check=True)  # fmt: skip
    stamp.write_text(digest)


@contextmanager
def own_neo4j(port: int, heap: str) -> Iterator[dict[str, str]]:
    """A Neo4j of the benchmark's own (scripts/neo4j.sh, its own port and state directory),
    stopped and its data deleted on the way out, whatever happens."""
    if port_in_use(port):
        raise SystemExit(f"port {port} is in use: choose another with --neo4j-port")
    state = tempfile.mkdtemp(prefix="ag-peer-neo4j-")
    env = {**os.environ, "NEO4J_TEST_PORT": str(port), "NEO4J_TEST_STATE_DIR": state,
           "PYTHON": sys.executable, "NEO4J_TEST_JAVA_OPTS": heap,
           "NEO4J_TEST_START_TIMEOUT": "600"}  # fmt: skip
    try:
        log(f"starting Neo4j on bolt://127.0.0.1:{port} (state {state}) ...")
        subprocess.run(["bash", str(NEO4J_SH), "start"], env=env, check=True)
        pid = (Path(state) / "pid").read_text().strip()
        yield {"NEO4J_URI": f"bolt://127.0.0.1:{port}", "NEO4J_USER": "neo4j",
               "NEO4J_PASSWORD": (Path(state) / "password").read_text().strip()
               if (Path(state) / "password").is_file() else "alliancegraph-test",
               "pid": pid}  # fmt: skip
    finally:
        log("stopping Neo4j ...")
        subprocess.run(["bash", str(NEO4J_SH), "stop"], env=env, check=False)
        shutil.rmtree(state, ignore_errors=True)


@contextmanager
def server(name: str, command: list[str], env: dict[str, str], port: int, ready: str,
           logs: Path) -> Iterator[subprocess.Popen[bytes]]:  # fmt: skip
    """Start a server in its own process group; wait until GET `ready` answers 200.

    The group is terminated on the way out (then killed after 10 s), so alliancegraph's
    heavy worker process goes with its server."""
    out = (logs / f"{name}.log").open("wb")
    proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                            start_new_session=True)  # fmt: skip
    try:
        deadline = time.monotonic() + 180
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"{name} exited with {proc.returncode}; see {out.name}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"{name} did not come up within 180 s; see {out.name}")
            try:
                status, text = Http(port, timeout=5).get(ready)
                # /readyz: ready once the heavy worker is (costly queries run in-process till then)
                heavy = json.loads(text or "{}").get("heavyWorker", "ready")
                if status == 200 and heavy == "ready":
                    break
            except (OSError, http.client.HTTPException, ValueError):
                pass
            time.sleep(0.3)
        log(f"{name} ready on http://127.0.0.1:{port}/graphql (pid {proc.pid})")
        yield proc
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        out.close()


@contextmanager
def exclusive(lock: Path | None) -> Iterator[None]:
    """Hold an exclusive flock on `lock` (if given), so heavy runs on a shared machine take
    turns; the servers are up and idle while we wait."""
    if lock is None:
        yield
        return
    with lock.open("a") as f:
        log(f"waiting for the lock {lock} ...")
        fcntl.flock(f, fcntl.LOCK_EX)
        log("got the lock")
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


class Http:
    """One keep-alive connection, for the equality check (the timing uses load.mjs)."""

    def __init__(self, port: int, timeout: float = 60) -> None:
        self.port, self.timeout = port, timeout
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)

    def get(self, path: str) -> tuple[int, str]:
        try:
            self.conn.request("GET", path)
            r = self.conn.getresponse()
            return r.status, r.read().decode()
        finally:
            self.conn.close()

    def post(self, payload: str) -> tuple[int, bytes]:
        """POST once; again on a fresh connection if the server closed the idle one."""
        for attempt in (1, 2):
            try:
                self.conn.request("POST", "/graphql", body=payload.encode(),
                                  headers={"content-type": "application/json"})  # fmt: skip
                r = self.conn.getresponse()
                return r.status, r.read()
            except (ConnectionError, http.client.HTTPException):
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def graphql(self, payload: str) -> dict[str, Any]:
        status, text = self.post(payload)
        answer = json.loads(text)
        if status != 200 or answer.get("errors") or "data" not in answer:
            raise RuntimeError(f"port {self.port}: HTTP {status}: {str(answer)[:800]}")
        data: dict[str, Any] = answer["data"]
        return data


# ---- the run --------------------------------------------------------------------------------


def rotation(syn: Synthetic, alliances: int, institutions: int, seed: int) -> dict[str, list[str]]:
    """Ids drawn once with a fixed seed: county communities (~360 members each) and
    township centres (in a county community, paired with their county hospital)."""
    rng = random.Random(seed)
    return {
        "alliances": rng.sample(
            sorted(pool := syn.index.county_communities), min(alliances, len(pool))
        ),
        "institutions": rng.sample(
            sorted(pool := syn.index.township_centres), min(institutions, len(pool))
        ),
    }


def all_valid_today(syn: Synthetic) -> bool:
    """Whether every membership and pairing is valid today (the peer does not filter)."""
    today = date.today()
    return all(
        (x.valid_from is None or x.valid_from <= today)
        and (x.valid_to is None or today <= x.valid_to)
        for x in (*syn.dataset.memberships, *syn.dataset.pairings)
    )


def check(reads: tuple[Read, ...], ids: dict[str, list[str]], ours_port: int, peer_port: int,
          connections: int) -> dict[str, Any]:  # fmt: skip
    """Ask both servers every id of every read (`connections` at a time); raise on the first
    differing answer, or on an id alliancegraph finds nothing for."""
    local = threading.local()

    def one(read: Read, ident: str) -> int:
        if not hasattr(local, "ours"):
            local.ours, local.peer = Http(ours_port), Http(peer_port)
        mine = local.ours.graphql(body(read.ours, ident))
        theirs = local.peer.graphql(body(read.peer, ident)) if read.peer else None
        normalised, mismatch = compare(read, ident, mine, theirs)
        if normalised is None:
            raise RuntimeError(f"{read.key}: alliancegraph found nothing for {ident}")
        if mismatch:
            raise RuntimeError(
                f"{read.key}: answers differ for {ident}:\n  ours: {str(mismatch.ours)[:600]}"
                f"\n  peer: {str(mismatch.peer)[:600]}"
            )
        return read.size(normalised)

    out: dict[str, Any] = {}
    with ThreadPoolExecutor(connections) as pool:
        for read in reads:
            sizes = list(pool.map(lambda i, r=read: one(r, i), ids[read.ids]))
            out[read.key] = {"ids": len(sizes), "equal": read.peer is not None,
                             "mean_size": statistics.fmean(sizes)}  # fmt: skip
            log(f"check {read.key}: {len(sizes)} ids, "
                + ("answers equal" if read.peer else "alliancegraph only, answers non-empty")
                + f", mean size {statistics.fmean(sizes):.1f}")  # fmt: skip
    return out


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time so far of these processes (Linux /proc; gone ones count 0)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime in clock ticks
    return total / os.sysconf("SC_CLK_TCK")


def group(pgid: int) -> list[int]:
    """The processes of a process group: a server and its children (our heavy worker)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if os.getpgid(int(entry.name)) == pgid:
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


def hammer(port: int, bodies: list[str], connections: int, seconds: float,
           server: int | None = None, neo4j: int | None = None) -> dict[str, Any]:  # fmt: skip
    """One run of load.mjs against one server; the load average around it and, given the
    server's process group and Neo4j's pid, the CPU time each spent per request: unlike
    req/s on a shared machine, that does not move with what the neighbours do."""
    spec = {"url": f"http://127.0.0.1:{port}/graphql", "bodies": bodies,
            "connections": connections, "duration": seconds}  # fmt: skip
    procs = {"server": group(server) if server else [], "neo4j": [neo4j] if neo4j else []}
    load_before = os.getloadavg()[0]
    cpu_before = {k: cpu_seconds(v) for k, v in procs.items()}
    done = subprocess.run(["node", str(HERE / "load.mjs")], input=json.dumps(spec).encode(),
                          capture_output=True, check=True, timeout=seconds + 120)  # fmt: skip
    cpu_after = {k: cpu_seconds(v) for k, v in procs.items()}
    result: dict[str, Any] = json.loads(done.stdout)
    result["load_before"] = load_before
    result["load_after"] = os.getloadavg()[0]
    for k, pids in procs.items():
        if pids and result["requests"]:
            result[f"{k}_cpu_ms"] = 1000 * (cpu_after[k] - cpu_before[k]) / result["requests"]
    bad = result["non2xx"] + result["socket_errors"] + result["timeouts"] + result["graphql_errors"]
    if bad:
        raise RuntimeError(f"port {port}: {bad} failed requests: {json.dumps(result)[:1200]}")
    return result


def summary(runs: list[dict[str, Any]]) -> dict[str, float]:
    keys = ("rps", "p50_ms", "p99_ms", "server_cpu_ms", "neo4j_cpu_ms")
    return {k: statistics.median(r[k] for r in runs) for k in keys if all(k in r for r in runs)}


def cpu(s: dict[str, float]) -> str:
    """A table cell: the server's and Neo4j's CPU milliseconds per request."""
    if "server_cpu_ms" not in s or "neo4j_cpu_ms" not in s:
        return "—"
    return f"{s['server_cpu_ms']:.2f} + {s['neo4j_cpu_ms']:.2f}"


def table(results: dict[str, Any]) -> str:
    lines = [
        "| read | server | req/s | p50 ms | p99 ms | CPU ms/req: server + Neo4j "
        "| ours/peer req/s | p50 peer/ours |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for read in READS:
        if read.key not in results["reads"]:
            continue
        r = results["reads"][read.key]
        ours = summary(r["ours"])
        if r.get("peer"):
            peer = summary(r["peer"])
            lines.append(f"| {read.label} | Neo4j GraphQL Library | {peer['rps']:,.1f} | "
                         f"{peer['p50_ms']:.1f} | {peer['p99_ms']:.1f} | {cpu(peer)} "
                         "| | |")  # fmt: skip
            lines.append(f"| | alliancegraph | {ours['rps']:,.1f} | {ours['p50_ms']:.1f} | "
                         f"{ours['p99_ms']:.1f} | {cpu(ours)} | "
                         f"**{ours['rps'] / peer['rps']:.2f}** | "
                         f"{peer['p50_ms'] / ours['p50_ms']:.2f} |")  # fmt: skip
        else:
            lines.append(f"| {read.label} | Neo4j GraphQL Library | — | — | — | — | "
                         f"cannot express it | |")  # fmt: skip
            lines.append(f"| | alliancegraph | {ours['rps']:,.1f} | {ours['p50_ms']:.1f} | "
                         f"{ours['p99_ms']:.1f} | {cpu(ours)} | alone | |")  # fmt: skip
    runs = [run for r in results["reads"].values() for side in r.values() for run in side]
    loads = [x for run in runs for x in (run["load_before"], run["load_after"])]
    lines.append("")
    lines.append(
        f"N = {results['institutions']:,} institutions; {results['connections']} connections, "
        f"{results['rounds']} interleaved rounds of {results['seconds']:g} s per read and server "
        f"(medians shown); 1-min load average {min(loads):.1f}–{max(loads):.1f} "
        f"(before the run {results['load_start'][0]:.1f}); commit {results['commit']}."
    )
    return "\n".join(lines)


def git_commit() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, text=True,
                              capture_output=True, check=True).stdout.strip()  # fmt: skip
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def main(argv: list[str] | None = None) -> dict[str, Any]:
    p = argparse.ArgumentParser(prog="python -m bench.peer", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    p.add_argument("--institutions", type=int, default=100_000)
    p.add_argument("--seed", type=int, default=20240601, help="of the synthetic dataset")
    p.add_argument("--rounds", type=int, default=3, help="interleaved rounds (≥ 3)")
    p.add_argument("--seconds", type=float, default=10, help="per run of one read on one server")
    p.add_argument("--warmup", type=float, default=3, help="untimed seconds per read and server")
    p.add_argument("--connections", type=int, default=8)
    p.add_argument("--alliances", type=int, default=50, help="alliance ids in the rotation")
    p.add_argument("--ids", type=int, default=200, help="institution ids in the rotation")
    p.add_argument(
        "--request-timeout",
        type=float,
        default=120,
        help="alliancegraph's ALLIANCEGRAPH_REQUEST_TIMEOUT (s)",
    )
    p.add_argument("--neo4j-port", type=int, default=17802)
    p.add_argument("--neo4j-heap", default="-Xms1g -Xmx1g -XX:+ExitOnOutOfMemoryError")
    p.add_argument(
        "--lock",
        type=Path,
        help="hold an flock on this file while checking and timing (not while loading), "
        "e.g. /tmp/ag-heavy.lock on a shared machine",
    )
    p.add_argument(
        "--check-only",
        action="store_true",
        help="check that both servers answer alike, time nothing (no lock needed)",
    )
    p.add_argument(
        "--only",
        choices=[r.key for r in READS],
        action="append",
        help="time only these reads (repeatable; the check still covers them)",
    )
    args = p.parse_args(argv)
    if args.rounds < 1:
        p.error("--rounds must be ≥ 1")
    reads = tuple(r for r in READS if not args.only or r.key in args.only)

    # SIGTERM unwinds like Ctrl-C, so every `finally` below stops what it started.
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    started = datetime.now()
    results: dict[str, Any] = {
        "started": started.isoformat(timespec="seconds"), "commit": git_commit(),
        "institutions": args.institutions, "rounds": args.rounds, "seconds": args.seconds,
        "connections": args.connections, "cpus": os.cpu_count(),
        "python": platform.python_version(), "load_start": os.getloadavg(),
        "peer": json.loads((HERE / "package.json").read_text())["dependencies"],
    }  # fmt: skip
    npm_ci()
    results["node"] = subprocess.run(["node", "--version"], capture_output=True, text=True,
                                     check=True).stdout.strip()  # fmt: skip
    log(f"generating {args.institutions:,} institutions ...")
    syn = generate(args.institutions, args.seed)
    valid = all_valid_today(syn)
    results["all_relationships_valid_today"] = valid
    if not valid:
        raise SystemExit(
            "a membership or pairing is not valid today: the peer's unfiltered answers "
            "could not match alliancegraph's; fix bench/synthetic.py"
        )
    ids = rotation(syn, args.alliances, args.ids, args.seed)
    logs = Path(tempfile.mkdtemp(prefix="ag-peer-logs-"))
    with own_neo4j(args.neo4j_port, args.neo4j_heap) as neo:
        settings = Settings(neo4j_uri=neo["NEO4J_URI"], neo4j_user=neo["NEO4J_USER"],
                            neo4j_password=neo["NEO4J_PASSWORD"])  # fmt: skip
        store = Neo4jStore(settings)
        try:
            log(f"loading {sum(syn.dataset.counts().values()):,} rows with Neo4jStore.load ...")
            results["load_s"] = store.load(syn.dataset).seconds
        finally:
            store.close()
        log(f"loaded in {results['load_s']:.1f} s")
        del syn  # the servers need the memory more than we do
        mine = ("NEO4J_", "ALLIANCEGRAPH_")
        base = {k: v for k, v in os.environ.items() if not k.startswith(mine)}
        db = {k: neo[k] for k in ("NEO4J_URI", "NEO4J_USER", "NEO4J_PASSWORD")}
        ours_port, peer_port = free_port(), free_port()
        ours_cmd = [sys.executable, "-m", "cli", "serve", "--host", "127.0.0.1",
                    "--port", str(ours_port)]  # fmt: skip
        peer_cmd = ["node", str(HERE / "server.mjs")]
        # Production settings but for the request timeout: 10 s would turn a queue of nested
        # reads on a loaded machine into TIMEOUT errors; the peer has no timeout at all.
        ours_env = {**base, **db, "ALLIANCEGRAPH_ENV": "production",
                    "ALLIANCEGRAPH_REQUEST_TIMEOUT": str(args.request_timeout)}  # fmt: skip
        peer_env = {**base, **db, "PEER_PORT": str(peer_port), "NODE_ENV": "production"}
        with (
            server("alliancegraph", ours_cmd, ours_env, ours_port, "/readyz", logs) as ours_proc,
            server("peer", peer_cmd, peer_env, peer_port, "/graphql?query=%7B__typename%7D",
                   logs) as peer_proc,
            exclusive(None if args.check_only else args.lock),
        ):  # fmt: skip
            results["load_at_timing"] = os.getloadavg()
            results["check"] = check(reads, ids, ours_port, peer_port, args.connections)
            if args.check_only:
                results["reads"] = {}
                reads = ()
            bodies = {
                (r.key, side): [body(doc, i) for i in ids[r.ids]]
                for r in reads
                for side, doc in (("ours", r.ours), ("peer", r.peer))
                if doc
            }
            ports = {"ours": ours_port, "peer": peer_port}
            groups = {"ours": ours_proc.pid, "peer": peer_proc.pid}  # each its own group
            sides = ("peer", "ours")  # interleaved: peer, ours, peer, ours, ...
            plan = [(r.key, side) for r in reads for side in sides if (r.key, side) in bodies]
            for key, side in plan:
                log(f"warm-up {key} on {side} ...")
                hammer(ports[side], bodies[key, side], args.connections, args.warmup)
            results["reads"] = {r.key: {side: [] for k, side in plan if k == r.key} for r in reads}
            for n in range(1, args.rounds + 1):
                for key, side in plan:
                    run = hammer(ports[side], bodies[key, side], args.connections, args.seconds,
                                 groups[side], int(neo["pid"]))  # fmt: skip
                    results["reads"][key][side].append(run)
                    log(f"round {n} {key:12} {side:4}: {run['rps']:7.1f} req/s  "
                        f"p50 {run['p50_ms']:6.1f} ms  p99 {run['p99_ms']:7.1f} ms  "
                        f"CPU/req {cpu(run)} ms  load {run['load_after']:.1f}")  # fmt: skip
    shutil.rmtree(logs, ignore_errors=True)
    results["load_end"] = os.getloadavg()
    results["finished"] = datetime.now().isoformat(timespec="seconds")
    results["table"] = table(results) if results["reads"] else "(--check-only: nothing timed)"
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"peer-{started:%Y%m%d-%H%M%S}.json"
    path.write_text(json.dumps(results, indent=2, ensure_ascii=False))
    print()
    print(results["table"])
    print(f"\nwritten to {path.relative_to(ROOT)}")
    return results


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        sys.exit(130)
