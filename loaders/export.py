"""Writing a `Dataset` back out as a dataset folder (docs/data-format.md), and its digest.

The folder is what `loaders.folder.load_dataset` reads: loading it gives the same dataset
again, so `digest(load_dataset(write_folder(d, dir)))` equals `digest(d)`. The export is
how data leaves a store (`alliancegraph export`), how the synthetic national dataset is
written for folder-loading benchmarks, and the round trip the tests check.

The folder is written into a temporary sibling and renamed into place at the end, so an
export that fails leaves nothing half-written behind.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from enum import Enum
from pathlib import Path
from typing import Any

from graphmodel.dataset import Dataset
from graphmodel.errors import InvalidInputError
from graphmodel.policy import Policy, Rule
from loaders.schema import TABLES

Progress = Callable[[str, int], None]
Cells = dict[str, str]
# How often (rows) `progress` hears of a table being written.
PROGRESS_EVERY = 10_000


def cell(value: Any) -> str:
    """One value as the text of its CSV cell: lists `|`-joined, dates ISO, empty for None."""
    if value is None:
        return ""
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return "|".join(cell(v) for v in value)
    return str(value)


def _cells(**values: Any) -> Cells:
    return {k: cell(v) for k, v in values.items()}


def _prov(obj: Any) -> dict[str, Any]:
    return {"source": obj.source, "assumption": obj.assumption}


def _valid(obj: Any) -> dict[str, Any]:
    return {"valid_from": obj.valid_from, "valid_to": obj.valid_to}


def table_rows(dataset: Dataset) -> dict[str, Iterable[Cells]]:
    """Each table's rows as the cells of its CSV file, in the loader's column names."""
    d = dataset
    return {
        "divisions": (
            _cells(id=x.id, name=x.name, level=x.level, parent=x.parent, gb_code=x.gb_code,
                   code=x.stat_code, **_valid(x), **_prov(x))
            for x in d.divisions
        ),
        "grids": (_cells(id=x.id, name=x.name, division=x.division, **_prov(x)) for x in d.grids),
        "institutions": (
            _cells(id=x.id, name=x.name, names_alt=x.names_alt, level=x.level, grade=x.grade,
                   level_text=x.level_text, type=x.type, ownership=x.ownership,
                   division=x.division, address=None, specialties=x.specialties,
                   review_passed_on=x.review_passed_on, uscc=x.uscc, note=x.note, **_prov(x))
            for x in d.institutions
        ),
        "roles": (
            _cells(institution=i.id, role=g.role, condition=g.condition,
                   condition_value=g.condition_value, **_prov(g))
            for i in d.institutions
            for g in i.roles
        ),
        "alliances": (
            _cells(id=x.id, name=x.name, kind=x.kind, integration=x.integration,
                   division=x.division, specialty=x.specialty, **_valid(x), **_prov(x))
            for x in d.alliances
        ),
        "memberships": (
            _cells(institution=x.institution, alliance=x.alliance, role=x.role, **_valid(x),
                   **_prov(x))
            for x in d.memberships
        ),
        "serves": (
            _cells(alliance=x.alliance, grid=x.grid, **_valid(x), **_prov(x)) for x in d.services
        ),
        "pairings": (
            _cells(alliance=x.alliance, upper=x.upper, lower=x.lower,
                   upper_department=x.upper_department, specialty=x.specialty,
                   specialty_code=x.specialty_code, responsible_upper=x.responsible_upper,
                   responsible_lower=x.responsible_lower, **_valid(x), **_prov(x))
            for x in d.pairings
        ),
        "channels": (
            _cells(**{"from": x.source_institution, "to": x.target_institution},
                   direction=x.direction, alliance=x.alliance, conditions=x.conditions,
                   **_valid(x), **_prov(x))
            for x in d.channels
        ),
        "referrals": (
            _cells(**{"from": x.source_institution, "to": x.target_institution},
                   period=x.period, direction=x.direction, condition=x.condition,
                   count=x.count, **_prov(x))
            for x in d.referrals
        ),
    }  # fmt: skip


def manifest(dataset: Dataset) -> dict[str, Any]:
    out: dict[str, Any] = {"id": dataset.id}
    for key in ("name", "name_en", "description"):
        if getattr(dataset, key):
            out[key] = getattr(dataset, key)
    if dataset.sources:
        out["sources"] = [
            {k: v for k, v in (("seed", s.seed), ("file", s.file), ("title", s.title)) if v}
            for s in dataset.sources
        ]
    return out


def _rule_json(r: Rule) -> dict[str, Any]:
    m = r.match
    match = {
        k: v
        for k, v in (
            ("conditions", list(m.conditions)),
            ("severity", m.severity.value if m.severity else None),
            ("direction", m.direction.value if m.direction else None),
            ("out_of_region", m.out_of_region),
            ("flags", list(m.flags)),
            ("all_flags", list(m.all_flags)),
            ("phases", list(m.phases)),
        )
        if v is not None and v != []
    }
    out: dict[str, Any] = {"id": r.id, "kind": r.kind.value}
    if r.modality is not None:
        out["modality"] = r.modality.value
    out |= {"match": match, "designates": list(r.designates), "params": r.params}
    for key in ("text", "message_zh", "message_en"):
        if getattr(r, key):
            out[key] = getattr(r, key)
    return out | {"source": r.source, "assumption": r.assumption}


def policy_json(p: Policy) -> dict[str, Any]:
    """A policy as its `policies/<id>.json` file (loaders/policy.schema.json)."""
    out: dict[str, Any] = {"id": p.id, "region": p.region, "document": p.document,
                           "version": p.version}  # fmt: skip
    if p.valid_from:
        out["valid_from"] = p.valid_from.isoformat()
    if p.valid_to:
        out["valid_to"] = p.valid_to.isoformat()
    return out | {
        "status": p.status,
        "source": p.source,
        "assumption": p.assumption,
        "conditions": [
            {"id": c.id, "name": c.name} | ({"name_en": c.name_en} if c.name_en else {})
            for c in p.conditions
        ],
        "rules": [_rule_json(r) for r in p.rules],
    }


def boundaries_json(dataset: Dataset) -> dict[str, Any]:
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"id": b.id, "source": b.source, "assumption": b.assumption},
                "geometry": json.loads(b.geometry),
            }
            for b in dataset.boundaries
        ],
    }


def _write_json(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def _write_csv(path: Path, table: str, rows: Iterable[Cells], progress: Progress | None) -> int:
    header = [c.name for c in TABLES[table]]
    n = 0
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=header, lineterminator="\n")
        w.writeheader()
        for row in rows:
            w.writerow(row)
            n += 1
            if progress is not None and n % PROGRESS_EVERY == 0:
                progress(path.name, n)
    if progress is not None:
        progress(path.name, n)
    return n


def _target(directory: Path) -> Path:
    """The folder to write, refused when it already holds something (never overwritten)."""
    directory = Path(directory)
    if directory.exists() and (not directory.is_dir() or any(directory.iterdir())):
        raise InvalidInputError.one(
            "the export folder exists and is not empty; name a new or empty folder",
            file=str(directory),
            consequence="nothing was written",
        )
    return directory


def write_folder(
    dataset: Dataset, directory: Path, progress: Progress | None = None
) -> dict[str, int]:
    """Write `dataset` as a dataset folder at `directory` (new or empty); return the rows
    written per table. `progress(file, rows)` hears of each table every `PROGRESS_EVERY`."""
    directory = _target(directory)
    directory.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{directory.name}.", dir=directory.parent))
    try:
        written = _write_all(dataset, staging, progress)
        if directory.exists():
            directory.rmdir()  # empty, checked above
        os.replace(staging, directory)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return written


def _write_all(dataset: Dataset, folder: Path, progress: Progress | None) -> dict[str, int]:
    _write_json(folder / "dataset.json", manifest(dataset))
    written: dict[str, int] = {}
    for table, rows in table_rows(dataset).items():
        if table == "institutions" or _has_rows(dataset, table):
            written[table] = _write_csv(folder / f"{table}.csv", table, rows, progress)
    if dataset.policies:
        (folder / "policies").mkdir()
        for p in dataset.policies:
            _write_json(folder / "policies" / f"{p.id}.json", policy_json(p))
        written["policies"] = len(dataset.policies)
    if dataset.boundaries:
        _write_json(folder / "boundaries.geojson", boundaries_json(dataset))
        written["boundaries"] = len(dataset.boundaries)
    return written


_SOURCE = {"serves": "services", "roles": "institutions"}


def _has_rows(dataset: Dataset, table: str) -> bool:
    if table == "roles":
        return any(i.roles for i in dataset.institutions)
    return bool(getattr(dataset, _SOURCE.get(table, table)))


def canonical(dataset: Dataset) -> Iterator[tuple[str, list[Any]]]:
    """The dataset's content, order-free: each table's rows sorted, policies by id (their
    rules in order, which routing reads), boundaries by id, and the manifest."""
    yield "manifest", [json.dumps(manifest(dataset), ensure_ascii=False, sort_keys=True)]
    for table, rows in table_rows(dataset).items():
        header = [c.name for c in TABLES[table]]
        yield table, sorted("\x1f".join(r[h] for h in header) for r in rows)
    # Rules sorted too: every query reads a policy's rules ordered by id.
    yield "policies", sorted(
        json.dumps(policy_json(p) | {"rules": sorted((_rule_json(r) for r in p.rules),
                                                     key=lambda r: r["id"])},
                   ensure_ascii=False, sort_keys=True)
        for p in dataset.policies
    )  # fmt: skip
    features = boundaries_json(dataset)["features"]
    yield "boundaries", sorted(json.dumps(f, ensure_ascii=False, sort_keys=True) for f in features)


def digest(dataset: Dataset) -> str:
    """SHA-256 over the canonical content: equal for two datasets that say the same things,
    whatever order their files list them in."""
    h = hashlib.sha256()
    for name, lines in canonical(dataset):
        h.update(f"[{name}] {len(lines)}\n".encode())
        for line in lines:
            h.update(line.encode("utf-8"))
            h.update(b"\n")
    return h.hexdigest()
