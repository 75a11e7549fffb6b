"""Type-ahead: the institutions any of whose names, own or alternative, contains what was
typed, in either script, for a planner choosing an institution from a list.

`institution_search` (the CLI's) looks at the primary name only; a planner who types the
name a document printed (三道通镇卫生院 for 三道镇通卫生院, kept in `names_alt`) must find it
too. The answer order is the same as there, shortest primary name first, then by id, so the
closest match to a short text comes first. On Neo4j both halves are TEXT-index CONTAINS
(`name_key`, `alt_keys`); on the embedded store one C-speed walk over every institution's
name keys joined (`stores.substrings.SubstringIndex.search_all`).

The name separator (`|`) is in no key: a text holding it matches nothing on either store.
"""

from __future__ import annotations

from typing import LiteralString

from graphmodel.institution import Institution
from graphmodel.names import SEPARATOR, name_key
from graphmodel.store import NamedQuery, Reader
from stores.memory import MemoryGraph
from stores.props import institution_from

CYPHER: LiteralString = """
CALL () {
  MATCH (i:Institution) WHERE i.name_key CONTAINS $key RETURN i
  UNION
  MATCH (i:Institution) WHERE i.alt_keys CONTAINS $key RETURN i
}
RETURN i ORDER BY size(i.name_key), i.id LIMIT $limit
"""


def on_neo4j(reader: Reader, text: str, limit: int = 10) -> list[Institution]:
    key = name_key(text)
    if not key or SEPARATOR in key or limit <= 0:
        return []
    return [institution_from(r["i"]) for r in reader.rows(CYPHER, key=key, limit=limit)]


def on_networkx(graph: MemoryGraph, text: str, limit: int = 10) -> list[Institution]:
    """Institutions any of whose names (simplified) contains `text`: shortest names first.

    >>> from queries._examples import tiny
    >>> [i.id for i in on_networkx(tiny(), "人民醫院")]
    ['city-hospital', 'county-hospital']
    >>> on_networkx(tiny(), "")
    []
    """
    return list(graph.substrings.search_all(name_key(text), limit))


INSTITUTION_SUGGEST = NamedQuery(
    "institution_suggest",
    on_neo4j,
    on_networkx,
    "institutions any of whose names (own or alternative) contains a text",
)
