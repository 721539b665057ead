"""The analysis phase of ``parallax ingest`` and ``parallax analyse-pending`` (in ``cli.corpus``).

Both work off the corpus's analysis queue (``parallax.corpus.queue``) with a
progress bar: one story at a time, each failure recorded in its queue row and
counted, and the run goes on.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.text import Text

from parallax.corpus.store import Store
from parallax.options import Options

if TYPE_CHECKING:
    from parallax.engine import Engine


def analyse_queue(
    store: Store,
    options: Options | None,
    console: Console,
    limit: int | None = None,
    *,
    engine: Engine | None = None,
) -> int:
    """Work the queue off with a progress bar and print what happened; returns the failures.

    ``engine`` (``parallax.engine``) runs the analyses elsewhere (Ray); default: this process.

    Raises ``ModelUnavailable`` when the models cannot be loaded (the claim is released).
    """
    from parallax.corpus.queue import enqueue_stories, work_queue

    enqueue_stories(store, options)
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=False) as bar:
        task = bar.add_task("analysing stories", total=None)

        def progress(done: int, total: int) -> None:
            bar.update(task, completed=done, total=max(total, done))

        if engine is None:
            summary = work_queue(store, options, limit=limit, progress=progress)
        else:
            summary = engine.analyse(store, options, limit=limit, progress=progress)
    for line in summary.lines():
        console.print(Text(line))
    return summary.failed
