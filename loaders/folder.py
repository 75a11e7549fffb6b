"""Loading a dataset folder into a validated `Dataset`, or every problem it has.

Nothing is returned unless the whole folder is clean: a load either yields every fact or
raises `InvalidInputError` listing each problem with file, line and column.
"""

from __future__ import annotations

import dataclasses
import gc
import json
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from collections.abc import Set as AbstractSet
from datetime import date
from functools import cache
from importlib import resources
from itertools import repeat
from operator import attrgetter
from pathlib import Path
from typing import Any, TypeVar, cast

from graphmodel.alliance import Alliance, Membership, Service
from graphmodel.counterpart import Pairing
from graphmodel.dataset import Dataset, SourceDocument, merge
from graphmodel.division import Division, Grid
from graphmodel.enums import (
    Direction,
    Modality,
    RoleCondition,
    RuleKind,
    Severity,
)
from graphmodel.errors import InvalidInputError, Problem
from graphmodel.institution import Institution, RoleGrant
from graphmodel.obligations import rule_errors
from graphmodel.policy import ConditionCategory, Policy, Rule, RuleMatch
from graphmodel.referral import Channel, ReferralFlow
from loaders import columns, division_codes, invariants, strictjson
from loaders.boundaries import FILE as BOUNDARIES_FILE
from loaders.boundaries import read_boundaries
from loaders.columns import Records, Rows, column_of
from loaders.files import MAX_JSON_BYTES, display, present, read_capped
from loaders.schema import ORDER, REQUIRED_TABLES, SLUG, TABLES, Column, ColumnError
from loaders.tables import Row, Sources, Table

Parsed = dict[str, Any]
T = TypeVar("T")


