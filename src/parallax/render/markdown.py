"""The report as Markdown: headings per section, tables with escaped cells, citations like [a1, a3].

All article-derived text goes through ``escape_md``/``escape_cell``, so it can
never become a link, raw HTML, emphasis or a broken table row.
"""

from __future__ import annotations

from parallax.codec import generated_by
from parallax.model import Report
from parallax.render.facts import plural
from parallax.render.html import story_title
from parallax.render.sections import escape_md, load_sections


def render_markdown(report: Report) -> str:
    """The full Markdown document."""
    outlets = len({a.label for a in report.articles})
    lines = [
        f"# Parallax report: {escape_md(story_title(report))}",
        "",
        f"{plural(len(report.articles), 'article')} from {plural(outlets, 'outlet')}, "
        f"{plural(len(report.claims), 'claim')}, "
        f"{plural(len(report.skipped), 'input')} skipped. Made by {generated_by()}.",
    ]
    for section in load_sections():
        if section.markdown is None or not section.is_shown(report):
            continue
        body = section.markdown(report) if section.analysed(report) else f"*{section.absent}*"
        lines += ["", f"## {section.title}", "", body]
    return "\n".join(lines) + "\n"
