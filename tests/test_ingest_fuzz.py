"""Every reader is total: any bytes give articles or skipped inputs with a reason, never an exception.

A small budget per format here (the long run is bench/fuzz.py). Cases are the
format's seed mutated (tests/fuzz_inputs.py) or arbitrary bytes; each is written
to a file with the format's extension and read through ``read_sources``, as
``parallax analyze`` and ``parallax ingest`` read it. URL lists never reach the
network: the fetcher's resolver answers a private address, which is refused.
"""

from __future__ import annotations

import random
from pathlib import Path
from tempfile import TemporaryDirectory

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fuzz_inputs import SEEDS, check_items, make_case
from parallax.ingest import read_sources
from parallax.ingest.urls import Fetcher, FetchSettings


def offline_fetcher() -> Fetcher:
    return Fetcher(FetchSettings(host_interval=0), resolver=lambda host: ["10.0.0.1"])


def cases(suffix: str) -> st.SearchStrategy[bytes]:
    mutated = st.integers(0, 2**32 - 1).map(lambda seed: make_case(suffix, random.Random(seed)))
    return st.one_of(mutated, mutated, st.binary(max_size=400))


@pytest.mark.parametrize("suffix", sorted(SEEDS))
def test_ingest_fuzz_every_reader_is_total(suffix: str) -> None:
    fetcher = offline_fetcher()

    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None)
    @given(data=cases(suffix))
    def read_any(data: bytes) -> None:
        with TemporaryDirectory() as folder:
            path = Path(folder) / f"case{suffix}"
            path.write_bytes(data)
            articles, skipped = read_sources([path], fetcher)
        check_items(articles, skipped)

    try:
        read_any()
    finally:
        fetcher.close()


def test_ingest_fuzz_seeds_are_read() -> None:
    """The unmutated seeds give articles (so the fuzz cases start from real inputs)."""
    fetcher = offline_fetcher()
    with TemporaryDirectory() as folder:
        for suffix, data in SEEDS.items():
            path = Path(folder) / f"seed{suffix}"
            path.write_bytes(data)
            articles, skipped = read_sources([path], fetcher)
            if suffix == ".urls":
                assert not articles and all("private" in s.reason or "http" in s.reason for s in skipped)
            else:
                assert articles, (suffix, skipped)
    fetcher.close()
