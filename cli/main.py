"""The `alliancegraph` command line (also `python -m cli`).

Global options choose the data: `--sample NAME` (repeatable) or `--data DIR` (repeatable).
With neither, commands read the Neo4j database when `NEO4J_URI` is set, and otherwise all
bundled samples on the embedded store. `load` writes the chosen data to Neo4j.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click

from cli.progress import bars, progress_option, wanted
from graphmodel.dataset import Dataset
from graphmodel.enums import AllianceKind
from graphmodel.errors import AllianceGraphError, AmbiguousError, NotFoundError, UnavailableError
from graphmodel.settings import Settings
from graphmodel.store import Store
from stores.open import chosen_dataset, open_store

EXIT_USAGE = 2
EXIT_UNAVAILABLE = 3


@dataclass
class Context:
    settings: Settings
    samples: tuple[str, ...] = ()
    data: tuple[Path, ...] = ()
    _store: Store | None = field(default=None, repr=False)

    def dataset(self, progress: Callable[[str, int], None] | None = None) -> Dataset:
        """The chosen data; `progress(file, rows)` hears of the folder loader's reading
        when it reports it (the `progress` parameter of loaders/folder.py's entry point)."""
        return chosen_dataset(self.samples, self.data, progress)

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None

    def store(self) -> Store:
        if self._store is None:
            self._store = open_store(self.settings, self.samples, self.data)
        return self._store


def emit(data: Any, as_json: bool, text: Callable[[Any], str]) -> None:
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))
    else:
        click.echo(text(data))


@contextmanager
def reported(as_json: bool) -> Iterator[None]:
    """Expected errors become a message (and JSON, if asked) and an exit code, not a trace."""
    try:
        yield
    except AllianceGraphError as exc:
        payload: dict[str, Any] = {"code": exc.code, "message": str(exc)}
        if isinstance(exc, AmbiguousError):
            payload["candidates"] = [{"id": i, "name": n} for i, n in exc.candidates]
        if isinstance(exc, NotFoundError):
            payload["candidates"] = exc.suggestions
        if as_json:
            click.echo(json.dumps({"error": payload}, ensure_ascii=False, indent=2))
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_UNAVAILABLE if isinstance(exc, UnavailableError) else EXIT_USAGE)


json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON.")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--sample",
    "samples",
    multiple=True,
    metavar="NAME",
    help="Work on a bundled sample (repeatable). See `alliancegraph samples`.",
)
@click.option(
    "--data",
    "data",
    multiple=True,
    type=click.Path(path_type=Path, file_okay=False),
    help="Work on a dataset folder (repeatable). See docs/data-format.md.",
)
@click.pass_context
def cli(ctx: click.Context, samples: tuple[str, ...], data: tuple[Path, ...]) -> None:
    """alliancegraph — China's medical alliance networks (医联体) as one graph."""
    ctx.obj = Context(Settings.from_env(), samples, data)
    ctx.call_on_close(ctx.obj.close)


@cli.command()
@json_option
def samples(as_json: bool) -> None:
    """List the bundled sample datasets."""
    from loaders.samples import list_samples

    emit(
        list_samples(),
        as_json,
        lambda rows: "\n".join(f"{r['id']:8} {r['name']} — {r['description']}" for r in rows),
    )


@cli.command()
@json_option
@click.pass_obj
def stats(obj: Context, as_json: bool) -> None:
    """Count nodes by label and relationships by type."""
    from graphmodel.enums import Label

    with reported(as_json):
        store = obj.store()
        counts = store.stats()
        labels = {label.value for label in Label}
        out = {
            "store": store.kind,
            "nodes": {k: v for k, v in sorted(counts.items()) if k in labels},
            "relationships": {k: v for k, v in sorted(counts.items()) if k not in labels},
        }
        emit(out, as_json, _stats_text)