class _Collector:
    """Gathers problems so that one load reports all of them, not just the first."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        # A table that could not be read at all: checking references to it would only add
        # a problem for every row that names one of its ids.
        self.unreadable = False

    def add(self, file: str, line: int | None, column: str | None, message: str) -> None:
        self.problems.append(Problem(file, line, column, message))


Progress = Callable[[str, int], None]  # (file name, rows read so far)
PROGRESS_EVERY = 10_000


def _parse_rows(
    name: str, sources: Sources, out: _Collector, progress: Progress | None = None
) -> Rows:
    try:
        table = sources.table(name, columns=True)
    except InvalidInputError as exc:
        out.problems += exc.problems
        out.unreadable = True
        return []
    folder = sources.folder
    if table is None:
        if name in REQUIRED_TABLES:
            out.add(f"{folder.name}/{name}.csv", None, None, "required table is missing")
        return []
    if table.problems or not table.header_ok:
        out.problems += table.problems
        out.unreadable = True
        return []
    columns = {c.name: c for c in TABLES[name]}
    unknown = [h for h in table.header if h not in columns]
    for h in unknown:
        out.add(table.file, 1, h, f"unknown column; expected only: {', '.join(columns)}")
    for c in columns.values():
        if c.required and c.name not in table.header:
            out.add(table.file, 1, c.name, "required column is missing")
    if unknown or any(c.required and c.name not in table.header for c in columns.values()):
        return []
    cols = tuple(columns.values())
    if table.columns is not None:
        return _parse_columns(table, cols, out, progress)
    parsed = []
    for n, row in enumerate(table.rows, start=1):
        values = _parse_cells(row, cols, out)
        if values is not None:
            parsed.append((row, values))
        if progress is not None and n % PROGRESS_EVERY == 0:
            progress(table.file, n)
    if progress is not None and table.rows:
        progress(table.file, len(table.rows))
    return parsed


def _parse_columns(
    table: Table, cols: tuple[Column, ...], out: _Collector, progress: Progress | None
) -> Rows:
    """`_parse_cells` for every record, a column at a time (`loaders.columns`): the columns
    themselves (`Records`) if no cell has a problem, else the pairs of the good records.
    The columns are parsed whole, so `progress` hears of their rows once they are."""
    assert table.columns is not None
    lines, file = table.columns.lines, table.file
    values, problems = columns.parse(table.columns, table.header, cols)
    names = tuple(c.name for c in cols)
    if "source" in names:
        source, assumption = values[names.index("source")], values[names.index("assumption")]
        if None in source and None in assumption:  # (each count is C speed; most have one)
            problems += [
                (j, "source", "each fact needs a source or an assumption")
                for j, (s, a) in enumerate(zip(source, assumption, strict=True))
                if not s and not a
            ]
    records = Records(file, lines, names, values)
    if progress is not None and lines:
        for done in (*range(PROGRESS_EVERY, len(lines), PROGRESS_EVERY), len(lines)):
            progress(file, done)
    if not problems:
        return records
    # In the order a record-by-record parse finds them: by record, then by column, the
    # missing source last (it is checked once the record's cells are parsed).
    order = {n: k for k, n in enumerate(names)}
    last = len(names)
    bad = set()
    for j, name, message in sorted(
        problems, key=lambda p: (p[0], last if p[2].startswith("each fact") else order[p[1]])
    ):
        out.add(file, lines[j], name, message)
        bad.add(j)
    return records.at(j for j in range(len(lines)) if j not in bad)


def _parse_cells(row: Row, columns: Iterable[Column], out: _Collector) -> Parsed | None:
    values: Parsed = {}
    ok = True
    get = row.values.get
    for c in columns:
        name = c.name
        raw = get(name, "")
        if not raw:
            if c.required:
                out.add(row.file, row.line, name, "required value is empty")
                ok = False
            values[name] = None
            continue
        try:
            values[name] = c.parse(raw)
        except ColumnError as exc:
            out.add(row.file, row.line, name, str(exc))
            values[name] = None  # a refused assumption is no assumption (and no KeyError)
            ok = False
    if "source" in values and not values["source"] and not values["assumption"]:
        out.add(row.file, row.line, "source", "each fact needs a source or an assumption")
        ok = False
    return values if ok else None


def parse_row(table: str, values: dict[str, str], where: str = "request") -> Parsed:
    """Check one row of `table` as a loader would; raise `InvalidInputError` on any problem.

    The API's writes go through here so that they validate exactly as files do.
    """
    out = _Collector()
    columns = {c.name: c for c in TABLES[table]}
    for name in values:
        if name not in columns:
            out.add(where, None, name, f"unknown field; expected only: {', '.join(columns)}")
    row = Row(where, 0, values)
    parsed = _parse_cells(row, columns.values(), out)
    if parsed is not None and "valid_from" in columns:
        _validity(parsed, row, out)
    if out.problems or parsed is None:
        raise InvalidInputError(
            [Problem(p.file, None, p.column, p.message) for p in out.problems],
            consequence="nothing was written",
        )
    return parsed


def _provenance(v: Parsed) -> dict[str, Any]:
    return {"source": v.get("source") or "", "assumption": v.get("assumption") or ""}


def _validity(v: Parsed, row: Row, out: _Collector) -> dict[str, Any]:
    start, end = v.get("valid_from"), v.get("valid_to")
    if start and end and end < start:
        out.add(row.file, row.line, "valid_to", f"ends ({end}) before it starts ({start})")
    return {"valid_from": start, "valid_to": end}


class _Refs:
    """Ids defined so far, per node kind, with where each was defined."""

    def __init__(self, existing: dict[str, set[str]] | None = None) -> None:
        # kind -> id -> where it was defined: the row (formatted only for a duplicate), or
        # a policy file's name.
        self.defined: dict[str, dict[str, Any]] = defaultdict(dict)
        self.existing = existing or {}

    def define(self, kind: str, ident: str, row: Row, out: _Collector) -> bool:
        ids = self.defined[kind]
        first = ids.get(ident)
        if first is not None:
            where = (
                f"{first.file}:{first.line}" if isinstance(first, Row)
                else f"{first[0]}:{first[1]}" if isinstance(first, tuple) else first
            )  # a Row, (file, line) of a record read by column, or a policy file  # fmt: skip
            out.add(row.file, row.line, "id", f"duplicate {kind} id {ident!r} (first at {where})")
            return False
        ids[ident] = row
        return True

    def define_all(self, kind: str, records: Records) -> bool:
        """`define` for every record of a table read by column, if none is a duplicate
        (else False, and nothing is defined: the records are defined one by one)."""
        ids = records.column("id")
        defined = self.defined[kind]
        # (With none defined yet, the dict itself says whether an id came twice.)
        if defined and (len(set(ids)) != len(ids) or not defined.keys().isdisjoint(ids)):
            return False
        defined.update(zip(ids, records.where(), strict=True))
        if len(defined) != len(ids):
            defined.clear()
            return False
        return True

    def known(self, kind: str, ident: str) -> bool:
        return ident in self.defined[kind] or ident in self.existing.get(kind, set())

    def check(self, table: str, row: Row, values: Parsed, out: _Collector) -> bool:
        return self.checker(table, out)(row, values)

    def all_known(self, table: str, rows: Rows) -> bool:
        """Whether every id the `rows` of `table` name is known: then no row needs a look
        (looked up at C speed; a national table has millions of rows)."""
        for name, kind in _ref_columns(table):
            named = filter(None, column_of(rows, name))
            defined, existing = self.defined[kind], self.existing.get(kind)
            if existing:
                if set(named) - defined.keys() - existing:
                    return False
            elif not all(map(defined.__contains__, named)):
                return False
        return True

    def checker(
        self, table: str, out: _Collector, rows: Rows | None = None
    ) -> Callable[[Row, Parsed], bool]:
        """`check` for the rows of one table, its reference columns looked up once: a
        national table has millions of rows. Given the `rows` (whose references point at
        ids defined before them), and every id they name is known, no row needs a look."""
        if rows is not None and self.all_known(table, rows):
            return _every_row_ok
        columns: list[tuple[str, str, dict[str, Any], AbstractSet[str]]] = [
            (name, kind, self.defined[kind], self.existing.get(kind, frozenset()))
            for name, kind in _ref_columns(table)
        ]

        def check(row: Row, values: Parsed) -> bool:
            ok = True
            for name, kind, defined, existing in columns:
                ident = values.get(name)
                if ident and ident not in defined and ident not in existing:
                    out.add(row.file, row.line, name, f"unknown {kind} {ident!r}")
                    ok = False
            return ok

        return check


def _every_row_ok(row: Row, values: Parsed) -> bool:
    return True


@cache
def _ref_columns(table: str) -> tuple[tuple[str, str], ...]:
    """(column, node kind) of each column of `table` that refers to an id."""
    return tuple((c.name, c.ref) for c in TABLES[table] if c.ref)


def load_dataset(
    folder: Path,
    *,
    existing: dict[str, set[str]] | None = None,
    progress: Progress | None = None,
) -> Dataset:
    """Read and validate a dataset folder; raise `InvalidInputError` listing every problem.

    `existing` holds ids already in the target database, which references may also use.
    `progress(file, rows)` is called every ~10,000 rows of each table and at its end.

    A national folder makes millions of small objects that all live on: the cyclic
    collector, which would walk them again and again (29 % of the load at a million
    institutions), is paused meanwhile, and what a successful load made is frozen out of
    later collections, as the embedded store's build does.
    """
    enabled = gc.isenabled()
    gc.disable()
    ok = False
    try:
        dataset = _load_dataset(Path(folder), existing, progress)
        ok = True
        return dataset
    finally:
        if enabled:
            gc.enable()
        if ok:
            gc.freeze()


def _load_dataset(
    folder: Path, existing: dict[str, set[str]] | None, progress: Progress | None
) -> Dataset:
    out = _Collector()
    if not folder.is_dir():
        raise InvalidInputError.one(
            "dataset folder does not exist", file=str(folder), consequence="nothing was written"
        )
    manifest = _read_manifest(folder, out)
    refs = _Refs(existing)
    sources = Sources(folder)
    rows = {name: _parse_rows(name, sources, out, progress) for name in ORDER}
    if out.unreadable:
        raise InvalidInputError(out.problems)
    division_codes.resolve(rows, out.add)
    built = _build(rows, refs, out)
    policies = _read_policies(folder, refs, out)
    boundaries = read_boundaries(
        folder,
        set(refs.defined["grid"]),
        set(refs.defined["division"]),
        lambda where, message: out.add(f"{folder.name}/{BOUNDARIES_FILE}", None, where, message),
    )
    out.problems += invariants.check(rows, policies)
    if out.problems:
        raise InvalidInputError(out.problems)
    return Dataset(
        id=manifest.get("id", folder.name),
        name=manifest.get("name", ""),
        name_en=manifest.get("name_en", ""),
        description=manifest.get("description", ""),
        sources=tuple(
            SourceDocument(seed=s.get("seed", ""), file=s.get("file", ""), title=s.get("title", ""))
            for s in manifest.get("sources", [])
        ),
        policies=tuple(policies),
        boundaries=tuple(boundaries),
        **built,
    )


def load_datasets(folders: list[Path], progress: Progress | None = None) -> Dataset:
    """Load several folders as one dataset; ids must be unique across all of them."""
    datasets = [load_dataset(f, progress=progress) for f in folders]
    _check_unique_across(datasets)
    return merge(datasets)


def _check_unique_across(datasets: list[Dataset]) -> None:
    seen: dict[tuple[str, str], str] = {}
    problems = []
    for d in datasets:
        for kind, items in (
            ("division", d.divisions),
            ("grid", d.grids),
            ("institution", d.institutions),
            ("alliance", d.alliances),
            ("policy", d.policies),
        ):
            for item in items:
                key = (kind, item.id)
                if key in seen:
                    problems.append(
                        Problem(d.id, None, "id", f"{kind} id {item.id!r} also in {seen[key]}")
                    )
                seen[key] = d.id
    if problems:
        raise InvalidInputError(problems)


MANIFEST_TEXT = ("name", "name_en", "description")
SOURCE_TEXT = ("seed", "file", "title")


def _read_json(folder: Path, path: Path, out: _Collector) -> Any:
    """A JSON file of the folder, read safely and strictly; None (with problems) if not."""
    try:
        return strictjson.loads(
            read_capped(folder, path, display(folder, path), MAX_JSON_BYTES), display(folder, path)
        )
    except InvalidInputError as exc:
        out.problems += exc.problems
        return None


def _read_manifest(folder: Path, out: _Collector) -> dict[str, Any]:
    path = folder / "dataset.json"
    shown = display(folder, path)
    if not present(path):
        out.add(shown, None, None, "required manifest is missing")
        return {}
    data = _read_json(folder, path, out)
    if data is None:
        return {}
    if not isinstance(data, dict) or not isinstance(data.get("id"), str):
        out.add(shown, None, "id", "expected an object with a string 'id'")
        return {}
    return data if _manifest_ok(data, shown, out) else {}


def _manifest_ok(data: dict[str, Any], shown: str, out: _Collector) -> bool:
    """Each manifest field has the type the format gives it."""
    before = len(out.problems)
    if not SLUG.match(data["id"]):
        out.add(shown, None, "$.id", f"expected an id of [a-z0-9-], got {data['id'][:40]!r}")
    for key in MANIFEST_TEXT:
        if key in data and not isinstance(data[key], str):
            out.add(shown, None, f"$.{key}", f"expected a string, got {type(data[key]).__name__}")
    sources = data.get("sources", [])
    if not isinstance(sources, list):
        out.add(shown, None, "$.sources", "expected a list of {seed, file, title}")
        sources = []
    for i, s in enumerate(sources):
        if not isinstance(s, dict):
            out.add(shown, None, f"$.sources[{i}]", "expected an object {seed, file, title}")
            continue
        for key in SOURCE_TEXT:
            if key in s and not isinstance(s[key], str):
                out.add(shown, None, f"$.sources[{i}].{key}", "expected a string")
    return len(out.problems) == before


def _build(rows: dict[str, Rows], refs: _Refs, out: _Collector) -> dict[str, Any]:
    """The domain objects of the parsed rows. The parsed values are already what the
    dataclasses hold (enum cells are members), so each row goes straight into its class."""
    divisions = []
    for row, v in rows["divisions"]:
        if refs.define("division", v["id"], row, out):
            divisions.append((row, v))
    check = refs.checker("divisions", out, divisions)
    built_divisions = [
        Division(
            id=v["id"], name=v["name"], level=v["level"], parent=v["parent"],
            gb_code=v["gb_code"], stat_code=v.get("stat_code"), **_validity(v, row, out),
            source=v["source"] or "", assumption=v["assumption"] or "",
        )
        for row, v in divisions
        if check(row, v)
    ]  # fmt: skip
    check = refs.checker("grids", out, rows["grids"])
    grids = [
        Grid(id=v["id"], name=v["name"], division=v["division"], source=v["source"] or "",
             assumption=v["assumption"] or "")
        for row, v in rows["grids"]
        if refs.define("grid", v["id"], row, out) and check(row, v)
    ]  # fmt: skip
    institutions_raw = rows["institutions"]
    if not (
        isinstance(institutions_raw, Records) and refs.define_all("institution", institutions_raw)
    ):
        institutions_raw = [
            (row, v) for row, v in institutions_raw if refs.define("institution", v["id"], row, out)
        ]
    roles = _grants(rows["roles"], refs, out)
    # The invariants read no role: a national folder's million parsed roles go now, before
    # the institutions are built (the load's peak memory).
    rows["roles"] = []
    institutions = _institutions(institutions_raw, roles, refs, out)
    check = refs.checker("alliances", out, rows["alliances"])
    alliances = [
        Alliance(
            id=v["id"], name=v["name"], kind=v["kind"], integration=v["integration"],
            division=v["division"], specialty=v["specialty"] or "",
            **_validity(v, row, out), source=v["source"] or "", assumption=v["assumption"] or "",
        )
        for row, v in rows["alliances"]
        if refs.define("alliance", v["id"], row, out) and check(row, v)
    ]  # fmt: skip
    memberships = _memberships(rows["memberships"], refs, out)
    check = refs.checker("serves", out, rows["serves"])
    services = [
        Service(alliance=v["alliance"], grid=v["grid"], **_validity(v, row, out),
                source=v["source"] or "", assumption=v["assumption"] or "")
        for row, v in rows["serves"]
        if check(row, v)
    ]  # fmt: skip
    check = refs.checker("pairings", out, rows["pairings"])
    pairings = [
        Pairing(
            alliance=v["alliance"], upper=v["upper"], lower=v["lower"],
            upper_department=v["upper_department"] or "", specialty=v["specialty"] or "",
            specialty_code=v["specialty_code"] or "",
            responsible_upper=v["responsible_upper"] or "",
            responsible_lower=v["responsible_lower"] or "",
            **_validity(v, row, out), source=v["source"] or "", assumption=v["assumption"] or "",
        )
        for row, v in rows["pairings"]
        if check(row, v) and _distinct(row, v, "upper", "lower", out)
    ]  # fmt: skip
    check = refs.checker("channels", out, rows["channels"])
    channels = [
        Channel(
            source_institution=v["from"], target_institution=v["to"], direction=v["direction"],
            alliance=v["alliance"], conditions=v["conditions"] or (),
            **_validity(v, row, out), source=v["source"] or "", assumption=v["assumption"] or "",
        )
        for row, v in rows["channels"]
        if check(row, v) and _distinct(row, v, "from", "to", out)
    ]  # fmt: skip
    check = refs.checker("referrals", out, rows["referrals"])
    referrals = [
        ReferralFlow(
            source_institution=v["from"], target_institution=v["to"], period=v["period"],
            direction=v["direction"], count=v["count"], condition=v["condition"] or "",
            source=v["source"] or "", assumption=v["assumption"] or "",
        )
        for row, v in rows["referrals"]
        if check(row, v) and _distinct(row, v, "from", "to", out)
    ]  # fmt: skip
    for kind, items in (
        ("membership", memberships),
        ("pairing", pairings),
        ("channel", channels),
        ("referral", referrals),
        ("service", services),
    ):
        _check_duplicate_keys(kind, items, out)
    return {
        "divisions": tuple(built_divisions),
        "grids": tuple(grids),
        "institutions": tuple(institutions),
        "alliances": tuple(alliances),
        "memberships": tuple(memberships),
        "services": tuple(services),
        "pairings": tuple(pairings),
        "channels": tuple(channels),
        "referrals": tuple(referrals),
    }


# Each table of millions of records (institutions, roles, memberships) is built in two
# steps: its records are checked (references, dates, conditions), then what passes goes
# into the dataclasses, a column at a time (`_made`). A table read by column (`Records`)
# is checked a column at a time, and when nothing is wrong with any record, its columns go
# into the dataclasses as they are; otherwise, or read record by record, each record is
# checked in turn (each problem then named where it is, in the order of the rows), and the
# records that pass are built.
INSTITUTION_FIELDS = (
    "id", "name", "names_alt", "level", "grade", "level_text", "type", "ownership", "division",
    "specialties", "review_passed_on", "uscc", "note", "source", "assumption",
)  # fmt: skip
GRANT_FIELDS = ("role", "condition", "condition_value", "source", "assumption")
MEMBERSHIP_FIELDS = (
    "institution", "alliance", "role", "valid_from", "valid_to", "source", "assumption",
)  # fmt: skip
# What an empty cell of these tables becomes in their dataclasses (None if not named).
EMPTY = {
    "names_alt": (), "level_text": "", "specialties": (), "note": "", "source": "",
    "assumption": "", "condition": RoleCondition.ALWAYS, "condition_value": "",
}  # fmt: skip


def _grants(rows: Rows, refs: _Refs, out: _Collector) -> dict[str, tuple[RoleGrant, ...]]:
    """Each institution's role grants, in the order of their records, from the roles that
    pass their checks."""
    if not (isinstance(rows, Records) and refs.all_known("roles", rows)
            and _conditions_given(rows)):  # fmt: skip
        rows = _checked_roles(rows, refs, out)
    # A grant is a value, and a national folder's million are mostly alike: one of each.
    values = list(zip(*_filled(rows, GRANT_FIELDS), strict=True))
    distinct = list(set(values))
    columns = list(zip(*distinct, strict=True)) or [()] * len(GRANT_FIELDS)
    one = dict(zip(distinct, _made(RoleGrant, GRANT_FIELDS, columns), strict=True))
    made = list(map(one.__getitem__, values))
    institutions = column_of(rows, "institution")
    grants = dict(zip(institutions, zip(made), strict=True))  # one grant each, at C speed
    if len(grants) < len(made):  # some have several
        several: dict[str, list[RoleGrant]] = {
            i: [] for i, n in Counter(institutions).items() if n > 1
        }
        for institution, grant in zip(institutions, made, strict=True):
            if institution in several:
                several[institution].append(grant)
        grants.update((institution, tuple(each)) for institution, each in several.items())
    return grants


def _conditions_given(records: Records) -> bool:
    """Whether each role granted under a condition names the condition's value."""
    values = records.column("condition_value")
    return all(
        value
        for condition, value in zip(records.column("condition"), values, strict=True)
        if condition and condition is not RoleCondition.ALWAYS
    )


