"""The peer benchmark's two claims that need no peer running: its type definitions describe
the graph the loader writes, and its normalisation makes equal answers equal and only those.

The peer itself (npm, Node, a Neo4j) is exercised by running `bench/peer`, not here.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from graphql import build_schema, parse
from graphql.language import FieldDefinitionNode, ObjectTypeDefinitionNode, StringValueNode

from bench.peer.reads import READS, compare
from graphmodel.dataset import Dataset
from graphmodel.enums import Label, Rel
from loaders import neo4j_writer
from stores import props
from stores.memory import MemoryStore
from tests.api.conftest import make_api

ROOT = Path(__file__).resolve().parents[2]
TYPEDEFS = (ROOT / "bench" / "peer" / "typedefs.graphql").read_text(encoding="utf-8")
BY_KEY = {r.key: r for r in READS}


def _arg(directive: Any, name: str) -> str:
    [value] = [a.value for a in directive.arguments if a.name.value == name]
    assert isinstance(value, StringValueNode) or name == "direction"
    return str(value.value)


def peer_types() -> dict[str, ObjectTypeDefinitionNode]:
    doc = parse(TYPEDEFS)
    return {d.name.value: d for d in doc.definitions if isinstance(d, ObjectTypeDefinitionNode)}


def written_relationships() -> dict[str, tuple[str, str]]:
    """Relationship type → (start label, end label), read from the loader's MERGE statements."""
    out = {}
    for name in dir(neo4j_writer):
        cypher = getattr(neo4j_writer, name)
        if not name.startswith("WRITE_") or not isinstance(cypher, str):
            continue
        labels = dict(re.findall(r"MATCH \((\w+):(\w+)", cypher))
        for a, rel, b in re.findall(r"MERGE \((\w+)\)-\[\w+:(\w+)[^\]]*\]->\((\w+)\)", cypher):
            if a in labels and b in labels:
                out[rel] = (labels[a], labels[b])
    return out


def test_type_definitions_name_the_loaders_labels_types_directions_and_properties() -> None:
    build_schema(
        TYPEDEFS
        + "directive @node(labels: [String!]) on OBJECT\n"
        + "directive @relationshipProperties on OBJECT\n"
        + "enum RelationshipDirection { IN OUT }\nscalar Date\n"
        + "directive @relationship(type: String!, direction: RelationshipDirection!, "
        + "properties: String) on FIELD_DEFINITION\n"
    )
    types = peer_types()
    written = written_relationships()
    assert written["MEMBER_OF"] == ("Institution", "Alliance")
    assert written["PAIRED_WITH"] == ("Institution", "Institution")
    seen = set()
    for type_name, node in types.items():
        directives = {d.name.value: d for d in node.directives or ()}
        if "node" in directives:
            [labels] = [a.value for a in directives["node"].arguments]
            assert [v.value for v in labels.values] == [Label(type_name).value]
        for field in node.fields:
            assert isinstance(field, FieldDefinitionNode)
            [rel] = [d for d in field.directives or () if d.name.value == "relationship"] or [None]
            if rel is None:
                continue
            kind = Rel(_arg(rel, "type"))
            direction = _arg(rel, "direction")
            target = field.type
            while not hasattr(target, "name"):  # [T!]! down to T
                target = target.type
            target = target.name.value
            start, end = (type_name, target) if direction == "OUT" else (target, type_name)
            assert written[kind.value] == (start, end), f"{type_name}.{field.name.value}"
            seen.add(kind.value)
    assert seen == {"MEMBER_OF", "PAIRED_WITH"}


@pytest.mark.parametrize(("type_name", "make"), [("Membership", props.membership_props),
                                                  ("Pairing", props.pairing_props)])  # fmt: skip
def test_relationship_properties_are_ones_the_loader_writes(type_name: str, make: Any) -> None:
    ds = _small()
    sample = ds.memberships[0] if type_name == "Membership" else ds.pairings[0]
    declared = {f.name.value for f in peer_types()[type_name].fields}
    assert declared <= set(make(sample))


