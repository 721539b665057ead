"""Words that carry judgement, flagged per article with offsets into the original text.

* attribution verbs that judge the speaker ("claimed", "admitted", "insisted") where a
  neutral report writes "said";
* hedges that distance the writer from a statement ("reportedly", "allegedly");
* scare quotes around names ("‘Israel’");
* loaded or emotive words, from a lexicon with a documented source (see parallax.lexicons).

Words inside direct quotations belong to the speaker, not the outlet, so attribution
verbs, hedges and loaded words inside them are not flagged.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence

from parallax.analysis.wording.entities import name_key, strip_marks
from parallax.lexicons import (
    LoadedLexicon,
    load_attribution_verbs,
    load_hedges,
    load_loaded_lexicon,
)
from parallax.model import Article, Claim, Marker, MarkerKind, MergedEntity, Sentence
from parallax.nlp.article_cache import article_key, code_digest, reuse_per_article
from parallax.stage import Context, stage

WORD_SPAN = re.compile(r"[A-Za-z]+(?:[-'’][A-Za-z]+)*")
# A direct quotation: double marks (straight, curly, low) or backticks around several words.
QUOTATION = re.compile(r"[\"“”„«`][^\"“”„«»`]{12,}?[\"“”»`´’]")
# A short quoted stretch: an opening mark after a non-word character, 1-40 characters,
# an optional possessive, then a closing mark not followed by a letter pair.
SHORT_QUOTE = re.compile(r"(?<![\w’'])([‘“\"'`])([^‘’“”\"'`\n]{1,40}?(?:[’']s)?)([’”\"'`´])(?![A-Za-z]{2})")
PAIRS = {"‘": "’'", "“": '”"', '"': '"”', "'": "'’", "`": "`'’´"}
# Words before an attribution verb's form that make it a noun ("the claims", "false claims").
NOUN_BEFORE = frozenset(
    {
        "the",
        "a",
        "an",
        "his",
        "her",
        "their",
        "its",
        "our",
        "your",
        "these",
        "those",
        "this",
        "that",
        "such",
        "false",
        "many",
        "some",
        "any",
        "no",
        "of",
        "new",
        "earlier",
        "previous",
        "unfounded",
        "baseless",
    }
)
NAME_LABELS = frozenset({"PERSON", "ORG", "NORP", "GPE", "LOC", "FAC", "EVENT"})


def quotation_spans(text: str) -> list[tuple[int, int]]:
    """Character spans (into ``text``) of direct quotations."""
    return [(m.start(), m.end()) for m in QUOTATION.finditer(text)]


def inside(spans: Iterable[tuple[int, int]], start: int, end: int) -> bool:
    return any(s <= start and end <= e for s, e in spans)


def article_words(article: Article) -> Counter[str]:
    """Lower-case word counts of an article's sentences."""
    counts: Counter[str] = Counter()
    for sentence in article.sentences:
        counts.update(w.lower().replace("’", "'") for w in WORD_SPAN.findall(sentence.text))
    return counts


def find_hedges(article: Article) -> list[Marker]:
    """Hedge words and phrases outside direct quotations."""
    markers: list[Marker] = []
    patterns = [
        (
            h,
            re.compile(
                r"(?<![\w-])" + r"[\s-]+".join(map(re.escape, re.split(r"[\s-]", h))) + r"(?![\w-])", re.I
            ),
        )
        for h in load_hedges()
    ]
    for sentence in article.sentences:
        quotes = quotation_spans(sentence.text)
        taken: list[tuple[int, int]] = []
        for hedge, pattern in patterns:
            for m in pattern.finditer(sentence.text):
                if inside(quotes, m.start(), m.end()) or any(s < m.end() and m.start() < e for s, e in taken):
                    continue
                taken.append((m.start(), m.end()))
                markers.append(
                    make_marker(
                        "hedge", article, sentence, m.start(), m.end(), f"hedge '{hedge}'", "hedges.txt"
                    )
                )
    return markers


