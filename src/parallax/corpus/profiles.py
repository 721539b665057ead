"""Outlet profiles from text: how each outlet wrote, over the analyses stored for its stories.

Each stored analysis (a Report, read with ``parallax.codec``) gives a few
figures per article (``article_figures``): words, loaded words, judging and
neutral attribution verbs, hedges, named and anonymous sources, claims stated,
exclusive and omitted claims, whom it copied and who copied it, whether it is
syndicated, and the terms it used for each framed referent. They are kept in
``outlet_story_stats`` under the analysis's key, so ``refresh_figures`` reads
only the analyses that are new or changed since the last call (incremental);
``outlet_profiles`` then adds them up per outlet, through the article-to-outlet
links, so a merge of outlets needs no new reading.

Rates: loaded words, judging attribution verbs and hedges per 1,000 words;
``exclusive_share`` = exclusive claims / claims stated; ``omitted_share`` =
omitted well-supported claims / (claims stated + omitted); ``anonymous_share``
= anonymous sources / all cited sources; ``syndicated_share`` = syndicated
articles / analysed articles. A referent recurs when its name appears in the
framing of two or more analysed stories; a profile lists the outlet's most used
term for each of its recurring referents.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from parallax.codec import report_from_dict
from parallax.corpus.outlet_names import fold
from parallax.corpus.rows import article_key
from parallax.corpus.store import Store
from parallax.errors import StoreReadOnly
from parallax.model import Report

COUNTS = (
    "words",
    "loaded",
    "judging",
    "neutral_verbs",
    "hedges",
    "named_sources",
    "anonymous_sources",
    "claims",
    "exclusive",
    "omitted",
    "syndicated",
)
MARKER_COUNTS = {"loaded": "loaded", "attribution": "judging", "attribution-neutral": "neutral_verbs"}
MARKER_COUNTS["hedge"] = "hedges"
TOP_REFERENTS = 12


def article_figures(report: Report) -> dict[str, dict[str, Any]]:
    """Per article id of ``report``: its counts, ``copies_from``/``copied_by`` ids and ``terms``."""
    figures: dict[str, dict[str, Any]] = {}
    for article in report.articles:
        figures[article.id] = {name: 0 for name in COUNTS} | {
            "words": len((article.text or article.original).split()),
            "exclusive": len(article.exclusive_claims),
            "omitted": len(article.omitted_claims),
            "copies_from": [],
            "copied_by": [],
            "terms": {},
        }
    for marker in report.markers:
        if marker.article in figures and marker.kind in MARKER_COUNTS:
            figures[marker.article][MARKER_COUNTS[marker.kind]] += 1
    for claim in report.claims:
        for article_id in set(claim.articles):
            if article_id in figures:
                figures[article_id]["claims"] += 1
    for source in report.sources:
        if source.article in figures:
            kind = "anonymous_sources" if source.kind == "anonymous" else "named_sources"
            figures[source.article][kind] += 1
    for pair in report.reuse:
        if pair.source and pair.copy and pair.source in figures and pair.copy in figures:
            figures[pair.copy]["copies_from"].append(pair.source)
            figures[pair.source]["copied_by"].append(pair.copy)
    syndicated = {n.article for n in report.syndication}
    for group in report.duplicates:
        if group.kind == "agency-story":
            syndicated.update(group.articles)
    for article_id in syndicated & set(figures):
        figures[article_id]["syndicated"] = 1
    for framing in report.framing:
        for outlet in framing.outlets:
            if outlet.article in figures:
                terms = figures[outlet.article]["terms"].setdefault(framing.referent, {})
                for term in outlet.terms:
                    terms[term.term] = terms.get(term.term, 0) + term.count
    return figures


def story_figures(store: Store, story_id: int, report_text: str) -> list[tuple[int, dict[str, Any]]]:
    """(article row id, figures) for each stored article of one stored analysis."""
    report = report_from_dict(json.loads(report_text))
    ids = {
        article_key(input_id, int(aid)): int(aid)
        for aid, input_id in store.rows("SELECT id, input_id FROM articles WHERE story_id = ?", (story_id,))
    }
    found = []
    for article_id, values in article_figures(report).items():
        if article_id in ids:
            values["copies_from"] = [ids[a] for a in values["copies_from"] if a in ids]
            values["copied_by"] = [ids[a] for a in values["copied_by"] if a in ids]
            found.append((ids[article_id], values))
    return found


def stale_stories(store: Store) -> tuple[list[int], list[int]]:
    """(stories whose stored analysis is new or changed since it was read, stories no longer analysed)."""
    stored = dict(store.rows("SELECT story_id, member_hash FROM analyses"))
    done = dict(store.rows("SELECT DISTINCT story_id, analysis_key FROM outlet_story_stats"))
    todo = [int(sid) for sid, key in stored.items() if done.get(sid) != key]
    return todo, [int(sid) for sid in done if sid not in stored]


def refresh_figures(store: Store) -> int:
    """Read the stored analyses that are new or changed since the last call; returns how many.
    Raises StoreReadOnly on a read-only corpus (``current_figures`` then reads them without storing)."""
    todo, gone = stale_stories(store)
    for sid in gone:
        with store.transaction():
            store.execute("DELETE FROM outlet_story_stats WHERE story_id = ?", (sid,))
    for sid in todo:
        row = store.execute("SELECT member_hash, report FROM analyses WHERE story_id = ?", (sid,)).fetchone()
        if row is None:
            continue
        figures = story_figures(store, sid, row[1])
        with store.transaction():
            store.execute("DELETE FROM outlet_story_stats WHERE story_id = ?", (sid,))
            for article_id, values in figures:
                store.execute(
                    "INSERT INTO outlet_story_stats (story_id, analysis_key, article_id, stats) "
                    "VALUES (?, ?, ?, ?)",
                    (sid, row[0], article_id, json.dumps(values, ensure_ascii=False)),
                )
    return len(todo)


Figures = list[tuple[int, int, dict[str, Any]]]  # (story id, article row id, figures)


def current_figures(store: Store, refresh: bool = True) -> Figures:
    """Every analysed article's figures: those stored, after reading new analyses (stored when the
    corpus is writable, read in memory when it is not); ``refresh=False`` reads only what is stored."""
    fresh: Figures = []
    skip: set[int] = set()
    if refresh:
        try:
            refresh_figures(store)
        except StoreReadOnly:
            todo, gone = stale_stories(store)
            skip = set(todo) | set(gone)
            for sid in todo:
                text = store.scalar("SELECT report FROM analyses WHERE story_id = ?", (sid,))
                if text is not None:
                    fresh.extend((sid, aid, values) for aid, values in story_figures(store, sid, text))
    stored: Figures = [
        (int(sid), int(aid), json.loads(text))
        for sid, aid, text in store.rows("SELECT story_id, article_id, stats FROM outlet_story_stats")
        if int(sid) not in skip
    ]
    return stored + fresh


@dataclass
class Profile:
    """What an outlet's analysed articles show, summed over its stories."""

    outlet_id: int
    articles: int = 0  # analysed articles
    stories: int = 0  # analysed stories
    counts: Counter[str] = field(default_factory=Counter)
    copies_from: Counter[int] = field(default_factory=Counter)  # outlet ids it copied from
    copied_by: Counter[int] = field(default_factory=Counter)  # outlet ids that copied it
    terms: dict[str, Counter[str]] = field(default_factory=dict)  # folded referent -> terms

    def rate(self, name: str) -> float | None:
        words = self.counts["words"]
        return round(1000 * self.counts[name] / words, 2) if words else None

    def share(self, part: str, *whole: str) -> float | None:
        total = sum(self.counts[w] for w in whole)
        return round(self.counts[part] / total, 3) if total else None

    def to_dict(self, names: dict[int, str], recurring: set[str]) -> dict[str, Any]:
        terms = {
            ref: counter.most_common(1)[0][0]
            for ref, counter in sorted(self.terms.items(), key=lambda kv: -sum(kv[1].values()))
            if ref in recurring and counter
        }
        return {
            "analysed_articles": self.articles,
            "analysed_stories": self.stories,
            "words": self.counts["words"],
            "loaded_per_1000_words": self.rate("loaded"),
            "judging_verbs_per_1000_words": self.rate("judging"),
            "hedges_per_1000_words": self.rate("hedges"),
            "exclusive_share": self.share("exclusive", "claims"),
            "omitted_share": self.share("omitted", "claims", "omitted"),
            "anonymous_share": self.share("anonymous_sources", "anonymous_sources", "named_sources"),
            "named_sources": self.counts["named_sources"],
            "anonymous_sources": self.counts["anonymous_sources"],
            "copies": sum(self.copies_from.values()),
            "copied": sum(self.copied_by.values()),
            "copies_from": {names.get(o, f"#{o}"): n for o, n in self.copies_from.most_common(10)},
            "copied_by": {names.get(o, f"#{o}"): n for o, n in self.copied_by.most_common(10)},
            "syndicated_share": round(self.counts["syndicated"] / self.articles, 3)
            if self.articles
            else None,
            "referent_terms": dict(list(terms.items())[:TOP_REFERENTS]),
        }


