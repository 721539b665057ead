"""Page furniture out of the analysed text (pipeline stage 1: ``clean_articles``).

The original text is read line by line (a line being a paragraph, or a piece of
one in hard-wrapped files). Each line is kept, removed whole, or has a piece cut
from its start (a dateline or outlet tag) or its end (an agency tag, a photo
credit). What is kept becomes ``Article.kept``: spans of ``Article.original``,
in order. ``Article.text`` is those spans joined by a blank line (see
``parallax.clean.normalise.join_spans``); a hard-wrapped paragraph whose next
line starts in lower case stays one span.

Every removal is listed in ``Article.removed`` with its reason (the constants in
``parallax.clean.rules``). Captions also go to ``Article.captions``, syndication
notices to ``Article.provenance``, and outlet tags and datelines fill
``Article.outlet`` / ``Article.published`` when those are missing.

Reporting is never dropped on a guess: when in doubt a line is kept.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import cast

from parallax.clean import rules
from parallax.clean.normalise import join_spans
from parallax.ingest.common import parse_date
from parallax.model import Article, ArticleWarning, Caption, RemovalReason, Removed, Span
from parallax.stage import Context, stage

# Lines of at least this many words count as reporting when locating the article's end.
REPORTING_MIN_WORDS = 8
# The dateline is looked for in the first kept line among this many leading lines.
DATELINE_WITHIN = 4


@dataclass
class Line:
    """One non-blank line of the original: its stripped text and where it lies."""

    start: int
    end: int
    text: str
    blank_before: bool
    key: str = ""  # rules.line_key(text): how repeats and titles are compared


@dataclass
class Page:
    """What the per-line rules need to know about the whole article."""

    lines: list[Line]
    wrapped: bool  # paragraphs are hard-wrapped over several lines
    title_key: str  # rules.line_key of the title ('' when none)
    last_reporting: int  # index of the last line long enough to be reporting (-1: none)


@stage(
    requires=("report.articles", "article.outlet", "article.published", "article.warnings"),
    provides=(
        "article.outlet",
        "article.text",
        "article.kept",
        "article.removed",
        "article.captions",
        "article.provenance",
        "article.published",
        "article.warnings",
    ),
)
def clean_articles(ctx: Context) -> None:
    """Take page furniture out of every article's body, listing each removal with its reason."""
    for article in ctx.report.articles:
        clean_article(article)


def clean_article(article: Article) -> None:
    """Fill kept, text, removed, captions, provenance (and missing outlet/published) of one article."""
    article.kept, article.removed, article.captions = [], [], []
    lines = split_lines(article.original)
    wrapped = is_hard_wrapped(lines)
    title_key = rules.line_key(article.title) if article.title else ""
    page = Page(lines, wrapped, title_key, _last_reporting_line(lines))
    verdicts = [_classify_whole(article, page, i) for i in range(len(lines))]
    verdicts = _mark_repeats(lines, verdicts)
    if all(v is not None for v in verdicts):
        # Nothing left: headline-shaped lines might be the whole story; keep them rather than lose it.
        verdicts = [None if v == rules.HEADLINE_ONLY_LINE else v for v in verdicts]
    pieces: list[tuple[int, int]] = []  # kept (start, end) per line, before merging
    kept_index = [i for i, v in enumerate(verdicts) if v is None]
    for i, line in enumerate(lines):
        reason = verdicts[i]
        if reason is not None:
            _remove(article, line.start, line.end, reason)
            continue
        start, end = line.start, line.end
        if kept_index and i == kept_index[0] and i < DATELINE_WITHIN + _leading_removed(verdicts):
            start = _cut_dateline(article, line)
        if kept_index and i == kept_index[-1]:
            end = _cut_tail(article, line, start)
        else:
            end = _cut_credit(article, line, start)
        if end > start:
            pieces.append((start, end))
    article.removed.sort(key=lambda r: r.start)
    article.kept = _merge_wrapped(article.original, pieces, wrapped)
    article.text = join_spans(article.kept)
    if not article.kept and not any(w.kind == "no-body" for w in article.warnings):
        article.warnings.append(ArticleWarning("no-body", "no body text left after removing page furniture"))


def split_lines(text: str) -> list[Line]:
    """The non-blank lines of a text, stripped, with their offsets."""
    lines: list[Line] = []
    position = 0
    blank = True
    for raw in text.split("\n"):
        stripped = raw.strip()
        if stripped:
            start = position + (len(raw) - len(raw.lstrip()))
            lines.append(Line(start, start + len(stripped), stripped, blank, rules.line_key(stripped)))
            blank = False
        else:
            blank = True
        position += len(raw) + 1
    return lines


def is_hard_wrapped(lines: list[Line]) -> bool:
    """True when paragraphs run over several lines (most lines followed by another end mid-sentence)."""
    followed = [lines[i].text for i in range(len(lines) - 1) if not lines[i + 1].blank_before]
    if len(followed) < 3:
        return False
    open_ended = sum(1 for text in followed if _unpunctuated(text))
    return open_ended >= 0.5 * len(followed)


