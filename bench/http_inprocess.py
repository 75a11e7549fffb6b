"""The same queries as bench/http.py, driven in-process through the ASGI app: CPU per request.

Why beside the HTTP bench: on a shared, overloaded machine a server pinned to one core gets
a share of it that changes by the second, and req/s measure the neighbours. CPU time per
request (`time.process_time`, all threads of this process) and the minimum over batches
are much less sensitive; the anchor is the same cached strawberry hello-world, called the
same way in the same process, interleaved. HTTP parsing (uvicorn) is left out of both.

    .venv/bin/python -m bench.http_inprocess [--root DIR] [--rounds 25] [--batch 30]

`--root` imports the API from another copy of the repository (git archive of a commit),
to compare commits. Prints a table; writes bench/results/http-inprocess-<ts>.json.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent


def driver(app: Any, query: str) -> Callable[[], Awaitable[None]]:
    body = json.dumps({"query": query}).encode()
    headers = [(b"host", b"bench"), (b"content-type", b"application/json"),
               (b"content-length", str(len(body)).encode())]  # fmt: skip

    async def one() -> None:
        scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
                 "method": "POST", "scheme": "http", "path": "/graphql",
                 "raw_path": b"/graphql", "query_string": b"", "root_path": "",
                 "headers": headers, "client": ("127.0.0.1", 1),
                 "server": ("127.0.0.1", 80)}  # fmt: skip
        sent = False
        gone = asyncio.Event()

        async def receive() -> dict[str, Any]:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            await gone.wait()
            return {"type": "http.disconnect"}

        out: list[dict[str, Any]] = []

        async def send(message: dict[str, Any]) -> None:
            out.append(message)

        await app(scope, receive, send)
        gone.set()
        if out[0]["status"] != 200 or b'"errors"' in out[-1]["body"]:
            raise SystemExit(f"{query}: {out}")

    return one


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--root", type=Path, default=HERE.parent)
    p.add_argument("--rounds", type=int, default=25)
    p.add_argument("--batch", type=int, default=30)
    p.add_argument("--sample", default="wuxi")
    args = p.parse_args(argv)
    sys.path.insert(0, str(args.root.resolve()))
    sys.path.insert(1, str(HERE.parent))
    from api.app import create_app
    from bench.http import QUERIES, hello_app
    from graphmodel.settings import Settings
    from stores.open import open_store

    settings = Settings.from_env()
    app = create_app(settings, open_store(settings, [args.sample]))
    first = next(iter(open_store(settings, [args.sample]).dataset.institutions)).id

    async def run() -> dict[str, float]:
        async with app.router.lifespan_context(app):
            cases = {n: driver(app, q % {"id": first} if "%(" in q else q)
                     for n, q in QUERIES.items() if n != "hello"}  # fmt: skip
            cases = {"hello": driver(hello_app(), QUERIES["hello"]), **cases}
            best = dict.fromkeys(cases, float("inf"))
            for f in cases.values():
                for _ in range(20):
                    await f()
            for _ in range(args.rounds):
                for name, f in cases.items():
                    t = time.process_time()
                    for _ in range(args.batch):
                        await f()
                    best[name] = min(best[name], (time.process_time() - t) / args.batch)
            return best

    before = os.getloadavg()
    best = asyncio.run(run())
    after = os.getloadavg()
    summary = {n: {"cpu_us": round(v * 1e6), "anchor_ratio": round(best["hello"] / v, 3)}
               for n, v in best.items()}  # fmt: skip
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    out = HERE / "results" / f"http-inprocess-{stamp}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"root": str(args.root), "settings": vars(args), "summary": summary,
                               "loadavg_before": before, "loadavg_after": after},
                              indent=2, default=str))  # fmt: skip
    print(f"{'query':24} {'CPU µs/req':>10} {'hello ÷ this':>12}   root {args.root}")
    for name, s in summary.items():
        print(f"{name:24} {s['cpu_us']:10} {s['anchor_ratio']:12.3f}")
    print(f"min of {args.rounds} batches of {args.batch}; load average {before[0]:.2f} before, "
          f"{after[0]:.2f} after; {out}")  # fmt: skip


if __name__ == "__main__":
    main()
