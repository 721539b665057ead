"""What a stored analysis is valid for: a hash of a story's member set, the options, the version."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import asdict
from functools import lru_cache

from parallax.options import Options


def hash_members(content_hashes: Iterable[str]) -> str:
    """A hash of a member set, given its articles' content hashes (in any order)."""
    return hashlib.sha256("\n".join(sorted(content_hashes)).encode()).hexdigest()


def analysis_key(member_hash: str, options: Options | None = None) -> str:
    """The cache key of an analysis: the member set's hash, every option's value, the Parallax version."""
    import parallax

    text = "\n".join((member_hash, settings_text(options or Options()), f"parallax {parallax.__version__}"))
    return hashlib.sha256(text.encode()).hexdigest()


@lru_cache(maxsize=64)
def settings_text(options: Options) -> str:
    """Every option's value as the key takes it (listing a corpus asks once per story)."""
    return json.dumps(asdict(options), sort_keys=True, default=str)
