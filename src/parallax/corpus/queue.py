"""The analysis queue: every story with two or more outlets gets an analysis of its current members.

One row per story in ``analysis_queue``, in one of four states:

- ``pending``  waiting for a worker (new, its members changed, or its claim was released);
- ``running``  claimed by a worker (``worker``, ``host``, ``pid``), with a lease (``lease_until``);
- ``done``     analysed (``analysed_count`` counts the analyses, ``attempts`` the claims);
- ``failed``   the analysis raised; ``error`` says why. Retried up to ``MAX_ATTEMPTS`` claims.

``enqueue_stories`` compares every live story's wanted analysis key (members +
options + version, as the ``analyses`` table keys them) with what is stored and
queues what differs; stories with fewer than two outlets are never queued.
``claim_story`` takes the oldest pending row atomically: inside SQLite's
``BEGIN IMMEDIATE`` write transaction, or with ``FOR UPDATE SKIP LOCKED`` on
PostgreSQL. Before claiming, claims whose lease ran out, or whose process on
this host is gone (``kill -9``), go back to ``pending``. ``finish_story`` saves
the analysis and marks the row in one transaction; when the members changed
during the analysis, the row goes back to ``pending`` (only the latest member
set matters). ``work_queue`` runs that loop until the queue is empty.
"""

from __future__ import annotations

import functools
import json
import os
import socket
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from parallax.corpus.keys import analysis_key, hash_members
from parallax.errors import ModelUnavailable
from parallax.model import Article, Report
from parallax.options import Options

if TYPE_CHECKING:
    from parallax.corpus.store import Store
    from parallax.nlp.cache import AnalysisCache

MAX_ATTEMPTS = 3
LEASE_SECONDS = 1800.0  # a claim older than this is taken back, whatever host holds it

# (stories finished so far in this run, stories pending when it started)
ProgressFn = Callable[[int, int], None]
Analyser = Callable[[Sequence[Article], Options | None], Report]


def stamp(after_seconds: float = 0.0) -> str:
    return (datetime.now(UTC) + timedelta(seconds=after_seconds)).isoformat(timespec="seconds")


def worker_name() -> str:
    """This worker's id: host, process and thread."""
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"


def is_alive(pid: int) -> bool:
    """Whether a process with this id exists on this host."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process
    return True


def run_analysis(
    articles: Sequence[Article], options: Options | None, cache: AnalysisCache | None = None
) -> Report:
    """The default analyser: ``parallax.analyze``, as ``parallax story`` runs it, reusing the
    sentence vectors and parses in ``cache``."""
    import parallax

    return parallax.analyze(list(articles), options, cache=cache)


@dataclass
class QueueSummary:
    """What one run over the queue did."""

    analysed: int = 0  # analyses saved
    failed: int = 0  # analyses that raised (the reason is in the queue row)
    requeued: int = 0  # stories whose members changed while they were analysed
    busy: int = 0  # stories other workers were analysing when the run ended
    left: int = 0  # stories still pending (a --limit was reached, or they arrived meanwhile)
    errors: list[tuple[int, str]] = field(default_factory=list)  # (story id, reason)
    seconds: float = 0.0

    def lines(self) -> list[str]:
        out = [f"analysed {self.analysed} stories ({self.seconds:.1f} s), {self.failed} failed"]
        out.extend(f"  story {sid}: {reason}" for sid, reason in self.errors[:10])
        if self.requeued:
            out.append(f"{self.requeued} stories changed while they were analysed and are queued again")
        if self.busy:
            out.append(f"{self.busy} stories are being analysed by another process")
        if self.left:
            out.append(f"{self.left} stories wait for analysis: run `parallax analyse-pending`")
        return out


# -- which stories need what -------------------------------------------------------------------


def story_keys(
    store: Store, options: Options | None = None, story_ids: Sequence[int] | None = None
) -> dict[int, str | None]:
    """Each live story's wanted analysis key; None for a story with fewer than two outlets."""
    where, params = "", ()  # type: tuple[str, tuple[Any, ...]]
    if story_ids is not None:
        if not story_ids:
            return {}
        where = f" AND id IN ({', '.join('?' for _ in story_ids)})"
        params = tuple(story_ids)
    outlets = {
        int(sid): json.loads(text) if isinstance(text, str) else list(text or [])
        for sid, text in store.rows(f"SELECT id, outlets FROM stories WHERE status = 'live'{where}", params)
    }
    hashes: dict[int, list[str]] = {sid: [] for sid in outlets}
    member_where = where.replace(" AND id IN", " AND story_id IN")
    for sid, digest in store.rows(
        f"SELECT story_id, content_hash FROM articles WHERE story_id IS NOT NULL{member_where}", params
    ):
        if int(sid) in hashes:
            hashes[int(sid)].append(digest)
    return {
        sid: analysis_key(hash_members(hashes[sid]), options) if len(set(outlets[sid])) >= 2 else None
        for sid in outlets
    }


