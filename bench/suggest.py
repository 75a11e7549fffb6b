"""The page's type-ahead at national scale on the embedded store (issue 15).

`institution_suggest` (any name, own or `names_alt`) against its anchor measured in the same
run: a flat scan of a prebuilt list of every institution's joined name keys, sorted the same
way; and, for reference, the CLI's `institution_search` (primary names only) over the same
texts. Texts are 2-4 characters cut from random institutions' names, as a planner types.

    python -m bench.suggest --institutions 1000000
"""

from __future__ import annotations

import argparse
import json
import os
import random
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from bench.embedded import median_ms, timed
from bench.synthetic import generate
from graphmodel.enums import Label
from graphmodel.names import SEPARATOR, name_key
from queries import REGISTRY
from stores.memory import MemoryStore

RESULTS = Path(__file__).resolve().parent / "results"


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--institutions", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=20240601)
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args(argv)
    result: dict[str, Any] = {"started": datetime.now().isoformat(),
                              "loadavg_start": os.getloadavg(),
                              "institutions": args.institutions}  # fmt: skip
    store = MemoryStore(generate(args.institutions, args.seed).dataset)
    graph = store.graph
    people = list(graph.all(Label.INSTITUTION))
    rng = random.Random(args.seed + 15)
    texts = []
    for _ in range(args.runs):
        name = rng.choice(people).name
        start = rng.randrange(max(1, len(name) - 3))
        texts.append(name[start : start + rng.choice((2, 3, 4))])
    suggest, search = REGISTRY["institution_suggest"], REGISTRY["institution_search"]
    result["first_call_with_index_build_ms"] = timed(
        lambda: store.run(suggest, text="医院", limit=10)) * 1000  # fmt: skip
    store.run(search, text="医院", limit=10)
    flat = sorted(((len(graph.name_keys[i.id][0]), i.id, SEPARATOR.join(graph.name_keys[i.id]), i)
                   for i in people), key=lambda r: r[:2])  # fmt: skip

    def scan(text: str) -> list[Any]:
        key = name_key(text)
        out = []
        for _, _, keys, i in flat:
            if key in keys:
                out.append(i)
                if len(out) == 10:
                    break
        return out

    result["flat_scan_median_ms"] = median_ms([lambda t=t: scan(t) for t in texts])
    result["suggest_median_ms"] = median_ms(
        [lambda t=t: store.run(suggest, text=t, limit=10) for t in texts])  # fmt: skip
    result["search_median_ms"] = median_ms(
        [lambda t=t: store.run(search, text=t, limit=10) for t in texts])  # fmt: skip
    result["ratio_to_flat_scan"] = result["suggest_median_ms"] / result["flat_scan_median_ms"]
    result["same_answers_as_scan"] = all(
        store.run(suggest, text=t, limit=10) == scan(t) for t in texts[:20])  # fmt: skip
    result["loadavg_end"] = os.getloadavg()
    print(json.dumps(result, indent=2, default=str))
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"suggest-{datetime.now():%Y%m%d-%H%M%S}.json"
    out.write_text(json.dumps(result, indent=2, default=str))
    return result


if __name__ == "__main__":
    started = time.perf_counter()
    main()
    print(f"took {time.perf_counter() - started:.0f} s")
