"""The sections of a report: one list drives the text, Markdown and HTML renderers.

A ``Section`` has a ``key`` (its HTML anchor), a ``title``, and up to three
functions that render it from the Report: ``text`` (a rich renderable),
``markdown`` (a string) and ``html`` (escaped markup, see ``templating``). A
format whose function is None leaves the section out. ``analysed`` tells
whether the report holds this section's analysis at all; when it does not,
every format prints the title and ``absent`` ("not analysed ...") instead, so
a missing capability says so rather than vanishing. ``shown``, when set, leaves
a section out of every format when the report has nothing for it to say (the
story groups, shown only when the inputs form several stories).

How to add a section (for example word choice and framing):

1. Write ``src/parallax/render/sections_framing.py`` defining
   ``SECTIONS = [Section(key="framing", title="Word choice and framing",
   analysed=analysed_when("compare_framing", data=lambda r: bool(r.framing)),
   text=..., markdown=..., html=...)]``. Each function takes the Report.
   Render article-derived text through ``rich.text.Text`` (``clean_terminal``),
   ``escape_md`` / ``escape_cell`` and autoescaped templates or ``escape``:
   article text is untrusted.
2. Add ``"parallax.render.sections_framing"`` to ``SECTION_MODULES`` below, at
   the place where the section should appear.

Extra CSS a section needs goes in ``Section.css``; it is inlined into the page.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from markupsafe import Markup
from rich.console import RenderableType

from parallax.model import Report

# Modules that define ``SECTIONS``, in the order their sections appear in a report.
SECTION_MODULES: list[str] = [
    "parallax.render.sections_stories",  # only when the inputs form several stories
    "parallax.render.sections_core",
    "parallax.render.sections_contested",
    "parallax.render.sections_framing",
    "parallax.render.sections_provenance",
    "parallax.render.sections_numbers",
    "parallax.render.sections_quotes",
    "parallax.render.sections_timeline",
    # later sections (framing, numbers, quotes, entities, timeline, provenance) go here
    "parallax.render.sections_cleaning",
]


@dataclass(frozen=True)
class Section:
    """One part of a report, renderable in every format."""

    key: str
    title: str
    analysed: Callable[[Report], bool]
    text: Callable[[Report], RenderableType] | None = None
    markdown: Callable[[Report], str] | None = None
    html: Callable[[Report], Markup] | None = None
    absent: str = "Not analysed in this report."
    css: str = ""
    shown: Callable[[Report], bool] | None = None  # None: always; else the section is left out when False

    def is_shown(self, report: Report) -> bool:
        return self.shown is None or self.shown(report)


def analysed_when(*stages: str, data: Callable[[Report], bool] | None = None) -> Callable[[Report], bool]:
    """A section is analysed when one of ``stages`` ran, or when ``data(report)`` is true.

    The stage check tells "analysed, found nothing" from "never analysed"; the
    data check covers reports built by hand or read back from JSON.
    """

    def check(report: Report) -> bool:
        if any(name in report.stages for name in stages):
            return True
        return bool(data(report)) if data is not None else False

    return check


def always(report: Report) -> bool:
    """For sections that need no analysis (the overview)."""
    return True


@cache
def load_sections() -> tuple[Section, ...]:
    """Every registered section, in report order."""
    found: list[Section] = []
    seen: set[str] = set()
    for name in SECTION_MODULES:
        module = importlib.import_module(name)
        for section in module.SECTIONS:
            if section.key in seen:
                raise ValueError(f"two report sections share the key '{section.key}' (in {name})")
            seen.add(section.key)
            found.append(section)
    return tuple(found)


def get_section(key: str) -> Section:
    """One registered section by key."""
    for section in load_sections():
        if section.key == key:
            return section
    raise KeyError(key)


# Control characters (C0 except tab/newline, DEL, C1) could drive a terminal.
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# Markdown punctuation that could start a link, HTML, emphasis, code or a table cell
# (underscores only at word edges: inside words they never emphasise).
MD_SPECIAL = re.compile(r"([\\`*\[\]<>|~]|(?<!\w)_|_(?!\w))")


def clean_terminal(text: str) -> str:
    """Article text made safe to print on a terminal (no escape sequences)."""
    return CONTROL.sub("", text)


def escape_md(text: str) -> str:
    """Untrusted text made literal in Markdown (no links, HTML, emphasis or tables)."""
    return MD_SPECIAL.sub(r"\\\1", CONTROL.sub("", text))


def escape_cell(text: str) -> str:
    """Untrusted text for one Markdown table cell: escaped, on one line."""
    return escape_md(" ".join(text.split()))


def anchor(kind: str, ident: str) -> str:
    """A safe HTML id for an object of the report, e.g. anchor("claim", "c3") -> "claim-c3"."""
    return f"{kind}-" + re.sub(r"[^A-Za-z0-9_-]", "_", ident)
