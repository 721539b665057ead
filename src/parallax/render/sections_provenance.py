"""Report sections for issue 4: copying and provenance, cited sources, independent sources.

See ``parallax.render.sections`` for how sections work. Article text is untrusted:
it goes through ``clean_terminal`` (text), ``escape_md``/``escape_cell`` (Markdown)
and ``escape`` (HTML). The HTML copy graph is an inline SVG drawn here (no scripts).
"""

from __future__ import annotations

import math
from collections import defaultdict

from markupsafe import Markup
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from parallax.model import Claim, Report, ReusePair
from parallax.render.facts import name_article, plural
from parallax.render.sections import Section, analysed_when, clean_terminal, escape_cell, escape_md

PASSAGE_CHARS = 200
PASSAGES_SHOWN = 4
SOURCE_KINDS = (
    ("outlet", "outlets and agencies"),
    ("person", "named people"),
    ("institution", "institutions"),
    ("anonymous", "anonymous sources"),
)


def _short(text: str, limit: int = PASSAGE_CHARS) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _names(report: Report) -> dict[str, str]:
    return {a.id: name_article(a) for a in report.articles}


def describe_pair(pair: ReusePair, names: dict[str, str]) -> str:
    """ "A (a1) and B (a3): rewrite, score 0.66" with the direction when known."""
    head = f"{names.get(pair.a, pair.a)} and {names.get(pair.b, pair.b)}: {pair.kind}, score {pair.score:.2f}"
    return head + f"; {describe_direction(pair, names)}"


def describe_direction(pair: ReusePair, names: dict[str, str]) -> str:
    if pair.source and pair.copy:
        return (
            f"likely copied from {names.get(pair.source, pair.source)} by {names.get(pair.copy, pair.copy)} "
            f"(confidence {pair.confidence:.2f})"
        )
    return "direction undecided"


def describe_swaps(pair: ReusePair) -> list[str]:
    return [f"“{s.a_words}” → “{s.b_words}” ×{s.count}" for s in pair.substitutions]


def notable_pairs(report: Report) -> list[ReusePair]:
    """Pairs worth a reader's time: real copies first; isolated shared phrases last."""
    return sorted(report.reuse, key=lambda p: -p.score)


def independence_gaps(report: Report) -> list[Claim]:
    """Claims with fewer independent sources than outlets, best supported first."""
    gaps = [c for c in report.claims if c.independent_sources and c.independent_sources < len(c.outlets)]
    return sorted(gaps, key=lambda c: (-len(c.outlets), c.independent_sources))


def sources_by_article(report: Report) -> dict[str, dict[str, dict[str, int]]]:
    """article id -> kind -> name -> times cited."""
    found: dict[str, dict[str, dict[str, int]]] = defaultdict(lambda: defaultdict(dict))
    for s in report.sources:
        names = found[s.article][s.kind]
        key = s.name if s.kind != "anonymous" else s.name[:1].lower() + s.name[1:]
        names[key] = names.get(key, 0) + 1
    return found


def _listing(names: dict[str, int]) -> str:
    return "; ".join(f"{n} ×{c}" if c > 1 else n for n, c in names.items())


# --- text -------------------------------------------------------------------------------


def _line(text: str, style: str = "") -> Text:
    return Text(clean_terminal(text), style=style)


def text_provenance(report: Report) -> RenderableType:
    names = _names(report)
    parts: list[RenderableType] = []
    if not report.reuse:
        parts.append(_line("No passages shared between articles."))
    for pair in notable_pairs(report):
        parts.append(_line(describe_pair(pair, names), "bold"))
        parts.append(
            _line(
                f"  coverage {pair.a_coverage:.0%} of {pair.a}, {pair.b_coverage:.0%} of {pair.b}; "
                f"{plural(len(pair.spans), 'passage')}"
            )
        )
        for ev in pair.evidence:
            parts.append(_line(f"  evidence: {ev}", "dim"))
        if pair.substitutions:
            parts.append(_line("  words swapped: " + ", ".join(describe_swaps(pair)), "magenta"))
        for span in pair.spans[:PASSAGES_SHOWN]:
            parts.append(_line(f"  [{pair.a} {span.a_start}-{span.a_end}] {_short(span.a_text)}"))
            parts.append(_line(f"  [{pair.b} {span.b_start}-{span.b_end}] {_short(span.b_text)}", "dim"))
    for n in report.syndication:
        parts.append(
            _line(f"Syndication notice in {names.get(n.article, n.article)}: {_short(n.text)}", "yellow")
        )
    for g in report.duplicates:
        agency = f" ({g.agency})" if g.agency else ""
        parts.append(_line(f"Same story{agency}, {g.kind}: {', '.join(names.get(i, i) for i in g.articles)}"))
    return Group(*parts)


