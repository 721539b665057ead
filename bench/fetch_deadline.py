"""How long a fetch with ``--timeout T`` can take against hostile servers (loopback only).

A local server on 127.0.0.1 misbehaves in several ways (silence, headers or body
one byte at a time, a slow robots.txt, endless 503s, a 429 asking for minutes);
each case is fetched with the fetcher's settings as ``parallax ingest`` uses them
and the wall time is printed. Target (issue 11): every fetch ends within T + 1 s.

    python bench/fetch_deadline.py [--timeout 3]
"""

from __future__ import annotations

import argparse
import contextlib
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from parallax.ingest.urls import Fetcher, FetchError, FetchSettings

PAGE = (
    b"<html><body><article><p>" + b"The harbour wall was rebuilt before the storms. " * 20 + b"</p></article>"
)


def drip(handler: BaseHTTPRequestHandler, data: bytes, pause: float) -> None:
    with contextlib.suppress(OSError):
        for byte in data:
            handler.wfile.write(bytes([byte]))
            handler.wfile.flush()
            time.sleep(pause)


class Hostile(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        path = self.path
        if path == "/robots.txt":
            self.reply(404, b"")
        elif path == "/silent":
            time.sleep(30)
        elif path == "/drip-headers":
            drip(self, b"HTTP/1.1 200 OK\r\nX-Pad: " + b"p" * 400 + b"\r\n\r\n", 0.5)
        elif path == "/drip-body":
            self.send_response(200)
            self.send_header("Content-Length", str(len(PAGE)))
            self.end_headers()
            drip(self, PAGE, 0.5)
        elif path == "/always-503":
            self.reply(503, b"", {"Retry-After": "1"})
        elif path == "/429-minutes":
            self.reply(429, b"", {"Retry-After": "300"})
        elif path == "/redirect-loop":
            self.reply(302, b"", {"Location": "/redirect-loop"})
        else:
            self.reply(200, PAGE)

    def reply(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        with contextlib.suppress(OSError):
            self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


class SlowRobots(Hostile):
    def do_GET(self) -> None:
        if self.path == "/robots.txt":
            drip(
                self,
                b"HTTP/1.1 200 OK\r\nContent-Length: 40\r\n\r\nUser-agent: *\nDisallow: /private/\n",
                0.5,
            )
            return
        super().do_GET()


def serve(handler: type[BaseHTTPRequestHandler]) -> tuple[ThreadingHTTPServer, str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, f"http://127.0.0.1:{httpd.server_address[1]}"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--timeout", type=float, default=3.0)
    args = parser.parse_args()
    hostile, base = serve(Hostile)
    slow, slow_base = serve(SlowRobots)
    cases = [
        ("normal page", base + "/ok"),
        ("server never answers", base + "/silent"),
        ("headers 1 byte / 0.5 s", base + "/drip-headers"),
        ("body 1 byte / 0.5 s", base + "/drip-body"),
        ("503 forever, Retry-After 1", base + "/always-503"),
        ("429, Retry-After 300", base + "/429-minutes"),
        ("redirect loop", base + "/redirect-loop"),
        ("robots.txt 1 byte / 0.5 s", slow_base + "/ok"),
    ]
    settings = FetchSettings(timeout=args.timeout, allow_private=True, host_interval=0.0)
    worst = 0.0
    print(f"{'case':32} {'seconds':>8}  outcome")
    for name, url in cases:
        fetcher = Fetcher(settings)
        began = time.monotonic()
        try:
            got = fetcher.fetch(url)
            outcome = f"fetched {len(got.body)} bytes"
        except FetchError as exc:
            outcome = f"refused: {exc}"
        took = time.monotonic() - began
        worst = max(worst, took)
        fetcher.close()
        print(f"{name:32} {took:8.2f}  {outcome[:90]}")
    print(f"\nworst {worst:.2f} s with --timeout {args.timeout:g} (target: under {args.timeout + 1:g} s)")
    hostile.shutdown()
    slow.shutdown()


if __name__ == "__main__":
    main()
