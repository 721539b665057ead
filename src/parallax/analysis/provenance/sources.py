"""Cited sources: whom each article attributes its information to.

Four kinds of source, found sentence by sentence with attribution patterns:

* ``outlet``: another outlet or agency ("Bloomberg reported", "told CNN",
  "according to Reuters", "cited by CNN");
* ``person``: a named person next to an attribution verb ("Ben LaBolt said",
  "said Jonathan Panikoff"), from spaCy's PERSON entities where the sentence
  stage found them, else from capitalised names;
* ``institution``: a named body that speaks ("the White House said",
  "the United Nations said");
* ``anonymous``: unnamed people ("sources familiar with the negotiations",
  "a U.S. official said", "one unnamed NATO defense minister").

Each article then gets the share of its sentences (here) and of its claims
(``share_by_claims``, once claims exist) that are named-sourced, anonymous or
unattributed. A sentence that names an outlet or person counts as named even
when that outlet itself relied on anonymous sources.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from importlib import resources

from parallax.model import (
    Article,
    CitedSource,
    Claim,
    Report,
    Sentence,
    SourceKind,
    SourcingBasis,
    SourcingShare,
    Span,
)
from parallax.stage import Context, stage

# A capitalised name: words starting with a capital (or digits), joined by a few small words.
_CAP = r"[A-Z][\w.&'’\-]*"
NAME = rf"{_CAP}(?:\s+(?:of\s+|the\s+|for\s+|de\s+|al[-\s])?{_CAP}){{0,5}}"
_POSSESSIVE_NAME = rf"(?:{_CAP}[’']s\s+)?{NAME}"
MEDIA_WORDS = frozenset(
    [
        "news",
        "times",
        "post",
        "journal",
        "radio",
        "tv",
        "television",
        "agency",
        "press",
        "herald",
        "gazette",
        "tribune",
        "telegraph",
        "channel",
        "network",
        "daily",
        "magazine",
        "wire",
        "broadcasting",
        "broadcaster",
        "newspaper",
        "outlet",
        "observer",
        "chronicle",
        "review",
        "express",
        "mirror",
        "mail",
        "sun",
        "standard",
        "bulletin",
        "dispatch",
        "insider",
    ]
)
SPEECH = (
    r"(?:said|says|say|told|tells|stated|added|adds|announced|confirmed|claimed|noted|wrote|explained|"
    r"insisted|warned|responded|replied)"
)
REPORT = r"(?:reported|reports|reporting|cited|quoted|said in a report|wrote|revealed|published)"

# Outlet cues; group "name" is the cited outlet.
OUTLET_CUES = [
    re.compile(
        rf"(?P<name>{NAME})(?:\s+(?:news\s+agency|news\s+service|newspaper|agency|reported\s+on))?,?\s+{REPORT}\b"
    ),
    re.compile(rf"\baccording\s+to\s+(?:the\s+)?(?P<name>{_POSSESSIVE_NAME})"),
    re.compile(
        rf"\b(?:told|tells|telling|speaking\s+to|in\s+an\s+interview\s+with|cited\s+by|quoted\s+by)\s+(?:the\s+)?(?P<name>{_POSSESSIVE_NAME})"
    ),
]
# Named speakers next to an attribution verb.
PERSON_CUES = [
    re.compile(rf"(?P<name>(?:(?:Mr|Mrs|Ms|Dr)\.?\s+)?{NAME})(?:,[^,]{{3,80}},)?\s+{SPEECH}\b"),
    re.compile(rf"\b{SPEECH}\s+(?:[a-z][\w\-]*\s+){{0,6}}?(?P<name>{NAME})"),
]
ANONYMOUS_CUES = [
    re.compile(
        r"\b(?:(?:multiple|two|three|four|several|some|many|other)\s+)?"
        r"(?:sources?|people|persons?|officials?|diplomats?|insiders?)\s+"
        r"(?:familiar|close|knowledgeable|briefed|with\s+(?:direct\s+)?knowledge|who\s+(?:asked|spoke|requested|declined))"
        r"(?:\s+with\s+the\s+[\w\-’']+(?:\s+[\w\-’']+)?)?",
        re.I,
    ),
    re.compile(
        r"\b(?:knowledgeable|informed|unnamed|anonymous|unidentified)\s+(?:[\w.\-]+\s+){0,3}?"
        r"(?:sources?|officials?|diplomats?|ministers?|people|persons?|person)\b",
        re.I,
    ),
    re.compile(
        r"\b(?:[Aa]n?|[Oo]ne|[Tt]wo|[Ss]everal|[Tt]he|[Aa]nother|[Aa]\s+second|[Tt]he\s+first)\s+"
        r"(?:(?:senior|top|former|defen[cs]e|government|administration|security|intelligence|military|"
        r"[A-Z][\w.]*)\s+){0,3}(?:sources?|officials?|diplomats?|minister|person|people)\s+" + SPEECH + r"\b"
    ),
    re.compile(r"\b(?:[Ss]ources|[Oo]fficials)\s+(?:said|say|says|told)\b"),
    re.compile(r"\bon\s+condition\s+of\s+anonymity\b", re.I),
]
BODY_WORDS = frozenset(
    [
        "nations",
        "brigades",
        "ministry",
        "office",
        "house",
        "council",
        "department",
        "army",
        "forces",
        "government",
        "party",
        "movement",
        "committee",
        "union",
        "organization",
        "organisation",
        "agency",
        "authority",
        "authorities",
        "court",
        "police",
        "military",
        "ministers",
        "command",
        "bank",
        "fund",
        "commission",
        "parliament",
        "congress",
        "senate",
        "assembly",
        "embassy",
        "administration",
        "pentagon",
        "kremlin",
        "cabinet",
        "corps",
        "guard",
        "guards",
        "group",
        "state",
        "states",
    ]
)
# "the port authority said", "the Israeli army said": a body named in lower case.
INSTITUTION_CUE = re.compile(rf"\b[Tt]he\s+(?P<name>(?:[\w’'\-]+\s+){{0,3}}(?P<body>[a-z]+))\s+{SPEECH}\b")
NOT_NAMES = frozenset(
    [
        "the",
        "a",
        "an",
        "he",
        "she",
        "they",
        "it",
        "we",
        "i",
        "this",
        "that",
        "these",
        "those",
        "but",
        "and",
        "however",
        "though",
        "asked",
        "reporters",
        "officials",
        "sources",
        "mr",
        "mrs",
        "ms",
        "dr",
        "friday",
        "saturday",
        "sunday",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
        "in",
        "on",
        "at",
        "as",
        "after",
        "before",
        "when",
        "while",
        "since",
        "washington",
    ]
)


@cache
def load_outlets() -> frozenset[str]:
    """Outlet and agency names (lower case, without a leading "the")."""
    text = resources.files("parallax.lexicons").joinpath("outlets.txt").read_text(encoding="utf-8")
    names = (line.strip() for line in text.splitlines())
    return frozenset(bare_name(n) for n in names if n and not n.startswith("#"))


def bare_name(name: str) -> str:
    """A name without a possessive, a leading "the" and case, for comparing outlet names."""
    name = re.sub(r"[’']s$", "", name.strip().rstrip(".,;:"))
    return re.sub(r"^the\s+", "", name, flags=re.I).strip().lower()


def is_outlet(name: str) -> bool:
    """True for a known outlet or agency, or a name ending in a media word ("Army Radio")."""
    bare = bare_name(name)
    if not bare:
        return False
    outlets = load_outlets()
    words = bare.split()
    if bare in outlets or (words[0] in outlets and len(words) <= 2 and words[-1] in MEDIA_WORDS | {"news"}):
        return True
    # "Israel's Army Radio", "the Qatari news agency": the last word says what it is.
    return words[-1] in MEDIA_WORDS and len(words) >= 2


def _clean_name(name: str) -> str:
    name = name.strip().rstrip(".,;:’'")
    words = name.split()
    while words and words[0].lower() in NOT_NAMES:
        words.pop(0)
    while words and words[-1].lower() in NOT_NAMES:
        words.pop()
    return " ".join(words)


def _person_names(sentence: Sentence) -> list[tuple[str, int, int]]:
    return [(e.text, e.start, e.end) for e in sentence.entities if e.label == "PERSON"]


def _looks_like_person(name: str, people: list[str], tagged: bool) -> bool:
    """A person's name: one of spaCy's PERSON entities, or (without entities) a capitalised
    name of two or more words with no word that names a body ("Ministry", "Nations")."""
    if any(name in p or p in name for p in people):
        return True
    if tagged:
        return False
    words = name.split()
    return (
        2 <= len(words) <= 4
        and all(w[0].isupper() for w in words)
        and not is_outlet(name)
        and not any(w.lower().strip(".,") in BODY_WORDS for w in words)
    )


def _source(
    article: Article, sentence: Sentence, name: str, kind: SourceKind, m: re.Match[str]
) -> CitedSource:
    whole = m.group(0)
    start = sentence.start + m.start() + len(whole) - len(whole.lstrip())
    end = sentence.start + m.start() + len(whole.rstrip(".,;: "))
    return CitedSource(article.id, name, kind, article.original[start:end], start, end, sentence.id)


def find_sentence_sources(article: Article, sentence: Sentence) -> list[CitedSource]:
    """The sources one sentence cites."""
    text = sentence.text
    found: list[CitedSource] = []
    taken: list[tuple[int, int]] = []

    def free(m: re.Match[str]) -> bool:
        return all(m.end() <= lo or m.start() >= hi for lo, hi in taken)

    for cue in OUTLET_CUES:
        for m in cue.finditer(text):
            name = _clean_name(m.group("name"))
            if name and is_outlet(name) and free(m):
                found.append(_source(article, sentence, name, "outlet", m))
                taken.append((m.start(), m.end()))
    for cue in ANONYMOUS_CUES:
        for m in cue.finditer(text):
            if free(m):
                name = re.sub(rf"\s+{SPEECH}$", "", m.group(0).strip())
                found.append(_source(article, sentence, name, "anonymous", m))
                taken.append((m.start(), m.end()))
    for m in INSTITUTION_CUE.finditer(text):
        if free(m) and m.group("body").lower() in BODY_WORDS:
            found.append(_source(article, sentence, m.group("name"), "institution", m))
            taken.append((m.start(), m.end()))
    people = [p for p, _, _ in _person_names(sentence)]
    tagged = any(s.entities for s in article.sentences)
    for cue in PERSON_CUES:
        for m in cue.finditer(text):
            name = _clean_name(m.group("name"))
            if not name or not free(m) or is_outlet(name) or name.lower() in NOT_NAMES:
                continue
            if _looks_like_person(name, people, tagged):
                person = next((p for p in people if p in name or name in p), name)
                found.append(_source(article, sentence, person, "person", m))
            elif m.group(0).lstrip()[:1].isupper() or m.re is PERSON_CUES[0]:
                found.append(_source(article, sentence, name, "institution", m))
            else:
                continue
            taken.append((m.start(), m.end()))
    found.sort(key=lambda s: s.start)
    return found


def _sentences(article: Article) -> list[Sentence]:
    """The article's sentences, or one pseudo-sentence per line when none were split."""
    if article.sentences:
        return article.sentences
    spans = article.kept or [Span(0, len(article.original), article.original)]
    out: list[Sentence] = []
    for span in spans:
        for m in re.finditer(r"[^\n]+", article.original[span.start : span.end]):
            start, end = span.start + m.start(), span.start + m.end()
            out.append(
                Sentence(
                    f"{article.id}:s{len(out)}", article.id, len(out), article.original[start:end], start, end
                )
            )
    return out


