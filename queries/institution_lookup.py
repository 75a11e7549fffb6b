"""Look up an institution by id, or every institution with an exact name (either script)."""

from __future__ import annotations

from typing import LiteralString

from graphmodel.enums import Label
from graphmodel.institution import Institution
from graphmodel.names import alt_needle, name_key
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
    return [institution_from(r["i"]) for r in rows]


def by_name_on_networkx(graph: MemoryGraph, name: str) -> list[Institution]:
    """Institutions whose name or alternative name is `name`, in either script, sorted by id.

    >>> from queries._examples import tiny
    >>> [i.id for i in by_name_on_networkx(tiny(), "示例县医院")]
    ['county-hospital']
    """
    ids = sorted(graph.by_name.get(name_key(name), ()))
    return [graph.get(Label.INSTITUTION, i) for i in ids]


def search_on_neo4j(reader: Reader, text: str, limit: int = 10) -> list[Institution]:
    rows = reader.rows(SEARCH, key=name_key(text), limit=limit)
    return [institution_from(r["i"]) for r in rows]


def search_on_networkx(graph: MemoryGraph, text: str, limit: int = 10) -> list[Institution]:
    """Institutions whose (simplified) name contains `text`: shortest names first.

    >>> from queries._examples import tiny
    >>> [i.id for i in search_on_networkx(tiny(), "人民医院")]
    ['city-hospital', 'county-hospital']
    """
    key = name_key(text)
    keys = graph.name_keys
    hits = [i for i in graph.all(Label.INSTITUTION) if key in keys[i.id][0]]
    hits.sort(key=lambda i: (len(keys[i.id][0]), i.id))
    return hits[:limit]


INSTITUTION = NamedQuery("institution", by_id_on_neo4j, by_id_on_networkx, "an institution by id")
INSTITUTIONS_NAMED = NamedQuery(
    "institutions_named",
    by_name_on_neo4j,
    by_name_on_networkx,
    "institutions with an exact name, either script",
)
INSTITUTION_SEARCH = NamedQuery(
    "institution_search",
    search_on_neo4j,
    search_on_networkx,
    "institutions whose name contains a text",
)
