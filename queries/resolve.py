"""Resolving what a person typed (an id or an exact name, either script) to one institution."""

from __future__ import annotations

from graphmodel.errors import AmbiguousError, NotFoundError
from graphmodel.institution import Institution
from graphmodel.store import Store
from queries.institution_lookup import INSTITUTION, INSTITUTION_SEARCH, INSTITUTIONS_NAMED


def resolve_institution(store: Store, ref: str) -> Institution:
    """The one institution `ref` names; `AmbiguousError` or `NotFoundError` otherwise."""
    found: Institution | None = store.run(INSTITUTION, id=ref)
    if found is not None:
        return found
    named: list[Institution] = store.run(INSTITUTIONS_NAMED, name=ref)
    if len(named) == 1:
        return named[0]
    if named:
        raise AmbiguousError("institution", ref, [(i.id, i.name) for i in named])
    close: list[Institution] = store.run(INSTITUTION_SEARCH, text=ref, limit=10)
    raise NotFoundError("institution", ref, [f"{i.id} ({i.name})" for i in close])
