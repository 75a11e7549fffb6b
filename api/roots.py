"""The root fields whose whole selection compiles into one plan (`api.projection`).

Why a module of their own: two callers answer them, the resolvers of `api.query.Query`
(through graphql-core) and `api.direct` (straight from the plan, without graphql-core's
field execution), and both must run the same plan with the same arguments. Each function
takes the request's `Context`, a `Planner` for the root field and the field's arguments
as strawberry hands them to a resolver (Python names, input objects and enums converted),
and `raw` (on Neo4j, answer the projected maps, not the API's objects: only `api.direct`
reads those), and answers `(found, value)`: `found` is False only when a reference does not name
exactly one institution, which the resolver then answers the slow way to raise the right
error (ambiguous, or not found with the nearest names).
"""

from __future__ import annotations

import operator
from collections.abc import Awaitable, Callable
from typing import Any

from api.context import Context
from api.pagination import connection, decode_cursor, page_size
from api.projection import Planner
from api.projection_query import PROJECTED
from queries.alliance_list import AllianceFilter
from queries.institution_list import InstitutionFilter

Answer = tuple[bool, Any]


async def institution(
    context: Context, planner: Planner, args: dict[str, Any], raw: bool = False
) -> Answer:
    sel = planner.root_sel("Institution")
    found: Answer = await context.run(PROJECTED, root="institution", sel=sel,
                                      args={"ref": str(args["id"])}, raw=raw)  # fmt: skip
    return found


async def institutions(
    context: Context, planner: Planner, args: dict[str, Any], raw: bool = False
) -> Answer:
    size = page_size(args.get("first", 20), context.settings.max_page_size)
    f = args.get("filter")
    query_filter = InstitutionFilter(
        name=getattr(f, "name", None), level=getattr(f, "level", None),
        type=getattr(f, "type", None), ownership=getattr(f, "ownership", None),
        division=getattr(f, "division", None), alliance=getattr(f, "alliance", None),
    )  # fmt: skip
    listed = {"filter": query_filter, "limit": size + 1,
              "after": decode_cursor(args.get("after")), "on": args.get("on")}  # fmt: skip
    sel = planner.connection_sel("Institution")
    _, found = await context.run(PROJECTED, root="institutions", sel=sel, args=listed, raw=raw)
    return True, _page(found, size)


async def alliance(
    context: Context, planner: Planner, args: dict[str, Any], raw: bool = False
) -> Answer:
    sel = planner.root_sel("Alliance")
    found: Answer = await context.run(PROJECTED, root="alliance", sel=sel,
                                      args={"id": str(args["id"])}, raw=raw)  # fmt: skip
    return found


async def alliances(
    context: Context, planner: Planner, args: dict[str, Any], raw: bool = False
) -> Answer:
    size = page_size(args.get("first", 20), context.settings.max_page_size)
    f = args.get("filter")
    query_filter = AllianceFilter(kind=getattr(f, "kind", None), lead=getattr(f, "lead", None),
                                  division=getattr(f, "division", None))  # fmt: skip
    listed = {"filter": query_filter, "limit": size + 1,
              "after": decode_cursor(args.get("after")), "on": args.get("on")}  # fmt: skip
    sel = planner.connection_sel("Alliance")
    _, found = await context.run(PROJECTED, root="alliances", sel=sel, args=listed, raw=raw)
    return True, _page(found, size)


async def division(
    context: Context, planner: Planner, args: dict[str, Any], raw: bool = False
) -> Answer:
    sel = planner.root_sel("Division")
    found: Answer = await context.run(PROJECTED, root="division", sel=sel,
                                      args={"id": args["code"]}, raw=raw)  # fmt: skip
    return found


async def counterparts(
    context: Context, planner: Planner, args: dict[str, Any], raw: bool = False
) -> Answer:
    link = {k: args.get(k) for k in ("alliance_kind", "alliance", "specialty", "direction", "on")}
    sel = planner.root_sel("Counterpart")
    found: Answer = await context.run(PROJECTED, root="counterparts", sel=sel,
                                      args={"ref": args["institution"], "link": link},
                                      raw=raw)  # fmt: skip
    return found


def _page(found: list[Any], size: int) -> Any:
    # Projected maps are dicts; the API's objects never are.
    maps = bool(found) and type(found[0]) is dict
    return connection(found, size, read=operator.getitem) if maps else connection(found, size)


Root = Callable[..., Awaitable[Answer]]

# GraphQL root field name -> its compiled answer.
ROOTS: dict[str, Root] = {
    "institution": institution,
    "institutions": institutions,
    "alliance": alliance,
    "alliances": alliances,
    "division": division,
    "counterparts": counterparts,
}
