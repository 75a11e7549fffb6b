"""The initial load of an empty Neo4j through `neo4j-admin database import full`.

A per-row MERGE load (`loaders.neo4j_writer`) pays for an index lookup and a transaction
log entry per row; the offline import tool writes the store files directly and is several
times faster at national scale (bench/load_initial.py). So a first load of an empty database:

1. writes the validated dataset as the import tool's CSV files: one node file per label and
   one relationship file per type, with typed headers, the rows made by the very statements
   the MERGE loader sends (`neo4j_writer.statements`), so labels, properties and their types
   (dates as dates, lists as lists) are the same, and the route pool the server would
   otherwise derive after the load (`neo4j_writer.pool_relationships`);
2. runs the import tool (which needs the database stopped: the tool command stops and
   restarts the server, see `ImportTool`), together with a `LoadState` marker that says
   `in_progress`, so readers refuse the graph until step 3 is done;
3. creates the constraints and indexes of the normal load (`neo4j_writer.SCHEMA`), waits
   until they are online and marks the load complete.

A failure after step 2 leaves the marker `in_progress`; running the initial load again
overwrites that database (it is the only thing an "empty" check lets through).

Difference from the MERGE load, invisible to every query: an empty list property (an
institution without `names_alt`) is absent instead of `[]`, as the import tool has no empty
array; every reader already reads a missing list as empty (`stores.props`).
"""

from __future__ import annotations

import contextlib
import csv
import gc
import io
import os
import pickle
import shlex
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, LiteralString

from graphmodel.dataset import Dataset
from graphmodel.errors import InvalidInputError, UnavailableError
from loaders import neo4j_writer as w

Progress = Callable[[str, int], None]
Row = dict[str, Any]

ARRAY_DELIMITER = "\x1f"  # a control character: the loader refuses them in every cell
_NULL = "\x01"  # stands for "no property" while the csv module quotes every other cell
_NULL_QUOTED = f'"{_NULL}"'
CHUNK = 10_000  # rows formatted per write, and how often progress hears of them
# The share of the institution rows the forked process writes: the rest, and every other
# file, take the parent about as long (bench/README.md, initial load).
ASIDE_SHARE = 0.8

DATES = frozenset({"valid_from", "valid_to", "review_passed_on"})
LONGS = frozenset({"level_rank", "count", "rows"})
BOOLEANS = frozenset({"match_out_of_region", "initial"})
LISTS = frozenset({
    "names_alt", "specialties", "role_names", "conditions", "condition_names",
    "condition_names_en", "match_conditions", "match_flags", "match_all_flags",
    "match_phases", "designates",
})  # fmt: skip
DATETIMES = frozenset({"started"})

COUNT_NODES: LiteralString = "MATCH (n) RETURN count(n) AS n"
INITIAL_MARKERS: LiteralString = """
MATCH (m:LoadState) RETURN m.dataset AS dataset, m.status AS status,
       coalesce(m.initial, false) AS initial
"""


def _type(key: str) -> str:
    if key in DATES:
        return ":date"
    if key in LONGS:
        return ":long"
    if key in BOOLEANS:
        return ":boolean"
    if key in LISTS:
        return ":string[]"
    if key in DATETIMES:
        return ":datetime"
    return ""


def _cell(key: str, value: Any) -> str:
    """One property as the import tool reads it back with the header's type."""
    if value is None:
        return _NULL
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        # No empty array in the import tool: an empty list is no property (see module doc).
        return ARRAY_DELIMITER.join(value) if value else _NULL
    raise TypeError(f"property {key!r}: no import type for {type(value).__name__}")


@dataclass
class _File:
    """One node or relationship file: its header is fixed by the first row's keys."""

    path: Path
    kind: str  # label or relationship type
    start: str | None = None  # relationship files: the ID groups of the two ends
    end: str | None = None
    keys: list[str] | None = None
    rows: int = 0
    multiline: bool = False
    header: bool = True  # False for a later part of a file, appended to its first part


