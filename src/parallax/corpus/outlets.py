"""The outlet registry: one outlet per publisher, each article linked to its outlet.

An article's outlet is found, in this order (``Registry.resolve``):

1. its address (the record's ``domain``, else its URL's host): a domain already
   linked to an outlet, or one of the bundled table's publishers
   (``parallax.corpus.outlet_names``); the address names the publisher, so a
   columnist's piece on foxnews.com belongs to Fox News whatever byline it carries;
2. its outlet name (``Fox News (Online)`` and ``Fox News`` share one key): a name
   already linked to one outlet, or a name of the bundled table;
3. otherwise a new outlet, named after the record's outlet name (or the site).

A name seen at the addresses of two different outlets (a byline, "Guest Writer")
stops leading to either: only its address places such an article. ``merge``
fixes what the rules miss; the merged outlet's names and domains lead to the
other one from then on.

Facts (leaning, country, language, owner, ...) are kept one value per field with
the source of that value and a rank: imported by the user (3) over the input
records' own ``leaning`` (2, the majority of the outlet's records) over the
bundled table (1). ``link_articles`` is idempotent and cheap when there is
nothing new: ingest calls it, and so do the outlet commands for older corpora.

Reading never needs writing: ``link_when_possible`` (called by the story list,
the outlet commands and pages) links what an older corpus or an interrupted
ingest left unlinked when the corpus is writable and no ingest is running, and
``unlinked_outlets`` places the articles still unlinked (a read-only corpus)
by looking up the names and addresses already known, without storing anything.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from parallax.corpus.outlet_names import (
    TABLE_SOURCE,
    Publisher,
    display_name,
    host_candidates,
    host_of,
    name_key,
    publisher_table,
    site_of,
)
from parallax.errors import StoreError, StoreReadOnly

if TYPE_CHECKING:  # the store calls into this module (its story list links articles)
    from parallax.corpus.store import Store

RECORD_SOURCE = "input record"
USER_SOURCE = "user"
RANK_TABLE, RANK_RECORD, RANK_USER = 1, 2, 3
FACT_FIELDS = ("leaning", "country", "language", "owner", "owner_type", "factuality")
LINK_BATCH = 2000
# "(Reuters) -", "(AP) —": the wire service an article's text credits at its start
DATELINE_AGENCY = re.compile(r"\((Reuters|AP|AFP|Bloomberg|dpa|UPI|Xinhua)\)\s*[-–—]")
AGENCY_NAMES = {"AP": "Associated Press", "AFP": "Agence France-Presse"}


@dataclass
class Fact:
    value: str
    source: str
    rank: int


@dataclass
class Outlet:
    """One outlet of the registry, with its names, domains and facts."""

    id: int
    name: str
    names: dict[str, int] = field(default_factory=dict)  # outlet strings of its articles -> count
    domains: list[str] = field(default_factory=list)
    facts: dict[str, Fact] = field(default_factory=dict)
    articles: int = 0
    stories: int = 0
    wire: dict[str, int] = field(default_factory=dict)  # wire service its datelines credit -> articles

    def fact(self, name: str) -> str | None:
        found = self.facts.get(name)
        return found.value if found else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "names": self.names,
            "domains": self.domains,
            "facts": {k: {"value": f.value, "source": f.source} for k, f in sorted(self.facts.items())},
            "leaning": self.fact("leaning"),
            "leaning_source": self.facts["leaning"].source if "leaning" in self.facts else None,
            "country": self.fact("country"),
            "articles": self.articles,
            "stories": self.stories,
            "wire_credits": dict(sorted(self.wire.items(), key=lambda kv: (-kv[1], kv[0]))),
            "wire_share": round(sum(self.wire.values()) / self.articles, 3) if self.articles else None,
        }


def dateline_agency(text: str) -> str | None:
    """The wire service a "(Reuters) -" dateline at the start of ``text`` credits, or None."""
    match = DATELINE_AGENCY.search(text[:300])
    return AGENCY_NAMES.get(match.group(1), match.group(1)) if match else None


class Registry:
    """Resolution of outlet names and addresses to outlet ids, inside one transaction."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.table = publisher_table()

    # -- lookups ----------------------------------------------------------------------------------

    def alias(self, kind: str, alias: str) -> tuple[bool, int | None]:
        """(known, outlet id) of an alias; a known alias with no outlet is ambiguous."""
        row = self.store.execute(
            "SELECT outlet_id FROM outlet_aliases WHERE kind = ? AND alias = ?", (kind, alias)
        ).fetchone()
        if row is None:
            return False, None
        return True, None if row[0] is None else self.live(int(row[0]))

    def live(self, outlet_id: int) -> int:
        """Follow merges to the outlet that holds ``outlet_id`` now."""
        for _ in range(100):
            into = self.store.scalar("SELECT merged_into FROM outlets WHERE id = ?", (outlet_id,))
            if into is None:
                return outlet_id
            outlet_id = int(into)
        return outlet_id

    def by_key(self, key: str) -> int | None:
        found = self.store.scalar(
            "SELECT id FROM outlets WHERE name_key = ? AND merged_into IS NULL ORDER BY id LIMIT 1", (key,)
        )
        return None if found is None else int(found)

    # -- writes -----------------------------------------------------------------------------------

    def create(self, name: str, named_by: str = "records") -> int:
        row = self.store.execute(
            "INSERT INTO outlets (name, name_key, named_by, created_at) VALUES (?, ?, ?, ?) RETURNING id",
            (name, name_key(name), named_by, datetime.now(UTC).isoformat(timespec="seconds")),
        ).fetchone()
        outlet_id = int(row[0])
        self.set_alias("name", name_key(name), outlet_id, "name")
        return outlet_id

    def set_alias(self, kind: str, alias: str, outlet_id: int | None, source: str) -> None:
        if not alias:
            return
        self.store.execute(
            "INSERT INTO outlet_aliases (kind, alias, outlet_id, source) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (kind, alias) DO UPDATE SET outlet_id = excluded.outlet_id, "
            "source = excluded.source",
            (kind, alias, outlet_id, source),
        )

    def set_fact(self, outlet_id: int, name: str, value: str, source: str, rank: int) -> None:
        """Keep ``value`` unless a value of a higher rank is stored."""
        self.store.execute(
            "INSERT INTO outlet_facts (outlet_id, field, value, source, rank) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (outlet_id, field) DO UPDATE SET value = excluded.value, source = excluded.source, "
            "rank = excluded.rank WHERE outlet_facts.rank <= excluded.rank",
            (outlet_id, name, value, source, rank),
        )

    def publisher_outlet(self, publisher: Publisher) -> int:
        """The outlet of a bundled publisher, created with its domains and facts when new."""
        known, outlet_id = self.alias("publisher", publisher.name)
        if outlet_id is None:  # names seen at other addresses never decide a publisher's outlet
            outlet_id = self.create(publisher.name, TABLE_SOURCE)
            self.give_way(publisher.name, outlet_id)
            self.set_alias("publisher", publisher.name, outlet_id, TABLE_SOURCE)
            self.set_alias("name", name_key(publisher.name), outlet_id, TABLE_SOURCE)
        for domain in publisher.domains:
            if not self.alias("domain", domain)[0]:
                self.set_alias("domain", domain, outlet_id, TABLE_SOURCE)
        for alias in publisher.aliases:
            known, found = self.alias("name", name_key(alias))
            if not known or found is None or self.named_by(found) != TABLE_SOURCE:
                self.set_alias("name", name_key(alias), outlet_id, TABLE_SOURCE)
        if publisher.country:
            self.set_fact(outlet_id, "country", publisher.country, TABLE_SOURCE, RANK_TABLE)
        if publisher.language:
            self.set_fact(outlet_id, "language", publisher.language, TABLE_SOURCE, RANK_TABLE)
        return outlet_id

    def named_by(self, outlet_id: int) -> str:
        return str(self.store.scalar("SELECT named_by FROM outlets WHERE id = ?", (outlet_id,)) or "")

    def by_host(self, host: str) -> int | None:
        for candidate in host_candidates(host):
            known, found = self.alias("domain", candidate)
            if known and found is not None:
                return found
        publisher = self.table.for_host(host)
        return self.publisher_outlet(publisher) if publisher else None

    def by_name(self, name: str) -> int | None:
        known, found = self.alias("name", name_key(name))
        if known:
            return found
        publisher = self.table.for_name(name)
        return self.publisher_outlet(publisher) if publisher else None

    def lookup(self, name: str | None, address: str | None) -> int | None:
        """The outlet ``resolve`` would find among those already stored, writing nothing (None if new)."""
        name = (name or "").strip()
        host = host_of(address or "")
        if host:
            for candidate in host_candidates(host):
                known, found = self.alias("domain", candidate)
                if known and found is not None:
                    return found
            publisher = self.table.for_host(host)
        else:
            known, found = self.alias("name", name_key(name))
            if known or not name:
                return found
            publisher = self.table.for_name(name)
        return self.alias("publisher", publisher.name)[1] if publisher else None

    def resolve(self, name: str | None, address: str | None) -> int | None:
        """The outlet of an article with this outlet name and address (domain or URL), created if new."""
        name = (name or "").strip()
        host = host_of(address or "")
        if host:
            outlet_id = self.by_host(host)
            if outlet_id is None:
                site = site_of(host)
                named = display_name(name) if name and not self.alias("name", name_key(name))[0] else ""
                outlet_id = self.create(named or site)
                self.set_alias("domain", site, outlet_id, "address")
            if name:
                self.note_name(name, outlet_id)
            return outlet_id
        if name and name_key(name):
            return self.by_name(name) or self.create(display_name(name))
        return None

    def note_name(self, name: str, outlet_id: int) -> None:
        """Let ``name`` lead to ``outlet_id``, unless it already leads elsewhere (then to neither)."""
        key = name_key(name)
        row = self.store.execute(
            "SELECT outlet_id, source FROM outlet_aliases WHERE kind = 'name' AND alias = ?", (key,)
        ).fetchone()
        if row is None:
            self.set_alias("name", key, outlet_id, "address")
        elif row[0] is not None and self.live(int(row[0])) != outlet_id and row[1] in ("address", "name"):
            self.set_alias("name", key, None, "ambiguous")

    def rename_from_records(self, outlet_ids: Iterable[int]) -> None:
        """Name each outlet the records named (not the table or a user) by its most common outlet string."""
        for outlet_id in sorted(outlet_ids):
            if self.named_by(outlet_id) != "records":
                continue
            names = self.store.rows(
                "SELECT a.outlet, COUNT(*) AS n FROM article_outlets l "
                "JOIN articles a ON a.id = l.article_id "
                "WHERE l.outlet_id = ? AND a.outlet IS NOT NULL GROUP BY a.outlet ORDER BY n DESC, a.outlet "
                "LIMIT 1",
                (outlet_id,),
            )
            if names and display_name(str(names[0][0])):
                self.rename(outlet_id, self.unclashed(display_name(str(names[0][0])), outlet_id))

    def give_way(self, name: str, outlet_id: int) -> None:
        """Rename the outlets the records named ``name`` before ``outlet_id`` (a publisher of the
        table) took it to "name (site)": the publisher's own outlet keeps the plain name."""
        for (other,) in self.store.rows(
            "SELECT id FROM outlets WHERE name_key = ? AND id != ? AND merged_into IS NULL "
            "AND named_by = 'records'",
            (name_key(name), outlet_id),
        ):
            self.rename(int(other), self.unclashed(name, int(other)))

    def rename(self, outlet_id: int, name: str) -> None:
        self.store.execute(
            "UPDATE outlets SET name = ?, name_key = ? WHERE id = ?", (name, name_key(name), outlet_id)
        )

    def unclashed(self, name: str, outlet_id: int) -> str:
        """``name``, or "name (site)" when another outlet already goes by it (a second CBS News site)."""
        clash = self.store.scalar(
            "SELECT id FROM outlets WHERE name_key = ? AND id != ? AND merged_into IS NULL LIMIT 1",
            (name_key(name), outlet_id),
        )
        if clash is None:
            return name
        site = self.store.scalar(
            "SELECT alias FROM outlet_aliases WHERE kind = 'domain' AND outlet_id = ? ORDER BY alias LIMIT 1",
            (outlet_id,),
        )
        return f"{name} ({site})" if site else name


