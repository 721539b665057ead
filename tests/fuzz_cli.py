"""Hostile command lines for every ``parallax`` command, and what any of them must give.

Shared by the property-based tests (tests/test_cli_fuzz.py, hypothesis) and the
long run (``bench/fuzz.py --target cli``). ``make_command`` draws one command
line from a ``random.Random``: a command, its arguments and option values from
pools of things that broke programs before (empty names, NaN, huge numbers,
folders where files go, pipes, devices, dangling links, names too long, files
of mutated content from tests/fuzz_inputs.py, ``-o`` onto an input or into a
missing folder). ``run_command`` runs it in-process through typer's CliRunner;
``check_result`` says what every run must give: exit code 0, 1 or 2, never an
exception, and a message whenever the code is not 0.

Nothing reaches the network: URLs name only loopback addresses on a closed
port, ``guard_network`` refuses to resolve any other host name, and ``serve``
never listens (``quiet_server`` replaces ``uvicorn.run``). ``watch`` always gets
``--once``.
"""

from __future__ import annotations

import contextlib
import ipaddress
import os
import random
import socket
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from typer.testing import CliRunner, Result

from fuzz_inputs import SEEDS, make_case
from parallax.cli import app
from parallax.options import describe_options

# The readers' formats that never fetch anything (a mutated URL list could name a real host).
FILE_SUFFIXES = sorted(s for s in SEEDS if s != ".urls")
NUMBERS = [
    "0",
    "1",
    "-1",
    "3",
    "nan",
    "inf",
    "-inf",
    "1e308",
    "99999999999999999999",
    "abc",
    "",
    "0x10",
    "1_0",
]
DURATIONS = [
    "15m",
    "1h30m",
    "0s",
    "-5m",
    "1e400s",
    "99999999999999999999h",
    "365d",
    "366d",
    "soon",
    "",
    "1.5",
]
STRINGS = ["", " ", "\x1b[31mred", "a\nb", "../../etc/passwd", "x" * 300, "é", "%s%n", "[bold]x[/bold]"]
URLS = [
    "http://127.0.0.1:9/a",
    "http://[::1]:9/b",
    "http://",
    "https://[::1",
    "ftp://127.0.0.1/x",
    "HTTP://127.0.0.1:9",
]
REPORT_SUFFIXES = [".json", ".md", ".html", ".txt", ".docx", "", ".JSON", ".parquet", ".jsonl"]
FORMATS = ["text", "json", "md", "html", "JSON", "jsonl", "parquet", "docx", ""]
COMMANDS = [
    *("analyze", "analyze", "ingest", "ingest", "analyse-pending", "stories", "story", "export"),
    *("serve", "watch", "stages", "--version", "nonsense"),
]
SORTS = ["coverage", "recent", "size", "oldest", "title", "random", ""]


@dataclass
class Ground:
    """What the cases of one run share: a folder of odd paths and a small corpus."""

    folder: Path
    corpus: Path  # a corpus with a few stored articles (not clustered)
    odd: list[str] = field(default_factory=list)  # paths that are no plain readable file

    @classmethod
    def make(cls, folder: Path, corpus: Path) -> Ground:
        ground = cls(folder, corpus)
        (folder / "empty-folder").mkdir(exist_ok=True)
        (folder / "empty.txt").write_bytes(b"")
        (folder / "no-extension").write_bytes(SEEDS[".txt"])
        pipe = folder / "pipe.txt"
        if not pipe.exists():
            os.mkfifo(pipe)
        dangling = folder / "dangling.txt"
        if not dangling.is_symlink():
            dangling.symlink_to(folder / "nowhere.txt")
        ground.odd = [
            str(folder / "empty-folder"),
            str(folder / "empty.txt"),
            str(folder / "no-extension"),
            str(pipe),
            str(dangling),
            str(folder / "missing.txt"),
            str(folder / ("n" * 300 + ".txt")),  # longer than a file name may be
            "/dev/null",
            "",
            " ",
        ]
        return ground


