"""What ``parallax watch`` remembers of each source it polls, kept in the corpus (``feed_state``).

One row per polled source (a feed or page URL, or a local file or folder): the
validators of its last answer (``ETag`` and ``Last-Modified`` for a URL; a
fingerprint of names, sizes and modification times for a local path), when it
was last polled and is next due, its current interval, how many polls in a row
failed and why the last one did. A restarted watch reads the rows and resumes
the schedule. Times are stored as ISO 8601 text in UTC and handled as epoch seconds.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from parallax.corpus.store import Store

COLUMNS = (
    "source, etag, last_modified, last_polled, next_poll, interval_seconds, failures, last_error, last_new"
)


@dataclass
class FeedState:
    source: str
    etag: str | None = None  # a URL's ETag, or a local path's fingerprint
    last_modified: str | None = None  # a URL's Last-Modified header, as sent
    last_polled: float | None = None  # epoch seconds
    next_poll: float = 0.0  # epoch seconds; 0: due now
    interval: float = 0.0  # seconds until the next poll after a quiet one; 0: not polled yet
    failures: int = 0  # polls in a row that failed
    last_error: str | None = None
    last_new: float | None = None  # when a poll last brought something new


def to_text(seconds: float | None) -> str | None:
    if seconds is None:
        return None
    return datetime.fromtimestamp(seconds, UTC).isoformat(timespec="milliseconds")


def to_seconds(text: str | None) -> float | None:
    if not text:
        return None
    when = datetime.fromisoformat(text)
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.timestamp()


def load_states(store: Store) -> dict[str, FeedState]:
    """Every source's remembered state, by source."""
    states = {}
    for row in store.rows(f"SELECT {COLUMNS} FROM feed_state"):
        source, etag, modified, polled, due, interval, failures, error, new = row
        states[source] = FeedState(
            source=source,
            etag=etag,
            last_modified=modified,
            last_polled=to_seconds(polled),
            next_poll=to_seconds(due) or 0.0,
            interval=float(interval or 0.0),
            failures=int(failures or 0),
            last_error=error,
            last_new=to_seconds(new),
        )
    return states


def save_states(store: Store, states: Iterable[FeedState]) -> None:
    """Write the states in one transaction (each row replaced whole)."""
    with store.transaction():
        for state in states:
            store.execute(
                f"INSERT INTO feed_state ({COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (source) DO UPDATE SET etag = excluded.etag, "
                "last_modified = excluded.last_modified, last_polled = excluded.last_polled, "
                "next_poll = excluded.next_poll, interval_seconds = excluded.interval_seconds, "
                "failures = excluded.failures, last_error = excluded.last_error, "
                "last_new = excluded.last_new",
                (
                    state.source,
                    state.etag,
                    state.last_modified,
                    to_text(state.last_polled),
                    to_text(state.next_poll),
                    state.interval,
                    state.failures,
                    state.last_error,
                    to_text(state.last_new),
                ),
            )
