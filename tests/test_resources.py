"""Resources built from Options once per run; BABE only when pointed at."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from parallax.cli import app
from parallax.lexicons import BABE_SOURCE, BABE_VARIABLE, LexiconUnavailable, find_babe
from parallax.model import Report
from parallax.options import Options
from parallax.resources import Resources
from parallax.stage import Context


def write_babe(folder: Path) -> Path:
    rows = [
        '{"text": "The zealots stormed the hall.", "biased_words": ["zealots"]}',
        '{"text": "Zealots again.", "biased_words": ["zealots"]}',
    ]
    path = folder / "sentences.jsonl"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_resources_babe_is_not_searched_for(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv(BABE_VARIABLE, raising=False)
    monkeypatch.chdir(tmp_path)
    write_babe(tmp_path)  # a copy in the working directory is not picked up
    assert find_babe() is None
    lexicon = Resources(Options()).lexicon
    assert BABE_SOURCE not in set(lexicon.words.values())
    assert any("BABE not given" in line for line in lexicon.sources)


def test_resources_babe_from_option_or_variable(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv(BABE_VARIABLE, raising=False)
    path = write_babe(tmp_path)
    assert Resources(Options(babe_path=str(tmp_path))).lexicon.source_of("zealots") == BABE_SOURCE
    assert Resources(Options(babe_path=str(path), use_babe=False)).lexicon.source_of("zealots") is None
    monkeypatch.setenv(BABE_VARIABLE, str(tmp_path))
    assert find_babe() == path
    assert "zealots" in Resources(Options()).judgement_words


def test_resources_babe_path_that_does_not_exist_says_so(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv(BABE_VARIABLE, raising=False)
    with pytest.raises(LexiconUnavailable, match="does not exist"):
        find_babe(str(tmp_path / "nowhere"))
    with pytest.raises(LexiconUnavailable, match="PARALLAX_BABE"):  # before any stage runs
        Context(Report(), Options(babe_path=str(tmp_path / "nowhere")))


def test_resources_judgement_words_follow_loaded_threshold(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(BABE_VARIABLE, raising=False)
    wide = Resources(Options(loaded_threshold=1.0)).judgement_words
    narrow = Resources(Options(loaded_threshold=3.0)).judgement_words
    assert narrow < wide
    assert "claimed" in narrow  # judgement-laden attribution verbs are there at any threshold


def test_resources_built_once_per_run() -> None:
    ctx = Context(Report(), Options())
    assert ctx.resources.lexicon is ctx.resources.lexicon
    assert ctx.resources.judgement_words is ctx.resources.judgement_words
    assert Context(Report(), Options()).resources is not ctx.resources  # a new run, a new parser cache


def test_resources_stages_command_prints_every_stage() -> None:
    from parallax.pipeline import default_stages

    result = CliRunner().invoke(app, ["stages"], env={"COLUMNS": "250"})
    assert result.exit_code == 0
    for st in default_stages():
        assert st.name in result.output
    assert "ctx.claim_vectors" in result.output and "report.entities" in result.output
