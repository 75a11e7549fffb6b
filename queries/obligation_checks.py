"""Which structural obligations of the policies in force does the network miss on a date?

The checks about alliances and partnerships (`graphmodel.obligations.CHECKS`), each run for
the policy rules that call it, within each rule's region: lead types and the hub and base
roles of county communities (`queries/_alliance_checks.py`), county hospitals leading
communities and specialty alliances, the pairings that must exist, and telemedicine reach
of townships (`queries/_partnership_checks.py`). On Neo4j that is seven Cypher statements
whatever the size of the graph or the number of policies: the policies in force, then six
checks, each returning only the offenders. Membership, grid and data-integrity findings
have their own queries (`unaffiliated`, `grid_coverage`, `data_integrity`); `validation`
gathers them all.
"""

from __future__ import annotations

from datetime import date

from graphmodel.findings import Finding, sorted_findings
from graphmodel.store import NamedQuery, Reader
from graphmodel.validity import today
from queries import _alliance_checks, _obligation_scope, _partnership_checks
from queries._obligation_scope import Scope
from stores.memory import MemoryGraph


def checks_on_neo4j(reader: Reader, scope: Scope) -> list[Finding]:
    found = _alliance_checks.on_neo4j(reader, scope) + _partnership_checks.on_neo4j(reader, scope)
    return list(sorted_findings(list(set(found))))


def checks_on_networkx(graph: MemoryGraph, scope: Scope) -> list[Finding]:
    found = _alliance_checks.on_networkx(graph, scope) + _partnership_checks.on_networkx(
        graph, scope
    )
    return list(sorted_findings(list(set(found))))


def on_neo4j(reader: Reader, on: date | None = None) -> list[Finding]:
    return checks_on_neo4j(reader, _obligation_scope.on_neo4j(reader, on or today()))


def on_networkx(graph: MemoryGraph, on: date | None = None) -> list[Finding]:
    """Findings sorted by severity, rule and subject.

    >>> from queries._examples import tiny, tiny_obliged
    >>> on_networkx(tiny())
    []
    >>> [(f.rule, f.subject, f.policy) for f in on_networkx(tiny_obliged())]
    ... # doctest: +NORMALIZE_WHITESPACE
    [('county_hospital.leads_community', 'county-hospital', 'tiny-policy'),
     ('county_hospital.specialty_alliance', 'county-hospital', 'tiny-policy'),
     ('primary.secondary_partner', 'township', 'tiny-policy')]
    """
    return checks_on_networkx(graph, _obligation_scope.on_networkx(graph, on or today()))


OBLIGATION_CHECKS = NamedQuery(
    "obligation_checks",
    on_neo4j,
    on_networkx,
    "alliance leads, county-community roles, required pairings and telemedicine reach, "
    "per policy region",
)
