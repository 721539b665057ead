"""Corpus mode: store, incremental story clustering, index."""
