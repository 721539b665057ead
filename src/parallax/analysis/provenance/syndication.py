"""Syndication and wire copy: notices in the text, near-identical articles, one agency story
under several mastheads.

Notices come from three places: the provenance lines the cleaning stage took
out of the body (``Article.provenance``, with offsets from ``Article.removed``),
the same notice patterns searched in the original text, and agency credits
("WASHINGTON (Reuters) -", "By Associated Press", "(c) 2023 AFP").

Near-identical articles are found with ``NearDuplicateIndex`` (MinHash LSH,
no all-pairs comparison) and, where the reuse stage ran, with its pairs whose
passages cover most of both texts. Near-identical articles that credit the same
agency form an "agency-story" group; the others a "near-identical" group.
"""

from __future__ import annotations

import re

from parallax.analysis.provenance.sources import is_outlet
from parallax.model import Article, DuplicateGroup, NoticeKind, ReusePair, SyndicationNotice
from parallax.stage import Context, stage
from parallax.text.disjoint import DisjointSet
from parallax.text.neardup import NearDuplicateIndex

AGENCY = (
    r"Reuters|AP|Associated Press|AFP|Agence France[- ]Presse|Bloomberg|dpa|Xinhua|TASS|Anadolu|"
    r"Kyodo|Yonhap|EFE|ANSA|UPI|PTI|IANS|ANI|Press Association|PA Media|CNA|Bernama|Antara|IRNA|WAFA"
)
NOTICES: list[tuple[NoticeKind, re.Pattern[str]]] = [
    ("syndicated", re.compile(r"[^\n]{0,200}syndicated (?:feed|content|story|service)[^\n]{0,120}", re.I)),
    ("syndicated", re.compile(r"[^\n]{0,160}not (?:been )?edited by [^\n]{1,60}? staff[^\n]{0,160}", re.I)),
    ("syndicated", re.compile(r"[^\n]{0,120}auto-?generated from [^\n]{0,160}", re.I)),
    (
        "republished",
        re.compile(
            r"[^\n]{0,80}\b(?:(?:originally|first) (?:appeared|published)|(?:re)?published with permission|"
            r"republished (?:from|with)|reprinted (?:from|with)|"
            r"this (?:article|story) (?:first )?appeared)[^\n]{0,160}",
            re.I,
        ),
    ),
    ("agency-credit", re.compile(rf"^[A-Z][A-Z .,'’-]{{1,60}}\((?:{AGENCY})\)\s*[-–—]", re.M)),
    (
        "agency-credit",
        re.compile(rf"(?:©|\(c\)|copyright)\s*(?:\d{{4}}\s*)?(?:the\s+)?(?:{AGENCY})\b[^\n]{{0,80}}", re.I),
    ),
    ("agency-credit", re.compile(rf"^\s*(?:By|Source:|Via)\s+(?:the\s+)?(?:{AGENCY})\b[^\n]{{0,40}}$", re.M)),
    ("agency-credit", re.compile(rf"^\s*\((?:{AGENCY})\)\s*$", re.M)),
]
_ANY_RUN = re.compile(r"\[\^\\n\]\{0,\d+\}")  # a leading "[^\n]{0,N}" in a pattern's source


def _without_leading_run(pattern: re.Pattern[str]) -> re.Pattern[str] | None:
    """The pattern less its leading run of "any character but a line break", if it has one.

    Such a run costs hundreds of steps at every position of a text; the rest of the
    pattern must match wherever the whole does, so the whole runs only over texts
    where the rest is found (same matches, a fraction of the time).
    """
    lead = _ANY_RUN.match(pattern.pattern)
    return re.compile(pattern.pattern[lead.end() :], pattern.flags) if lead else None


_NOTICE_CORES = [_without_leading_run(pattern) for _kind, pattern in NOTICES]
_AGENCY_NAME = re.compile(rf"\b({AGENCY})\b")
_FROM_NAME = re.compile(r"\b(?:from|by|via|of)\s+(?:the\s+)?([A-Z][\w&'’.-]*(?:\s+[A-Z][\w&'’.-]*){0,3})")
_CANONICAL = {"associated press": "AP", "agence france-presse": "AFP", "agence france presse": "AFP"}


