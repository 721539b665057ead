"""Web archives: HTML responses become articles; truncation and empty pages are reported."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from parallax.ingest.warc import read_warc
from parallax.model import Article, Skipped


def page(title: str, paragraphs: list[str]) -> bytes:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f"<html><head><title>{title}</title></head><body><nav>Home | World | Sport</nav>"
        f"<article><h1>{title}</h1>{body}</article><footer>Contact us</footer></body></html>"
    ).encode()


def paragraphs(topic: str) -> list[str]:
    return [
        f"The {topic} was the main news in the valley on Monday, officials said in a statement. " * 3,
        f"Residents described the {topic} to reporters at length, and the council promised a full review. "
        * 3,
    ]


def write_warc(path: Path, pages: list[tuple[str, str, bytes]]) -> None:
    with path.open("wb") as handle:
        writer = WARCWriter(handle, gzip=path.name.endswith(".gz"))
        for url, kind, body in pages:
            headers = StatusAndHeaders("200 OK", [("Content-Type", kind)], protocol="HTTP/1.1")
            writer.write_record(
                writer.create_warc_record(url, "response", payload=BytesIO(body), http_headers=headers)
            )


def split(items: list[Article | Skipped]) -> tuple[list[Article], list[Skipped]]:
    return [i for i in items if isinstance(i, Article)], [i for i in items if isinstance(i, Skipped)]


def make_archive(path: Path) -> None:
    write_warc(
        path,
        [
            (
                "https://news.example/flood",
                "text/html; charset=utf-8",
                page("Flood in the valley", paragraphs("flood")),
            ),
            ("https://news.example/logo.png", "image/png", b"\x89PNG\r\n\x1a\n" + b"\0" * 100),
            ("https://news.example/empty", "text/html", b"<html><body><nav>Home</nav></body></html>"),
            ("https://news.example/fire", "text/html", page("Fire at the mill", paragraphs("fire"))),
        ],
    )


def test_warc_html_records_become_articles(tmp_path: Path) -> None:
    path = tmp_path / "crawl.warc.gz"
    make_archive(path)
    articles, errors = split(list(read_warc(path)))
    assert [a.meta["url"] for a in articles] == ["https://news.example/flood", "https://news.example/fire"]
    assert "flood was the main news" in articles[0].original and "Home | World" not in articles[0].original
    assert articles[0].source == f"{path}#https://news.example/flood"
    (empty,) = errors  # the image is passed over; the page without text is reported
    assert "no article text" in empty.reason and "https://news.example/empty" in empty.source


def test_warc_uncompressed_archives_are_read(tmp_path: Path) -> None:
    path = tmp_path / "crawl.warc"
    make_archive(path)
    articles, _ = split(list(read_warc(path)))
    assert len(articles) == 2


def test_warc_truncated_archive_yields_what_was_readable_and_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "crawl.warc.gz"
    make_archive(path)
    data = path.read_bytes()
    cut = tmp_path / "cut.warc.gz"
    cut.write_bytes(data[: int(len(data) * 0.8)])
    articles, errors = split(list(read_warc(cut)))
    assert [a.meta["url"] for a in articles] == ["https://news.example/flood"]
    assert len(errors) == 2  # the empty page, then the damage
    assert "truncated or damaged" in errors[-1].reason and "records before it were read" in errors[-1].reason


def test_warc_garbage_is_one_error(tmp_path: Path) -> None:
    path = tmp_path / "junk.warc"
    path.write_bytes(b"this is not an archive\n" * 10)
    articles, errors = split(list(read_warc(path)))
    assert not articles and len(errors) == 1 and "truncated or damaged" in errors[0].reason
