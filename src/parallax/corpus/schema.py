"""The corpus schema and its migrations, written once for SQLite and PostgreSQL.

Each migration is a list of statements; ``{pk}``, ``{blob}`` and ``{bigint}``
are filled in per backend. The ``schema_version`` table records which
migrations ran, so opening an older corpus upgrades it in place.
"""

from __future__ import annotations

MIGRATIONS: list[list[str]] = [
    # 1: articles, features for clustering, stories with their history, cached analyses, errors
    [
        """CREATE TABLE articles (
            id {pk},
            input_id TEXT,
            content_hash TEXT NOT NULL UNIQUE,
            source TEXT NOT NULL,
            url TEXT,
            outlet TEXT,
            published TEXT,
            title TEXT NOT NULL DEFAULT '',
            text TEXT NOT NULL,
            language TEXT,
            meta TEXT NOT NULL DEFAULT '{{}}',
            ingested_at TEXT NOT NULL,
            clustered INTEGER NOT NULL DEFAULT 0,
            story_id {bigint},
            dup_of {bigint}
        )""",
        "CREATE INDEX articles_input_id ON articles (input_id)",
        "CREATE INDEX articles_pending ON articles (clustered, published, id)",
        "CREATE INDEX articles_story ON articles (story_id)",
        """CREATE TABLE features (
            article_id {bigint} PRIMARY KEY,
            vector {blob} NOT NULL,
            signature {blob} NOT NULL,
            names TEXT NOT NULL
        )""",
        """CREATE TABLE stories (
            id {pk},
            title TEXT NOT NULL DEFAULT '',
            size INTEGER NOT NULL DEFAULT 0,
            first_date TEXT,
            last_date TEXT,
            outlets TEXT NOT NULL DEFAULT '[]',
            status TEXT NOT NULL DEFAULT 'live',
            merged_into {bigint},
            checked_size INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        )""",
        "CREATE INDEX stories_status ON stories (status)",
        """CREATE TABLE story_events (
            id {pk},
            at TEXT NOT NULL,
            kind TEXT NOT NULL,
            story_id {bigint} NOT NULL,
            other_id {bigint},
            article_id {bigint},
            detail TEXT NOT NULL DEFAULT '{{}}'
        )""",
        "CREATE INDEX story_events_story ON story_events (story_id)",
        """CREATE TABLE analyses (
            story_id {bigint} NOT NULL,
            member_hash TEXT NOT NULL,
            report TEXT NOT NULL,
            created_at TEXT NOT NULL,
            PRIMARY KEY (story_id, member_hash)
        )""",
        """CREATE TABLE ingest_errors (
            id {pk},
            at TEXT NOT NULL,
            source TEXT NOT NULL,
            record TEXT,
            reason TEXT NOT NULL
        )""",
    ],
    # 2: what `parallax watch` remembers of each polled source (conditional-request validators and
    # its schedule); IF NOT EXISTS so that the migration can be renumbered when branches merge
    [
        """CREATE TABLE IF NOT EXISTS feed_state (
            source TEXT PRIMARY KEY,
            etag TEXT,
            last_modified TEXT,
            last_polled TEXT,
            next_poll TEXT,
            interval_seconds DOUBLE PRECISION NOT NULL DEFAULT 0,
            failures INTEGER NOT NULL DEFAULT 0,
            last_error TEXT,
            last_new TEXT
        )""",
    ],
    # 3: the analysis queue (one row per story that needs or had an analysis), analysis digests
    [
        """CREATE TABLE analysis_queue (
            story_id {bigint} PRIMARY KEY,
            state TEXT NOT NULL,
            analysis_key TEXT,
            worker TEXT,
            host TEXT,
            pid INTEGER,
            claimed_at TEXT,
            lease_until TEXT,
            attempts INTEGER NOT NULL DEFAULT 0,
            analysed_count INTEGER NOT NULL DEFAULT 0,
            error TEXT,
            queued_at TEXT NOT NULL,
            done_at TEXT
        )""",
        "CREATE INDEX analysis_queue_state ON analysis_queue (state, queued_at, story_id)",
        "ALTER TABLE analyses ADD COLUMN digest TEXT",
    ],
    # 4: per-text results an analysis reuses (sentence vectors, spaCy parses), keyed by what made
    # them and the sha256 of the text (``parallax.corpus.text_cache``); IF NOT EXISTS for renumbering
    [
        """CREATE TABLE IF NOT EXISTS text_cache (
            kind TEXT NOT NULL,
            text_key TEXT NOT NULL,
            value {blob} NOT NULL,
            created_at TEXT NOT NULL,
            PRIMARY KEY (kind, text_key)
        )""",
    ],
    # 5: the outlet registry (``parallax.corpus.outlets``): outlets, the names and domains that
    # lead to them, their facts with each value's source, each article's outlet, and per-article
    # figures read from stored analyses for the outlet profiles; IF NOT EXISTS for renumbering
    [
        """CREATE TABLE IF NOT EXISTS outlets (
            id {pk},
            name TEXT NOT NULL,
            name_key TEXT NOT NULL,
            named_by TEXT NOT NULL DEFAULT 'records',
            merged_into {bigint},
            created_at TEXT NOT NULL
        )""",
        "CREATE INDEX IF NOT EXISTS outlets_key ON outlets (name_key)",
        """CREATE TABLE IF NOT EXISTS outlet_aliases (
            kind TEXT NOT NULL,
            alias TEXT NOT NULL,
            outlet_id {bigint},
            source TEXT NOT NULL,
            PRIMARY KEY (kind, alias)
        )""",
        """CREATE TABLE IF NOT EXISTS outlet_facts (
            outlet_id {bigint} NOT NULL,
            field TEXT NOT NULL,
            value TEXT NOT NULL,
            source TEXT NOT NULL,
            rank INTEGER NOT NULL,
            PRIMARY KEY (outlet_id, field)
        )""",
        """CREATE TABLE IF NOT EXISTS article_outlets (
            article_id {bigint} PRIMARY KEY,
            outlet_id {bigint},
            leaning TEXT,
            original_source TEXT
        )""",
        "CREATE INDEX IF NOT EXISTS article_outlets_outlet ON article_outlets (outlet_id)",
        """CREATE TABLE IF NOT EXISTS outlet_story_stats (
            story_id {bigint} NOT NULL,
            analysis_key TEXT NOT NULL,
            article_id {bigint} NOT NULL,
            stats TEXT NOT NULL,
            PRIMARY KEY (story_id, article_id)
        )""",
    ],
    # 6: how many of a story's members have no publication date, so that a story placed on
    # content alone says so (``parallax stories --format json``: ``dates_missing``)
    [
        "ALTER TABLE stories ADD COLUMN dates_missing INTEGER NOT NULL DEFAULT 0",
        "UPDATE stories SET dates_missing = (SELECT COUNT(*) FROM articles "
        "WHERE articles.story_id = stories.id AND articles.published IS NULL)",
    ],
]

SQLITE_TYPES = {"pk": "INTEGER PRIMARY KEY", "blob": "BLOB", "bigint": "INTEGER"}
POSTGRES_TYPES = {
    "pk": "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY",
    "blob": "BYTEA",
    "bigint": "BIGINT",
}

SCHEMA_VERSION = len(MIGRATIONS)
