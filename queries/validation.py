"""Every finding of the validator on a date: the report behind `alliancegraph validate`.

First the policies that apply on the date and their obligation rules
(`queries/_obligation_scope.py`); then each family of checks, run for those rules within
each rule's region: institutions obliged to join an alliance that belong to none
(`unaffiliated`), grid coverage (`grid_coverage`), the structural obligations
(`obligation_checks`); and data integrity (`data_integrity`), which holds everywhere. The
report also lists the policies applied and the *regions without policy*: where
institutions lie that no applying policy covers, so that no finding there is not read as
compliance. On Neo4j that is a fixed number of Cypher statements (fifteen), whatever the
size of the graph or the number of policies.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from datetime import date

from graphmodel.findings import Finding, FindingSeverity, sorted_findings
from graphmodel.obligations import ObligationRule, finding, may_cross_grids
from graphmodel.store import NamedQuery, Reader
from graphmodel.validity import today
from queries import _obligation_scope, data_integrity, grid_coverage, obligation_checks
from queries import unaffiliated as ua
from queries._obligation_scope import AppliedPolicy, Scope, UncoveredRegion
from stores.memory import MemoryGraph


@dataclass(frozen=True)
class ValidationReport:
    on: date
    findings: tuple[Finding, ...]
    policies: tuple[AppliedPolicy, ...] = ()  # the policies that apply on the date
    regions_without_policy: tuple[UncoveredRegion, ...] = ()

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
    scope: Scope,
    uncovered: tuple[UncoveredRegion, ...],
    entries: list[ua.Unaffiliated],
    coverage: grid_coverage.GridCoverage,
    *found: list[Finding],
) -> ValidationReport:
    parts = [membership_findings(entries, scope), grid_findings(coverage, scope), *found]
    findings = sorted_findings(list({f for part in parts for f in part}))
    return ValidationReport(scope.on, findings, scope.policies, uncovered)


def on_neo4j(reader: Reader, on: date | None = None) -> ValidationReport:
    scope = _obligation_scope.on_neo4j(reader, on or today())
    return _report(
        scope,
        _obligation_scope.uncovered_on_neo4j(reader, scope),
        ua.entries_on_neo4j(reader, scope, include_unknown=True, bound_only=True),
        grid_coverage.coverage_on_neo4j(reader, scope),
        obligation_checks.checks_on_neo4j(reader, scope),
        data_integrity.on_neo4j(reader, on=scope.on),
    )


def on_networkx(graph: MemoryGraph, on: date | None = None) -> ValidationReport:
    """All findings on `on` (default today), errors first.

    >>> from datetime import date
    >>> from queries._examples import tiny, tiny_obliged
    >>> report = on_networkx(tiny_obliged(), on=date(2021, 1, 1))
    >>> report.counts, report.has_errors
    ({'error': 0, 'warning': 5, 'info': 0}, False)
    >>> report = on_networkx(tiny(), on=date(2021, 1, 1))
    >>> report.counts, [r.name for r in report.regions_without_policy]
    ({'error': 0, 'warning': 0, 'info': 0}, ['示例市'])
    """
    scope = _obligation_scope.on_networkx(graph, on or today())
    return _report(
        scope,
        _obligation_scope.uncovered_on_networkx(graph, scope),
        ua.entries_on_networkx(graph, scope, include_unknown=True, bound_only=True),
        grid_coverage.coverage_on_networkx(graph, scope),
        obligation_checks.checks_on_networkx(graph, scope),
        data_integrity.on_networkx(graph, on=scope.on),
    )


def _unknown_rule(rule: ObligationRule, scope: Scope) -> ObligationRule:
    """How a membership rule words unknown ownership: its policy's own
    ``membership.ownership_unknown`` rule if it has one, else info in the default words."""
    own = [r for r in scope.of("membership.ownership_unknown") if r.policy == rule.policy]
    if own:
        return own[0]
    return replace(
        rule,
        check="membership.ownership_unknown",
        severity=FindingSeverity.INFO,
        message_zh="",
        message_en="",
    )


def membership_findings(entries: list[ua.Unaffiliated], scope: Scope) -> list[Finding]:
    """`membership.required` for the obliged, `membership.ownership_unknown` for those of
    unknown ownership under a membership rule; nothing where no rule applies."""
    out = []
    for u in entries:
        i, n = u.institution, len(u.inactive)
        fields = {
            "level": i.level.value,
            "type": i.type.value,
            "lapsed_zh": f"（另有 {n} 项成员关系当日不在有效期内）" if n else "",
            "lapsed_en": f" ({n} membership(s) not in force that day)" if n else "",
        }
        related = tuple(sorted({m.alliance for m in u.inactive}))
        for rule in u.rules:
            applied = rule if u.obliged else _unknown_rule(rule, scope)
            out.append(finding(applied, i.id, i.name, scope.on, related, **fields))
    return out


def _binds(rule: ObligationRule, ancestry: tuple[str, ...]) -> bool:
    return rule.region in ancestry


def grid_findings(coverage: grid_coverage.GridCoverage, scope: Scope) -> list[Finding]:
    on, out = coverage.on, []
    for rule in scope.of("grid.none_defined"):
        out += [
            finding(rule, a.division, a.name, on)
            for a in coverage.areas
            if a.grids == 0 and _binds(rule, a.ancestry)
        ]
    for s in coverage.grids:
        g = s.grid
        for rule in scope.rules:
            if not _binds(rule, s.ancestry):
                continue
            if rule.check == "grid.uncovered" and s.status == grid_coverage.UNCOVERED:
                out.append(finding(rule, g.id, g.name, on))
            elif rule.check == "grid.overlap" and s.status == grid_coverage.OVERLAP:
                ids = tuple(a.id for a in s.alliances)
                names = "、".join(a.name for a in s.alliances)
                out.append(finding(rule, g.id, g.name, on, ids, count=len(ids), alliances=names))
            elif rule.check == "grid.cross_grid_member":
                out += [
                    finding(
                        rule,
                        c.institution,
                        c.institution_name,
                        on,
                        (c.alliance, g.id),
                        level=c.level,
                        type=c.type,
                        grid=g.name,
                        alliance=c.alliance_name,
                    )
                    for c in s.cross_grid
                    if not may_cross_grids(rule, c.level, c.type)
                ]
    return out


VALIDATION = NamedQuery(
    "validation",
    on_neo4j,
    on_networkx,
    "every finding of the policies' obligation rules and of data integrity on a date, with "
    "the policies applied and the regions without policy",
)
