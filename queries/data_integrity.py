"""Where does the data contradict itself? Each finding is an error (`obligations.INTEGRITY`).

- A membership whose dates reach outside its alliance's own dates (an open end where the
  alliance has one counts as reaching outside: empty dates are open-ended).
- A counterpart pairing, or an agreed channel, that holds on the date while one of its two
  ends is not a member of the alliance it names on that date.
- An alliance holding on the date whose recorded lead is not a member then.

And one warning, since it is legal (every county has a 县人民医院) but may be the same
institution entered twice: institutions of one name (`name_key`, either script) in
different divisions. The loader refuses one name twice in the same division.

Four Cypher statements on Neo4j, each returning only the offending facts.
"""

from __future__ import annotations

from datetime import date
from typing import Any, LiteralString

from graphmodel.enums import Label, MemberRole, Rel
from graphmodel.findings import Finding, SubjectKind, shown, sorted_findings
from graphmodel.obligations import integrity_finding
from graphmodel.store import NamedQuery, Reader
from graphmodel.validity import today
from queries import _walk
from stores.memory import MemoryGraph
from stores.props import to_date

Row = dict[str, Any]

MEMBERSHIP_DATES: LiteralString = """
MATCH (i:Institution)-[m:MEMBER_OF]->(a:Alliance)
WHERE (a.valid_from IS NOT NULL AND (m.valid_from IS NULL OR m.valid_from < a.valid_from))
   OR (a.valid_to IS NOT NULL AND (m.valid_to IS NULL OR m.valid_to > a.valid_to))
RETURN i {.id, .name} AS member, a {.id, .name, .valid_from, .valid_to} AS alliance,
       m.valid_from AS m_from, m.valid_to AS m_to
"""
# Pairings and channels in one statement: the alliance each names must hold both ends.
LINKS: LiteralString = """
CALL () {
  MATCH (u:Institution)-[p:PAIRED_WITH]->(l:Institution)
  RETURN 'pairing' AS kind, u, l, p.alliance AS alliance, p AS fact
  UNION ALL
  MATCH (u:Institution)-[c:CHANNEL]->(l:Institution) WHERE c.alliance IS NOT NULL
  RETURN 'channel' AS kind, u, l, c.alliance AS alliance, c AS fact
}
WITH kind, u, l, alliance, fact
WHERE coalesce(fact.valid_from, date('0001-01-01')) <= $on
  AND coalesce(fact.valid_to, date('9999-12-31')) >= $on
MATCH (a:Alliance {id: alliance})
WITH kind, u, l, a,
  EXISTS { MATCH (u)-[m:MEMBER_OF]->(a)
           WHERE coalesce(m.valid_from, date('0001-01-01')) <= $on
             AND coalesce(m.valid_to, date('9999-12-31')) >= $on } AS upper_in,
  EXISTS { MATCH (l)-[m:MEMBER_OF]->(a)
           WHERE coalesce(m.valid_from, date('0001-01-01')) <= $on
             AND coalesce(m.valid_to, date('9999-12-31')) >= $on } AS lower_in
WHERE NOT (upper_in AND lower_in)
RETURN DISTINCT kind, a {.id, .name} AS alliance, u {.id, .name} AS upper,
       l {.id, .name} AS lower, upper_in, lower_in
"""
LEADS: LiteralString = """
MATCH (i:Institution)-[m:MEMBER_OF {role: 'lead'}]->(a:Alliance)
WHERE coalesce(a.valid_from, date('0001-01-01')) <= $on
  AND coalesce(a.valid_to, date('9999-12-31')) >= $on
  AND NOT EXISTS { MATCH (:Institution)-[n:MEMBER_OF {role: 'lead'}]->(a)
                   WHERE coalesce(n.valid_from, date('0001-01-01')) <= $on
                     AND coalesce(n.valid_to, date('9999-12-31')) >= $on }
RETURN a {.id, .name} AS alliance, i {.id, .name} AS member,
       m.valid_from AS m_from, m.valid_to AS m_to
"""


SAME_NAME: LiteralString = """
MATCH (i:Institution)
WITH i.name_key AS key, collect(i {.id, .name, .division}) AS same
WHERE size(same) > 1
RETURN same
"""


def on_neo4j(reader: Reader, on: date | None = None) -> list[Finding]:
    day = on or today()
    return _sorted(
        _dates(reader.rows(MEMBERSHIP_DATES))
        + _links(reader.rows(LINKS, on=day), day)
        + _leads(reader.rows(LEADS, on=day), day)
        + _same_name([r["same"] for r in reader.rows(SAME_NAME)])
    )


