"""Resolving what a person typed (an id or a name, either script, with or without its place)
to one institution."""

from __future__ import annotations

from graphmodel.errors import AmbiguousError, NotFoundError
from graphmodel.institution import Institution
from graphmodel.store import Store
from queries.institution_lookup import (
    INSTITUTION,
    INSTITUTION_CANDIDATES,
    INSTITUTION_SEARCH,
    INSTITUTIONS_NAMED,
    NameCandidate,
)

SUGGESTIONS = 10


def resolve_institution(store: Store, ref: str) -> Institution:
    """The one institution `ref` names; `AmbiguousError` or `NotFoundError` otherwise.

    A name that matches nothing is answered with the closest names (edit distance) as the
    error's candidates, or, when none is near, with the names that contain it."""
    found: Institution | None = store.run(INSTITUTION, id=ref)
    if found is not None:
        return found
    named: list[Institution] = store.run(INSTITUTIONS_NAMED, name=ref)
    if len(named) == 1:
        return named[0]
    if named:
        raise AmbiguousError("institution", ref, [(i.id, i.name) for i in named])
    near: list[NameCandidate] = store.run(INSTITUTION_CANDIDATES, name=ref, limit=SUGGESTIONS)
    if near:
        raise NotFoundError(
            "institution", ref, [str(c) for c in near], candidates=[(c.id, c.name) for c in near]
        )
    close: list[Institution] = store.run(INSTITUTION_SEARCH, text=ref, limit=SUGGESTIONS)
    raise NotFoundError(
        "institution",
        ref,
        [f"{i.id} ({i.name})" for i in close],
        candidates=[(i.id, i.name) for i in close],
    )
