"""Analyses run in the background, one at a time, with their progress.

A job runs ``parallax.analyze`` with every stage wrapped so that the job
records which stage is running; the web page polls ``/api/jobs/{id}`` (or
reloads itself without JavaScript) until the job is done.

The work is bounded: at most ``max_pending`` jobs wait or run at once. A job
submitted beyond that is refused with ``QueueFull`` (the web app answers 429
with a message and a ``Retry-After`` header), so a flood of requests queues no
unbounded work and holds no unbounded input in memory.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from parallax.model import Report
from parallax.stage import Context, Stage

# How many finished jobs are kept (the oldest are forgotten first).
KEEP_JOBS = 50
# How many jobs may wait or run at once, by default.
MAX_PENDING = 4


class QueueFull(Exception):
    """The analyser already has as many jobs as it accepts; try again later."""

    def __init__(self, pending: int, retry_after: int) -> None:
        self.pending = pending
        self.retry_after = retry_after
        super().__init__(
            f"The analyser is busy: {pending} analyses are already queued or running, the most it accepts "
            f"at once. Nothing was started; please try again in about {retry_after} seconds."
        )


@dataclass
class Job:
    """One background analysis."""

    id: str
    title: str
    state: str = "queued"  # queued | running | done | failed
    step: str = "waiting for the analyser"  # what is happening now, in words
    done_steps: int = 0
    total_steps: int = 0
    error: str = ""
    report: Report | None = None
    created: float = field(default_factory=time.time)
    finished: float | None = None
    after: str = ""  # where to send the reader when the job is done (a local path)

    @property
    def fraction(self) -> float:
        if self.state == "done":
            return 1.0
        return self.done_steps / self.total_steps if self.total_steps else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "state": self.state,
            "step": self.step,
            "done_steps": self.done_steps,
            "total_steps": self.total_steps,
            "progress": round(self.fraction, 3),
            "error": self.error or None,
        }


def describe_stage(name: str) -> str:
    """A stage name as readers see it: "group_claims" -> "group claims"."""
    return name.replace("_", " ")


def wrap_stages(stages: Sequence[Stage], job: Job) -> list[Stage]:
    """The same stages, each telling ``job`` when it starts and ends."""

    def wrap(st: Stage, number: int) -> Stage:
        def run(ctx: Context) -> None:
            job.step = f"step {number} of {len(stages)}: {describe_stage(st.name)}"
            st(ctx)
            job.done_steps = number

        return Stage(st.name, run, st.requires, st.provides)

    return [wrap(st, n) for n, st in enumerate(stages, 1)]


class JobRunner:
    """Runs jobs on one worker thread (analyses are CPU-bound) and keeps recent ones."""

    def __init__(self, workers: int = 1, max_pending: int = MAX_PENDING, retry_after: int = 30) -> None:
        if max_pending < 1:
            raise ValueError(f"max_pending must be at least 1, not {max_pending}")
        self.pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="parallax-job")
        self.jobs: OrderedDict[str, Job] = OrderedDict()
        self.lock = threading.Lock()
        self.max_pending = max_pending
        self.retry_after = retry_after

    def pending(self) -> int:
        """How many jobs are queued or running now."""
        with self.lock:
            return sum(job.state in ("queued", "running") for job in self.jobs.values())

    def submit(
        self,
        title: str,
        work: Callable[[Sequence[Stage], Job], Report],
        stages: Callable[[], Sequence[Stage]],
        on_done: Callable[[Report], None] | None = None,
        after: str = "",
    ) -> Job:
        """Start ``work(wrapped_stages, job)`` in the background and return its job at once.

        Raises QueueFull, starting nothing, when ``max_pending`` jobs are already queued or running.
        """
        job = Job(id=secrets.token_urlsafe(9), title=title, after=after)
        with self.lock:
            pending = sum(j.state in ("queued", "running") for j in self.jobs.values())
            if pending >= self.max_pending:
                raise QueueFull(pending, self.retry_after)
            self.jobs[job.id] = job
            # Forget the oldest finished jobs first; a pending job is never forgotten.
            finished = [k for k, j in self.jobs.items() if j.state in ("done", "failed")]
            for key in finished[: max(0, len(self.jobs) - KEEP_JOBS)]:
                del self.jobs[key]
        self.pool.submit(self._run, job, work, stages, on_done)
        return job

    def _run(
        self,
        job: Job,
        work: Callable[[Sequence[Stage], Job], Report],
        stages: Callable[[], Sequence[Stage]],
        on_done: Callable[[Report], None] | None,
    ) -> None:
        job.state = "running"
        job.step = "reading the articles"
        try:
            plan = list(stages())
            job.total_steps = len(plan)
            report = work(wrap_stages(plan, job), job)
            if on_done is not None:
                on_done(report)
            job.report = report
            job.state = "done"
            job.step = "finished"
        except Exception as exc:  # every failure is shown to the reader
            job.state = "failed"
            job.error = str(exc) or type(exc).__name__
            job.step = "failed"
        finally:
            job.finished = time.time()

    def get(self, job_id: str) -> Job | None:
        with self.lock:
            return self.jobs.get(job_id)

    def shutdown(self) -> None:
        self.pool.shutdown(wait=False, cancel_futures=True)
