"""Quotes: direct quotes with their speakers, matched across outlets.

Quote marks are read paragraph by paragraph: curly and straight double marks,
backticks, and single curly or straight marks at the outer level (a single
mark inside a double quote is a nested quote, and an apostrophe such as
"it’s" never closes one). A quote may span sentences. A mark opened again
before it closes, or never closed by the end of the paragraph, is reported as
an article warning and the quote is kept as far as it can be trusted.

A short quote of capitalised words with no attribution (‘Israel’) is a scare
quote around a name, not a quote; single-mark quotes count only when someone
is said to have said them.

The speaker is the subject of the nearest speech verb outside the quote
(`"...," X said`, `X said: "..."`, `X told CNN that "..."`, `said X`), found
with spaCy's dependency parse; "he", "she", "it" and "they" resolve to the
previous named speaker in the article, and a quote that continues the one
before it without a verb of its own takes that quote's speaker.

Across outlets a quote is verbatim (same words, ignoring case, punctuation and
the kind of apostrophe, or the same words inside a longer quote), reworded
(largely the same words: quote drift, shown as a word diff), or a paraphrase
presented as a quote (one outlet quotes words that another states without quote
marks).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

from parallax.analysis.details.quote_matching import (
    _contains,
    _content,
    candidate_pairs,
    compare_quotes,
    find_paraphrases,
    longest_run,
    normalise_words,
    overlap,
    word_diff,
)
from parallax.analysis.details.speakers import SPEECH_VERBS, find_speaker_by_rule
from parallax.analysis.reading.parsing import shared_parser
from parallax.model import (
    Article,
    ArticleWarning,
    AttributionMethod,
    Quote,
    Sentence,
)
from parallax.nlp.article_cache import article_key, code_digest, reuse_per_article
from parallax.nlp.cache import parse_kind
from parallax.stage import Context, stage
from parallax.text.languages import LOCALISED

__all__ = [
    "_contains",
    "_content",
    "candidate_pairs",
    "compare_quote_wording",
    "compare_quotes",
    "extract_quotes",
    "find_paraphrases",
    "is_scare_quote",
    "longest_run",
    "normalise_words",
    "overlap",
    "scan_marks",
    "spacy_parser",
    "word_diff",
]
PRONOUNS = {"he", "she", "they", "it", "we", "i"}
SUBJECT_DEPS = ("nsubj", "nsubjpass")
# Marks: opener -> the closers that end it.
DOUBLE_OPEN = "“„«"
DOUBLE_CLOSE = "”»"
# German opens with „ and closes with “ (or, in books and some papers, »...«); its single
# quotes are ‚...‘. French «...» and Spanish «...» read with the default marks.
GERMAN_DOUBLE_OPEN = "„»"
GERMAN_DOUBLE_CLOSE = "“”«"


@dataclass
class RawQuote:
    open_at: int  # index of the opening mark in the original
    close_at: int | None  # index of the closing mark (None when never closed)
    start: int  # inner text
    end: int
    mark: str  # "double", "back" or "single"


def paragraphs(article: Article) -> list[tuple[int, int]]:
    """(start, end) of each paragraph of the kept text, in original offsets."""
    spans = [(k.start, k.end) for k in article.kept] or [(0, len(article.original))]
    out: list[tuple[int, int]] = []
    for start, end in spans:
        pos = start
        for m in re.finditer(r"\n", article.original[start:end]):
            out.append((pos, start + m.start()))
            pos = start + m.end()
        out.append((pos, end))
    return [(s, e) for s, e in out if article.original[s:e].strip()]


def _is_opening_single(text: str, i: int) -> bool:
    before = text[i - 1] if i > 0 else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    return (before.isspace() or before in "([—–-:;,") and (after.isalnum() or after in "‘'\"“")


def _is_closing_single(text: str, i: int) -> bool:
    after = text[i + 1] if i + 1 < len(text) else " "
    before = text[i - 1] if i > 0 else " "
    return not after.isalnum() and not before.isspace()


def scan_marks(
    text: str, offset: int, warnings: list[ArticleWarning], language: str = "en"
) -> list[RawQuote]:
    """Quotes in one paragraph (``text`` starts at ``offset`` in the original), read with the
    quote marks of ``language``."""
    german = language == "de"
    double_open, double_close = (
        (GERMAN_DOUBLE_OPEN, GERMAN_DOUBLE_CLOSE) if german else (DOUBLE_OPEN, DOUBLE_CLOSE)
    )
    found: list[RawQuote] = []
    mark = ""
    opened = -1
    for i, ch in enumerate(text):
        if not mark:
            if ch in double_open or ch == '"':
                mark, opened = "double", i
            elif ch == "`":
                mark, opened = "back", i
            elif (german and ch == "‚") or (ch in "‘'" and not german and _is_opening_single(text, i)):
                mark, opened = "single", i
            elif ch in double_close:
                warnings.append(
                    ArticleWarning(
                        "garbled-quote",
                        "a closing quote mark with no opening mark",
                        offset + i,
                        offset + i + 1,
                    )
                )
            continue
        if mark == "double":
            if ch in double_close or ch == '"':
                found.append(RawQuote(offset + opened, offset + i, offset + opened + 1, offset + i, mark))
                mark = ""
            elif ch in double_open:
                warnings.append(
                    ArticleWarning(
                        "garbled-quote",
                        "a quote mark opened again before the previous one closed; the first is left out",
                        offset + opened, offset + i,
                    )
                )  # fmt: skip
                opened = i
        elif mark == "back":
            if ch == "`":
                found.append(RawQuote(offset + opened, offset + i, offset + opened + 1, offset + i, mark))
                mark = ""
        elif mark == "single":
            if ch in ("‘" if german else "’'") and _is_closing_single(text, i):
                found.append(RawQuote(offset + opened, offset + i, offset + opened + 1, offset + i, mark))
                mark = ""
            elif ch in double_open or ch == '"':
                mark, opened = "double", i  # the single mark was an apostrophe
    if mark and mark != "single":
        warnings.append(
            ArticleWarning(
                "garbled-quote", "a quote mark is never closed; the quote runs to the end of its paragraph",
                offset + opened, offset + len(text),
            )
        )  # fmt: skip
        found.append(RawQuote(offset + opened, None, offset + opened + 1, offset + len(text.rstrip()), mark))
    return found


def _overlaps(a: ArticleWarning, b: ArticleWarning) -> bool:
    if a.start is None or b.start is None:
        return False
    return a.start <= (b.end if b.end is not None else b.start) and b.start <= (
        a.end if a.end is not None else a.start
    )


def is_scare_quote(words: str) -> bool:
    """One to three capitalised words and no sentence punctuation: a name in quote marks."""
    tokens = words.strip().split()
    if not 1 <= len(tokens) <= 3 or re.search(r"[.!?,;:]$", words.strip()):
        return False
    return all(t[:1].isupper() for t in tokens)


def _sentence_at(sentences: list[Sentence], pos: int) -> Sentence | None:
    for s in sentences:
        if s.start <= pos < s.end:
            return s
    following = [s for s in sentences if s.start >= pos]
    return following[0] if following else (sentences[-1] if sentences else None)


def _subject_phrase(verb: Any, hole: tuple[int, int] = (-1, -1)) -> str:
    """The verb's subject, without appositions, relative clauses or punctuation around it."""
    subjects = [t for t in verb.children if t.dep_ in SUBJECT_DEPS and not hole[0] <= t.idx < hole[1]]
    if not subjects:
        return ""
    head = min(subjects, key=lambda t: abs(t.i - verb.i))
    tokens = [t for t in head.subtree if not hole[0] <= t.idx < hole[1]]
    cut = {t.i for c in head.children if c.dep_ in ("appos", "relcl") for t in c.subtree}
    kept = []
    for t in tokens:
        if t.i > head.i and (t.i in cut or t.text in ",;(—–"):
            break
        kept.append(t)
    starts = [n for n, t in enumerate(kept) if t.i < head.i and t.text in ",;)]\"“”`'‘’:"]
    if starts:
        kept = kept[starts[-1] + 1 :]
    while kept and kept[-1].is_punct:
        kept.pop()
    while kept and kept[0].is_punct:
        kept.pop(0)
    return "".join(t.text_with_ws for t in kept).strip()


