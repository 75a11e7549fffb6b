"""Every finding of the validator on a date: the report behind `alliancegraph validate`.

Gathers the four families of checks, each a named query of its own: institutions obliged
to join an alliance that belong to none (`unaffiliated`, with `include_unknown` so that
unknown ownership is reported as info), grid coverage (`grid_coverage`), the structural
obligations (`obligation_checks`) and data integrity (`data_integrity`). On Neo4j that is a
fixed number of Cypher statements (thirteen), whatever the size of the graph.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from graphmodel.findings import Finding, FindingSeverity, SubjectKind, sorted_findings
from graphmodel.obligations import finding
from graphmodel.store import NamedQuery, Reader
from graphmodel.validity import today
from queries import data_integrity, grid_coverage, obligation_checks, unaffiliated
from stores.memory import MemoryGraph


@dataclass(frozen=True)
class ValidationReport:
    on: date
    findings: tuple[Finding, ...]

    def count(self, severity: FindingSeverity) -> int:
        return sum(1 for f in self.findings if f.severity is severity)

    @property
    def counts(self) -> dict[str, int]:
        found = Counter(f.severity.value for f in self.findings)
        return {s.value: found.get(s.value, 0) for s in FindingSeverity}

    @property
    def has_errors(self) -> bool:
        """An error-level finding makes `alliancegraph validate` exit 1."""
        return self.count(FindingSeverity.ERROR) > 0


def _report(
    day: date,
    entries: list[unaffiliated.Unaffiliated],
    coverage: grid_coverage.GridCoverage,
    *found: list[Finding],
) -> ValidationReport:
    parts = [membership_findings(entries, day), grid_findings(coverage), *found]
    return ValidationReport(day, sorted_findings(list({f for part in parts for f in part})))


def on_neo4j(reader: Reader, on: date | None = None) -> ValidationReport:
    day = on or today()
    return _report(
        day,
        unaffiliated.on_neo4j(reader, on=day, include_unknown=True),
        grid_coverage.on_neo4j(reader, on=day),
        obligation_checks.on_neo4j(reader, on=day),
        data_integrity.on_neo4j(reader, on=day),
    )


def on_networkx(graph: MemoryGraph, on: date | None = None) -> ValidationReport:
    """All findings on `on` (default today), errors first.

    >>> from datetime import date
    >>> from queries._examples import tiny
    >>> report = on_networkx(tiny(), on=date(2021, 1, 1))
    >>> report.counts, report.has_errors
    ({'error': 0, 'warning': 5, 'info': 0}, False)
    """
    day = on or today()
    return _report(
        day,
        unaffiliated.on_networkx(graph, on=day, include_unknown=True),
        grid_coverage.on_networkx(graph, on=day),
        obligation_checks.on_networkx(graph, on=day),
        data_integrity.on_networkx(graph, on=day),
    )


def membership_findings(entries: list[unaffiliated.Unaffiliated], on: date) -> list[Finding]:
    """`membership.required` for the obliged, `membership.ownership_unknown` for the rest."""
    out = []
    for u in entries:
        i = u.institution
        n = len(u.inactive)
        lapsed_zh = f"（另有 {n} 项成员关系当日不在有效期内）" if n else ""
        lapsed_en = f" ({n} membership(s) not in force that day)" if n else ""
        rule = "membership.required" if u.obliged else "membership.ownership_unknown"
        out.append(
            finding(
                rule,
                SubjectKind.INSTITUTION,
                i.id,
                i.name,
                related=tuple(sorted({m.alliance for m in u.inactive})),
                level=i.level.value,
                on=on.isoformat(),
                lapsed_zh=lapsed_zh,
                lapsed_en=lapsed_en,
            )
        )
    return out


def grid_findings(coverage: grid_coverage.GridCoverage) -> list[Finding]:
    on = coverage.on.isoformat()
    out = [
        finding("grid.none_defined", SubjectKind.DIVISION, a.division, a.name)
        for a in coverage.areas
        if a.grids == 0
    ]
    for s in coverage.grids:
        g = s.grid
        if s.status == grid_coverage.UNCOVERED:
            out.append(finding("grid.uncovered", SubjectKind.GRID, g.id, g.name, on=on))
        elif s.status == grid_coverage.OVERLAP:
            ids = tuple(a.id for a in s.alliances)
            names = "、".join(a.name for a in s.alliances)
            out.append(
                finding(
                    "grid.overlap",
                    SubjectKind.GRID,
                    g.id,
                    g.name,
                    related=ids,
                    on=on,
                    count=len(ids),
                    alliances=names,
                )
            )
        for c in s.cross_grid:
            if not c.exempt:
                out.append(
                    finding(
                        "grid.cross_grid_member",
                        SubjectKind.INSTITUTION,
                        c.institution,
                        c.institution_name,
                        related=(c.alliance, g.id),
                        level=c.level,
                        type=c.type,
                        grid=g.name,
                        alliance=c.alliance_name,
                    )
                )
    return out


VALIDATION = NamedQuery(
    "validation",
    on_neo4j,
    on_networkx,
    "every finding of the obligation catalogue on a date, with rule, severity and source",
)