def link_articles(store: Store) -> int:
    """Link every article not linked yet to its outlet; fill leanings the records carry. Returns how many."""
    linked = 0
    while True:
        rows = store.rows(
            "SELECT a.id, a.outlet, a.url, a.meta, substr(a.text, 1, 300) FROM articles a "
            "LEFT JOIN article_outlets l ON l.article_id = a.id WHERE l.article_id IS NULL "
            "ORDER BY a.id LIMIT ?",
            (LINK_BATCH,),
        )
        if not rows:
            return linked
        touched: set[int] = set()
        with store.transaction():
            registry = Registry(store)
            for article_id, outlet, url, meta_text, head in rows:
                meta = json.loads(meta_text) if isinstance(meta_text, str) else dict(meta_text or {})
                address = str(meta.get("domain") or url or "")
                outlet_id = registry.resolve(outlet, address)
                leaning = meta.get("leaning") if isinstance(meta.get("leaning"), str) else None
                store.execute(
                    "INSERT INTO article_outlets (article_id, outlet_id, leaning, original_source) "
                    "VALUES (?, ?, ?, ?) ON CONFLICT (article_id) DO NOTHING",
                    (
                        article_id,
                        outlet_id,
                        (leaning or "").strip()[:40] or None,
                        dateline_agency(head or ""),
                    ),
                )
                if outlet_id is not None:
                    touched.add(outlet_id)
            fill_record_leanings(store, registry, touched)
            registry.rename_from_records(touched)
        linked += len(rows)