def _resolve_in_window(ents: Any, pronoun: str, before: int) -> str:
    """A name before the pronoun in the same window (``ents``: its entities): a person for
    he/she, else an organisation."""
    wanted = ("PERSON",) if pronoun in ("he", "she", "i") else ("ORG", "NORP", "GPE", "PERSON")
    names = [e.text for e in ents if e.label_ in wanted and e.end_char <= before]
    return names[-1] if names else ""


def find_speaker(
    doc: Any, hole: tuple[int, int], entities: Callable[[Any], Any] | None = None
) -> tuple[str, str]:
    """(speaker, verb) from the speech verb nearest to the quote at ``hole`` (char offsets).

    A pronoun subject is replaced by a fitting name earlier in the same window when there is one;
    ``entities(doc)`` gives the window's entities (``doc.ents`` by default), asked only then.
    """
    candidates = []
    for t in doc:
        if t.lower_ not in SPEECH_VERBS or hole[0] <= t.idx < hole[1]:
            continue
        distance = t.idx - hole[1] if t.idx >= hole[1] else hole[0] - (t.idx + len(t.text))
        if t.lower_ == "according":
            objects = [c for p in t.children for c in p.children if p.lower_ == "to" and c.dep_ == "pobj"]
            if objects:
                phrase = " ".join(x.text for x in objects[0].subtree if x.dep_ not in ("appos", "punct"))
                candidates.append((distance, phrase, "according to"))
            continue
        speaker = _subject_phrase(t, hole)
        if speaker.lower() in PRONOUNS:
            ents = entities(doc) if entities is not None else doc.ents
            speaker = _resolve_in_window(ents, speaker.lower(), t.idx) or speaker
        if speaker:
            candidates.append((distance, speaker, t.text.lower()))
    if not candidates:
        return "", ""
    _, speaker, verb = min(candidates, key=lambda c: c[0])
    return speaker, verb