def _checked_roles(rows: Rows, refs: _Refs, out: _Collector) -> list[tuple[Row, Parsed]]:
    check = refs.checker("roles", out, rows)
    always = RoleCondition.ALWAYS
    kept = []
    for row, v in rows:
        if not check(row, v):
            continue
        condition = v["condition"] or always
        if condition is not always and not v["condition_value"]:
            out.add(row.file, row.line, "condition_value", f"condition {condition} needs a value")
            continue
        kept.append((row, v))
    return kept


def _institutions(
    rows: Rows, roles: dict[str, tuple[RoleGrant, ...]], refs: _Refs, out: _Collector
) -> list[Institution]:
    """The institutions whose records pass their checks, each with its role grants."""
    if not (isinstance(rows, Records) and refs.all_known("institutions", rows)
            and _usccs_valid(rows)):  # fmt: skip
        check = refs.checker("institutions", out, rows)
        rows = [
            (row, v)
            for row, v in rows
            if check(row, v) and not (v["uscc"] and not _check_uscc(row, v, out))
        ]
    granted = map(roles.get, column_of(rows, "id"), repeat(()))
    return _made(Institution, (*INSTITUTION_FIELDS, "roles"),
                 [*_filled(rows, INSTITUTION_FIELDS), granted])  # fmt: skip


