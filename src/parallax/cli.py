"""The ``parallax`` command line: thin commands over importable functions.

Commands parse arguments, call the library, and report problems as messages,
never tracebacks. Exit codes: 0 success, 1 failure (nothing could be analysed,
a model is unavailable, another Parallax error), 2 usage errors.

To add a command, define a function decorated with ``@app.command()`` below
(or in a module of its own that imports ``app`` and is imported at the end of
this file). Reuse ``write_report`` to write a report in any format, and
``fail`` to stop with a message.
"""

from __future__ import annotations

import inspect
import sys
import typing
from collections.abc import Sequence
from dataclasses import fields
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.markup import escape
from rich.text import Text

from parallax.errors import ModelUnavailable, NothingToAnalyse, ParallaxError
from parallax.model import Report
from parallax.options import Options, describe_options
from parallax.render.sections import clean_terminal

app = typer.Typer(
    name="parallax",
    help="Compare several outlets' reports of one story: what they agree on, what differs, who copied whom.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


class ReportFormat(StrEnum):
    text = "text"
    json = "json"
    md = "md"
    html = "html"


SUFFIX_FORMATS = {
    ".json": "json",
    ".md": "md",
    ".markdown": "md",
    ".html": "html",
    ".htm": "html",
    ".txt": "text",
    ".text": "text",
}


def make_stderr() -> Console:
    return Console(stderr=True, highlight=False, markup=False, emoji=False, soft_wrap=True)


def warn(message: str, label: str = "warning") -> None:
    """One warning line on stderr; control codes in ``message`` are removed."""
    make_stderr().print(Text(f"{label}: ", style="yellow").append(clean_terminal(message)))


def fail(message: str, code: int = 1) -> NoReturn:
    """Stop the command with an error message on stderr and an exit code."""
    make_stderr().print(Text("error: ", style="bold red").append(clean_terminal(message)))
    raise typer.Exit(code)


def choose_format(fmt: str | None, out: Path | None) -> str:
    """The explicit format, else the one the output file's suffix names, else text."""
    if fmt:
        return fmt
    if out is not None:
        return SUFFIX_FORMATS.get(out.suffix.lower(), "text")
    return "text"


def check_output(fmt: str | None, out: Path | None, inputs: Sequence[str] = ()) -> str:
    """Why the report must not be written to ``out`` ('' when it may).

    The file's extension must name the report's format (a report in text written
    to ``report.docx`` would look like a Word file and be unreadable as one); a
    file without an extension takes any format. The output must not be one of
    the inputs, nor a file inside an input folder (it would be read next time).
    """
    if out is None:
        return ""
    chosen = choose_format(fmt, out)
    suffix = out.suffix.lower()
    if suffix:
        named = SUFFIX_FORMATS.get(suffix)
        if named != chosen:
            fits = ", ".join(s for s, f in SUFFIX_FORMATS.items() if f == chosen)
            what = f"is for the {named} format" if named else "is not a report format"
            return (
                f"the output file '{out}' ends in '{suffix}', which {what}, but the report is {chosen}; "
                f"name the file with {fits}, or choose the format with --format"
            )
    target = out.resolve()
    for given in inputs:
        if given.lower().startswith(("http://", "https://")):
            continue  # a URL is no file
        source = Path(given).resolve()
        if target == source or (source.is_dir() and target.is_relative_to(source) and target.exists()):
            return (
                f"the output file '{out}' is one of the inputs ({given}); it is not overwritten. "
                "Write the report somewhere else"
            )
    return ""


def write_report(report: Report, fmt: str, out: Path | None = None) -> Path | None:
    """Write ``report`` as ``fmt`` to the file ``out``, or to stdout when ``out`` is None.

    On stdout the text format uses the terminal (colour, width; ``NO_COLOR``
    respected). Returns the path written, if any.
    """
    if out is None:
        if fmt == "text":
            from parallax.render.text import make_console, print_report

            print_report(report, make_console())
        else:
            from parallax.render import render

            sys.stdout.write(render(report, fmt))
            sys.stdout.flush()
        return None
    from parallax.render import render

    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render(report, fmt), encoding="utf-8")
    return out