def find_sources(articles: Iterable[Article]) -> list[CitedSource]:
    """Every cited source in every article, in reading order."""
    return [src for a in articles for s in _sentences(a) for src in find_sentence_sources(a, s)]


def classify(sources: list[CitedSource]) -> str:
    """named | anonymous | unattributed, for the sources of one sentence."""
    if any(s.kind != "anonymous" for s in sources):
        return "named"
    return "anonymous" if sources else "unattributed"


def _share(article: str, basis: SourcingBasis, labels: list[str]) -> SourcingShare:
    total = len(labels)

    def part(label: str) -> float:
        return round(labels.count(label) / total, 3) if total else 0.0

    return SourcingShare(article, basis, total, part("named"), part("anonymous"), part("unattributed"))


def by_sentence(sources: Iterable[CitedSource]) -> dict[str, list[CitedSource]]:
    grouped: dict[str, list[CitedSource]] = {}
    for s in sources:
        if s.sentence:
            grouped.setdefault(s.sentence, []).append(s)
    return grouped


def share_by_sentences(articles: list[Article], sources: list[CitedSource]) -> list[SourcingShare]:
    cited = by_sentence(sources)
    return [
        _share(a.id, "sentences", [classify(cited.get(s.id, [])) for s in _sentences(a)]) for a in articles
    ]


