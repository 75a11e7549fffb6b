"""Named queries: each question once in Cypher and once on networkx, proven equal.

`REGISTRY` lists every named query so that the conformance suite finds them all.
"""

from __future__ import annotations

from graphmodel.store import NamedQuery
from queries.alliance_members import ALLIANCE_MEMBERS
from queries.counterparts import COUNTERPARTS
from queries.division_institutions import DIVISION_INSTITUTIONS
from queries.institution_alliances import INSTITUTION_ALLIANCES
from queries.institution_lookup import INSTITUTION, INSTITUTION_SEARCH, INSTITUTIONS_NAMED
from queries.referral_route import CONTEXT, REFERRAL_ROUTE

REGISTRY: dict[str, NamedQuery] = {
    q.name: q
    for q in (
        INSTITUTION,
        INSTITUTIONS_NAMED,
        INSTITUTION_SEARCH,
        ALLIANCE_MEMBERS,
        INSTITUTION_ALLIANCES,
        DIVISION_INSTITUTIONS,
        COUNTERPARTS,
        REFERRAL_ROUTE,
        CONTEXT,
    )
}

__all__ = ["REGISTRY", "NamedQuery"]
