"""Corpus mode: store, incremental story clustering, index.

    >>> from parallax.corpus.connect import open_store
    >>> from parallax.corpus.intake import ingest
    >>> store = open_store("news.db")                 # or "postgresql://user@host/db"
    >>> summary = ingest(store, ["feeds/", "archive.warc.gz", "articles.jsonl.gz"])
    >>> [s["title"] for s in store.list_stories()][:3]

Modules: ``connect`` (``open_store``: picks the backend), ``store`` (what the
backends share; ``store_sqlite`` and ``store_pg``; ``schema`` with its
migrations), ``vectors`` (the usearch ANN index), ``features`` and
``embedding`` (what clustering knows of an article), ``stories`` (the
incremental clusterer), ``intake`` (sources -> store -> stories), ``export``
(story analyses, JSONL and Parquet export).
"""
