"""Which institutions obliged to belong to an alliance belong to none on a date?

001 §三 (and 002 篇七 一): every public hospital of secondary level or above and every
government-run primary institution joins an alliance. "Government-run" is read as
ownership `public`; an institution whose ownership is `unknown` is not counted as obliged,
but can be listed apart (`include_unknown`) because the obligation cannot be judged.

A membership counts only when it and its alliance both hold on the date: one that ended
before it (or starts after it) is returned as `inactive`, for the record, and does not count.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import LiteralString

from graphmodel.alliance import Membership
from graphmodel.enums import InstitutionType, Label, Level, Ownership, Rel
from graphmodel.findings import shown
from graphmodel.institution import Institution
from graphmodel.obligations import UPPER_LEVELS
from graphmodel.store import NamedQuery, Reader
from graphmodel.validity import today
from queries import _walk
from stores.memory import MemoryGraph
from stores.props import institution_from, membership_from

PUBLIC_HOSPITAL = "public_hospital"  # 二级及以上公立医院
PUBLIC_PRIMARY = "public_primary"  # 政府办基层医疗卫生机构
OWNERSHIP_UNKNOWN = "ownership_unknown"

CYPHER: LiteralString = """
MATCH (i:Institution)
WHERE (i.ownership = 'public' OR ($include_unknown AND i.ownership = 'unknown'))
  AND ($level IS NULL OR i.level = $level)
  AND ($type IS NULL OR i.type = $type)
  AND ($division IS NULL OR EXISTS {
        MATCH (i)-[:LOCATED_IN]->(:Division)-[:PART_OF]->{0,6}(:Division {id: $division}) })
  AND NOT EXISTS {
        MATCH (i)-[m:MEMBER_OF]->(a:Alliance)
        WHERE coalesce(m.valid_from, date('0001-01-01')) <= $on
          AND coalesce(m.valid_to, date('9999-12-31')) >= $on
          AND coalesce(a.valid_from, date('0001-01-01')) <= $on
          AND coalesce(a.valid_to, date('9999-12-31')) >= $on }
OPTIONAL MATCH (i)-[m:MEMBER_OF]->(:Alliance)
RETURN i, collect(m) AS inactive
"""


@dataclass(frozen=True)
class Unaffiliated:
    institution: Institution
    reason: str  # public_hospital | public_primary | ownership_unknown
    inactive: tuple[Membership, ...]  # memberships not in force on the date

    @property
    def obliged(self) -> bool:
        return self.reason != OWNERSHIP_UNKNOWN


def _reason(i: Institution) -> str:
    if i.ownership is not Ownership.PUBLIC:
        return OWNERSHIP_UNKNOWN
    return PUBLIC_HOSPITAL if i.level in UPPER_LEVELS else PUBLIC_PRIMARY


def _entry(i: Institution, inactive: list[Membership]) -> Unaffiliated:
    ordered = sorted(inactive, key=lambda m: (m.alliance, shown(m.valid_from), m.role.value))
    return Unaffiliated(i, _reason(i), tuple(ordered))


def on_neo4j(
    reader: Reader,
    on: date | None = None,
    division: str | None = None,
    level: Level | None = None,
    type: InstitutionType | None = None,
    include_unknown: bool = False,
) -> list[Unaffiliated]:
    rows = reader.rows(
        CYPHER,
        on=on or today(),
        division=division,
        level=level.value if level else None,
        type=type.value if type else None,
        include_unknown=include_unknown,
    )
    found = [
        _entry(institution_from(r["i"]), [membership_from(m) for m in r["inactive"]]) for r in rows
    ]
    return sorted(found, key=lambda u: u.institution.id)


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
    >>> from queries._examples import tiny
    >>> on_networkx(tiny(), on=date(2021, 1, 1))[0].institution.id
    'township'
    >>> on_networkx(tiny(), on=date(2020, 1, 1))
    []
    """
    day = on or today()
    allowed = {Ownership.PUBLIC} | ({Ownership.UNKNOWN} if include_unknown else set())
    found = []
    for i in _walk.institutions(graph):
        if (
            i.ownership in allowed
            and (level is None or i.level is level)
            and (type is None or i.type is type)
            and _walk.within(graph, i.division, division)
            and not any(True for _ in _walk.memberships(graph, i.id, day))
        ):
            inactive = [m for _, m in graph.out((Label.INSTITUTION.value, i.id), Rel.MEMBER_OF)]
            found.append(_entry(i, inactive))
    return sorted(found, key=lambda u: u.institution.id)


UNAFFILIATED = NamedQuery(
    "unaffiliated",
    on_neo4j,
    on_networkx,
    "institutions obliged to join an alliance (001 §三) that belong to none on a date",
)
