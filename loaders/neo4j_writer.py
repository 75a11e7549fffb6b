"""Writing a validated dataset to Neo4j: a load *replaces* the dataset's facts, atomically.

Every statement MERGEs on an id (nodes) or a natural key (relationships) and then SETs the
whole property map, so loading the same dataset twice leaves the graph exactly as it was.
Rows go in batches of `BATCH` per statement, never one statement per row.

Each load stamps what it writes with the dataset's id and a fresh load id (`gen`); when every
row is written, it deletes whatever of that dataset carries another load id (a division's
old parent, a membership the files no longer hold), so the database holds exactly the
dataset's facts. A small load does all of it in one transaction. A large one commits batch by
batch under a `LoadState` marker that says `in_progress` until the clean-up has run: readers
check the marker (`stores/neo4j.py`) and refuse to answer from a half-written graph, and
re-running the load completes it (a new load id, the same rows, the clean-up at the end).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from functools import partial
from typing import Any, LiteralString, TypeVar

from graphmodel.dataset import Dataset
from graphmodel.names import places_by_division
from stores import props

BATCH = 5000
# Above this many rows a load commits batch by batch: one transaction holding a national
# dataset exceeds Neo4j's transaction memory (100k institutions broke a 1 GB heap's limit
# in bench/). Every statement MERGEs, so re-running an interrupted load completes it.
ONE_TRANSACTION_MAX = 20_000

SCHEMA: tuple[LiteralString, ...] = (
    "CREATE CONSTRAINT division_id IF NOT EXISTS FOR (n:Division) REQUIRE n.id IS UNIQUE",
    "CREATE CONSTRAINT grid_id IF NOT EXISTS FOR (n:Grid) REQUIRE n.id IS UNIQUE",
    "CREATE CONSTRAINT institution_id IF NOT EXISTS FOR (n:Institution) REQUIRE n.id IS UNIQUE",
    "CREATE CONSTRAINT alliance_id IF NOT EXISTS FOR (n:Alliance) REQUIRE n.id IS UNIQUE",
    "CREATE CONSTRAINT policy_id IF NOT EXISTS FOR (n:Policy) REQUIRE n.id IS UNIQUE",
    "CREATE CONSTRAINT rule_id IF NOT EXISTS FOR (n:Rule) REQUIRE n.id IS UNIQUE",
    "CREATE INDEX institution_name_key IF NOT EXISTS FOR (n:Institution) ON (n.name_key)",
    "CREATE TEXT INDEX institution_alt_keys IF NOT EXISTS FOR (n:Institution) ON (n.alt_keys)",
    "CREATE INDEX institution_division IF NOT EXISTS FOR (n:Institution) ON (n.division)",
    "CREATE INDEX institution_level IF NOT EXISTS FOR (n:Institution) ON (n.level)",
    "CREATE INDEX division_parent IF NOT EXISTS FOR (n:Division) ON (n.parent)",
    "CREATE INDEX alliance_kind IF NOT EXISTS FOR (n:Alliance) ON (n.kind)",
    # Substring search (CONTAINS) needs a TEXT index; the RANGE one serves equality.
    "CREATE TEXT INDEX institution_name_text IF NOT EXISTS FOR (n:Institution) ON (n.name_key)",
    # Names with their place (鄂州市中医医院) and the closest-name prefilter (CONTAINS).
    "CREATE TEXT INDEX institution_search_keys IF NOT EXISTS FOR (n:Institution) "
    "ON (n.search_keys)",
    # No index on relationship keys: once statistics change, the planner would MERGE by
    # scanning such an index per row (quadratic, seen in bench/); MERGE between two bound
    # nodes expands from the smaller side instead. Databases made before are cleaned up.
    "DROP INDEX member_of_key IF EXISTS",
    "DROP INDEX paired_with_key IF EXISTS",
    "CREATE INDEX referred_period IF NOT EXISTS FOR ()-[r:REFERRED]-() ON (r.period)",
)

WRITE_DIVISIONS: LiteralString = """
UNWIND $rows AS row
MERGE (n:Division {id: row.id}) SET n = row
"""
WRITE_PART_OF: LiteralString = """
UNWIND $rows AS row
MATCH (n:Division {id: row.id})
OPTIONAL MATCH (n)-[old:PART_OF]->(other) WHERE other.id <> row.parent
DELETE old
WITH n, row WHERE row.parent IS NOT NULL
MATCH (p:Division {id: row.parent})
MERGE (n)-[r:PART_OF]->(p) SET r.dataset = row.dataset, r.gen = row.gen
"""
WRITE_GRIDS: LiteralString = """
UNWIND $rows AS row
MERGE (n:Grid {id: row.id}) SET n = row
WITH n, row
OPTIONAL MATCH (n)-[old:WITHIN]->(other) WHERE other.id <> row.division
DELETE old
WITH n, row
MATCH (d:Division {id: row.division})
MERGE (n)-[r:WITHIN]->(d) SET r.dataset = row.dataset, r.gen = row.gen
"""
WRITE_INSTITUTIONS: LiteralString = """
UNWIND $rows AS row
MERGE (n:Institution {id: row.id}) SET n = row
WITH n, row
OPTIONAL MATCH (n)-[old:LOCATED_IN]->(other) WHERE other.id <> coalesce(row.division, '')
DELETE old
WITH n, row WHERE row.division IS NOT NULL
MATCH (d:Division {id: row.division})
MERGE (n)-[r:LOCATED_IN]->(d) SET r.dataset = row.dataset, r.gen = row.gen
"""
WRITE_ALLIANCES: LiteralString = """
UNWIND $rows AS row
MERGE (n:Alliance {id: row.id}) SET n = row
"""
WRITE_MEMBERSHIPS: LiteralString = """
UNWIND $rows AS row
MATCH (i:Institution {id: row.institution})
MATCH (a:Alliance {id: row.alliance})
MERGE (i)-[r:MEMBER_OF {key: row.key}]->(a) SET r = row
"""
WRITE_SERVICES: LiteralString = """
UNWIND $rows AS row
MATCH (a:Alliance {id: row.alliance})
MATCH (g:Grid {id: row.grid})
MERGE (a)-[r:SERVES {key: row.key}]->(g) SET r = row
"""
WRITE_PAIRINGS: LiteralString = """
UNWIND $rows AS row
MATCH (u:Institution {id: row.upper})
MATCH (l:Institution {id: row.lower})
MERGE (u)-[r:PAIRED_WITH {key: row.key}]->(l) SET r = row
"""
WRITE_CHANNELS: LiteralString = """
UNWIND $rows AS row
MATCH (a:Institution {id: row.from})
MATCH (b:Institution {id: row.to})
MERGE (a)-[r:CHANNEL {key: row.key}]->(b) SET r = row
"""
WRITE_REFERRALS: LiteralString = """
UNWIND $rows AS row
MATCH (a:Institution {id: row.from})
MATCH (b:Institution {id: row.to})
MERGE (a)-[r:REFERRED {key: row.key}]->(b) SET r = row
"""
WRITE_POLICIES: LiteralString = """
UNWIND $rows AS row
MERGE (p:Policy {id: row.id}) SET p = row
WITH p, row
OPTIONAL MATCH (p)-[old:APPLIES_TO]->(other) WHERE other.id <> row.region
DELETE old
WITH p, row
MATCH (d:Division {id: row.region})
MERGE (p)-[r:APPLIES_TO]->(d) SET r.dataset = row.dataset, r.gen = row.gen
"""
WRITE_RULES: LiteralString = """
UNWIND $rows AS row
MATCH (p:Policy {id: row.policy})
MERGE (r:Rule {id: row.id}) SET r = row
MERGE (p)-[h:HAS_RULE]->(r) SET h.dataset = row.dataset, h.gen = row.gen
WITH r, row
OPTIONAL MATCH (r)-[old:DESIGNATES]->(other) WHERE NOT other.id IN row.designates
DELETE old
WITH DISTINCT r, row
UNWIND row.designates AS target
MATCH (i:Institution {id: target})
MERGE (r)-[d:DESIGNATES]->(i) SET d.dataset = row.dataset, d.gen = row.gen
"""

WRITE_BOUNDARIES: LiteralString = """
UNWIND $rows AS row
CALL (row) {
  MATCH (n:Grid {id: row.id}) WHERE row.kind = 'grid' RETURN n
  UNION
  MATCH (n:Division {id: row.id}) WHERE row.kind = 'division' RETURN n
}
SET n.boundary = row.geometry, n.boundary_source = row.source,
    n.boundary_assumption = row.assumption