@dataclass
class ImportFiles:
    directory: Path
    nodes: list[_File] = field(default_factory=list)
    relationships: list[_File] = field(default_factory=list)
    pool: bool = False  # the derived route-pool relationships are among the files

    @property
    def rows(self) -> int:
        return sum(f.rows for f in self.nodes + self.relationships)

    def arguments(self) -> list[str]:
        """The import tool's options for these files (the database name comes last)."""
        args = [f"--nodes={f.kind}={f.path}" for f in self.nodes if f.rows]
        args += [f"--relationships={f.kind}={f.path}" for f in self.relationships if f.rows]
        args += [
            "--array-delimiter=U+001F",
            "--overwrite-destination=true",
            # Validated data: a single bad entry is a bug, and must not be skipped silently.
            "--bad-tolerance=0",
            f"--report-file={self.directory / 'import.report'}",
        ]
        if any(f.multiline for f in self.nodes + self.relationships):
            args.append("--multiline-fields=true")
        return args


def _write(
    target: _File, rows: Iterable[tuple[str | None, str | None, Row]], progress: Progress | None
) -> None:
    """Write `rows` ((start id, end id, properties) for relationships; (id, None, props) for
    nodes) as one CSV file with a typed header."""
    with target.path.open("w", encoding="utf-8", newline="") as f:
        buf = io.StringIO()
        out = csv.writer(buf, quoting=csv.QUOTE_ALL, lineterminator="\n")
        for first, second, props in rows:
            if target.keys is None:
                target.keys = [k for k in props if k != "id" or target.start is not None]
                if target.header:
                    f.write(_header(target))
            keys = target.keys
            cells = [] if first is None else [first]
            if second is not None:
                cells.append(second)
            # Most cells are text already: only the others go through `_cell`.
            cells += [v if (v := props.get(k)).__class__ is str else _cell(k, v) for k in keys]
            out.writerow(cells)
            target.rows += 1
            if target.rows % CHUNK == 0:
                _flush(buf, f, target, CHUNK)
                if progress is not None:
                    progress(target.path.name, target.rows)
        _flush(buf, f, target, target.rows % CHUNK)
        if target.keys is None:
            target.keys = []
    if progress is not None:
        progress(target.path.name, target.rows)


def _header(target: _File) -> str:
    if target.start is not None:
        ids = [f":START_ID({target.start})", f":END_ID({target.end})"]
    elif target.kind == w.LOAD_STATE:
        ids = []
    else:
        ids = [f"id:ID({target.kind})"]
    assert target.keys is not None
    return ",".join(ids + [k + _type(k) for k in target.keys]) + "\n"


def _flush(buf: io.StringIO, f: Any, target: _File, records: int) -> None:
    """Write the buffered `records` out; a line break inside a cell (more lines than
    records) switches the file to the import tool's slower multi-line parsing."""
    text = buf.getvalue()
    if not text:
        return
    if text.count("\n") != records or "\r" in text:
        target.multiline = True
    f.write(text.replace(_NULL_QUOTED, ""))
    buf.seek(0)
    buf.truncate()


def write_import_files(
    dataset: Dataset, directory: Path, gen: str, progress: Progress | None = None
) -> ImportFiles:
    """The import tool's CSV files for `dataset` (load id `gen`), with its LoadState marker."""
    started: list[_Aside] = []
    try:
        return _write_files(dataset, directory, gen, progress, started)
    except BaseException:
        # An error after the forked writer started: the process is waited for (never left
        # a zombie, its pipe never left open) before the error goes on up.
        for aside in started:
            aside.settle()
        raise


