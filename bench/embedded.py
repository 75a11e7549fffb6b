"""The embedded store at national scale (issue 12, part 4): each figure beside its anchor.

Every target is a ratio to a plain-Python anchor measured in the same run, on the same
data, with the load average seen (`os.getloadavg()`), so a busy machine moves both:

| measured | anchor |
|---|---|
| `referral_route`, general and cardiovascular, warm median | a plain BFS over its walk (below) |
| `validation` (`validate`), one call | one pass over every edge of the graph |
| `institution_search`, median | a flat scan of a prebuilt list of the primary name keys |
| `load_dataset(folder)`, wall time and peak RSS (own process) | `csv.reader` over the CSVs |

The BFS anchor of a route (`route_bfs`): from the origin, `PAIRED_WITH` upwards (incoming)
to depth 6, `PAIRED_WITH` downwards and `CHANNEL` outgoing one hop, the origin's
`LOCATED_IN` and then `PART_OF` up to six hops, and `APPLIES_TO` into each of those
divisions: the walk `gather_on_networkx` makes per call. (The region's pool, which a rule
such as `level_choice` needs, is gathered once per region and day and kept; the first
call of a region pays it, and is reported apart as "cold".) Beside the warm median of the
same origins, "new origin" times the first route of other township centres of the same
counties (the region warm, the origin never routed), against their own BFS.

Those single passes move with the box's load between them, so the route's figure is taken
from interleaved rounds (`--rounds`, 15): each round times the BFS, the general route,
the cardiovascular route and the BFS again, every origin `--repeats` (5) times each; a
round's ratio is its route median over the median of its two BFS passes, and the figure
is the median of the rounds' ratios, every round reported beside it.

    .venv/bin/python -m bench.embedded --institutions 1000000 [--folder DIR]

`--folder DIR` (a folder written by `python -m bench.synthetic --write DIR`) adds the
load measurement, in a child process so that its peak RSS is its own. Results go to
`bench/results/embedded-<timestamp>.json` (gitignored).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import time
from collections import deque
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from graphmodel.enums import Label, Rel
from graphmodel.names import name_key
from graphmodel.routing import RouteRequest
from queries import REGISTRY
from stores.memory import MemoryGraph, MemoryStore
from stores.substrings import SubstringIndex

try:
    from bench.synthetic import generate
except ImportError:  # run as a script
    from synthetic import generate  # type: ignore[no-redef]

DAY = date(2025, 6, 1)
RESULTS = Path(__file__).resolve().parent / "results"


def route_bfs(graph: MemoryGraph, origin: str, depth: int = 6) -> int:
    """The anchor of a route: nodes reached by a plain BFS over what the route walks."""
    start = (Label.INSTITUTION.value, origin)
    seen = {start}
    queue = deque([(start, 0)])
    while queue:  # PAIRED_WITH upwards, to `depth`
        node, d = queue.popleft()
        if d == depth:
            continue
        for upper, _ in graph.into(node, Rel.PAIRED_WITH):
            if upper not in seen:
                seen.add(upper)
                queue.append((upper, d + 1))
    for rel in (Rel.PAIRED_WITH, Rel.CHANNEL):  # one hop down / out
        for other, _ in graph.out(start, rel):
            seen.add(other)
    chain = [d for d, _ in graph.out(start, Rel.LOCATED_IN)]
    while chain and len(chain) <= depth:  # the ancestry
        parents = [p for p, _ in graph.out(chain[-1], Rel.PART_OF)]
        if not parents:
            break
        chain.append(parents[0])
    for division in chain:
        seen.add(division)
        for policy, _ in graph.into(division, Rel.APPLIES_TO):
            seen.add(policy)
    return len(seen)


def timed(call: Callable[[], Any]) -> float:
    t = time.perf_counter()
    call()
    return time.perf_counter() - t


def timed_cpu(call: Callable[[], Any]) -> tuple[float, float]:
    """(wall, CPU) seconds of `call` in this process: on a box shared with other work the
    wall time is mostly the others' load, the CPU time (user + system) much less so."""
    t, c = time.perf_counter(), time.process_time()
    call()
    return time.perf_counter() - t, time.process_time() - c


def median_ms(calls: list[Callable[[], Any]]) -> float:
    return statistics.median(timed(c) for c in calls) * 1000


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def county_of(graph: MemoryGraph, centre: str) -> str | None:
    """The division above a township centre's own: routes from one county share a region."""
    i = graph.get(Label.INSTITUTION, centre)
    parents = [p for p, _ in graph.out((Label.DIVISION.value, i.division), Rel.PART_OF)]
    return parents[0][1] if parents else None


def neighbours(graph: MemoryGraph, centres: list[str], origins: list[str]) -> list[str]:
    """Other township centres of the origins' counties, never routed yet: their routes find
    the region warm but nothing of their own kept (the memo keeps nothing per origin)."""
    counties = {county_of(graph, o) for o in origins}
    used = set(origins)
    return [c for c in centres if c not in used and county_of(graph, c) in counties]


