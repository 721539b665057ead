"""Commands that do not analyse start without the heavy libraries (issue 12, fast start).

Each command runs in a new Python process through a small wrapper that prints, when the
process ends, which of the heavy libraries were imported. ``parallax --help``, ``ingest
--help``, ``stages``, ``stories`` and ``serve`` (until it answers a request) must import none of them.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import bag_embedder
from parallax.cli import app
from parallax.corpus import stories as stories_module

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("torch", "sentence_transformers", "transformers", "spacy", "thinc", "sklearn", "model2vec")
MARK = "heavy-modules:"
# Runs ``parallax`` with the given arguments; at exit, prints the heavy top-level modules imported.
WRAPPER = f"""
import atexit, runpy, sys
heavy = set({HEAVY!r})
atexit.register(lambda: print({MARK!r}, sorted({{m.split('.')[0] for m in sys.modules}} & heavy), flush=True))
sys.argv = ['parallax'] + sys.argv[1:]
runpy.run_module('parallax', run_name='__main__')
"""


def environment() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    return env


def heavy_modules(output: str) -> list[str]:
    """The list the wrapper printed; fails when it printed none (the process died early)."""
    lines = [line for line in output.splitlines() if line.startswith(MARK)]
    assert lines, f"the wrapper printed no module list; output:\n{output[-2000:]}"
    found: list[str] = json.loads(lines[-1][len(MARK) :].strip().replace("'", '"'))
    return found


def run_parallax(*args: str) -> tuple[int, str]:
    done = subprocess.run(
        [sys.executable, "-c", WRAPPER, *args],
        capture_output=True,
        text=True,
        env=environment(),
        timeout=120,
        check=False,
    )
    return done.returncode, done.stdout + done.stderr


@pytest.fixture
def corpus(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(stories_module, "default_embedder", bag_embedder)
    source = tmp_path / "news.jsonl"
    text = "Rescue teams reached Marlow Bay on Saturday after the earthquake destroyed the harbour wall."
    rows = [
        {
            "id": "a",
            "outlet": "Coast Herald",
            "date": "2024-06-02",
            "title": "Quake hits Marlow Bay",
            "text": text,
        },
        {"id": "b", "outlet": "Bay News", "date": "2024-06-02", "title": "Marlow Bay quake", "text": text},
    ]
    source.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    db = tmp_path / "corpus.db"
    result = CliRunner().invoke(app, ["ingest", str(source), "--db", str(db)])
    assert result.exit_code == 0, result.output
    return db


@pytest.mark.parametrize(
    "args", [("--help",), ("ingest", "--help"), ("analyze", "--help"), ("stories", "--help")]
)
def test_fast_start_help_imports_no_heavy_library(args: tuple[str, ...]) -> None:
    code, output = run_parallax(*args)
    assert code == 0, output
    assert "Usage" in output
    assert heavy_modules(output) == []


def test_fast_start_stages_lists_stages_without_heavy_libraries() -> None:
    code, output = run_parallax("stages")
    assert code == 0, output
    assert "split_sentences" in output and "embed_sentences" in output  # every stage module was imported
    assert heavy_modules(output) == []


def test_fast_start_stories_imports_no_heavy_library(corpus: Path) -> None:
    code, output = run_parallax("stories", "--db", str(corpus), "--format", "json")
    assert code == 0, output
    assert "Marlow Bay" in output  # the listing really ran
    assert heavy_modules(output) == []


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def test_fast_start_serve_answers_without_heavy_libraries(corpus: Path) -> None:
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-c", WRAPPER, "serve", "--db", str(corpus), "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=environment(),
    )
    try:
        page = ""
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and server.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as answer:
                    page = answer.read().decode("utf-8")
                break
            except OSError:
                time.sleep(0.2)
        assert "Marlow Bay" in page, "the server did not list the story"
        server.send_signal(signal.SIGINT)
        output, _ = server.communicate(timeout=30)
    finally:
        if server.poll() is None:
            server.kill()
            server.communicate()
    assert heavy_modules(output) == []


@pytest.mark.slow
def test_fast_start_analyze_with_onnx_imports_no_torch(tmp_path: Path) -> None:
    from parallax.nlp.onnx_embedder import BUILD_COMMAND, is_built

    if not is_built():
        pytest.skip(f"the ONNX MiniLM is not built: run `{BUILD_COMMAND}`")
    out = tmp_path / "report.json"
    code, output = run_parallax("analyze", str(ROOT / "examples" / "harbour-bridge"), "-o", str(out))
    assert code == 0, output
    assert json.loads(out.read_text(encoding="utf-8"))["claims"], "the analysis found no claims"
    found = heavy_modules(output)
    assert "spacy" in found  # the analysis really parsed
    assert not {"torch", "transformers", "sentence_transformers"} & set(found), found


@pytest.mark.slow
def test_fast_start_ingest_with_onnx_imports_no_torch(tmp_path: Path) -> None:
    from parallax.nlp.onnx_embedder import BUILD_COMMAND, is_built

    if not is_built():
        pytest.skip(f"the ONNX MiniLM is not built: run `{BUILD_COMMAND}`")
    source = tmp_path / "news.jsonl"
    rows = [
        {"id": "a", "outlet": "Coast Herald", "date": "2024-06-02", "title": "Quake hits Marlow Bay",
         "text": "Rescue teams reached Marlow Bay on Saturday after the earthquake destroyed the harbour."},
        {"id": "b", "outlet": "Bay News", "date": "2024-06-02", "title": "Marlow Bay earthquake",
         "text": "An earthquake destroyed the harbour of Marlow Bay; rescue teams arrived on Saturday."},
        {"id": "c", "outlet": "Farm Weekly", "date": "2024-06-03", "title": "Wheat prices climb",
         "text": "Wheat futures rose for a third week as dry weather cut the expected harvest."},
    ]  # fmt: skip
    source.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    code, output = run_parallax("ingest", str(source), "--db", str(tmp_path / "corpus.db"))
    assert code == 0, output
    assert "clustered 3" in output, output  # the leads were embedded and clustered
    found = heavy_modules(output)
    assert not {"torch", "transformers", "sentence_transformers"} & set(found), found