def _write_files(
    dataset: Dataset, directory: Path, gen: str, progress: Progress | None, started: list[_Aside]
) -> ImportFiles:
    files = ImportFiles(Path(directory))
    node = {label: _File(files.directory / f"{label}.csv", label)
            for label in ("Division", "Grid", "Institution", "Alliance", "Policy", "Rule",
                          w.LOAD_STATE)}  # fmt: skip
    ends = {
        "PART_OF": ("Division", "Division"), "WITHIN": ("Grid", "Division"),
        "LOCATED_IN": ("Institution", "Division"), "MEMBER_OF": ("Institution", "Alliance"),
        "SERVES": ("Alliance", "Grid"), "PAIRED_WITH": ("Institution", "Institution"),
        "CHANNEL": ("Institution", "Institution"), "REFERRED": ("Institution", "Institution"),
        "APPLIES_TO": ("Policy", "Division"), "HAS_RULE": ("Policy", "Rule"),
        "DESIGNATES": ("Rule", "Institution"),
    }  # fmt: skip
    rel = {t: _File(files.directory / f"{t}.csv", t, a, b) for t, (a, b) in ends.items()}
    files.nodes = list(node.values())
    files.relationships = list(rel.values())
    outlines = {(b.kind, b.id): b for b in dataset.boundaries}
    stamp = {"dataset": dataset.id, "gen": gen}

    def outlined(kind: str, rows: Iterable[Row]) -> Iterator[tuple[str, None, Row]]:
        for row in rows:
            b = outlines.get((kind, row["id"]))
            extra = {"boundary": b.geometry, "boundary_source": b.source,
                     "boundary_assumption": b.assumption} if b else {}  # fmt: skip
            yield row["id"], None, row | {"boundary": None, "boundary_source": None,
                                          "boundary_assumption": None} | extra  # fmt: skip

    for cypher, rows in w.statements(dataset, gen):
        if cypher is w.WRITE_DIVISIONS:
            _write(node["Division"], outlined("division", rows), progress)
        elif cypher is w.WRITE_PART_OF:
            _write(rel["PART_OF"], ((r["id"], r["parent"], stamp) for r in rows if r["parent"]),
                   progress)  # fmt: skip
        elif cypher is w.WRITE_GRIDS:
            grids = list(rows)
            _write(node["Grid"], outlined("grid", grids), progress)
            _write(rel["WITHIN"], ((r["id"], r["division"], stamp) for r in grids), progress)
        elif cypher is w.WRITE_INSTITUTIONS:
            # The largest file, more than half the CSV time: a forked process writes the
            # first part of it while this one writes its rest and every other file.
            split = round(len(dataset.institutions) * ASIDE_SHARE)
            institutions = _Aside(_write_part, node["Institution"],
                                  w.institution_rows(dataset, gen, 0, split))  # fmt: skip
            started.append(institutions)
            rest = _File(files.directory / "Institution.rest.csv", "Institution", header=False)
            try:
                _write(rest, ((r["id"], None, r)
                              for r in w.institution_rows(dataset, gen, split)), None)  # fmt: skip
                _write(rel["LOCATED_IN"], ((i.id, i.division, stamp)
                                           for i in dataset.institutions if i.division is not None),
                       progress)  # fmt: skip
            except BaseException as error:
                # The first part's error, if it has one, is about an earlier row: that one
                # is reported, as when one process wrote every row in order.
                try:
                    institutions()
                except BaseException as first:
                    raise first from error
                raise
        elif cypher is w.WRITE_ALLIANCES:
            _write(node["Alliance"], ((r["id"], None, r) for r in rows), progress)
        elif cypher is w.WRITE_MEMBERSHIPS:
            _write(rel["MEMBER_OF"], ((r["institution"], r["alliance"], r) for r in rows),
                   progress)  # fmt: skip
        elif cypher is w.WRITE_SERVICES:
            _write(rel["SERVES"], ((r["alliance"], r["grid"], r) for r in rows), progress)
        elif cypher is w.WRITE_PAIRINGS:
            _write(rel["PAIRED_WITH"], ((r["upper"], r["lower"], r) for r in rows), progress)
        elif cypher is w.WRITE_CHANNELS:
            _write(rel["CHANNEL"], ((r["from"], r["to"], r) for r in rows), progress)
        elif cypher is w.WRITE_REFERRALS:
            _write(rel["REFERRED"], ((r["from"], r["to"], r) for r in rows), progress)
        elif cypher is w.WRITE_POLICIES:
            policies = list(rows)
            _write(node["Policy"], ((r["id"], None, r) for r in policies), progress)
            _write(rel["APPLIES_TO"], ((r["id"], r["region"], stamp) for r in policies),
                   progress)  # fmt: skip
        elif cypher is w.WRITE_BOUNDARIES:
            pass  # on the grid and division rows above
        elif cypher is w.WRITE_RULES:
            rules = list(rows)
            _write(node["Rule"], ((r["id"], None, r) for r in rules), progress)
            _write(rel["HAS_RULE"], ((r["policy"], r["id"], stamp) for r in rules), progress)
            # MERGE makes one DESIGNATES per target, however often a rule names it.
            targets = ((r["id"], t) for r in rules for t in dict.fromkeys(r["designates"]))
            _write(rel["DESIGNATES"], ((a, b, stamp) for a, b in targets), progress)
        else:  # pragma: no cover - a statement added to the writer and not here
            raise AssertionError(f"the initial load does not know the statement {cypher[:60]!r}")
    _join(node["Institution"], institutions(), rest)
    if progress is not None:
        progress(node["Institution"].path.name, node["Institution"].rows)
    # The route pool is derived, not a fact of the dataset: written here beside the facts, so
    # that the server need not derive it after the import (at 1M that took longer than the
    # import itself). Same rows as `Neo4jStore.refresh_route_pool` makes.
    host, senior, local = w.pool_relationships(dataset)
    for kind, start, end, derived_rows in (
        ("POOL_HOST", "Alliance", "Division", ((a, x, {"valid_from": f, "valid_to": t})
                                               for a, x, f, t in host)),
        ("POOL_SENIOR", "Institution", "Alliance", ((i, a, {"valid_from": f, "valid_to": t})
                                                    for i, a, f, t in senior)),
        ("POOL_LOCAL", "Institution", "Division", ((i, x, {}) for i, x in local)),
    ):  # fmt: skip
        derived = _File(files.directory / f"{kind}.csv", kind, start, end)
        files.relationships.append(derived)
        _write(derived, derived_rows, progress)
    files.pool = True
    marker = stamp | {"status": "in_progress", "initial": True,
                      "started": datetime.now(UTC).replace(microsecond=0),
                      "rows": w.rows(dataset)}  # fmt: skip
    marker |= {"manifest": w.begin_params(dataset, gen)["manifest"]}
    _write(node[w.LOAD_STATE], [(None, None, marker)], None)
    return files


