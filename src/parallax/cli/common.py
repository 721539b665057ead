"""What the ``parallax`` commands share: messages, report output, and one flag per analysis setting.

Commands report problems as messages, never tracebacks (``fail``), write
reports through ``write_report``/``emit_report``, and take the analysis
settings as flags built from ``Options`` (``with_setting_flags``).
"""

from __future__ import annotations

import contextlib
import inspect
import os
import sys
import typing
from collections.abc import Iterator, Sequence
from dataclasses import fields
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.markup import escape
from rich.text import Text

from parallax.errors import ModelUnavailable, OptionsError, ParallaxError
from parallax.model import Report
from parallax.options import Options, describe_options
from parallax.render.sections import clean_terminal

if typing.TYPE_CHECKING:
    from parallax.ingest.urls import FetchSettings


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


@contextlib.contextmanager
def errors_as_messages(unavailable_note: str = "") -> Iterator[None]:
    """Parallax's own errors as a message and exit code 1 (``fail``); anything else propagates."""
    try:
        yield
    except ModelUnavailable as error:
        fail(f"a model is unavailable: {error}{unavailable_note}")
    except ParallaxError as error:
        fail(str(error))


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
        inside = os.path.isdir(source) and target.is_relative_to(source) and os.path.exists(target)
        if target == source or inside:  # os.path: False, not OSError, for a name too long
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
    """An Options object from the CLI values of its settings (None means the default).

    A value the settings refuse stops the command with the reason (exit code 2).
    """
    given = {name: value for name, value in values.items() if value is not None}
    try:
        return Options(**given)
    except (TypeError, ValueError) as error:
        fail(f"invalid option: {error}", code=2)


def fetch_settings_from(values: tuple[bool, float, float, int, bool]) -> FetchSettings:
    """The fetch settings of ``--allow-private``, ``--host-interval``, ``--timeout``, ``--max-bytes``
    and ``--no-robots``; a value out of range stops the command with the reason (exit code 2)."""
    from parallax.ingest.urls import FetchSettings

    allow_private, host_interval, timeout, max_bytes, no_robots = values
    try:
        return FetchSettings(
            timeout=timeout,
            max_bytes=max_bytes,
            host_interval=host_interval,
            allow_private=allow_private,
            obey_robots=not no_robots,
        )
    except OptionsError as error:
        fail(f"invalid option: {error}", code=2)


def option_type(name: str) -> Any:
    """The Python type of an Options setting."""
    return typing.get_type_hints(Options)[name]


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


def setting_flags() -> list[str]:
    """The CLI flag of every Options setting (for the docs test)."""
    return ["--" + f.name.replace("_", "-") for f in fields(Options)]
