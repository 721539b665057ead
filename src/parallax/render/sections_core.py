"""Core report sections (issue 2): overview, summary, texts side by side, claims, coverage.

See ``parallax.render.sections`` for how sections work and how to add one.
"""

from __future__ import annotations

from markupsafe import Markup
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from parallax.model import Report
from parallax.render.facts import (
    MATRIX_MAX_COLUMNS,
    claim_by_sentence,
    describe_support,
    find_claim,
    format_date,
    name_article,
    plural,
    rank_claims,
    shared_claims,
    split_paragraphs,
)
from parallax.render.sections import Section, always, analysed_when, clean_terminal, escape_cell, escape_md
from parallax.render.templating import render_template


def plain(text: str, style: str = "") -> Text:
    """Untrusted text as a rich Text (never parsed as markup, no control codes)."""
    return Text(clean_terminal(text), style=style)


def cite(articles: list[str]) -> str:
    """A citation like "[a1, a3]"."""
    return "[" + ", ".join(articles) + "]"


# ---------------------------------------------------------------- overview


def text_overview(report: Report) -> RenderableType:
    table = Table()
    for name in ("id", "outlet", "language", "published", "title", "source"):
        table.add_column(name, overflow="fold")
    for a in report.articles:
        table.add_row(
            plain(a.id), plain(a.outlet or "unknown"), plain(a.language), plain(format_date(a)),
            plain(a.title), plain(a.source),
        )  # fmt: skip
    parts: list[RenderableType] = [table]
    if report.skipped:
        parts.append(Text(f"Skipped inputs ({len(report.skipped)}):", style="bold yellow"))
        parts += [plain(f"  {s.source}: {s.reason}") for s in report.skipped]
    if report.notes:
        parts.append(Text("Notes:", style="bold"))
        parts += [plain(f"  {note}") for note in report.notes]
    return Group(*parts)


def markdown_overview(report: Report) -> str:
    lines = ["| id | outlet | language | published | title | source |", "|---|---|---|---|---|---|"]
    for a in report.articles:
        cells = [a.id, a.outlet or "unknown", a.language, format_date(a), a.title, a.source]
        lines.append("| " + " | ".join(escape_cell(c) for c in cells) + " |")
    if report.skipped:
        lines += ["", f"**Skipped inputs ({len(report.skipped)})**", ""]
        lines += [f"- {escape_md(s.source)}: {escape_md(s.reason)}" for s in report.skipped]
    if report.notes:
        lines += ["", "**Notes**", ""] + [f"- {escape_md(n)}" for n in report.notes]
    return "\n".join(lines)


def html_overview(report: Report) -> Markup:
    return render_template("sections/overview.html.j2", report=report, format_date=format_date)


# ---------------------------------------------------------------- summary


def text_summary(report: Report) -> RenderableType:
    if not report.summary:
        return Text("No summary: no claim is stated by enough outlets.")
    lines = []
    for n, s in enumerate(report.summary, 1):
        line = plain(f"{n}. {s.text} ")
        line.append(cite(s.articles), style="cyan")
        lines.append(line)
    return Group(*lines)


def markdown_summary(report: Report) -> str:
    if not report.summary:
        return "No summary: no claim is stated by enough outlets."
    return "\n".join(f"{n}. {escape_md(s.text)} {cite(s.articles)}" for n, s in enumerate(report.summary, 1))


def html_summary(report: Report) -> Markup:
    return render_template("sections/summary.html.j2", report=report, find_claim=find_claim)


# ---------------------------------------------------------------- texts side by side


def html_texts(report: Report) -> Markup:
    columns = [(a, split_paragraphs(a)) for a in report.articles]
    return render_template(
        "sections/texts.html.j2",
        report=report,
        columns=columns,
        by_sentence=claim_by_sentence(report),
        describe_support=describe_support,
        format_date=format_date,
    )


# ---------------------------------------------------------------- claims by outlets


def coverage_note(shared: int, singles: int) -> str:
    head = f"{plural(shared, 'claim')} stated by two or more outlets"
    return f"{head}; {singles} by one outlet only (see exclusives)."


