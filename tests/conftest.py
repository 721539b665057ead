"""Shared fixtures. Expensive things are built once per test session."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from parallax.model import Report

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"


def shared_path(*parts: str) -> Path:
    """A path under ../shared (beside the repository root)."""
    return ROOT.parent.joinpath("shared", *parts)


def need_shared(*parts: str) -> Path:
    """The shared path, or skip the test with a clear message when it is absent."""
    path = shared_path(*parts)
    if not path.exists():
        pytest.skip(f"{path} is absent: these tests need ../shared beside the repository")
    return path


def floor(name: str) -> float:
    """A score floor from tests/data/floors.json; raising one is a deliberate edit."""
    floors: dict[str, float] = json.loads((DATA / "floors.json").read_text(encoding="utf-8"))
    return floors[name]


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    return need_shared("seeds")


@pytest.fixture(scope="session")
def seed_report(seeds_dir: Path) -> Report:
    """A full default analysis of the five seed reports."""
    import parallax

    return parallax.analyze([seeds_dir])


@pytest.fixture(scope="session")
def example_dir() -> Path:
    """The bundled fictional example story."""
    return ROOT / "examples" / "harbour-bridge"


@pytest.fixture(scope="session")
def example_report(example_dir: Path) -> Report:
    import parallax

    return parallax.analyze([example_dir])
