"""Fuzzing every CLI command's input: any command line ends with 0, 1 or 2 and a message, never a traceback.

The cases come from tests/fuzz_cli.py (shared with ``bench/fuzz.py --target cli``);
the crashes they found each have a test below that failed before the fix.
"""

from __future__ import annotations

import random
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fuzz_cli import Ground, check_result, guard_network, make_command, quiet_server, run_command

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "harbour-bridge"


@pytest.fixture(scope="module")
def ground(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Ground]:
    folder = tmp_path_factory.mktemp("cli-fuzz")
    corpus = folder / "corpus.db"
    made = run_command(["ingest", str(EXAMPLE), "--db", str(corpus), "--no-cluster"])
    assert made.exit_code == 0, made.output
    with guard_network(), quiet_server():
        yield Ground.make(folder, corpus)


def run_case(ground: Ground, rng: random.Random, analyses: bool) -> None:
    case = Path(tempfile.mkdtemp(prefix="case-", dir=ground.folder))
    args = make_command(ground, case, rng, analyses=analyses)
    result = run_command(args, case)
    problem = check_result(args, result)
    assert not problem, f"{args!r}: {problem}\n{result.output[-2000:]}"


FUZZ = settings(
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


@settings(FUZZ, max_examples=60)
@given(rng=st.randoms(use_true_random=False))
def test_cli_fuzz_any_command_line_ends_with_a_message_not_a_traceback(
    ground: Ground, rng: random.Random
) -> None:
    run_case(ground, rng, analyses=False)


@pytest.mark.slow
@settings(FUZZ, max_examples=25)
@given(rng=st.randoms(use_true_random=False))
def test_cli_fuzz_commands_that_read_and_analyse_hostile_files(ground: Ground, rng: random.Random) -> None:
    run_case(ground, rng, analyses=True)


# -- the crashes the fuzzing found, each through the command line ---------------------------------


def test_cli_fuzz_watch_refuses_an_interval_past_any_date(tmp_path: Path) -> None:
    feed = tmp_path / "feed.rss"
    feed.write_text("<rss version='2.0'><channel><title>x</title></channel></rss>")
    for every in ("99999999999999999999h", "366d"):
        result = run_command(["watch", str(feed), "--db", str(tmp_path / "c.db"), "--once", "--every", every])
        assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
        assert result.exit_code == 2 and "longer than a year" in result.output, result.output


@pytest.mark.parametrize(
    ("flag", "value"),
    [
        ("--timeout", "nan"),
        ("--timeout", "inf"),
        ("--timeout", "1e308"),
        ("--timeout", "-1"),
        ("--host-interval", "inf"),
        ("--max-bytes", "0"),
    ],
)
def test_cli_fuzz_ingest_refuses_fetch_values_the_sockets_cannot_take(
    tmp_path: Path, flag: str, value: str
) -> None:
    with guard_network():
        result = run_command(
            [
                *("ingest", "http://127.0.0.1:9/a", "http://127.0.0.1:9/b", "--db", str(tmp_path / "c.db")),
                *("--allow-private", "--no-robots", "--no-cluster", flag, value),
            ]
        )
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == 2 and f"{flag} must be from" in result.output, result.output
    assert not (tmp_path / "c.db").exists()  # refused before the corpus is made


def test_cli_fuzz_analyze_an_empty_name_reads_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "a.txt").write_text("Outlet: A\n\nThe quay closed on Tuesday after a crane fell over.\n")
    monkeypatch.chdir(tmp_path)  # before the fix, "" was read as "." (this folder) and analysed
    result = run_command(["analyze", ""])
    assert result.exit_code == 1 and "an empty name" in result.output, result.output


def test_cli_fuzz_a_text_file_given_as_the_corpus_is_left_as_it_is(tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    for content in (b"x", b"my notes\n"):
        notes.write_bytes(content)
        result = run_command(["stories", "--db", str(notes)])
        assert result.exit_code == 1 and "is not a SQLite database" in result.output, result.output
        assert notes.read_bytes() == content  # before the fix a one-byte file became a database


def test_cli_fuzz_analyze_an_input_name_too_long_with_an_output_file(tmp_path: Path) -> None:
    # found by bench/fuzz.py --target cli: checking -o against the inputs raised OSError (name too long)
    too_long = str(tmp_path / ("n" * 300 + ".txt"))
    result = run_command(["analyze", too_long, "-o", str(tmp_path / "report.json")])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == 1 and "too long" in result.output, result.output


def test_cli_fuzz_babe_and_model_paths_that_are_too_long_or_pipes(tmp_path: Path) -> None:
    # found by bench/fuzz.py --target cli: --babe-path with a name too long raised OSError;
    # a pipe given as BABE would have blocked the reader forever
    import os

    from parallax.errors import ModelUnavailable
    from parallax.lexicons import LexiconUnavailable, find_babe
    from parallax.nlp.pretrained import locate_embedder

    pipe = tmp_path / "babe.jsonl"
    os.mkfifo(pipe)
    for babe in (str(tmp_path / ("n" * 300)), str(pipe)):
        with pytest.raises(LexiconUnavailable, match="is not a file"):
            find_babe(babe)
    with pytest.raises(ModelUnavailable):
        locate_embedder(str(tmp_path / ("n" * 300)))
