"""The corpus store: articles, clustering features, stories with their history, cached analyses.

``open_store(target)`` opens a SQLite file (the default; WAL journal;
``parallax.corpus.store_sqlite``) or, for a ``postgresql://`` URL, a PostgreSQL
database (``parallax.corpus.store_pg``). ``Store`` here holds what both share;
the records it reads and writes are in ``parallax.corpus.rows``.
Both run the same schema (``parallax.corpus.schema``) and the same SQL, written
with ``?`` placeholders; migrations are recorded in a ``schema_version`` table.

Every write happens in one transaction per batch, so a process killed at any
moment leaves either the whole batch or none of it: re-running an ingest adds
what is missing (the content hash is unique) and never duplicates.

Vectors live in the ``features`` table (the source of truth) and in a usearch
ANN index: a file beside a SQLite corpus (``corpus.db.usearch``), rebuilt in
memory from the table for PostgreSQL (see ``parallax.corpus.vectors``).
"""

from __future__ import annotations

import abc
import contextlib
import json
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from parallax.corpus.features import content_hash
from parallax.corpus.keys import analysis_key, hash_members
from parallax.corpus.rows import AddOutcome, ClusterBatch, StoredArticle, StoryRecord, article_key
from parallax.corpus.schema import MIGRATIONS, SQLITE_TYPES
from parallax.errors import StoreError, StoreFull, StoreReadOnly
from parallax.model import Article, Report
from parallax.options import Options

DEFAULT_DB = "parallax.db"
BUSY_SECONDS = 10.0

ARTICLE_COLUMNS = (
    "id, input_id, content_hash, source, url, outlet, published, title, text, language, meta, "
    "story_id, dup_of"
)


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def parse_story_id(story_id: str | int) -> int:
    text = str(story_id).strip().lstrip("sS#")
    if not text.isdigit():
        raise StoreError(
            f"'{story_id}' is not a story id: story ids are numbers, as `parallax stories` lists them"
        )
    return int(text)


def article_input_id(article: Article) -> str | None:
    value = article.meta.get("input_id")
    return str(value) if value not in (None, "") else None


