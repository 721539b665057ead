"""The first section when the inputs form several stories: which one the report compares, which are left out.

Shown only when ``Report.story_groups`` holds more than one group; a report of one
story has no such section (see ``analysis.reading.story_groups``).
"""

from __future__ import annotations

from markupsafe import Markup
from rich.console import Group, RenderableType
from rich.text import Text

from parallax.model import Report
from parallax.render.facts import plural
from parallax.render.sections import Section, always, clean_terminal, escape_md
from parallax.render.templating import render_template

LEFT_OUT_REASON = (
    "their articles share too little wording with the largest story's to report the same event; they are "
    "left out of the summary, and their claims are grouped among themselves only"
)


def has_several_stories(report: Report) -> bool:
    return len(report.story_groups) > 1


def describe_group(report: Report, group: list[str]) -> str:
    """Ids and the first article's title: "a4, a5 ("Title")"."""
    title = report.article(group[0]).title.strip() or "untitled"
    return f'{", ".join(group)} ("{title}")'


def lead_line(report: Report) -> str:
    return (
        f"These {plural(len(report.articles), 'input')} form {len(report.story_groups)} stories; "
        "the comparison covers the largest."
    )


def text_stories(report: Report) -> RenderableType:
    groups = report.story_groups
    lines: list[RenderableType] = [Text(lead_line(report), style="bold")]
    lines.append(Text(clean_terminal(f"Compared: {describe_group(report, groups[0])}")))
    lines += [Text(clean_terminal(f"Left out: {describe_group(report, g)}")) for g in groups[1:]]
    lines.append(Text(f"Why: {LEFT_OUT_REASON}.", style="dim"))
    return Group(*lines)


def markdown_stories(report: Report) -> str:
    groups = report.story_groups
    lines = [f"**{lead_line(report)}**", "", f"- Compared: {escape_md(describe_group(report, groups[0]))}"]
    lines += [f"- Left out: {escape_md(describe_group(report, g))}" for g in groups[1:]]
    lines += ["", f"Why: {LEFT_OUT_REASON}."]
    return "\n".join(lines)


def html_stories(report: Report) -> Markup:
    return render_template(
        "sections/stories.html.j2",
        report=report,
        lead=lead_line(report),
        reason=LEFT_OUT_REASON,
        describe=describe_group,
    )


SECTIONS = [
    Section(
        key="stories",
        title="Several stories in these inputs",
        analysed=always,
        text=text_stories,
        markdown=markdown_stories,
        html=html_stories,
        shown=has_several_stories,
    ),
]