def text_sources(report: Report) -> RenderableType:
    table = Table("article", "cites", "named", "anonymous", "unattributed")
    cited = sources_by_article(report)
    shares = {s.article: s for s in report.sourcing}
    for a in report.articles:
        kinds = cited.get(a.id, {})
        cell = (
            "\n".join(f"{label}: {_listing(kinds[k])}" for k, label in SOURCE_KINDS if kinds.get(k))
            or "none found"
        )
        share = shares.get(a.id)
        numbers = [
            f"{getattr(share, f):.0%}" if share else "-" for f in ("named", "anonymous", "unattributed")
        ]
        table.add_row(_line(name_article(a)), _line(cell), *numbers)
    basis = report.sourcing[0].basis if report.sourcing else "claims"
    return Group(table, _line(f"Shares are of each article's {basis}.", "dim"))


def text_independence(report: Report) -> RenderableType:
    gaps = independence_gaps(report)
    if not gaps:
        return _line(
            "Every claim's outlets are independent of one another (no copying or shared origin found)."
        )
    names = _names(report)
    parts: list[RenderableType] = []
    for c in gaps:
        parts.append(
            _line(
                f"{c.id}: {len(c.outlets)} outlets, {c.independent_sources} independent: "
                f"{_short(c.text, 120)}",
                "bold",
            )
        )
        for group in c.independent_groups:
            parts.append(_line("  one source: " + ", ".join(names.get(i, i) for i in group)))
    return Group(*parts)


# --- markdown ---------------------------------------------------------------------------


def markdown_provenance(report: Report) -> str:
    names = _names(report)
    lines: list[str] = []
    if report.reuse:
        lines += ["| articles | kind | score | direction | words swapped |", "|---|---|---|---|---|"]
        for p in notable_pairs(report):
            lines.append(
                f"| {escape_cell(names.get(p.a, p.a))} ↔ {escape_cell(names.get(p.b, p.b))} | {p.kind} "
                f"| {p.score:.2f} | {escape_cell(describe_direction(p, names))} "
                f"| {escape_cell(', '.join(describe_swaps(p))) or '-'} |"
            )
        lines.append("")
    else:
        lines += ["No passages shared between articles.", ""]
    for p in notable_pairs(report):
        if p.kind == "shared-passages" and p.score < 0.2:
            continue
        lines += [f"### {escape_md(names.get(p.a, p.a))} and {escape_md(names.get(p.b, p.b))}", ""]
        lines += [f"- evidence: {escape_md(ev)}" for ev in p.evidence]
        for span in p.spans[:PASSAGES_SHOWN]:
            lines.append(f"- {p.a} [{span.a_start}:{span.a_end}] {escape_md(_short(span.a_text))}  ")
            lines.append(f"  {p.b} [{span.b_start}:{span.b_end}] {escape_md(_short(span.b_text))}")
        lines.append("")
    for n in report.syndication:
        lines.append(
            f"- Syndication notice in {escape_md(names.get(n.article, n.article))}: "
            f"{escape_md(_short(n.text))}"
        )
    for g in report.duplicates:
        agency = f" ({escape_md(g.agency)})" if g.agency else ""
        lines.append(
            f"- Same story{agency}, {g.kind}: {escape_md(', '.join(names.get(i, i) for i in g.articles))}"
        )
    return "\n".join(lines).rstrip()


def markdown_sources(report: Report) -> str:
    cited = sources_by_article(report)
    shares = {s.article: s for s in report.sourcing}
    lines = ["| article | cites | named | anonymous | unattributed |", "|---|---|---|---|---|"]
    for a in report.articles:
        kinds = cited.get(a.id, {})
        cell = (
            "; ".join(f"{label}: {_listing(kinds[k])}" for k, label in SOURCE_KINDS if kinds.get(k))
            or "none found"
        )
        share = shares.get(a.id)
        numbers = " | ".join(
            f"{getattr(share, f):.0%}" if share else "-" for f in ("named", "anonymous", "unattributed")
        )
        lines.append(f"| {escape_cell(name_article(a))} | {escape_cell(cell)} | {numbers} |")
    return "\n".join(lines)


def markdown_independence(report: Report) -> str:
    gaps = independence_gaps(report)
    if not gaps:
        return "Every claim's outlets are independent of one another (no copying or shared origin found)."
    names = _names(report)
    lines = ["| claim | outlets | independent | sources |", "|---|---|---|---|"]
    for c in gaps:
        groups = " / ".join(", ".join(names.get(i, i) for i in g) for g in c.independent_groups)
        lines.append(
            f"| {escape_cell(_short(c.text, 120))} | {len(c.outlets)} | {c.independent_sources} "
            f"| {escape_cell(groups)} |"
        )
    return "\n".join(lines)


