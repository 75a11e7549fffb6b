"""Referral route: where may this patient be referred from here, by which route, under which rule?

Each store gathers a `RouteContext` in one round trip: on Neo4j one Cypher statement whose
bounded quantified path pattern (at most six hops) checks each pairing's validity during
expansion and keeps every path inside one alliance; on networkx the same walk over
adjacency. `graphmodel.routing.decide` then applies the region's rules to either.
"""

from __future__ import annotations

from collections import deque
from datetime import date
from typing import Any, LiteralString

from graphmodel.enums import Direction, Label, Rel
from graphmodel.errors import NotFoundError
from graphmodel.institution import Institution
from graphmodel.policy import ConditionCategory, Policy
from graphmodel.route_pool import Pool, kept
from graphmodel.routing import MAX_HOPS, Candidate, Link, Route, RouteContext, RouteRequest, decide
from graphmodel.store import NamedQuery, Reader
from graphmodel.validity import today
from stores.memory import MemoryGraph, NodeKey
from stores.props import (
    alliance_from,
    channel_from,
    institution_from,
    pairing_from,
    rule_from,
    to_date,
)

# Read per node of a walk: the plain strings, not the enum's `value` property each time.
_INSTITUTION, _ALLIANCE = Label.INSTITUTION.value, Label.ALLIANCE.value

# The origin, its ancestry and the policy that applies there on $on: the nearest region's,
# the latest in force. Shared with `route_conditions`, which must choose the same policy.
APPLYING_POLICY: LiteralString = """
MATCH (o:Institution {id: $origin})
OPTIONAL MATCH (o)-[:LOCATED_IN]->(home:Division)
CALL (home) {
  OPTIONAL MATCH p = (home)-[:PART_OF]->{0,6}(anc:Division)
  WITH anc, length(p) AS depth ORDER BY depth
  RETURN collect(anc.id) AS ancestry
}
CALL (ancestry) {
  OPTIONAL MATCH (pol:Policy)-[:APPLIES_TO]->(reg:Division)
  WHERE reg.id IN ancestry AND coalesce(pol.valid_from, date('0001-01-01')) <= $on
    AND coalesce(pol.valid_to, date('9999-12-31')) >= $on
  WITH pol, reg,
       [k IN range(0, size(ancestry) - 1) WHERE ancestry[k] = reg.id][0] AS closeness
  ORDER BY closeness, pol.valid_from DESC, pol.id
  LIMIT 1
  RETURN pol, reg
}
"""

