"""Report sections for issue 3, parts 1 and 4: word choice and framing, judgement words, entities.

See ``parallax.render.sections`` for how sections work. Article text is untrusted:
it goes through ``plain``/``clean_terminal`` (text), ``escape_md``/``escape_cell``
(Markdown) and ``escape`` (HTML).
"""

from __future__ import annotations

from collections import Counter, defaultdict

from markupsafe import Markup
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from parallax.model import Article, Framing, Marker, MergedEntity, Report
from parallax.render.facts import name_article, plural
from parallax.render.sections import Section, analysed_when, clean_terminal, escape_cell, escape_md

MARKER_KINDS = (
    ("attribution", "judgement-laden attribution verbs"),
    ("hedge", "hedges"),
    ("scare-quote", "scare quotes around names"),
    ("loaded", "loaded or emotive words"),
)
EXAMPLE_CHARS = 220


def plain(text: str, style: str = "") -> Text:
    return Text(clean_terminal(" ".join(text.split())), style=style)


def shorten(text: str, limit: int = EXAMPLE_CHARS) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def describe_terms(outlet_terms: list[tuple[str, int]]) -> str:
    return ", ".join(f"{term} ×{count}" for term, count in outlet_terms)


# ---------------------------------------------------------------- framing


def framing_rows(framing: Framing) -> list[tuple[str, str, str]]:
    """(outlet, terms with counts, example) for one referent."""
    rows = []
    for outlet in framing.outlets:
        terms = describe_terms([(t.term, t.count) for t in outlet.terms])
        example = next((t.example for t in outlet.terms if t.example), "")
        rows.append((f"{outlet.outlet} ({outlet.article})", terms, shorten(example)))
    return rows


def text_framing(report: Report) -> RenderableType:
    if not report.framing:
        return Text("No referent is named differently by different outlets.")
    table = Table(show_lines=True)
    for name in ("referent", "outlet", "terms (count)", "example"):
        table.add_column(name, overflow="fold")
    for framing in report.framing:
        for i, (outlet, terms, example) in enumerate(framing_rows(framing)):
            head = plain(f"{framing.referent} ({framing.kind})", "bold") if i == 0 else Text("")
            table.add_row(head, plain(outlet), plain(terms), plain(example))
    return table


def markdown_framing(report: Report) -> str:
    if not report.framing:
        return "No referent is named differently by different outlets."
    lines = ["| referent | outlet | terms (count) | example |", "|---|---|---|---|"]
    for framing in report.framing:
        for i, (outlet, terms, example) in enumerate(framing_rows(framing)):
            head = f"**{escape_cell(framing.referent)}** ({framing.kind})" if i == 0 else ""
            lines.append(
                f"| {head} | {escape_cell(outlet)} | {escape_cell(terms)} | {escape_cell(example)} |"
            )
    return "\n".join(lines)


def html_framing(report: Report) -> Markup:
    if not report.framing:
        return Markup('<p class="absent">No referent is named differently by different outlets.</p>')
    parts = [
        Markup(
            '<div class="scroll-x"><table class="framing"><thead><tr><th>referent</th><th>outlet</th>'
            "<th>terms (count)</th><th>example</th></tr></thead><tbody>"
        )
    ]
    for framing in report.framing:
        rows = framing.outlets
        for i, outlet in enumerate(rows):
            parts.append(Markup("<tr>"))
            if i == 0:
                parts.append(
                    Markup(
                        '<th scope="rowgroup" rowspan="{}" id="framing-{}">'
                        '{} <span class="kind">{}</span></th>'
                    ).format(len(rows), framing.id, framing.referent, framing.kind)
                )
            terms = Markup(", ").join(
                Markup("<mark>{}</mark> ×{}").format(t.term, t.count) for t in outlet.terms
            )
            example = next((t for t in outlet.terms if t.example), None)
            parts.append(
                Markup('<td>{} <span class="id">{}</span></td><td>{}</td><td>{}</td></tr>').format(
                    outlet.outlet,
                    outlet.article,
                    terms,
                    highlight_example(report, example.sentence, example.start, example.end)
                    if example
                    else "",
                )
            )
    parts.append(Markup("</tbody></table></div>"))
    return Markup("").join(parts)


def highlight_example(report: Report, sentence_id: str, start: int, end: int) -> Markup:
    """The example sentence, escaped, with the term marked."""
    for article in report.articles:
        for sentence in article.sentences:
            if sentence.id == sentence_id:
                if sentence.start <= start < end <= sentence.end:
                    a, b = start - sentence.start, end - sentence.start
                    return Markup("{}<mark>{}</mark>{}").format(
                        sentence.text[:a], sentence.text[a:b], sentence.text[b:]
                    )
                return Markup("{}").format(sentence.text)
    return Markup("")


