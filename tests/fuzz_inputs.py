"""Inputs for fuzzing the readers: a valid seed per format and mutations of it.

Shared by the property-based tests (tests/test_ingest_fuzz.py, hypothesis) and
the long run (bench/fuzz.py). A case is the bytes of one file with the format's
extension; ``check_items`` says what every reader must give for any case.
"""

from __future__ import annotations

import gzip
import json
import random
from io import BytesIO

from parallax.model import Article, Skipped

ARTICLE = (
    "The harbour authority in Port Veldan closed the northern quay on Tuesday after a crane collapsed "
    "during the morning shift. Two workers were taken to hospital, officials said."
)
RECORD = {
    "id": "r1",
    "title": "Crane collapse",
    "outlet": "Veldan Herald",
    "date": "2024-03-12",
    "text": ARTICLE,
}
PAGE = (
    "<html><head><title>Quay closed</title><meta name='date' content='2024-03-12'></head><body>"
    f"<nav>Home | News</nav><article><h1>Quay closed</h1><p>{ARTICLE}</p><p>{ARTICLE}</p></article>"
    "</body></html>"
)
RSS = (
    '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Veldan Herald</title>'
    "<item><title>Quay closed</title><link>https://herald.example/a</link>"
    "<pubDate>Tue, 12 Mar 2024 08:00:00 GMT</pubDate>"
    f"<description>&lt;p&gt;{ARTICLE}&lt;/p&gt;</description></item>"
    f"<item><title>Second</title><description>{ARTICLE}</description></item></channel></rss>"
)
ATOM = (
    '<feed xmlns="http://www.w3.org/2005/Atom"><title>Coast Wire</title><entry><title>Ferries</title>'
    "<id>urn:1</id><updated>2024-03-12T08:00:00Z</updated>"
    f'<content type="html">{ARTICLE}</content></entry></feed>'
)
# Fragments that broke readers before (or might): deep nesting, bad escapes and references, NULs, BOMs.
TOKENS = (
    b"[" * 3000,
    b"{" * 50,
    b'"\\ud800"',
    b"\\udfff",
    b"&#99999999;",
    b"&#xD800;",
    b"&#0;",
    b"\x00",
    b"\xff\xfe",
    b"\xef\xbb\xbf",
    b"\xed\xa0\x80",
    b"9" * 5000,
    b"<![CDATA[",
    b"<!DOCTYPE x [<!ENTITY a 'aaaa'>]>",
    b"\r\n",
    b"\n",
    b'"text": ',
    b"WARC/1.0\r\n",
    b"Content-Length: 99999999\r\n",
    b"http://10.0.0.1/x\n",
)


def warc_bytes(compress: bool) -> bytes:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    out = BytesIO()
    writer = WARCWriter(out, gzip=compress)
    headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
    record = writer.create_warc_record(
        "https://herald.example/a", "response", payload=BytesIO(PAGE.encode()), http_headers=headers
    )
    writer.write_record(record)
    return out.getvalue()


def jsonl() -> bytes:
    lines = [RECORD, dict(RECORD, id="r2", title="Second"), {"headline": "Alt", "body": ARTICLE}]
    return ("\n".join(json.dumps(r) for r in lines) + "\n").encode()


SEEDS: dict[str, bytes] = {
    ".txt": f"Quay closed after crane falls\n\n{ARTICLE}\n".encode(),
    ".md": f"# Quay closed\n\n{ARTICLE}\n".encode(),
    ".html": PAGE.encode(),
    ".json": json.dumps([RECORD, dict(RECORD, id="r2")]).encode(),
    ".jsonl": jsonl(),
    ".jsonl.gz": gzip.compress(jsonl()),
    ".rss": RSS.encode(),
    ".atom": ATOM.encode(),
    ".warc": warc_bytes(False),
    ".warc.gz": warc_bytes(True),
    ".urls": b"# a list\nhttp://10.0.0.1/a\nhttps://192.168.1.1/b\nftp://x/y\n",
}


def mutate(data: bytes, rng: random.Random, rounds: int = 4) -> bytes:
    """``data`` after a few random edits: bytes changed, inserted, deleted, repeated, cut."""
    buf = bytearray(data)
    for _ in range(rng.randint(1, rounds)):
        at = rng.randint(0, len(buf))
        kind = rng.randrange(6)
        if kind == 0 and buf:
            buf[min(at, len(buf) - 1)] = rng.randrange(256)
        elif kind == 1:
            buf[at:at] = rng.choice(TOKENS)
        elif kind == 2:
            buf[at:at] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 16)))
        elif kind == 3:
            del buf[at : at + rng.randint(1, 64)]
        elif kind == 4:
            buf[at:at] = buf[at : at + rng.randint(1, 200)] * rng.randint(2, 50)
        else:
            del buf[at:]
    return bytes(buf)


def make_case(suffix: str, rng: random.Random) -> bytes:
    """One fuzz case for a format: its seed mutated (a compressed format often mutated inside)."""
    seed = SEEDS[suffix]
    if suffix == ".jsonl.gz" and rng.random() < 0.5:
        return gzip.compress(mutate(jsonl(), rng))
    if suffix == ".warc.gz" and rng.random() < 0.5:
        return gzip.compress(mutate(warc_bytes(False), rng))
    return mutate(seed, rng)


def check_items(articles: list[Article], skipped: list[Skipped]) -> None:
    """What every reader owes any input: something to show for it, all of it storable."""
    assert articles or skipped, "the input was neither read nor skipped"
    for article in articles:
        assert isinstance(article, Article)
        for text in (article.original, article.title, article.source, article.outlet or ""):
            text.encode("utf-8")  # no lone surrogates: the store and the terminal need UTF-8
            assert "\x00" not in text
        json.dumps(article.meta, ensure_ascii=False, default=str).encode("utf-8")
    for skip in skipped:
        assert isinstance(skip, Skipped) and skip.reason
        (skip.source + skip.reason).encode("utf-8")