def share_by_claims(report: Report) -> list[SourcingShare]:
    """Per article: the share of the claims it states that it attributes to named, anonymous or no sources."""
    cited = by_sentence(report.sources)
    rank = {"named": 2, "anonymous": 1, "unattributed": 0}
    labels: dict[str, list[str]] = {a.id: [] for a in report.articles}
    for claim in report.claims:  # each claim's mentions read once, grouped by article
        best: dict[str, str] = {}
        for m in claim.mentions:
            label = classify(cited.get(m.sentence, []))
            if m.article not in best or rank[label] > rank[best[m.article]]:
                best[m.article] = label
        for article_id, label in best.items():
            if article_id in labels:
                labels[article_id].append(label)
    return [_share(article.id, "claims", labels[article.id]) for article in report.articles]


def claim_origins(
    claim: Claim, report: Report, cited: dict[str, list[CitedSource]] | None = None
) -> dict[str, set[str]]:
    """Per supporting article: the outlets it cites in the sentences that state the claim
    (``cited`` is ``by_sentence(report.sources)`` when the caller has it)."""
    cited = by_sentence(report.sources) if cited is None else cited
    origins: dict[str, set[str]] = {}
    for m in claim.mentions:
        names = {bare_name(s.name) for s in cited.get(m.sentence, []) if s.kind == "outlet"}
        origins.setdefault(m.article, set()).update(names)
    return origins


@stage(
    requires=("article.sentences", "sentence.entities"),
    provides=("report.sources", "report.sourcing"),
)
def find_cited_sources(ctx: Context) -> None:
    """Who each article cites (outlets, named people, institutions, anonymous sources)."""
    from parallax.analysis.reading.parsing import shared_parser
    from parallax.nlp.article_cache import article_key, code_digest, reuse_per_article
    from parallax.nlp.cache import parse_kind

    report = ctx.report
    articles = report.articles
    # Per article (its sentences and their entities), kept for the next run where there is a cache.
    parser = shared_parser(ctx) if ctx.resources.cache is not None else None
    kind = f"sources:{parse_kind(parser.nlp)}:{code_digest()}" if parser is not None else ""
    keys = [article_key(article, parser, article.language, article.outlet) for article in articles]
    found = reuse_per_article(
        ctx.resources.cache,
        kind,
        keys,
        lambda wanted: [find_sources([articles[n]]) for n in wanted],
        CitedSource,
    )
    report.sources = [source for sources in found for source in sources]
    report.sourcing = share_by_sentences(report.articles, report.sources)