def _write_part(target: _File, rows: Iterable[Row]) -> _File:
    """The node file `target` of `rows`, as written (in the forked process)."""
    _write(target, ((r["id"], None, r) for r in rows), None)
    return target


def _join(mine: _File, first: _File, rest: _File) -> None:
    """`mine` is the file `first` (written by the forked process) with `rest` appended."""
    if rest.rows and first.keys != rest.keys:  # pragma: no cover - the same props function
        raise AssertionError(f"{mine.kind}: the two parts have different columns")
    with rest.path.open("rb") as src, first.path.open("ab") as dst:
        shutil.copyfileobj(src, dst, 1 << 20)
    rest.path.unlink()
    mine.keys = first.keys if first.rows or not rest.rows else rest.keys
    mine.rows = first.rows + rest.rows
    mine.multiline = first.multiline or rest.multiline


class _Aside:
    """`work(*args)` run in a forked process, which shares the dataset without copying it
    (a second core writes while this one does). Calling it waits for the process and gives
    its result, or raises its error here; `settle` stops it after an error of this
    process's own. Without `fork`, `work` runs at once."""

    def __init__(self, work: Callable[..., Any], *args: Any) -> None:
        self._outcome: tuple[bool, Any] | None = None
        self._pid = 0
        if not hasattr(os, "fork"):
            self._outcome = (True, work(*args))
            return
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child: its coverage is not collected
            os.close(read)
            gc.disable()  # a short life: collections would only copy the parent's pages
            try:
                outcome: tuple[bool, Any] = (True, work(*args))
            except BaseException as error:  # every error goes to the parent
                outcome = (False, error)
            with os.fdopen(write, "wb") as out:
                out.write(_pickled(outcome))
            os._exit(0)
        os.close(write)
        self._pid, self._read = pid, read

    def _wait(self) -> tuple[bool, Any]:
        if self._outcome is None:
            with os.fdopen(self._read, "rb") as f:
                data = f.read()
            _, status = os.waitpid(self._pid, 0)
            died = RuntimeError(f"the process writing the import files died (status {status})")
            self._outcome = pickle.loads(data) if data else (False, died)
        return self._outcome

    def __call__(self) -> Any:
        ok, value = self._wait()
        if not ok:
            raise value
        return value

    def settle(self) -> None:
        """After an error of this process's own: its work is of no use any more, so the
        process is stopped and waited for (no zombie, no open pipe), at once even when
        the error is an interrupt."""
        if self._outcome is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.kill(self._pid, signal.SIGKILL)
        os.close(self._read)
        os.waitpid(self._pid, 0)
        self._outcome = (False, RuntimeError("stopped after an error of the parent's"))