"""

# The load marker's label: bookkeeping of the writer, not a domain label (`Label`).
LOAD_STATE: LiteralString = "LoadState"
BEGIN_LOAD: LiteralString = """
MERGE (m:LoadState {dataset: $dataset})
SET m.gen = $gen, m.status = 'in_progress', m.started = datetime(), m.rows = $rows,
    m.manifest = $manifest
"""
END_LOAD: LiteralString = """
MATCH (m:LoadState {dataset: $dataset, gen: $gen})
SET m.status = 'complete', m.finished = datetime()
"""
INCOMPLETE_LOADS: LiteralString = """
MATCH (m:LoadState) WHERE m.status <> 'complete'
RETURN m.dataset AS dataset, toString(m.started) AS started ORDER BY dataset LIMIT 10
"""

# What a load of the same dataset no longer says: its nodes and relationships of another
# load. One statement per label and type (labels never come from data).
_STALE_NODES = [
    f"MATCH (n:{label}) WHERE n.dataset = $dataset AND coalesce(n.gen, '') <> $gen"
    for label in ("Rule", "Policy", "Alliance", "Institution", "Grid", "Division")
]
_STALE_RELS = [
    f"MATCH ()-[r:{rel}]->() WHERE r.dataset = $dataset AND coalesce(r.gen, '') <> $gen"
    for rel in ("PART_OF", "WITHIN", "LOCATED_IN", "MEMBER_OF", "SERVES", "PAIRED_WITH",
                "CHANNEL", "REFERRED", "APPLIES_TO", "HAS_RULE", "DESIGNATES")
]  # fmt: skip
# In one transaction (small loads) and in the server's own batches (large ones).
STALE_IN_TX: tuple[LiteralString, ...] = tuple(
    [q + " DELETE r" for q in _STALE_RELS] + [q + " DETACH DELETE n" for q in _STALE_NODES]
)
STALE_BATCHED: tuple[LiteralString, ...] = tuple(
    [q + " CALL (r) { DELETE r } IN TRANSACTIONS OF 10000 ROWS" for q in _STALE_RELS]
    + [q + " CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS" for q in _STALE_NODES]
)

# ---- the route's region pool, kept beside the facts it is derived from -------------------
#
# A level-named referral may reach the secondary-and-above institutions of the origin's
# region and those members of every alliance that has a member there. Found from the facts,
# that is every institution of the region and every membership of theirs (4,306 and 4,386
# for a city at 1M institutions, ~55k db hits), the same for every origin of the region.
# Three derived relationships answer it from the region's own node in a few hundred hits:
#   (a:Alliance)-[:POOL_HOST]->(x:Division)    a has a member located in x or at most six
#                                              `PART_OF` hops below it (one per distinct
#                                              membership period, not per member)
#   (i:Institution)-[:POOL_SENIOR]->(a)        a secondary-or-above member's membership
#   (i:Institution)-[:POOL_LOCAL]->(x)         a secondary-or-above institution located in
#                                              x or at most six hops below it
# They are not facts of any dataset (no `dataset`, no `gen`): every write that can change
# them recomputes them for what it touches, in the same transaction (`refresh_pool`,
# `refresh_pool_for_institutions`), and every load recomputes them all once its facts are
# written, since a load may also move divisions.
POOL_RELS: tuple[LiteralString, ...] = ("POOL_HOST", "POOL_SENIOR", "POOL_LOCAL")

# Recompute the pool relationships of the alliances in `$alliances` from their memberships.
REFRESH_POOL: LiteralString = """
UNWIND $alliances AS alliance_id
MATCH (a:Alliance {id: alliance_id})
CALL (a) {
  MATCH (a)-[old:POOL_HOST]->() DELETE old
}
CALL (a) {
  MATCH (a)<-[old:POOL_SENIOR]-() DELETE old
}
CALL (a) {
  MATCH (a)<-[m:MEMBER_OF]-(:Institution)-[:LOCATED_IN]->(:Division)-[:PART_OF]->{0,6}(x:Division)
  WITH DISTINCT x, m.valid_from AS valid_from, m.valid_to AS valid_to
  CREATE (a)-[h:POOL_HOST]->(x) SET h.valid_from = valid_from, h.valid_to = valid_to
}
CALL (a) {
  MATCH (a)<-[m:MEMBER_OF]-(i:Institution) WHERE i.level_rank >= 2
  WITH DISTINCT i, m.valid_from AS valid_from, m.valid_to AS valid_to
  CREATE (i)-[s:POOL_SENIOR]->(a) SET s.valid_from = valid_from, s.valid_to = valid_to
}
"""
# Recompute where the institutions in `$institutions` count as local seniors.
REFRESH_LOCAL: LiteralString = """
UNWIND $institutions AS institution_id
MATCH (i:Institution {id: institution_id})
CALL (i) {
  MATCH (i)-[old:POOL_LOCAL]->() DELETE old
}
CALL (i) {
  MATCH (i)-[:LOCATED_IN]->(:Division)-[:PART_OF]->{0,6}(x:Division) WHERE i.level_rank >= 2
  WITH DISTINCT x
  CREATE (i)-[:POOL_LOCAL]->(x)
}
"""
# The alliances an institution's write can change the pool of (its level or its division).
ALLIANCES_OF: LiteralString = """
UNWIND $institutions AS institution_id
MATCH (:Institution {id: institution_id})-[:MEMBER_OF]->(a:Alliance)
RETURN DISTINCT a.id AS id
"""
# After a load: the pool relationships of every alliance and senior institution.
DROP_POOL_BATCHED: tuple[LiteralString, ...] = tuple(
    f"MATCH ()-[r:{rel}]->() CALL (r) {{ DELETE r }} IN TRANSACTIONS OF 10000 ROWS"
    for rel in POOL_RELS
)
ALL_ALLIANCES: LiteralString = "MATCH (a:Alliance) RETURN a.id AS id ORDER BY id"
ALL_SENIORS: LiteralString = (
    "MATCH (i:Institution) WHERE i.level_rank >= 2 RETURN i.id AS id ORDER BY id"
)
# Alliances (and institutions) per refresh statement when a load recomputes them all.
POOL_BATCH = 200
LOCAL_BATCH = 5000


def refresh_pool(tx: Any, alliances: Iterable[str]) -> None:
    """Recompute the pool relationships of `alliances` inside the caller's transaction."""
    for batch in batches(sorted(set(alliances)), POOL_BATCH):
        tx.run(REFRESH_POOL, alliances=batch).consume()


