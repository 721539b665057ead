"""Report section: numbers across outlets (agree, update, differ) with their evidence.

See ``parallax.render.sections`` for how sections work.
"""

from __future__ import annotations

from markupsafe import Markup
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from parallax.analysis.details.numbers import format_value
from parallax.model import Quantity, Report
from parallax.render.sections import Section, analysed_when, clean_terminal, escape_cell, escape_md
from parallax.render.templating import render_template

VERDICT_STYLE = {"differ": "bold red", "update": "yellow", "agree": "green"}


def quantity_index(report: Report) -> dict[str, Quantity]:
    return {q.id: q for q in report.quantities}


def sentence_text(report: Report, q: Quantity) -> str:
    """The sentence a quantity comes from (the evidence)."""
    for s in report.article(q.article).sentences:
        if s.id == q.sentence:
            return s.text
    return q.text


def describe(q: Quantity) -> str:
    """ "more than 4,100 Palestinians (killed)"."""
    what = f" {q.counts}" if q.counts and q.kind != "age" else (" years old" if q.kind == "age" else "")
    return f"{format_value(q)}{what}" + (f" ({q.event})" if q.event else "")


def text_numbers(report: Report) -> RenderableType:
    if not report.number_comparisons:
        return Text(f"{len(report.quantities)} quantities found; no measure is reported by two outlets.")
    index = quantity_index(report)
    table = Table(show_lines=True)
    for name in ("measure", "verdict", "outlet", "figure", "date", "evidence"):
        table.add_column(name, overflow="fold")
    for c in report.number_comparisons:
        for n, qid in enumerate(c.quantities):
            q = index[qid]
            article = report.article(q.article)
            day = (q.date or "unknown") + (" (inferred)" if article.published_inferred and q.date else "")
            table.add_row(
                Text(clean_terminal(c.measure)) if n == 0 else Text(""),
                Text(c.verdict, style=VERDICT_STYLE.get(c.verdict, "")) if n == 0 else Text(""),
                Text(clean_terminal(article.label)),
                Text(clean_terminal(describe(q))),
                Text(day),
                Text(clean_terminal(sentence_text(report, q))),
            )
    notes = [
        Text(clean_terminal(f"{c.measure}: {c.note}"))
        for c in report.number_comparisons
        if c.verdict != "agree"
    ]
    return Group(table, *notes)


def markdown_numbers(report: Report) -> str:
    if not report.number_comparisons:
        return f"{len(report.quantities)} quantities found; no measure is reported by two outlets."
    index = quantity_index(report)
    lines = ["| measure | verdict | outlet | figure | date | evidence |", "|---|---|---|---|---|---|"]
    for c in report.number_comparisons:
        verdict = f"**{c.verdict}**" if c.verdict != "agree" else c.verdict
        for n, qid in enumerate(c.quantities):
            q = index[qid]
            article = report.article(q.article)
            day = (q.date or "unknown") + (" (inferred)" if article.published_inferred and q.date else "")
            cells = [c.measure if n == 0 else "", article.label, describe(q), day, sentence_text(report, q)]
            row = [escape_cell(cells[0]), verdict if n == 0 else ""] + [escape_cell(x) for x in cells[1:]]
            lines.append("| " + " | ".join(row) + " |")
    notes = [
        f"- {escape_md(c.measure)}: {escape_md(c.note)}"
        for c in report.number_comparisons
        if c.verdict != "agree"
    ]
    return "\n".join([*lines, "", *notes] if notes else lines)


def html_numbers(report: Report) -> Markup:
    index = quantity_index(report)
    rows = [
        (
            c,
            [
                (index[qid], report.article(index[qid].article), sentence_text(report, index[qid]))
                for qid in c.quantities
            ],
        )
        for c in report.number_comparisons
    ]
    return render_template("sections/numbers.html.j2", report=report, rows=rows, describe=describe)


CSS = """
table.numbers tr.verdict-differ td.verdict { background: #fde2e1; color: #8a1c13; font-weight: bold; }
table.numbers tr.verdict-update td.verdict { background: #fff4d6; color: #7a5600; }
table.numbers tr.verdict-agree td.verdict { background: #e3f4e1; color: #245c1f; }
table.numbers td.evidence { font-size: 0.9em; color: #444; }
"""

SECTIONS = [
    Section(
        key="numbers",
        title="Numbers across outlets",
        analysed=analysed_when("compare_numbers", data=lambda r: bool(r.quantities)),
        text=text_numbers,
        markdown=markdown_numbers,
        html=html_numbers,
        css=CSS,
    )
]