def _placeholder(words: str) -> str:
    """Stands in for the quote while parsing, keeping its closing punctuation."""
    end = words.rstrip()[-1:] if words.strip() else ""
    return ' "That is so," ' if end == "," else ' "That is so." ' if end in ".?!" else ' "that" '


def _reported_speakers(doc: Any) -> list[str]:
    """Subjects of speech verbs in a sentence, e.g. "The official said the pressure ..."."""
    out = []
    for t in doc:
        if t.lower_ in SPEECH_VERBS:
            who = _subject_phrase(t)
            if who and who.lower() not in PRONOUNS:
                out.append(who)
    return out


def _raw_quotes(article: Article) -> tuple[list[RawQuote], list[ArticleWarning]]:
    """The article's quote marks read into raw quotes (scare quotes left out), with mark warnings."""
    original = article.original
    raw: list[RawQuote] = []
    found: list[ArticleWarning] = []
    for start, end in paragraphs(article):
        raw += scan_marks(original[start:end], start, found, article.language)
    raw = [
        r
        for r in raw
        if re.search(r"\w", original[r.start : r.end]) and not is_scare_quote(original[r.start : r.end])
    ]
    return raw, found


def _quote_window(article: Article, raw: list[RawQuote], n: int) -> tuple[str, tuple[int, int], int, int]:
    """The text parsed to find quote ``n``'s speaker (the quote replaced by a stand-in),
    the stand-in's (start, end) in it, and where the window starts and ends in the original."""
    original = article.original
    rq = raw[n]
    words = original[rq.start : rq.end].strip()
    first = _sentence_at(article.sentences, rq.start)
    last = _sentence_at(article.sentences, max(rq.start, rq.end - 1))
    lo = first.start if first else max(0, rq.open_at - 200)
    hi = last.end if last else min(len(original), rq.end + 200)
    lo = max([lo] + [r.close_at + 1 for r in raw[:n] if r.close_at is not None and r.close_at < rq.open_at])
    hi = min([hi] + [r.open_at for r in raw[n + 1 :] if r.open_at > (rq.close_at or rq.end)])
    close = (rq.close_at + 1) if rq.close_at is not None else rq.end
    stand_in = _placeholder(words)
    window = original[lo : rq.open_at] + stand_in + original[close:hi]
    return window, (rq.open_at - lo, rq.open_at - lo + len(stand_in)), lo, hi


def quote_windows(article: Article) -> list[str]:
    """Every text ``extract_quotes`` parses for the article's quotes (for batched parsing)."""
    raw, _ = _raw_quotes(article)
    return [_quote_window(article, raw, n)[0] for n in range(len(raw))]


def add_mark_warnings(article: Article) -> list[RawQuote]:
    """Put the warnings about the article's quote marks on it (unless the damage stage flagged
    the same marks already); returns its raw quotes."""
    raw, found = _raw_quotes(article)
    for w in found:
        if not any(_overlaps(w, old) for old in article.warnings if old.kind == w.kind):
            article.warnings.append(w)
    return raw