def name_agency(text: str) -> str | None:
    """The agency or outlet a notice names, if any."""
    found = _AGENCY_NAME.search(text)
    if found:
        return _CANONICAL.get(found.group(1).lower(), found.group(1))
    named = _FROM_NAME.search(text)
    if named and is_outlet(named.group(1)):
        return named.group(1)
    return None


def find_notices(article: Article) -> list[SyndicationNotice]:
    """Syndication notices and agency credits of one article, with offsets where they can be placed."""
    notices: list[SyndicationNotice] = []
    seen: set[tuple[int, int]] = set()

    def add(kind: NoticeKind, start: int | None, end: int | None, text: str) -> None:
        text = text.strip()
        if not text:
            return
        if start is not None and end is not None:
            if any(s < end and start < e for s, e in seen):
                return
            seen.add((start, end))
        elif any(n.text == text for n in notices):
            return
        notices.append(SyndicationNotice(article.id, text, kind, name_agency(text), start, end))

    for removed in article.removed:
        if removed.reason == "syndication-notice":
            add("syndicated", removed.start, removed.end, removed.text)
    for (kind, pattern), core in zip(NOTICES, _NOTICE_CORES, strict=True):
        if core is not None and not core.search(article.original):
            continue
        for m in pattern.finditer(article.original):
            lead = len(m.group(0)) - len(m.group(0).lstrip())
            add(kind, m.start() + lead, m.end() - (len(m.group(0)) - len(m.group(0).rstrip())), m.group(0))
    for line in article.provenance:
        at = article.original.find(line)
        add("syndicated", at if at >= 0 else None, at + len(line) if at >= 0 else None, line)
    notices.sort(key=lambda n: n.start if n.start is not None else -1)
    return notices


def _body(article: Article) -> str:
    return article.text or article.original


def group_duplicates(
    articles: list[Article],
    notices: list[SyndicationNotice],
    reuse: list[ReusePair],
    *,
    similarity: float = 0.7,
) -> list[DuplicateGroup]:
    """Near-identical articles (LSH over shingles, plus reuse pairs covering most of both texts)."""
    index = NearDuplicateIndex(threshold=min(max(similarity * 0.8, 0.05), 0.95))
    for article in articles:
        index.add(article.id, _body(article))
    links: dict[tuple[str, str], float] = {}
    for a, b, sim in index.find_pairs(min_similarity=similarity):
        links[(a, b)] = sim
    for pair in reuse:
        if min(pair.a_coverage, pair.b_coverage) >= 0.8:
            key = (min(pair.a, pair.b), max(pair.a, pair.b))
            links[key] = max(links.get(key, 0.0), round(min(pair.a_coverage, pair.b_coverage), 3))
    copies: DisjointSet[str] = DisjointSet(a.id for a in articles)
    for a, b in links:
        copies.merge(a, b)
    members: dict[str, list[str]] = {}
    for article in articles:
        members.setdefault(copies[article.id], []).append(article.id)
    agencies: dict[str, set[str]] = {}
    for n in notices:
        if n.agency:
            agencies.setdefault(n.article, set()).add(n.agency)
    labels = {a.id: a.label for a in articles}
    groups = []
    for ids in members.values():
        if len(ids) < 2:
            continue
        sims = [s for (a, b), s in links.items() if a in ids and b in ids]
        shared = set.intersection(*(agencies.get(i, set()) for i in ids))
        agency = sorted(shared)[0] if shared else None
        groups.append(
            DuplicateGroup(
                articles=ids,
                outlets=sorted({labels[i] for i in ids}),
                kind="agency-story" if agency else "near-identical",
                similarity=round(min(sims), 3) if sims else 0.0,
                agency=agency,
            )
        )
    return groups


@stage(
    requires=("article.sentences", "article.outlet", "article.provenance", "report.reuse"),
    provides=("report.syndication", "report.duplicates"),
)
def find_syndication(ctx: Context) -> None:
    """Syndication notices in each article, and groups of near-identical or agency-story articles."""
    report = ctx.report
    report.syndication = [n for a in report.articles for n in find_notices(a)]
    report.duplicates = group_duplicates(
        report.articles, report.syndication, report.reuse, similarity=ctx.options.duplicate_similarity
    )