def _stats_text(out: dict[str, Any]) -> str:
    lines = [f"store: {out['store']}", "nodes:"]
    lines += [f"  {k:14} {v:>9,}" for k, v in out["nodes"].items()]
    lines += ["relationships:"] + [f"  {k:14} {v:>9,}" for k, v in out["relationships"].items()]
    return "\n".join(lines)


@cli.command()
@click.option(
    "--initial",
    is_flag=True,
    help="First load of an EMPTY database through Neo4j's offline import tool "
    "(neo4j-admin database import full): several times faster at national scale. Stops and "
    "restarts the server; refuses a database that is not empty.",
)
@click.option(
    "--import-tool",
    "import_tool",
    metavar="COMMAND",
    help="With --initial: the import command, called with the import options and the "
    "database name (default: ALLIANCEGRAPH_IMPORT_TOOL, else $NEO4J_HOME/bin/neo4j-admin). "
    "For the development server: 'scripts/neo4j.sh import'.",
)
@click.option(
    "--work-dir",
    type=click.Path(path_type=Path, file_okay=False, exists=True),
    help="With --initial: folder for the import tool's CSV files (default: the system's "
    "temporary folder); they are deleted afterwards.",
)
@progress_option
@json_option
@click.pass_obj
def load(
    obj: Context,
    initial: bool,
    import_tool: str | None,
    work_dir: Path | None,
    show_progress: bool | None,
    as_json: bool,
) -> None:
    """Validate the chosen data and make Neo4j (NEO4J_URI) hold exactly it (a replace)."""
    from graphmodel.errors import ReadOnlyStoreError

    with reported(as_json):
        show = wanted(show_progress, as_json)
        with bars(show, "reading and validating") as bar:
            dataset = obj.dataset(progress=bar)
        if not obj.settings.neo4j_uri:
            raise ReadOnlyStoreError(f"load dataset {dataset.id!r}")
        from loaders import neo4j_writer
        from stores.neo4j import Neo4jStore

        store = Neo4jStore(obj.settings)
        try:
            if initial:
                out = _initial_load(store, dataset, import_tool, work_dir, show)
            else:
                with bars(show, f"loading {dataset.id}", neo4j_writer.rows(dataset)) as bar:
                    report = store.load(dataset, progress=bar)
                out = {"dataset": report.dataset, "nodes": dict(report.nodes),
                       "relationships": dict(report.relationships),
                       "seconds": round(report.seconds, 3)}  # fmt: skip
        finally:
            store.close()
        emit(
            out,
            as_json,
            lambda o: (
                f"loaded {o['dataset']} in {o['seconds']} s: "
                + ", ".join(
                    f"{k} {v}" for k, v in {**o["nodes"], **o["relationships"]}.items() if v
                )
            ),
        )


def _initial_load(
    store: Any, dataset: Dataset, import_tool: str | None, work_dir: Path | None, show: bool
) -> dict[str, Any]:
    from graphmodel.enums import Label, Rel
    from loaders.neo4j_import import find_import_tool, initial_load

    tool = find_import_tool(import_tool)
    counts = dataset.counts()
    with bars(show, f"initial load of {dataset.id}", sum(counts.values()) + 1) as bar:
        report = initial_load(store, dataset, tool, work_dir=work_dir, progress=bar,
                              output=bar.line if bar else None)  # fmt: skip
    return {
        "dataset": dataset.id,
        "initial": True,
        "nodes": {label.value: counts.get(label.value, 0) for label in Label},
        "relationships": {rel.value: counts.get(rel.value, 0) for rel in Rel},
        "seconds": round(report.seconds, 3),
        "csv_seconds": round(report.csv_seconds, 3),
        "import_tool_seconds": round(report.tool_seconds, 3),
        "schema_seconds": round(report.schema_seconds, 3),
    }