def enqueue_stories(store: Store, options: Options | None = None) -> int:
    """Queue every live multi-outlet story whose stored analysis is not for its current members,
    ``options`` and this version; drop queue rows of stories gone or below two outlets.

    Returns how many stories were queued (rows already pending or running are left as they are).
    """
    queued = 0
    when = stamp()
    with store.transaction():
        wanted = story_keys(store, options)
        stored = {int(s): k for s, k in store.rows("SELECT story_id, member_hash FROM analyses")}
        rows = {
            int(s): (state, key, int(attempts))
            for s, state, key, attempts in store.rows(
                "SELECT story_id, state, analysis_key, attempts FROM analysis_queue"
            )
        }
        for sid, (state, _, _) in rows.items():
            if wanted.get(sid) is None and state != "running":
                store.execute("DELETE FROM analysis_queue WHERE story_id = ? AND state = ?", (sid, state))
        for sid, key in wanted.items():
            if key is None or stored.get(sid) == key:
                continue
            row = rows.get(sid)
            if row is None:
                store.execute(
                    "INSERT INTO analysis_queue (story_id, state, analysis_key, queued_at) "
                    "VALUES (?, 'pending', ?, ?) ON CONFLICT (story_id) DO NOTHING",
                    (sid, key, when),
                )
                queued += 1
                continue
            state, old_key, attempts = row
            retry = state == "done" or (state == "failed" and (old_key != key or attempts < MAX_ATTEMPTS))
            if retry:
                fresh = 0 if old_key != key else attempts
                store.execute(
                    "UPDATE analysis_queue SET state = 'pending', analysis_key = ?, attempts = ?, "
                    "queued_at = ? WHERE story_id = ? AND state = ?",
                    (key, fresh, when, sid, state),
                )
                queued += 1
    return queued


# -- claiming and finishing --------------------------------------------------------------------


def release_dead_claims(store: Store) -> int:
    """Put back to ``pending`` the claims whose lease ran out or whose process on this host is gone
    (inside the caller's transaction). Returns how many."""
    host = socket.gethostname()
    when = stamp()
    released = 0
    for sid, worker, claim_host, pid, lease in store.rows(
        "SELECT story_id, worker, host, pid, lease_until FROM analysis_queue WHERE state = 'running'"
    ):
        gone = claim_host == host and pid is not None and not is_alive(int(pid))
        if gone or (lease or "") < when:
            store.execute(
                "UPDATE analysis_queue SET state = 'pending', worker = NULL, host = NULL, pid = NULL, "
                "lease_until = NULL WHERE story_id = ? AND state = 'running' AND worker = ?",
                (sid, worker),
            )
            released += 1
    return released


def claim_story(store: Store, worker: str, lease_seconds: float = LEASE_SECONDS) -> int | None:
    """Claim the oldest pending story for ``worker`` (atomically); None when nothing is pending."""
    lock = " FOR UPDATE SKIP LOCKED" if store.backend == "postgresql" else ""
    with store.transaction():
        release_dead_claims(store)
        row = store.execute(
            "SELECT story_id FROM analysis_queue WHERE state = 'pending' "
            f"ORDER BY queued_at, story_id LIMIT 1{lock}"
        ).fetchone()
        if row is None:
            return None
        sid = int(row[0])
        store.execute(
            "UPDATE analysis_queue SET state = 'running', worker = ?, host = ?, pid = ?, claimed_at = ?, "
            "lease_until = ?, attempts = attempts + 1 WHERE story_id = ? AND state = 'pending'",
            (worker, socket.gethostname(), os.getpid(), stamp(), stamp(lease_seconds), sid),
        )
    return sid


def end_claim(store: Store, sid: int, worker: str, state: str, error: str | None = None) -> None:
    """Leave a claim in ``state`` (``pending``: released; ``failed``: with ``error``)."""
    with store.transaction():
        store.execute(
            "UPDATE analysis_queue SET state = ?, error = ?, worker = NULL, host = NULL, pid = NULL, "
            "lease_until = NULL WHERE story_id = ? AND worker = ?",
            (state, error, sid, worker),
        )


def drop_story(store: Store, sid: int) -> None:
    """Forget a claimed story that no longer has two outlets (merged away or split)."""
    with store.transaction():
        store.execute("DELETE FROM analysis_queue WHERE story_id = ?", (sid,))


