"""Scenarios and the fragility report on the embedded store at national scale (issue 14).

A scenario touching one county must answer in well under a second at a million
institutions, because only its neighbourhood is read and recomputed
(`queries/_neighbourhood.py`); `analyze` for one province in under ten. Each figure is a
ratio to an anchor measured in the same run, on the same graph, with the load average:

| measured | anchor |
|---|---|
| `what_if`: a county general hospital leaves its urban–rural chain, median | an edge pass |
| `network_analysis` for one province | the same edge pass |

(The scenario ends the hospital's membership and its pairing with the city hospital; the
edge pass is one loop over every edge of the graph.)

    .venv/bin/python -m bench.whatif --institutions 1000000 [--counties 5]

Results go to `bench/results/whatif-<timestamp>.json` (gitignored).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import time
from datetime import date, datetime
from pathlib import Path
from typing import Any

from bench.synthetic import generate
from graphmodel.dataset import Dataset
from graphmodel.enums import MemberRole
from graphmodel.scenario import Change, Scenario
from queries.network_analysis import NETWORK_ANALYSIS
from queries.what_if import WHAT_IF
from stores.memory import MemoryStore

DAY = date(2024, 6, 1)


def every_edge(store: MemoryStore) -> float:
    t = time.perf_counter()
    n = 0
    for adjacency in store.graph.succ.values():
        for edges in adjacency.values():
            for _other, _obj in edges:
                n += 1
    return time.perf_counter() - t


def leaving(dataset: Dataset, counties: int, rng: random.Random) -> list[Scenario]:
    """Scenarios: a county community's lead leaves the urban–rural chain it is paired in."""
    leads = [m.institution for m in dataset.memberships
             if m.role is MemberRole.LEAD and m.alliance.startswith("syn-a-cc")]  # fmt: skip
    chosen = set(rng.sample(leads, min(counties, len(leads))))
    found = []
    for p in dataset.pairings:
        if p.lower in chosen and p.alliance.startswith("syn-a-ur"):
            chosen.discard(p.lower)
            found.append(Scenario(f"{p.lower} leaves {p.alliance}", (
                Change("end", "membership", (("alliance", p.alliance),
                                             ("institution", p.lower)), path="changes[0]"),
                Change("end", "pairing", (("alliance", p.alliance), ("lower", p.lower),
                                          ("upper", p.upper)), path="changes[1]"),
            )))  # fmt: skip
    return found


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--institutions", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=20240601)
    parser.add_argument("--counties", type=int, default=5)
    args = parser.parse_args(argv)
    result: dict[str, Any] = {"started": datetime.now().isoformat(),
                              "institutions": args.institutions,
                              "loadavg_start": os.getloadavg()}  # fmt: skip
    t = time.perf_counter()
    dataset = generate(args.institutions, args.seed).dataset
    store = MemoryStore(dataset)
    result["build_seconds"] = time.perf_counter() - t
    anchor = min(every_edge(store) for _ in range(3))
    result["edge_pass_seconds"] = anchor
    runs = []
    for s in leaving(dataset, args.counties, random.Random(args.seed)):
        t = time.perf_counter()
        diff = store.run(WHAT_IF, scenario=s, on=DAY)
        runs.append({"scenario": s.name, "seconds": time.perf_counter() - t,
                     "institutions_read": dict(diff.neighbourhood)["Institution"],
                     "origins": diff.origins, "routes_changed": len(diff.routes),
                     "new_findings": len(diff.new_findings)})  # fmt: skip
    median = statistics.median(r["seconds"] for r in runs)
    result["what_if"] = {"runs": runs, "median_seconds": median, "ratio": median / anchor}
    province = sorted(d.id for d in dataset.divisions if d.parent is None)[0]
    t = time.perf_counter()
    report = store.run(NETWORK_ANALYSIS, division=province, on=DAY, period="2024")
    seconds = time.perf_counter() - t
    result["analyze"] = {"division": province, "seconds": seconds, "ratio": seconds / anchor,
                         "single_points": len(report.single_points),
                         "unserved_townships": len(report.unserved_townships),
                         "leapfrog_pairs": len(report.leapfrogs)}  # fmt: skip
    result["loadavg_end"] = os.getloadavg()
    out = Path(__file__).resolve().parent / "results"
    out.mkdir(exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    (out / f"whatif-{stamp}.json").write_text(json.dumps(result, indent=2), encoding="utf-8")
    print(json.dumps(result, indent=2))
    return result


if __name__ == "__main__":
    main()
