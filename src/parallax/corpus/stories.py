"""Incremental story clustering: each arriving article joins a story or starts one.

For every new article, in arrival order:

1. near-duplicates collapse first: MinHash LSH over word shingles
   (``parallax.text.neardup``) finds a stored copy, whose story it joins;
2. otherwise its title and lead are embedded and the ANN index proposes the
   nearest stored articles, kept only within ``window_days`` of its date;
3. each candidate pair is scored by the learned pair scorer (``pairs.score_pair``,
   shared with ``parallax analyze``; ``scorer`` holds the features and the fitted
   logistic model): the log-odds that the two report one story, from the cosine
   of the vectors, the IDF-weighted overlap of the names both mention, the cosines
   of the IDF-weighted hashed terms of the whole texts and of the leads
   (``features.extract_terms``), a conflict of the years they mention most, and the
   days apart when both are dated; IDF weights are read at comparison time
   (``bags``). A pair with a date missing on either side rests on content alone,
   which the model's undated features hold to a stricter bar; the create or join
   event of an undated article records ``undated`` and the story row counts its
   undated members (``dates_missing``); a pair in different languages is scored on
   the multilingual lead cosine (``crosslingual``; the scorer's ``cross_lead_cosine``),
   and an article in another language than English also gets its nearest articles
   in other languages as candidates; a story's score is the mean of its best
   ``top_links`` pair scores (by default the best one: single link to join, average
   linkage to split, step 5);
4. the best story at or above the scorer's fitted threshold takes the article, else
   it starts a new story; when the article links two stories that also link each
   other (mean pair score of sampled members at the threshold or above), they
   merge;
5. a story that has doubled in size since it was last checked, and at the end of
   each run every story that grew in it, is split where the average linkage of
   its members' pair scores falls below the threshold.

Nothing compares all pairs: each article costs one ANN query and ``neighbours``
pair scores; split checks are bounded by ``split_max_size`` and amortised by the
doubling rule, and the settling pass at the end of a run re-checks only the
stories that run changed. Every create, join, merge and split is kept as a story event.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
from datasketch import MinHash

from parallax.corpus.bags import EMPTY, Bag, Frequencies, decode_counts, encode_counts
from parallax.corpus.crosslingual import CrossLanguageLeads, strip_function_words
from parallax.corpus.features import extract_names, extract_terms, lead_text
from parallax.corpus.pairs import (
    ClusterSettings,
    Profile,
    cut_groups,
    date_number,
    decision_thresholds,
    first_year,
    lead_terms,
    names_bag,
    score_pair,
)
from parallax.corpus.store import ClusterBatch, Store, StoredArticle
from parallax.corpus.vectors import VectorIndex, bytes_to_vector, vector_to_bytes
from parallax.text.neardup import NearDuplicateIndex, signature_to_bytes

Embedder = Callable[[Sequence[str]], np.ndarray]
Progress = Callable[[int], None]


class View(NamedTuple):
    """A stored article as pair scores need it (``vector`` is None for a collapsed copy)."""

    id: int
    profile: Profile
    vector: np.ndarray | None


@dataclass
class ClusterSummary:
    clustered: int = 0
    duplicates: int = 0
    created: int = 0
    joined: int = 0
    merged: int = 0
    split: int = 0


def default_embedder(texts: Sequence[str]) -> np.ndarray:
    from parallax.corpus.embedding import embed_leads

    return embed_leads(texts)


def write_features(names: list[str], terms: dict[int, int], lead: dict[int, int] | None = None) -> str:
    """The JSON kept in the store's ``names`` column: names, and term and lead-term buckets with counts."""
    value: dict[str, object] = {"names": names, "terms": encode_counts(terms)}
    if lead is not None:
        value["lead"] = encode_counts(lead)
    return json.dumps(value, ensure_ascii=False)