CYPHER: LiteralString = (
    APPLYING_POLICY
    + """CALL (pol) {
  OPTIONAL MATCH (pol)-[:HAS_RULE]->(r:Rule)
  OPTIONAL MATCH (r)-[:DESIGNATES]->(t:Institution)
  WITH r, collect(t) AS targets
  RETURN collect({rule: r, targets: targets}) AS rules
}
CALL (o) {
  OPTIONAL MATCH p = (o)(()<-[e:PAIRED_WITH
      WHERE coalesce(e.valid_from, date('0001-01-01')) <= $on
        AND coalesce(e.valid_to, date('9999-12-31')) >= $on]-()){1,6}()
  WHERE all(x IN e WHERE x.alliance = e[0].alliance)
  UNWIND CASE WHEN p IS NULL THEN [] ELSE relationships(p) END AS rel
  WITH DISTINCT rel
  RETURN collect({fact: rel, upper: startNode(rel), lower: endNode(rel)}) AS up_pairs
}
CALL (o) {
  OPTIONAL MATCH (o)-[c:CHANNEL]->(t:Institution)
  WHERE c.direction = $direction
    AND (size(coalesce(c.conditions, [])) = 0 OR $condition IN c.conditions)
    AND coalesce(c.valid_from, date('0001-01-01')) <= $on
    AND coalesce(c.valid_to, date('9999-12-31')) >= $on
  RETURN collect({fact: c, other: t}) AS channels
}
CALL (o) {
  OPTIONAL MATCH (o)-[e:PAIRED_WITH]->(t:Institution)
  WHERE coalesce(e.valid_from, date('0001-01-01')) <= $on
    AND coalesce(e.valid_to, date('9999-12-31')) >= $on
  RETURN collect({fact: e, lower: t}) AS down_pairs
}
CALL (reg, ancestry) {
  // The region's institutions, and every member of an alliance that has a member there:
  // the secondary-and-above institutions a level-named referral from this region may reach
  // (a first-contact institution may refer to its own level too: 003 §三(二)2(1)).
  // The same for every origin of the region, so it is read from what the writer keeps
  // beside the facts (`loaders.neo4j_writer.REFRESH_POOL`), all on the region's own node:
  // its secondary-and-above institutions (`POOL_LOCAL`), the alliances with a member in it
  // (`POOL_HOST`), and those alliances' secondary-and-above members (`POOL_SENIOR`); never
  // the region's thousands of village clinics.
  WITH coalesce(reg.id, ancestry[1], ancestry[0]) AS scope_id
  OPTIONAL MATCH (scope:Division {id: scope_id})
  CALL (scope) {
    OPTIONAL MATCH (scope)<-[:POOL_LOCAL]-(i:Institution)
    RETURN collect(i) AS local
  }
  CALL (scope) {
    // Each alliance once, however many of its members are local.
    OPTIONAL MATCH (scope)<-[h:POOL_HOST]-(a:Alliance)
    WHERE coalesce(h.valid_from, date('0001-01-01')) <= $on
      AND coalesce(h.valid_to, date('9999-12-31')) >= $on
    WITH DISTINCT a
    OPTIONAL MATCH (a)<-[s:POOL_SENIOR]-(p:Institution)
    WHERE coalesce(s.valid_from, date('0001-01-01')) <= $on
      AND coalesce(s.valid_to, date('9999-12-31')) >= $on
    RETURN collect(DISTINCT p) AS linked
  }
  RETURN local + linked AS region_pool
}
CALL (o, home) {
  // Down: the lower institutions of the referring institution's own jurisdiction.
  WITH o, home WHERE $direction = 'down'
  MATCH (home)<-[:PART_OF]-{0,6}(:Division)<-[:LOCATED_IN]-(i:Institution)
  WHERE i.level_rank < o.level_rank
  RETURN collect(DISTINCT i) AS lower
}
CALL (region_pool) {
  UNWIND region_pool AS i
  WITH DISTINCT i
  OPTIONAL MATCH (i)-[:LOCATED_IN]->(d:Division)
  OPTIONAL MATCH q = (d)-[:PART_OF]->{0,6}(x:Division)
  WITH i, x, length(q) AS depth ORDER BY depth
  WITH i, collect(x.id) AS anc
  RETURN collect({institution: i, ancestry: anc}) AS pool
}
WITH o, ancestry, pol, rules, up_pairs, channels, down_pairs, pool, lower,
     [x IN up_pairs | x.fact.alliance] + [x IN channels | x.fact.alliance]
     + [x IN down_pairs | x.fact.alliance] AS alliance_ids
CALL (alliance_ids) {
  OPTIONAL MATCH (a:Alliance) WHERE a.id IN alliance_ids
  RETURN collect(a) AS alliances
}
OPTIONAL MATCH (ra:Institution {id: $readmission_of})
OPTIONAL MATCH (dest:Institution {id: $destination})
RETURN o, ancestry, pol, rules, up_pairs, channels, down_pairs, pool, lower, alliances, ra, dest
"""
)


