"""Document frequencies as the in-process clusterer has them when each article arrives.

The in-process path (``stories.StoryClusterer.cluster_pending``) places articles
one by one in arrival order (their ids) and weighs names and terms by the
document frequencies of the articles placed so far. Early in a corpus these are
thin: the tenth article is weighed by ten documents, and a pair it joins then may
not score at the threshold once the whole corpus is counted. A time window
(``parallax.corpus.windows``) that weighed every article by the whole corpus
would keep such pairs apart: on 300 AllSides articles that alone cost BCubed
F1 0.016 of agreement with the in-process path, all of it in the first hundred
arrivals.

So a window replays the arrival order for the first ``exact`` arrivals of the
corpus: ``early_postings`` lists, once on the driver, which buckets each of them
holds (names, terms and lead terms); ``for_window`` keeps only the buckets the
window's own early articles hold (nothing else is ever weighed while those are
placed); ``ArrivalFrequencies.advance`` then counts the postings of every article
that arrived up to the one being placed. Past the last early arrival the
frequencies are the whole corpus's, which the in-process ones approach as the
corpus grows (``docs/benchmarks.md``, "Windowed clustering (session 5)").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from parallax.corpus.bags import Bag, DocumentCounts, FixedFrequencies


@dataclass(frozen=True)
class Postings:
    """How many of the early articles that arrived by ``ids`` (ascending) hold each of ``keys``:
    ``counts`` (1 a posting on the driver; summed over the arrivals between two of a window's
    articles in ``EarlyArrivals.for_window``)."""

    ids: np.ndarray
    keys: np.ndarray
    counts: np.ndarray

    @classmethod
    def of(cls, ids: Sequence[int], bags: Sequence[Bag]) -> Postings:
        if not bags:
            return cls(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.int32))
        keys = np.concatenate([b.keys for b in bags]).astype(np.int32)
        return cls(
            np.repeat(np.asarray(ids, dtype=np.int64), [len(b) for b in bags]),
            keys,
            np.ones(len(keys), dtype=np.int32),
        )

    def keeping(self, vocabulary: np.ndarray) -> Postings:
        """Only the postings of buckets in ``vocabulary`` (sorted, unique)."""
        keep = np.isin(self.keys, vocabulary, assume_unique=False)
        return Postings(self.ids[keep], self.keys[keep], self.counts[keep])

    def by_step(self, steps: np.ndarray) -> Postings:
        """The postings summed per bucket over the arrivals up to each of ``steps`` (ascending ids)
        since the one before: a window needs the counts only where its own articles arrive.
        Postings after the last step are left out."""
        if not len(steps):
            return Postings(self.ids[:0], self.keys[:0], self.counts[:0])
        kept = self.ids <= steps[-1]
        step = steps[np.searchsorted(steps, self.ids[kept], side="left")].astype(np.int64)
        codes, where = np.unique((step << 32) | self.keys[kept].astype(np.int64), return_inverse=True)
        summed = np.bincount(where, weights=self.counts[kept], minlength=len(codes)).astype(np.int32)
        return Postings(codes >> 32, (codes & 0xFFFFFFFF).astype(np.int32), summed)

    def shared(self) -> Postings:
        """Only the postings of buckets two or more articles hold. A bucket held by one weighs
        nothing however far the arrivals are replayed (``Frequencies.weigh``: document frequency
        under 2), counted or not, so it need not travel."""
        keys, counts = np.unique(self.keys, return_counts=True)
        return self.keeping(keys[counts >= 2])


@dataclass(frozen=True)
class EarlyArrivals:
    """The first arrivals of a corpus (``ids``, ascending) and their names, terms and lead-term buckets."""

    ids: np.ndarray
    names: Postings
    terms: Postings
    leads: Postings

    @property
    def horizon(self) -> int:
        """The id of the last early arrival (0: none)."""
        return int(self.ids[-1]) if len(self.ids) else 0

    def for_window(self, members: Sequence[int]) -> EarlyArrivals:
        """What a window with these article ids needs: the postings of the buckets its early members
        hold, summed between one of its early members and the next (``Postings.by_step``)."""
        early = np.asarray(sorted(i for i in members if i <= self.horizon), dtype=np.int64)

        def needed(postings: Postings) -> Postings:
            vocabulary = np.unique(postings.keys[np.isin(postings.ids, early)])
            return postings.keeping(vocabulary).by_step(early)

        return EarlyArrivals(self.ids, needed(self.names), needed(self.terms), needed(self.leads))


def early_postings(
    ids: Sequence[int], names: Sequence[Bag], terms: Sequence[Bag], leads: Sequence[Bag]
) -> EarlyArrivals:
    """The early arrivals' postings, from their bags in arrival order."""
    return EarlyArrivals(
        np.asarray(ids, dtype=np.int64),
        Postings.of(ids, names).shared(),
        Postings.of(ids, terms).shared(),
        Postings.of(ids, leads).shared(),
    )


class ArrivalFrequencies(FixedFrequencies):
    """Frequencies that ``advance`` to those the in-process path has when an article arrives:
    counted from the early postings up to it, or the whole corpus's past the early arrivals.
    With a window's postings (``EarlyArrivals.for_window``), ``article_id`` must be one of the
    window's articles: the postings are summed up to those only."""

    def __init__(self, arrived: np.ndarray, postings: Postings, whole: DocumentCounts) -> None:
        super().__init__(DocumentCounts(np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.int32), 0))
        self.arrived = arrived
        self.postings = postings
        self.whole = whole
        self.counted = 0  # postings counted so far
        self.final = False

    def advance(self, article_id: int) -> None:
        """Count every article that arrived up to and including ``article_id``."""
        if self.final:
            return
        if not len(self.arrived) or article_id > int(self.arrived[-1]):
            self.finish()
            return
        stop = int(np.searchsorted(self.postings.ids, article_id, side="right"))
        if stop > self.counted:
            np.add.at(
                self.df, self.postings.keys[self.counted : stop], self.postings.counts[self.counted : stop]
            )
            self.counted = stop
        self.docs = int(np.searchsorted(self.arrived, article_id, side="right"))

    def finish(self) -> None:
        """The whole corpus's frequencies, from now on."""
        self.df[:] = 0
        self.df[self.whole.keys] = self.whole.df
        self.docs = self.whole.docs
        self.final = True
