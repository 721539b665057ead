"""The analysis queue worked off on Ray: one task per story, claimed and finished by the driver.

The driver claims a story (``corpus.queue.claim_story``, under its own worker
name), reads its members and hands them to a Ray task that runs
``parallax.analyze``; when the task returns, the driver saves the report and
marks the row (``finish_story``) in one transaction. At most ``2 * workers``
stories are in flight. So:

- a worker process killed mid-task: Ray runs the task again (``MAX_RETRIES``);
  the story is still claimed by the driver, and saved once;
- the driver killed (``kill -9``): its claims name a process that is gone, so the
  next run's ``claim_story`` puts them back to ``pending`` and analyses them;
- a task that raises: the story is marked ``failed`` with the reason, as
  ``work_queue`` does, and the run goes on;
- a model missing on a worker: every claim in flight is released, then
  ``ModelUnavailable`` is raised, as ``work_queue`` does.

Only the driver touches the store, so this works with SQLite as with PostgreSQL.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from parallax.corpus.keys import analysis_key, hash_members
from parallax.corpus.queue import (
    ProgressFn,
    QueueSummary,
    claim_story,
    count_states,
    drop_story,
    end_claim,
    finish_story,
    run_analysis,
    worker_name,
)
from parallax.errors import ModelUnavailable
from parallax.model import Article, Report
from parallax.options import Options

if TYPE_CHECKING:
    from parallax.corpus.store import Store

MAX_RETRIES = 3  # runs of one story's task after its worker died


class Job(NamedTuple):
    sid: int
    key: str


def analyse_story_task(articles: Sequence[Article], options: Options | None) -> Report:
    """One story's analysis (runs on a Ray worker)."""
    return run_analysis(articles, options)


def claim_job(
    ray: Any, store: Store, worker: str, task: Any, options: Options | None
) -> tuple[Any, Job] | None:
    """Claim the next pending story with two outlets and start its task; None when none is pending."""
    while True:
        sid = claim_story(store, worker)
        if sid is None:
            return None
        members = store.story_members(sid)
        if len({m.outlet for m in members if m.outlet}) < 2:
            drop_story(store, sid)
            continue
        key = analysis_key(hash_members(m.content_hash for m in members), options)
        ref = task.remote([m.to_article() for m in members], options)
        return ref, Job(sid, key)


def work_queue_on_ray(
    ray: Any,
    store: Store,
    options: Options | None,
    workers: int,
    *,
    limit: int | None = None,
    progress: ProgressFn | None = None,
    stop: threading.Event | None = None,
) -> QueueSummary:
    """Analyse pending stories on Ray until none is left (or ``limit``, or ``stop`` is set)."""
    began = time.perf_counter()
    task = ray.remote(max_retries=MAX_RETRIES, retry_exceptions=False)(analyse_story_task)
    worker = worker_name()
    summary = QueueSummary()
    total = count_states(store).get("pending", 0)
    total = min(total, limit) if limit is not None else total
    flight: dict[Any, Job] = {}
    started = finished = 0
    try:
        while True:
            while (
                len(flight) < 2 * workers
                and (limit is None or started < limit)
                and not (stop is not None and stop.is_set())
            ):
                claimed = claim_job(ray, store, worker, task, options)
                if claimed is None:
                    break
                flight[claimed[0]] = claimed[1]
                started += 1
            if not flight:
                break
            ready, _ = ray.wait(list(flight), num_returns=1)
            for ref in ready:
                job = flight.pop(ref)
                take_result(ray, store, ref, job, worker, options, summary)
                finished += 1
                if progress is not None:
                    progress(finished, total)
    except BaseException:
        for job in flight.values():  # not analysed: back to pending for the next run
            end_claim(store, job.sid, worker, "pending")
        raise
    counts = count_states(store)
    summary.busy = counts.get("running", 0)
    summary.left = counts.get("pending", 0)
    summary.seconds = time.perf_counter() - began
    return summary


def take_result(
    ray: Any, store: Store, ref: Any, job: Job, worker: str, options: Options | None, summary: QueueSummary
) -> None:
    """Save one finished task's report, or record why it failed (``ModelUnavailable`` propagates)."""
    try:
        report = ray.get(ref)
    except ModelUnavailable:
        end_claim(store, job.sid, worker, "pending")
        raise
    except Exception as exc:  # the task raised, or its worker died more than MAX_RETRIES times
        cause = getattr(exc, "cause", None) or exc
        reason = f"{type(cause).__name__}: {cause}".splitlines()[0]
        end_claim(store, job.sid, worker, "failed", reason)
        summary.failed += 1
        summary.errors.append((job.sid, reason))
        return
    summary.analysed += 1
    if not finish_story(store, job.sid, worker, job.key, report, options):
        summary.requeued += 1
