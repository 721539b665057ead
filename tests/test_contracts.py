"""Stage contracts (parallax.contracts): paths checked at build time, and every default
stage run on a report holding only what it declares it needs."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import parallax
from conftest import need_shared
from parallax import contracts, pipeline
from parallax.errors import PipelineError
from parallax.options import Options
from parallax.stage import Context, Stage, stage


def nothing(ctx: Context) -> None:
    """Do nothing."""


def make_stage(name: str, requires: tuple[str, ...] = (), provides: tuple[str, ...] = ()) -> Stage:
    return Stage(name, nothing, requires, provides)


def test_contracts_unknown_path_fails_at_build() -> None:
    with pytest.raises(PipelineError, match=r"'report\.claimz'.*Report has no field 'claimz'"):
        pipeline.build([make_stage("typo", provides=("report.claimz",))])
    with pytest.raises(PipelineError, match=r"starts with one of report, article"):
        pipeline.build([make_stage("bare", requires=("claims",))])


def test_contracts_missing_prerequisite_fails_at_build() -> None:
    early = make_stage("early", requires=("report.claims",))
    late = make_stage("late", provides=("report.claims",))
    with pytest.raises(PipelineError, match=r"stage 'early' needs report\.claims"):
        pipeline.build([early, late])
    assert pipeline.build([late, early]) == [late, early]


def test_contracts_given_and_carried_paths_are_known() -> None:
    known = set(contracts.known_paths())
    assert {"report.claims", "article.sentences", "sentence.entities", "ctx.claim_vectors"} <= known
    assert "ctx.report" not in known and "ctx.resources" not in known
    reader = make_stage("reader", requires=("article.original", "article.published", "sentence.text"))
    assert pipeline.build([reader]) == [reader]


def test_contracts_default_pipeline_builds_and_declares_real_paths() -> None:
    stages = pipeline.build(pipeline.default_stages())
    known = set(contracts.known_paths())
    for st in stages:
        assert st.provides, f"{st.name} provides nothing"
        assert set(st.requires) | set(st.provides) <= known
        assert st.description, f"{st.name} has no docstring"


def test_contracts_decorator_keeps_function_and_contract() -> None:
    @stage(requires=("report.claims",), provides=("report.summary",))
    def write_nothing(ctx: Context) -> None:
        """First line.

        More.
        """

    assert write_nothing.name == "write_nothing" and write_nothing.description == "First line."
    assert write_nothing.requires == ("report.claims",)


def copy_context(ctx: Context) -> Context:
    """A deep copy of the data of a context; the resources (models, parses) are shared."""
    copied = Context(copy.deepcopy(ctx.report), ctx.options)
    copied.resources = ctx.resources
    copied.vectors = copy.deepcopy(ctx.vectors)
    copied.claim_vectors = copy.deepcopy(ctx.claim_vectors)
    return copied


def same(a: Any, b: Any) -> bool:
    """Equality that also compares numpy arrays (and containers of them) by value."""
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return isinstance(a, np.ndarray) and isinstance(b, np.ndarray) and np.array_equal(a, b)
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


@pytest.fixture(scope="module", params=["example", "seeds"])
def stage_runs(
    request: pytest.FixtureRequest, example_dir: Path
) -> list[tuple[Stage, Context, dict[str, list[Any]]]]:
    """Each default stage with the context it started from and the fields after it ran, on the
    bundled example and on the seeds (which have number comparisons, copies and syndication)."""
    story = example_dir if request.param == "example" else need_shared("seeds")
    report = parallax.analyze([story], stages=[])
    ctx = Context(report, Options())
    runs = []
    for st in pipeline.build(pipeline.default_stages()):
        before = copy_context(ctx)
        st(ctx)
        runs.append((st, before, contracts.read_fields(ctx.report, ctx)))
    assert ctx.report.claims and ctx.report.summary  # the example is a real story
    return runs


@pytest.mark.parametrize("number", range(len(pipeline.default_stages())))
def test_contracts_stage_runs_on_declared_inputs_only(
    stage_runs: list[tuple[Stage, Context, dict[str, list[Any]]]], number: int
) -> None:
    """Blank every field the stage does not declare; it must give the same output and
    write nothing it does not declare."""
    st, before, full = stage_runs[number]
    ctx = copy_context(before)
    contracts.blank_fields(ctx.report, ctx, (*st.requires, *st.provides))
    blanked = contracts.read_fields(ctx.report, ctx)
    st(ctx)
    after = contracts.read_fields(ctx.report, ctx)
    undeclared_writes = [p for p in after if p not in st.provides and not same(after[p], blanked[p])]
    assert undeclared_writes == [], f"{st.name} writes fields it does not declare"
    differing = [p for p in st.provides if not same(after[p], full[p])]
    assert differing == [], f"{st.name} gives other output with only its declared inputs: it reads more"
