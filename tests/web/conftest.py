"""Browser tests of the planner's page: a real server, headless Chromium, Playwright.

Each server is `alliancegraph … serve --dev` in a subprocess on a free port, waited for
through /healthz and stopped at the end. Chromium is Debian's (`/usr/bin/chromium`, which
./test.sh installs); Playwright never downloads a browser here. The built page must be in
`api/static/` (./test.sh runs `npm ci && npm run build` in web/ first).
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
STATIC = ROOT / "api" / "static"
GRIDDED = Path(__file__).parent / "gridded"
# Screenshots go to build/screenshots; with ALLIANCEGRAPH_UPDATE_SCREENSHOTS=1 they refresh
# the committed ones in docs/screenshots that the README shows (a test run must not leave
# the work tree changed).
SCREENSHOTS = ROOT / (
    "docs/screenshots" if os.environ.get("ALLIANCEGRAPH_UPDATE_SCREENSHOTS") == "1"
    else "build/screenshots"
)  # fmt: skip
CHROMIUM = os.environ.get("ALLIANCEGRAPH_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
VIEWPORT = {"width": 1280, "height": 800}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """`alliancegraph [data options] serve --dev` on a free port of 127.0.0.1."""

    def __init__(self, data_args: list[str], env: dict[str, str] | None = None) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        child_env = {k: v for k, v in os.environ.items() if not k.startswith("NEO4J_")}
        child_env.update(env or {})
        command = [sys.executable, "-m", "cli", *data_args, "serve", "--dev",
                   "--port", str(self.port)]  # fmt: skip
        self.log = open(Path(os.environ.get("TMPDIR", "/tmp")) / f"ag-web-{self.port}.log", "w+b")  # noqa: SIM115
        self.process = subprocess.Popen(command, cwd=ROOT, env=child_env, stdout=self.log,
                                        stderr=subprocess.STDOUT)  # fmt: skip
        self._wait()

    def _wait(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=2) as r:
                    if r.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.2)
        self.stop()
        self.log.seek(0)
        pytest.fail(f"server did not start:\n{self.log.read().decode(errors='replace')}")

    def graphql(self, query: str, variables: dict[str, Any] | None = None) -> Any:
        """Ask the same server directly, to compare with what the page drew."""
        body = json.dumps({"query": query, "variables": variables or {}}).encode()
        request = urllib.request.Request(f"{self.url}/graphql", data=body,
                                         headers={"content-type": "application/json"})  # fmt: skip
        with urllib.request.urlopen(request, timeout=30) as r:
            answer = json.loads(r.read())
        assert "errors" not in answer, answer["errors"]
        return answer["data"]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


@pytest.fixture(scope="session")
def built() -> Path:
    """The built page; without it (and without npm to build it) the browser tests skip."""
    if not (STATIC / "index.html").is_file():
        if shutil.which("npm") is None:
            pytest.skip("api/static is not built and npm is missing: bash scripts/web.sh")
        subprocess.run(["bash", "scripts/web.sh"], cwd=ROOT, check=True)
    return STATIC


@pytest.fixture(scope="session")
def samples_server(built: Path) -> Iterator[Server]:
    """The bundled samples on the embedded store."""
    server = Server([])
    yield server
    server.stop()


@pytest.fixture(scope="session")
def gridded_server(built: Path) -> Iterator[Server]:
    """tests/web/gridded: six grids, two of them uncovered and one covered twice."""
    server = Server(["--data", str(GRIDDED)])
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser(built: Path) -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is missing: apt-get install chromium (./test.sh does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser: Any, tmp_path: Path) -> Iterator[Any]:
    """A fresh page at 1280×800 in a zh-CN locale; an uncaught script error fails the test."""
    context = browser.new_context(viewport=VIEWPORT, locale="zh-CN", accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(20_000)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    yield page
    context.close()
    assert not errors, f"script errors on the page: {errors}"


@pytest.fixture
def open_view(page: Any) -> Callable[..., Any]:
    """Open `#/view?…` on a server and wait until the view says it is ready."""

    def go(server: Server, hash_: str, lang: str | None = None) -> Any:
        query = f"?lang={lang}" if lang else ""
        page.goto(f"{server.url}/{query}#/{hash_}")
        page.wait_for_selector("#view[data-state='ready'], #view[data-state='error']")
        state = page.get_attribute("#view", "data-state")
        assert state == "ready", page.inner_text("#view")
        return page

    return go


def screenshot(page: Any, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.mouse.move(0, 0)  # no hover left over in the picture
    page.wait_for_timeout(300)
    page.screenshot(path=str(path))
    return path


def option(page: Any, chart: str) -> Any:
    """The ECharts option the page drew, as JSON (functions left out)."""
    return page.evaluate(
        """name => JSON.parse(JSON.stringify(window.alliancegraph.chart(name).getOption(),
               (k, v) => typeof v === 'function' ? undefined : v))""",
        chart,
    )