def _usccs_valid(records: Records) -> bool:
    """Whether every 统一社会信用代码 given is valid; if so, each is put in its checked form,
    as `_check_uscc` puts it."""
    given = records.column("uscc")
    if given.count(None) == len(given):
        return True
    from stdnum.cn import uscc
    from stdnum.exceptions import ValidationError

    try:
        checked = [uscc.validate(code) if code else code for code in given]
    except ValidationError:
        return False
    given[:] = checked
    return True


def _memberships(rows: Rows, refs: _Refs, out: _Collector) -> list[Membership]:
    """The memberships whose records name known ids (one ending before it starts is kept
    beside its problem, so that a duplicate of it is named too)."""
    if not (isinstance(rows, Records) and refs.all_known("memberships", rows)
            and _dates_in_order(rows)):  # fmt: skip
        check = refs.checker("memberships", out, rows)
        kept = []
        for row, v in rows:
            if check(row, v):
                _validity(v, row, out)  # a problem of its own: the record is still built
                kept.append((row, v))
        rows = kept
    return _made(Membership, MEMBERSHIP_FIELDS, _filled(rows, MEMBERSHIP_FIELDS))


def _dates_in_order(records: Records) -> bool:
    """Whether no record ends before it starts."""
    ends = records.column("valid_to")
    if ends.count(None) == len(ends):
        return True
    starts = records.column("valid_from")
    return not any(end < start for start, end in zip(starts, ends, strict=True) if start and end)


