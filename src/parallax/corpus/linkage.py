"""Average linkage (UPGMA) cut at a distance, for the few dozen rows a story or an analysis groups.

``parallax analyze`` groups its inputs into stories with average linkage of their pair
scores. scipy's ``linkage`` and ``fcluster`` did it, but importing ``scipy.cluster`` costs
about 0.3 s of CPU at every start, more than the grouping of a few articles itself. The
groups here are those of ``fcluster(linkage(d, "average"), cut, "distance")``: rows whose
cophenetic distance is at most ``cut`` share a group. Average linkage is monotone, so that
is the same as joining the two closest groups while they are at most ``cut`` apart, the
distance between two groups being the mean of their rows' pairwise distances. Tests check
the groups against scipy's on random matrices.
"""

from __future__ import annotations

import numpy as np


def average_linkage_groups(distances: np.ndarray, cut: float) -> list[int]:
    """A group number per row of a symmetric distance matrix (0 for the group of row 0, then in
    the order of each group's first row): average linkage, cut at ``cut``."""
    size = distances.shape[0]
    if size == 0:
        return []
    upper = np.triu(np.asarray(distances, dtype=np.float64), 1)
    apart = upper + upper.T  # what scipy reads: the upper triangle, mirrored
    np.fill_diagonal(apart, np.inf)
    sizes = np.ones(size)
    owner = list(range(size))  # row -> the row that stands for its group
    alive = np.ones(size, dtype=bool)
    for _ in range(size - 1):
        masked = np.where(alive[:, None] & alive[None, :], apart, np.inf)
        flat = int(np.argmin(masked))
        a, b = divmod(flat, size)
        if not masked[a, b] <= cut:  # also stops on NaN
            break
        # The joined group's distance to every other: the size-weighted mean (scipy's formula).
        merged = (sizes[a] * apart[a] + sizes[b] * apart[b]) / (sizes[a] + sizes[b])
        apart[a, :] = merged
        apart[:, a] = merged
        apart[a, a] = np.inf
        sizes[a] += sizes[b]
        alive[b] = False
        owner = [a if o == b else o for o in owner]
    numbers: dict[int, int] = {}
    return [numbers.setdefault(o, len(numbers)) for o in owner]