def refresh_local(tx: Any, institutions: Iterable[str]) -> None:
    for batch in batches(sorted(set(institutions)), LOCAL_BATCH):
        tx.run(REFRESH_LOCAL, institutions=batch).consume()


def refresh_pool_for_institutions(tx: Any, institutions: Iterable[str]) -> None:
    """After an institution's level or division may have changed: where it is a local
    senior, and its alliances' pool."""
    ids = list(institutions)
    refresh_local(tx, ids)
    refresh_pool(tx, [r["id"] for r in tx.run(ALLIANCES_OF, institutions=ids)])


def all_pool_work(reader: Any) -> Iterator[Callable[[Any], None]]:
    """After a load, the whole pool recomputed, one unit of work per transaction of at most
    `POOL_BATCH` alliances or `LOCAL_BATCH` institutions; `reader` runs the statements that
    list them. The caller has already dropped the old relationships (`DROP_POOL_BATCHED`)."""
    alliances = [r["id"] for r in reader.run(ALL_ALLIANCES)]
    seniors = [r["id"] for r in reader.run(ALL_SENIORS)]
    for batch in batches(alliances, POOL_BATCH):
        yield partial(refresh_pool, alliances=batch)
    for batch in batches(seniors, LOCAL_BATCH):
        yield partial(refresh_local, institutions=batch)