def find_attribution_verbs(article: Article, judgement_only: bool = False) -> list[Marker]:
    """Attribution verbs (neutral and judgement-laden) used as verbs, outside quotations."""
    verbs = load_attribution_verbs()
    markers: list[Marker] = []
    for sentence in article.sentences:
        quotes = quotation_spans(sentence.text)
        words = list(WORD_SPAN.finditer(sentence.text))
        for i, m in enumerate(words):
            verb = verbs.get(m.group().lower())
            if verb is None or (judgement_only and not verb.judgement) or inside(quotes, m.start(), m.end()):
                continue
            before = words[i - 1].group().lower() if i else ""
            after = words[i + 1].group().lower() if i + 1 < len(words) else ""
            if before in NOUN_BEFORE or after == "of":
                continue  # used as a noun: "the claims of", "false claims"
            kind: MarkerKind = "attribution" if verb.judgement else "attribution-neutral"
            note = f"'{m.group()}' ({verb.lemma}) judges the statement" if verb.judgement else "neutral"
            markers.append(make_marker(kind, article, sentence, m.start(), m.end(), note, "attribution.tsv"))
    return markers


def find_scare_quotes(article: Article, names: set[str]) -> list[Marker]:
    """Quote marks around a name ("‘Israel’"), not around a whole heading or quotation."""
    markers: list[Marker] = []
    for sentence in article.sentences:
        entity_keys = {name_key(strip_marks(e.text)) for e in sentence.entities if e.label in NAME_LABELS}
        for m in SHORT_QUOTE.finditer(sentence.text):
            opening, content, closing = m.group(1), m.group(2), m.group(3)
            if closing not in PAIRS.get(opening, ""):
                continue
            if len(content.split()) > 4 or not content[:1].isupper():
                continue
            if m.group().strip() == sentence.text.strip().rstrip(".").strip():
                continue  # the whole sentence is quoted: a heading or a quotation
            key = name_key(strip_marks(content))
            if key not in names and key not in entity_keys:
                continue
            note = f"'{strip_marks(content)}' put in quote marks"
            markers.append(
                make_marker(
                    "scare-quote", article, sentence, m.start(), m.end(), note, "quote marks around a name"
                )
            )
    return markers


def find_loaded_words(article: Article, lexicon: LoadedLexicon) -> list[Marker]:
    """Loaded or emotive words outside quotations and names."""
    markers: list[Marker] = []
    for sentence in article.sentences:
        quotes = quotation_spans(sentence.text)
        names = [
            (e.start - sentence.start, e.end - sentence.start)
            for e in sentence.entities
            if e.label in NAME_LABELS
        ]
        for m in WORD_SPAN.finditer(sentence.text):
            source = lexicon.source_of(m.group().replace("’", "'"))
            if source is None or inside(quotes, m.start(), m.end()) or inside(names, m.start(), m.end()):
                continue
            markers.append(
                make_marker("loaded", article, sentence, m.start(), m.end(), "loaded or emotive word", source)
            )
    return markers


def make_marker(
    kind: MarkerKind, article: Article, sentence: Sentence, start: int, end: int, note: str, source: str
) -> Marker:
    """A marker at sentence-relative offsets, stored with offsets into the original."""
    begin, finish = sentence.start + start, sentence.start + end
    return Marker(
        kind=kind,
        text=article.original[begin:finish],
        article=article.id,
        sentence=sentence.id,
        start=begin,
        end=finish,
        note=note,
        source=source,
    )


def known_names(entities: Sequence[MergedEntity]) -> set[str]:
    """Comparison keys of every name variant of every merged entity."""
    return {name_key(strip_marks(v.name)) for e in entities for v in e.variants} | {
        name_key(e.name) for e in entities
    }


