"""Writing a validated dataset to Neo4j: schema first, then one transaction of batched UNWINDs.

Every statement MERGEs on an id (nodes) or a natural key (relationships) and then SETs the
whole property map, so loading the same dataset twice leaves the graph exactly as it was.
Rows go in batches of `BATCH` per statement, never one statement per row.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
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
MERGE (n)-[:PART_OF]->(p)
"""
WRITE_GRIDS: LiteralString = """
UNWIND $rows AS row
MERGE (n:Grid {id: row.id}) SET n = row
WITH n, row
OPTIONAL MATCH (n)-[old:WITHIN]->(other) WHERE other.id <> row.division
DELETE old
WITH n, row
MATCH (d:Division {id: row.division})
MERGE (n)-[:WITHIN]->(d)
"""
WRITE_INSTITUTIONS: LiteralString = """
UNWIND $rows AS row
MERGE (n:Institution {id: row.id}) SET n = row
WITH n, row
OPTIONAL MATCH (n)-[old:LOCATED_IN]->(other) WHERE other.id <> coalesce(row.division, '')
DELETE old
WITH n, row WHERE row.division IS NOT NULL
MATCH (d:Division {id: row.division})
MERGE (n)-[:LOCATED_IN]->(d)
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
MERGE (p)-[:APPLIES_TO]->(d)
"""
WRITE_RULES: LiteralString = """
UNWIND $rows AS row
MATCH (p:Policy {id: row.policy})
MERGE (r:Rule {id: row.id}) SET r = row
MERGE (p)-[:HAS_RULE]->(r)
WITH r, row
OPTIONAL MATCH (r)-[old:DESIGNATES]->(other) WHERE NOT other.id IN row.designates
DELETE old
WITH DISTINCT r, row
UNWIND row.designates AS target
MATCH (i:Institution {id: target})
MERGE (r)-[:DESIGNATES]->(i)
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


def statements(dataset: Dataset) -> Iterator[tuple[LiteralString, Iterable[dict[str, Any]]]]:
    """Each write statement with the rows it takes, in dependency order."""
    tag: Callable[[dict[str, Any]], dict[str, Any]] = lambda p: p | {"dataset": dataset.id}  # noqa: E731
    yield WRITE_DIVISIONS, (tag(props.division_props(d)) for d in dataset.divisions)
    yield WRITE_PART_OF, ({"id": d.id, "parent": d.parent} for d in dataset.divisions)
    yield WRITE_GRIDS, (tag(props.grid_props(g)) for g in dataset.grids)
    places = places_by_division((d.id, d.name, d.parent) for d in dataset.divisions)
    yield (
        WRITE_INSTITUTIONS,
        (
            tag(props.institution_props(i, places.get(i.division or "", ())))
            for i in dataset.institutions
        ),
    )
    yield WRITE_ALLIANCES, (tag(props.alliance_props(a)) for a in dataset.alliances)
    yield WRITE_MEMBERSHIPS, (props.membership_props(m) for m in dataset.memberships)
    yield WRITE_SERVICES, (props.service_props(s) for s in dataset.services)
    yield WRITE_PAIRINGS, (props.pairing_props(p) for p in dataset.pairings)
    yield WRITE_CHANNELS, (props.channel_props(c) for c in dataset.channels)
    yield WRITE_REFERRALS, (props.referral_props(r) for r in dataset.referrals)
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


def rows(dataset: Dataset) -> int:
    """How many rows a load of `dataset` sends."""
    return sum(dataset.counts().get(k, 0) for k in ("Division", "Grid", "Institution",
                                                     "Alliance", "Policy", "Rule", "MEMBER_OF",
                                                     "SERVES", "PAIRED_WITH", "CHANNEL",
                                                     "REFERRED"))  # fmt: skip


def batched_work(dataset: Dataset, batch_size: int = BATCH) -> Iterator[Callable[[Any], None]]:
    """One unit of work per batch, each for a transaction of its own, in dependency order."""
    for cypher, items in statements(dataset):
        for batch in batches(items, batch_size):

            def work(tx: Any, cypher: LiteralString = cypher, batch: list[Any] = batch) -> None:
                tx.run(cypher, rows=batch).consume()

            yield work


def write(tx: Any, dataset: Dataset, batch_size: int = BATCH) -> int:
    """Run every statement inside the caller's transaction; return the number of statements."""
    sent = 0
    for cypher, rows in statements(dataset):
        for batch in batches(rows, batch_size):
            tx.run(cypher, rows=batch).consume()
            sent += 1
    return sent