def outlet_profiles(store: Store, refresh: bool = True, figures: Figures | None = None) -> dict[int, Profile]:
    """Every outlet's profile from ``figures`` (None: ``current_figures(store, refresh)``)."""
    from parallax.corpus.outlets import unlinked_outlets

    if figures is None:
        figures = current_figures(store, refresh)
    outlet_of = {
        int(a): int(o)
        for a, o in store.rows(
            "SELECT article_id, outlet_id FROM article_outlets WHERE outlet_id IS NOT NULL"
        )
    }
    outlet_of.update({a: o for a, (o, _, _) in unlinked_outlets(store).items() if o is not None})
    profiles: dict[int, Profile] = {}
    stories: dict[int, set[int]] = defaultdict(set)
    for story_id, article_id, values in figures:
        outlet_id = outlet_of.get(article_id)
        if outlet_id is None:
            continue
        profile = profiles.setdefault(outlet_id, Profile(outlet_id))
        profile.articles += 1
        stories[outlet_id].add(story_id)
        profile.counts.update({name: int(values.get(name, 0)) for name in COUNTS})
        profile.copies_from.update(
            outlet_of[a] for a in values["copies_from"] if outlet_of.get(a, outlet_id) != outlet_id
        )
        profile.copied_by.update(
            outlet_of[a] for a in values["copied_by"] if outlet_of.get(a, outlet_id) != outlet_id
        )
        for referent, terms in values["terms"].items():
            profile.terms.setdefault(fold(referent), Counter()).update(terms)
    for outlet_id, seen in stories.items():
        profiles[outlet_id].stories = len(seen)
    return profiles


