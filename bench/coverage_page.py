"""The coverage view's first load at national scale, on the embedded store (issue 13).

Builds the synthetic national dataset (bench/synthetic.py, with its grids), serves it with
`create_app` under uvicorn on 127.0.0.1, and times in Debian Chromium, from navigation to
the coverage view being ready (its treemap drawn; the synthetic divisions carry no official
codes, so no outlines are drawn there). The anchor is the same
page on the bundled samples, measured in the same run: the figure is the ratio. The sizes
of the GraphQL answers the view asks for are printed too (the server aggregates: grids and
area sums, never institutions).

    flock /tmp/ag-heavy.lock .venv/bin/python -m bench.coverage_page --institutions 1000000
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import threading
import time
from typing import Any

CHROMIUM = "/usr/bin/chromium"


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def serve(store: Any) -> tuple[str, Any]:
    import uvicorn

    from api.app import create_app
    from graphmodel.settings import Settings

    port = _port()
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(Settings.from_env(), store), host="127.0.0.1", port=port, log_level="warning"
        )
    )
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    return f"http://127.0.0.1:{port}", server


def first_view(browser: Any, url: str, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        context = browser.new_context(viewport={"width": 1280, "height": 800})
        page = context.new_page()
        page.set_default_timeout(120_000)
        start = time.perf_counter()
        page.goto(f"{url}/#/coverage")
        page.wait_for_selector("#coverage-chart[data-ready='true']")
        page.wait_for_selector("#view[data-state='ready']", state="attached")
        times.append(time.perf_counter() - start)
        context.close()
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--institutions", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    from bench.synthetic import generate
    from loaders.samples import load_all_samples
    from stores.memory import MemoryStore

    t0 = time.perf_counter()
    national = generate(args.institutions).dataset
    big = MemoryStore(national)
    print(f"built {args.institutions:,} institutions, {len(national.grids):,} grids "
          f"in {time.perf_counter() - t0:.0f} s")  # fmt: skip
    small_url, small = serve(MemoryStore(load_all_samples()))
    big_url, large = serve(big)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM)
        first_view(browser, small_url, 1)  # warm the browser's caches of the page itself
        anchor = first_view(browser, small_url, args.runs)
        first_cold = first_view(browser, big_url, 1)[0]
        national_times = first_view(browser, big_url, args.runs)
        browser.close()
    small.should_exit = large.should_exit = True
    a, n = statistics.median(anchor), statistics.median(national_times)
    print(f"anchor (samples) median {a:.2f} s; national first load {first_cold:.2f} s, "
          f"median of {args.runs} {n:.2f} s; ratio {n / a:.1f}x; load average "
          f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}")  # fmt: skip


if __name__ == "__main__":
    main()
