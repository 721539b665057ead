"""Arrival-order document frequencies for windowed clustering (parallax.corpus.arrival): replayed from
the early arrivals' postings, they weigh a bag as the in-process clusterer's growing counts do."""

from __future__ import annotations

import numpy as np

from parallax.corpus.arrival import ArrivalFrequencies, early_postings
from parallax.corpus.bags import Bag, Frequencies

IDS = [2, 5, 7, 9, 11]  # arrival order; the first three are replayed exactly
BAGS = {
    2: Bag.from_counts({10: 1, 11: 2, 12: 1}),
    5: Bag.from_counts({10: 1, 12: 3, 13: 1}),
    7: Bag.from_counts({11: 1, 13: 1, 14: 1}),
    9: Bag.from_counts({10: 2, 14: 1, 15: 1}),
    11: Bag.from_counts({12: 1, 15: 1, 16: 1}),
}


def growing(upto: int) -> Frequencies:
    counts = Frequencies()
    for article_id in IDS:
        if article_id <= upto:
            counts.add(BAGS[article_id])
    return counts


def replayed(members: list[int] | None = None) -> ArrivalFrequencies:
    early = early_postings(IDS[:3], [], [BAGS[i] for i in IDS[:3]], [])
    if members is not None:
        early = early.for_window(members)
    return ArrivalFrequencies(early.ids, early.terms, growing(IDS[-1]).counts())


def same_weights(a: Frequencies, b: Frequencies, bag: Bag) -> bool:
    return bool(
        np.allclose(a.weigh(bag).unit, b.weigh(bag).unit) and np.allclose(a.weigh(bag).idf, b.weigh(bag).idf)
    )


def test_arrival_frequencies_follow_the_arrivals_then_the_whole_corpus() -> None:
    frequencies = replayed()
    held = set(frequencies.postings.keys.tolist())
    assert 13 in held and 14 not in held  # of the early arrivals, only article 7 holds 14: it weighs nothing
    frequencies.advance(5)
    assert frequencies.docs == 2
    assert same_weights(frequencies, growing(5), BAGS[5])
    assert not same_weights(frequencies, growing(11), BAGS[5])  # the whole corpus weighs 12 otherwise
    frequencies.add(BAGS[9])  # adding changes nothing: the postings hold every arrival
    frequencies.advance(7)
    assert frequencies.docs == 3 and same_weights(frequencies, growing(7), BAGS[7])
    frequencies.advance(9)  # past the early arrivals: the whole corpus
    assert frequencies.docs == 5 and same_weights(frequencies, growing(11), BAGS[9])


def test_arrival_frequencies_for_a_window_keep_what_its_early_members_hold() -> None:
    whole, window = replayed(), replayed([5, 9])  # of the early arrivals, the window holds only 5
    assert len(window.postings.keys) < len(whole.postings.keys)
    assert window.postings.ids.tolist() == [5, 5, 5]  # articles 2 and 5 summed where 5 arrives
    assert dict(zip(window.postings.keys.tolist(), window.postings.counts.tolist(), strict=True)) == {
        10: 2,
        12: 2,
        13: 1,
    }
    assert 14 not in set(window.postings.keys.tolist())  # only article 7, outside the window, holds 14
    for frequencies in (whole, window):
        frequencies.advance(5)
    assert same_weights(window, whole, BAGS[5])
    window.advance(9)
    assert same_weights(window, growing(11), BAGS[9])