def _policy_from(pol: dict[str, Any] | None, rules: list[dict[str, Any]]) -> Policy | None:
    if pol is None:
        return None
    names = pol.get("condition_names") or []
    names_en = pol.get("condition_names_en") or []
    conditions = tuple(
        ConditionCategory(id=c, name=names[k], name_en=names_en[k])
        for k, c in enumerate(pol.get("conditions") or [])
    )
    built = sorted((rule_from(r["rule"]) for r in rules if r["rule"]), key=lambda r: r.id)
    return Policy(
        id=pol["id"], region=pol["region"], document=pol["document"], version=pol["version"],
        valid_from=to_date(pol.get("valid_from")), valid_to=to_date(pol.get("valid_to")),
        status=pol.get("status") or "in_force", conditions=conditions, rules=tuple(built),
        source=pol.get("source") or "", assumption=pol.get("assumption") or "",
    )  # fmt: skip


def gather_on_neo4j(reader: Reader, request: RouteRequest) -> RouteContext:
    req = request
    rows = reader.rows(
        CYPHER,
        origin=req.origin,
        on=req.on or today(),
        condition=req.condition,
        direction=req.direction.value,
        readmission_of=req.readmission_of,
        destination=req.destination,
    )
    if not rows:
        raise NotFoundError("institution", req.origin)
    row = rows[0]
    institutions: dict[str, Institution] = {}

    def keep(props: dict[str, Any] | None) -> Institution | None:
        if props is None:
            return None
        i = institution_from(props)
        institutions.setdefault(i.id, i)
        return i

    origin = keep(row["o"])
    assert origin is not None
    alliances = {a["id"]: alliance_from(a) for a in row["alliances"]}
    for r in row["rules"]:
        for t in r["targets"]:
            keep(t)
    up = [
        Link(keep(x["lower"]).id, keep(x["upper"]).id,  # type: ignore[union-attr]
             alliances.get(x["fact"]["alliance"]), pairing=pairing_from(x["fact"]))
        for x in row["up_pairs"]
    ]  # fmt: skip
    channels = [(x["fact"], keep(x["other"])) for x in row["channels"] if x["fact"]]
    down = [
        Link(keep(x["lower"]).id, origin.id,  # type: ignore[union-attr]
             alliances.get(x["fact"]["alliance"]), pairing=pairing_from(x["fact"]))
        for x in row["down_pairs"] if x["fact"]
    ]  # fmt: skip
    for fact, other in channels:
        assert other is not None
        link = Link(origin.id, other.id, alliances.get(fact.get("alliance") or ""),
                    channel=channel_from(fact))  # fmt: skip
        if req.direction is Direction.UP:
            up.append(link)
        else:
            down.append(Link(other.id, origin.id, link.alliance, channel=link.channel))
    pool = [
        Candidate(keep(c["institution"]), tuple(c["ancestry"]))  # type: ignore[arg-type]
        for c in row["pool"]
    ]
    lower = [Candidate(keep(i), ()) for i in row["lower"]]  # type: ignore[arg-type]
    keep(row["ra"])
    keep(row["dest"])
    return _context(origin, tuple(row["ancestry"]), _policy_from(row["pol"], row["rules"]),
                    institutions, up, down, pool, lower)  # fmt: skip


def gather_on_networkx(graph: MemoryGraph, request: RouteRequest) -> RouteContext:
    req = request
    day = req.on or today()
    by_id: dict[str, Any] = graph.by_label.get(_INSTITUTION, {})
    origin: Institution | None = by_id.get(req.origin)
    if origin is None:
        raise NotFoundError("institution", req.origin)
    ancestry, policy, pool, known = _home(graph, origin.division, day)
    institutions = dict(known)
    institutions[origin.id] = origin
    up = _up_pairs(graph, origin.id, day)
    alliances = graph.by_label.get(_ALLIANCE, {})
    node = (_INSTITUTION, origin.id)
    down = [
        Link(t[1], origin.id, alliances.get(p.alliance), pairing=p)
        for t, p in graph.out_list(node, Rel.PAIRED_WITH)
        if p.holds_on(day)
    ]
    for end, c in graph.out_list(node, Rel.CHANNEL):
        if (
            c.direction is req.direction
            and (not c.conditions or req.condition in c.conditions)
            and c.holds_on(day)
        ):
            a = alliances.get(c.alliance) if c.alliance else None
            if req.direction is Direction.UP:
                up.append(Link(origin.id, end[1], a, channel=c))
            else:
                down.append(Link(end[1], origin.id, a, channel=c))
    for link in (*up, *down):
        institutions[link.lower] = by_id[link.lower]
        institutions[link.upper] = by_id[link.upper]
    lower = []
    if req.direction is Direction.DOWN and origin.division:
        from queries.division_institutions import on_networkx as in_division

        rank = origin.level.rank
        lower = [Candidate(i, ()) for i in in_division(graph, origin.division)
                 if i.level.rank < rank]  # fmt: skip
    for c in lower:
        institutions[c.institution.id] = c.institution
    for extra in (req.readmission_of, req.destination):
        found = by_id.get(extra) if extra else None
        if found is not None:
            institutions[found.id] = found
    return _context(origin, ancestry, policy, institutions, up, down, pool, lower)


