"""Naming outlets: one key per publisher name, the host of an address, the bundled publisher table.

``name_key("Fox News (Online)") == name_key("Fox News")``: a key folds case,
punctuation and a leading "The", and drops the descriptors outlets add to their
name ("(Online)", "- Opinion", "Web News", "(blog)"). ``site_of`` reduces an
address or a domain to the site it belongs to, with the Public Suffix List
snapshot that ``tldextract`` bundles (never fetched). ``Publisher`` entries
come from ``parallax/data/publishers.json``, a table written for this project
with the country and main language of well-known publishers (facts, never a
rating).
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache, lru_cache
from importlib import resources
from urllib.parse import urlsplit

import tldextract

TABLE_SOURCE = "Parallax publisher table"

# Words outlets append to their name that do not name another publisher.
DESCRIPTORS = (
    "online news",
    "web news",
    "online",
    "news",
    "opinion",
    "editorial",
    "editorial board",
    "blog",
    "web",
    "digital",
)
PAREN = re.compile(r"\s*[(\[]([^()\[\]]*)[)\]]\s*$")
DASH_TAIL = re.compile(r"\s+[-–—|:]\s+(.+)$")
NON_WORD = re.compile(r"[^\w]+")
HOST_PREFIXES = ("www", "www1", "www2", "m", "mobile", "amp", "edition", "beta")

# Leaning words people write -> the side of the coverage bar.
SIDES = {
    "left": "left",
    "far left": "left",
    "lean left": "left",
    "leans left": "left",
    "left center": "left",
    "centre left": "left",
    "center left": "left",
    "center": "center",
    "centre": "center",
    "least biased": "center",
    "neutral": "center",
    "lean right": "right",
    "leans right": "right",
    "right center": "right",
    "center right": "right",
    "centre right": "right",
    "right": "right",
    "far right": "right",
}


def fold(text: str) -> str:
    """Lower case, accents and punctuation removed, spaces collapsed."""
    plain = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in plain if not unicodedata.combining(c))
    return " ".join(NON_WORD.sub(" ", plain.casefold()).split())


def strip_descriptors(name: str) -> str:
    """``name`` without trailing descriptors: "Fox News (Online)" -> "Fox News"."""
    text = " ".join(name.split())
    while True:
        paren = PAREN.search(text)
        dash = DASH_TAIL.search(text)
        tail = paren or dash
        if tail is None or fold(tail.group(1)) not in DESCRIPTORS:
            break
        text = text[: tail.start()].strip()
    words = text.split()
    while len(words) > 1 and fold(" ".join(words[-2:])) in DESCRIPTORS:
        words = words[:-2]
    # a trailing "Opinion"/"Online" word, but never the "News" of "Fox News"
    while len(words) > 1 and fold(words[-1]) in DESCRIPTORS and fold(words[-1]) != "news":
        words = words[:-1]
    return " ".join(words) or name.strip()


def name_key(name: str) -> str:
    """The key under which a publisher name is looked up ("" for a name with no letters)."""
    key = fold(strip_descriptors(name))
    if key.startswith("the ") and len(key) > 4:
        key = key[4:]
    return key


def display_name(name: str) -> str:
    """A name as an outlet is shown: descriptors dropped, spaces collapsed."""
    return strip_descriptors(name)


def parenthesised_outlet(name: str) -> str | None:
    """The publisher a byline names in brackets: "Allysia Finley (Wall Street Journal)"."""
    match = PAREN.search(name)
    if match is None or fold(match.group(1)) in DESCRIPTORS:
        return None
    return match.group(1).strip() or None


@cache
def extractor() -> tldextract.TLDExtract:
    # suffix_list_urls=(): only the snapshot bundled with tldextract, never a download
    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


def host_of(value: str) -> str:
    """The host of a URL or a bare domain, lower case, without "www." and the like ("" if none)."""
    text = value.strip().casefold()
    if not text:
        return ""
    if "://" not in text:
        text = "http://" + text
    try:
        host = urlsplit(text).hostname or ""
    except ValueError:
        return ""
    labels = [p for p in host.split(".") if p]
    while len(labels) > 2 and labels[0] in HOST_PREFIXES:
        labels = labels[1:]
    return ".".join(labels)


def site_of(host: str) -> str:
    """The registrable domain of a host ("politicalticker.blogs.cnn.com" -> "cnn.com")."""
    if not host:
        return ""
    parts = extractor()(host)
    return parts.top_domain_under_public_suffix or host


def host_candidates(host: str) -> list[str]:
    """The host and its parent domains down to the registrable one, most specific first."""
    if not host:
        return []
    site = site_of(host)
    labels = host.split(".")
    found = []
    for start in range(len(labels)):
        candidate = ".".join(labels[start:])
        found.append(candidate)
        if candidate == site:
            break
    return found


@dataclass(frozen=True)
class Publisher:
    """One entry of the bundled publisher table."""

    name: str
    domains: tuple[str, ...]
    aliases: tuple[str, ...] = ()
    country: str | None = None
    language: str | None = None
    keys: frozenset[str] = field(default=frozenset(), compare=False)


@dataclass(frozen=True)
class PublisherTable:
    by_domain: dict[str, Publisher]
    by_key: dict[str, Publisher]

    def for_host(self, host: str) -> Publisher | None:
        for candidate in host_candidates(host):
            if candidate in self.by_domain:
                return self.by_domain[candidate]
        return None

    def for_name(self, name: str) -> Publisher | None:
        return self.by_key.get(name_key(name))


@cache
def publisher_table() -> PublisherTable:
    """The bundled table of well-known publishers, indexed by domain and by name key."""
    text = resources.files("parallax").joinpath("data/publishers.json").read_text("utf-8")
    by_domain: dict[str, Publisher] = {}
    by_key: dict[str, Publisher] = {}
    for entry in json.loads(text)["publishers"]:
        names = [entry["name"], *entry.get("aliases", [])]
        publisher = Publisher(
            name=entry["name"],
            domains=tuple(entry["domains"]),
            aliases=tuple(entry.get("aliases", [])),
            country=entry.get("country"),
            language=entry.get("language"),
            keys=frozenset(name_key(n) for n in names),
        )
        for domain in publisher.domains:
            by_domain[domain] = publisher
        for key in publisher.keys:
            by_key.setdefault(key, publisher)
    return PublisherTable(by_domain, by_key)


@lru_cache(maxsize=4096)  # a corpus holds few distinct leaning strings
def side_of(leaning: str | None) -> str | None:
    """The side (left, center, right) of a leaning as people write it, or None when unknown."""
    if not leaning:
        return None
    return SIDES.get(fold(leaning.replace("-", " ")))