def routes(
    store: MemoryStore,
    centres: list[str],
    runs: int,
    rng: random.Random,
    rounds: int = 15,
    repeats: int = 5,
) -> dict[str, Any]:
    graph, query = store.graph, REGISTRY["referral_route"]
    origins = [rng.choice(centres) for _ in range(runs)]
    others = neighbours(graph, centres, origins)
    fresh = rng.sample(others, min(runs, len(others)))
    out: dict[str, Any] = {}
    bfs = median_ms([lambda o=o: route_bfs(graph, o) for o in origins])
    fresh_bfs = median_ms([lambda o=o: route_bfs(graph, o) for o in fresh])
    for condition in ("general", "cardiovascular"):
        reqs = [RouteRequest(origin=o, condition=condition, on=DAY) for o in origins]
        cold = [timed(lambda r=r: store.run(query, request=r)) for r in reqs]
        warm = median_ms([lambda r=r: store.run(query, request=r) for r in reqs])
        bfs_again = median_ms([lambda o=o: route_bfs(graph, o) for o in origins])
        new = [RouteRequest(origin=o, condition=condition, on=DAY) for o in fresh]
        first = median_ms([lambda r=r: store.run(query, request=r) for r in new])
        out[condition] = {
            "cold_median_ms": statistics.median(cold) * 1000,
            "warm_median_ms": warm,
            "bfs_median_ms": bfs,
            "ratio": warm / bfs,
            "bfs_again_median_ms": bfs_again,  # the same BFS once more, after the routes
            "ratio_to_bfs_again": warm / bfs_again,
            "new_origin_warm_region_median_ms": first,
            "new_origin_bfs_median_ms": fresh_bfs,
            "new_origin_ratio": first / fresh_bfs,
            "new_origins": len(fresh),
        }
    out["rounds"] = interleaved(store, origins, rounds, repeats)
    return out


def interleaved(
    store: MemoryStore, origins: list[str], rounds: int, repeats: int
) -> dict[str, Any]:
    """Route and BFS in alternating rounds, so that a change of the box's load between
    them moves both: each round times the BFS, the general route, the cardiovascular
    route and the BFS again, every origin `repeats` times each (warm: the pools are
    built); the round's ratio is its route median over the median of both BFS passes.
    The figure is the median of the rounds' ratios; every round is reported."""
    graph, query = store.graph, REGISTRY["referral_route"]
    reqs = {
        c: [RouteRequest(origin=o, condition=c, on=DAY) for o in origins]
        for c in ("general", "cardiovascular")
    }

    def samples(calls: list[Callable[[], Any]]) -> list[float]:
        return [timed(c) * 1000 for _ in range(repeats) for c in calls]

    bfs_calls = [lambda o=o: route_bfs(graph, o) for o in origins]
    route_calls = {
        c: [lambda r=r: store.run(query, request=r) for r in rs] for c, rs in reqs.items()
    }
    each: list[dict[str, Any]] = []
    for _ in range(rounds):
        before = samples(bfs_calls)
        medians = {c: statistics.median(samples(calls)) for c, calls in route_calls.items()}
        after = samples(bfs_calls)
        bfs = statistics.median(before + after)
        each.append({
            "bfs_median_ms": bfs,
            "bfs_before_median_ms": statistics.median(before),
            "bfs_after_median_ms": statistics.median(after),
            **{f"{c}_median_ms": m for c, m in medians.items()},
            **{f"{c}_ratio": m / bfs for c, m in medians.items()},
            "loadavg_1min": os.getloadavg()[0],
        })  # fmt: skip
    summary: dict[str, Any] = {"rounds": rounds, "repeats": repeats, "each": each}
    for name in ("bfs", "general", "cardiovascular"):
        summary[f"{name}_median_ms"] = statistics.median(r[f"{name}_median_ms"] for r in each)
    for c in ("general", "cardiovascular"):
        ratios = sorted(r[f"{c}_ratio"] for r in each)
        summary[f"{c}_ratio_median"] = statistics.median(ratios)
        summary[f"{c}_ratio_min"], summary[f"{c}_ratio_max"] = ratios[0], ratios[-1]
    return summary


def validate(store: MemoryStore) -> dict[str, Any]:
    graph = store.graph

    def every_edge() -> int:
        n = 0
        for adjacency in graph.succ.values():
            for edges in adjacency.values():
                for _other, _obj in edges:
                    n += 1
        return n

    anchor = timed(every_edge)
    seconds = timed(lambda: store.run(REGISTRY["validation"], on=DAY))
    return {"seconds": seconds, "edge_pass_seconds": anchor, "ratio": seconds / anchor}


