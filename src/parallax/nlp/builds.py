"""What the model builds share (``nlp/static.py``'s static model, ``nlp/onnx_build.py``'s
ONNX export): a staging folder moved into place only when complete, so an interrupted build
leaves no half-written model behind; a manifest naming the source model and its checksum,
the build's own details and each output file's SHA-256; and the check of a built folder
against its manifest when the model loads (``verify_manifest``)."""

from __future__ import annotations

import json
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from parallax.errors import ModelUnavailable
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


def verify_manifest(
    folder: Path,
    name: str,
    *,
    what: str,
    made: str,
    build_command: str,
    files: Sequence[str] | None = None,
    digest: Callable[[Path], str] = sha256_file,
) -> dict[str, object]:
    """Check a built model ``folder`` against its manifest ``name``: made from the expected MiniLM,
        and each of ``files`` (all those the manifest lists when None) present with the recorded
        SHA-256 (``digest`` computes it). Returns the manifest; raises ModelUnavailable saying what
        is wrong and to run ``build_command``. ``what`` names the model and ``made`` how it was made
    from MiniLM ("distilled", "exported") in messages."""
    path = folder / name
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ModelUnavailable(f"cannot read {path}: {exc}; rebuild with `{build_command}`") from exc
    if not isinstance(manifest, dict) or not isinstance(manifest.get("files"), dict):
        raise ModelUnavailable(f"{path} lists no files; rebuild with `{build_command}`")
    if manifest.get("source_sha256") != EMBEDDER_SHA256:
        raise ModelUnavailable(
            f"the {what} at {folder} was not {made} from the expected all-MiniLM-L6-v2 "
            f"(source SHA-256 {str(manifest.get('source_sha256'))[:12]}...); rebuild with `{build_command}`"
        )
    recorded: dict[str, object] = manifest["files"]
    for file_name in recorded if files is None else files:
        expected = recorded.get(file_name)
        file = folder / file_name
        if not file.exists() or not isinstance(expected, str):
            raise ModelUnavailable(f"{file} is missing; rebuild with `{build_command}`")
        found = digest(file)
        if found != expected:
            raise ModelUnavailable(
                f"{file} is damaged (SHA-256 {found[:12]}..., manifest says {expected[:12]}...); "
                f"rebuild with `{build_command}`"
            )
    return manifest