UNLINKED = (
    "SELECT a.id, a.outlet, a.url, a.meta, a.story_id FROM articles a "
    "LEFT JOIN article_outlets l ON l.article_id = a.id WHERE l.article_id IS NULL"
)


def has_unlinked(store: Store) -> bool:
    return store.execute(UNLINKED + " LIMIT 1").fetchone() is not None


def link_when_possible(store: Store) -> bool:
    """Link the articles not linked yet, unless the corpus is read-only or an ingest is running
    (it links its own articles when it ends). True when every article is linked now."""
    if not has_unlinked(store):
        return True
    if store.read_only:
        return False
    with contextlib.ExitStack() as held:
        try:
            held.enter_context(store.ingest_lock())
        except (StoreError, OSError):  # an ingest holds the lock, or its lock file cannot be made
            return False
        try:
            link_articles(store)
        except StoreReadOnly:
            return False
    return True


def unlinked_outlets(store: Store) -> dict[int, tuple[int | None, str, int | None]]:
    """Article id -> (outlet id, outlet string, story id) of the articles not linked yet, each placed
    by the names and addresses already stored (None: an outlet the registry does not know yet)."""
    registry = Registry(store)
    found: dict[int, tuple[int | None, str, int | None]] = {}
    for article_id, outlet, url, meta_text, story_id in store.rows(UNLINKED):
        meta = json.loads(meta_text) if isinstance(meta_text, str) else dict(meta_text or {})
        outlet_id = registry.lookup(outlet, str(meta.get("domain") or url or ""))
        found[int(article_id)] = (outlet_id, str(outlet or ""), None if story_id is None else int(story_id))
    return found