def describe_alternatives(
    marker: Marker,
    claims_of: dict[str, list[Claim]],
    neutral: dict[str, list[Marker]],
    outlet_of: dict[str, str],
) -> str:
    """What other outlets write where this article uses a judgement-laden verb."""
    others: Counter[str] = Counter()
    outlets: set[str] = set()
    for claim in claims_of.get(marker.sentence, []):
        for mention in claim.mentions:
            if mention.article == marker.article:
                continue
            for other in neutral.get(mention.sentence, []):
                others[other.text.lower()] += 1
                outlets.add(outlet_of[mention.article])
    if others:
        words = ", ".join(f"'{w}'" for w, _n in others.most_common(3))
        return f"{marker.note}; for the same statement {', '.join(sorted(outlets))} write {words}"
    return marker.note


def find_article_markers(article: Article, lexicon: LoadedLexicon) -> list[Marker]:
    """The markers that depend on the article alone: attribution verbs (neutral ones too),
    hedges and loaded words, in that order."""
    return find_attribution_verbs(article) + find_hedges(article) + find_loaded_words(article, lexicon)


def flag_markers(
    articles: Sequence[Article],
    entities: Sequence[MergedEntity] = (),
    claims: Sequence[Claim] = (),
    lexicon: LoadedLexicon | None = None,
    own: Sequence[list[Marker]] | None = None,
) -> list[Marker]:
    """All markers of all articles, in article and text order. ``own``: each article's
    ``find_article_markers``, when the caller has them."""
    lexicon = lexicon if lexicon is not None else load_loaded_lexicon()
    if own is None:
        own = [find_article_markers(article, lexicon) for article in articles]
    names = known_names(entities)
    words = {a.id: article_words(a) for a in articles}
    outlet_of = {a.id: a.label for a in articles}
    claims_of: dict[str, list[Claim]] = defaultdict(list)
    for claim in claims:
        for mention in claim.mentions:
            claims_of[mention.sentence].append(claim)
    found: list[Marker] = []
    neutral: dict[str, list[Marker]] = defaultdict(list)
    per_article: dict[str, list[Marker]] = {}
    for article, markers in zip(articles, own, strict=True):
        for verb in markers:
            if verb.kind == "attribution-neutral":
                neutral[verb.sentence].append(verb)
        per_article[article.id] = (
            [m for m in markers if m.kind in ("attribution", "hedge")]
            + find_scare_quotes(article, names)
            + [m for m in markers if m.kind == "loaded"]
        )
    for article in articles:
        for marker in per_article[article.id]:
            word = marker.text.lower().replace("’", "'")
            marker.distinctive = len(articles) > 1 and not any(
                words[other.id][word] for other in articles if other.id != article.id
            )
            if marker.kind == "attribution":
                marker.note = describe_alternatives(marker, claims_of, neutral, outlet_of)
            found.append(marker)
    found.sort(key=lambda m: ([a.id for a in articles].index(m.article), m.start, m.kind))
    return found


@stage(
    requires=(
        "article.sentences",
        "article.outlet",
        "sentence.entities",
        "report.entities",
        "report.claims",
        "report.notes",
    ),
    provides=("report.markers", "report.notes"),
)
def flag_judgement_words(ctx: Context) -> None:
    """Judgement-laden attribution verbs, hedges, scare quotes and loaded words per article."""
    lexicon = ctx.resources.lexicon
    report = ctx.report
    articles = report.articles
    kind = f"markers:{code_digest()}"
    options = ctx.options
    settings = [options.loaded_threshold, options.use_babe, options.babe_path]
    keys = [
        article_key(a, None, [e for s in a.sentences for e in s.entities], lexicon.sources, settings)
        for a in articles
    ]
    own = reuse_per_article(
        ctx.resources.cache,
        kind,
        keys,
        lambda wanted: [find_article_markers(articles[n], lexicon) for n in wanted],
        Marker,
    )
    report.markers = flag_markers(articles, report.entities, report.claims, lexicon, own)
    for line in lexicon.sources:
        note = f"loaded-word lexicon: {line}"
        if note not in report.notes:
            report.notes.append(note)
