"""The compiled plan of a root field as a named query, so both stores run it through their
own `run` (Neo4j's load check and deadline, the embedded store's deadline check).

`PROJECTED` answers `(found, value)`: `found` is False only for a name that does not name
exactly one institution, which the caller then resolves the slow way to raise the right
error (ambiguous, or not found with the nearest names).
"""

from __future__ import annotations

from typing import Any

from api.projection import Sel
from api.projection_memory import Evaluator
from api.projection_neo4j import counterparts_statement, list_statement, one_statement, run
from graphmodel.enums import Label
from graphmodel.names import name_key
from graphmodel.store import NamedQuery, Reader, Statement
from graphmodel.validity import today
from queries.alliance_list import ALLIANCE_LIST, AllianceFilter
from queries.institution_list import INSTITUTION_LIST, InstitutionFilter
from queries.institution_lookup import by_name_on_networkx
from stores.memory import MemoryGraph


def _list_params(root: str, args: dict[str, Any]) -> dict[str, Any]:
    """The list query's own parameters, as `queries.institution_list` / `alliance_list`
    compute them."""
    f = args["filter"]
    common = {"after": args["after"], "on": args["on"] or today(), "limit": args["limit"]}
    if root == "institutions":
        assert isinstance(f, InstitutionFilter)
        return common | {
            "name": name_key(f.name) if f.name else None,
            "level": f.level.value if f.level else None,
            "type": f.type.value if f.type else None,
            "ownership": f.ownership.value if f.ownership else None,
            "division": f.division, "alliance": f.alliance,
        }  # fmt: skip
    assert isinstance(f, AllianceFilter)
    return common | {"kind": f.kind.value if f.kind else None, "lead": f.lead,
                     "division": f.division}  # fmt: skip


def on_neo4j(reader: Reader, root: str, sel: Sel, args: dict[str, Any], raw: bool = False
             ) -> tuple[bool, Any]:  # fmt: skip
    """`raw`: the projected maps instead of the API's objects (`api.direct` writes them)."""
    return run(reader, statement(root, sel, args, raw))  # type: ignore[no-any-return]


def statement(root: str, sel: Sel, args: dict[str, Any], raw: bool = False) -> Statement:
    """The one statement of `on_neo4j`, whichever driver runs it (`Neo4jStore.arun`)."""
    if root in {"institutions", "alliances"}:
        listed = list_statement(root, sel, _list_params(root, args), raw)
        return listed._replace(finish=lambda rows: (True, listed.finish(rows)))
    if root == "counterparts":
        return counterparts_statement(sel, args["ref"], args["link"], raw)
    return one_statement(root, sel, raw, **args)


def on_networkx(graph: MemoryGraph, root: str, sel: Sel, args: dict[str, Any],
                raw: bool = False) -> tuple[bool, Any]:  # fmt: skip
    """The API's objects, `raw` or not: they are what the walk makes anyway."""
    ev = Evaluator(graph)
    if root in {"institutions", "alliances"}:
        query = INSTITUTION_LIST if root == "institutions" else ALLIANCE_LIST
        found = query.on_networkx(graph, filter=args["filter"], limit=args["limit"],
                                  after=args["after"], on=args["on"])  # fmt: skip
        return True, [ev.build(sel, x) for x in found]
    if root in {"institution", "counterparts"}:
        ref = args["ref"]
        hit = graph.get(Label.INSTITUTION, ref)
        named = [hit] if hit is not None else by_name_on_networkx(graph, ref)
        if len(named) != 1:
            return False, None
        if root == "institution":
            return True, ev.build(sel, named[0])
        from api.projection_memory import WALKS

        found = WALKS[("Institution", "counterparts")](graph, named[0], args["link"])
        return True, [ev.build(sel, c) for c in found]
    label = Label.ALLIANCE if root == "alliance" else Label.DIVISION
    return True, ev.build(sel, graph.get(label, args["id"]))


PROJECTED = NamedQuery(
    "projected",
    on_neo4j,
    on_networkx,
    "a root field's whole selection, compiled (api/)",
    neo4j_statement=statement,
)
