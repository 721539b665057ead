"""What an analysis builds from its Options, once per run.

Every stage reads the loaded-word lexicon, the spaCy pipeline (through one shared
parser) and the sentence embedder from ``ctx.resources``, never by loading them
with settings of its own, so one run uses one set of settings throughout. Each
resource is built on first use; the heavy ones (models, lexicons) are also cached
per process by their settings, so a second run with the same options reuses them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

from parallax.options import Options

if TYPE_CHECKING:
    import numpy as np

    from parallax.lexicons import LoadedLexicon
    from parallax.nlp.cache import AnalysisCache
    from parallax.nlp.parser import SharedParser


@dataclass
class Resources:
    """The lexicon, parser and embedder of one analysis run, built from its options."""

    options: Options
    # Per-text results kept across runs (sentence vectors, parses): consulted before computing.
    cache: AnalysisCache | None = None

    @classmethod
    def for_options(cls, options: Options, cache: AnalysisCache | None = None) -> Resources:
        """The resources of a new run; a BABE path that does not exist fails here, before any stage."""
        if options.use_babe:
            from parallax.lexicons import find_babe

            find_babe(options.babe_path)
        return cls(options, cache)

    @cached_property
    def lexicon(self) -> LoadedLexicon:
        """Loaded words: VADER at ``loaded_threshold``, plus BABE when the options point at it."""
        from parallax.lexicons import load_loaded_lexicon

        o = self.options
        return load_loaded_lexicon(o.loaded_threshold, o.babe_path, o.use_babe)

    @cached_property
    def judgement_words(self) -> frozenset[str]:
        """Words that carry judgement: the loaded words and judgement-laden attribution verbs."""
        from parallax.lexicons import load_attribution_verbs

        verbs = {form for form, verb in load_attribution_verbs().items() if verb.judgement}
        return frozenset(self.lexicon.words) | frozenset(verbs)

    @cached_property
    def nlp(self) -> Any:
        """The spaCy pipeline named by ``spacy_model`` (cached per process by name).

        When the embedder runs without torch (ONNX), spaCy is imported with torch hidden
        from thinc, so the run never imports torch (``import_spacy_without_torch``).
        """
        from parallax.nlp.embedding import embedder_backend
        from parallax.nlp.pretrained import load_spacy

        if embedder_backend(self.options.model_name) == "onnx":
            from parallax.nlp.parser import import_spacy_without_torch

            import_spacy_without_torch()

        return load_spacy(self.options.spacy_model)

    @cached_property
    def parser(self) -> SharedParser:
        """One parse per distinct text for this run, shared by the stages that parse."""
        from parallax.nlp.parser import SharedParser

        return SharedParser(self.nlp, cache=self.cache)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Unit-length vectors for ``texts`` from the ``model_name`` embedder, in ``batch_size`` batches."""
        if self.cache is not None:
            from parallax.nlp.cache import embed_cached

            return embed_cached(self.cache, texts, self.options.model_name, self.options.batch_size)
        from parallax.nlp.embedding import embed_texts

        return embed_texts(texts, self.options.model_name, self.options.batch_size)

    def embed_static(self, texts: Sequence[str]) -> np.ndarray:
        """Unit-length vectors for ``texts`` from the static model (``parallax.nlp.static``), the
        claims cascade's cheap first stage; raises ModelUnavailable when it is not built."""
        from parallax.nlp.static import embed_static

        return embed_static(texts)