def _filled(rows: Rows, names: tuple[str, ...]) -> list[Iterable[Any]]:
    """Columns `names` of the records, each empty value (None) as `EMPTY` has it."""
    filled: list[Iterable[Any]] = []
    for name in names:
        column = column_of(rows, name)
        empties = column.count(None) if name in EMPTY else 0
        if empties == len(column) and column:
            filled.append(repeat(EMPTY[name], empties))
        elif empties:
            default = EMPTY[name]
            filled.append([default if v is None else v for v in column])
        else:
            filled.append(column)
    return filled


def _made(cls: type[T], names: tuple[str, ...], columns: Sequence[Iterable[Any]]) -> list[T]:
    """An instance of the frozen dataclass `cls` per record, field `names[k]` from
    `columns[k]` (every field given)."""
    make: Callable[..., T] = _maker(cast(type, cls), names)
    return list(map(make, *columns))


@cache
def _maker(cls: type, names: tuple[str, ...]) -> Callable[..., Any]:
    """A function making a `cls` from its field values given in `names` order, as the
    class's own `__init__` makes it (each field set with `object.__setattr__`, in the
    order of its fields) but called positionally: a keyword `__init__` called from Python
    per record costs twice as much, and a folder makes millions of them. Like the
    `__init__` that `dataclasses` writes, it is written as source and compiled once."""
    fields = [f.name for f in dataclasses.fields(cls)]
    assert sorted(fields) == sorted(names) and not hasattr(cls, "__post_init__"), cls
    source = "".join(
        [f"def make({', '.join(names)}):\n", "    self = new(cls)\n"]
        + [f"    put(self, {name!r}, {name})\n" for name in fields]
        + ["    return self\n"]
    )
    scope: dict[str, Any] = {"new": object.__new__, "put": object.__setattr__, "cls": cls}
    exec(source, scope)  # (the names are the dataclass's own fields)
    return scope["make"]  # type: ignore[no-any-return]


