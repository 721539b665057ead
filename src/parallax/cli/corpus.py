"""Corpus commands: ``parallax ingest``, ``analyse-pending``, ``stories``, ``story`` and ``export``.

Thin wrappers over ``parallax.corpus``: argument checks, a progress bar, and
messages instead of tracebacks. ``--db`` takes a SQLite file (default
``parallax.db``, or ``$PARALLAX_DB``) or a ``postgresql://`` URL.
"""

from __future__ import annotations

import inspect
import json
import os
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table
from rich.text import Text

from parallax.cli.common import (
    ReportFormat,
    emit_report,
    errors_as_messages,
    fail,
    fetch_settings_from,
    make_stderr,
    options_from,
    warn,
    with_setting_flags,
)
from parallax.errors import ParallaxError
from parallax.render.sections import clean_terminal

if TYPE_CHECKING:
    from parallax.engine import Engine

DB_HELP = "Corpus: a SQLite file (default: $PARALLAX_DB or parallax.db) or a postgresql:// URL."


class EngineName(StrEnum):
    """Where ``ingest`` and ``analyse-pending`` run (``parallax.engine.ENGINES``)."""

    local = "local"
    ray = "ray"


# (engine, address, workers) as the flags give them
EngineValues = tuple[EngineName, str | None, int | None]


def open_engine(values: EngineValues, windows: tuple[int, int] | None = None) -> Engine:
    """The engine the flags name; exit 2 with what to do when it cannot be had."""
    from parallax.engine import EngineUnavailable, make_engine

    name, address, workers = values
    try:
        return make_engine(name.value, address=address, workers=workers, windows=windows)
    except EngineUnavailable as error:
        fail(str(error), code=2)


class ListFormat(StrEnum):
    text = "text"
    json = "json"


class StorySort(StrEnum):
    """The orders of ``parallax stories`` (``parallax.corpus.order.SORTS``)."""

    coverage = "coverage"
    recent = "recent"
    size = "size"
    oldest = "oldest"
    by_title = "title"  # not `title`: str.title


class ExportFormat(StrEnum):
    jsonl = "jsonl"
    parquet = "parquet"


def db_target(db: str | None) -> str:
    return db or os.environ.get("PARALLAX_DB") or "parallax.db"


def open_corpus(db: str | None, *, must_exist: bool = True):  # type: ignore[no-untyped-def]
    from parallax.corpus.connect import open_store

    target = db_target(db)
    if must_exist and "://" not in target and not os.path.exists(target):  # False for a name too long
        fail(f"there is no corpus at '{target}': create one with `parallax ingest SOURCE --db {target}`")
    try:
        return open_store(target)
    except ParallaxError as error:
        fail(str(error))


def ingest_command(
    sources: list[str],
    db: str | None,
    fetch_values: tuple[bool, float, float, int, bool],
    no_cluster: bool,
    no_analyse: bool,
    engine_values: EngineValues = (EngineName.local, None, None),
    windows: tuple[int, int] | None = None,
    **settings: Any,
) -> None:
    """Read sources into a corpus, group the new articles into stories and analyse every story that
    has two or more outlets and no analysis of its current articles (resumable, idempotent)."""
    options = options_from(settings)
    engine = open_engine(engine_values, windows)
    try:
        ingest_with(sources, db, fetch_values, no_cluster, no_analyse, engine, options)
    finally:
        engine.close()