def read_features(data: str) -> tuple[list[str], dict[int, int], dict[int, int]]:
    """Names, term counts and lead-term counts from the stored JSON; a plain list is the older
    names-only form, and rows written before lead terms were kept have none."""
    value = json.loads(data)
    if isinstance(value, list):
        return [str(n) for n in value], {}, {}
    return (
        [str(n) for n in value.get("names", [])],
        decode_counts(value.get("terms", [])),
        decode_counts(value.get("lead", [])),
    )


def article_features(
    article: StoredArticle, settings: ClusterSettings
) -> tuple[list[str], dict[int, int], dict[int, int]]:
    """An article's names, whole-text term counts and lead-term counts, as pair scores compare them
    (function words of its language removed first)."""
    language = article.language
    names = list(
        extract_names(
            strip_function_words(article.title + "\n" + article.text[: settings.names_chars], language)
        )
    )
    term_counts = extract_terms(
        strip_function_words(article.title + "\n" + article.text[: settings.terms_chars], language)
    )
    lead_counts = lead_terms(
        strip_function_words(article.title, language), strip_function_words(article.text, language), settings
    )
    return names, term_counts, lead_counts


def undated_detail(day: int | None) -> dict[str, object]:
    """What a create or join event records about dates: ``undated`` when the article had none,
    so its place rests on content alone (the scorer's undated features)."""
    return {"undated": True} if day is None else {}