def _home(
    graph: MemoryGraph, division: str | None, day: date
) -> tuple[tuple[str, ...], Policy | None, Pool, dict[str, Institution]]:
    """What a route reads of its origin's division on `day`: the ancestry, the policy in
    force there, the region's pool and the institutions every route of the pool refers
    to. The same for every origin of the division, so kept per division and day: one
    lookup per route instead of four."""
    memo = graph.day_memo(day)
    key = ("route-home", division)
    found: tuple[tuple[str, ...], Policy | None, Pool, dict[str, Institution]] | None
    found = memo.get(key)
    if found is None:
        ancestry = _ancestry(graph, division)
        policy = _policy(graph, ancestry, day)
        pool = _candidates(graph, policy, ancestry, day)
        found = memo[key] = (ancestry, policy, pool, _known(graph, policy, pool))
    return found


def _known(graph: MemoryGraph, policy: Policy | None, pool: Pool) -> dict[str, Institution]:
    """The institutions every route of the pool's region refers to whatever its origin (the
    candidates, those the policy designates), by id: kept on the pool per policy."""

    def make() -> dict[str, Institution]:
        found = {c.institution.id: c.institution for c in pool}
        for rule in policy.rules if policy else ():
            for t in rule.designates:
                found[t] = graph.get(Label.INSTITUTION, t)
        return found

    return kept(pool, ("institutions", policy.id if policy else None), make)


def _context(
    origin: Institution,
    ancestry: tuple[str, ...],
    policy: Policy | None,
    institutions: dict[str, Institution],
    up: list[Link],
    down: list[Link],
    pool: list[Candidate] | Pool,
    lower: list[Candidate],
) -> RouteContext:
    return RouteContext(
        origin=origin,
        ancestry=ancestry,
        policy=policy,
        institutions=institutions,  # compared as a mapping: its order is nobody's business
        up_links=_sorted_links(up),
        down_links=_sorted_links(down),
        pool=pool if isinstance(pool, Pool) else _sorted_pool(pool),
        lower=tuple(sorted(lower, key=lambda c: c.institution.id)),
    )


def _link_key(x: Link) -> tuple[str, str, str, str]:
    fact = x.pairing.key if x.pairing else x.channel.key if x.channel else ""
    return (x.lower, x.upper, x.alliance.id if x.alliance else "", fact)


def _ends(x: Link) -> tuple[str, str, str]:
    return (x.lower, x.upper, x.alliance.id if x.alliance else "")


def _sorted_links(links: list[Link]) -> tuple[Link, ...]:
    """`links` by `_link_key`. When no two share their ends and alliance, the fact's key
    (formatted from its dates) never decides the order, so it is not built."""
    if len(links) < 2:
        return tuple(links)
    if len({_ends(x) for x in links}) == len(links):
        return tuple(sorted(links, key=_ends))
    return tuple(sorted(links, key=_link_key))


def _sorted_pool(pool: list[Candidate]) -> Pool:
    return Pool(sorted(pool, key=lambda c: c.institution.id))


