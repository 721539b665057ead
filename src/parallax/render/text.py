"""The report for a terminal, with rich.

Colour follows the terminal: rich turns it off when output is not a terminal
and when ``NO_COLOR`` is set. Width is the terminal's, or ``COLUMNS``, or 100
when written to a file or pipe.
"""

from __future__ import annotations

import io
import os
import sys
from typing import TextIO

from rich.console import Console
from rich.rule import Rule
from rich.text import Text

from parallax.model import Report
from parallax.render.facts import plural
from parallax.render.html import story_title
from parallax.render.sections import clean_terminal, load_sections

PIPE_WIDTH = 100


def print_report(report: Report, console: Console) -> None:
    """Print every section that has a text renderer, in order."""
    outlets = len({a.label for a in report.articles})
    head = Text("Parallax report: ", style="bold")
    head.append(clean_terminal(story_title(report)))
    console.print(head)
    console.print(
        Text(
            f"{plural(len(report.articles), 'article')} from {plural(outlets, 'outlet')}, "
            f"{plural(len(report.claims), 'claim')}, "
            f"{plural(len(report.skipped), 'input')} skipped",
            style="dim",
        )
    )
    for section in load_sections():
        if section.text is None or not section.is_shown(report):
            continue
        console.print()
        console.print(Rule(Text(section.title, style="bold"), align="left"))
        if section.analysed(report):
            console.print(section.text(report))
        else:
            console.print(Text(section.absent, style="italic dim"))


def make_console(
    file: TextIO | None = None, *, color: bool | None = None, width: int | None = None
) -> Console:
    """A console for reports: terminal settings when interactive, plain fixed width otherwise."""
    target = file if file is not None else sys.stdout
    interactive = target.isatty() if hasattr(target, "isatty") else False
    if width is None and not interactive and not os.environ.get("COLUMNS", "").isdigit():
        width = PIPE_WIDTH
    return Console(
        file=target,
        width=width,
        force_terminal=color if color else None,
        no_color=True if color is False else None,
        highlight=False,
        soft_wrap=False,
        emoji=False,
        markup=False,
    )


def render_text(report: Report, *, width: int = PIPE_WIDTH, color: bool = False) -> str:
    """The terminal report as a string (plain text unless ``color``)."""
    buffer = io.StringIO()
    console = make_console(buffer, color=color, width=width)
    print_report(report, console)
    return buffer.getvalue()
