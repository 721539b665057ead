"""``parallax watch``: poll feeds and URL lists and ingest what is new (see ``parallax.corpus.watch``)."""

from __future__ import annotations

import signal
import threading
from types import FrameType
from typing import Annotated

import typer

from parallax.cli.common import errors_as_messages, fail, fetch_settings_from, warn
from parallax.cli.corpus import DB_HELP, db_target, open_corpus


def watch_command(
    sources: list[str],
    db: str | None,
    every: str,
    max_every: str | None,
    once: bool,
    fetch_flags: tuple[bool, float, float, int, bool],
    no_cluster: bool,
) -> None:
    from parallax.corpus.watch import CycleSummary, WatchSettings, parse_duration, run_watch

    try:
        base = parse_duration(every)
        cap = parse_duration(max_every) if max_every else None
    except ValueError as error:
        fail(f"invalid duration: {error}", code=2)
    settings = WatchSettings(
        every=base, max_every=cap, cluster=not no_cluster, fetch=fetch_settings_from(fetch_flags)
    )
    store = open_corpus(db, must_exist=False)
    stop = threading.Event()
    cycles: list[CycleSummary] = []

    def report(summary: CycleSummary) -> None:
        cycles.append(summary)
        typer.echo(summary.line())
        for line in summary.failure_lines():
            warn(line, label="failed")

    def on_terminate(signum: int, frame: FrameType | None) -> None:
        stop.set()

    previous = signal.signal(signal.SIGTERM, on_terminate)
    if not once:
        typer.echo(f"watching {len(sources)} sources into {db_target(db)}; Ctrl-C stops", err=True)
    try:
        with store, errors_as_messages():
            run_watch(store, sources, settings, stop=stop, on_cycle=report, cycles=1 if once else None)
    except KeyboardInterrupt:
        typer.echo("stopped", err=True)
    finally:
        signal.signal(signal.SIGTERM, previous)
    if once and cycles and cycles[-1].polled and len(cycles[-1].failed) >= cycles[-1].polled:
        raise typer.Exit(1)  # every source polled failed: a cron job should hear of it


def watch(
    sources: Annotated[
        list[str],
        typer.Argument(help="Feed URLs, page URLs, .urls lists, local feed files or folders."),
    ],
    db: Annotated[str | None, typer.Option("--db", help=DB_HELP)] = None,
    every: Annotated[
        str, typer.Option("--every", help="Interval between polls of a busy source (90s, 15m, 1h).")
    ] = "15m",
    max_every: Annotated[
        str | None,
        typer.Option(
            "--max-every",
            help="Longest interval for quiet or failing sources (default: 8 x --every).",
        ),
    ] = None,
    once: Annotated[bool, typer.Option("--once", help="Poll every due source once and exit.")] = False,
    allow_private: Annotated[
        bool,
        typer.Option("--allow-private", help="Allow fetching private, loopback and link-local addresses."),
    ] = False,
    host_interval: Annotated[
        float, typer.Option("--host-interval", help="Seconds between requests to one host.")
    ] = 1.0,
    timeout: Annotated[
        float, typer.Option("--timeout", help="Seconds one whole fetch may take, retries included.")
    ] = 15.0,
    max_bytes: Annotated[
        int, typer.Option("--max-bytes", help="Largest body fetched, in bytes.")
    ] = 5_000_000,
    no_robots: Annotated[
        bool, typer.Option("--no-robots", help="Do not read robots.txt (only for your own sites).")
    ] = False,
    no_cluster: Annotated[
        bool, typer.Option("--no-cluster", help="Store articles without clustering them yet.")
    ] = False,
) -> None:
    """Keep polling feeds and URL lists (conditional requests, backoff) and ingest what is new."""
    flags = (allow_private, host_interval, timeout, max_bytes, no_robots)
    watch_command(sources, db, every, max_every, once, flags, no_cluster)


def register(app: typer.Typer) -> None:
    """Add ``watch`` to the ``parallax`` command."""
    app.command("watch")(watch)