def ingest_with(
    sources: list[str],
    db: str | None,
    fetch_values: tuple[bool, float, float, int, bool],
    no_cluster: bool,
    no_analyse: bool,
    engine: Engine,
    options: Any,
) -> None:
    from parallax.cli.pending import analyse_queue
    from parallax.corpus.intake import ingest

    fetch = fetch_settings_from(fetch_values)
    store = open_corpus(db, must_exist=False)
    console = make_stderr()
    columns = (
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with store, errors_as_messages():
        with Progress(*columns, console=console, transient=False) as bar:
            reading = bar.add_task("reading", total=None)
            clustering = bar.add_task("clustering", total=None, visible=False)

            def progress(stage: str, n: int) -> None:
                if stage == "read":
                    bar.advance(reading, n)
                else:
                    if not bar.tasks[clustering].visible:
                        bar.update(reading, total=bar.tasks[reading].completed)
                        bar.update(clustering, visible=True, total=store.count_pending() + n)
                    bar.advance(clustering, n)

            summary = ingest(
                store,
                sources,
                fetch=fetch,
                progress=progress,
                cluster=not no_cluster,
                options=options,
                engine=None if engine.name == "local" else engine,
            )
        for line in summary.lines():
            console.print(Text(line))
        if not (no_cluster or no_analyse or (summary.read == 0 and summary.errors)):
            analyse_queue(store, options, console, engine=engine)
    console.print(Text(f"corpus: {db_target(db)} ({summary.seconds:.1f} s ingesting)"))
    if summary.read == 0 and summary.errors:
        for source, record, reason in ingest_errors_tail(db):
            warn(f"{source}{'#' + record if record else ''}: {reason}")
        raise typer.Exit(1)


def analyse_pending_command(
    db: str | None,
    limit: int | None,
    engine_values: EngineValues = (EngineName.local, None, None),
    **settings: Any,
) -> None:
    """Analyse the stories waiting in a corpus's analysis queue (new stories, and stories whose
    articles changed) with the given settings; an interrupted run resumes where it stopped."""
    from parallax.cli.pending import analyse_queue

    if limit is not None and limit < 1:
        fail(f"--limit must be at least 1, not {limit}", code=2)
    options = options_from(settings)
    store = open_corpus(db)
    console = make_stderr()
    engine = open_engine(engine_values)
    try:
        with store, errors_as_messages("; the queue is kept for the next run"):
            analyse_queue(store, options, console, limit, engine=engine)
    finally:
        engine.close()
    console.print(Text(f"corpus: {db_target(db)}"))


def ingest_errors_tail(db: str | None, limit: int = 10) -> list[tuple[str, str | None, str]]:
    store = open_corpus(db)
    try:
        return list(reversed(store.ingest_errors(limit)))
    finally:
        store.close()


def stories_command(
    db: str | None,
    fmt: ListFormat,
    min_size: int,
    limit: int | None,
    sort: str = "coverage",
    rule: Any = None,
) -> None:
    from parallax.corpus.order import StoryFacts, sort_stories_by

    def facts(row: dict[str, Any]) -> StoryFacts:
        outlets = len({str(o) for o in row["outlets"]})
        return StoryFacts(str(row["id"]), row["title"] or "", row["size"], outlets, row["first"], row["last"])

    store = open_corpus(db)
    try:
        rows = sort_stories_by(store.list_stories(min_size=min_size, rule=rule), sort, facts)
    except (ParallaxError, ValueError) as error:
        fail(str(error))
    finally:
        store.close()
    if limit is not None:
        rows = rows[:limit]
    if fmt == ListFormat.json:
        typer.echo(json.dumps({"stories": rows}, ensure_ascii=False, indent=2))
        return
    console = Console(highlight=False, markup=False, emoji=False)
    table = Table("id", "size", "outlets", "dates", "analysis", "title", show_lines=False)
    for row in rows:
        dates = "-".join(d for d in (row["first"], row["last"] if row["last"] != row["first"] else None) if d)
        outlets = ", ".join(row["outlets"][:4]) + (
            f" +{len(row['outlets']) - 4}" if len(row["outlets"]) > 4 else ""
        )
        cells = [row["id"], str(row["size"]), outlets, dates or "undated", row["analysis"], row["title"]]
        if console.is_terminal:
            table.add_row(*(Text(clean_terminal(c)) for c in cells))
        else:  # piped: one tab-separated line per story, never wrapped
            typer.echo("\t".join(clean_terminal(c).replace("\t", " ") for c in cells))
    if console.is_terminal:
        console.print(table)


def story_command(
    story_id: str,
    db: str | None,
    fmt: ReportFormat | None,
    output: Path | None,
    refresh: bool,
    **settings: Any,
) -> None:
    """The full comparison report of one story, analysed with the given settings (cached until its
    members, the settings or the Parallax version change)."""
    from parallax.corpus.export import analyse_story

    options = options_from(settings)
    store = open_corpus(db)
    with store, errors_as_messages():
        report = analyse_story(store, story_id, options, refresh=refresh)
    emit_report(report, fmt.value if fmt else None, output, f" of story {story_id}")


def export_command(db: str | None, fmt: ExportFormat | None, output: Path) -> None:
    from parallax.corpus.export import export_corpus

    chosen = fmt.value if fmt else ("parquet" if output.suffix.lower() == ".parquet" else "jsonl")
    store = open_corpus(db)
    try:
        count = export_corpus(store, output, chosen)
    except ParallaxError as error:
        fail(str(error))
    except OSError as error:
        fail(f"cannot write '{output}': {error.strerror or error}")
    finally:
        store.close()
    make_stderr().print(f"wrote {count} stories to {output} ({chosen})")


def build_story() -> Any:
    """The ``story`` command, with the same analysis flags as ``analyze`` (one per Options setting)."""

    def keyword(name: str, default: Any, annotation: Any) -> inspect.Parameter:
        return inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=annotation)

    story_id = Annotated[str, typer.Argument(help="Story id, as `parallax stories` lists it.")]
    fmt = Annotated[
        ReportFormat | None,
        typer.Option(
            "--format",
            "-f",
            help="Report format; default: from the -o suffix, else text.",
            case_sensitive=False,
        ),
    ]
    output = Annotated[
        Path | None, typer.Option("--output", "-o", help="Write the report to this file.", dir_okay=False)
    ]
    refresh = Annotated[
        bool, typer.Option("--refresh", help="Analyse again even when a cached analysis exists.")
    ]
    params = [
        inspect.Parameter("story_id", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=story_id),
        keyword("db", None, Annotated[str | None, typer.Option("--db", help=DB_HELP)]),
        keyword("fmt", None, fmt),
        keyword("output", None, output),
        keyword("refresh", False, refresh),
    ]

    def story(**kwargs: Any) -> None:
        fixed = [kwargs.pop(name) for name in ("story_id", "db", "fmt", "output", "refresh")]
        story_command(*fixed, **kwargs)

    return with_setting_flags(story, params, story_command.__doc__)


