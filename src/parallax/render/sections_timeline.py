"""Report section: a dated timeline of events, each with the outlets that report it.

See ``parallax.render.sections`` for how sections work.
"""

from __future__ import annotations

from markupsafe import Markup
from rich.console import Group, RenderableType
from rich.text import Text

from parallax.model import Report, TimelineEntry
from parallax.render.sections import Section, analysed_when, clean_terminal, escape_md
from parallax.render.templating import render_template


def when(entry: TimelineEntry) -> str:
    """ "2023-10-20", or "2023-10-16 to 2023-10-20 (week)"."""
    if entry.precision == "day" or not entry.until:
        return entry.date
    return f"{entry.date} to {entry.until} ({entry.precision})"


def how(entry: TimelineEntry, report: Report) -> list[str]:
    """One line per piece of evidence: outlet, expression, how resolved."""
    out = []
    for ev in entry.evidence:
        label = report.article(ev.article).label
        note = " against an inferred publication date" if ev.inferred else ""
        place = "caption" if not ev.sentence else "text"
        out.append(f"{label} ({place}): \u201c{ev.expression}\u201d, {ev.how}{note}: {ev.text}")
    return out


def inferred_dates(report: Report) -> list[str]:
    return [f"{a.label}: {a.published} (inferred)" for a in report.articles if a.published_inferred]


def text_timeline(report: Report) -> RenderableType:
    if not report.timeline:
        return Text("No dated events found.")
    parts: list[RenderableType] = []
    for e in report.timeline:
        line = Text(when(e), style="bold")
        line.append(clean_terminal(f"  {e.event}  "))
        line.append("[" + ", ".join(e.outlets) + "]", style="cyan")
        parts.append(line)
        parts += [Text(clean_terminal("    " + x), style="dim") for x in how(e, report)]
    if inferred_dates(report):
        parts.append(Text(clean_terminal("Inferred publication dates: " + "; ".join(inferred_dates(report)))))
    return Group(*parts)


def markdown_timeline(report: Report) -> str:
    if not report.timeline:
        return "No dated events found."
    lines: list[str] = []
    for e in report.timeline:
        lines.append(f"- **{when(e)}** {escape_md(e.event)} [{escape_md(', '.join(e.outlets))}]")
        lines += [f"  - {escape_md(x)}" for x in how(e, report)]
    if inferred_dates(report):
        lines += ["", "Inferred publication dates: " + escape_md("; ".join(inferred_dates(report)))]
    return "\n".join(lines)


def html_timeline(report: Report) -> Markup:
    entries = [(e, when(e), how(e, report)) for e in report.timeline]
    return render_template(
        "sections/timeline.html.j2", report=report, entries=entries, inferred=inferred_dates(report)
    )


CSS = """
ol.timeline { list-style: none; padding-left: 0; }
ol.timeline > li { border-left: 3px solid #4a6fa5; padding: 0.2em 0 0.6em 0.8em; margin-left: 0.4em; }
ol.timeline time { font-weight: bold; margin-right: 0.5em; }
ol.timeline details { font-size: 0.9em; color: #444; }
"""

SECTIONS = [
    Section(
        key="timeline",
        title="Timeline",
        analysed=analysed_when("build_dated_timeline", data=lambda r: bool(r.timeline)),
        text=text_timeline,
        markdown=markdown_timeline,
        html=html_timeline,
        css=CSS,
    )
]