# How far up the division tree the pool relationships reach: the `{0,6}` of the statements.
POOL_DEPTH = 6


def pool_relationships(
    dataset: Dataset,
) -> tuple[list[tuple[str, str, Any, Any]], list[tuple[str, str, Any, Any]], list[tuple[str, str]]]:
    """What `REFRESH_POOL` and `REFRESH_LOCAL` derive, computed from `dataset` itself, for a
    load that writes the store without them (the offline import): `POOL_HOST` (alliance,
    division, valid_from, valid_to), `POOL_SENIOR` (institution, alliance, valid_from,
    valid_to) and `POOL_LOCAL` (institution, division), each distinct as the statements'
    `WITH DISTINCT` makes them (`tests/export/test_initial_load.py` holds both equal)."""
    parent = {d.id: d.parent for d in dataset.divisions}
    ancestry: dict[str, tuple[str, ...]] = {}

    def up(division: str) -> tuple[str, ...]:
        found = ancestry.get(division)
        if found is None:
            chain = [division]
            while len(chain) <= POOL_DEPTH and (above := parent.get(chain[-1])) is not None:
                chain.append(above)
            found = ancestry[division] = tuple(chain)
        return found

    where = {i.id: i.division for i in dataset.institutions}
    senior = {i.id for i in dataset.institutions if i.level.rank >= 2}
    host: dict[tuple[str, str, Any, Any], None] = {}
    seniors: dict[tuple[str, str, Any, Any], None] = {}
    for m in dataset.memberships:
        division = where.get(m.institution)
        if division is not None:
            for x in up(division):
                host[(m.alliance, x, m.valid_from, m.valid_to)] = None
        if m.institution in senior:
            seniors[(m.institution, m.alliance, m.valid_from, m.valid_to)] = None
    local = [(i, x) for i in sorted(senior) if (d := where[i]) is not None for x in up(d)]
    return list(host), list(seniors), local