def _candidates(
    graph: MemoryGraph, policy: Policy | None, ancestry: tuple[str, ...], day: date
) -> Pool:
    """The region's pool, the same for every origin of the region on a day: computed once,
    and kept with what routes derive from it (`graphmodel.route_pool`)."""
    scope = _scope(policy, ancestry)
    memo, key = graph.day_memo(day), ("route-pool", scope)
    if key not in memo:
        memo[key] = _sorted_pool(
            [Candidate(i, _ancestry(graph, i.division)) for i in _pool(graph, scope, day)]
        )
    found: Pool = memo[key]
    return found


def _scope(policy: Policy | None, ancestry: tuple[str, ...]) -> str | None:
    if policy:
        return policy.region
    return ancestry[1] if len(ancestry) > 1 else ancestry[0] if ancestry else None


def _ancestry(graph: MemoryGraph, division: str | None) -> tuple[str, ...]:
    key = ("ancestry", division)
    if key not in graph.memo:
        graph.memo[key] = _walk_up(graph, division)
    found: tuple[str, ...] = graph.memo[key]
    return found


def _walk_up(graph: MemoryGraph, division: str | None) -> tuple[str, ...]:
    out: list[str] = []
    node = (Label.DIVISION.value, division) if division else None
    while node is not None and node in graph and len(out) <= MAX_HOPS:
        out.append(node[1])
        parents = [p for p, _ in graph.out(node, Rel.PART_OF)]
        node = parents[0] if parents else None
    return tuple(out)


def _policy(graph: MemoryGraph, ancestry: tuple[str, ...], day: date) -> Policy | None:
    """The policy in force for `ancestry` on `day`, nearest region first: kept per both."""
    memo, key = graph.day_memo(day), ("route-policy", ancestry)
    if key not in memo:
        memo[key] = _find_policy(graph, ancestry, day)
    found: Policy | None = memo[key]
    return found


def _find_policy(graph: MemoryGraph, ancestry: tuple[str, ...], day: date) -> Policy | None:
    best: tuple[int, Any, str, Policy] | None = None
    for closeness, d in enumerate(ancestry):
        for origin, _ in graph.into((Label.DIVISION.value, d), Rel.APPLIES_TO):
            p: Policy = graph.node_obj(origin)
            if (p.valid_from is not None and p.valid_from > day) or (
                p.valid_to is not None and p.valid_to < day
            ):  # a policy binds only within its period
                continue
            # Nearest region first, then the newest version (a null date sorts last).
            key = (closeness, -(p.valid_from.toordinal() if p.valid_from else 0), p.id, p)
            if best is None or key[:3] < best[:3]:
                best = key
    if best is None:
        return None
    return _ordered_policy(graph, best[3])


def _ordered_policy(graph: MemoryGraph, policy: Policy) -> Policy:
    """The policy with its rules in id order (as Neo4j's gathering returns them): made once
    per policy, however many ancestries it applies to."""
    key = ("route-ordered-policy", policy.id)
    if key not in graph.memo:
        graph.memo[key] = Policy(
            id=policy.id, region=policy.region, document=policy.document,
            version=policy.version, valid_from=policy.valid_from, valid_to=policy.valid_to,
            status=policy.status, conditions=policy.conditions,
            rules=tuple(sorted(policy.rules, key=lambda r: r.id)),
            source=policy.source, assumption=policy.assumption,
        )  # fmt: skip
    found: Policy = graph.memo[key]
    return found