@cli.command()
@click.argument("directory", type=click.Path(path_type=Path, file_okay=False))
@progress_option
@json_option
@click.pass_obj
def export(obj: Context, directory: Path, show_progress: bool | None, as_json: bool) -> None:
    """Write the chosen store's data (embedded or Neo4j) as a dataset folder at DIRECTORY
    (new or empty; docs/data-format.md), which `--data DIRECTORY` loads back unchanged."""
    from loaders.export import digest, write_folder
    from loaders.read_store import dataset_of

    with reported(as_json):
        store = obj.store()
        show = wanted(show_progress, as_json)
        with bars(show, "reading the store") as bar:
            dataset = dataset_of(store, progress=bar)
        total = sum(v for k, v in dataset.counts().items() if k in _TABLE_COUNTS)
        with bars(show, f"writing {directory}", total) as bar:
            written = write_folder(dataset, directory, progress=bar)
        out = {"dataset": dataset.id, "directory": str(directory), "store": store.kind,
               "rows": written, "digest": digest(dataset)}  # fmt: skip
        emit(out, as_json, lambda o: (
            f"exported {o['dataset']} from the {o['store']} store to {o['directory']}: "
            + ", ".join(f"{k} {v}" for k, v in o["rows"].items())
            + f"\ndigest {o['digest']}"))  # fmt: skip


# The counts that are rows of the folder's tables (roles ride along with institutions).
_TABLE_COUNTS = ("Division", "Grid", "Institution", "Alliance", "MEMBER_OF", "SERVES",
                 "PAIRED_WITH", "CHANNEL", "REFERRED")  # fmt: skip


@cli.command()
@click.argument("ref")
@json_option
@click.pass_obj
def institution(obj: Context, ref: str, as_json: bool) -> None:
    """Show one institution (by id or exact name) and its alliances."""
    from queries.institution_alliances import INSTITUTION_ALLIANCES
    from queries.resolve import resolve_institution
    from stores.json import to_jsonable

    with reported(as_json):
        store = obj.store()
        found = resolve_institution(store, ref)
        alliances = store.run(INSTITUTION_ALLIANCES, institution=found.id)
        out = {"institution": to_jsonable(found), "alliances": to_jsonable(alliances)}
        emit(
            out,
            as_json,
            lambda o: (
                f"{found.id}  {found.name}  {found.level.value}  "
                f"{found.type.value}\n"
                + "\n".join(
                    f"  {a.membership.role.value:7} {a.alliance.id}  {a.alliance.name}"
                    for a in alliances
                )
            ),
        )


