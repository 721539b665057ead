"""Turning what a reader pasted or uploaded into input files for an analysis.

Everything here is untrusted: file names are never used as paths (each file is
written under a generated name, and its given name is only shown, escaped),
and sizes, counts and types are limited with messages a person can act on.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from parallax.errors import InputError
from parallax.ingest.sources import UPLOAD_SUFFIXES, iter_sources, suffix_of
from parallax.model import Article

# What `parallax analyze` reads, less URL lists (they would make the server fetch).
ALLOWED_SUFFIXES = UPLOAD_SUFFIXES


# Memory one analysis adds per 100,000 characters of text, measured with bench/job_memory.py on
# 2026-12-02 (44, 71 and 117 MB for 25,000, 40,000 and 87,000 characters: about 120 MB; see
# docs/benchmarks.md), and the most one analysis may add to the server (jobs run one at a time).
JOB_MB_PER_100K_CHARS = 120
JOB_MEMORY_MB = 1024


def chars_for_memory(megabytes: int) -> int:
    """The text one analysis may take to add at most ``megabytes`` (rounded down to 50,000s)."""
    return megabytes * 100_000 // JOB_MB_PER_100K_CHARS // 50_000 * 50_000


@dataclass(frozen=True)
class Limits:
    """How much one Analyse request may send."""

    max_files: int = 20  # uploaded files
    max_file_bytes: int = 2 * 1024 * 1024  # per uploaded file
    max_pasted: int = 20  # pasted articles
    max_pasted_chars: int = 200_000  # per pasted article
    max_request_bytes: int = 12 * 1024 * 1024  # the whole request body
    # Text in one analysis, all inputs together: it bounds the job's memory (JOB_MEMORY_MB). Counted on
    # the bytes sent, and again on the text read from compressed uploads (check_unpacked_text).
    max_total_chars: int = chars_for_memory(JOB_MEMORY_MB)

    def describe(self) -> str:
        return (
            f"up to {self.max_files} files of at most {self.max_file_bytes // 1024 // 1024} MB each "
            f"({', '.join(ALLOWED_SUFFIXES)}), and up to {self.max_pasted} pasted articles"
        )


@dataclass
class Pasted:
    """One article typed or pasted into the form."""

    text: str
    title: str = ""
    outlet: str = ""
    published: str = ""


@dataclass
class Upload:
    """One uploaded file: its given name (untrusted, for display) and its bytes."""

    name: str
    data: bytes


@dataclass
class Inputs:
    """Input files ready for ``parallax.analyze``, and what each one was called."""

    folder: Path
    paths: list[Path] = field(default_factory=list)
    names: dict[str, str] = field(default_factory=dict)  # written path -> name shown to the reader

    def rename(self, source: str) -> str:
        """A report source (a written path, maybe with "#n") as the reader knows it."""
        for path, name in self.names.items():
            if source == path or source.startswith(path + "#"):
                return name + source[len(path) :]
        return source


def display_name(name: str) -> str:
    """An uploaded file's name made printable (no paths, no control characters)."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(ch for ch in base if ch.isprintable())
    return base[:120] or "unnamed file"


def check_inputs(pasted: list[Pasted], uploads: list[Upload], limits: Limits) -> list[str]:
    """Every problem with a request, as messages; empty when it can be analysed."""
    problems: list[str] = []
    if not pasted and not uploads:
        problems.append("Nothing to analyse: paste the text of an article or choose files to upload.")
    if len(uploads) > limits.max_files:
        problems.append(f"Too many files: {len(uploads)} were sent, at most {limits.max_files} are accepted.")
    if len(pasted) > limits.max_pasted:
        problems.append(f"Too many pasted articles: {len(pasted)}, at most {limits.max_pasted} are accepted.")
    for up in uploads:
        name = display_name(up.name)
        suffix = suffix_of(name)
        if suffix not in ALLOWED_SUFFIXES:
            shown = Path(name).suffix.lower() or "no extension"
            problems.append(
                f"'{name}' is not a supported type ({shown}); use one of {', '.join(ALLOWED_SUFFIXES)}."
            )
        if len(up.data) > limits.max_file_bytes:
            problems.append(
                f"'{name}' is too large ({len(up.data) / 1024 / 1024:.1f} MB); "
                f"the limit is {limits.max_file_bytes / 1024 / 1024:.0f} MB per file."
            )
        elif not up.data:
            problems.append(f"'{name}' is empty.")
    for n, paste in enumerate(pasted, 1):
        if len(paste.text) > limits.max_pasted_chars:
            problems.append(
                f"Pasted article {n} is too long ({len(paste.text):,} characters); "
                f"the limit is {limits.max_pasted_chars:,}."
            )
    # Bytes count as characters here: an upload decodes to at most as many characters as it has bytes.
    total = sum(len(p.text) for p in pasted) + sum(len(up.data) for up in uploads)
    if total > limits.max_total_chars:
        problems.append(
            f"Too much text for one analysis ({total:,} characters in all); "
            f"the limit is {limits.max_total_chars:,}. Send fewer or shorter articles."
        )
    return problems


def check_unpacked_text(paths: list[Path], limit: int) -> None:
    """Raise InputError as soon as the articles read from ``paths`` hold more than ``limit`` characters.

    ``check_inputs`` counts the bytes sent, which bounds the text of every input
    but a compressed one: a .jsonl.gz or .warc.gz of 2 MB can unpack to
    gigabytes of articles, and an analysis's memory grows with its text. Only
    when a compressed file is among ``paths`` are they read here (streamed, one
    record at a time), before the analysis reads them again.
    """
    if not any(path.name.lower().endswith(".gz") for path in paths):
        return
    total = 0
    for _, item in iter_sources([str(path) for path in paths]):
        if isinstance(item, Article):
            total += len(item.original)
            if total > limit:
                raise InputError(
                    f"Too much text for one analysis once the compressed files are unpacked: more than "
                    f"{limit:,} characters, the limit. Nothing was analysed; send fewer or shorter articles."
                )


def write_inputs(pasted: list[Pasted], uploads: list[Upload], root: str | None = None) -> Inputs:
    """Write the inputs into a new private folder, under generated names."""
    folder = Path(tempfile.mkdtemp(prefix="parallax-web-", dir=root))
    os.chmod(folder, 0o700)
    inputs = Inputs(folder=folder)
    for n, paste in enumerate(pasted, 1):
        fields = {"title": paste.title, "outlet": paste.outlet, "published": paste.published}
        given = {k: v.strip() for k, v in fields.items() if v.strip()}
        if given:  # JSON carries the fields the reader filled in
            path = folder / f"pasted-{n:02d}.json"
            path.write_text(json.dumps({"text": paste.text, **given}, ensure_ascii=False), encoding="utf-8")
        else:  # plain text: a short first line may be the title, as for .txt files
            path = folder / f"pasted-{n:02d}.txt"
            path.write_text(paste.text, encoding="utf-8")
        inputs.paths.append(path)
        inputs.names[str(path)] = f"pasted article {n}"
    for n, up in enumerate(uploads, 1):
        suffix = suffix_of(display_name(up.name))
        path = folder / f"upload-{n:02d}{suffix}"
        path.write_bytes(up.data)
        inputs.paths.append(path)
        inputs.names[str(path)] = display_name(up.name)
    return inputs


def remove_inputs(inputs: Inputs) -> None:
    """Delete the folder the inputs were written to."""
    for path in inputs.folder.iterdir():
        path.unlink(missing_ok=True)
    inputs.folder.rmdir()
