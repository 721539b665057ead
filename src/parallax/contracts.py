"""Stage contracts as attribute paths, checked against the data model.

A path is ``<owner>.<field>``. The owners are the model's dataclasses a stage can
reach (``report``, ``article``, ``sentence``, ``claim``) and the Context (``ctx``)
for data one stage hands to a later one (its fields marked ``CARRIED``).
A path is known when its field is a field of that dataclass.

Fields an article has when it is read (``GIVEN``) are there before any stage runs.
A field without a default (``Sentence.text``, ``Claim.mentions``) and not given is
part of the object itself: it comes with the list that holds the object
(``article.sentences``, ``report.claims``), so it is there whenever the object is.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import MISSING, Field, fields
from typing import Any

from parallax.errors import PipelineError
from parallax.model import Article, Claim, Report, Sentence
from parallax.stage import Context, Stage

OWNERS: dict[str, type] = {
    "report": Report,
    "article": Article,
    "sentence": Sentence,
    "claim": Claim,
    "ctx": Context,
}

# Fields present before the first stage: the articles as read.
GIVEN = (
    "report.articles",
    "report.skipped",
    "report.notes",
    "article.outlet",
    "article.published",
    "article.warnings",
    "article.meta",
)

# Filled by the pipeline runner, not by stages.
RUNNER = ("report.stages", "report.timings")


def _path_fields(owner: str) -> list[Field[Any]]:
    """The fields of an owner that can be named in a contract."""
    found = fields(OWNERS[owner])
    return [f for f in found if f.metadata.get("carried")] if owner == "ctx" else list(found)


def is_identity(owner: str, f: Field[Any]) -> bool:
    """A field that comes with its object (no default, not given): never blanked, always there."""
    if owner in ("report", "ctx") or f"{owner}.{f.name}" in GIVEN:
        return False
    return f.default is MISSING and f.default_factory is MISSING


def identity_paths() -> list[str]:
    return [f"{o}.{f.name}" for o in OWNERS for f in _path_fields(o) if is_identity(o, f)]


def known_paths() -> list[str]:
    """Every path a contract may name, owner by owner."""
    return [f"{owner}.{f.name}" for owner in OWNERS for f in _path_fields(owner)]


def check_path(path: str, stage_name: str) -> None:
    """Raise PipelineError unless ``path`` names a field of the data model."""
    owner, _, name = path.partition(".")
    if owner not in OWNERS:
        raise PipelineError(
            f"stage '{stage_name}' declares '{path}': a contract path starts with one of "
            f"{', '.join(OWNERS)} (for example 'report.claims')"
        )
    names = [f.name for f in _path_fields(owner)]
    if name not in names:
        raise PipelineError(
            f"stage '{stage_name}' declares '{path}', but {OWNERS[owner].__name__} has no field "
            f"'{name}'; its fields: {', '.join(names)}"
        )


def check_contracts(stages: Sequence[Stage]) -> None:
    """Check every path, then that each stage's needs are given or provided by an earlier stage."""
    for st in stages:
        for path in (*st.requires, *st.provides):
            check_path(path, st.name)
    have = {*GIVEN, *identity_paths()}
    for st in stages:
        missing = [r for r in st.requires if r not in have]
        if missing:
            raise PipelineError(
                f"stage '{st.name}' needs {', '.join(missing)}, which no earlier stage provides "
                "and the input does not give; put the stage that provides it first"
            )
        have.update(st.provides)


def _holders(report: Report, ctx: Context, owner: str) -> Iterator[Any]:
    if owner == "report":
        yield report
    elif owner == "ctx":
        yield ctx
    elif owner == "article":
        yield from report.articles
    elif owner == "sentence":
        yield from (s for a in report.articles for s in a.sentences)
    elif owner == "claim":
        yield from report.claims


def _default(f: Field[Any]) -> Any:
    if f.default_factory is not MISSING:
        return f.default_factory()
    return None if f.default is MISSING else copy.copy(f.default)


def blank_fields(report: Report, ctx: Context, keep: Iterable[str]) -> None:
    """Reset every path not in ``keep`` (nor given) to its default, owner objects first."""
    kept = set(keep)
    for owner in OWNERS:
        for f in _path_fields(owner):
            path = f"{owner}.{f.name}"
            if path in kept or path in RUNNER or path == "report.articles" or is_identity(owner, f):
                continue
            for holder in list(_holders(report, ctx, owner)):
                setattr(holder, f.name, _default(f))


def read_fields(report: Report, ctx: Context) -> dict[str, list[Any]]:
    """Path -> its values (deep copies): the value itself for ``report`` and ``ctx`` paths; for
    the fields of articles, sentences and claims, (position, value) wherever the value is not
    the field's default, so objects a stage creates with default fields change nothing else."""
    values: dict[str, list[Any]] = {}
    for owner in OWNERS:
        for f in _path_fields(owner):
            path = f"{owner}.{f.name}"
            if path in RUNNER or is_identity(owner, f):
                continue  # identity fields are compared with the list that holds their object
            found = [_shape(getattr(h, f.name)) for h in _holders(report, ctx, owner)]
            if owner not in ("report", "ctx"):
                blank = _default(f)
                found = [(n, v) for n, v in enumerate(found) if v != blank]
            values[path] = copy.deepcopy(found)
    return values


def _shape(value: Any) -> Any:
    """A list of articles, sentences or claims reduced to their own fields (without the paths below them)."""
    if isinstance(value, list) and value and isinstance(value[0], Article | Sentence | Claim):
        owner = {Article: "article", Sentence: "sentence", Claim: "claim"}[type(value[0])]
        own = [f.name for f in fields(value[0]) if is_identity(owner, f)]
        return [tuple(getattr(item, name) for name in own) for item in value]
    return value