@cli.command()
@click.argument("origin")
@click.option(
    "--condition",
    default="general",
    show_default=True,
    help="Condition category of the region's policy (e.g. tuberculosis, burn).",
)
@click.option("--severe", is_flag=True, help="Severe case (重症).")
@click.option("--emergency", is_flag=True, help="Emergency (急危重症); skips the route.")
@click.option("--critical", is_flag=True, help="Critical case.")
@click.option(
    "--special-population",
    is_flag=True,
    help="70+, infant 0-3, severely disabled, psychiatric, high-risk pregnancy.",
)
@click.option("--ambulance", is_flag=True, help="Brought in by the 120 ambulance.")
@click.option("--travelling", is_flag=True, help="Away from home (combine with --emergency).")
@click.option("--mass-casualty", is_flag=True, help="Casualty of a mass-casualty event.")
@click.option(
    "--beyond-capacity", is_flag=True, help="The case exceeds the institution's capacity."
)
@click.option("--signed-resident", is_flag=True, help="Signed with a family doctor (签约居民).")
@click.option(
    "--phase",
    type=click.Choice(["recovery", "post_surgery", "critical_stable", "chronic_stable",
                       "elderly", "late_cancer", "stable_psychiatric"]),
    help="Down-referral: the patient's phase.",
)  # fmt: skip
@click.option("--employee-of", "employer", help="The patient's employer (staff hospitals).")
@click.option(
    "--readmission-of",
    "readmission",
    metavar="INSTITUTION",
    help="Readmission for the same disease at this institution.",
)
@click.option("--out-of-region", is_flag=True, help="Care the region cannot provide.")
@click.option("--direction", type=click.Choice(["up", "down"]), default="up", show_default=True)
@click.option("--to", "destination", metavar="INSTITUTION", help="Check this destination.")
@click.option(
    "--on", "on", type=click.DateTime(formats=["%Y-%m-%d"]), help="As of (default today)."
)
@json_option
@click.pass_obj
def route(
    obj: Context,
    origin: str,
    condition: str,
    severe: bool,
    emergency: bool,
    critical: bool,
    special_population: bool,
    ambulance: bool,
    travelling: bool,
    mass_casualty: bool,
    beyond_capacity: bool,
    signed_resident: bool,
    phase: str | None,
    employer: str | None,
    readmission: str | None,
    out_of_region: bool,
    direction: str,
    destination: str | None,
    on: Any,
    as_json: bool,
) -> None:
    """Where may a patient at ORIGIN be referred, by which route, under which rule?"""
    from graphmodel.enums import Direction, Severity
    from graphmodel.routing import RouteRequest
    from queries.referral_route import REFERRAL_ROUTE
    from queries.resolve import resolve_institution
    from stores.views import route_view

    flags = {
        name
        for name, on_ in (
            ("emergency", emergency),
            ("critical", critical),
            ("special_population", special_population),
            ("ambulance_120", ambulance),
            ("travelling", travelling),
            ("mass_casualty", mass_casualty),
            ("beyond_capacity", beyond_capacity),
            ("signed_resident", signed_resident),
        )
        if on_
    }
    with reported(as_json):
        store = obj.store()
        request = RouteRequest(
            origin=resolve_institution(store, origin).id,
            condition=condition,
            severity=Severity.SEVERE if severe else Severity.NORMAL,
            flags=frozenset(flags),
            employer=employer,
            readmission_of=resolve_institution(store, readmission).id if readmission else None,
            out_of_region=out_of_region,
            direction=Direction(direction),
            destination=resolve_institution(store, destination).id if destination else None,
            on=on.date() if on else None,
            phase=phase,
        )
        out = route_view(store.run(REFERRAL_ROUTE, request=request))
        emit(out, as_json, _route_text)


def _route_text(out: dict[str, Any]) -> str:
    lines = [out["verdict"].upper() + f"  (policy: {out['policy']})"]
    for k, h in enumerate(out["hops"], start=1):
        mod = f" ({h['rule']['modality']})" if h["rule"].get("modality") else ""
        lines.append(
            f"  {k}. {h['from']['name']} → {h['to']['name']}  [{h['via']}] "
            f"{h['rule']['id']}{mod}  {h['rule']['source']}"
        )
    preferred = [d for d in out["destinations"] if d["preferred"]]
    others = [d for d in out["destinations"] if not d["preferred"]]
    if preferred:
        lines.append("  preferred: " + "、".join(d["name"] for d in preferred))
    for basis, names in _by_basis(others):
        lines.append(f"  also admissible: {names}  [{basis}]")
    for c in out.get("consequences", []):
        lines.append(f"  {c['applies']}: {c['message_zh']}  {c['source']}")
    lines.append(out["explanation"])
    return "\n".join(lines)


def _by_basis(dests: list[dict[str, Any]]) -> list[tuple[str, str]]:
    groups: dict[str, list[str]] = {}
    for d in dests:
        b = d["basis"]
        key = f"{b['rule']} ({b['modality']}) {b['source']}" if b["modality"] else b["rule"]
        groups.setdefault(key, []).append(d["name"])
    return [(k, "、".join(v)) for k, v in groups.items()]