def keyword(name: str, default: Any, annotation: Any) -> inspect.Parameter:
    return inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=annotation)


ENGINE_NAMES = ("engine", "address", "workers")


def engine_params() -> list[inspect.Parameter]:
    """``--engine``, ``--address`` and ``--workers``, shared by ``ingest`` and ``analyse-pending``."""
    flag = typer.Option
    return [
        keyword(
            "engine",
            EngineName.local,
            Annotated[
                EngineName,
                flag(
                    "--engine",
                    help="Where to run: local (this process) or ray (needs parallax-news[ray]).",
                    case_sensitive=False,
                ),
            ],
        ),
        keyword(
            "address",
            None,
            Annotated[
                str | None,
                flag(
                    "--address", help="A running Ray cluster (ray://host:10001 or auto); default: start one."
                ),
            ],
        ),
        keyword(
            "workers",
            None,
            Annotated[
                int | None,
                flag(
                    "--workers",
                    help="Ray workers (CPUs) to use; default: all the cluster's CPUs (2 locally).",
                ),
            ],
        ),
    ]


def window_params() -> list[inspect.Parameter]:
    """``--cluster-windows`` and ``--cluster-overlap`` (``ingest`` with ``--engine ray``)."""
    flag = typer.Option
    return [
        keyword(
            "cluster_windows",
            None,
            Annotated[
                int | None,
                flag(
                    "--cluster-windows",
                    metavar="DAYS",
                    help="With --engine ray: cluster a fresh corpus in time windows of DAYS days, "
                    "one Ray task each, then reconcile the overlaps; default: on the driver.",
                ),
            ],
        ),
        keyword(
            "cluster_overlap",
            7,
            Annotated[
                int,
                flag(
                    "--cluster-overlap",
                    metavar="DAYS",
                    help="Days each window overlaps the next (default 7, the clustering's time window).",
                ),
            ],
        ),
    ]


def build_ingest() -> Any:
    """The ``ingest`` command: fetch and clustering flags, ``--no-analyse``, one flag per setting."""
    sources = Annotated[
        list[str],
        typer.Argument(
            help="Folders, .jsonl/.jsonl.gz, feeds (.rss/.atom/.xml), .warc(.gz), .urls lists, URLs."
        ),
    ]
    flag = typer.Option
    params = [
        inspect.Parameter("sources", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=sources),
        keyword("db", None, Annotated[str | None, flag("--db", help=DB_HELP)]),
        keyword(
            "allow_private",
            False,
            Annotated[
                bool,
                flag("--allow-private", help="Allow fetching private, loopback and link-local addresses."),
            ],
        ),
        keyword(
            "host_interval",
            1.0,
            Annotated[float, flag("--host-interval", help="Seconds between requests to one host.")],
        ),
        keyword(
            "timeout",
            15.0,
            Annotated[float, flag("--timeout", help="Seconds one whole fetch may take, retries included.")],
        ),
        keyword(
            "max_bytes",
            5_000_000,
            Annotated[int, flag("--max-bytes", help="Largest body fetched, in bytes.")],
        ),
        keyword(
            "no_robots",
            False,
            Annotated[bool, flag("--no-robots", help="Do not read robots.txt (only for your own sites).")],
        ),
        keyword(
            "no_cluster",
            False,
            Annotated[
                bool, flag("--no-cluster", help="Store articles without clustering (or analysing) them yet.")
            ],
        ),
        keyword(
            "no_analyse",
            False,
            Annotated[
                bool,
                flag(
                    "--no-analyse",
                    help="Queue the stories that need an analysis without analysing them "
                    "(`parallax analyse-pending` does it later).",
                ),
            ],
        ),
    ]
    params.extend(engine_params())
    params.extend(window_params())
    fetch_names = ("allow_private", "host_interval", "timeout", "max_bytes", "no_robots")

    def ingest(**kwargs: Any) -> None:
        fetch_values: Any = tuple(kwargs.pop(name) for name in fetch_names)
        no_cluster, no_analyse = kwargs.pop("no_cluster"), kwargs.pop("no_analyse")
        sources, db = kwargs.pop("sources"), kwargs.pop("db")
        engine_values: Any = tuple(kwargs.pop(name) for name in ENGINE_NAMES)
        days, overlap = kwargs.pop("cluster_windows"), kwargs.pop("cluster_overlap")
        windows = None if days is None else (days, overlap)
        ingest_command(sources, db, fetch_values, no_cluster, no_analyse, engine_values, windows, **kwargs)

    return with_setting_flags(ingest, params, ingest_command.__doc__)