def _classify_whole(article: Article, page: Page, i: int) -> str | None:
    """The reason a whole line is furniture, or None to keep it (or part of it)."""
    lines, text = page.lines, page.lines[i].text
    if page.title_key and lines[i].key == page.title_key:
        return rules.TITLE if i == 0 else rules.REPEATED_HEADLINE
    if rules.is_comment_form(text):
        return rules.COMMENT_FORM
    if rules.is_related_link(text):
        return rules.RELATED_LINK
    if rules.is_syndication_notice(text):
        if text not in article.provenance:
            article.provenance.append(text)
        outlet = rules.find_syndication_outlet(text)
        if outlet and not article.outlet:
            article.outlet = outlet
        return rules.SYNDICATION_NOTICE
    caption = rules.classify_caption(text)
    if caption and caption[1] == 0:
        return caption[0]
    if i < DATELINE_WITHIN:
        date = rules.is_date_line(text)
        if date:
            _set_published(article, date)
            return rules.DATELINE
    if i > page.last_reporting:
        tag = rules.match_tag_line(text)
        if tag:
            if tag.outlet and not article.outlet:
                article.outlet = tag.outlet
            return rules.OUTLET_TAG
    if rules.looks_like_headline(text) and not _continues(lines, i, page.wrapped):
        return rules.HEADLINE_ONLY_LINE
    return None


def _mark_repeats(lines: list[Line], verdicts: list[str | None]) -> list[str | None]:
    """Headline-shaped lines that occur more than once are repeated headlines, wherever they are."""
    counts = Counter(line.key for line in lines)
    marked = list(verdicts)
    for i, line in enumerate(lines):
        if marked[i] not in (None, rules.HEADLINE_ONLY_LINE):
            continue
        if counts[line.key] > 1 and _unpunctuated(line.text) and len(line.text.split()) <= 25:
            marked[i] = rules.REPEATED_HEADLINE
    return marked


def _cut_dateline(article: Article, line: Line) -> int:
    """Remove a dateline or outlet tag opening the first kept line; return where the body starts."""
    found = rules.match_dateline(line.text)
    if found is None:
        return line.start
    cut = line.start + found.length
    _remove(article, line.start, cut, found.reason)
    if found.outlet and not article.outlet:
        article.outlet = found.outlet
    if found.date:
        _set_published(article, found.date)
    return cut


def _cut_tail(article: Article, line: Line, start: int) -> int:
    """Remove an agency tag or photo credit closing the last kept line; return where the body ends."""
    offset = start - line.start
    suffix = rules.match_tag_suffix(line.text[offset:])
    if suffix is None:
        return _cut_credit(article, line, start)
    cut = start + suffix.start
    _remove(article, cut, line.end, rules.OUTLET_TAG)
    if not article.outlet:
        article.outlet = suffix.outlet
    return cut


def _cut_credit(article: Article, line: Line, start: int) -> int:
    """Remove a photo credit closing a long paragraph; return where the body ends."""
    offset = start - line.start
    caption = rules.classify_caption(line.text[offset:])
    if caption is None or caption[1] == 0:
        return line.end
    cut = start + caption[1]
    _remove(article, cut, line.end, rules.PHOTO_CREDIT)
    return cut


def _remove(article: Article, start: int, end: int, reason: str) -> None:
    text = article.original[start:end]
    lead = len(text) - len(text.lstrip())
    trail = len(text) - len(text.rstrip())
    start, end = start + lead, end - trail
    if end <= start:
        return
    article.removed.append(Removed(article.original[start:end], cast(RemovalReason, reason), start, end))
    if reason in (rules.CAPTION, rules.PHOTO_CREDIT):
        article.captions.append(Caption(article.original[start:end], start, end))


def _merge_wrapped(original: str, pieces: list[tuple[int, int]], wrapped: bool) -> list[Span]:
    """Spans from kept pieces; a piece going on at the very next line joins it.

    In a hard-wrapped text every adjacent line goes on; elsewhere only a line that
    starts in lower case does (each line is otherwise its own paragraph).
    """
    merged: list[list[int]] = []
    for start, end in pieces:
        if merged:
            gap = original[merged[-1][1] : start]
            if gap.strip() == "" and gap.count("\n") == 1 and (wrapped or original[start].islower()):
                merged[-1][1] = end
                continue
        merged.append([start, end])
    return [Span(s, e, original[s:e]) for s, e in merged]


def _continues(lines: list[Line], i: int, wrapped: bool) -> bool:
    """True when line i is part of a paragraph that runs over several lines."""
    joined_to_next = i + 1 < len(lines) and not lines[i + 1].blank_before
    if joined_to_next and (wrapped or lines[i + 1].text[:1].islower()):
        return True
    return wrapped and i > 0 and not lines[i].blank_before and _unpunctuated(lines[i - 1].text)


def _last_reporting_line(lines: list[Line]) -> int:
    for i in range(len(lines) - 1, -1, -1):
        if len(lines[i].text.split()) >= REPORTING_MIN_WORDS:
            return i
    return -1


def _leading_removed(verdicts: list[str | None]) -> int:
    count = 0
    for verdict in verdicts:
        if verdict is None:
            break
        count += 1
    return count


def _unpunctuated(text: str) -> bool:
    bare = re.sub(r"[\s\d\"'“”‘’)\]*]+$", "", text)
    return bool(bare) and bare[-1] not in ".!?…:;,"


def _set_published(article: Article, value: str) -> None:
    if article.published:
        return
    iso = parse_date(value)
    if iso:
        article.published = iso
