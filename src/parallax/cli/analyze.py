"""``parallax analyze`` and ``parallax stages``."""

from __future__ import annotations

import inspect
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from parallax.cli.common import (
    ReportFormat,
    check_output,
    emit_report,
    errors_as_messages,
    fail,
    options_from,
    warn_about,
    with_setting_flags,
)
from parallax.errors import NothingToAnalyse


def analyze_command(
    paths: list[str],
    fmt: ReportFormat | None,
    output: Path | None,
    **settings: Any,
) -> None:
    """Analyse files, folders and URLs holding several reports of one story, and print the report."""
    import parallax
    from parallax.ingest import READERS
    from parallax.ingest.sources import URL_SCHEMES

    options = options_from(settings)
    problem = check_output(fmt.value if fmt else None, output, paths)
    if problem:
        fail(problem, code=2)
    sources = [p if p.lower().startswith(URL_SCHEMES) or not p.strip() else str(Path(p)) for p in paths]
    with errors_as_messages():
        try:
            report = parallax.analyze(sources, options)
        except NothingToAnalyse as error:
            kinds = ", ".join(sorted(READERS))
            fail(f"{error}. Give files or folders holding articles ({kinds}), or http(s) URLs.")
    warn_about(report)
    emit_report(report, fmt.value if fmt else None, output)


def build_analyze() -> Any:
    """The ``analyze`` command, with one flag per Options setting (help from the settings)."""
    params = [
        inspect.Parameter(
            "paths",
            inspect.Parameter.POSITIONAL_OR_KEYWORD,
            annotation=Annotated[
                list[str],
                typer.Argument(
                    help="Files, folders and http(s) URLs to read: text, Markdown, HTML, JSON, JSON Lines "
                    "(also .jsonl.gz, .ndjson), feeds, web archives (.warc, .warc.gz) and URL lists (.urls)."
                ),
            ],
        ),
        inspect.Parameter(
            "fmt",
            inspect.Parameter.KEYWORD_ONLY,
            default=None,
            annotation=Annotated[
                ReportFormat | None,
                typer.Option(
                    "--format",
                    "-f",
                    help="Report format; default: from the -o suffix, else text.",
                    case_sensitive=False,
                ),
            ],
        ),
        inspect.Parameter(
            "output",
            inspect.Parameter.KEYWORD_ONLY,
            default=None,
            annotation=Annotated[
                Path | None,
                typer.Option(
                    "--output", "-o", help="Write the report to this file instead of stdout.", dir_okay=False
                ),
            ],
        ),
    ]

    def analyze(**kwargs: Any) -> None:
        analyze_command(kwargs.pop("paths"), kwargs.pop("fmt"), kwargs.pop("output"), **kwargs)

    return with_setting_flags(analyze, params, analyze_command.__doc__)


def stages_command() -> None:
    """Print the analysis stages in order: what each needs, what it provides, what it does."""
    from rich.table import Table

    from parallax.pipeline import describe_stages

    table = Table(show_lines=True, highlight=False)
    for heading in ("stage", "needs", "provides", "what it does"):
        table.add_column(heading, overflow="fold")  # field paths are shown whole, never cut with "…"
    for name, needs, provides, what in describe_stages():
        table.add_row(name, needs.replace(", ", "\n"), provides.replace(", ", "\n"), what)  # a path a line
    Console(highlight=False, markup=False, emoji=False).print(table)


def register(app: typer.Typer) -> None:
    """Add ``analyze`` and ``stages`` to the ``parallax`` command."""
    app.command("analyze")(build_analyze())
    app.command("stages")(stages_command)
