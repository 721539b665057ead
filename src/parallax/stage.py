"""What an analysis stage is: a plain function over a Context that declares its contract.

A stage says which fields it reads (``requires``) and which it writes (``provides``),
as attribute paths into the data model: ``report.claims``, ``article.sentences``,
``sentence.entities``, ``claim.independent_sources``, or ``ctx.vectors`` for data
carried on the Context between stages. ``pipeline.build`` checks every path against
the model (see ``parallax.contracts``) and checks that each required path is given or
provided by an earlier stage, so a missing prerequisite fails when the pipeline is
built rather than halfway through an analysis.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import InitVar, dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from parallax.model import Report, Sentence
from parallax.options import Options
from parallax.resources import Resources

if TYPE_CHECKING:
    from parallax.nlp.cache import AnalysisCache

# Data one stage hands to later ones on the Context (a ``ctx.<name>`` path in a contract).
CARRIED = {"carried": True}


@dataclass
class Context:
    """The state an analysis carries from stage to stage.

    ``resources`` holds what is built from the options (lexicon, spaCy pipeline and
    shared parser, embedder): built once per run, so every stage sees the same settings.
    """

    report: Report
    options: Options
    resources: Resources = field(init=False, repr=False, compare=False)
    # One unit-length row per sentence, in ``sentences()`` order (embed_sentences).
    vectors: np.ndarray | None = field(default=None, metadata=CARRIED)
    # Claim id -> the mean of its mention vectors, unit length (group_claims).
    claim_vectors: dict[str, np.ndarray] | None = field(default=None, metadata=CARRIED)
    # Per-text results kept across runs (``parallax.nlp.cache``); None computes everything.
    cache: InitVar[AnalysisCache | None] = None

    def __post_init__(self, cache: AnalysisCache | None) -> None:
        self.resources = Resources.for_options(self.options, cache)

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

    @property
    def description(self) -> str:
        """The first line of the stage function's docstring."""
        doc = (self.func.__doc__ or "").strip()
        return doc.splitlines()[0].strip() if doc else ""

    def __call__(self, ctx: Context) -> None:
        self.func(ctx)


def stage(*, requires: tuple[str, ...] = (), provides: tuple[str, ...] = ()) -> Callable[[StageFunc], Stage]:
    """Turn a function into a Stage with a declared contract (attribute paths, see the module)."""

    def wrap(func: StageFunc) -> Stage:
        return Stage(func.__name__, func, tuple(requires), tuple(provides))

    return wrap