def _pickled(outcome: tuple[bool, Any]) -> bytes:
    """`(ok, result or error)` for the parent; an error it could not rebuild as it was (a
    class of its own, arguments that do not make it again) goes as its text."""
    ok, value = outcome
    with contextlib.suppress(Exception):
        whole = pickle.dumps(outcome)
        if ok or str(pickle.loads(whole)[1]) == str(value):
            return whole
    return pickle.dumps((False, RuntimeError(repr(value))))


@dataclass(frozen=True)
class ImportTool:
    """How to run `neo4j-admin database import full` against the database NEO4J_URI serves.

    `command` takes the import options and the database name. The database must be
    stopped while the tool writes it: `before` and `after` stop and start the server
    (empty when `command` does that itself, as `scripts/neo4j.sh import` does).
    """

    command: tuple[str, ...]
    before: tuple[str, ...] = ()
    after: tuple[str, ...] = ()
    description: str = ""


def find_import_tool(explicit: str | None = None, env: dict[str, str] | None = None) -> ImportTool:
    """The import tool: `explicit` (`--import-tool`) or ALLIANCEGRAPH_IMPORT_TOOL, a command
    line; else NEO4J_HOME's `bin/neo4j-admin` (stopping and starting `bin/neo4j` around it).
    Refuses, saying what it looked for, when there is none."""
    env = dict(os.environ if env is None else env)
    given = explicit or env.get("ALLIANCEGRAPH_IMPORT_TOOL")
    if given:
        argv = tuple(shlex.split(given))
        if not argv or shutil.which(argv[0]) is None:
            raise UnavailableError(f"the import tool {given!r} is not an executable command")
        return ImportTool(argv, description=given)
    home = env.get("NEO4J_HOME")
    looked = []
    if home:
        admin, neo4j = Path(home) / "bin" / "neo4j-admin", Path(home) / "bin" / "neo4j"
        if os.access(admin, os.X_OK):
            return ImportTool((str(admin), "database", "import", "full"),
                              before=(str(neo4j), "stop"), after=(str(neo4j), "start"),
                              description=str(admin))  # fmt: skip
        looked.append(f"{admin} (not an executable file)")
    else:
        looked.append("$NEO4J_HOME/bin/neo4j-admin (NEO4J_HOME is not set)")
    raise UnavailableError(
        "no Neo4j import tool found: looked for --import-tool, ALLIANCEGRAPH_IMPORT_TOOL "
        "(not set), " + ", ".join(looked) + ". Set NEO4J_HOME to the Neo4j installation, or "
        "for the development server use --import-tool 'scripts/neo4j.sh import'"
    )


def check_empty(store: Any) -> None:
    """Refuse unless the database is empty, or holds only an unfinished initial load."""
    with store.driver.session(database=store.settings.neo4j_database) as s:
        nodes = s.run(COUNT_NODES).single()["n"]
        markers = [dict(r) for r in s.run(INITIAL_MARKERS)]
    if nodes == 0:
        return
    if len(markers) == 1 and markers[0]["initial"] and markers[0]["status"] != "complete":
        return  # an initial load that stopped before its end: importing again replaces it
    raise InvalidInputError.one(
        f"the database {store.settings.neo4j_database!r} is not empty ({nodes:,} nodes): "
        "an initial load (--initial) needs an empty database; use `alliancegraph load` "
        "(without --initial) to update it",
        file="<neo4j>",
        consequence="nothing was written",
    )


