"""Progress on the terminal for long loads and exports: rows done, rate and time left.

Shown with `rich` on standard error, only when it is a terminal or `--progress` asks for
it, and never with `--json` (whose standard output is for machines) nor into a log (a
redirected standard error gets nothing unless asked). The loaders report through a plain
callback, `progress(what, rows_so_far)`, and know nothing of the display.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID

Callback = Callable[[str, int], None]

progress_option = click.option(
    "--progress/--no-progress",
    "show_progress",
    default=None,
    help="Show progress (rows, rate, time left) on standard error; default: when it is a "
    "terminal and --json is not given.",
)


def wanted(show: bool | None, as_json: bool) -> bool:
    """Asked for, or by default on a terminal without --json."""
    if show is not None:
        return show
    return not as_json and sys.stderr.isatty()


class Bars:
    """One bar per file or table as it is reported, and an overall one when the total is
    known (`total` rows), with rate and time left."""

    def __init__(self, progress: Progress, title: str, total: int | None) -> None:
        self.progress = progress
        self.tasks: dict[str, TaskID] = {}
        self.done: dict[str, int] = {}
        self.overall = progress.add_task(title, total=total) if total else None
        self.status: TaskID | None = None

    def __call__(self, what: str, rows: int) -> None:
        if what not in self.tasks:
            self.tasks[what] = self.progress.add_task(f"  {what}", total=None)
        self.progress.update(self.tasks[what], completed=rows)
        self.done[what] = rows
        if self.overall is not None:
            self.progress.update(self.overall, completed=sum(self.done.values()))

    def line(self, text: str) -> None:
        """A line of a tool's own output (the import tool's stage), shown as a status."""
        text = text.strip()
        if not text:
            return
        if self.status is None:
            self.status = self.progress.add_task(text[:70], total=None)
        self.progress.update(self.status, description=text[:70])


@contextmanager
def bars(enabled: bool, title: str, total: int | None = None) -> Iterator[Bars | None]:
    """A `Bars` callback while the block runs, or None when progress is not wanted."""
    if not enabled:
        yield None
        return
    # Imported here: most commands never show progress, and every command starts faster.
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        ProgressColumn,
        SpinnerColumn,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )
    from rich.text import Text

    class RateColumn(ProgressColumn):
        """Rows per second of the task, as rich measures it."""

        def render(self, task: Any) -> Text:
            speed = task.finished_speed or task.speed
            return Text(f"{speed:>9,.0f} rows/s" if speed else "", style="progress.data.speed")

    columns = (
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        RateColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=Console(stderr=True)) as progress:
        yield Bars(progress, title, total)
