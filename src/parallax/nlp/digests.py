"""SHA-256 digests of model files, remembered between runs while a file is unchanged.

Checking the 90 MB MiniLM weights against their recorded SHA-256 costs a fifth of a
second or more on every start. ``remembered_sha256`` keeps each digest it computes in
a small JSON file (``digests.json`` under ``PARALLAX_CACHE_DIR``, by default
``~/.cache/parallax``), keyed on the file's resolved path and stamped with its size
and modification time; when either differs, the file is hashed again. A cache that
cannot be read or written only costs the hashing: the digest is still returned.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from pathlib import Path

CACHE_NAME = "digests.json"


def sha256_file(path: Path) -> str:
    """The SHA-256 hex digest of a file, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def cache_folder() -> Path:
    """Where Parallax remembers things between runs: ``PARALLAX_CACHE_DIR`` or ``~/.cache/parallax``."""
    chosen = os.environ.get("PARALLAX_CACHE_DIR", "")
    return Path(chosen).expanduser() if chosen else Path.home() / ".cache" / "parallax"


def remembered_sha256(path: Path) -> str:
    """The SHA-256 of ``path``: remembered from an earlier run when its size and mtime are unchanged."""
    key = str(path.resolve())
    status = path.stat()
    stamp = {"size": status.st_size, "mtime_ns": status.st_mtime_ns}
    store = cache_folder() / CACHE_NAME
    known = read_digests(store)
    entry = known.get(key)
    if (
        isinstance(entry, dict)
        and entry.get("size") == stamp["size"]
        and entry.get("mtime_ns") == stamp["mtime_ns"]
    ):
        digest = entry.get("sha256")
        if isinstance(digest, str) and len(digest) == 64:
            return digest
    digest = sha256_file(path)
    known[key] = {**stamp, "sha256": digest}
    write_digests(store, known)
    return digest


def read_digests(store: Path) -> dict[str, object]:
    """The remembered digests; an absent, unreadable or malformed file remembers nothing."""
    try:
        data = json.loads(store.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def write_digests(store: Path, known: dict[str, object]) -> None:
    """Replace the digest file in one step; a folder that cannot be written is skipped silently."""
    try:
        store.parent.mkdir(parents=True, exist_ok=True)
        handle, staging = tempfile.mkstemp(dir=store.parent, prefix=".digests-", suffix=".json")
    except OSError:
        return
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(known, out, indent=1, sort_keys=True)
        os.replace(staging, store)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(staging)
