"""parallax.text.disjoint against scipy's DisjointSet, which the stages used before."""

from __future__ import annotations

import random

import pytest
from scipy.cluster.hierarchy import DisjointSet as ScipyDisjointSet

from parallax.text.disjoint import DisjointSet


@pytest.mark.parametrize("seed", range(20))
def test_text_disjoint_matches_scipy(seed: int) -> None:
    """Random merges give the same representatives, the same answers and the same groups."""
    rng = random.Random(seed)
    size = rng.randint(2, 40)
    names = [f"e{n}" for n in rng.sample(range(1000), size)]
    ours: DisjointSet[str] = DisjointSet(names[: size // 2])
    theirs: ScipyDisjointSet = ScipyDisjointSet(names[: size // 2])
    for name in names[size // 2 :]:  # some added later, one at a time
        ours.add(name)
        theirs.add(name)
    for _ in range(rng.randint(0, 2 * size)):
        a, b = rng.choice(names), rng.choice(names)
        assert ours.merge(a, b) == theirs.merge(a, b)
        assert [ours[n] for n in names] == [theirs[n] for n in names]
    assert ours.subsets() == theirs.subsets()
    a, b = rng.choice(names), rng.choice(names)
    assert ours.connected(a, b) == theirs.connected(a, b)
    assert len(ours) == len(theirs) and list(ours) == list(theirs)


def test_text_disjoint_unknown_element() -> None:
    groups: DisjointSet[int] = DisjointSet([1, 2])
    groups.add(1)  # present already: nothing changes
    assert len(groups) == 2 and 3 not in groups
    with pytest.raises(KeyError):
        groups[3]
    assert groups.merge(1, 2) and not groups.merge(2, 1)
    assert groups.subsets() == [{1, 2}]
