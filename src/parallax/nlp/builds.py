"""What the model builders share (``nlp/static.py``'s static model, ``nlp/onnx_build.py``'s
ONNX export): a staging folder moved into place only when complete, so an interrupted build
leaves no half-written model behind, and a manifest naming the source model and its checksum,
the build's own details and each output file's SHA-256 (checked when the model loads)."""

from __future__ import annotations

import json
import shutil
import tempfile
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from parallax.nlp.digests import sha256_file
from parallax.nlp.pretrained import EMBEDDER_PACKAGE, EMBEDDER_SHA256, STANDARD_EMBEDDER


@dataclass(frozen=True)
class BuildResult:
    """Where a model was built, from what, and how long it took."""

    folder: Path
    seconds: float
    manifest: dict[str, object]


@contextmanager
def staged_folder(target: Path) -> Iterator[Path]:
    """A new folder beside ``target``; when the block completes it replaces ``target``, and
    when the block fails (or is interrupted) it is removed."""
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=target.name + ".", dir=target.parent))
    try:
        yield staging
        if target.exists():
            shutil.rmtree(target)
        staging.chmod(0o755)  # mkdtemp makes it private
        staging.rename(target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def write_manifest(
    staging: Path,
    name: str,
    found_via: str,
    began: float,
    files: Sequence[str],
    details: Mapping[str, object],
) -> tuple[float, dict[str, object]]:
    """Write the manifest ``name`` into ``staging``: the source MiniLM and its checksum, the
    build's ``details``, the SHA-256 of each of ``files``; returns (build seconds, manifest)."""
    seconds = time.perf_counter() - began
    manifest: dict[str, object] = {
        "source": STANDARD_EMBEDDER,
        "source_package": EMBEDDER_PACKAGE,
        "source_found_via": found_via,
        "source_sha256": EMBEDDER_SHA256,
        **details,
        "files": {file: sha256_file(staging / file) for file in files},
        "built": datetime.now(UTC).isoformat(timespec="seconds"),
        "build_seconds": round(seconds, 1),
    }
    (staging / name).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return seconds, manifest