def _small() -> Dataset:
    from bench.synthetic import generate

    return generate(3000, 7).dataset


def _peer_shaped(ds: Dataset, read: str, ident: str) -> dict[str, Any]:
    """What the peer would answer, built from the dataset's facts with the peer's spelling
    (stored lower-case strings, members in no particular order: reversed here)."""
    inst = {i.id: i for i in ds.institutions}
    alli = {a.id: a for a in ds.alliances}

    def node(i: str) -> dict[str, Any]:
        return {"id": i, "name": inst[i].name, "level": inst[i].level.value}

    def alliances(i: str) -> list[dict[str, str]]:
        return [{"name": alli[m.alliance].name} for m in ds.memberships if m.institution == i]

    if read == "nested":
        members = [m.institution for m in ds.memberships if m.alliance == ident][::-1]
        return {"alliances": [{"id": ident,
                               "members": [node(i) | {"alliances": alliances(i)[::-1]}
                                           for i in members]}]}  # fmt: skip
    if read == "one_hop":
        return {"institutions": [node(ident) | {"alliances": alliances(ident)[::-1]}]}
    up = [p for p in ds.pairings if p.lower == ident]
    down = [p for p in ds.pairings if p.upper == ident]
    return {"institutions": [{
        "upperCounterpartsConnection": {"edges": [
            {"properties": {"alliance": p.alliance}, "node": node(p.upper)} for p in up]},
        "lowerCounterpartsConnection": {"edges": [
            {"properties": {"alliance": p.alliance}, "node": node(p.lower)} for p in down]},
    }]}  # fmt: skip


def test_alliancegraphs_answers_equal_the_graphs_facts_after_normalisation() -> None:
    from bench.synthetic import generate

    syn = generate(3000, 7)
    ds, idx = syn.dataset, syn.index
    for api in make_api(MemoryStore(ds)):
        _check_against_facts(api, ds, idx)


def _check_against_facts(api: Any, ds: Dataset, idx: Any) -> None:
    centre, hospital = idx.township_centres[0], idx.county_hospitals[0]
    cases = [("nested", idx.county_communities[0]), ("one_hop", centre),
             ("counterparts", centre), ("counterparts", hospital)]  # fmt: skip
    for key, ident in cases:
        read = BY_KEY[key]
        ours = api.data(read.ours, {"id": ident})
        normalised, mismatch = compare(read, ident, ours, _peer_shaped(ds, key, ident))
        assert mismatch is None, (key, ident, mismatch)
        assert read.size(normalised) >= 1
    # a different answer is caught: one member's name changed on the peer's side
    read = BY_KEY["nested"]
    ident = idx.county_communities[0]
    peer = _peer_shaped(ds, "nested", ident)
    peer["alliances"][0]["members"][5]["name"] += "x"
    assert compare(read, ident, api.data(read.ours, {"id": ident}), peer)[1] is not None
    # and an alliance answered by neither side is None on both
    assert compare(read, "nope", {"alliance": None}, {"alliances": []}) == (None, None)


def test_nested_size_is_the_member_count() -> None:
    read = BY_KEY["nested"]
    answer = {"alliance": {"id": "a", "members": [
        {"institution": {"id": "i2", "name": "乙", "level": "PRIMARY", "alliances": []}},
        {"institution": {"id": "i1", "name": "甲", "level": "SECONDARY",
                         "alliances": [{"name": "y"}, {"name": "x"}]}},
    ]}}  # fmt: skip
    peer = {"alliances": [{"id": "a", "members": [
        {"id": "i1", "name": "甲", "level": "secondary",
         "alliances": [{"name": "x"}, {"name": "y"}]},
        {"id": "i2", "name": "乙", "level": "primary", "alliances": []},
    ]}]}  # fmt: skip
    normalised, mismatch = compare(read, "a", answer, peer)
    assert mismatch is None and read.size(normalised) == 2
    peer["alliances"][0]["members"][0]["level"] = "primary"
    assert compare(read, "a", answer, peer)[1] is not None
