"""What an analysis stage is: a plain function over a Context that declares its contract.

A stage says which facts it needs (``requires``) and which it adds (``provides``).
``pipeline.build`` checks the contracts when the pipeline is built, so a missing
prerequisite fails at once rather than halfway through an analysis.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from parallax.model import Report, Sentence
from parallax.options import Options


@dataclass
class Context:
    """The state an analysis carries from stage to stage."""

    report: Report
    options: Options
    vectors: np.ndarray | None = None  # one unit-length row per sentence, in ``sentences()`` order
    extras: dict[str, Any] = field(default_factory=dict)  # stage-private intermediate results

    def sentences(self) -> list[Sentence]:
        """Every sentence of every article, in article order."""
        return [s for a in self.report.articles for s in a.sentences]


StageFunc = Callable[[Context], None]


@dataclass(frozen=True)
class Stage:
    name: str
    func: StageFunc
    requires: tuple[str, ...]
    provides: tuple[str, ...]

    def __call__(self, ctx: Context) -> None:
        self.func(ctx)


def stage(*, requires: tuple[str, ...] = (), provides: tuple[str, ...] = ()) -> Callable[[StageFunc], Stage]:
    """Turn a function into a Stage with a declared contract."""

    def wrap(func: StageFunc) -> Stage:
        return Stage(func.__name__, func, tuple(requires), tuple(provides))

    return wrap