def fill_record_leanings(store: Store, registry: Registry, outlet_ids: Iterable[int]) -> None:
    """Each outlet's leaning from its records: the most common value, source "input record"."""
    for outlet_id in sorted(outlet_ids):
        votes = Counter(
            {
                str(value): int(n)
                for value, n in store.rows(
                    "SELECT leaning, COUNT(*) FROM article_outlets "
                    "WHERE outlet_id = ? AND leaning IS NOT NULL "
                    "GROUP BY leaning",
                    (outlet_id,),
                )
            }
        )
        if votes:
            value = sorted(votes.items(), key=lambda item: (-item[1], item[0]))[0][0]
            registry.set_fact(outlet_id, "leaning", value, RECORD_SOURCE, RANK_RECORD)


def find_outlet(store: Store, name: str) -> int:
    """The id of the outlet named ``name`` (a name, an alias, a domain or ``#id``); StoreError if none."""
    text = name.strip()
    registry = Registry(store)
    number = text.lstrip("#")
    if number.isdigit() and store.scalar("SELECT id FROM outlets WHERE id = ?", (int(number),)) is not None:
        return registry.live(int(number))
    found = registry.by_key(name_key(text))
    if found is None:
        found = registry.alias("name", name_key(text))[1]
    if found is None and "." in text:
        for candidate in host_candidates(host_of(text)):
            found = registry.alias("domain", candidate)[1]
            if found is not None:
                break
    if found is None:
        raise StoreError(f"there is no outlet '{name}' in the corpus: `parallax outlets` lists them")
    return found