def recurring_referents(figures: Figures) -> set[str]:
    """Folded referents framed in two or more analysed stories."""
    seen: dict[str, set[int]] = defaultdict(set)
    for story_id, _, values in figures:
        for referent in values["terms"]:
            seen[fold(referent)].add(story_id)
    return {ref for ref, ids in seen.items() if len(ids) >= 2}


def describe_outlets(store: Store, name: str | None = None, recent: int = 10) -> list[dict[str, Any]]:
    """Every outlet (or the one called ``name``) with its facts, counts and profile, most articles first.

    Links new articles first when it can, so an older corpus lists its outlets too (a read-only one
    is read as it is, nothing stored); one outlet also gets its ``recent_stories`` (id, title, last
    date), newest first.
    """
    from parallax.corpus.outlets import find_outlet, link_when_possible, load_outlets

    link_when_possible(store)
    ids = None if name is None else [find_outlet(store, name)]
    outlets = load_outlets(store, ids)
    figures = current_figures(store)
    profiles = outlet_profiles(store, figures=figures)
    recurring = recurring_referents(figures)
    names = {o.id: o.name for o in load_outlets(store)} if ids else {o.id: o.name for o in outlets}
    described = []
    for outlet in outlets:
        entry = outlet.to_dict()
        profile = profiles.get(outlet.id)
        entry["profile"] = profile.to_dict(names, recurring) if profile else None
        if ids is not None:
            entry["recent_stories"] = recent_stories(store, outlet.id, recent)
        described.append(entry)
    return described


def recent_stories(store: Store, outlet_id: int, limit: int) -> list[dict[str, Any]]:
    """The outlet's newest live stories (id, title, last date), unlinked articles included."""
    from parallax.corpus.outlets import unlinked_outlets

    story_ids = {
        int(sid)
        for (sid,) in store.rows(
            "SELECT DISTINCT a.story_id FROM articles a JOIN article_outlets l ON l.article_id = a.id "
            "WHERE l.outlet_id = ? AND a.story_id IS NOT NULL",
            (outlet_id,),
        )
    }
    story_ids.update(sid for oid, _, sid in unlinked_outlets(store).values() if oid == outlet_id and sid)
    rows = [
        (int(sid), str(title or ""), last)
        for sid, title, last in store.rows("SELECT id, title, last_date FROM stories WHERE status = 'live'")
        if int(sid) in story_ids
    ]
    rows.sort(key=lambda r: (r[2] or "", r[0]), reverse=True)
    return [{"id": str(sid), "title": title, "last": last} for sid, title, last in rows[:limit]]
