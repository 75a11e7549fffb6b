"""Which institutions obliged to belong to an alliance belong to none on a date?

The obligation is policy data: a rule calling check ``membership.required`` (e.g. 002 篇七
一 for 呼和浩特: every public hospital of secondary level or above and every government-run
primary institution joins an alliance). It binds the public institutions located in its
policy's region while the policy applies. "Government-run" is read as ownership `public`.

Two kinds of institution in no alliance cannot be judged, and are listed apart when asked
(`include_unknown`): those of unknown ownership under a membership rule
(`ownership_unknown`), and public or unknown-ownership ones where no applying policy has a
membership rule (`no_obligation`). A report that lists neither must say how many there are
(`not_judged`), so that "nobody is missing" is never read into an empty list.

A membership counts only when it and its alliance both hold on the date: one that ended
before it (or starts after it) is returned as `inactive`, for the record, and does not count.
On Neo4j: two Cypher statements (the policies in force, then the institutions).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import LiteralString

from graphmodel.alliance import Membership
from graphmodel.checks import UPPER_LEVELS
from graphmodel.enums import InstitutionType, Label, Level, Ownership, Rel
from graphmodel.findings import shown
from graphmodel.institution import Institution
from graphmodel.obligations import ObligationRule
from graphmodel.store import NamedQuery, Reader
from graphmodel.validity import today
from queries import _obligation_scope, _walk
from queries._obligation_scope import Scope
from stores.memory import MemoryGraph
from stores.props import institution_from, membership_from

PUBLIC_HOSPITAL = "public_hospital"  # 二级及以上公立医院
PUBLIC_PRIMARY = "public_primary"  # 政府办基层医疗卫生机构
OWNERSHIP_UNKNOWN = "ownership_unknown"  # under a membership rule, ownership not recorded
NO_OBLIGATION = "no_obligation"  # no applying policy has a membership rule here
REQUIRED = "membership.required"

CYPHER: LiteralString = """
MATCH (i:Institution)
WHERE (i.ownership = 'public' OR ($include_unknown AND i.ownership = 'unknown'))
  AND ($level IS NULL OR i.level = $level)
  AND ($type IS NULL OR i.type = $type)
  AND ($division IS NULL OR EXISTS {
        MATCH (i)-[:LOCATED_IN]->(:Division)-[:PART_OF]->{0,6}(:Division {id: $division}) })
  AND (($include_unknown AND NOT $bound_only) OR EXISTS {
        MATCH (i)-[:LOCATED_IN]->(:Division)-[:PART_OF]->{0,6}(x:Division)
        WHERE x.id IN $regions })
  AND NOT EXISTS {
        MATCH (i)-[m:MEMBER_OF]->(a:Alliance)
        WHERE coalesce(m.valid_from, date('0001-01-01')) <= $on
          AND coalesce(m.valid_to, date('9999-12-31')) >= $on
          AND coalesce(a.valid_from, date('0001-01-01')) <= $on
          AND coalesce(a.valid_to, date('9999-12-31')) >= $on }
