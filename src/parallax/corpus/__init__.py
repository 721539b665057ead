"""Corpus mode: store, incremental story clustering, index.

    >>> from parallax.corpus.store import open_store
    >>> from parallax.corpus.ingest import ingest
    >>> store = open_store("news.db")                 # or "postgresql://user@host/db"
    >>> summary = ingest(store, ["feeds/", "archive.warc.gz", "articles.jsonl.gz"])
    >>> [s["title"] for s in store.list_stories()][:3]

Modules: ``store`` (SQLite; ``store_pg`` for PostgreSQL; ``schema`` with its
migrations), ``vectors`` (the usearch ANN index), ``features`` and ``embedding``
(what clustering knows of an article), ``stories`` (the incremental clusterer),
``ingest`` (sources -> store -> stories), ``export`` (story analyses, JSONL and
Parquet export).
"""
