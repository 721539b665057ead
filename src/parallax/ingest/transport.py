"""The network layer under the fetcher: checked addresses and a total deadline.

Two guarantees that httpx's own transport does not give:

* **The connection goes to the address that was checked.** ``CheckedBackend``
  resolves the host once, refuses it when any of its addresses is private,
  loopback, link-local, multicast or reserved (unless private addresses are
  allowed), and connects to the first address of that same answer. A host
  that answers one address to a check and another to the connection (DNS
  rebinding) cannot slip through, because there is only one answer.
* **One deadline for the whole fetch.** httpx's timeouts count each socket
  operation apart, so a server that sends one byte a second never times out.
  Every read and write here is given at most the time left until the fetch's
  ``Deadline``, and fails once it has passed.

TLS is unchanged: httpcore still verifies the certificate for the host name
(``start_tls`` gets the name, only the TCP connection uses the address).
"""

from __future__ import annotations

import ipaddress
import socket
import ssl
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import httpcore
import httpx

Resolver = Callable[[str], list[str]]


class FetchError(Exception):
    """A URL that was not fetched, with the reason."""


class RefusedHost(FetchError):
    """A host that is not fetched at all: it does not resolve, or resolves to a forbidden address."""


def resolve_host(host: str) -> list[str]:
    """Every address the host name resolves to (the system resolver)."""
    try:
        return sorted({str(info[4][0]) for info in socket.getaddrinfo(host, None)})
    except socket.gaierror as exc:
        raise RefusedHost(f"cannot resolve the host '{host}' ({exc.strerror or exc})") from exc


def forbidden_reason(address: str) -> str | None:
    """Why an address must not be fetched without ``allow_private``, or None."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    for kind in ("unspecified", "loopback", "link_local", "multicast", "private", "reserved"):
        if getattr(ip, f"is_{kind}"):
            return f"{kind.replace('_', '-')} address {ip}"
    return None


@dataclass
class Deadline:
    """When the fetch in progress must end (a ``clock()`` reading); None: no fetch running."""

    clock: Callable[[], float] = time.monotonic
    end: float | None = None

    def start(self, seconds: float) -> None:
        self.end = self.clock() + seconds

    def extend(self, seconds: float) -> None:
        """Move the end later (time spent waiting politely does not count)."""
        if self.end is not None:
            self.end += seconds

    def left(self) -> float | None:
        return None if self.end is None else self.end - self.clock()

    def limit(self, timeout: float | None) -> float | None:
        """``timeout`` cut to the time left; raises a timeout once the deadline has passed."""
        left = self.left()
        if left is None:
            return timeout
        if left <= 0:
            raise httpcore.ReadTimeout("the fetch ran past its total deadline")
        return left if timeout is None else min(timeout, left)


class DeadlineStream(httpcore.NetworkStream):
    """A network stream whose every operation ends by the deadline."""

    def __init__(self, inner: httpcore.NetworkStream, deadline: Deadline) -> None:
        self.inner = inner
        self.deadline = deadline

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self.inner.read(max_bytes, self.deadline.limit(timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self.inner.write(buffer, self.deadline.limit(timeout))

    def close(self) -> None:
        self.inner.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        tls = self.inner.start_tls(ssl_context, server_hostname, self.deadline.limit(timeout))
        return DeadlineStream(tls, self.deadline)

    def get_extra_info(self, info: str) -> Any:
        return self.inner.get_extra_info(info)


@dataclass
class CheckedBackend(httpcore.NetworkBackend):
    """Resolve once, check every address, connect to a checked one, under the deadline."""

    resolver: Resolver = resolve_host
    allow_private: bool = False
    deadline: Deadline = field(default_factory=Deadline)
    inner: httpcore.NetworkBackend = field(default_factory=httpcore.SyncBackend)
    connected: list[tuple[str, str]] = field(default_factory=list)  # (host, address) of each connection

    def check_host(self, host: str) -> list[str]:
        """The host's addresses, or FetchError when it has none or any of them is forbidden."""
        addresses = self.resolver(host)
        if not addresses:
            raise RefusedHost(f"'{host}' resolves to no address")
        if not self.allow_private:
            for address in addresses:
                why = forbidden_reason(address)
                if why:
                    raise RefusedHost(
                        f"'{host}' resolves to a {why}; such addresses are not fetched "
                        "unless private addresses are allowed (--allow-private)"
                    )
        return addresses

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        address = self.check_host(host)[0]
        stream = self.inner.connect_tcp(
            address, port, self.deadline.limit(timeout), local_address, socket_options
        )
        self.connected.append((host, address))
        return DeadlineStream(stream, self.deadline)

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.NetworkStream:
        raise FetchError("fetching over a Unix socket is not supported")

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


class CheckedTransport(httpx.HTTPTransport):
    """httpx's transport over a ``CheckedBackend`` connection pool."""

    def __init__(self, backend: CheckedBackend) -> None:
        super().__init__()
        # httpx builds its pool with the default network backend; this pool is the same but for it.
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(),
            max_connections=10,
            max_keepalive_connections=5,
            keepalive_expiry=5.0,
            network_backend=backend,
        )