CALL (i) {
  OPTIONAL MATCH (i)-[:LOCATED_IN]->(:Division)-[:PART_OF]->{0,6}(x:Division)
  WHERE x.id IN $regions
  RETURN collect(DISTINCT x.id) AS regions
}
OPTIONAL MATCH (i)-[m:MEMBER_OF]->(:Alliance)
RETURN i, regions, collect(m) AS inactive
"""


@dataclass(frozen=True)
class Unaffiliated:
    institution: Institution
    reason: str  # public_hospital | public_primary | ownership_unknown | no_obligation
    inactive: tuple[Membership, ...]  # memberships not in force on the date
    rules: tuple[ObligationRule, ...] = ()  # the membership rules that bind it

    @property
    def obliged(self) -> bool:
        return self.reason in (PUBLIC_HOSPITAL, PUBLIC_PRIMARY)

    @property
    def policies(self) -> tuple[str, ...]:
        return tuple(sorted({r.policy for r in self.rules}))


def not_judged(found: list[Unaffiliated]) -> dict[str, int]:
    """How many of `found` (run with `include_unknown`) could not be judged, and why."""
    counts = Counter(u.reason for u in found if not u.obliged)
    return {OWNERSHIP_UNKNOWN: counts[OWNERSHIP_UNKNOWN], NO_OBLIGATION: counts[NO_OBLIGATION]}


def _reason(i: Institution, rules: tuple[ObligationRule, ...]) -> str:
    if not rules:
        return NO_OBLIGATION
    if i.ownership is not Ownership.PUBLIC:
        return OWNERSHIP_UNKNOWN
    return PUBLIC_HOSPITAL if i.level in UPPER_LEVELS else PUBLIC_PRIMARY


def _entry(
    i: Institution, regions: set[str], inactive: list[Membership], scope: Scope
) -> Unaffiliated:
    rules = tuple(r for r in scope.of(REQUIRED) if r.region in regions)
    ordered = sorted(inactive, key=lambda m: (m.alliance, shown(m.valid_from), m.role.value))
    return Unaffiliated(i, _reason(i, rules), tuple(ordered), rules)


def _regions(scope: Scope) -> list[str]:
    return sorted({r.region for r in scope.of(REQUIRED)})


def entries_on_neo4j(
    reader: Reader,
    scope: Scope,
    division: str | None = None,
    level: Level | None = None,
    type: InstitutionType | None = None,
    include_unknown: bool = False,
    bound_only: bool = False,
) -> list[Unaffiliated]:
    """`bound_only`: only those a membership rule binds (what `validation` reports)."""
    rows = reader.rows(
        CYPHER,
        on=scope.on,
        division=division,
        level=level.value if level else None,
        type=type.value if type else None,
        include_unknown=include_unknown,
        bound_only=bound_only,
        regions=_regions(scope),
    )
    found = [
        _entry(
            institution_from(r["i"]),
            set(r["regions"]),
            [membership_from(m) for m in r["inactive"]],
            scope,
        )
        for r in rows
    ]
    return sorted(found, key=lambda u: u.institution.id)


def entries_on_networkx(
    graph: MemoryGraph,
    scope: Scope,
    division: str | None = None,
    level: Level | None = None,
    type: InstitutionType | None = None,
    include_unknown: bool = False,
    bound_only: bool = False,
) -> list[Unaffiliated]:
    allowed = {Ownership.PUBLIC} | ({Ownership.UNKNOWN} if include_unknown else set())
    bound, found = set(_regions(scope)), []
    by_division: dict[str | None, set[str]] = {}  # the bound regions above each division
    for i in _walk.institutions(graph):
        regions = by_division.get(i.division)
        if regions is None:
            regions = by_division[i.division] = bound & set(_walk.ancestry_ids(graph, i.division))
        if (
            i.ownership in allowed
            and ((include_unknown and not bound_only) or regions)
            and (level is None or i.level is level)
            and (type is None or i.type is type)
            and _walk.within(graph, i.division, division)
            and not any(True for _ in _walk.memberships(graph, i.id, scope.on))
        ):
            inactive = [m for _, m in graph.out((Label.INSTITUTION.value, i.id), Rel.MEMBER_OF)]
            found.append(_entry(i, regions, inactive, scope))
    return sorted(found, key=lambda u: u.institution.id)


def on_neo4j(
    reader: Reader,
    on: date | None = None,
    division: str | None = None,
    level: Level | None = None,
    type: InstitutionType | None = None,
    include_unknown: bool = False,
) -> list[Unaffiliated]:
    scope = _obligation_scope.on_neo4j(reader, on or today())
    return entries_on_neo4j(reader, scope, division, level, type, include_unknown)


def on_networkx(
    graph: MemoryGraph,
    on: date | None = None,
    division: str | None = None,
    level: Level | None = None,
    type: InstitutionType | None = None,
    include_unknown: bool = False,
) -> list[Unaffiliated]:
    """Obliged institutions in no alliance on `on` (default today), by id.

    >>> from datetime import date
    >>> from queries._examples import tiny, tiny_obliged
    >>> on_networkx(tiny_obliged(), on=date(2021, 1, 1))[0].institution.id
    'township'
    >>> on_networkx(tiny_obliged(), on=date(2020, 1, 1))
    []
    >>> on_networkx(tiny(), on=date(2021, 1, 1))  # no policy obliges anyone
    []
    >>> [u.reason for u in on_networkx(tiny(), on=date(2021, 1, 1), include_unknown=True)]
    ['no_obligation']
    """
    scope = _obligation_scope.on_networkx(graph, on or today())
    return entries_on_networkx(graph, scope, division, level, type, include_unknown)


UNAFFILIATED = NamedQuery(
    "unaffiliated",
    on_neo4j,
    on_networkx,
    "institutions a policy's membership rule obliges to join an alliance that belong to none",
)