# --- html -------------------------------------------------------------------------------


def draw_copy_graph(report: Report, size: int = 420) -> Markup:
    """The articles on a circle; an edge per reuse pair, thicker for more reuse, with an
    arrow from the likely original to the copy. Inline SVG, every label escaped."""
    articles = report.articles
    if not articles:
        return Markup("")
    centre, radius = size / 2, size / 2 - 70
    places: dict[str, tuple[float, float]] = {}
    for k, a in enumerate(articles):
        angle = 2 * math.pi * k / len(articles) - math.pi / 2
        places[a.id] = (centre + radius * math.cos(angle), centre + radius * math.sin(angle))
    parts = [
        Markup(
            '<svg class="copy-graph" role="img" viewBox="0 0 {s} {s}" width="{s}" height="{s}" '
            'xmlns="http://www.w3.org/2000/svg">'
        ).format(s=size),
        Markup("<title>Copy graph: articles linked by shared text</title>"),
        Markup(
            '<defs><marker id="copy-arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" '
            'markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#b4442c"/>'
            "</marker></defs>"
        ),
    ]
    names = _names(report)
    for p in sorted(report.reuse, key=lambda p: p.score):
        if p.a not in places or p.b not in places:
            continue
        (x1, y1), (x2, y2) = places[p.source or p.a], places[p.copy or p.b]
        dx, dy = x2 - x1, y2 - y1
        length = math.hypot(dx, dy) or 1.0
        trim = 24 / length  # stop short of the node circles
        x1, y1, x2, y2 = x1 + dx * trim, y1 + dy * trim, x2 - dx * trim, y2 - dy * trim
        width = 1 + 7 * p.score
        dash = ' stroke-dasharray="4 4"' if p.kind == "shared-passages" else ""
        arrow = ' marker-end="url(#copy-arrow)"' if p.source else ""
        parts.append(
            Markup(
                '<line x1="{:.1f}" y1="{:.1f}" x2="{:.1f}" y2="{:.1f}" stroke="#b4442c" '
                'stroke-opacity="{:.2f}" '
                'stroke-width="{:.1f}"{}{}><title>{}</title></line>'
            ).format(
                x1,
                y1,
                x2,
                y2,
                0.35 + 0.6 * p.score,
                width,
                Markup(dash),
                Markup(arrow),
                describe_pair(p, names),
            )
        )
    for a in articles:
        x, y = places[a.id]
        label = a.outlet or a.id
        parts.append(
            Markup(
                '<g><circle cx="{:.1f}" cy="{:.1f}" r="20" fill="#eef3f8" stroke="#0b5cad"/>'
                '<text x="{:.1f}" y="{:.1f}" text-anchor="middle" font-size="12">{}</text>'
                '<text x="{:.1f}" y="{:.1f}" text-anchor="middle" font-size="12" font-weight="bold">{}</text>'
                "<title>{}</title></g>"
            ).format(
                x, y, x, y + 4, a.id, x, y + (36 if y >= centre else -28), _short(label, 24), name_article(a)
            )
        )
    parts.append(Markup("</svg>"))
    return Markup("").join(parts)


