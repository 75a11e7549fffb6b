"""Which policies apply on a date, the obligation rules they bring, and where none applies.

A policy applies on a date within its period (`valid_from` to `valid_to`, an empty end
open); its region is the division it `APPLIES_TO` and every division beneath it. A draft
for comment (征求意见稿) applies too: its findings say that it is a draft.

The *regions without policy* are where institutions lie that no applying policy covers.
Each is named by the city the institution lies in (else the topmost division above it),
with the number of such institutions: a validator sees "无锡市: 12 institutions, no policy
loaded" instead of an empty report that looks like compliance. One Cypher statement each.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Any, LiteralString

from graphmodel.enums import DivisionLevel, Label, Rel, RuleKind
from graphmodel.obligations import ObligationRule, obligation_rule
from graphmodel.policy import Rule
from graphmodel.store import Reader
from queries import _walk
from stores.memory import MemoryGraph
from stores.props import rule_from

POLICIES: LiteralString = """
MATCH (pol:Policy)-[:APPLIES_TO]->(reg:Division)
WHERE coalesce(pol.valid_from, date('0001-01-01')) <= $on
  AND coalesce(pol.valid_to, date('9999-12-31')) >= $on
OPTIONAL MATCH (pol)-[:HAS_RULE]->(r:Rule {kind: 'obligation'})
RETURN pol.id AS policy, coalesce(pol.status, 'in_force') AS status, reg.id AS region,
       reg.name AS region_name, collect(r) AS rules
"""
UNCOVERED: LiteralString = """
MATCH (i:Institution)-[:LOCATED_IN]->(d:Division)
WHERE NOT EXISTS { MATCH (d)-[:PART_OF]->{0,6}(r:Division) WHERE r.id IN $regions }
WITH d, count(i) AS n
CALL (d) {
  MATCH p = (d)-[:PART_OF]->{0,6}(a:Division)
  RETURN a ORDER BY CASE WHEN a.level = 'city' THEN 0 ELSE 1 END, length(p) DESC LIMIT 1
}
RETURN a {.id, .name, .level} AS region, sum(n) AS institutions
"""


@dataclass(frozen=True)
class AppliedPolicy:
    policy: str
    region: str
    region_name: str
    status: str  # in_force | draft_for_comment
    obligations: int  # its obligation rules


@dataclass(frozen=True)
class UncoveredRegion:
    """Institutions no applying policy covers, summed up under their city (else top)."""

    division: str
    name: str
    level: str
    institutions: int


@dataclass(frozen=True)
class Scope:
    on: date
    policies: tuple[AppliedPolicy, ...]
    rules: tuple[ObligationRule, ...]

    def of(self, *checks: str) -> list[ObligationRule]:
        return [r for r in self.rules if r.check in checks]

    @property
    def regions(self) -> list[str]:
        return sorted({p.region for p in self.policies})


def _scope(on: date, found: list[tuple[str, str, str, str, list[Rule]]]) -> Scope:
    policies, rules = [], []
    for policy, status, region, region_name, own in found:
        obligations = [r for r in own if r.kind is RuleKind.OBLIGATION]
        policies.append(AppliedPolicy(policy, region, region_name, status, len(obligations)))
        rules += [obligation_rule(policy, region, status, r) for r in obligations]
    return Scope(
        on,
        tuple(sorted(policies, key=lambda p: p.policy)),
        tuple(sorted(rules, key=lambda r: (r.check, r.rule))),
    )


def on_neo4j(reader: Reader, on: date) -> Scope:
    rows = reader.rows(POLICIES, on=on)
    return _scope(
        on,
        [
            (
                r["policy"],
                r["status"],
                r["region"],
                r["region_name"],
                [rule_from(x) for x in r["rules"]],
            )
            for r in rows
        ],
    )


def on_networkx(graph: MemoryGraph, on: date) -> Scope:
    found = []
    for pol in _walk.nodes(graph, Label.POLICY):
        if (pol.valid_from or date.min) <= on <= (pol.valid_to or date.max):
            name = graph.get(Label.DIVISION, pol.region).name
            found.append((pol.id, pol.status, pol.region, name, list(pol.rules)))
    return _scope(on, found)


def _uncovered(rows: list[dict[str, Any]]) -> tuple[UncoveredRegion, ...]:
    counts: Counter[tuple[str, str, str]] = Counter()
    for r in rows:
        a = r["region"]
        counts[(a["id"], a["name"], a["level"])] += r["institutions"]
    return tuple(UncoveredRegion(*key, n) for key, n in sorted(counts.items()))


def uncovered_on_neo4j(reader: Reader, scope: Scope) -> tuple[UncoveredRegion, ...]:
    return _uncovered(reader.rows(UNCOVERED, regions=scope.regions))


def uncovered_on_networkx(graph: MemoryGraph, scope: Scope) -> tuple[UncoveredRegion, ...]:
    covered = set(scope.regions)
    rows = []
    # Per division, not per institution: a million institutions live in ~45,000 divisions.
    located = graph.pred[Rel.LOCATED_IN]  # per division node, its institutions
    per_division = {node[1]: len(edges) for node, edges in located.items()}
    for division, n in per_division.items():
        chain = _walk.ancestry(graph, division)
        if not chain or not covered.isdisjoint(_walk.ancestry_ids(graph, division)):
            continue
        top = next((d for d in chain if d.level is DivisionLevel.CITY), chain[-1])
        rows.append(
            {
                "region": {"id": top.id, "name": top.name, "level": top.level.value},
                "institutions": n,
            }
        )
    return _uncovered(rows)
