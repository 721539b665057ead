"""The static (model2vec) embedding model: built offline from MiniLM, checked, loaded."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from parallax.errors import ModelUnavailable
from parallax.nlp import static as static_model
from parallax.nlp.pretrained import EMBEDDER_SHA256

pytestmark = pytest.mark.slow  # the first run on a machine builds the model (minutes)


@pytest.fixture(scope="module")
def built_folder() -> Path:
    """The static model's folder, built now (two to five minutes) if it is not built yet."""
    try:
        static_model.ensure_static_model()
    except ModelUnavailable as exc:
        pytest.skip(f"the static model cannot be built on this machine: {exc}")
    return static_model.default_folder()


def test_static_paraphrase_scores_above_unrelated(built_folder: Path) -> None:
    rows = static_model.embed_static(
        [
            "The council approved the new budget on Tuesday.",
            "On Tuesday the new budget was approved by the council.",
            "Heavy snow closed the mountain pass for three days.",
        ],
        built_folder,
    )
    assert rows.shape[0] == 3
    assert rows.dtype.name == "float32"
    paraphrase, unrelated = float(rows[0] @ rows[1]), float(rows[0] @ rows[2])
    assert paraphrase > unrelated + 0.3
    assert abs(float(rows[2] @ rows[2]) - 1.0) < 1e-5


def test_static_manifest_records_source_and_outputs(built_folder: Path) -> None:
    manifest = static_model.verify_static_files(built_folder)
    assert manifest["source_sha256"] == EMBEDDER_SHA256
    assert manifest["model2vec_version"]
    files = manifest["files"]
    assert isinstance(files, dict)
    assert set(files) == set(static_model.CHECKED_FILES)


def test_static_damaged_file_is_refused(built_folder: Path, tmp_path: Path) -> None:
    copy = tmp_path / "static"
    shutil.copytree(built_folder, copy)
    config = copy / "config.json"
    config.write_text(config.read_text(encoding="utf-8") + " ", encoding="utf-8")
    with pytest.raises(ModelUnavailable, match=r"config\.json is damaged.*build_static_model\.py"):
        static_model.load_static_model(copy)


def test_static_other_source_is_refused(built_folder: Path, tmp_path: Path) -> None:
    copy = tmp_path / "static"
    shutil.copytree(built_folder, copy)
    manifest = json.loads((copy / "manifest.json").read_text(encoding="utf-8"))
    manifest["source_sha256"] = "0" * 64
    (copy / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(ModelUnavailable, match="not distilled from the expected all-MiniLM-L6-v2"):
        static_model.load_static_model(copy)


def test_static_absent_says_what_to_run(tmp_path: Path) -> None:
    with pytest.raises(ModelUnavailable, match=r"no static embedding model.*build_static_model\.py"):
        static_model.load_static_model(tmp_path / "nowhere")


def test_static_folder_follows_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PARALLAX_STATIC_MODEL", str(tmp_path / "mine"))
    assert static_model.default_folder() == tmp_path / "mine"
    monkeypatch.delenv("PARALLAX_STATIC_MODEL")
    assert static_model.default_folder().name == "static-minilm"
