"""The embedded store's own indexes answer exactly what a plain walk or scan would.

Per-type adjacency (a walk over one relationship type sees only that type's edges), the
substring search's joined-key index (the same answers, in the same order, as a scan of every
name key), and the folder loader's progress calls.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from graphmodel.dataset import Dataset
from graphmodel.enums import Label, Rel
from graphmodel.names import name_key
from loaders.folder import load_dataset
from loaders.samples import list_samples, samples_dir
from queries.institution_lookup import search_on_networkx
from stores.memory import MemoryGraph, MemoryStore


def _scan(graph: MemoryGraph, text: str, limit: int) -> list[str]:
    key = name_key(text)
    hits = [i for i in graph.all(Label.INSTITUTION) if key in graph.name_keys[i.id][0]]
    hits.sort(key=lambda i: (len(graph.name_keys[i.id][0]), i.id))
    return [i.id for i in hits[:limit]]


def test_each_walk_sees_only_its_own_type(samples: Dataset) -> None:
    graph = MemoryStore(samples).graph
    expected = Counter(
        {Rel.MEMBER_OF: len(samples.memberships), Rel.PAIRED_WITH: len(samples.pairings)}
    )
    seen: Counter[Rel] = Counter()
    for i in samples.institutions:
        node = (Label.INSTITUTION.value, i.id)
        for rel in (Rel.MEMBER_OF, Rel.PAIRED_WITH):
            for target, obj in graph.out(node, rel):
                seen[rel] += 1
                if rel is Rel.MEMBER_OF:
                    assert target[0] == Label.ALLIANCE.value and obj.institution == i.id
                else:
                    assert target[0] == Label.INSTITUTION.value and obj.upper == i.id
    assert seen == expected
    some = samples.memberships[0]
    assert (
        (Label.INSTITUTION.value, some.institution),
        some,
    ) in graph.into((Label.ALLIANCE.value, some.alliance), Rel.MEMBER_OF)


def test_a_repeated_edge_key_is_one_edge_holding_the_last_object() -> None:
    graph = MemoryGraph()
    a, b = ("Institution", "a"), ("Institution", "b")
    graph.add_edges(Rel.CHANNEL, [(a, b, "k", "first"), (a, b, "other", "x"), (a, b, "k", "last")])
    assert list(graph.out(a, Rel.CHANNEL)) == [(b, "last"), (b, "x")]
    assert list(graph.into(b, Rel.CHANNEL)) == [(a, "last"), (a, "x")]
    assert list(graph.out(a, Rel.REFERRED)) == [] and list(graph.out(b, Rel.CHANNEL)) == []


def test_substring_search_answers_as_a_scan_does(samples: Dataset) -> None:
    graph = MemoryStore(samples).graph
    texts = {"", "医院", "院", "县", "人民医院", "不存在的医院名称", "\x00"}
    for i in list(samples.institutions)[::7]:
        key = name_key(i.name)
        for size in (1, 2, 3, 5):
            texts.update(key[s : s + size] for s in range(0, max(1, len(key) - size + 1), 3))
    assert len(texts) > 50
    for text in sorted(texts):
        for limit in (1, 3, 10, 1000):
            got = [i.id for i in search_on_networkx(graph, text, limit)]
            assert got == _scan(graph, text, limit), (text, limit)
    assert search_on_networkx(graph, "医院", 0) == []
    # The traditional script finds the same institutions as the simplified one.
    assert search_on_networkx(graph, "醫院", 5) == search_on_networkx(graph, "医院", 5)


@pytest.mark.parametrize("sample", [s["id"] for s in list_samples()][:2])
def test_the_folder_loader_reports_progress_per_table(sample: str) -> None:
    calls: list[tuple[str, int]] = []
    dataset = load_dataset(Path(samples_dir() / sample), progress=lambda f, n: calls.append((f, n)))
    last = {}
    for file, n in calls:
        assert n > last.get(file, 0)  # rows read so far only grow
        last[file] = n
    assert last[f"{sample}/institutions.csv"] == len(dataset.institutions)
    assert last[f"{sample}/divisions.csv"] == len(dataset.divisions)
    assert last.get(f"{sample}/memberships.csv", 0) == len(dataset.memberships)


def test_progress_comes_every_ten_thousand_rows(tmp_path: Path) -> None:
    from bench.synthetic import generate
    from loaders.export import write_folder

    dataset = generate(25_000).dataset
    write_folder(dataset, tmp_path / "syn")
    calls: list[tuple[str, int]] = []
    load_dataset(tmp_path / "syn", progress=lambda f, n: calls.append((f, n)))
    assert [n for f, n in calls if f.endswith("/institutions.csv")] == [10_000, 20_000, 25_000]


def test_the_typo_lookup_finds_each_grams_holders_as_a_scan_does(samples: Dataset) -> None:
    graph = MemoryStore(samples).graph
    grams = {"医院", "医", "院", "人民医", "中心", "卫生院", "市中", "不存在"}
    grams |= {name_key(i.name)[1:3] for i in list(samples.institutions)[::5]}
    for gram in sorted(grams):
        scan = [i for i, joined in graph.search_text.items() if gram in joined]
        for cap in (1, 2, 1001):
            assert graph.substrings.holders(gram, cap) == scan[:cap], (gram, cap)
    assert graph.substrings.holders("\x00", 5) == []  # the joining character holds nothing