def _distinct(row: Row, v: Parsed, a: str, b: str, out: _Collector) -> bool:
    if v[a] == v[b]:
        out.add(row.file, row.line, b, f"{b} must differ from {a} ({v[a]!r})")
        return False
    return True


# What `Membership.key` formats (ids hold no '|'): equal parts, equal keys. A million
# memberships are checked as tuples at C speed, their keys formatted only if two are alike.
_KEY_PARTS = {"membership": attrgetter("institution", "alliance", "role", "valid_from")}


def _check_duplicate_keys(kind: str, items: list[Any], out: _Collector) -> None:
    parts = _KEY_PARTS.get(kind)
    if parts is not None and len(set(map(parts, items))) == len(items):
        return
    seen: set[str] = set()
    for item in items:
        key = item.key  # a property that formats a string: once per item
        if key in seen:
            out.add(kind + "s", None, None, f"duplicate {kind} {key!r}")
        seen.add(key)


def _check_uscc(row: Row, v: Parsed, out: _Collector) -> bool:
    if not v["uscc"]:
        return True
    from stdnum.cn import uscc
    from stdnum.exceptions import ValidationError

    try:
        v["uscc"] = uscc.validate(v["uscc"])
    except ValidationError as exc:
        out.add(row.file, row.line, "uscc", f"not a valid 统一社会信用代码: {exc}")
        return False
    return True