def refresh_all_pool(tx: Any) -> None:
    """Every alliance's and senior institution's pool relationships, in one transaction."""
    for rel in POOL_RELS:
        tx.run(f"MATCH ()-[r:{rel}]->() DELETE r").consume()
    for work in all_pool_work(tx):
        work(tx)


T = TypeVar("T")


def batches(items: Iterable[T], size: int = BATCH) -> Iterator[list[T]]:
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def institution_rows(
    dataset: Dataset, gen: str = "", start: int = 0, stop: int | None = None
) -> Iterator[dict[str, Any]]:
    """The rows of `WRITE_INSTITUTIONS` for `dataset.institutions[start:stop]` (the initial
    load writes the institutions in two parts, one per core)."""
    stamp = {"dataset": dataset.id, "gen": gen}
    places = places_by_division((d.id, d.name, d.parent) for d in dataset.divisions)
    for i in dataset.institutions[start:stop]:
        yield props.institution_props(i, places.get(i.division or "", ())) | stamp


def statements(
    dataset: Dataset, gen: str = ""
) -> Iterator[tuple[LiteralString, Iterable[dict[str, Any]]]]:
    """Each write statement with the rows it takes, in dependency order, stamped with the
    dataset's id and the load's id `gen`."""
    stamp = {"dataset": dataset.id, "gen": gen}
    tag: Callable[[dict[str, Any]], dict[str, Any]] = lambda p: p | stamp  # noqa: E731
    yield WRITE_DIVISIONS, (tag(props.division_props(d)) for d in dataset.divisions)
    yield WRITE_PART_OF, (tag({"id": d.id, "parent": d.parent}) for d in dataset.divisions)
    yield WRITE_GRIDS, (tag(props.grid_props(g)) for g in dataset.grids)
    yield WRITE_INSTITUTIONS, institution_rows(dataset, gen)
    yield WRITE_ALLIANCES, (tag(props.alliance_props(a)) for a in dataset.alliances)
    yield WRITE_MEMBERSHIPS, (tag(props.membership_props(m)) for m in dataset.memberships)
    yield WRITE_SERVICES, (tag(props.service_props(s)) for s in dataset.services)
    yield WRITE_PAIRINGS, (tag(props.pairing_props(p)) for p in dataset.pairings)
    yield WRITE_CHANNELS, (tag(props.channel_props(c)) for c in dataset.channels)
    yield WRITE_REFERRALS, (tag(props.referral_props(r)) for r in dataset.referrals)
    yield (
        WRITE_POLICIES,
        (
            tag(
                {
                    "id": p.id,
                    "region": p.region,
                    "document": p.document,
                    "version": p.version,
                    "valid_from": p.valid_from,
                    "valid_to": p.valid_to,
                    "status": p.status,
                    "source": p.source,
                    "assumption": p.assumption,
                    "conditions": [c.id for c in p.conditions],
                    "condition_names": [c.name for c in p.conditions],
                    "condition_names_en": [c.name_en for c in p.conditions],
                }
            )
            for p in dataset.policies
        ),
    )
    # After the grids and divisions, whose `SET n = row` would otherwise drop the outline.
    yield WRITE_BOUNDARIES, (
        {"id": b.id, "kind": b.kind, "geometry": b.geometry, "source": b.source,
         "assumption": b.assumption}
        for b in dataset.boundaries
    )  # fmt: skip
    yield WRITE_RULES, (tag(props.rule_props(r, p.id)) for p in dataset.policies for r in p.rules)


