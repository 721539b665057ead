"""The web app's bound on the text of one analysis, compressed uploads included (web/uploads.py)."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import pytest

from parallax.errors import InputError
from parallax.model import Report
from parallax.web.app import create_app
from parallax.web.uploads import JOB_MB_PER_100K_CHARS, JOB_MEMORY_MB, Limits, check_unpacked_text
from test_web import call, make_report, wait_for_job

LINE = json.dumps({"outlet": "Veldan Herald", "title": "Quay", "text": "The quay closed on Tuesday. " * 40})


def packed(lines: int) -> bytes:
    """A .jsonl.gz of ``lines`` identical records: a few kilobytes that unpack to far more text."""
    return gzip.compress(("\n".join([LINE] * lines) + "\n").encode())


def test_uploads_compressed_text_is_counted_once_unpacked(tmp_path: Path) -> None:
    path = tmp_path / "many.jsonl.gz"
    path.write_bytes(packed(400))  # about 450,000 characters of text
    assert path.stat().st_size < 10_000
    with pytest.raises(InputError, match="once the compressed files are unpacked"):
        check_unpacked_text([path], limit=100_000)
    check_unpacked_text([path], limit=1_000_000)  # under the limit: nothing to say
    plain = tmp_path / "many.jsonl"
    plain.write_bytes(gzip.decompress(path.read_bytes()))
    check_unpacked_text([plain], limit=100_000)  # not compressed: its bytes were counted when sent


def test_uploads_a_small_archive_of_much_text_fails_its_job_before_the_analysis() -> None:
    called: list[Any] = []

    def analyser(inputs: Any, stages: Any, options: Any) -> Report:
        called.append(inputs)
        return make_report([])

    limits = Limits(max_total_chars=100_000)
    app = create_app(analyser=analyser, stages=lambda: [], limits=limits)
    files = [("files", ("news.jsonl.gz", packed(400), "application/gzip"))]
    reply = call(app, "POST", "/api/analyse", files=files)
    assert reply.status_code == 202, reply.text  # the bytes sent are under every cap
    status = wait_for_job(app, reply.json()["id"])
    assert status["state"] == "failed" and "once the compressed files are unpacked" in status["error"]
    assert called == []  # the analysis never started
    small = [("files", ("news.jsonl.gz", packed(20), "application/gzip"))]
    reply = call(app, "POST", "/api/analyse", files=small)
    assert wait_for_job(app, reply.json()["id"])["state"] == "done" and len(called) == 1


def test_uploads_the_text_of_one_job_is_capped_by_its_measured_memory() -> None:
    # 2,000,000 characters (the cap before) would add about 2.4 GB at the measured 120 MB per 100,000
    limits = Limits()
    assert limits.max_total_chars * JOB_MB_PER_100K_CHARS / 100_000 <= JOB_MEMORY_MB
    app = create_app(analyser=lambda *a: make_report([]), stages=lambda: [])
    article = "The quay closed on Tuesday after a crane fell. " * 3_800  # about 180,000 characters
    reply = call(app, "POST", "/api/analyse", data={"text": [article] * 5})  # about 900,000 in all
    assert reply.status_code == 400 and "Too much text for one analysis" in reply.text
    assert f"{limits.max_total_chars:,}" in reply.text
