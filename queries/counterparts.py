"""Who is this institution's counterpart (对接 / 对口支援)? One answer per alliance and pairing.

The counterpart depends on the alliance asked about, and at department level on the
specialty (seed 000 附件1; seed 002 篇五 2.1.2). A specialty asked about matches a pairing by
《医疗机构诊疗科目名录》 code, standard name or alias (each resolved to codes, with the codes
below them: 内科 covers 03.04), or by the pairing's own specialty or department name.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import LiteralString

from graphmodel.alliance import Alliance
from graphmodel.counterpart import Pairing
from graphmodel.enums import AllianceKind, Label, Rel
from graphmodel.institution import Institution
from graphmodel.names import name_key
from graphmodel.specialties import resolve, with_descendants
from graphmodel.store import NamedQuery, Reader
from graphmodel.validity import today
from stores.memory import MemoryGraph
from stores.props import alliance_from, institution_from, pairing_from

UPPER = "upper"
LOWER = "lower"

# Both directions in one statement: the pairing's other end is the counterpart.
CYPHER: LiteralString = """
MATCH (me:Institution {id: $institution})
CALL (me) {
  MATCH (me)<-[p:PAIRED_WITH]-(other:Institution) RETURN other, p, 'upper' AS direction
  UNION ALL
  MATCH (me)-[p:PAIRED_WITH]->(other:Institution) RETURN other, p, 'lower' AS direction
}
WITH other, p, direction
WHERE ($direction IS NULL OR direction = $direction)
  AND ($alliance IS NULL OR p.alliance = $alliance)
  AND ($specialty IS NULL OR p.specialty_code IN $codes OR p.specialty IN $names
       OR p.upper_department IN $names)
  AND coalesce(p.valid_from, date('0001-01-01')) <= $on
  AND coalesce(p.valid_to, date('9999-12-31')) >= $on
MATCH (a:Alliance {id: p.alliance})
WHERE $alliance_kind IS NULL OR a.kind = $alliance_kind
RETURN other, p, direction, a
"""


@dataclass(frozen=True)
class Counterpart:
    institution: Institution
    alliance: Alliance
    direction: str  # "upper": the counterpart is above this institution; "lower": below
    pairing: Pairing

    @property
    def department(self) -> str:
        return self.pairing.upper_department

    @property
    def specialty(self) -> str:
        return self.pairing.specialty

    @property
    def responsible_person(self) -> str:
        """The counterpart's responsible person (负责人)."""
        p = self.pairing
        return p.responsible_upper if self.direction == UPPER else p.responsible_lower

    @property
    def own_responsible_person(self) -> str:
        p = self.pairing
        return p.responsible_lower if self.direction == UPPER else p.responsible_upper


def specialty_match(specialty: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(catalogue codes, names) a pairing may have to match `specialty`.

    >>> specialty_match("心內科")
    (('03.04',), ('心內科', '心内科'))
    """
    codes = with_descendants([s.code for s in resolve(specialty)])
    names = tuple(dict.fromkeys((specialty, name_key(specialty))))
    return codes, names


def _sorted(items: list[Counterpart]) -> list[Counterpart]:
    return sorted(
        items,
        key=lambda c: (c.alliance.id, c.direction, c.pairing.upper_department, c.institution.id),
    )


def on_neo4j(
    reader: Reader,
    institution: str,
    alliance_kind: AllianceKind | None = None,
    alliance: str | None = None,
    specialty: str | None = None,
    direction: str | None = None,
    on: date | None = None,
) -> list[Counterpart]:
    codes, names = specialty_match(specialty) if specialty is not None else ((), ())
    rows = reader.rows(
        CYPHER,
        institution=institution,
        alliance_kind=alliance_kind.value if alliance_kind else None,
        alliance=alliance,
        specialty=specialty,
        codes=list(codes),
        names=list(names),
        direction=direction,
        on=on or today(),
    )
    return _sorted(
        [
            Counterpart(
                institution_from(r["other"]),
                alliance_from(r["a"]),
                r["direction"],
                pairing_from(r["p"]),
            )
            for r in rows
        ]
    )


def on_networkx(
    graph: MemoryGraph,
    institution: str,
    alliance_kind: AllianceKind | None = None,
    alliance: str | None = None,
    specialty: str | None = None,
    direction: str | None = None,
    on: date | None = None,
) -> list[Counterpart]:
    """Counterparts of `institution`, filtered, sorted by alliance, direction, department.

    >>> from queries._examples import tiny
    >>> [(c.institution.id, c.direction, c.responsible_person)
    ...  for c in on_networkx(tiny(), "county-hospital")]
    [('city-hospital', 'upper', '甲')]
    >>> [c.institution.id for c in on_networkx(tiny(), "city-hospital", direction="lower")]
    ['county-hospital']
    """
    day = on or today()
    codes, names = specialty_match(specialty) if specialty is not None else ((), ())
    node = (Label.INSTITUTION.value, institution)
    ends = [(o, p, UPPER) for o, p in graph.into(node, Rel.PAIRED_WITH)] + [
        (t, p, LOWER) for t, p in graph.out(node, Rel.PAIRED_WITH)
    ]
    found = []
    for other, pairing, side in ends:
        a: Alliance = graph.get(Label.ALLIANCE, pairing.alliance)
        if (
            (direction is None or side == direction)
            and (alliance is None or pairing.alliance == alliance)
            and (
                specialty is None
                or (pairing.specialty_code != "" and pairing.specialty_code in codes)
                or pairing.specialty in names
                or pairing.upper_department in names
            )
            and (alliance_kind is None or a.kind is alliance_kind)
            and pairing.holds_on(day)
        ):
            found.append(Counterpart(graph.node_obj(other), a, side, pairing))
    return _sorted(found)


COUNTERPARTS = NamedQuery(
    "counterparts", on_neo4j, on_networkx, "an institution's counterparts per alliance"
)