def extract_quotes(
    article: Article,
    parse: Callable[[str], Any],
    start_id: int = 1,
    *,
    parse_window: Callable[[str], Any] | None = None,
    entities: Callable[[Any], Any] | None = None,
) -> list[Quote]:
    """Direct quotes in an article with their speakers; warnings go on the article.

    ``parse_window`` parses the window around a quote (``parse`` by default); it may leave out
    entities when ``entities(doc)`` gives them on demand (``SharedParser.parse_bare`` and
    ``SharedParser.entities``)."""
    original = article.original
    raw = add_mark_warnings(article)
    sentences = article.sentences
    quotes: list[Quote] = []
    last_speaker = ""  # the previous named speaker, for "he said"
    last_sentence_end = -1
    for n, rq in enumerate(raw):
        words = original[rq.start : rq.end].strip()
        first = _sentence_at(sentences, rq.start)
        window, hole, lo, hi = _quote_window(article, raw, n)
        if article.language in LOCALISED:  # the parse is English: the language's speech verbs by rule
            speaker, verb = find_speaker_by_rule(original, rq.open_at, rq.close_at, article.language)
        else:
            speaker, verb = find_speaker((parse_window or parse)(window), hole, entities)
        how = "pattern" if speaker else "none"
        if speaker and speaker.lower() in PRONOUNS:
            previous = _previous_speaker(article, first, parse) or last_speaker
            speaker, how = (previous, "pronoun") if previous else (speaker, "pattern")
        if not speaker and quotes and quotes[-1].speaker and last_sentence_end >= lo - 2:
            speaker, verb, how = quotes[-1].speaker, quotes[-1].verb, "previous"
        if rq.mark == "single" and how == "none":
            continue  # single marks without a speaker are titles and scare quotes
        quotes.append(
            Quote(
                id=f"q{start_id + len(quotes)}", article=article.id,
                sentence=first.id if first else "", text=words,
                start=rq.end - len(original[rq.start : rq.end].lstrip()),
                end=rq.start + len(original[rq.start : rq.end].rstrip()),
                speaker=speaker or None, verb=verb, attribution=cast(AttributionMethod, how),
                complete=rq.close_at is not None,
            )
        )  # fmt: skip
        if speaker and how == "pattern":
            last_speaker = speaker
        last_sentence_end = hi
    return quotes


def _previous_speaker(article: Article, sentence: Sentence | None, parse: Callable[[str], Any]) -> str:
    """The subject of the last speech verb, or the last person named, in the two sentences before."""
    if sentence is None:
        return ""
    earlier = [s for s in article.sentences if s.end <= sentence.start][-2:]
    for s in reversed(earlier):
        found = _reported_speakers(parse(s.text))
        if found:
            return found[-1]
        people = [e.text for e in s.entities if e.label == "PERSON"]
        if people:
            return people[-1]
    return ""


def spacy_parser(name: str) -> Callable[[str], Any]:
    from parallax.nlp.pretrained import load_spacy

    nlp = load_spacy(name)
    return lambda text: nlp(text)


@stage(
    requires=("article.kept", "article.sentences", "article.outlet", "article.warnings"),
    provides=("report.quotes", "report.quote_matches", "article.warnings"),
)
def compare_quote_wording(ctx: Context) -> None:
    """Direct quotes with speakers, and the same quote across outlets."""
    report = ctx.report
    parser = shared_parser(ctx)
    articles = report.articles

    def extract(positions: list[int]) -> list[list[Quote]]:
        # The windows' dependency parses, without entities (asked only to resolve a pronoun);
        # French, German and Spanish speakers are found by rule, without a parse.
        parser.prefetch_bare(
            window
            for n in positions
            if articles[n].language not in LOCALISED
            for window in quote_windows(articles[n])
        )
        return [
            extract_quotes(
                articles[n], parser.parse, parse_window=parser.parse_bare, entities=parser.entities
            )
            for n in positions
        ]

    kind = f"quotes:{parse_kind(parser.nlp)}:{code_digest()}"
    keys = [article_key(article, parser) for article in articles]
    report.quotes = []
    found_quotes = reuse_per_article(ctx.resources.cache, kind, keys, extract, Quote)
    for article, found in zip(articles, found_quotes, strict=True):
        add_mark_warnings(article)  # extract_quotes adds them too: once either way
        for quote in found:  # numbered across the story, as if extracted in one pass
            quote.id = f"q{len(report.quotes) + 1}"
            report.quotes.append(quote)
    report.quote_matches = compare_quotes(report, cache=ctx.resources.cache)