class StoryClusterer:
    """Holds what clustering needs in memory, loaded once from the store."""

    def __init__(
        self, store: Store, settings: ClusterSettings | None = None, embed: Embedder | None = None
    ) -> None:
        self.store = store
        self.settings = settings or ClusterSettings()
        self.embed = embed or default_embedder
        self.vectors = VectorIndex(store.vector_path())
        self.duplicates = NearDuplicateIndex(threshold=self.settings.duplicate_similarity)
        self.story_of: dict[int, int] = {}
        self.members: dict[int, set[int]] = {}
        self.day: dict[int, int | None] = {}
        self.names: dict[int, Bag] = {}
        self.terms: dict[int, Bag] = {}
        self.leads: dict[int, Bag] = {}
        self.years: dict[int, int] = {}
        self.name_freq = Frequencies()
        self.term_freq = Frequencies()
        self.lead_freq = Frequencies()
        self.join_at, self.merge_at, self.split_at = decision_thresholds(self.settings)
        self.checked: dict[int, int] = {}
        self.next_story = store.next_story_id()
        self.cross = CrossLanguageLeads(store, self.settings.lead_chars)  # idle until a foreign article
        self.load()

    # -- state -------------------------------------------------------------------------------------

    def load(self) -> None:
        """Fill the in-memory state from the store; bring the vector index in step with it."""
        have = self.vectors.keys()
        seen: set[int] = set()
        missing_keys: list[int] = []
        missing_vectors: list[np.ndarray] = []
        for article_id, vector, signature, names, story_id, published in self.store.iter_features():
            self.duplicates.add_signature(str(article_id), self.duplicates.signature_from_bytes(signature))
            self.keep_features(article_id, *read_features(names))
            self.remember(article_id, story_id, published)
            if vector:
                seen.add(article_id)
                if article_id not in have:
                    missing_keys.append(article_id)
                    missing_vectors.append(bytes_to_vector(vector))
        for extra in have - seen:
            self.vectors.remove(extra)
        if missing_keys:
            self.vectors.add(missing_keys, np.vstack(missing_vectors))
        self.checked = {sid: size for sid, (_, size) in self.store.story_state().items()}

    def keep_features(
        self, article_id: int, names: list[str], term_counts: dict[int, int], lead_counts: dict[int, int]
    ) -> None:
        """Hold an article's names, terms, lead terms and year, and count them in the document frequencies."""
        self.names[article_id] = names_bag(names)
        self.terms[article_id] = Bag.from_counts(term_counts)
        self.leads[article_id] = Bag.from_counts(lead_counts)
        self.years[article_id] = first_year(names)
        self.name_freq.add(self.names[article_id])
        self.term_freq.add(self.terms[article_id])
        self.lead_freq.add(self.leads[article_id])

    def remember(self, article_id: int, story_id: int | None, published: str | None) -> None:
        if story_id is not None:
            self.story_of[article_id] = story_id
            self.members.setdefault(story_id, set()).add(article_id)
        self.day[article_id] = date_number(published)

    # -- scoring -----------------------------------------------------------------------------------

    def profile(self, article_id: int) -> Profile:
        """The article's names and terms weighed by the document frequencies as they are now."""
        return Profile(
            self.name_freq.weigh(self.names.get(article_id, EMPTY)),
            self.term_freq.weigh(self.terms.get(article_id, EMPTY)),
            self.years.get(article_id, 0),
            self.lead_freq.weigh(self.leads.get(article_id, EMPTY)),
        )

    def days_apart(self, a: int | None, b: int | None) -> int | None:
        return None if a is None or b is None else abs(a - b)

    def pair_score(
        self, similarity: float, a: Profile, b: Profile, gap: int | None, cross: float | None = None
    ) -> float:
        return score_pair(self.settings, similarity, a, b, gap, cross)

    def view(self, article_id: int) -> View:
        vector = self.vectors.get(article_id) if article_id in self.vectors else None
        return View(article_id, self.profile(article_id), vector)

    def view_score(self, a: View, b: View) -> float:
        similarity = float(a.vector @ b.vector) if a.vector is not None and b.vector is not None else 0.0
        gap = self.days_apart(self.day[a.id], self.day[b.id])
        # different languages: the multilingual lead similarity (None: one language, or no vector)
        return self.pair_score(similarity, a.profile, b.profile, gap, self.cross.similarity(a.id, b.id))

    def candidate_stories(
        self, vector: np.ndarray, profile: Profile, day: int | None, article_id: int | None = None
    ) -> list[tuple[float, int]]:
        """(score, story) for the stories of the article's ANN neighbours, best first; with
        ``article_id``, its nearest articles in other languages too (``CrossLanguageLeads``)."""
        s = self.settings
        per_story: dict[int, list[float]] = {}
        found = dict(self.vectors.search(vector, s.neighbours))
        cross = dict(self.cross.neighbours(article_id, s.neighbours)) if article_id is not None else {}
        for other, similarity in {**found, **cross}.items():
            if (other not in cross and similarity < s.min_similarity) or other not in self.story_of:
                continue
            gap = self.days_apart(day, self.day.get(other))
            if gap is not None and gap > s.window_days:
                continue
            multilingual = self.cross.similarity(article_id, other) if article_id is not None else None
            score = self.pair_score(similarity, profile, self.profile(other), gap, multilingual)
            per_story.setdefault(self.story_of[other], []).append(score)
        ranked = []
        for story, scores in per_story.items():
            best = sorted(scores, reverse=True)[: s.top_links]
            ranked.append((sum(best) / len(best), story))
        ranked.sort(reverse=True)
        return ranked

    def story_link(self, a: int, b: int, sample: int = 8) -> float:
        """Mean pair score between sampled members of two stories."""
        rng = random.Random(a * 1_000_003 + b)
        left = sorted(self.members.get(a, ()))
        right = sorted(self.members.get(b, ()))
        left = rng.sample(left, min(sample, len(left)))
        right = rng.sample(right, min(sample, len(right)))
        left_views = [self.view(x) for x in left]
        right_views = [self.view(y) for y in right]
        scores = [self.view_score(x, y) for x in left_views for y in right_views]
        return sum(scores) / len(scores) if scores else 0.0

    def near_days(self, days: Sequence[int | None]) -> list[int]:
        """Clustered articles within the time window of any of ``days`` (undated ones included)."""
        known = [d for d in days if d is not None]
        if not known:
            return list(self.story_of)
        low, high = min(known) - self.settings.window_days, max(known) + self.settings.window_days
        return [k for k in self.story_of if (d := self.day.get(k)) is None or low <= d <= high]

    # -- changes -----------------------------------------------------------------------------------

    def new_story(self, batch: ClusterBatch) -> int:
        sid = self.next_story
        self.next_story += 1
        batch.new_stories.append(sid)
        self.members[sid] = set()
        self.checked[sid] = 0
        return sid

    def place(self, article_id: int, story: int, batch: ClusterBatch) -> None:
        old = self.story_of.get(article_id)
        if old is not None and old != story:
            self.members[old].discard(article_id)
            batch.touched.add(old)
        self.story_of[article_id] = story
        self.members.setdefault(story, set()).add(article_id)
        batch.touched.add(story)

    def merge(self, keep: int, gone: int, article_id: int, link: float, batch: ClusterBatch) -> int:
        """Move the smaller story's members into the larger one; return the story kept."""
        if len(self.members[gone]) > len(self.members[keep]):
            keep, gone = gone, keep
        moving = sorted(self.members[gone])
        for member in moving:
            self.place(member, keep, batch)
            if member in batch.assigned:
                batch.assigned[member] = (keep, batch.assigned[member][1])
            else:
                batch.moved[member] = keep
        del self.members[gone]
        batch.merged[gone] = keep
        batch.events.append(("merge", keep, gone, article_id, {"link": round(link, 4), "moved": len(moving)}))
        return keep

    def linkage_groups(self, members: list[int]) -> list[list[int]]:
        """Members grouped by average linkage of their pair scores, cut at the split threshold."""
        views = [self.view(m) for m in members]
        size = len(members)
        scores = np.zeros((size, size))
        for i in range(size):
            for j in range(i + 1, size):
                scores[i, j] = scores[j, i] = self.view_score(views[i], views[j])
        labels = cut_groups(scores, self.split_at)
        groups: dict[int, list[int]] = {}
        for member, label in zip(members, labels, strict=True):
            groups.setdefault(int(label), []).append(member)
        return list(groups.values())

    def split_check(
        self, story: int, batch: ClusterBatch, summary: ClusterSummary, grown: float = 2.0
    ) -> None:
        """Split the story along its average-linkage groups if it has grown ``grown`` times since checked."""
        s = self.settings
        members = sorted(self.members.get(story, ()))
        size = len(members)
        if size < s.split_min_size or size > s.split_max_size or size <= grown * self.checked.get(story, 0):
            return
        self.checked[story] = size
        batch.checked[story] = size
        groups = self.linkage_groups(members)
        if len(groups) < 2:
            return
        ordered = sorted(groups, key=lambda g: (-len(g), g[0]))
        for group in ordered[1:]:
            sid = self.new_story(batch)
            for member in group:
                self.place(member, sid, batch)
                if member in batch.assigned:
                    batch.assigned[member] = (sid, batch.assigned[member][1])
                else:
                    batch.moved[member] = sid
            self.checked[sid] = len(group)
            batch.checked[sid] = len(group)
            batch.events.append(("split", story, sid, None, {"members": group}))
            summary.split += 1

    # -- the loop ----------------------------------------------------------------------------------

    def cluster_batch(self, articles: Sequence[StoredArticle], summary: ClusterSummary) -> ClusterBatch:
        s = self.settings
        batch = ClusterBatch()
        signatures: dict[int, MinHash] = {}
        dup_of: dict[int, int] = {}
        batch_days: dict[int, int | None] = {}
        for article in articles:
            sig = self.duplicates.make_signature(article.text[: s.duplicate_chars])
            day = date_number(article.published)
            for match in self.duplicates.query_signature(sig, min_similarity=s.duplicate_similarity):
                gap = self.days_apart(day, self.day.get(int(match.key), batch_days.get(int(match.key))))
                if gap is None or gap <= s.window_days:  # a copy from outside the window is news again
                    dup_of[article.id] = int(match.key)
                    break
            batch_days[article.id] = day
            signatures[article.id] = sig
            self.duplicates.add_signature(str(article.id), sig)
        fresh = [a for a in articles if a.id not in dup_of]
        vectors = (
            self.embed([lead_text(a.title, a.text, s.lead_chars) for a in fresh])
            if fresh
            else np.zeros((0, 0))
        )
        vector_of = {a.id: vectors[i] for i, a in enumerate(fresh)}
        self.cross.add_batch(articles, lambda: self.near_days([batch_days[a.id] for a in articles]))
        for article in articles:
            names, term_counts, lead_counts = article_features(article, s)
            self.keep_features(article.id, names, term_counts, lead_counts)
            day = date_number(article.published)
            original = dup_of.get(article.id)
            vector = vector_of.get(article.id)
            indexed = False
            if original is not None and original in self.story_of:
                story = self.story_of[original]
                batch.events.append(("duplicate", story, None, article.id, {"of": original}))
                summary.duplicates += 1
            else:
                assert vector is not None or original is not None
                if vector is None:  # a copy of an article that is itself not placed yet
                    vector = self.embed([lead_text(article.title, article.text, s.lead_chars)])[0]
                ranked = self.candidate_stories(vector, self.profile(article.id), day, article.id)
                if ranked and ranked[0][0] >= self.join_at:
                    story = ranked[0][1]
                    joined = {"score": round(ranked[0][0], 4), **undated_detail(day)}
                    batch.events.append(("join", story, None, article.id, joined))
                    summary.joined += 1
                    for score, other in ranked[1:]:
                        if score < self.join_at or other == story or other not in self.members:
                            continue
                        link = self.story_link(story, other)
                        if link >= self.merge_at:
                            story = self.merge(story, other, article.id, link, batch)
                            summary.merged += 1
                else:
                    story = self.new_story(batch)
                    batch.events.append(("create", story, None, article.id, undated_detail(day)))
                    summary.created += 1
                self.vectors.add([article.id], vector.reshape(1, -1))
                indexed = True
            self.place(article.id, story, batch)
            batch.assigned[article.id] = (story, original)
            self.day[article.id] = day
            batch.features.append(
                (
                    article.id,
                    vector_to_bytes(vector) if indexed and vector is not None else b"",
                    signature_to_bytes(signatures[article.id]),
                    write_features(names, term_counts, lead_counts),
                )
            )
            summary.clustered += 1
        for story in sorted(batch.touched):
            if story in self.members and story not in batch.merged:
                self.split_check(story, batch, summary)
        return batch

    def cluster_pending(self, progress: Progress | None = None) -> ClusterSummary:
        """Cluster every article not yet clustered, one committed batch at a time."""
        summary = ClusterSummary()
        touched: set[int] = set()
        while True:
            articles = self.store.pending_articles(self.settings.batch_size)
            if not articles:
                break
            batch = self.cluster_batch(articles, summary)
            self.store.save_cluster_batch(batch)
            touched = (touched | batch.touched) - set(batch.merged)
            if progress is not None:
                progress(len(articles))
            if summary.clustered % (self.settings.batch_size * 40) < len(articles):
                self.vectors.save()
        if touched:
            self.store.save_cluster_batch(self.settle(touched, summary))
        self.vectors.save()
        return summary

    def settle(self, stories: set[int], summary: ClusterSummary) -> ClusterBatch:
        """At the end of a run, check every story that grew in it, with the weights as they are now.

        Early in a stream the document frequencies are thin and a story can take
        in a neighbouring event; this pass undoes that without waiting for the
        story to double again.
        """
        batch = ClusterBatch()
        for story in sorted(stories):
            if story in self.members:
                self.split_check(story, batch, summary, grown=1.0)
        return batch