class Store(abc.ABC):
    """Shared logic of both backends; subclasses provide the connection and the locks."""

    backend = "base"
    placeholder = "?"
    read_only = False  # opened only for reading (a SQLite file or folder that cannot be written)
    types: dict[str, str] = SQLITE_TYPES

    def __init__(self, target: str) -> None:
        self.target = target
        self.conn: Any = None

    # -- plumbing -------------------------------------------------------------------------------

    def sql(self, statement: str) -> str:
        return statement if self.placeholder == "?" else statement.replace("?", self.placeholder)

    def execute(self, statement: str, params: Sequence[Any] = ()) -> Any:
        try:
            return self.conn.execute(self.sql(statement), tuple(params))
        except Exception as exc:
            raise self.translate_error(exc) from exc

    def rows(self, statement: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        return list(self.execute(statement, params).fetchall())

    def scalar(self, statement: str, params: Sequence[Any] = ()) -> Any:
        row = self.execute(statement, params).fetchone()
        return row[0] if row else None

    def change_marker(self) -> Any:
        """A value that differs after any commit to the corpus, by this connection or another, or
        None when the backend cannot tell cheaply (readers then read again on their own schedule)."""
        return None

    def translate_error(self, exc: Exception) -> Exception:
        if isinstance(exc, StoreError):
            return exc
        return StoreError(f"the corpus '{self.target}' failed: {exc}")

    def full_error(self, exc: Exception) -> StoreFull:
        return StoreFull(
            f"the disk holding the corpus '{self.target}' is full ({exc}): the write in progress was rolled "
            "back; free some space and run the command again"
        )

    def read_only_error(self, exc: Exception) -> StoreReadOnly:
        return StoreReadOnly(
            f"the corpus '{self.target}' cannot be written ({exc}): the file, its folder or its disk is "
            "read-only; make it writable, or give another --db"
        )

    @abc.abstractmethod
    def transaction(self) -> contextlib.AbstractContextManager[None]:
        """A context in which every statement commits together or not at all (each backend's own)."""

    @abc.abstractmethod
    def ingest_lock(self) -> contextlib.AbstractContextManager[None]:
        """Held while ingesting and clustering: one writer of stories at a time."""

    def migrate(self) -> None:
        """Create the tables, or bring an older corpus up to the current schema."""
        if self.current_version() == len(MIGRATIONS):
            return  # up to date: no write lock needed (opening works while another process writes)
        with self.transaction():
            self.execute(
                "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL, applied_at TEXT)"
            )
            current = int(self.scalar("SELECT MAX(version) FROM schema_version") or 0)
            if current > len(MIGRATIONS):
                raise StoreError(
                    f"the corpus '{self.target}' has schema version {current}, newer than this Parallax "
                    f"understands ({len(MIGRATIONS)}); upgrade Parallax"
                )
            for version in range(current + 1, len(MIGRATIONS) + 1):
                for statement in MIGRATIONS[version - 1]:
                    self.execute(statement.format(**self.types))
                self.execute(
                    "INSERT INTO schema_version (version, applied_at) VALUES (?, ?)", (version, now())
                )

    def current_version(self) -> int:
        """The recorded schema version, 0 for a new database."""
        try:
            return self.schema_version()
        except StoreError:
            if self.backend == "postgresql":
                self.conn.rollback()
            return 0

    def schema_version(self) -> int:
        return int(self.scalar("SELECT MAX(version) FROM schema_version") or 0)

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def vector_path(self) -> Path | None:
        """Where the ANN index file lives (None: rebuilt in memory from the features table)."""
        return None

    # -- articles -------------------------------------------------------------------------------

    def add_articles(self, articles: Sequence[Article], hashes: Sequence[str] | None = None) -> AddOutcome:
        """Store new articles in one transaction; content already stored is counted, not added.

        ``hashes`` are the articles' content hashes when the caller has computed them already.
        """
        outcome = AddOutcome()
        stamp = now()
        with self.transaction():
            for number, article in enumerate(articles):
                digest = (
                    hashes[number] if hashes is not None else content_hash(article.title, article.original)
                )
                input_id = article_input_id(article)
                meta = {k: v for k, v in article.meta.items() if k not in ("input_id", "url")}
                row = self.execute(
                    "INSERT INTO articles (input_id, content_hash, source, url, outlet, published, title, "
                    "text, "
                    "language, meta, ingested_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                    "ON CONFLICT (content_hash) DO NOTHING RETURNING id",
                    (
                        input_id,
                        digest,
                        article.source,
                        article.meta.get("url"),
                        article.outlet,
                        article.published,
                        article.title,
                        article.original,
                        article.language,
                        json.dumps(meta, ensure_ascii=False, default=str),
                        stamp,
                    ),
                ).fetchone()
                if row is None:
                    outcome.duplicates += 1
                    continue
                outcome.added.append(int(row[0]))
                if input_id is not None:
                    other = self.scalar(
                        "SELECT id FROM articles WHERE input_id = ? AND id <> ? ORDER BY id LIMIT 1",
                        (input_id, row[0]),
                    )
                    if other is not None:
                        outcome.conflicts.append(input_id)
        return outcome

    def log_errors(self, errors: Sequence[tuple[str, str | None, str]]) -> None:
        """Record per-record problems (source, record, reason)."""
        if not errors:
            return
        stamp = now()
        with self.transaction():
            for source, record, reason in errors:
                self.execute(
                    "INSERT INTO ingest_errors (at, source, record, reason) VALUES (?, ?, ?, ?)",
                    (stamp, source, record, reason),
                )

    def ingest_errors(self, limit: int = 1000) -> list[tuple[str, str | None, str]]:
        return [
            (str(s), r, str(why))
            for s, r, why in self.rows(
                "SELECT source, record, reason FROM ingest_errors ORDER BY id DESC LIMIT ?", (limit,)
            )
        ]

    def count_articles(self) -> int:
        return int(self.scalar("SELECT COUNT(*) FROM articles") or 0)

    def count_pending(self) -> int:
        return int(self.scalar("SELECT COUNT(*) FROM articles WHERE clustered = 0") or 0)

    def make_article(self, row: Sequence[Any]) -> StoredArticle:
        meta = row[10]
        return StoredArticle(
            id=int(row[0]),
            input_id=row[1],
            content_hash=row[2],
            source=row[3],
            url=row[4],
            outlet=row[5],
            published=row[6],
            title=row[7] or "",
            text=row[8],
            language=row[9],
            meta=json.loads(meta) if isinstance(meta, str) else dict(meta or {}),
            story_id=None if row[11] is None else int(row[11]),
            dup_of=None if row[12] is None else int(row[12]),
        )

    def pending_articles(self, limit: int) -> list[StoredArticle]:
        """Articles not yet clustered, in arrival order."""
        return [
            self.make_article(r)
            for r in self.rows(
                f"SELECT {ARTICLE_COLUMNS} FROM articles WHERE clustered = 0 ORDER BY id LIMIT ?", (limit,)
            )
        ]

    def get_articles(self, ids: Sequence[int]) -> list[StoredArticle]:
        found: list[StoredArticle] = []
        for start in range(0, len(ids), 500):
            chunk = list(ids[start : start + 500])
            marks = ", ".join("?" for _ in chunk)
            found.extend(
                self.make_article(r)
                for r in self.rows(f"SELECT {ARTICLE_COLUMNS} FROM articles WHERE id IN ({marks})", chunk)
            )
        found.sort(key=lambda a: a.id)
        return found

    def iter_articles(self, batch: int = 1000) -> Iterator[StoredArticle]:
        last = 0
        while True:
            rows = self.rows(
                f"SELECT {ARTICLE_COLUMNS} FROM articles WHERE id > ? ORDER BY id LIMIT ?", (last, batch)
            )
            if not rows:
                return
            for r in rows:
                yield self.make_article(r)
            last = int(rows[-1][0])

    def iter_features(
        self, batch: int = 2000
    ) -> Iterator[tuple[int, bytes, bytes, str, int | None, str | None]]:
        """(article id, vector, signature, names JSON, story id, published) of every clustered article."""
        last = 0
        while True:
            rows = self.rows(
                "SELECT f.article_id, f.vector, f.signature, f.names, a.story_id, a.published "
                "FROM features f JOIN articles a ON a.id = f.article_id "
                "WHERE f.article_id > ? ORDER BY f.article_id LIMIT ?",
                (last, batch),
            )
            if not rows:
                return
            for r in rows:
                yield int(r[0]), bytes(r[1]), bytes(r[2]), r[3], r[4], r[5]
            last = int(rows[-1][0])

    # -- stories ---------------------------------------------------------------------------------

    def next_story_id(self) -> int:
        return int(self.scalar("SELECT COALESCE(MAX(id), 0) FROM stories") or 0) + 1

    def story_state(self) -> dict[int, tuple[str, int]]:
        """(status, checked size) of every story."""
        return {int(i): (s, int(c)) for i, s, c in self.rows("SELECT id, status, checked_size FROM stories")}

    def refresh_stories(self, story_ids: Sequence[int]) -> None:
        """Recompute size, dates, outlets and title of stories from their members (inside a transaction)."""
        for sid in story_ids:
            members = self.rows(
                "SELECT title, outlet, published, id FROM articles WHERE story_id = ? ORDER BY id", (sid,)
            )
            if not members:
                self.execute("UPDATE stories SET size = 0, updated_at = ? WHERE id = ?", (now(), sid))
                continue
            dates = sorted(d for _, _, d, _ in members if d)
            outlets = sorted({o for _, o, _, _ in members if o}, key=str.casefold)
            dated = sorted(members, key=lambda m: (m[2] or "9999", m[3]))
            title = next((t for t, _, _, _ in dated if t), "")
            self.execute(
                "UPDATE stories SET size = ?, first_date = ?, last_date = ?, outlets = ?, title = ?, "
                "dates_missing = ?, updated_at = ? WHERE id = ?",
                (
                    len(members),
                    dates[0] if dates else None,
                    dates[-1] if dates else None,
                    json.dumps(outlets, ensure_ascii=False),
                    title,
                    len(members) - len(dates),
                    now(),
                    sid,
                ),
            )

    def save_cluster_batch(self, batch: ClusterBatch) -> None:
        """Write one clustered batch in one transaction: features, memberships, stories, events."""
        stamp = now()
        with self.transaction():
            for sid in batch.new_stories:
                self.execute(
                    "INSERT INTO stories (id, created_at, updated_at) VALUES (?, ?, ?)", (sid, stamp, stamp)
                )
            for article_id, vector, signature, names in batch.features:
                self.execute(
                    "INSERT INTO features (article_id, vector, signature, names) VALUES (?, ?, ?, ?) "
                    "ON CONFLICT (article_id) DO NOTHING",
                    (article_id, vector, signature, names),
                )
            for article_id, (story_id, dup_of) in batch.assigned.items():
                self.execute(
                    "UPDATE articles SET clustered = 1, story_id = ?, dup_of = ? WHERE id = ?",
                    (story_id, dup_of, article_id),
                )
            for article_id, story_id in batch.moved.items():
                self.execute("UPDATE articles SET story_id = ? WHERE id = ?", (story_id, article_id))
            for sid, into in batch.merged.items():
                self.execute(
                    "UPDATE stories SET status = 'merged', merged_into = ?, size = 0, updated_at = ? "
                    "WHERE id = ?",
                    (into, stamp, sid),
                )
            for sid, size in batch.checked.items():
                self.execute("UPDATE stories SET checked_size = ? WHERE id = ?", (size, sid))
            for kind, event_story, other_id, event_article, detail in batch.events:
                self.execute(
                    "INSERT INTO story_events (at, kind, story_id, other_id, article_id, detail) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    (stamp, kind, event_story, other_id, event_article, json.dumps(detail)),
                )
            self.refresh_stories(sorted(batch.touched - set(batch.merged)))

    def list_stories(
        self, *, include_ids: bool = True, min_size: int = 1, rule: Any = None
    ) -> list[dict[str, Any]]:
        """Every live story, largest first: id, title, size, outlets, first, last, analysed, article_ids,
        analysis, digest, coverage and blindspot."""
        records = self.story_records(include_ids=include_ids, min_size=min_size, rule=rule)
        return [r.to_dict() for r in records]

    def story_records(
        self, *, include_ids: bool = True, min_size: int = 1, rule: Any = None
    ) -> list[StoryRecord]:
        """Every live story, largest first, with its coverage and blindspot under ``rule``
        (a ``parallax.corpus.coverage.BlindspotRule``; None: the default rule)."""
        from parallax.corpus.coverage import story_coverage
        from parallax.corpus.outlets import link_when_possible

        link_when_possible(self)  # an older corpus: its articles to their outlets, when writable
        coverage = story_coverage(self, rule)
        rows = self.rows(
            "SELECT id, title, size, outlets, first_date, last_date, status, dates_missing FROM stories "
            "WHERE status = 'live' AND size >= ? ORDER BY size DESC, id",
            (min_size,),
        )
        analysed = {int(r[0]) for r in self.rows("SELECT DISTINCT story_id FROM analyses")}
        states = self.analysis_states()
        members: dict[int, list[str]] = {}
        if include_ids:
            for sid, input_id, aid in self.rows(
                "SELECT story_id, input_id, id FROM articles WHERE story_id IS NOT NULL ORDER BY id"
            ):
                members.setdefault(int(sid), []).append(article_key(input_id, int(aid)))
        return [
            StoryRecord(
                id=str(r[0]),
                title=r[1] or "",
                size=int(r[2]),
                outlets=json.loads(r[3]) if isinstance(r[3], str) else list(r[3] or []),
                first=r[4],
                last=r[5],
                status=r[6],
                analysed=int(r[0]) in analysed,
                article_ids=members.get(int(r[0]), []),
                analysis=states[int(r[0])].status if int(r[0]) in states else "none",
                digest=states[int(r[0])].digest if int(r[0]) in states else None,
                coverage=coverage.get(int(r[0])),
                blindspot=coverage[int(r[0])].pop("blindspot", None) if int(r[0]) in coverage else None,
                dates_missing=int(r[7] or 0),
            )
            for r in rows
        ]

    def analysis_states(self, story_ids: Sequence[int] | None = None) -> dict[int, Any]:
        """Each live story's analysis status and digest (``parallax.corpus.queue.analysis_states``)."""
        from parallax.corpus.queue import analysis_states

        return analysis_states(self, story_ids)

    def get_story(self, story_id: str | int) -> StoryRecord:
        sid = parse_story_id(story_id)
        row = self.execute(
            "SELECT id, title, size, outlets, first_date, last_date, status, merged_into, dates_missing "
            "FROM stories WHERE id = ?",
            (sid,),
        ).fetchone()
        if row is None:
            raise StoreError(
                f"there is no story {sid} in the corpus '{self.target}'; `parallax stories` lists them"
            )
        if row[6] != "live":
            raise StoreError(f"story {sid} was merged into story {row[7]}; see `parallax story {row[7]}`")
        ids = [
            article_key(i, int(a))
            for i, a in self.rows("SELECT input_id, id FROM articles WHERE story_id = ? ORDER BY id", (sid,))
        ]
        analysed = self.scalar("SELECT COUNT(*) FROM analyses WHERE story_id = ?", (sid,))
        state = self.analysis_states([sid]).get(sid)
        return StoryRecord(
            str(row[0]),
            row[1] or "",
            int(row[2]),
            json.loads(row[3]) if isinstance(row[3], str) else list(row[3]),
            row[4],
            row[5],
            row[6],
            bool(analysed),
            ids,
            state.status if state else "none",
            state.digest if state else None,
            dates_missing=int(row[8] or 0),
        )

    def story_members(self, story_id: str | int) -> list[StoredArticle]:
        sid = parse_story_id(story_id)
        return [
            self.make_article(r)
            for r in self.rows(
                f"SELECT {ARTICLE_COLUMNS} FROM articles WHERE story_id = ? ORDER BY id", (sid,)
            )
        ]

    def get_story_articles(self, story_id: str | int) -> list[Article]:
        """The stored articles of a story as model Articles, ready for ``parallax.analyze``."""
        self.get_story(story_id)
        return [a.to_article() for a in self.story_members(story_id)]

    def story_history(self, story_id: str | int) -> list[dict[str, Any]]:
        """Every event of a story (created, joined, merged, split), oldest first."""
        sid = parse_story_id(story_id)
        return [
            {"at": at, "kind": kind, "story": int(s), "other": o, "article": a, "detail": json.loads(d)}
            for at, kind, s, o, a, d in self.rows(
                "SELECT at, kind, story_id, other_id, article_id, detail FROM story_events "
                "WHERE story_id = ? OR other_id = ? ORDER BY id",
                (sid, sid),
            )
        ]

    def count_events(self, kind: str) -> int:
        return int(self.scalar("SELECT COUNT(*) FROM story_events WHERE kind = ?", (kind,)) or 0)

    # -- analyses --------------------------------------------------------------------------------

    def member_hash(self, story_id: str | int) -> str:
        """A hash of a story's member set."""
        sid = parse_story_id(story_id)
        return hash_members(
            h for (h,) in self.rows("SELECT content_hash FROM articles WHERE story_id = ?", (sid,))
        )

    def analysis_key(self, story_id: str | int, options: Options | None = None) -> str:
        """What a cached analysis is valid for: the story's members, the options and the Parallax version.

        Stored in the ``member_hash`` column: a cached report is served only when all three match.
        """
        return analysis_key(self.member_hash(story_id), options)

    def load_analysis_dict(
        self, story_id: str | int, options: Options | None = None
    ) -> dict[str, Any] | None:
        """The cached report (as JSON data) for the current members, these options and this version."""
        sid = parse_story_id(story_id)
        text = self.scalar(
            "SELECT report FROM analyses WHERE story_id = ? AND member_hash = ?",
            (sid, self.analysis_key(sid, options)),
        )
        return json.loads(text) if text else None

    def load_analysis(self, story_id: str | int, options: Options | None = None) -> Report | None:
        """The cached analysis of a story's current members with these options, or None (stale or absent)."""
        data = self.load_analysis_dict(story_id, options)
        if data is None:
            return None
        from parallax.codec import report_from_dict

        return report_from_dict(data)

    def save_analysis(self, story_id: str | int, report: Report, options: Options | None = None) -> None:
        """Cache a story's analysis made with ``options``, replacing any older one of the story."""
        sid = parse_story_id(story_id)
        with self.transaction():
            self.write_analysis(sid, self.analysis_key(sid, options), report)

    def write_analysis(self, story_id: int, key: str, report: Report) -> None:
        """Replace a story's stored analysis with ``report`` under ``key`` (inside a transaction),
        with its digest (``parallax.corpus.digest``) for the story list."""
        from parallax.codec import report_to_json
        from parallax.corpus.digest import digest_report

        self.execute("DELETE FROM analyses WHERE story_id = ?", (story_id,))
        self.execute(
            "INSERT INTO analyses (story_id, member_hash, report, created_at, digest) VALUES (?, ?, ?, ?, ?)",
            (story_id, key, report_to_json(report, indent=None), now(), json.dumps(digest_report(report))),
        )

    def iter_analyses(self) -> Iterator[tuple[int, dict[str, Any]]]:
        for sid, text in self.rows("SELECT story_id, report FROM analyses ORDER BY story_id"):
            yield int(sid), json.loads(text)