def search(store: MemoryStore, runs: int, rng: random.Random) -> dict[str, Any]:
    graph, query = store.graph, REGISTRY["institution_search"]
    people = list(graph.all(Label.INSTITUTION))
    texts = []
    for _ in range(runs):
        name = rng.choice(people).name
        start = rng.randrange(max(1, len(name) - 3))
        texts.append(name[start : start + rng.choice((2, 3, 4))])
    first = timed(lambda: store.run(query, text="医院", limit=10))
    # The index is built inside the store's build; its share of it, measured again alone:
    fresh = SubstringIndex(graph)
    build = timed(fresh.build)
    flat = [(graph.name_keys[i.id][0], i) for i in people]

    def scan(text: str) -> list[Any]:
        key = name_key(text)
        hits = [(len(k), i.id, i) for k, i in flat if key in k]
        hits.sort(key=lambda h: h[:2])
        return [h[2] for h in hits[:10]]

    anchor = median_ms([lambda t=t: scan(t) for t in texts])
    took = median_ms([lambda t=t: store.run(query, text=t, limit=10) for t in texts])
    same = all(store.run(query, text=t, limit=10) == scan(t) for t in texts[:20])
    return {
        "first_call_ms": first * 1000,
        "index_build_seconds": build,
        "median_ms": took,
        "flat_scan_median_ms": anchor,
        "ratio": took / anchor,
        "same_answers_as_scan": same,
    }


def load_child(folder: Path) -> dict[str, Any]:
    """In this (child) process: the anchor, then the loader, then the peak RSS."""
    from loaders.folder import load_dataset

    def read_all() -> int:
        n = 0
        for path in sorted(folder.rglob("*.csv")):
            with path.open(newline="", encoding="utf-8") as f:
                for _ in csv.reader(f):
                    n += 1
        return n

    anchor, anchor_cpu = timed_cpu(read_all)
    rss_before = peak_rss_mb()
    took, took_cpu = timed_cpu(lambda: load_dataset(folder))
    return {
        "seconds": took,
        "csv_reader_seconds": anchor,
        "ratio": took / anchor,
        "cpu_seconds": took_cpu,
        "csv_reader_cpu_seconds": anchor_cpu,
        "cpu_ratio": took_cpu / anchor_cpu,
        "peak_rss_mb": peak_rss_mb(),
        "peak_rss_before_load_mb": rss_before,
        "loadavg": os.getloadavg(),
    }


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--institutions", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=20240601)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=15, help="interleaved route/BFS rounds")
    parser.add_argument("--repeats", type=int, default=5, help="calls per origin per round")
    parser.add_argument("--folder", type=Path, help="also time loading this dataset folder")
    parser.add_argument("--load-child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--skip-store", action="store_true", help="only the load, if --folder")
    parser.add_argument("--route-only", action="store_true", help="no validate, no search")
    args = parser.parse_args(argv)
    if args.load_child:
        print(json.dumps(load_child(args.load_child)))
        return {}
    result: dict[str, Any] = {
        "started": datetime.now().isoformat(),
        "loadavg_start": os.getloadavg(),
    }
    if args.folder:
        child = subprocess.run(
            [sys.executable, "-m", "bench.embedded", "--load-child", str(args.folder)],
            check=True, capture_output=True, text=True,
            cwd=Path(__file__).resolve().parent.parent,
        )  # fmt: skip
        result["load"] = json.loads(child.stdout.strip().splitlines()[-1])
        print("load", json.dumps(result["load"]))
    if not args.skip_store:
        rng = random.Random(args.seed + 7)
        syn = generate(args.institutions, args.seed)
        t = time.perf_counter()
        store = MemoryStore(syn.dataset)
        result["institutions"] = args.institutions
        result["build_seconds"] = time.perf_counter() - t
        result["peak_rss_mb_after_build"] = peak_rss_mb()
        result["route"] = routes(
            store, syn.index.township_centres, args.runs, rng, args.rounds, args.repeats
        )
        print("route", json.dumps({k: v for k, v in result["route"].items() if k != "rounds"}))
        print("rounds", json.dumps({k: v for k, v in result["route"]["rounds"].items()
                                    if k != "each"}))  # fmt: skip
        for k, r in enumerate(result["route"]["rounds"]["each"]):
            print(f"  round {k}", json.dumps(r))
    if not args.skip_store and not args.route_only:
        result["validate"] = validate(store)
        print("validate", json.dumps(result["validate"]))
        result["search"] = search(store, args.runs, rng)
        print("search", json.dumps(result["search"]))
    result["loadavg_end"] = os.getloadavg()
    print("loadavg", result["loadavg_start"], "->", result["loadavg_end"])
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"embedded-{datetime.now():%Y%m%d-%H%M%S}.json"
    out.write_text(json.dumps(result, indent=2, default=str))
    print("wrote", out)
    return result


if __name__ == "__main__":
    main()
