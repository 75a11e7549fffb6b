"""A second process for costly queries, so that they do not share the server's GIL.

The heavy lane (`api/lane.py`) keeps costly queries off the main event loop, but a thread
still shares the GIL and the cyclic GC with it: under four attackers a 3 ms query took
~13 ms (p50) and ~56 ms (p99). So a server made with `create_app(settings,
heavy_worker=True)` (as `app_from_env` does) starts one more process, the same app with
the same settings (sent down its stdin) and its own store, serving a Unix socket, and
forwards each costly request to it as it came (body, token, request id). Cheap queries,
/healthz and /readyz never go there.

If the worker is not up yet, or has died, a costly query runs in the heavy lane instead.
Cancelling the forwarding (timeout, client gone) closes the connection to the worker,
whose own edge then cancels the work. A store object cannot be handed to another process:
the worker opens the store the settings name, so an app serving another (tests, `serve
--sample`) must not have a worker. With the embedded store the worker loads its
own copy of the data: twice the memory (ALLIANCEGRAPH_HEAVY_PROCESS=false turns the
worker off).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import pickle
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from graphmodel.settings import Settings

log = logging.getLogger("alliancegraph.api")

FORWARDED = (b"authorization", b"x-request-id", b"content-type")


class WorkerUnavailable(Exception):
    pass


class HeavyProcess:
    def __init__(self, settings: Settings) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="alliancegraph-heavy-"))
        self.socket = self.folder / "heavy.sock"
        command = [sys.executable, "-m", "api.heavy_process", str(os.getpid()), str(self.socket)]
        self.process = subprocess.Popen(command, stdin=subprocess.PIPE)
        assert self.process.stdin is not None
        # The settings go down a pipe: they may hold tokens, and they need not come from
        # the environment (`serve --dev` changes them).
        self.process.stdin.write(pickle.dumps(settings))
        self.process.stdin.close()
        log.info("heavy worker started (pid %s) on %s", self.process.pid, self.socket)

    def alive(self) -> bool:
        return self.process.poll() is None and self.socket.exists()

    async def ready(self) -> bool:
        try:
            status, _, _ = await self.forward([], b"", method=b"GET", path=b"/readyz")
        except WorkerUnavailable:
            return False
        return status == 200

    async def forward(self, headers: list[tuple[bytes, bytes]], body: bytes,
                      method: bytes = b"POST", path: bytes = b"/graphql",
                      ) -> tuple[int, list[tuple[bytes, bytes]], bytes]:  # fmt: skip
        """Send the request to the worker (by default a POST to /graphql); its status,
        headers and body."""
        if not self.alive():
            raise WorkerUnavailable
        try:
            reader, writer = await asyncio.open_unix_connection(str(self.socket))
        except OSError as exc:
            raise WorkerUnavailable from exc
        try:
            lines = [method + b" " + path + b" HTTP/1.1", b"host: heavy",
                     b"connection: close", b"content-length: %d" % len(body)]  # fmt: skip
            lines += [k + b": " + v for k, v in headers if k in FORWARDED]
            writer.write(b"\r\n".join(lines) + b"\r\n\r\n" + body)
            await writer.drain()
            head = await reader.readuntil(b"\r\n\r\n")
            answer = await reader.read()
        except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError) as exc:
            raise WorkerUnavailable from exc
        finally:
            writer.close()
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        status = int(status_line.split()[1])
        kept = []
        for line in filter(None, header_lines):
            name, _, value = line.partition(":")
            if name.lower() in ("content-type", "retry-after"):
                kept.append((name.lower().encode(), value.strip().encode("latin-1")))
        return status, kept, answer

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        shutil.rmtree(self.folder, ignore_errors=True)


def serve_worker(parent: int, socket: str) -> None:
    """The worker's main: the parent's settings from stdin, at a lower CPU priority (nice
    +10, so that when the cores are short the server's cheap requests go first), gone as
    soon as its parent is, however the parent went (even SIGKILL)."""
    import uvicorn

    from api import serving_gc
    from api.app import create_app

    settings = pickle.loads(sys.stdin.buffer.read())
    if not isinstance(settings, Settings):
        raise SystemExit("api.heavy_process: expected the server's settings on stdin")

    def orphaned() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(0)

    threading.Thread(target=orphaned, name="alliancegraph-orphan-guard", daemon=True).start()
    with contextlib.suppress(OSError):
        os.nice(10)
    app = create_app(settings)
    serving_gc.tune()
    uvicorn.run(app, uds=socket, log_level="warning")


if __name__ == "__main__":
    serve_worker(int(sys.argv[1]), sys.argv[2])