def emit_report(report: Report, fmt: str | None, output: Path | None, what: str = "") -> None:
    """Write the report as a command's output (format from ``fmt`` or the file's suffix);
    a file that cannot be written ends the command with a message."""
    chosen = choose_format(fmt, output)
    problem = check_output(fmt, output)
    if problem:
        fail(problem, code=2)
    try:
        written = write_report(report, chosen, output)
    except OSError as error:
        fail(f"cannot write the report to '{output}': {error.strerror or error}")
    if written is not None:
        make_stderr().print(f"wrote the {chosen} report{what} to {written}")


def warn_about(report: Report) -> None:
    """Skipped inputs (as warnings) and notes, on stderr."""
    from parallax.ingest import describe_skipped

    for line in describe_skipped(report.skipped, len(report.articles)):
        warn(line)
    for note in report.notes:
        warn(note, label="note")


def options_from(values: dict[str, Any]) -> Options:
    """An Options object from the CLI values of its settings (None means the default)."""
    given = {name: value for name, value in values.items() if value is not None}
    return Options(**given)


def version_callback(value: bool) -> None:
    if value:
        from parallax import __version__

        typer.echo(f"parallax {__version__}")
        raise typer.Exit()


@app.callback()
def main_callback(
    version: Annotated[
        bool,
        typer.Option(
            "--version", help="Show the version and exit.", callback=version_callback, is_eager=True
        ),
    ] = False,
) -> None:
    """Compare several outlets' reports of one story."""


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

    try:
        options = options_from(settings)
    except (TypeError, ValueError) as error:
        fail(f"invalid option: {error}", code=2)
    problem = check_output(fmt.value if fmt else None, output, paths)
    if problem:
        fail(problem, code=2)
    try:
        sources = [p if p.lower().startswith(URL_SCHEMES) else str(Path(p)) for p in paths]
        report = parallax.analyze(sources, options)
    except NothingToAnalyse as error:
        kinds = ", ".join(sorted(READERS))
        fail(f"{error}. Give files or folders holding articles ({kinds}), or http(s) URLs.")
    except ModelUnavailable as error:
        fail(f"a model is unavailable: {error}")
    except ParallaxError as error:
        fail(str(error))
    warn_about(report)
    emit_report(report, fmt.value if fmt else None, output)


def option_type(name: str) -> Any:
    """The Python type of an Options setting."""
    return typing.get_type_hints(Options)[name]


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


def setting_parameters() -> list[inspect.Parameter]:
    """One keyword-only CLI flag per Options setting, help from the setting (None: the default)."""
    return [
        inspect.Parameter(
            name,
            inspect.Parameter.KEYWORD_ONLY,
            default=None,
            annotation=Annotated[
                option_type(name) | None,
                typer.Option(
                    "--" + name.replace("_", "-"),
                    help=escape(f"{help_line} (default: {default})"),
                    show_default=False,
                ),
            ],
        )
        for name, default, help_line in describe_options()
    ]


def with_setting_flags(command: Any, params: list[inspect.Parameter], doc: str | None) -> Any:
    """``command`` (taking ``**kwargs``) declared to typer with ``params`` plus one flag per setting."""
    every = [*params, *setting_parameters()]
    command.__signature__ = inspect.Signature(every)
    command.__annotations__ = {p.name: p.annotation for p in every}
    command.__doc__ = doc
    return command


app.command("analyze")(build_analyze())


@app.command("stages")
def stages_command() -> None:
    """Print the analysis stages in order: what each needs, what it provides, what it does."""
    from rich.table import Table

    from parallax.pipeline import describe_stages

    table = Table("stage", "needs", "provides", "what it does", show_lines=True, highlight=False)
    for row in describe_stages():
        table.add_row(*row)
    Console(highlight=False, markup=False, emoji=False).print(table)


def setting_flags() -> list[str]:
    """The CLI flag of every Options setting (for the docs test)."""
    return ["--" + f.name.replace("_", "-") for f in fields(Options)]


from parallax import cli_web  # noqa: E402, F401  (registers `parallax serve`)
from parallax.cli_corpus import register as register_corpus  # noqa: E402

register_corpus(app)  # `parallax ingest`, `stories`, `story`, `export`


def main() -> None:
    """Entry point of the ``parallax`` console script."""
    app()


if __name__ == "__main__":
    # Run as `python -m parallax.cli`: this copy of the module is __main__, while the serve and
    # corpus commands register themselves on the imported `parallax.cli`; run that one.
    from parallax.cli import main as installed_main

    installed_main()