def html_provenance(report: Report) -> Markup:
    names = _names(report)
    out = [Markup('<div class="provenance">'), draw_copy_graph(report)]
    out.append(
        Markup(
            '<p class="legend">Each line joins two articles that share passages; thicker lines share more; '
            "an arrow points from the likely original to the copy; dashed lines share only a few phrases.</p>"
        )
    )
    if not report.reuse:
        out.append(Markup("<p>No passages shared between articles.</p>"))
    for p in notable_pairs(report):
        out.append(Markup("<h3>{}</h3>").format(describe_pair(p, names)))
        out.append(
            Markup("<p>Coverage: {:.0%} of {}, {:.0%} of {}; {}.</p>").format(
                p.a_coverage, p.a, p.b_coverage, p.b, plural(len(p.spans), "passage")
            )
        )
        if p.evidence:
            out.append(
                Markup('<ul class="evidence">')
                + Markup("").join(Markup("<li>{}</li>").format(ev) for ev in p.evidence)
                + Markup("</ul>")
            )
        if p.substitutions:
            out.append(Markup("<p>Words swapped: {}</p>").format(", ".join(describe_swaps(p))))
        if p.kind == "shared-passages" and p.score < 0.2:
            continue
        out.append(
            Markup(
                '<div class="scroll-x"><table class="passages"><thead><tr><th>{}</th><th>{}</th></tr>'
                "</thead><tbody>"
            ).format(names.get(p.a, p.a), names.get(p.b, p.b))
        )
        for span in p.spans[:PASSAGES_SHOWN]:
            out.append(
                Markup(
                    '<tr><td>{} <span class="id">{}-{}</span></td><td>{} <span class="id">{}-{}</span>'
                    "</td></tr>"
                ).format(
                    _short(span.a_text),
                    span.a_start,
                    span.a_end,
                    _short(span.b_text),
                    span.b_start,
                    span.b_end,
                )
            )
        out.append(Markup("</tbody></table></div>"))
    if report.syndication:
        out.append(Markup("<h3>Syndication notices</h3><ul>"))
        for n in report.syndication:
            out.append(Markup("<li>{}: {}</li>").format(names.get(n.article, n.article), _short(n.text)))
        out.append(Markup("</ul>"))
    if report.duplicates:
        out.append(Markup("<h3>Same story under several mastheads</h3><ul>"))
        for g in report.duplicates:
            out.append(
                Markup("<li>{}{}: {}</li>").format(
                    g.kind,
                    f" ({g.agency})" if g.agency else "",
                    ", ".join(names.get(i, i) for i in g.articles),
                )
            )
        out.append(Markup("</ul>"))
    out.append(Markup("</div>"))
    return Markup("").join(out)


def html_sources(report: Report) -> Markup:
    cited = sources_by_article(report)
    shares = {s.article: s for s in report.sourcing}
    rows = []
    for a in report.articles:
        kinds = cited.get(a.id, {})
        cell = Markup("<br>").join(
            Markup("<b>{}</b>: {}").format(label, _listing(kinds[k]))
            for k, label in SOURCE_KINDS
            if kinds.get(k)
        ) or Markup("none found")
        share = shares.get(a.id)
        numbers = Markup("").join(
            Markup("<td>{}</td>").format(f"{getattr(share, f):.0%}" if share else "-")
            for f in ("named", "anonymous", "unattributed")
        )
        rows.append(Markup("<tr><td>{}</td><td>{}</td>{}</tr>").format(name_article(a), cell, numbers))
    basis = report.sourcing[0].basis if report.sourcing else "claims"
    return (
        Markup(
            '<div class="scroll-x"><table class="sources"><thead><tr><th>article</th><th>cites</th>'
            "<th>named</th><th>anonymous</th><th>unattributed</th></tr></thead><tbody>"
        )
        + Markup("").join(rows)
        + Markup('</tbody></table></div><p class="legend">Shares are of each article\'s {}.</p>').format(
            basis
        )
    )


def html_independence(report: Report) -> Markup:
    gaps = independence_gaps(report)
    if not gaps:
        return Markup(
            "<p>Every claim's outlets are independent of one another (no copying or shared origin found).</p>"
        )
    names = _names(report)
    rows = [
        Markup("<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>").format(
            _short(c.text, 160),
            len(c.outlets),
            c.independent_sources,
            " / ".join(", ".join(names.get(i, i) for i in g) for g in c.independent_groups),
        )
        for c in gaps
    ]
    return (
        Markup(
            '<div class="scroll-x"><table class="independence"><thead><tr><th>claim</th><th>outlets</th>'
            "<th>independent</th><th>sources (copies grouped)</th></tr></thead><tbody>"
        )
        + Markup("").join(rows)
        + Markup("</tbody></table></div>")
    )


SECTIONS = [
    Section(
        key="provenance",
        title="Copying and provenance",
        analysed=analysed_when(
            "detect_reuse", "find_syndication", data=lambda r: bool(r.reuse or r.syndication or r.duplicates)
        ),
        text=text_provenance,
        markdown=markdown_provenance,
        html=html_provenance,
        absent="Text reuse was not analysed in this report.",
        css=".copy-graph { max-width: 100%; height: auto; display: block; margin: .5rem 0; }\n"
        "table.passages td { max-width: 40rem; }",
    ),
    Section(
        key="sources",
        title="Cited sources",
        analysed=analysed_when("find_cited_sources", data=lambda r: bool(r.sources or r.sourcing)),
        text=text_sources,
        markdown=markdown_sources,
        html=html_sources,
        absent="Cited sources were not analysed in this report.",
    ),
    Section(
        key="independence",
        title="Independent sources",
        analysed=analysed_when(
            "count_independent_sources", data=lambda r: any(c.independent_sources for c in r.claims)
        ),
        text=text_independence,
        markdown=markdown_independence,
        html=html_independence,
        absent="Independent sources were not counted in this report.",
    ),
]
