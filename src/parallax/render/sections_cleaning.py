"""What cleaning took out of each article: furniture, captions, provenance notices, warnings.

Listed last in reports, as an appendix. See ``parallax.render.sections``.
"""

from __future__ import annotations

from markupsafe import Markup
from rich.console import Group, RenderableType
from rich.text import Text

from parallax.model import Article, Report
from parallax.render.facts import name_article, plural
from parallax.render.sections import Section, analysed_when, clean_terminal, escape_md
from parallax.render.templating import render_template


def has_cleaning(article: Article) -> bool:
    return bool(article.removed or article.captions or article.provenance or article.warnings)


def cleaning_items(article: Article) -> list[tuple[str, str]]:
    """(kind, text) for everything cleaning set apart or flagged in one article."""
    items: list[tuple[str, str]] = [(r.reason, r.text) for r in article.removed]
    items += [("caption", c.text) for c in article.captions]
    items += [("provenance", p) for p in article.provenance]
    items += [(f"warning: {w.kind}", w.message) for w in article.warnings]
    return items


def text_cleaning(report: Report) -> RenderableType:
    parts: list[RenderableType] = []
    for a in report.articles:
        items = cleaning_items(a)
        parts.append(Text(clean_terminal(f"{name_article(a)}: {plural(len(items), 'item')}"), style="bold"))
        for kind, text in items:
            line = Text("  ")
            line.append(clean_terminal(kind), style="magenta")
            line.append(": " + clean_terminal(" ".join(text.split())))
            parts.append(line)
    return Group(*parts)


def markdown_cleaning(report: Report) -> str:
    lines: list[str] = []
    for a in report.articles:
        items = cleaning_items(a)
        lines += [f"### {escape_md(name_article(a))}", ""]
        lines += [f"- *{escape_md(kind)}*: {escape_md(' '.join(text.split()))}" for kind, text in items] or [
            "- nothing"
        ]
        lines.append("")
    return "\n".join(lines).rstrip()


def html_cleaning(report: Report) -> Markup:
    return render_template("sections/cleaning.html.j2", report=report, cleaning_items=cleaning_items)


SECTIONS = [
    Section(
        key="cleaning",
        title="Removed page furniture, captions and warnings",
        analysed=analysed_when("clean_articles", data=lambda r: any(has_cleaning(a) for a in r.articles)),
        text=text_cleaning,
        markdown=markdown_cleaning,
        html=html_cleaning,
        absent="The articles were not cleaned in this report.",
    ),
]