def on_networkx(graph: MemoryGraph, on: date | None = None) -> list[Finding]:
    """Data-integrity findings on `on` (default today), sorted by rule and subject.

    >>> from queries._examples import tiny
    >>> on_networkx(tiny())
    []
    """
    day = on or today()
    dates, links, leads = [], [], []
    nodes, lead_role = graph.nodes, MemberRole.LEAD
    for a in _walk.nodes(graph, Label.ALLIANCE):
        ref = {"id": a.id, "name": a.name, "valid_from": a.valid_from, "valid_to": a.valid_to}
        edges = graph.into_list((Label.ALLIANCE.value, a.id), Rel.MEMBER_OF)
        a_from, a_to = a.valid_from, a.valid_to
        # An alliance without dates has no membership outside them: skip its members.
        # (Inline comparisons: at a million institutions this loop sees every membership.)
        for node, m in edges if a_from is not None or a_to is not None else ():
            m_from, m_to = m.valid_from, m.valid_to
            if (a_from is not None and (m_from is None or m_from < a_from)) or (
                a_to is not None and (m_to is None or m_to > a_to)
            ):
                i = nodes[node]
                dates.append(
                    {
                        "member": {"id": i.id, "name": i.name},
                        "alliance": ref,
                        "m_from": m_from,
                        "m_to": m_to,
                    }
                )
        lead = [(nodes[i], m) for i, m in edges if m.role is lead_role]
        if a.holds_on(day) and not any(m.holds_on(day) for _, m in lead):
            leads += [
                {
                    "alliance": ref,
                    "member": {"id": i.id, "name": i.name},
                    "m_from": m.valid_from,
                    "m_to": m.valid_to,
                }
                for i, m in lead
            ]
    # Only the institutions with pairings or channels: the adjacency of each type lists them.
    # Each end's own few memberships are looked at, not the alliance's (~360) members.
    for kind, rel in (("pairing", Rel.PAIRED_WITH), ("channel", Rel.CHANNEL)):
        for node, edges in graph.succ[rel].items():
            for t, fact in edges:
                if (kind == "pairing" or fact.alliance) and fact.holds_on(day):
                    alliance = (Label.ALLIANCE.value, fact.alliance)
                    upper_in = _member_on(graph, node, alliance, day)
                    lower_in = _member_on(graph, t, alliance, day)
                    if not (upper_in and lower_in):
                        links.append(
                            _link_row(graph, kind, nodes[node], nodes[t], fact.alliance,
                                      upper_in, lower_in)
                        )  # fmt: skip
    # Names held more than once, from the store's name index (any of each institution's
    # names), then grouped by each holder's own name: not a pass over every institution.
    keys, by_id = graph.name_keys, graph.by_label.get(Label.INSTITUTION.value, {})
    same = []
    for key, holders in graph.by_name.items():
        if len(holders) < 2:
            continue  # nearly every key: one holder
        group = [by_id[h] for h in holders if keys[h][0] == key]
        if len(group) > 1:
            same.append([{"id": i.id, "name": i.name, "division": i.division} for i in group])
    return _sorted(_dates(dates) + _links(links, day) + _leads(leads, day) + _same_name(same))


def _same_name(groups: list[list[Row]]) -> list[Finding]:
    """One warning per name held by institutions of more than one division."""
    out = []
    for group in groups:
        if len({g["division"] for g in group}) < 2:
            continue
        first, *others = sorted(group, key=lambda g: g["id"])
        out.append(
            integrity_finding(
                "integrity.same_name_elsewhere",
                SubjectKind.INSTITUTION,
                first["id"],
                first["name"],
                related=tuple(o["id"] for o in others),
                others="、".join(o["id"] for o in others),
                divisions="、".join(sorted({str(g["division"] or "—") for g in group})),
            )
        )
    return out


def _outside(mine: date | None, theirs: date | None, *, before: bool) -> bool:
    if theirs is None:
        return False
    if mine is None:
        return True
    return mine < theirs if before else mine > theirs


def _member_on(graph: MemoryGraph, institution: Any, alliance: Any, on: date) -> bool:
    """Whether the institution (node) is a member of the alliance (node) on `on`."""
    return any(
        a == alliance and m.holds_on(on)
        for a, m in graph.out_list(institution, Rel.MEMBER_OF)
    )  # fmt: skip


def _link_row(
    graph: MemoryGraph,
    kind: str,
    u: Any,
    lower: Any,
    alliance: str,
    upper_in: bool,
    lower_in: bool,
) -> Row:
    """The finding's row: an end of the pairing or channel is not a member on the day."""
    a = graph.get(Label.ALLIANCE, alliance)
    return {
        "kind": kind,
        "alliance": {"id": a.id, "name": a.name},
        "upper": {"id": u.id, "name": u.name},
        "lower": {"id": lower.id, "name": lower.name},
        "upper_in": upper_in,
        "lower_in": lower_in,
    }


def _dates(rows: list[Row]) -> list[Finding]:
    out = []
    for r in rows:
        a, m = r["alliance"], r["member"]
        out.append(
            integrity_finding(
                "integrity.membership_outside_alliance",
                SubjectKind.INSTITUTION,
                m["id"],
                m["name"],
                related=(a["id"],),
                member=m["name"],
                alliance=a["name"],
                m_from=shown(to_date(r["m_from"])),
                m_to=shown(to_date(r["m_to"])),
                a_from=shown(to_date(a["valid_from"])),
                a_to=shown(to_date(a["valid_to"])),
            )
        )
    return out


def _links(rows: list[Row], on: date) -> list[Finding]:
    out = []
    for r in rows:
        a, u, lo = r["alliance"], r["upper"], r["lower"]
        missing = "、".join(
            x["name"] for x, ok in ((u, r["upper_in"]), (lo, r["lower_in"])) if not ok
        )
        out.append(
            integrity_finding(
                f"integrity.{r['kind']}_outside_alliance",
                SubjectKind.ALLIANCE,
                a["id"],
                a["name"],
                related=(u["id"], lo["id"]),
                upper=u["name"],
                lower=lo["name"],
                missing=missing,
                on=on.isoformat(),
            )
        )
    return out


def _leads(rows: list[Row], on: date) -> list[Finding]:
    return [
        integrity_finding(
            "integrity.lead_not_member",
            SubjectKind.ALLIANCE,
            r["alliance"]["id"],
            r["alliance"]["name"],
            related=(r["member"]["id"],),
            member=r["member"]["name"],
            m_from=shown(to_date(r["m_from"])),
            m_to=shown(to_date(r["m_to"])),
            on=on.isoformat(),
        )
        for r in rows
    ]


def _sorted(found: list[Finding]) -> list[Finding]:
    return list(sorted_findings(list(set(found))))


DATA_INTEGRITY = NamedQuery(
    "data_integrity",
    on_neo4j,
    on_networkx,
    "memberships outside their alliance's dates, pairings and channels outside their alliance",
)
