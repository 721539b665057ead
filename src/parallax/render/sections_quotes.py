"""Report sections: quotes with speakers, and quote drift across outlets (word diffs).

See ``parallax.render.sections`` for how sections work.
"""

from __future__ import annotations

from markupsafe import Markup
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from parallax.model import DiffPiece, Quote, QuoteMatch, Report
from parallax.render.sections import Section, analysed_when, clean_terminal, escape_cell, escape_md
from parallax.render.templating import render_template

KIND_TITLE = {
    "reworded": "Reworded (quote drift)",
    "paraphrase": "Quoted in one outlet, stated without quote marks in another",
    "verbatim": "Same words",
}


def quote_index(report: Report) -> dict[str, Quote]:
    return {q.id: q for q in report.quotes}


def ordered_matches(report: Report) -> list[QuoteMatch]:
    order = {"reworded": 0, "paraphrase": 1, "verbatim": 2}
    return sorted(report.quote_matches, key=lambda m: (order.get(m.kind, 3), -len(m.articles)))


def who(q: Quote) -> str:
    speaker = q.speaker or "speaker unknown"
    return f"{speaker} ({q.verb})" if q.verb else speaker


def diff_markdown(diff: list[DiffPiece]) -> str:
    marks = {"=": "{}", "-": "~~{}~~", "+": "**{}**"}
    return " ".join(marks.get(p.op, "{}").format(escape_md(p.text)) for p in diff)


def diff_text(diff: list[DiffPiece]) -> Text:
    out = Text()
    styles = {"=": "", "-": "red strike", "+": "green bold"}
    for p in diff:
        out.append(clean_terminal(p.text) + " ", style=styles.get(p.op, ""))
    return out


def match_lines(report: Report, m: QuoteMatch) -> list[tuple[str, str, str]]:
    """(outlet, speaker and verb, wording) for each side of a match."""
    index = quote_index(report)
    rows = [
        (report.article(index[q].article).label, who(index[q]), index[q].text) for q in m.quotes if q in index
    ]
    if m.kind == "paraphrase" and len(m.articles) > 1:
        rows.append((report.article(m.articles[1]).label, "no quote marks", m.text))
    return rows


def text_quotes(report: Report) -> RenderableType:
    parts: list[RenderableType] = []
    if not report.quotes:
        return Text("No direct quotes found.")
    for m in ordered_matches(report):
        parts.append(Text(f"{KIND_TITLE.get(m.kind, m.kind)} - {', '.join(m.outlets)}", style="bold"))
        for outlet, speaker, words in match_lines(report, m):
            parts.append(Text(clean_terminal(f"  {outlet}: {speaker}: \u201c{words}\u201d")))
        if m.diff:
            parts.append(Text("  diff: ") + diff_text(m.diff))
    table = Table(title="Quotes and speakers")
    for name in ("id", "outlet", "speaker", "how", "quote"):
        table.add_column(name, overflow="fold")
    for q in report.quotes:
        words = clean_terminal(q.text + ("" if q.complete else " [unclosed]"))
        table.add_row(
            q.id,
            clean_terminal(report.article(q.article).label),
            clean_terminal(who(q)),
            q.attribution,
            words,
        )
    return Group(*parts, table)


def markdown_quotes(report: Report) -> str:
    if not report.quotes:
        return "No direct quotes found."
    lines: list[str] = []
    for m in ordered_matches(report):
        lines += [f"**{KIND_TITLE.get(m.kind, m.kind)}** ({escape_md(', '.join(m.outlets))})", ""]
        lines += [
            f"- {escape_md(o)}, {escape_md(s)}: \u201c{escape_md(w)}\u201d"
            for o, s, w in match_lines(report, m)
        ]
        if m.diff:
            lines.append(f"- word diff: {diff_markdown(m.diff)}")
        lines.append("")
    lines += ["| id | outlet | speaker | how | quote |", "|---|---|---|---|---|"]
    for q in report.quotes:
        cells = [
            q.id,
            report.article(q.article).label,
            who(q),
            q.attribution,
            q.text + ("" if q.complete else " [unclosed]"),
        ]
        lines.append("| " + " | ".join(escape_cell(c) for c in cells) + " |")
    return "\n".join(lines)


def html_quotes(report: Report) -> Markup:
    matches = [(m, match_lines(report, m)) for m in ordered_matches(report)]
    return render_template(
        "sections/quotes.html.j2", report=report, matches=matches, titles=KIND_TITLE, who=who,
    )  # fmt: skip


CSS = """
.quote-match { margin: 0.6em 0 1em; }
.quote-match .diff del { background: #fde2e1; color: #8a1c13; }
.quote-match .diff ins { background: #e3f4e1; color: #245c1f; text-decoration: none; font-weight: bold; }
"""

SECTIONS = [
    Section(
        key="quotes",
        title="Quotes and quote drift",
        analysed=analysed_when("compare_quote_wording", data=lambda r: bool(r.quotes)),
        text=text_quotes,
        markdown=markdown_quotes,
        html=html_quotes,
        css=CSS,
    )
]
