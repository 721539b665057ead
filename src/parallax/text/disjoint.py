"""Groups joined pair by pair (union-find), for the stages that link copies, quotes and names.

The stages used ``scipy.cluster.hierarchy.DisjointSet``; importing ``scipy.cluster`` costs
about 0.3 s of CPU at every start of ``parallax analyze`` (it loads ``scipy.spatial`` and
parses docstrings), for a structure a few lines long. ``DisjointSet`` here keeps the same
interface the stages use (``add``, ``merge``, ``[x]`` for the representative, ``subsets``)
and chooses representatives the same way (the larger group's; on a tie, the one added
first), so groups keyed by their representative come out as they did.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Iterator
from typing import Generic, TypeVar

T = TypeVar("T", bound=Hashable)


class DisjointSet(Generic[T]):
    """Elements in disjoint groups; ``merge(a, b)`` joins the groups of ``a`` and ``b``.

    >>> groups = DisjointSet(["a", "b", "c"])
    >>> groups.merge("a", "c")
    True
    >>> groups["c"], sorted(map(sorted, groups.subsets()))
    ('a', [['a', 'c'], ['b']])
    """

    def __init__(self, elements: Iterable[T] = ()) -> None:
        self._order: dict[T, int] = {}  # element -> when it was added
        self._parent: dict[T, T] = {}
        self._size: dict[T, int] = {}  # for representatives: the size of their group
        for element in elements:
            self.add(element)

    def __len__(self) -> int:
        return len(self._order)

    def __iter__(self) -> Iterator[T]:
        """The elements in the order they were added."""
        return iter(self._order)

    def __contains__(self, element: object) -> bool:
        return element in self._order

    def add(self, element: T) -> None:
        """Add ``element`` as a group of its own (nothing happens when it is present)."""
        if element not in self._order:
            self._order[element] = len(self._order)
            self._parent[element] = element
            self._size[element] = 1

    def __getitem__(self, element: T) -> T:
        """The representative of ``element``'s group; KeyError when it was never added."""
        if element not in self._parent:
            raise KeyError(element)
        root = element
        while self._parent[root] != root:
            root = self._parent[root]
        while self._parent[element] != root:  # point the path straight at the root
            self._parent[element], element = root, self._parent[element]
        return root

    def merge(self, a: T, b: T) -> bool:
        """Join the groups of ``a`` and ``b``; False when they were one group already.

        The representative of the joined group is that of the larger group, or on equal sizes
        that of the element added first."""
        ra, rb = self[a], self[b]
        if ra == rb:
            return False
        if (self._size[ra], self._order[rb]) < (self._size[rb], self._order[ra]):
            ra, rb = rb, ra
        self._parent[rb] = ra
        self._size[ra] += self._size.pop(rb)
        return True

    def connected(self, a: T, b: T) -> bool:
        """Whether ``a`` and ``b`` are in one group."""
        return self[a] == self[b]

    def groups(self) -> list[list[T]]:
        """The groups, in the order their first element was added, each in the order its
        elements were added."""
        found: dict[T, list[T]] = {}
        for element in self._order:
            found.setdefault(self[element], []).append(element)
        return list(found.values())

    def subsets(self) -> list[set[T]]:
        """The groups as sets, in the order their first element was added."""
        return [set(group) for group in self.groups()]