@cache
def _policy_validator() -> Any:
    from jsonschema import Draft202012Validator

    schema = json.loads(resources.files("loaders").joinpath("policy.schema.json").read_text())
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def _read_policies(folder: Path, refs: _Refs, out: _Collector) -> list[Policy]:
    policies = []
    where = folder / "policies"
    if not present(where):
        return []
    # The folder itself may be a link out of the dataset, or a file.
    if not where.resolve().is_relative_to(folder.resolve()) or not where.is_dir():
        out.add(
            display(folder, where), None, None, "expected a folder of policies inside the dataset"
        )
        return []
    for path in sorted(where.glob("*.json")):
        shown = display(folder, path)
        data = _read_json(folder, path, out)
        if data is None:
            continue
        errors = sorted(_policy_validator().iter_errors(data), key=lambda e: list(e.path))
        for e in errors:
            at = "$" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in e.path)
            out.add(shown, None, at, _schema_message(e))
        if errors:
            continue
        policy = _build_policy(data, shown, refs, out)
        if policy is not None:
            policies.append(policy)
    return policies


def _schema_message(error: Any) -> str:
    """jsonschema's message, with the offending value cut short (it may be huge)."""
    message = str(error.message)
    return message if len(message) <= 300 else message[:300] + "…"


def _build_policy(
    data: dict[str, Any], display: str, refs: _Refs, out: _Collector
) -> Policy | None:
    ok = True
    if not refs.known("division", data["region"]):
        out.add(display, None, "$.region", f"unknown division {data['region']!r}")
        ok = False
    if data["id"] in refs.defined["policy"]:
        out.add(display, None, "$.id", f"duplicate policy id {data['id']!r}")
        ok = False
    refs.defined["policy"][data["id"]] = display
    categories = tuple(
        ConditionCategory(id=c["id"], name=c["name"], name_en=c.get("name_en", ""))
        for c in data.get("conditions", [])
    )
    known_conditions = {c.id for c in categories}
    rules = []
    for i, r in enumerate(data["rules"]):
        where = f"$.rules[{i}]"
        if r["id"] in refs.defined["rule"]:
            out.add(display, None, f"{where}.id", f"duplicate rule id {r['id']!r}")
            ok = False
        refs.defined["rule"][r["id"]] = display
        for j, target in enumerate(r.get("designates", [])):
            if not refs.known("institution", target):
                out.add(
                    display, None, f"{where}.designates[{j}]", f"unknown institution {target!r}"
                )
                ok = False
        if r["kind"] == RuleKind.OBLIGATION.value:
            problems = rule_errors(
                r.get("params", {}), r.get("message_zh", ""), r.get("message_en", "")
            )
            for path, message in problems:
                out.add(display, None, f"{where}{path}", message)
                ok = False
        match = r.get("match", {})
        for j, cond in enumerate(match.get("conditions", [])):
            if cond not in known_conditions:
                out.add(
                    display,
                    None,
                    f"{where}.match.conditions[{j}]",
                    f"condition {cond!r} is not among the policy's conditions",
                )
                ok = False
        rules.append(
            Rule(
                id=r["id"],
                kind=RuleKind(r["kind"]),
                match=RuleMatch(
                    conditions=tuple(match.get("conditions", ())),
                    severity=Severity(match["severity"]) if "severity" in match else None,
                    direction=Direction(match["direction"]) if "direction" in match else None,
                    out_of_region=match.get("out_of_region"),
                    flags=tuple(match.get("flags", ())),
                    all_flags=tuple(match.get("all_flags", ())),
                    phases=tuple(match.get("phases", ())),
                ),
                designates=tuple(r.get("designates", ())),
                params=r.get("params", {}),
                text=r.get("text", ""),
                modality=Modality(r["modality"]) if "modality" in r else None,
                message_zh=r.get("message_zh", ""),
                message_en=r.get("message_en", ""),
                source=r.get("source", ""),
                assumption=r.get("assumption", ""),
            )
        )
    if not ok:
        return None
    return Policy(
        id=data["id"],
        region=data["region"],
        document=data["document"],
        version=data["version"],
        valid_from=date.fromisoformat(data["valid_from"]) if data.get("valid_from") else None,
        valid_to=date.fromisoformat(data["valid_to"]) if data.get("valid_to") else None,
        status=data.get("status", "in_force"),
        conditions=categories,
        rules=tuple(rules),
        source=data.get("source", ""),
        assumption=data.get("assumption", ""),
    )
