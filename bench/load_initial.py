"""Initial load (`alliancegraph load --initial`) against its anchor, the import tool alone.

Both runs take the same synthetic dataset, in the same process, one after the other:

- **anchor**: `neo4j-admin database import full` (the import tool classes of the dev
  server, `neo4j-server/target/lib`, run with java) on the CSV files the initial load
  writes, into a throwaway directory with no server: the tool's own rate;
- **initial load**: `loaders.neo4j_import.initial_load` into the benchmark's own dev server
  (its own state directory and Bolt port): writing the CSV files, stopping the server,
  the same import, starting it again, creating every constraint and index and waiting
  until they are online, and marking the load complete.

The ratio is the initial load's rate over the tool's (rows a second, the same rows), with
the load average seen before and after. Run heavy sizes under the shared lock:

    flock /tmp/ag-heavy.lock .venv/bin/python -m bench.load_initial --institutions 1000000

It starts and stops its own server (`--port`, default 17804; state in a temporary folder)
and writes `bench/results/load_initial-<time>.json` (gitignored).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.synthetic import generate
from graphmodel.settings import Settings
from loaders.neo4j_import import ImportTool, initial_load, write_import_files
from stores.neo4j import Neo4jStore

ROOT = Path(__file__).resolve().parents[1]
LIB = ROOT / "neo4j-server" / "target" / "lib"
SCRIPT = ROOT / "scripts" / "neo4j.sh"
PASSWORD = "alliancegraph-bench"
TOOL_JAVA_OPTS = "-Xmx1g"


def _server(command: str, state: Path, port: int) -> None:
    env = {**os.environ, "NEO4J_TEST_STATE_DIR": str(state), "NEO4J_TEST_PORT": str(port),
           "NEO4J_TEST_PASSWORD": PASSWORD, "NEO4J_TEST_START_TIMEOUT": "600"}  # fmt: skip
    subprocess.run(["bash", str(SCRIPT), command], env=env, check=True, timeout=900)


def _cpu() -> float:
    """CPU seconds of this process and its waited-for children (the forked CSV writer, the
    import tool), user and system."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def anchor(files_dir: Path, arguments: list[str]) -> tuple[float, float]:
    """Seconds of the import tool alone on the files, into a directory no server uses, and
    the CPU seconds it used."""
    home = Path(tempfile.mkdtemp(prefix="ag-bench-import-home-"))
    try:
        cpu = _cpu()
        started = time.perf_counter()
        subprocess.run(
            ["java", *TOOL_JAVA_OPTS.split(), "-cp", f"{LIB}/*", "org.neo4j.cli.AdminTool",
             "database", "import", "full", *arguments, "neo4j"],
            env={**os.environ, "NEO4J_HOME": str(home)}, check=True,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        return time.perf_counter() - started, _cpu() - cpu
    finally:
        shutil.rmtree(home, ignore_errors=True)


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--institutions", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=20240601)
    parser.add_argument("--port", type=int, default=17804)
    args = parser.parse_args(argv)

    load_before = os.getloadavg()
    dataset = generate(args.institutions, args.seed).dataset
    work = Path(tempfile.mkdtemp(prefix="ag-bench-initial-"))
    state = work / "neo4j-state"
    try:
        # The anchor: the tool alone, on the very files the initial load writes.
        (work / "csv").mkdir()
        cpu = _cpu()
        started = time.perf_counter()
        files = write_import_files(dataset, work / "csv", "anchor")
        csv_seconds = time.perf_counter() - started
        csv_cpu = _cpu() - cpu
        tool_seconds, tool_cpu = anchor(files.directory, files.arguments())
        shutil.rmtree(files.directory)

        _server("start", state, args.port)
        try:
            store = Neo4jStore(Settings(neo4j_uri=f"bolt://127.0.0.1:{args.port}",
                                        neo4j_password=PASSWORD, neo4j_timeout=30.0))  # fmt: skip
            tool = ImportTool(("env", f"NEO4J_TEST_STATE_DIR={state}",
                               "NEO4J_TEST_START_TIMEOUT=600", "bash", str(SCRIPT), "import"),
                              description="scripts/neo4j.sh import")  # fmt: skip
            report = initial_load(store, dataset, tool, work_dir=work)
            counts = store.stats()
            store.close()
        finally:
            _server("stop", state, args.port)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    load_after = os.getloadavg()

    rows = report.rows
    out = {
        "institutions": args.institutions,
        "rows": rows,
        "anchor_tool_seconds": round(tool_seconds, 2),
        "anchor_rate": round(rows / tool_seconds),
        "initial_seconds": round(report.seconds, 2),
        "initial_rate": round(rows / report.seconds),
        "ratio": round(tool_seconds / report.seconds, 3),
        "initial_parts": {
            "csv_seconds": round(report.csv_seconds, 2),
            "stop_import_start_seconds": round(report.tool_seconds, 2),
            "schema_and_marker_seconds": round(report.schema_seconds, 2),
        },
        "anchor_csv_seconds": round(csv_seconds, 2),
        # On two cores the CPU seconds bound what overlapping the steps could save.
        "anchor_csv_cpu_seconds": round(csv_cpu, 2),
        "anchor_tool_cpu_seconds": round(tool_cpu, 2),
        "cpus": os.cpu_count(),
        "loadavg_before": [round(x, 2) for x in load_before],
        "loadavg_after": [round(x, 2) for x in load_after],
        "institutions_in_db": counts.get("Institution", 0),
    }
    print(json.dumps(out, indent=2))
    results = ROOT / "bench" / "results"
    results.mkdir(exist_ok=True)
    stamp = time.strftime("%Y%m%dT%H%M%S")
    (results / f"load_initial-{stamp}.json").write_text(json.dumps(out, indent=2) + "\n")
    return out


if __name__ == "__main__":
    main()