def build_analyse_pending() -> Any:
    """The ``analyse-pending`` command, with one flag per analysis setting."""
    params = [
        keyword("db", None, Annotated[str | None, typer.Option("--db", help=DB_HELP)]),
        keyword(
            "limit",
            None,
            Annotated[
                int | None, typer.Option("--limit", help="Analyse at most this many stories, then stop.")
            ],
        ),
        *engine_params(),
    ]

    def analyse_pending(**kwargs: Any) -> None:
        engine_values: Any = tuple(kwargs.pop(name) for name in ENGINE_NAMES)
        analyse_pending_command(kwargs.pop("db"), kwargs.pop("limit"), engine_values, **kwargs)

    return with_setting_flags(analyse_pending, params, analyse_pending_command.__doc__)


def register(app: typer.Typer) -> None:
    """Add the corpus commands to the ``parallax`` app."""

    app.command("ingest")(build_ingest())
    app.command("analyse-pending")(build_analyse_pending())

    @app.command("stories")
    def stories(
        db: Annotated[str | None, typer.Option("--db", help=DB_HELP)] = None,
        fmt: Annotated[
            ListFormat, typer.Option("--format", "-f", help="text or json (json lists article ids).")
        ] = ListFormat.text,
        min_size: Annotated[
            int, typer.Option("--min-size", help="Only stories with at least this many articles.")
        ] = 1,
        limit: Annotated[int | None, typer.Option("--limit", help="Show at most this many stories.")] = None,
        sort: Annotated[
            StorySort,
            typer.Option(
                "--sort",
                help="coverage (most outlets, then the most recent: the default), recent, size, oldest "
                "or title.",
            ),
        ] = StorySort.coverage,
        blindspot_min_outlets: Annotated[
            int,
            typer.Option(
                "--blindspot-min-outlets",
                help="Outlets with a known leaning a story needs before it can be a blindspot.",
            ),
        ] = 3,
        blindspot_share: Annotated[
            float,
            typer.Option(
                "--blindspot-share",
                help="Share of those outlets on one side that makes the story a blindspot for the other.",
            ),
        ] = 0.8,
    ) -> None:
        """List the stories of a corpus: id, size, outlets, date range, analysis status and title, the
        most widely covered recent stories first (JSON adds coverage by leaning and the blindspot)."""
        from parallax.corpus.coverage import BlindspotRule

        if blindspot_min_outlets < 1 or not 0.5 < blindspot_share <= 1:
            fail(
                "--blindspot-min-outlets must be at least 1 and --blindspot-share above 0.5, at most 1",
                code=2,
            )
        rule = BlindspotRule(blindspot_min_outlets, blindspot_share)
        stories_command(db, fmt, min_size, limit, sort.value, rule)

    app.command("story")(build_story())

    @app.command("export")
    def export(
        output: Annotated[Path, typer.Option("--output", "-o", help="File to write.", dir_okay=False)],
        db: Annotated[str | None, typer.Option("--db", help=DB_HELP)] = None,
        fmt: Annotated[
            ExportFormat | None,
            typer.Option("--format", "-f", help="jsonl or parquet; default: from the -o suffix."),
        ] = None,
    ) -> None:
        """Write every story, its articles, history and cached analysis as JSONL or Parquet."""
        export_command(db, fmt, output)
