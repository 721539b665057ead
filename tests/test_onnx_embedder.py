"""MiniLM through ONNX Runtime (issue 12): the same vectors and reports as sentence-transformers.

The comparisons need the export built (``python scripts/build_onnx_model.py``, run by
``./tasks.sh setup``) and skip when it is not; the checks of a missing or damaged export and of
the backend choice build nothing and always run.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from conftest import ROOT, need_shared
from parallax.errors import ModelUnavailable
from parallax.nlp import embedding
from parallax.nlp.cache import vector_kind
from parallax.nlp.onnx_embedder import (
    BUILD_COMMAND,
    MANIFEST,
    MODEL_FILE,
    TOKENIZER_FILE,
    default_folder,
    is_built,
    load_onnx_embedder,
    verify_onnx_files,
)
from parallax.nlp.pretrained import STANDARD_EMBEDDER

needs_export = pytest.mark.skipif(
    not is_built(), reason=f"the ONNX MiniLM is not built: run `{BUILD_COMMAND}`"
)


def seed_sentences() -> list[str]:
    """The seed reports' lines, cut at full stops: a few hundred sentences of real news."""
    texts: list[str] = []
    for path in sorted(need_shared("seeds").glob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            texts += [part.strip() for part in line.split(". ") if part.strip()]
    return texts


def ecbplus_sentences(count: int) -> list[str]:
    """Every n-th annotated ECB+ sentence, ``count`` in all, spread over the topics."""
    lines = need_shared("datasets", "ecbplus", "sentences.jsonl").read_text(encoding="utf-8").splitlines()
    step = max(1, len(lines) // count)
    return [json.loads(line)["text"] for line in lines[::step][:count]]


@pytest.mark.slow
@needs_export
def test_onnx_vectors_match_sentence_transformers() -> None:
    texts = [*seed_sentences(), *ecbplus_sentences(300), "", "   ", "word " * 400]
    assert len(texts) > 350
    onnx = embedding.embed_onnx(texts, batch_size=32)
    torch = embedding.embed_torch(texts, STANDARD_EMBEDDER, batch_size=32)
    assert onnx.shape == torch.shape == (len(texts), 384)
    assert np.allclose(np.linalg.norm(onnx, axis=1), 1.0, atol=1e-5)
    cosines = (onnx * torch).sum(axis=1)
    assert cosines.min() >= 0.9999, f"lowest cosine {cosines.min():.6f} for {texts[int(cosines.argmin())]!r}"


@needs_export
def test_onnx_vectors_do_not_depend_on_batch_or_order() -> None:
    model = load_onnx_embedder()
    texts = ["A short one.", "A somewhat longer sentence about the harbour bridge and its repair.", "Yes"]
    together = model.encode(texts, batch_size=32, threads=1)
    apart = np.vstack([model.encode([text], batch_size=1, threads=1) for text in reversed(texts)])[::-1]
    assert np.abs(together - apart).max() < 1e-5


def copy_export(folder: Path) -> Path:
    if not is_built():
        pytest.skip(f"the ONNX MiniLM is not built: run `{BUILD_COMMAND}`")
    for name in (MANIFEST, TOKENIZER_FILE):
        shutil.copyfile(default_folder() / name, folder / name)
    (folder / MODEL_FILE).symlink_to(default_folder() / MODEL_FILE)
    return folder


def test_onnx_missing_export_says_how_to_build(tmp_path: Path) -> None:
    with pytest.raises(ModelUnavailable, match=r"no ONNX MiniLM.*build_onnx_model\.py"):
        load_onnx_embedder(tmp_path / "absent")


def test_onnx_damaged_tokenizer_is_refused(tmp_path: Path) -> None:
    folder = copy_export(tmp_path)
    (folder / TOKENIZER_FILE).write_text("{}", encoding="utf-8")
    with pytest.raises(ModelUnavailable, match=r"tokenizer\.json is damaged.*build_onnx_model\.py"):
        verify_onnx_files(folder)


def test_onnx_export_from_another_model_is_refused(tmp_path: Path) -> None:
    folder = copy_export(tmp_path)
    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    manifest["source_sha256"] = "0" * 64
    (folder / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(ModelUnavailable, match="not exported from the expected all-MiniLM-L6-v2"):
        verify_onnx_files(folder)


def test_backend_falls_back_to_torch_with_one_notice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PARALLAX_ONNX_MODEL", str(tmp_path / "absent"))
    monkeypatch.setenv("PARALLAX_EMBEDDER", "auto")
    monkeypatch.setattr(embedding, "_noticed", set())
    assert embedding.embedder_backend(STANDARD_EMBEDDER) == "torch"
    assert embedding.embedder_backend(STANDARD_EMBEDDER) == "torch"
    notices = [line for line in capsys.readouterr().err.splitlines() if "build_onnx_model.py" in line]
    assert len(notices) == 1 and "sentence-transformers" in notices[0]


def test_backend_choice_by_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PARALLAX_EMBEDDER", "torch")
    assert embedding.embedder_backend(STANDARD_EMBEDDER) == "torch"
    monkeypatch.setenv("PARALLAX_EMBEDDER", "auto")
    assert embedding.embedder_backend(str(tmp_path)) == "torch"  # a model folder of one's own
    monkeypatch.setenv("PARALLAX_EMBEDDER", "gpu")
    with pytest.raises(ModelUnavailable, match="not one of auto, onnx, torch"):
        embedding.embedder_backend(STANDARD_EMBEDDER)
    monkeypatch.setenv("PARALLAX_EMBEDDER", "onnx")
    monkeypatch.setenv("PARALLAX_ONNX_MODEL", str(tmp_path / "absent"))
    with pytest.raises(ModelUnavailable, match=r"no ONNX MiniLM.*build_onnx_model\.py"):
        embedding.embedder_backend(STANDARD_EMBEDDER)


@needs_export
def test_cache_kind_keeps_onnx_and_torch_vectors_apart(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PARALLAX_EMBEDDER", "onnx")
    onnx_kind = vector_kind(STANDARD_EMBEDDER)
    monkeypatch.setenv("PARALLAX_EMBEDDER", "torch")
    assert vector_kind(STANDARD_EMBEDDER) != onnx_kind
    assert "onnx" in onnx_kind


@pytest.mark.slow
def test_spacy_imported_without_torch_parses_and_torch_still_imports() -> None:
    script = (
        "import sys\n"
        "from parallax.nlp.parser import import_spacy_without_torch\n"
        "import_spacy_without_torch()\n"
        "assert 'spacy' in sys.modules and 'torch' not in sys.modules, sorted(sys.modules)\n"
        "from parallax.nlp.pretrained import load_spacy\n"
        "doc = load_spacy()('The mayor of Marlow Bay opened the bridge. It cost 4 million euros.')\n"
        "assert 'torch' not in sys.modules\n"
        "print('sentences', len(list(doc.sents)), 'entities', len(doc.ents))\n"
        "import torch\n"
        "print('torch', torch.__version__)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        env={**__import__("os").environ, "PYTHONPATH": str(ROOT / "src")},
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "sentences 2" in done.stdout and "torch " in done.stdout


def report_without_timings(folder: Path) -> dict[str, object]:
    import parallax
    from parallax.codec import report_to_dict

    data = report_to_dict(parallax.analyze([folder]))
    data.pop("timings", None)
    return data


@pytest.mark.slow
@needs_export
@pytest.mark.parametrize("which", ["seeds", "example"])
def test_reports_same_with_onnx_and_torch(which: str, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = need_shared("seeds") if which == "seeds" else ROOT / "examples" / "harbour-bridge"
    monkeypatch.setenv("PARALLAX_EMBEDDER", "onnx")
    onnx = report_without_timings(folder)
    monkeypatch.setenv("PARALLAX_EMBEDDER", "torch")
    torch = report_without_timings(folder)
    assert onnx["claims"], "the analysis found no claims"
    assert onnx == torch
