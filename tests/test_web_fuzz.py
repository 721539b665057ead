"""Property-based requests against the web app: whatever is sent, no server error and nothing live.

Small budgets here keep the suite fast; ``bench/flood.py`` is the long run
against a real server.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parallax.web.app import create_app
from parallax.web.source import MemorySource
from test_web import EVIL, assert_inert, bridge_report, call

FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Text a client can send (httpx encodes it as UTF-8, so no lone surrogates), with markup mixed in.
text = st.one_of(
    st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=60),
    st.sampled_from([EVIL, "../../etc/passwd", "%00", "1e309", "-1", "9" * 40, "2024-02-30", "\u202e"]),
)
QUERY_KEYS = [
    "q",
    "sort",
    "page",
    "since",
    "until",
    "outlet",
    "min_size",
    "limit",
    "offset",
    "summary_sentences",
]


def corpus_app() -> Any:
    source = MemorySource()
    source.add_report("s1", bridge_report(), "Ferry sinks near Ostra")
    return create_app(source=source, stages=lambda: [], max_jobs=1000)


APP = corpus_app()


def assert_handled(reply: Any) -> None:
    assert reply.status_code < 500, (reply.status_code, reply.text[:300])
    if reply.headers.get("content-type", "").startswith("text/html"):
        assert_inert(reply.text)


@FUZZ
@given(params=st.dictionaries(st.sampled_from(QUERY_KEYS), text, max_size=5))
def test_web_fuzz_story_list_and_api_queries(params: dict[str, str]) -> None:
    for url in ("/", "/api/stories"):
        assert_handled(call(APP, "GET", url, params=params))


@FUZZ
@given(segment=text.filter(bool))
def test_web_fuzz_path_segments(segment: str) -> None:
    part = quote(segment, safe="")
    for url in (
        f"/stories/{part}",
        f"/stories/s1/articles/{part}",
        f"/api/stories/{part}",
        f"/api/stories/{part}/report",
        f"/api/jobs/{part}",
        f"/analyse/{part}",
    ):
        assert_handled(call(APP, "GET", url))


@FUZZ
@given(
    pasted=st.lists(text, max_size=3),
    fields=st.lists(text, max_size=3),
    files=st.lists(st.tuples(text, st.binary(max_size=400)), max_size=3),
)
def test_web_fuzz_analyse_form(pasted: list[str], fields: list[str], files: list[tuple[str, bytes]]) -> None:
    data = {"text": pasted, "title": fields, "outlet": fields, "published": fields}
    uploads = [("files", (name or "x.txt", body, "application/octet-stream")) for name, body in files]
    for url in ("/analyse", "/api/analyse"):
        reply = call(APP, "POST", url, data=data, files=uploads or None)
        assert_handled(reply)
        assert reply.status_code in (202, 303, 400, 413, 429), reply.status_code
