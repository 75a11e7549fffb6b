"""Reading a store's whole content back as a `Dataset`, for `alliancegraph export`.

The embedded store keeps the dataset it was built from. From Neo4j the facts are read back
one label or relationship type per statement (streamed, never one query per row) through
the same property mappings the readers use (`stores.props`), and the manifest from the
load markers, where each load records it.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterator
from typing import Any, LiteralString

from graphmodel.alliance import Service
from graphmodel.dataset import Dataset, SourceDocument
from graphmodel.division import Boundary
from graphmodel.errors import UnavailableError
from graphmodel.policy import ConditionCategory, Policy
from graphmodel.store import Store
from stores import props

Progress = Callable[[str, int], None]

NODES: dict[str, LiteralString] = {
    "Division": "MATCH (n:Division) RETURN properties(n) AS p",
    "Grid": "MATCH (n:Grid) RETURN properties(n) AS p",
    "Institution": "MATCH (n:Institution) RETURN properties(n) AS p",
    "Alliance": "MATCH (n:Alliance) RETURN properties(n) AS p",
    "Policy": "MATCH (n:Policy) RETURN properties(n) AS p",
    "Rule": "MATCH (n:Rule) RETURN properties(n) AS p",
    "MEMBER_OF": "MATCH ()-[r:MEMBER_OF]->() RETURN properties(r) AS p",
    "SERVES": "MATCH ()-[r:SERVES]->() RETURN properties(r) AS p",
    "PAIRED_WITH": "MATCH ()-[r:PAIRED_WITH]->() RETURN properties(r) AS p",
    "CHANNEL": "MATCH ()-[r:CHANNEL]->() RETURN properties(r) AS p",
    "REFERRED": "MATCH ()-[r:REFERRED]->() RETURN properties(r) AS p",
}
MANIFESTS: LiteralString = (
    "MATCH (m:LoadState) RETURN m.dataset AS dataset, m.manifest AS manifest ORDER BY dataset"
)


def dataset_of(store: Store, progress: Progress | None = None) -> Dataset:
    """Everything `store` holds, as one dataset."""
    if store.kind == "memory":
        dataset: Dataset = store.dataset  # type: ignore[attr-defined]
        return dataset
    return _from_neo4j(store, progress)


def _from_neo4j(store: Any, progress: Progress | None) -> Dataset:
    from stores.neo4j import translated

    store.check_loads()
    with translated(), store.driver.session(database=store.settings.neo4j_database) as s:

        def stream(name: str) -> Iterator[dict[str, Any]]:
            n = 0
            for record in s.run(NODES[name]):
                n += 1
                if progress is not None and n % 10_000 == 0:
                    progress(name, n)
                yield record["p"]
            if progress is not None:
                progress(name, n)

        manifests = [(r["dataset"], r["manifest"]) for r in s.run(MANIFESTS)]
        divisions, boundaries = [], []
        for p in stream("Division"):
            divisions.append(props.division_from(p))
            boundaries += _boundary(p, "division")
        grids = []
        for p in stream("Grid"):
            grids.append(props.grid_from(p))
            boundaries += _boundary(p, "grid")
        institutions = [props.institution_from(p) for p in stream("Institution")]
        alliances = [props.alliance_from(p) for p in stream("Alliance")]
        memberships = [props.membership_from(p) for p in stream("MEMBER_OF")]
        services = [_service_from(p) for p in stream("SERVES")]
        pairings = [props.pairing_from(p) for p in stream("PAIRED_WITH")]
        channels = [props.channel_from(p) for p in stream("CHANNEL")]
        referrals = [props.referral_from(p) for p in stream("REFERRED")]
        rules = defaultdict(list)
        for p in stream("Rule"):
            rules[p["policy"]].append(props.rule_from(p))
        policies = [_policy_from(p, rules[p["id"]]) for p in stream("Policy")]
    return Dataset(
        **_manifest(manifests),
        divisions=tuple(divisions),
        grids=tuple(grids),
        institutions=tuple(institutions),
        alliances=tuple(alliances),
        memberships=tuple(memberships),
        services=tuple(services),
        pairings=tuple(pairings),
        channels=tuple(channels),
        referrals=tuple(referrals),
        policies=tuple(policies),
        boundaries=tuple(boundaries),
    )


def _manifest(markers: list[tuple[str, str | None]]) -> dict[str, Any]:
    """The manifest the load recorded; several loads' manifests merged (as `merge` does)."""
    if not markers:
        raise UnavailableError("the database holds no completed load (no LoadState marker)")
    found: list[dict[str, Any]] = [json.loads(m) if m else {"id": d} for d, m in markers]
    if len(found) == 1:
        m = found[0]
        return {
            "id": m["id"],
            "name": m.get("name", ""),
            "name_en": m.get("name_en", ""),
            "description": m.get("description", ""),
            "sources": tuple(SourceDocument(**s) for s in m.get("sources", [])),
        }
    return {
        "id": "all",
        "name": " + ".join(m.get("name") or m["id"] for m in found),
        "sources": tuple(SourceDocument(**s) for m in found for s in m.get("sources", [])),
    }


def _boundary(p: dict[str, Any], kind: str) -> list[Boundary]:
    if p.get("boundary") is None:
        return []
    return [Boundary(id=p["id"], kind=kind, geometry=p["boundary"],
                     source=p.get("boundary_source") or "",
                     assumption=p.get("boundary_assumption") or "")]  # fmt: skip


def _service_from(p: dict[str, Any]) -> Service:
    return Service(
        alliance=p["alliance"],
        grid=p["grid"],
        valid_from=props.to_date(p.get("valid_from")),
        valid_to=props.to_date(p.get("valid_to")),
        source=p.get("source") or "",
        assumption=p.get("assumption") or "",
    )


def _policy_from(p: dict[str, Any], rules: list[Any]) -> Policy:
    names = p.get("condition_names") or []
    names_en = p.get("condition_names_en") or []
    return Policy(
        id=p["id"],
        region=p["region"],
        document=p["document"],
        version=p["version"],
        valid_from=props.to_date(p.get("valid_from")),
        valid_to=props.to_date(p.get("valid_to")),
        status=p.get("status") or "in_force",
        conditions=tuple(
            ConditionCategory(id=c, name=n, name_en=e)
            for c, n, e in zip(p.get("conditions") or [], names, names_en, strict=True)
        ),
        rules=tuple(sorted(rules, key=lambda r: r.id)),
        source=p.get("source") or "",
        assumption=p.get("assumption") or "",
    )
