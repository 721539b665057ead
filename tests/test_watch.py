"""``parallax watch``: conditional polls, new items stored once, backoff, failures, restarts.

A loopback HTTP server (127.0.0.1, so the fetches set ``allow_private``) serves
feeds that the tests change between polls, answering ``If-None-Match`` and
``If-Modified-Since`` with 304 when nothing changed. Polls run with an injected
clock, so the schedule is tested without waiting.
"""

from __future__ import annotations

import hashlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from typer.testing import CliRunner

from parallax.cli import app
from parallax.corpus import stories as stories_module
from parallax.corpus.connect import open_store
from parallax.corpus.feed_state import load_states
from parallax.corpus.watch import (
    WatchSettings,
    format_duration,
    parse_duration,
    poll_due,
    run_watch,
)
from parallax.ingest.urls import Fetcher, FetchSettings
from test_corpus_ingest import bag_embedder

EVERY = 600.0
T0 = 1_800_000_000.0

STORIES = [
    ("Harbour wall rebuilt", "The town council voted on Thursday to rebuild the harbour wall before winter."),
    ("Ferry strike ends", "Ferry crews ended their three-day strike after the operator agreed to new rotas."),
    ("Museum reopens", "The river museum reopened on Saturday after two years of repairs to its roof."),
    ("Bridge closed", "Engineers closed the old bridge on Monday after finding cracks in two of its piers."),
]


def make_feed(count: int) -> bytes:
    items = "".join(
        f"<item><title>{title}</title><link>http://news.test/{n}</link>"
        f"<guid>http://news.test/{n}</guid><description>{body}</description></item>"
        for n, (title, body) in enumerate(STORIES[:count])
    )
    return (
        f"<?xml version='1.0'?><rss version='2.0'><channel><title>Coast Herald</title>{items}</channel></rss>"
    ).encode()


class Site:
    """What the server serves: path -> body, or path -> an error status; and what it saw."""

    def __init__(self) -> None:
        self.bodies: dict[str, bytes] = {}
        self.modified: dict[str, float] = {}
        self.errors: dict[str, int] = {}
        self.answers: list[tuple[str, int]] = []
        self.conditional: list[str] = []

    def publish(self, path: str, body: bytes, when: float) -> None:
        self.bodies[path] = body
        self.modified[path] = when


SITE = Site()


class Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        path = self.path
        if path in SITE.errors:
            self.answer(path, SITE.errors[path], b"broken")
            return
        body = SITE.bodies.get(path)
        if body is None:
            self.answer(path, 404, b"")
            return
        etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
        modified = formatdate(SITE.modified[path], usegmt=True)
        if self.headers.get("If-None-Match") or self.headers.get("If-Modified-Since"):
            SITE.conditional.append(path)
        if self.headers.get("If-None-Match") == etag:
            self.answer(path, 304, b"", {"ETag": etag})
            return
        self.answer(path, 200, body, {"ETag": etag, "Last-Modified": modified})

    def answer(self, path: str, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
        SITE.answers.append((path, status))
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        if status != 304:
            self.send_header("Content-Type", "application/rss+xml")
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if status != 304:
            self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[str]:
    global SITE
    SITE = Site()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/feed"


def settings(**kwargs: object) -> WatchSettings:
    fetch = FetchSettings(allow_private=True, host_interval=0.0, retries=0, timeout=5.0)
    return WatchSettings(every=EVERY, fetch=fetch, **kwargs)  # type: ignore[arg-type]


def count_articles(db: Path) -> int:
    with open_store(str(db)) as store:
        return store.count_articles()


def poll(db: Path, sources: list[str], at: float, **kwargs: object):  # type: ignore[no-untyped-def]
    with open_store(str(db)) as store:
        return poll_due(store, sources, settings(**kwargs), embed=bag_embedder, clock=lambda: at)


def test_watch_fetcher_sends_conditional_headers_and_reports_304(server: str) -> None:
    SITE.publish("/feed", make_feed(1), T0)
    fetcher = Fetcher(FetchSettings(allow_private=True, host_interval=0.0))
    try:
        first = fetcher.fetch(server + "/feed")
        again = fetcher.fetch(server + "/feed", headers={"If-None-Match": first.headers["etag"]})
    finally:
        fetcher.close()
    assert first.status == 200 and first.headers["last-modified"]
    assert again.status == 304 and again.body == b""


def test_watch_each_new_item_is_ingested_once_across_polls(server: str, tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    feed = server + "/feed"
    SITE.publish("/feed", make_feed(2), T0)
    first = poll(db, [feed], T0)
    assert (first.new, first.not_modified, first.failed) == (2, 0, [])
    SITE.publish("/feed", make_feed(3), T0 + 60)  # one entry added, the other two repeated
    second = poll(db, [feed], T0 + EVERY)
    assert second.new == 1 and second.fresh == [feed]
    assert count_articles(db) == 3
    with open_store(str(db)) as store:
        assert store.count_pending() == 0  # clustered into stories
        assert sum(row["size"] for row in store.list_stories()) == 3


def test_watch_304_is_not_modified_ingests_nothing_and_backs_off(server: str, tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    feed = server + "/feed"
    SITE.publish("/feed", make_feed(2), T0)
    poll(db, [feed], T0)
    quiet = poll(db, [feed], T0 + EVERY)
    assert (quiet.polled, quiet.not_modified, quiet.new) == (1, 1, 0)
    assert ("/feed", 304) in SITE.answers and "/feed" in SITE.conditional
    assert count_articles(db) == 2
    with open_store(str(db)) as store:
        state = load_states(store)[feed]
    assert state.interval == 2 * EVERY  # quiet: the interval doubled
    assert state.next_poll == T0 + EVERY + 2 * EVERY
    assert poll(db, [feed], T0 + 2 * EVERY).polled == 0  # not due yet
    SITE.publish("/feed", make_feed(3), T0 + 100)
    busy = poll(db, [feed], T0 + 3 * EVERY)
    assert busy.new == 1
    with open_store(str(db)) as store:
        assert load_states(store)[feed].interval == EVERY  # something new: back to --every


def test_watch_quiet_interval_stops_at_the_cap(tmp_path: Path) -> None:
    feed = tmp_path / "local.rss"
    feed.write_bytes(make_feed(1))
    db = tmp_path / "c.db"
    at = T0
    for _ in range(6):
        summary = poll(db, [str(feed)], at, max_every=3 * EVERY)
        assert summary.polled == 1
        assert summary.next_due is not None
        at = summary.next_due
    with open_store(str(db)) as store:
        assert load_states(store)[str(feed)].interval == 3 * EVERY


def test_watch_failing_feeds_are_recorded_and_back_off_while_another_works(
    server: str, tmp_path: Path
) -> None:
    db = tmp_path / "c.db"
    good, broken, refused = server + "/feed", server + "/broken", closed_port_url()
    SITE.publish("/feed", make_feed(1), T0)
    SITE.errors["/broken"] = 500
    first = poll(db, [broken, refused, good], T0)
    assert first.new == 1
    reasons = {source: reason for source, reason, _ in first.failed}
    assert "HTTP 500" in reasons[broken]
    assert "not fetched" in reasons[refused] and refused in reasons
    with open_store(str(db)) as store:
        states = load_states(store)
    assert states[broken].failures == 1 and "HTTP 500" in (states[broken].last_error or "")
    assert states[broken].next_poll == T0 + 2 * EVERY  # retried later than a working feed
    assert states[good].next_poll == T0 + EVERY and states[good].failures == 0
    SITE.publish("/feed", make_feed(2), T0 + 10)
    second = poll(db, [broken, refused, good], T0 + EVERY)
    assert (second.polled, second.new, second.failed) == (1, 1, [])  # only the working feed was due
    third = poll(db, [broken, refused, good], T0 + 2 * EVERY)
    assert len(third.failed) == 2
    with open_store(str(db)) as store:
        assert load_states(store)[broken].next_poll == T0 + 2 * EVERY + 4 * EVERY
    del SITE.errors["/broken"]
    SITE.publish("/broken", make_feed(4), T0)
    healed = poll(db, [broken], T0 + 6 * EVERY)
    assert healed.failed == [] and healed.new == 2  # its two entries not already stored from /feed
    with open_store(str(db)) as store:
        state = load_states(store)[broken]
    assert (state.failures, state.last_error) == (0, None)


def test_watch_locked_corpus_keeps_the_items_for_the_next_poll(server: str, tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    feed = server + "/feed"
    SITE.publish("/feed", make_feed(2), T0)
    with open_store(str(db)) as other, other.ingest_lock():
        blocked = poll(db, [feed], T0)
    assert blocked.new == 0 and "not stored" in blocked.failed[0][1]
    assert count_articles(db) == 0
    retried = poll(db, [feed], T0 + 2 * EVERY)
    assert retried.new == 2  # the validators were not kept: fetched in full again


def test_watch_restart_resumes_the_schedule_without_reingesting(
    server: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "c.db"
    feed = server + "/feed"
    SITE.publish("/feed", make_feed(2), T0)
    now = time.time()
    poll(db, [feed], now - 2 * EVERY)  # an earlier run, whose next poll is now due
    monkeypatch.setattr(stories_module, "default_embedder", bag_embedder)
    runner = CliRunner()
    args = [
        "watch",
        feed,
        "--db",
        str(db),
        "--once",
        "--every",
        "10m",
        "--allow-private",
        "--host-interval",
        "0",
    ]
    resumed = runner.invoke(app, args)
    assert resumed.exit_code == 0, resumed.output
    assert "polled 1 of 1 sources: 0 new articles, 1 not modified" in resumed.output
    assert count_articles(db) == 2
    again = runner.invoke(app, args)  # straight after: nothing is due
    assert again.exit_code == 0 and "nothing due of 1 sources" in again.output
    assert SITE.answers.count(("/feed", 304)) == 1


def test_watch_local_feed_file_and_url_list(server: str, tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    local = tmp_path / "local.rss"
    local.write_bytes(make_feed(1))
    SITE.publish("/a", make_feed(2), T0)
    SITE.publish("/b", make_feed(4), T0)
    listing = tmp_path / "feeds.urls"
    listing.write_text(f"# feeds\n{server}/a\n\n{server}/b\n{server}/a\n", encoding="utf-8")
    first = poll(db, [str(local), str(listing)], T0)
    assert (first.sources, first.polled, first.new) == (3, 3, 4)
    with open_store(str(db)) as store:
        assert set(load_states(store)) == {str(local), f"{server}/a", f"{server}/b"}
    assert poll(db, [str(local)], T0 + EVERY).not_modified == 1  # the file did not change
    local.write_bytes(make_feed(1).replace(b"winter.", b"winter storms arrive."))
    os.utime(local, (T0 + 5, T0 + 5))
    changed = poll(db, [str(local)], T0 + 3 * EVERY)
    assert changed.new == 1
    missing = poll(db, [str(tmp_path / "gone.urls")], T0)
    assert "cannot read the URL list" in missing.failed[0][1]


def test_watch_run_stops_after_its_cycles_and_when_stopped(tmp_path: Path) -> None:
    local = tmp_path / "local.rss"
    local.write_bytes(make_feed(2))
    quick = WatchSettings(every=0.01, cluster=False)
    with open_store(str(tmp_path / "c.db")) as store:
        done = run_watch(store, [str(local)], quick, cycles=3)
        assert [c.new for c in done] == [2, 0, 0]
        stop = threading.Event()
        stop.set()
        assert run_watch(store, [str(local)], quick, stop=stop) == []


def test_watch_durations() -> None:
    assert parse_duration("15m") == 900
    assert parse_duration("1h30m") == 5400
    assert parse_duration("90") == 90
    assert parse_duration("1.5s") == 1.5
    for bad in ("", "soon", "15x", "0m", "m"):
        with pytest.raises(ValueError, match="duration"):
            parse_duration(bad)
    assert [format_duration(s) for s in (45, 900, 5400, 7200)] == ["45s", "15m", "1h30m", "2h"]


def test_watch_cli_refuses_a_bad_interval(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["watch", "x.rss", "--db", str(tmp_path / "c.db"), "--every", "soon"])
    assert result.exit_code == 2 and "not a duration" in result.output


def as_from_a_terminal() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_SETMASK, [])


def test_watch_ctrl_c_stops_cleanly(tmp_path: Path) -> None:
    local = tmp_path / "local.rss"
    local.write_bytes(make_feed(1))
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent / "src")}
    command = [sys.executable, "-m", "parallax", "watch", str(local), "--db", str(tmp_path / "c.db")]
    out, err = tmp_path / "stdout.txt", tmp_path / "stderr.txt"
    # Output goes to files (a pipe nobody reads can block the child) and every wait is bounded.
    # The child starts as from a terminal: SIGINT at its default and no signal blocked, whatever
    # this test process inherited (an ignored or blocked SIGINT is inherited across exec, and
    # Python then installs no KeyboardInterrupt handler).
    with out.open("wb") as stdout, err.open("wb") as stderr:
        process = subprocess.Popen(
            [*command, "--every", "1h", "--no-cluster"],
            stdout=stdout,
            stderr=stderr,
            env=env,
            preexec_fn=as_from_a_terminal,
        )
    try:
        deadline = time.monotonic() + 180
        while "new article" not in out.read_text() and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.1)
        assert "1 new article" in out.read_text(), f"no first cycle: {err.read_text()[-2000:]}"
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            status = Path(f"/proc/{process.pid}/status").read_text().splitlines()
            masks = [line for line in status if line.startswith("Sig")]
            pytest.fail(f"watch ignored Ctrl-C for 60 s; {masks}; stderr: {err.read_text()[-2000:]}")
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 0, err.read_text()[-2000:]
    assert count_articles(tmp_path / "c.db") == 1


def test_watch_durations_refuse_intervals_past_a_year() -> None:
    # before: "99999999999999999999h" was accepted and saving the next poll raised OverflowError
    assert parse_duration("365d") == 365 * 86400
    for bad in ("366d", "99999999999999999999h", "1e400s"):
        with pytest.raises(ValueError, match=r"duration|year"):
            parse_duration(bad)