def finish_story(
    store: Store, sid: int, worker: str, key: str, report: Report, options: Options | None
) -> bool:
    """Save the analysis made under ``key`` and mark the story done, in one transaction.

    Returns False when the story's members changed meanwhile: it is then pending again.
    """
    with store.transaction():
        store.write_analysis(sid, key, report)
        current = story_keys(store, options, [sid]).get(sid)
        state = "done" if current == key else "pending"
        store.execute(
            "UPDATE analysis_queue SET state = ?, analysis_key = ?, analysed_count = analysed_count + 1, "
            "error = NULL, worker = NULL, host = NULL, pid = NULL, lease_until = NULL, done_at = ? "
            "WHERE story_id = ?",
            (state, current or key, stamp(), sid),
        )
    return state == "done"


def count_states(store: Store) -> dict[str, int]:
    return {
        str(state): int(n)
        for state, n in store.rows("SELECT state, COUNT(*) FROM analysis_queue GROUP BY state")
    }


def work_queue(
    store: Store,
    options: Options | None = None,
    *,
    limit: int | None = None,
    progress: ProgressFn | None = None,
    analyser: Analyser | None = None,
    stop: threading.Event | None = None,
) -> QueueSummary:
    """Analyse pending stories one at a time until none is left (or ``limit``, or ``stop`` is set).

    An analysis that raises is recorded in its queue row and the run goes on;
    a missing model stops the run (every story would fail) after releasing the claim.
    """
    began = time.perf_counter()
    if analyser is None:
        from parallax.corpus.text_cache import StoreCache

        cache = StoreCache(store)  # the texts of members analysed before are not embedded or parsed again
        analyser = functools.partial(run_analysis, cache=cache)
    analyse = analyser
    worker = worker_name()
    summary = QueueSummary()
    total = count_states(store).get("pending", 0)
    total = min(total, limit) if limit is not None else total
    finished = 0
    while (limit is None or finished < limit) and not (stop is not None and stop.is_set()):
        sid = claim_story(store, worker)
        if sid is None:
            break
        members = store.story_members(sid)
        if len({m.outlet for m in members if m.outlet}) < 2:
            drop_story(store, sid)
            continue
        key = analysis_key(hash_members(m.content_hash for m in members), options)
        try:
            report = analyse([m.to_article() for m in members], options)
        except ModelUnavailable:
            end_claim(store, sid, worker, "pending")
            raise
        except Exception as exc:  # one story's failure is recorded; the others are still analysed
            reason = f"{type(exc).__name__}: {exc}"
            end_claim(store, sid, worker, "failed", reason)
            summary.failed += 1
            summary.errors.append((sid, reason))
        except BaseException:
            end_claim(store, sid, worker, "pending")
            raise
        else:
            summary.analysed += 1
            if not finish_story(store, sid, worker, key, report, options):
                summary.requeued += 1
        finished += 1
        if progress is not None:
            progress(finished, total)
    counts = count_states(store)
    summary.busy = counts.get("running", 0)
    summary.left = counts.get("pending", 0)
    summary.seconds = time.perf_counter() - began
    return summary


# -- what the story list says ------------------------------------------------------------------


@dataclass
class AnalysisState:
    """A story's analysis status for listings."""

    status: str  # current, stale, pending, failed, none
    digest: dict[str, Any] | None = None  # of the stored analysis, current or not
    error: str | None = None  # why the last analysis failed


def analysis_states(store: Store, story_ids: Sequence[int] | None = None) -> dict[int, AnalysisState]:
    """The status of each live story's analysis with the default options.

    ``current``: an analysis of its current members with the default options and
    this version is stored; ``pending``: queued, being analysed, or not queued
    yet; ``failed``: its last analysis raised; ``stale``: only an analysis of
    other members, options or version is stored; ``none``: fewer than two outlets.
    """
    wanted = story_keys(store, Options(), story_ids)
    if not wanted:
        return {}
    where, ids = "", ()  # type: tuple[str, tuple[Any, ...]]
    if story_ids is not None:
        where, ids = f" WHERE story_id IN ({', '.join('?' for _ in wanted)})", tuple(wanted)
    stored = {
        int(s): (key, json.loads(d) if isinstance(d, str) else d)
        for s, key, d in store.rows(f"SELECT story_id, member_hash, digest FROM analyses{where}", ids)
    }
    queued = {
        int(s): (state, error)
        for s, state, error in store.rows(f"SELECT story_id, state, error FROM analysis_queue{where}", ids)
    }
    states: dict[int, AnalysisState] = {}
    for sid, key in wanted.items():
        held_key, digest = stored.get(sid, (None, None))
        state, error = queued.get(sid, (None, None))
        if key is None:
            status = "none"
        elif held_key == key:
            status = "current"
        elif state in ("pending", "running"):
            status = "pending"
        elif state == "failed":
            status = "failed"
        elif held_key is not None:
            status = "stale"
        else:
            status = "pending"
        states[sid] = AnalysisState(status, digest, error if status == "failed" else None)
    return states
