"""The ``parallax`` command line: thin commands over importable functions.

Commands parse arguments, call the library, and report problems as messages,
never tracebacks. Exit codes: 0 success, 1 failure (nothing could be analysed,
a model is unavailable, another Parallax error), 2 usage errors.

Layout (imports go one way: this package -> command modules -> ``common``):

- ``common``   messages, report output, one flag per analysis setting;
- ``analyze``  ``parallax analyze`` and ``parallax stages``;
- ``corpus``   ``parallax ingest``, ``stories``, ``story``, ``export``;
- ``outlets``  ``parallax outlets`` (``merge``, ``import``) and ``parallax outlet``;
- ``serve``    ``parallax serve``;
- ``watch``    ``parallax watch``.

To add a command, write it in one of those modules (or a new one with a
``register(app)`` function) and register it below.
"""

from __future__ import annotations

from typing import Annotated

import typer

from parallax.cli import analyze, corpus, outlets, serve, watch
from parallax.cli.common import check_output, fail, setting_flags, warn, write_report

__all__ = ["app", "check_output", "fail", "main", "setting_flags", "warn", "write_report"]

app = typer.Typer(
    name="parallax",
    help="Compare several outlets' reports of one story: what they agree on, what differs, who copied whom.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


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


analyze.register(app)  # `parallax analyze`, `stages`
corpus.register(app)  # `parallax ingest`, `stories`, `story`, `export`
outlets.register(app)  # `parallax outlets` (list, merge, import), `outlet`
serve.register(app)  # `parallax serve`
watch.register(app)  # `parallax watch`


def main() -> None:
    """Entry point of the ``parallax`` console script."""
    app()