def begin_params(dataset: Dataset, gen: str) -> dict[str, Any]:
    """The load marker's parameters: its dataset, load id, size and the dataset's manifest
    (as JSON text), which `alliancegraph export` writes back as `dataset.json`."""
    from loaders.export import manifest

    return {"dataset": dataset.id, "gen": gen, "rows": rows(dataset),
            "manifest": json.dumps(manifest(dataset), ensure_ascii=False)}  # fmt: skip


def rows(dataset: Dataset) -> int:
    """How many rows a load of `dataset` sends."""
    return sum(dataset.counts().get(k, 0) for k in ("Division", "Grid", "Institution",
                                                     "Alliance", "Policy", "Rule", "MEMBER_OF",
                                                     "SERVES", "PAIRED_WITH", "CHANNEL",
                                                     "REFERRED"))  # fmt: skip


# What each statement writes, as a progress display names it.
WRITES: dict[str, str] = {
    WRITE_DIVISIONS: "divisions", WRITE_PART_OF: "divisions (parents)", WRITE_GRIDS: "grids",
    WRITE_INSTITUTIONS: "institutions", WRITE_ALLIANCES: "alliances",
    WRITE_MEMBERSHIPS: "memberships", WRITE_SERVICES: "serves", WRITE_PAIRINGS: "pairings",
    WRITE_CHANNELS: "channels", WRITE_REFERRALS: "referrals", WRITE_POLICIES: "policies",
    WRITE_BOUNDARIES: "boundaries", WRITE_RULES: "rules",
}  # fmt: skip


def batched_units(
    dataset: Dataset, gen: str = "", batch_size: int = BATCH
) -> Iterator[tuple[str, int, Callable[[Any], None]]]:
    """(what it writes, rows, work) per batch, each for a transaction of its own, in
    dependency order; the name and size are for a progress display."""
    for cypher, items in statements(dataset, gen):
        for batch in batches(items, batch_size):

            def work(tx: Any, cypher: LiteralString = cypher, batch: list[Any] = batch) -> None:
                tx.run(cypher, rows=batch).consume()

            yield WRITES[cypher], len(batch), work


def batched_work(
    dataset: Dataset, gen: str = "", batch_size: int = BATCH
) -> Iterator[Callable[[Any], None]]:
    """One unit of work per batch, each for a transaction of its own, in dependency order."""
    for _, _, work in batched_units(dataset, gen, batch_size):
        yield work


def write(tx: Any, dataset: Dataset, gen: str = "", batch_size: int = BATCH) -> int:
    """Replace the dataset inside the caller's transaction; return the number of statements."""
    sent = 0
    for cypher, rows in statements(dataset, gen):
        for batch in batches(rows, batch_size):
            tx.run(cypher, rows=batch).consume()
            sent += 1
    for cypher in STALE_IN_TX:
        tx.run(cypher, dataset=dataset.id, gen=gen).consume()
        sent += 1
    return sent