def text_claims(report: Report) -> RenderableType:
    shared = shared_claims(report)
    singles = len(report.claims) - len(shared)
    wide = len(report.articles) <= MATRIX_MAX_COLUMNS
    table = Table()
    table.add_column("claim", overflow="fold", ratio=1)
    if wide:
        for a in report.articles:
            table.add_column(a.id, justify="center")
    else:
        table.add_column("articles", overflow="fold")
    table.add_column("outlets", justify="right")
    for c in shared:
        row: list[Text] = [plain(f"{c.id}  {c.text}")]
        if wide:
            row += [
                Text("✓", style="green") if a.id in c.articles else Text("·", style="dim")
                for a in report.articles
            ]
        else:
            row.append(plain(", ".join(c.articles)))
        row.append(Text(str(len(c.outlets))))
        table.add_row(*row)
    note = Text(coverage_note(len(shared), singles), style="dim")
    return Group(table, note) if shared else note


def markdown_claims(report: Report) -> str:
    shared = shared_claims(report)
    singles = len(report.claims) - len(shared)
    note = coverage_note(len(shared), singles)
    if not shared:
        return note
    wide = len(report.articles) <= MATRIX_MAX_COLUMNS
    heads = [escape_cell(a.id) for a in report.articles] if wide else ["articles"]
    lines = ["| claim | " + " | ".join(heads) + " | outlets |", "|---|" + "---|" * (len(heads) + 1)]
    for c in shared:
        cells = [f"{escape_cell(c.id)}: {escape_cell(c.text)}"]
        if wide:
            cells += ["✓" if a.id in c.articles else "" for a in report.articles]
        else:
            cells.append(escape_cell(", ".join(c.articles)))
        cells.append(str(len(c.outlets)))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join([*lines, "", note])


def html_claims(report: Report) -> Markup:
    return render_template("sections/claims.html.j2", report=report, claims=rank_claims(report))


# ---------------------------------------------------------------- exclusives and omissions


def coverage_rows(report: Report) -> list[tuple[str, list[str], list[tuple[str, str]]]]:
    """(article name, exclusive claim texts, (omitted claim text, its citation))."""
    rows = []
    for a in report.articles:
        only = [c.text for cid in a.exclusive_claims if (c := find_claim(report, cid))]
        left = [(c.text, cite(c.articles)) for cid in a.omitted_claims if (c := find_claim(report, cid))]
        rows.append((name_article(a), only, left))
    return rows


def text_coverage(report: Report) -> RenderableType:
    parts: list[RenderableType] = []
    for name, only, left in coverage_rows(report):
        parts.append(plain(name, style="bold"))
        parts.append(Text(f"  only here ({len(only)}):", style="green"))
        parts += [plain(f"    - {t}") for t in only] or [Text("    none", style="dim")]
        parts.append(Text(f"  leaves out ({len(left)}):", style="yellow"))
        parts += [plain(f"    - {t} ").append(c, style="cyan") for t, c in left] or [
            Text("    none", style="dim")
        ]
    return Group(*parts)


def markdown_coverage(report: Report) -> str:
    lines: list[str] = []
    for name, only, left in coverage_rows(report):
        lines += [f"### {escape_md(name)}", "", f"Only here ({len(only)}):", ""]
        lines += [f"- {escape_md(t)}" for t in only] or ["- none"]
        lines += ["", f"Leaves out ({len(left)}):", ""]
        lines += [f"- {escape_md(t)} {c}" for t, c in left] or ["- none"]
        lines.append("")
    return "\n".join(lines).rstrip()


def html_coverage(report: Report) -> Markup:
    return render_template("sections/coverage.html.j2", report=report, find_claim=find_claim)


SECTIONS = [
    Section(
        key="overview",
        title="Articles",
        analysed=always,
        text=text_overview,
        markdown=markdown_overview,
        html=html_overview,
    ),
    Section(
        key="summary",
        title="Summary",
        analysed=analysed_when("summarise", data=lambda r: bool(r.summary)),
        text=text_summary,
        markdown=markdown_summary,
        html=html_summary,
        absent="No summary was made in this report.",
    ),
    Section(
        key="texts",
        title="The articles side by side",
        analysed=always,
        html=html_texts,
    ),
    Section(
        key="claims",
        title="Claims by outlet",
        analysed=analysed_when("group_claims", data=lambda r: bool(r.claims)),
        text=text_claims,
        markdown=markdown_claims,
        html=html_claims,
        absent="Claims were not analysed in this report.",
    ),
    Section(
        key="coverage",
        title="Exclusives and omissions",
        analysed=analysed_when(
            "compare_coverage", data=lambda r: any(a.exclusive_claims or a.omitted_claims for a in r.articles)
        ),
        text=text_coverage,
        markdown=markdown_coverage,
        html=html_coverage,
        absent="Exclusives and omissions were not analysed in this report.",
    ),
]