def hostile_file(folder: Path, rng: random.Random) -> Path:
    """A file of mutated content in one of the readers' formats, under ``folder``."""
    suffix = rng.choice(FILE_SUFFIXES)
    name = rng.choice(["case", "café ünï", "-dash", "a b", "\x1b[2J"])
    path = folder / f"{name}{suffix}"
    path.write_bytes(make_case(suffix, rng))
    return path


def pick_source(ground: Ground, case: Path, rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.45:
        return str(hostile_file(case, rng))
    if roll < 0.55:
        return str(case)  # a folder of hostile files
    if roll < 0.65:
        return rng.choice(URLS)
    return rng.choice(ground.odd)


def pick_db(ground: Ground, case: Path, rng: random.Random) -> str:
    return rng.choice(
        [
            str(ground.corpus),
            str(ground.corpus),
            str(case / "new.db"),
            str(case / "deeper" / "new.db"),
            str(hostile_file(case, rng)),
            "sqlite:///x.db",
            "postgresql:///none?host=/nonexistent-socket-folder&connect_timeout=1",
            *ground.odd,
        ]
    )


def pick_output(ground: Ground, case: Path, rng: random.Random, inputs: list[str]) -> str:
    suffix = rng.choice(REPORT_SUFFIXES)
    return rng.choice(
        [
            str(case / f"report{suffix}"),
            str(case / "missing-folder" / f"report{suffix}"),
            str(ground.folder / "empty.txt" / f"report{suffix}"),  # under a file
            str(ground.folder / "empty-folder"),
            inputs[0] if inputs else str(case / "report.json"),
            "/dev/full",
            str(case / ("o" * 300 + suffix)),
            "",
        ]
    )


def setting_flags(ground: Ground, case: Path, rng: random.Random) -> list[str]:
    """Zero to two analysis settings, with hostile values."""
    flags: list[str] = []
    for name, default, _ in rng.sample(describe_options(), rng.choice([0, 0, 1, 2])):
        flag = "--" + name.replace("_", "-")
        if isinstance(default, bool):
            flags.append(flag if rng.random() < 0.5 else "--no-" + name.replace("_", "-"))
        elif isinstance(default, int | float):
            flags += [flag, rng.choice(NUMBERS)]
        else:
            flags += [flag, rng.choice([*STRINGS, str(hostile_file(case, rng)), *ground.odd])]
    return flags


def fetch_flags(rng: random.Random) -> list[str]:
    flags: list[str] = []
    for flag in ("--timeout", "--host-interval", "--max-bytes"):
        if rng.random() < 0.3:
            flags += [flag, rng.choice(NUMBERS)]
    for flag in ("--allow-private", "--no-robots"):
        if rng.random() < 0.3:
            flags.append(flag)
    return flags


def make_command(ground: Ground, case: Path, rng: random.Random, *, analyses: bool = True) -> list[str]:
    """One hostile command line; its files go in ``case`` (an empty folder).

    Without ``analyses``, no command is given input it could analyse (no models are loaded):
    ``analyze`` and ``ingest`` get only paths that give no article, and ``ingest`` does not cluster.
    """
    command = rng.choice(COMMANDS)
    if command in ("stages", "--version", "nonsense"):
        return [command, *rng.sample(STRINGS, rng.choice([0, 0, 1]))]
    if command in ("analyze", "ingest", "watch"):
        count = rng.choice([0, 1, 1, 2, 3])
        pool = [*ground.odd, *URLS[2:]] if not analyses else None
        sources = [rng.choice(pool) if pool else pick_source(ground, case, rng) for _ in range(count)]
        args = [command, *sources]
        if command == "analyze":
            if rng.random() < 0.5:
                args += [rng.choice(["-o", "--output"]), pick_output(ground, case, rng, sources)]
            if rng.random() < 0.4:
                args += ["--format", rng.choice(FORMATS)]
            return args + setting_flags(ground, case, rng)
        args += ["--db", pick_db(ground, case, rng)] if rng.random() < 0.9 else []
        args += fetch_flags(rng)
        if command == "watch":
            args.append("--once")
            for flag in ("--every", "--max-every"):
                if rng.random() < 0.4:
                    args += [flag, rng.choice(DURATIONS)]
            return args + (["--no-cluster"] if rng.random() < 0.5 or not analyses else [])
        for flag in ("--no-cluster", "--no-analyse"):
            if rng.random() < 0.4 or (flag == "--no-cluster" and not analyses):
                args.append(flag)
        return args + setting_flags(ground, case, rng)
    args = [command]
    if rng.random() < 0.9:
        args += [
            "--db",
            pick_db(ground, case, rng) if analyses else rng.choice([*ground.odd, str(ground.corpus)]),
        ]
    if command == "analyse-pending":
        args += ["--limit", rng.choice(NUMBERS)] if rng.random() < 0.4 else []
        return args + setting_flags(ground, case, rng)
    if command == "stories":
        for flag, pool in (
            ("--limit", NUMBERS),
            ("--min-size", NUMBERS),
            ("--sort", SORTS),
            ("--format", FORMATS),
        ):
            if rng.random() < 0.3:
                args += [flag, rng.choice(pool)]
        return args
    if command == "story":
        args.append(rng.choice(["1", "0", "-1", "99999999999999999999999", "abc", "", "1.5", "1e3", "\x00"]))
        if rng.random() < 0.5:
            args += ["-o", pick_output(ground, case, rng, [])]
        if rng.random() < 0.3:
            args += ["--format", rng.choice(FORMATS)]
        return args + (["--refresh"] if rng.random() < 0.3 else []) + setting_flags(ground, case, rng)
    if command == "export":
        if rng.random() < 0.9:
            args += ["-o", pick_output(ground, case, rng, [])]
        return args + (["--format", rng.choice(FORMATS)] if rng.random() < 0.4 else [])
    # serve: never listens (see quiet_server)
    for flag in ("--port", "--host"):
        if rng.random() < 0.6:
            args += [
                flag,
                rng.choice(NUMBERS if flag == "--port" else ["127.0.0.1", "::1", "", "x y", "0.0.0.0"]),
            ]
    return args + (["--no-worker"] if rng.random() < 0.5 else [])


def run_command(args: list[str], folder: Path | None = None) -> Result:
    """Run a command line in-process, as the ``parallax`` console script would, in ``folder``
    (the working folder, where a default or relative ``--db`` is made)."""
    with contextlib.chdir(folder) if folder is not None else contextlib.nullcontext():
        return CliRunner().invoke(app, args, catch_exceptions=True)


def check_result(args: list[str], result: Result) -> str:
    """What is wrong with a run ('' when nothing): it must end with 0, 1 or 2, never an exception,
    and say something whenever it did not succeed."""
    error = result.exception
    if error is not None and not isinstance(error, SystemExit):
        return f"{type(error).__name__}: {str(error)[:200]}"
    if result.exit_code not in (0, 1, 2):
        return f"exit code {result.exit_code}"
    if "Traceback (most recent call last)" in result.output:
        return "a traceback in the output"
    if result.exit_code and not result.output.strip():
        return f"exit code {result.exit_code} without a message"
    return ""


def refuse_lookup(real: Callable[..., Any]) -> Callable[..., Any]:
    def lookup(host: Any, *args: Any, **kwargs: Any) -> Any:
        name = host.decode() if isinstance(host, bytes) else str(host or "")
        try:
            ipaddress.ip_address(name.strip("[]").split("%")[0])
        except ValueError:
            if name not in ("localhost", ""):
                raise socket.gaierror(
                    socket.EAI_NONAME, f"the fuzz run resolves no host name ({name})"
                ) from None
        return real(host, *args, **kwargs)

    return lookup


@contextlib.contextmanager
def guard_network() -> Iterator[None]:
    """Resolve no host name (only address literals) while the cases run."""
    real = socket.getaddrinfo
    socket.getaddrinfo = refuse_lookup(real)  # type: ignore[assignment]
    try:
        yield
    finally:
        socket.getaddrinfo = real  # type: ignore[assignment]


@contextlib.contextmanager
def quiet_server() -> Iterator[list[Any]]:
    """``parallax serve`` checks its arguments and builds the app, but never listens."""
    import uvicorn

    calls: list[Any] = []
    real = uvicorn.run
    uvicorn.run = lambda web, **kwargs: calls.append(kwargs)  # type: ignore[assignment]
    try:
        yield calls
    finally:
        uvicorn.run = real  # type: ignore[assignment]