def _up_pairs(graph: MemoryGraph, origin: str, day: date) -> list[Link]:
    """Every pairing on an upward path of at most six hops that stays in one alliance."""
    # By the edge object: the graph holds one per pairing key (`add_edges` merges on it),
    # so its identity is its key's, without formatting the key per visit.
    found: dict[int, Link] = {}
    queue = deque([(origin, None, 0)])
    seen: set[tuple[str, str | None]] = set()
    pairings = graph.pred[Rel.PAIRED_WITH]
    alliances = graph.by_label.get(_ALLIANCE, {})
    while queue:
        node, alliance, depth = queue.popleft()
        if depth == MAX_HOPS:
            continue
        for upper, p in pairings.get((_INSTITUTION, node), ()):
            if alliance is not None and p.alliance != alliance:
                continue
            # `p.holds_on(day)`, inline: this loop runs for every pairing of every route.
            if (p.valid_from is not None and p.valid_from > day) or (
                p.valid_to is not None and p.valid_to < day
            ):
                continue
            if id(p) not in found:
                found[id(p)] = Link(node, upper[1], alliances.get(p.alliance), pairing=p)
            state = (upper[1], p.alliance)
            if state not in seen:
                seen.add(state)
                queue.append((upper[1], p.alliance, depth + 1))
    return list(found.values())


def _pool(graph: MemoryGraph, scope: str | None, day: date) -> list[Institution]:
    """Secondary-and-above institutions of the region, and of the alliances any of its
    institutions belongs to on `day`. What does not depend on the day is kept per region
    (`_region_base`) and per alliance (`_higher_members`): a national region holds
    thousands of institutions, of which only a few dozen are candidates."""
    local_high, local_memberships = _region_base(graph, scope)
    found = {i.id: i for i in local_high}
    # Each alliance once, however many of its members are local.
    for a, held in local_memberships.items():
        if any(m.holds_on(day) for m in held):
            for i, m2 in _higher_members(graph, a):
                if m2.holds_on(day):
                    found.setdefault(i.id, i)
    return list(found.values())


def _region_base(
    graph: MemoryGraph, scope: str | None
) -> tuple[list[Institution], dict[NodeKey, list[Any]]]:
    """The region's secondary-and-above institutions, and per alliance the memberships
    of the region's institutions in it; computed once per region."""
    key = ("route-region", scope)
    found: tuple[list[Institution], dict[NodeKey, list[Any]]] | None = graph.memo.get(key)
    if found is None:
        from queries.division_institutions import on_networkx as in_division

        local = in_division(graph, scope) if scope else []
        held: dict[NodeKey, list[Any]] = {}
        for i in local:
            for a, m in graph.out_list((Label.INSTITUTION.value, i.id), Rel.MEMBER_OF):
                held.setdefault(a, []).append(m)
        found = graph.memo[key] = ([i for i in local if i.level.rank >= 2], held)
    return found


def _higher_members(graph: MemoryGraph, alliance: NodeKey) -> list[tuple[Institution, Any]]:
    """The alliance's secondary-and-above members with their memberships, once."""
    key = ("route-higher-members", alliance)
    found: list[tuple[Institution, Any]] | None = graph.memo.get(key)
    if found is None:
        found = []
        for other, m in graph.into_list(alliance, Rel.MEMBER_OF):
            i = graph.node_obj(other)
            if i.level.rank >= 2:
                found.append((i, m))
        graph.memo[key] = found
    return found


def on_neo4j(reader: Reader, request: RouteRequest) -> Route:
    return decide(gather_on_neo4j(reader, request), request)


def on_networkx(graph: MemoryGraph, request: RouteRequest) -> Route:
    """The route for `request`, decided on the region's rules.

    >>> from queries._examples import tiny
    >>> route = on_networkx(tiny(), RouteRequest(origin="county-hospital"))
    >>> route.allowed, [h.to.id for h in route.hops], [d.id for d in route.destinations]
    (True, ['city-hospital'], ['city-hospital'])
    """
    return decide(gather_on_networkx(graph, request), request)


REFERRAL_ROUTE = NamedQuery(
    "referral_route",
    on_neo4j,
    on_networkx,
    "where a patient may be referred, by which route and rule",
)
CONTEXT = NamedQuery(
    "route_context",
    gather_on_neo4j,
    gather_on_networkx,
    "what a route is decided on, gathered in one round trip",
)