def run_tool(
    tool: ImportTool, files: ImportFiles, database: str, output: Callable[[str], None] | None
) -> float:
    """Run the import tool (stopping and starting the server around it when asked); return
    the seconds the tool itself took. Its output goes to `output` line by line, and to a
    log whose tail is shown when it fails."""
    log = files.directory / "import-tool.log"
    if tool.before:
        _run(tool.before, log, None)
    started = time.perf_counter()
    try:
        _run((*tool.command, *files.arguments(), database), log, output)
    finally:
        seconds = time.perf_counter() - started
        if tool.after:
            _run(tool.after, log, None)
    return seconds


def _run(argv: tuple[str, ...], log: Path, output: Callable[[str], None] | None) -> None:
    with log.open("a", encoding="utf-8") as out:
        out.write(f"$ {shlex.join(argv)}\n")
        out.flush()
        with subprocess.Popen(
            argv,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            text=True,
            errors="replace",
        ) as proc:
            assert proc.stdout is not None
            for line in proc.stdout:
                out.write(line)
                if output is not None:
                    output(line.rstrip("\n"))
            code = proc.wait()
    if code != 0:
        tail = "\n".join(log.read_text(encoding="utf-8").splitlines()[-25:])
        raise UnavailableError(f"{argv[0]} failed (exit {code}); the end of its output:\n{tail}")


def wait_until_up(store: Any, seconds: float = 180.0) -> None:
    """After the server restarts: wait until it answers again."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            store.ping()
            with store.driver.session(database=store.settings.neo4j_database) as s:
                s.run("RETURN 1").consume()
            return
        except Exception:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


def finish(
    store: Any, dataset: Dataset, gen: str, index_wait: int = 1800, pool_written: bool = False
) -> None:
    """Constraints and indexes of the normal load, online, and the derived route pool unless
    the import files held it (`pool_written`); then the marker says complete."""
    with store.driver.session(database=store.settings.neo4j_database) as s:
        for statement in w.SCHEMA:
            s.run(statement).consume()
        s.run("CALL db.awaitIndexes($t)", t=index_wait).consume()
    # The route pool is derived data the import tool knows nothing of: without it every
    # route would find an empty pool. Built before the marker lets readers in.
    if not pool_written:
        store.refresh_route_pool()
    with store.driver.session(database=store.settings.neo4j_database) as s:
        s.run(w.END_LOAD, dataset=dataset.id, gen=gen).consume()


@dataclass(frozen=True)
class InitialReport:
    rows: int
    csv_seconds: float
    tool_seconds: float
    schema_seconds: float
    seconds: float


def initial_load(
    store: Any,
    dataset: Dataset,
    tool: ImportTool,
    *,
    work_dir: Path | None = None,
    progress: Progress | None = None,
    output: Callable[[str], None] | None = None,
) -> InitialReport:
    """The whole initial load of `dataset` into the empty database `store` talks to."""
    import uuid

    from stores.neo4j import translated

    started = time.perf_counter()
    with translated():
        check_empty(store)
    gen = uuid.uuid4().hex
    with tempfile.TemporaryDirectory(prefix="alliancegraph-import-", dir=work_dir) as tmp:
        files = write_import_files(dataset, Path(tmp), gen, progress)
        csv_seconds = time.perf_counter() - started
        tool_seconds = run_tool(tool, files, store.settings.neo4j_database, output)
    schema_started = time.perf_counter()
    with translated():
        wait_until_up(store)
        finish(store, dataset, gen, pool_written=files.pool)
    store._loads_checked = 0.0
    now = time.perf_counter()
    return InitialReport(rows=files.rows, csv_seconds=csv_seconds, tool_seconds=tool_seconds,
                         schema_seconds=now - schema_started, seconds=now - started)  # fmt: skip