@cli.command()
@click.argument("institution_ref", metavar="INSTITUTION")
@click.option("--alliance-kind", type=click.Choice([k.value for k in AllianceKind]))
@click.option("--alliance", "alliance_ref", help="Alliance id.")
@click.option("--direction", type=click.Choice(["upper", "lower"]))
@click.option("--specialty", help="Specialty or department (e.g. 心内科).")
@click.option(
    "--on", "on", type=click.DateTime(formats=["%Y-%m-%d"]), help="As of (default today)."
)
@json_option
@click.pass_obj
def counterpart(
    obj: Context,
    institution_ref: str,
    alliance_kind: str | None,
    alliance_ref: str | None,
    direction: str | None,
    specialty: str | None,
    on: Any,
    as_json: bool,
) -> None:
    """Who is INSTITUTION's counterpart, per alliance (and specialty)?"""
    from queries.counterparts import COUNTERPARTS
    from queries.resolve import resolve_institution
    from stores.views import counterpart_view

    with reported(as_json):
        store = obj.store()
        found = resolve_institution(store, institution_ref)
        rows = store.run(
            COUNTERPARTS,
            institution=found.id,
            alliance_kind=AllianceKind(alliance_kind) if alliance_kind else None,
            alliance=alliance_ref,
            specialty=specialty,
            direction=direction,
            on=on.date() if on else None,
        )
        out = [counterpart_view(c) for c in rows]
        emit(
            out,
            as_json,
            lambda rows: (
                "\n".join(
                    f"{r['direction']:5} {r['institution']['name']}  {r['alliance']['name']} "
                    f"({r['alliance']['kind']})  {r['department'] or ''} "
                    f"负责人: {r['responsible_person'] or '—'}"
                    for r in rows
                )
                or "no counterparts"
            ),
        )


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64))
@click.option("--dev", is_flag=True, help="Development mode: GraphiQL, introspection, errors.")
@click.pass_obj
def serve(obj: Context, host: str, port: int, workers: int, dev: bool) -> None:
    """Serve GraphQL at /graphql, with /healthz and /readyz."""
    import dataclasses
    import os

    import uvicorn

    from api import serving_gc
    from api.app import create_app

    settings = dataclasses.replace(obj.settings, production=False) if dev else obj.settings
    if workers == 1:
        with reported(False):
            store = obj.store()
        click.echo(
            f"alliancegraph: {store.kind} store, GraphQL at http://{host}:{port}/graphql"
            + (" (GraphiQL on)" if settings.graphiql_enabled else ""),
            err=True,
        )
        # Costly queries run in a worker process that opens the same default store; with
        # --sample/--data the worker could not open the same data, so it stays off.
        heavy = settings.heavy_process and not (obj.samples or obj.data)
        app = create_app(settings, store, heavy_worker=heavy)
        serving_gc.tune()
        # The app writes its own access log, JSON lines (api/observability.py).
        uvicorn.run(app, host=host, port=port, log_level="info",
                    access_log=not settings.access_log)  # fmt: skip
        return
    if obj.samples or obj.data:
        raise click.UsageError("--workers > 1 serves the default store; drop --sample/--data")
    if dev:
        # Worker processes build their settings from the environment.
        os.environ["ALLIANCEGRAPH_ENV"] = "development"
    # N processes sharing nothing but the socket: each opens its own store (its own Neo4j
    # driver pool, or its own embedded graph) and its own heavy worker.
    import socket

    from uvicorn.supervisors import Multiprocess

    config = uvicorn.Config("api.app:app_from_env", factory=True, host=host, port=port,
                            workers=workers, access_log=not settings.access_log)  # fmt: skip
    sock = config.bind_socket()
    # The workers rebuild the shared listener from its descriptor, and asyncio then no
    # longer recognises it as TCP, so their connections kept Nagle's algorithm: every
    # keep-alive answer waited ~40 ms for a delayed ACK (2 workers served 0.25× of 1,
    # bench/workers.py). Set on the listener, Linux gives it to every accepted connection.
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    Multiprocess(config, sockets=[sock]).run()


@cli.command()
def schema() -> None:
    """Print the GraphQL schema (SDL); `alliancegraph schema > schema.graphql` refreshes it."""
    from api.schema import sdl

    click.echo(sdl(), nl=False)


def main() -> None:
    cli(prog_name="alliancegraph")


# Report, scenario and grid commands live in their own modules and register on `cli`.
from cli import grids, reports, scenarios  # noqa: E402, F401