# ---------------------------------------------------------------- markers


def markers_by_article(report: Report) -> list[tuple[Article, dict[str, list[Marker]]]]:
    grouped: dict[str, dict[str, list[Marker]]] = defaultdict(lambda: defaultdict(list))
    for marker in report.markers:
        grouped[marker.article][marker.kind].append(marker)
    return [(a, grouped.get(a.id, {})) for a in report.articles]


def summarise_kind(markers: list[Marker], kind: str) -> tuple[list[tuple[str, int]], int]:
    """(word, count) of distinctive markers first, and how many others are shared with other outlets."""
    if kind == "loaded":
        only = Counter(m.text.lower() for m in markers if m.distinctive)
        shared = sum(1 for m in markers if not m.distinctive)
        return only.most_common(), shared
    return Counter(m.text for m in markers).most_common(), 0


def sentence_text(report: Report, sentence_id: str) -> str:
    for article in report.articles:
        for sentence in article.sentences:
            if sentence.id == sentence_id:
                return sentence.text
    return ""


def evidence(report: Report, markers: list[Marker], kind: str) -> list[Marker]:
    """One example marker per distinct word (distinctive ones only for loaded words)."""
    seen: set[str] = set()
    chosen = []
    for marker in markers:
        word = marker.text.lower()
        if word in seen or (kind == "loaded" and not marker.distinctive):
            continue
        seen.add(word)
        chosen.append(marker)
    return chosen


def text_markers(report: Report) -> RenderableType:
    parts: list[RenderableType] = []
    for article, kinds in markers_by_article(report):
        parts.append(plain(f"{name_article(article)}", "bold"))
        if not kinds:
            parts.append(Text("  nothing flagged"))
        for kind, title in MARKER_KINDS:
            items = kinds.get(kind, [])
            if not items:
                continue
            words, shared = summarise_kind(items, kind)
            line = f"  {title}: {describe_terms(words) or 'none only here'}"
            if shared:
                line += f" (+{plural(shared, 'word')} other outlets use too)"
            parts.append(plain(line))
            for marker in evidence(report, items, kind)[:6]:
                parts.append(
                    plain(f"    “{marker.text}” in: {shorten(sentence_text(report, marker.sentence))}", "dim")
                )
                if kind == "attribution" and marker.note:
                    parts.append(plain(f"      {marker.note}", "dim"))
    return Group(*parts)


def markdown_markers(report: Report) -> str:
    lines: list[str] = []
    for article, kinds in markers_by_article(report):
        lines += [f"### {escape_md(name_article(article))}", ""]
        if not kinds:
            lines.append("- nothing flagged")
        for kind, title in MARKER_KINDS:
            items = kinds.get(kind, [])
            if not items:
                continue
            words, shared = summarise_kind(items, kind)
            extra = f" (+{plural(shared, 'word')} other outlets use too)" if shared else ""
            lines.append(f"- **{title}**: {escape_md(describe_terms(words) or 'none only here')}{extra}")
            for marker in evidence(report, items, kind)[:6]:
                note = f" — {escape_md(marker.note)}" if kind == "attribution" and marker.note else ""
                lines.append(
                    f"  - “{escape_md(marker.text)}”: "
                    f"{escape_md(shorten(sentence_text(report, marker.sentence)))}{note}"
                )
        lines.append("")
    sources = [n for n in report.notes if n.startswith("loaded-word lexicon")]
    lines += [f"*{escape_md(n)}*" for n in sources]
    return "\n".join(lines).rstrip()


def html_markers(report: Report) -> Markup:
    parts = [Markup('<div class="cards">')]
    for article, kinds in markers_by_article(report):
        parts.append(
            Markup('<div class="card"><h3>{} <span class="id">{}</span></h3>').format(
                article.label, article.id
            )
        )
        if not kinds:
            parts.append(Markup('<p class="absent">Nothing flagged.</p>'))
        parts.append(Markup('<dl class="markers">'))
        for kind, title in MARKER_KINDS:
            items = kinds.get(kind, [])
            if not items:
                continue
            words, shared = summarise_kind(items, kind)
            extra = (
                Markup(' <span class="shared">(+{} other outlets use too)</span>').format(
                    plural(shared, "word")
                )
                if shared
                else Markup("")
            )
            parts.append(
                Markup("<dt>{}</dt><dd>{}{}<ul>").format(
                    title, describe_terms(words) or "none only here", extra
                )
            )
            for marker in evidence(report, items, kind)[:6]:
                note = (
                    Markup(' <span class="note">{}</span>').format(marker.note)
                    if kind == "attribution" and marker.note
                    else Markup("")
                )
                sentence = next((s for s in article.sentences if s.id == marker.sentence), None)
                quote = (
                    highlight_example(report, marker.sentence, marker.start, marker.end)
                    if sentence
                    else Markup("")
                )
                parts.append(Markup("<li>{}{}</li>").format(quote, note))
            parts.append(Markup("</ul></dd>"))
        parts.append(Markup("</dl></div>"))
    parts.append(Markup("</div>"))
    sources = [n for n in report.notes if n.startswith("loaded-word lexicon")]
    parts += [Markup('<p class="legend">{}</p>').format(n) for n in sources]
    return Markup("").join(parts)