def merge_outlets(store: Store, source: str, into: str) -> tuple[int, int]:
    """Merge outlet ``source`` into ``into``: its articles, names, domains and facts move over."""
    with store.transaction():
        old, new = find_outlet(store, source), find_outlet(store, into)
        if old == new:
            raise StoreError(f"'{source}' and '{into}' are already the same outlet")
        store.execute("UPDATE article_outlets SET outlet_id = ? WHERE outlet_id = ?", (new, old))
        store.execute(
            "UPDATE outlet_aliases SET outlet_id = ?, source = ? WHERE outlet_id = ?", (new, USER_SOURCE, old)
        )
        old_key = store.scalar("SELECT name_key FROM outlets WHERE id = ?", (old,))
        Registry(store).set_alias("name", str(old_key), new, USER_SOURCE)
        store.execute(
            "UPDATE outlet_facts SET outlet_id = ? WHERE outlet_id = ? AND field NOT IN "
            "(SELECT field FROM outlet_facts WHERE outlet_id = ?)",
            (new, old, new),
        )
        store.execute("DELETE FROM outlet_facts WHERE outlet_id = ?", (old,))
        store.execute("UPDATE outlets SET merged_into = ? WHERE id = ?", (new, old))
        store.execute(
            "UPDATE outlets SET named_by = ? WHERE id = ? AND named_by = 'records'", (USER_SOURCE, new)
        )
    return old, new


def load_outlets(store: Store, ids: Iterable[int] | None = None) -> list[Outlet]:
    """Live outlets (all, or those of ``ids``) with names, domains, facts and counts; most articles first."""
    wanted = None if ids is None else set(ids)
    outlets = {
        int(i): Outlet(int(i), str(n))
        for i, n in store.rows("SELECT id, name FROM outlets WHERE merged_into IS NULL")
        if wanted is None or int(i) in wanted
    }
    for outlet_id, name, count in store.rows(
        "SELECT l.outlet_id, a.outlet, COUNT(*) FROM article_outlets l "
        "JOIN articles a ON a.id = l.article_id "
        "WHERE l.outlet_id IS NOT NULL GROUP BY l.outlet_id, a.outlet"
    ):
        if int(outlet_id) in outlets:
            outlets[int(outlet_id)].names[str(name or "")] = int(count)
            outlets[int(outlet_id)].articles += int(count)
    for outlet_id, agency, count in store.rows(
        "SELECT outlet_id, original_source, COUNT(*) FROM article_outlets "
        "WHERE outlet_id IS NOT NULL AND original_source IS NOT NULL GROUP BY outlet_id, original_source"
    ):
        if int(outlet_id) in outlets:
            outlets[int(outlet_id)].wire[str(agency)] = int(count)
    story_sets: dict[int, set[int]] = {}
    for outlet_id, story_id in store.rows(
        "SELECT DISTINCT l.outlet_id, a.story_id FROM article_outlets l "
        "JOIN articles a ON a.id = l.article_id WHERE a.story_id IS NOT NULL AND l.outlet_id IS NOT NULL"
    ):
        story_sets.setdefault(int(outlet_id), set()).add(int(story_id))
    for outlet_id, name, story_id in unlinked_outlets(store).values():  # a read-only corpus
        if outlet_id is not None and outlet_id in outlets:
            outlets[outlet_id].names[name] = outlets[outlet_id].names.get(name, 0) + 1
            outlets[outlet_id].articles += 1
            if story_id is not None:
                story_sets.setdefault(outlet_id, set()).add(story_id)
    for outlet_id, seen in story_sets.items():
        if outlet_id in outlets:
            outlets[outlet_id].stories = len(seen)
    for alias, outlet_id in store.rows(
        "SELECT alias, outlet_id FROM outlet_aliases WHERE kind = 'domain' ORDER BY alias"
    ):
        if outlet_id is not None and int(outlet_id) in outlets:
            outlets[int(outlet_id)].domains.append(str(alias))
    for outlet_id, name, value, source, rank in store.rows(
        "SELECT outlet_id, field, value, source, rank FROM outlet_facts"
    ):
        if int(outlet_id) in outlets:
            outlets[int(outlet_id)].facts[str(name)] = Fact(str(value), str(source), int(rank))
    return sorted(outlets.values(), key=lambda o: (-o.articles, o.name.casefold(), o.id))
