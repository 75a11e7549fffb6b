"""Which structural obligations of docs/domain.md §8 does the network miss on a date?

The checks of `graphmodel.obligations.CATALOGUE` about alliances and partnerships: lead
types and the hub and base roles of county communities (`queries/_alliance_checks.py`),
county hospitals leading communities and specialty alliances, the pairings that must
exist, and telemedicine reach of townships (`queries/_partnership_checks.py`). On Neo4j
that is six Cypher statements whatever the size of the graph, each returning only the
offenders. Membership, grid and data-integrity findings have their own queries
(`unaffiliated`, `grid_coverage`, `data_integrity`); `validation` gathers them all.
"""

from __future__ import annotations

from datetime import date

from graphmodel.findings import Finding, sorted_findings
from graphmodel.store import NamedQuery, Reader
from graphmodel.validity import today
from queries import _alliance_checks, _partnership_checks
from stores.memory import MemoryGraph


def on_neo4j(reader: Reader, on: date | None = None) -> list[Finding]:
    day = on or today()
    found = _alliance_checks.on_neo4j(reader, day) + _partnership_checks.on_neo4j(reader, day)
    return list(sorted_findings(list(set(found))))


def on_networkx(graph: MemoryGraph, on: date | None = None) -> list[Finding]:
    """Findings sorted by severity, rule and subject.

    >>> from queries._examples import tiny
    >>> [(f.rule, f.subject) for f in on_networkx(tiny())]  # doctest: +NORMALIZE_WHITESPACE
    [('county_hospital.leads_community', 'county-hospital'),
     ('county_hospital.specialty_alliance', 'county-hospital'),
     ('primary.secondary_partner', 'township')]
    """
    day = on or today()
    found = _alliance_checks.on_networkx(graph, day) + _partnership_checks.on_networkx(graph, day)
    return list(sorted_findings(list(set(found))))


OBLIGATION_CHECKS = NamedQuery(
    "obligation_checks",
    on_neo4j,
    on_networkx,
    "alliance leads, county-community roles, required pairings and telemedicine reach",
)