# ---------------------------------------------------------------- entities


def shown_entities(report: Report) -> list[MergedEntity]:
    """Entities reported by two or more outlets, or written in more than one way."""
    return [e for e in report.entities if len(e.outlets) > 1 or len({v.name for v in e.variants}) > 1]


def entity_variants(entity: MergedEntity) -> list[tuple[str, str]]:
    by_outlet: dict[str, list[str]] = defaultdict(list)
    for v in entity.variants:
        by_outlet[f"{v.outlet} ({v.article})"].append(f"{v.name} ×{v.count}")
    return [(outlet, ", ".join(names)) for outlet, names in by_outlet.items()]


def spelling_line(entity: MergedEntity) -> str:
    return "; ".join(
        f"{n.outlet} writes “{n.spelling}” where {', '.join(n.majority_outlets)} write “{n.majority}”"
        for n in entity.spelling_notes
    )


def text_entities(report: Report) -> RenderableType:
    entities = shown_entities(report)
    if not entities:
        return Text("No entity is named by more than one outlet.")
    table = Table()
    for name in ("entity", "label", "variants by outlet", "spelling"):
        table.add_column(name, overflow="fold")
    for e in entities:
        variants = "; ".join(f"{o}: {names}" for o, names in entity_variants(e))
        table.add_row(
            plain(e.name, "bold"), plain(e.label), plain(variants), plain(spelling_line(e), "yellow")
        )
    return table


def markdown_entities(report: Report) -> str:
    entities = shown_entities(report)
    if not entities:
        return "No entity is named by more than one outlet."
    lines = ["| entity | label | variants by outlet | spelling |", "|---|---|---|---|"]
    for e in entities:
        variants = "; ".join(f"{o}: {names}" for o, names in entity_variants(e))
        lines.append(
            f"| {escape_cell(e.name)} | {e.label} | {escape_cell(variants)} "
            f"| {escape_cell(spelling_line(e))} |"
        )
    return "\n".join(lines)


def html_entities(report: Report) -> Markup:
    entities = shown_entities(report)
    if not entities:
        return Markup('<p class="absent">No entity is named by more than one outlet.</p>')
    parts = [
        Markup(
            '<div class="scroll-x"><table class="entities"><thead><tr><th>entity</th><th>label</th>'
            "<th>variants by outlet</th><th>spelling</th></tr></thead><tbody>"
        )
    ]
    for e in entities:
        variants = Markup("<br>").join(Markup("{}: {}").format(o, names) for o, names in entity_variants(e))
        parts.append(
            Markup(
                '<tr id="entity-{}"><th scope="row">{}</th><td>{}</td><td>{}</td>'
                '<td class="spelling">{}</td></tr>'
            ).format(e.id, e.name, e.label, variants, spelling_line(e))
        )
    parts.append(Markup("</tbody></table></div>"))
    return Markup("").join(parts)


CSS = """
table.framing mark, .markers mark { background: #fff3b0; }
table.framing .kind { font-weight: normal; color: #666; font-size: 0.85em; }
.markers .note, .markers .shared { color: #555; font-size: 0.9em; }
table.entities td.spelling { color: #8a4b00; }
"""

SECTIONS = [
    Section(
        key="framing",
        title="Word choice and framing",
        analysed=analysed_when("compare_word_choice", data=lambda r: bool(r.framing)),
        text=text_framing,
        markdown=markdown_framing,
        html=html_framing,
        absent="Word choice was not compared in this report.",
        css=CSS,
    ),
    Section(
        key="markers",
        title="Judgement words: attribution verbs, hedges, scare quotes, loaded terms",
        analysed=analysed_when("flag_judgement_words", data=lambda r: bool(r.markers)),
        text=text_markers,
        markdown=markdown_markers,
        html=html_markers,
        absent="Judgement words were not looked for in this report.",
    ),
    Section(
        key="entities",
        title="Entities and their name variants",
        analysed=analysed_when("match_entities", data=lambda r: bool(r.entities)),
        text=text_entities,
        markdown=markdown_entities,
        html=html_entities,
        absent="Entities were not merged across articles in this report.",
    ),
]
