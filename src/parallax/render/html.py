"""The report as one self-contained HTML page.

Inline CSS, no script, no external URL; a Content-Security-Policy forbids
scripts and remote loads outright, as a second line of defence behind
escaping. The page is the registered sections (``parallax.render.sections``)
in order, each from its own autoescaped template.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from importlib import resources

from markupsafe import Markup

from parallax.codec import generated_by
from parallax.model import Report
from parallax.render.sections import Section, load_sections
from parallax.render.templating import render_template


@dataclass
class RenderedSection:
    key: str
    title: str
    body: Markup | None  # None: not analysed
    absent: str


def read_css(sections: tuple[Section, ...]) -> Markup:
    """The page's stylesheet plus every section's own CSS (trusted: written in code)."""
    base = resources.files("parallax.render").joinpath("templates", "report.css").read_text(encoding="utf-8")
    extra = [s.css for s in sections if s.css]
    return Markup("\n".join([base, *extra]).replace("</", "<\\/"))


def story_title(report: Report) -> str:
    """A title for the whole report: the headline most articles share, else the first one."""
    titles = [a.title.strip() for a in report.articles if a.title.strip()]
    if not titles:
        return "Parallax report"
    best, count = Counter(titles).most_common(1)[0]
    return best if count > 1 else titles[0]


def render_sections_html(report: Report) -> list[RenderedSection]:
    """Every section with an HTML renderer, rendered (or marked not analysed)."""
    parts = []
    for section in load_sections():
        if section.html is None or not section.is_shown(report):
            continue
        body = section.html(report) if section.analysed(report) else None
        parts.append(RenderedSection(section.key, section.title, body, section.absent))
    return parts


def render_html(report: Report) -> str:
    """The full HTML page."""
    sections = load_sections()
    outlets = sorted({a.label for a in report.articles})
    return render_template(
        "report.html.j2",
        report=report,
        title=story_title(report),
        outlets=outlets,
        parts=render_sections_html(report),
        css=read_css(sections),
        generated_by=generated_by(),
    )
