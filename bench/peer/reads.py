"""The reads the peer benchmark times, written once for each server, and how answers compare.

Each read is a GraphQL document for alliancegraph (only the public schema, `schema.graphql`
at the repository root, so a rewrite of the resolvers cannot break it) and, where the Neo4j
GraphQL Library can express it, one for the peer (`typedefs.graphql`). Both take the id as
the variable `$id`. Before anything is timed every id of the rotation is asked of both
servers and the answers must be equal after `normalise_*`:

- order is not part of the answer: alliancegraph lists members lead first and the peer in
  whatever order Neo4j returns, so lists become sorted tuples;
- enum spelling: alliancegraph answers GraphQL enums (`TERTIARY`, `UPPER`), the peer the
  stored lower-case strings (`tertiary`), so levels and directions are lower-cased;
- a missing object is `None` on both sides (alliancegraph answers `null`, the peer `[]`).

alliancegraph filters memberships and pairings by validity date (`on`, default today); the
peer's answers are unfiltered. The synthetic data's relationships are all valid today, so
the two must agree, and `check` asserts it id by id.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Answer = dict[str, Any]
Normalised = Any


def _institution(i: Answer) -> tuple[str, str, str]:
    return (i["id"], i["name"], i["level"].lower())


def _names(alliances: list[Answer]) -> tuple[str, ...]:
    return tuple(sorted(a["name"] for a in alliances))


def _only(rows: list[Answer]) -> Answer | None:
    """The peer answers a list for a lookup by id; more than one is a broken uniqueness."""
    if len(rows) > 1:
        raise ValueError(f"the peer found {len(rows)} nodes for one id")
    return rows[0] if rows else None


# ---- 1. nested: alliance → members → institution → its alliances ---------------------------

NESTED_OURS = """query Nested($id: ID!) {
  alliance(id: $id) { id members { institution { id name level alliances { name } } } }
}"""
NESTED_PEER = """query Nested($id: String!) {
  alliances(where: { id: { eq: $id } }) { id members { id name level alliances { name } } }
}"""


def _nested(alliance: Answer | None, members: Callable[[Answer], list[Answer]]) -> Normalised:
    if alliance is None:
        return None
    return (
        alliance["id"],
        tuple(sorted((*_institution(m), _names(m["alliances"])) for m in members(alliance))),
    )


def nested_ours(data: Answer) -> Normalised:
    return _nested(data["alliance"], lambda a: [m["institution"] for m in a["members"]])


def nested_peer(data: Answer) -> Normalised:
    return _nested(_only(data["alliances"]), lambda a: list(a["members"]))


# ---- 2. one hop: institution → its alliances -------------------------------------------------

ONE_HOP_OURS = """query OneHop($id: ID!) {
  institution(id: $id) { id name level alliances { name } }
}"""
ONE_HOP_PEER = """query OneHop($id: String!) {
  institutions(where: { id: { eq: $id } }) { id name level alliances { name } }
}"""


def _one_hop(i: Answer | None) -> Normalised:
    return None if i is None else (*_institution(i), _names(i["alliances"]))


def one_hop_ours(data: Answer) -> Normalised:
    return _one_hop(data["institution"])


def one_hop_peer(data: Answer) -> Normalised:
    return _one_hop(_only(data["institutions"]))


# ---- 3. counterparts: the other side of each PAIRED_WITH, with its alliance ------------------

COUNTERPARTS_OURS = """query Counterparts($id: String!) {
  counterparts(institution: $id) { direction alliance { id } institution { id name level } }
}"""
# (upper)-[:PAIRED_WITH {alliance}]->(lower): a counterpart reached against the arrow is
# the upper side, as alliancegraph's `direction: UPPER` says.
COUNTERPARTS_PEER = """query Counterparts($id: String!) {
  institutions(where: { id: { eq: $id } }) {
    upperCounterpartsConnection { edges { properties { alliance } node { id name level } } }
    lowerCounterpartsConnection { edges { properties { alliance } node { id name level } } }
  }
}"""


def counterparts_ours(data: Answer) -> Normalised:
    rows = data["counterparts"]
    if rows is None:
        return None
    return tuple(
        sorted(
            (c["direction"].lower(), c["alliance"]["id"], *_institution(c["institution"]))
            for c in rows
        )
    )


def counterparts_peer(data: Answer) -> Normalised:
    i = _only(data["institutions"])
    if i is None:
        return None
    return tuple(
        sorted(
            (direction, e["properties"]["alliance"], *_institution(e["node"]))
            for direction, field in (("upper", "upperCounterparts"), ("lower", "lowerCounterparts"))
            for e in i[f"{field}Connection"]["edges"]
        )
    )


# ---- 4. referral route: alliancegraph only ---------------------------------------------------

ROUTE_OURS = """query Route($id: String!) {
  referralRoute(input: { origin: $id, condition: "general" }) {
    verdict policy hops { to { id } rule { id } } destinations { id preferred }
  }
}"""


def route_ours(data: Answer) -> Normalised:
    r = data["referralRoute"]
    return None if r is None else (r["verdict"], len(r["hops"]), len(r["destinations"]))


@dataclass(frozen=True)
class Read:
    """One read, for both servers; `peer` is None when the library cannot express it."""

    key: str
    label: str
    ids: str  # "alliances" or "institutions": which rotation of ids it takes
    ours: str
    normalise_ours: Callable[[Answer], Normalised]
    peer: str | None = None
    normalise_peer: Callable[[Answer], Normalised] | None = None
    why_not_peer: str = ""

    def size(self, normalised: Normalised) -> int:
        """How many results an answer holds (members, alliances, counterparts, hops)."""
        if normalised is None:
            return 0
        if self.key == "nested":
            return len(normalised[1])
        if self.key == "one_hop":
            return len(normalised[3])
        if self.key == "route":
            return int(normalised[2])
        return len(normalised)


READS: tuple[Read, ...] = (
    Read("nested", "nested: alliance → ~360 members → their alliances", "alliances",
         NESTED_OURS, nested_ours, NESTED_PEER, nested_peer),
    Read("one_hop", "one hop: institution → its alliances", "institutions",
         ONE_HOP_OURS, one_hop_ours, ONE_HOP_PEER, one_hop_peer),
    Read("counterparts", "counterparts of an institution", "institutions",
         COUNTERPARTS_OURS, counterparts_ours, COUNTERPARTS_PEER, counterparts_peer),
    Read("route", "referral route (general) from a township centre", "institutions",
         ROUTE_OURS, route_ours,
         why_not_peer="a route applies the region's policy rules in order (domain.md §5); "
                      "the library maps types to nodes and cannot express it"),
)  # fmt: skip


@dataclass
class Mismatch:
    read: str
    id: str
    ours: Normalised
    peer: Normalised


def compare(
    read: Read, ident: str, ours: Answer, peer: Answer | None
) -> tuple[Normalised, Mismatch | None]:
    """Normalise both answers to one id; a Mismatch when they differ or ours is empty."""
    mine = read.normalise_ours(ours)
    if read.normalise_peer is None or peer is None:
        return mine, None
    theirs = read.normalise_peer(peer)
    return mine, None if mine == theirs else Mismatch(read.key, ident, mine, theirs)


def body(document: str, ident: str) -> str:
    """The JSON body of one request, as both servers take it."""
    import json

    return json.dumps({"query": document, "variables": {"id": ident}}, ensure_ascii=False)
