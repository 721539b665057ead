"""One exception hierarchy. Messages say what went wrong and how to fix it."""

from __future__ import annotations


class ParallaxError(Exception):
    """Base class for every error Parallax raises on purpose."""


class InputError(ParallaxError):
    """An input could not be read or understood."""


class NothingToAnalyse(InputError):
    """No input could be analysed at all."""


class ModelUnavailable(ParallaxError):
    """A model (sentence embeddings, spaCy) is missing or damaged."""


class PipelineError(ParallaxError):
    """The analysis pipeline was built wrongly (a stage's prerequisite is missing)."""


class StoreError(ParallaxError):
    """The corpus store could not be opened, read or written."""


class StoreFull(StoreError):
    """The disk (or the size limit) holding the corpus is full; the failed write was rolled back."""


class StoreReadOnly(StoreError):
    """The corpus cannot be written: a read-only file, disk, database or transaction."""


class OptionsError(ParallaxError, ValueError):
    """An analysis setting has a value of the wrong type or outside its allowed range."""


class EngineUnavailable(ParallaxError):
    """An engine cannot be used here: its package is missing, or its cluster cannot be started or reached."""
