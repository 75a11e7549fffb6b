"""Look up an institution by id, by exact name (either script, with or without its place), or
the institutions whose names are closest to a name that matched nothing.

Exact names first: an institution's own name or `names_alt`. Only when none has the name,
the place keys (`graphmodel.names.place_keys`): 鄂州市中医医院 finds 市中医医院 in 鄂州市, and
市中医医院 finds 牡丹江市中医医院 when no institution is called 市中医医院 itself.

Closest names: candidates are the institutions holding one of the typed key's n-grams
(`graphmodel.names.grams`: 3 pieces covering it, then its trigrams; at most `MAX_GRAMS` = 12)
in any key, skipping any n-gram held by more than `GRAM_BOUND` = 1000 institutions; both
stores apply that bound the same way and rank with the same function
(`graphmodel.names.closest`, rapidfuzz Levenshtein), so their answers are equal. On Neo4j
one statement runs a TEXT-index CONTAINS per n-gram, each LIMITed to GRAM_BOUND + 1 rows:
at most 12 × 1001 candidate rows, whatever the size of the database. The guarantee "nothing
within 2 edits is missed" holds unless every piece that survives in that name is too common
to use; the trigrams then still find most (synthetic 20k: 30 of 30 one-character typos).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import LiteralString

from graphmodel.enums import Label
from graphmodel.institution import Institution
from graphmodel.names import (
    GRAM_BOUND,
    SEPARATOR,
    alt_needle,
    closest,
    grams,
    name_key,
    split_keys,
)
from graphmodel.store import NamedQuery, Reader
from stores.memory import MemoryGraph
from stores.props import institution_from

BY_ID: LiteralString = "MATCH (i:Institution {id: $id}) RETURN i"

BY_NAME: LiteralString = """
CALL () {
  MATCH (i:Institution) WHERE i.name_key = $key RETURN i
  UNION
  MATCH (i:Institution) WHERE i.alt_keys CONTAINS $needle RETURN i
}
RETURN i ORDER BY i.id
"""

BY_PLACE: LiteralString = """
MATCH (i:Institution) WHERE i.search_keys CONTAINS $needle
RETURN i ORDER BY i.id
"""

# Per n-gram at most $bound + 1 index entries; an n-gram with more holders is skipped.
CANDIDATES: LiteralString = """
UNWIND $grams AS g
CALL (g) {
  MATCH (i:Institution) WHERE i.search_keys CONTAINS g
  RETURN i.id AS id LIMIT $cap
}
WITH g, collect(id) AS ids
WHERE size(ids) <= $bound
UNWIND ids AS id
WITH DISTINCT id
MATCH (i:Institution {id: id})
RETURN i.id AS id, i.name AS name, i.search_keys AS keys
"""

SEARCH: LiteralString = """
MATCH (i:Institution) WHERE i.name_key CONTAINS $key
RETURN i ORDER BY size(i.name_key), i.id LIMIT $limit
"""


def by_id_on_neo4j(reader: Reader, id: str) -> Institution | None:
    rows = reader.rows(BY_ID, id=id)
    return institution_from(rows[0]["i"]) if rows else None


def by_id_on_networkx(graph: MemoryGraph, id: str) -> Institution | None:
    """The institution with this id, or None.

    >>> from queries._examples import tiny
    >>> by_id_on_networkx(tiny(), "township").name
    '示例镇卫生院'
    """
    found: Institution | None = graph.get(Label.INSTITUTION, id)
    return found


def by_name_on_neo4j(reader: Reader, name: str) -> list[Institution]:
    key = name_key(name)
    rows = reader.rows(BY_NAME, key=key, needle=alt_needle(key))
    if not rows and SEPARATOR not in key:
        rows = reader.rows(BY_PLACE, needle=alt_needle(key))
    return [institution_from(r["i"]) for r in rows]


def by_name_on_networkx(graph: MemoryGraph, name: str) -> list[Institution]:
    """Institutions whose name or alternative name is `name`, in either script, sorted by id;
    if none, those that `name` names with (or without) their place.

    >>> from queries._examples import tiny
    >>> [i.id for i in by_name_on_networkx(tiny(), "示例县医院")]
    ['county-hospital']
    """
    key = name_key(name)
    ids = sorted(graph.by_name.get(key, ()) or graph.by_place.get(key, ()))
    return [graph.get(Label.INSTITUTION, i) for i in ids]


@dataclass(frozen=True)
class NameCandidate:
    """An institution whose name is near what was typed."""

    id: str
    name: str
    key: str  # the nearest of its name keys
    distance: int  # edits from the typed name's key

    def __str__(self) -> str:
        return f"{self.id} ({self.name})"


def candidates_on_neo4j(reader: Reader, name: str, limit: int = 5) -> list[NameCandidate]:
    key = name_key(name)
    wanted = list(grams(key))
    if not wanted:
        return []
    rows = reader.rows(CANDIDATES, grams=wanted, bound=GRAM_BOUND, cap=GRAM_BOUND + 1)
    found = [(r["id"], r["name"], split_keys(r["keys"] or "")) for r in rows]
    return [NameCandidate(*c) for c in closest(key, found, limit)]


def candidates_on_networkx(graph: MemoryGraph, name: str, limit: int = 5) -> list[NameCandidate]:
    """The `limit` institutions whose names (with or without place) are fewest edits from
    `name`, nearest first (see the module docstring for the prefilter's bound).

    >>> from queries._examples import tiny
    >>> [(c.id, c.distance) for c in candidates_on_networkx(tiny(), "示例县医阮")]
    [('county-hospital', 1)]
    """
    key = name_key(name)
    wanted = grams(key)
    if not wanted:
        return []
    # Each n-gram's holders, up to one past the bound (more: the n-gram is skipped).
    holders = {g: graph.substrings.holders(g, GRAM_BOUND + 1) for g in wanted}
    ids = {i for ids in holders.values() if len(ids) <= GRAM_BOUND for i in ids}
    found = [
        (i, graph.get(Label.INSTITUTION, i).name, split_keys(graph.search_text[i]))
        for i in sorted(ids)
    ]
    return [NameCandidate(*c) for c in closest(key, found, limit)]


def search_on_neo4j(reader: Reader, text: str, limit: int = 10) -> list[Institution]:
    rows = reader.rows(SEARCH, key=name_key(text), limit=limit)
    return [institution_from(r["i"]) for r in rows]


def search_on_networkx(graph: MemoryGraph, text: str, limit: int = 10) -> list[Institution]:
    """Institutions whose (simplified) name contains `text`: shortest names first.

    >>> from queries._examples import tiny
    >>> [i.id for i in search_on_networkx(tiny(), "人民医院")]
    ['city-hospital', 'county-hospital']
    """
    return graph.substrings.search(name_key(text), limit)


INSTITUTION = NamedQuery("institution", by_id_on_neo4j, by_id_on_networkx, "an institution by id")
INSTITUTIONS_NAMED = NamedQuery(
    "institutions_named",
    by_name_on_neo4j,
    by_name_on_networkx,
    "institutions with an exact name, either script, with or without its place",
)
INSTITUTION_CANDIDATES = NamedQuery(
    "institution_candidates",
    candidates_on_neo4j,
    candidates_on_networkx,
    "the institutions whose names are closest to a name (edit distance)",
)
INSTITUTION_SEARCH = NamedQuery(
    "institution_search",
    search_on_neo4j,
    search_on_networkx,
    "institutions whose name contains a text",
)
