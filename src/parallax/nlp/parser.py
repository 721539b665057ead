"""One spaCy parse per distinct text, shared by the stages that need dependency parses.

Quotes, numbers and word choice each parse sentences (or a window around a quote) on
their own. Parsing the same sentence again in every stage, and one text at a time,
was the largest cost of an analysis after the embeddings; this parser keeps every
parse of the analysis keyed by its text, and ``prefetch`` parses the texts a stage
is about to need in one batched ``nlp.pipe``.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from parallax.nlp.cache import AnalysisCache


def import_spacy_without_torch() -> None:
    """Import spaCy while torch is hidden, so that thinc does not import torch (about 2 to 6 s).

    thinc (spaCy's model library) imports torch in ``thinc/compat.py`` whenever it is
    installed, to support PyTorch-backed layers; it has no switch to skip that, and
    en_core_web_sm has no such layer. While spaCy is imported here, ``sys.modules["torch"]``
    is ``None``, which makes ``import torch`` raise ImportError (Python's documented way of
    blocking an import); thinc catches it and records that torch is absent. The entry is
    removed afterwards, so torch imports normally later (the sentence-transformers
    embedder), and thinc keeps running its own (numpy) layers. Does nothing when torch or
    spaCy is already imported. Call it only when no torch-backed spaCy pipeline is used.
    """
    if "torch" in sys.modules or "spacy" in sys.modules:
        return
    sys.modules["torch"] = None  # type: ignore[assignment]
    try:
        import spacy  # noqa: F401
    except ImportError:
        pass  # spaCy missing or broken: load_spacy reports it with its own message
    finally:
        if sys.modules.get("torch", ...) is None:
            del sys.modules["torch"]


class SharedParser:
    """A spaCy pipeline with a cache of the docs it has produced, keyed by text.

    The sentence stage parses every article once, a paragraph at a time; it hands each
    sentence's part of those parses to ``remember_sentence``, so a later stage asking
    for a sentence gets that part (as a doc of its own) instead of a second parse.
    """

    def __init__(self, nlp: Any, batch_size: int = 64, cache: AnalysisCache | None = None) -> None:
        self.nlp = nlp
        self.batch_size = batch_size
        self.cache = cache  # parses kept across runs, asked before parsing
        self.docs: dict[str, Any] = {}
        self.spans: dict[str, Any] = {}  # sentence text -> its span in a paragraph's doc
        # Sentence text -> where its span may be found, in the order offered: a span, or a
        # (paragraph text, (start, end)) whose parse is to be decoded when first asked for.
        self.waiting: dict[str, list[Any]] = {}
        self.offered: dict[str, list[tuple[str, int, int]]] = {}  # text -> (paragraph, start, end) offered
        # Texts parsed without entities (``parse_bare``): the dependency parse of a quote's window.
        self.bare: dict[str, Any] = {}

    def origin(self, text: str) -> tuple[str, int, int] | None:
        """Where the parse of ``text`` comes from: the first paragraph parse offered for it (every
        offer is a span of the text's length), or None when it is parsed on its own. A result
        computed from ``parse(text)`` is the same when its origin is."""
        offers = self.offered.get(text)
        return offers[0] if offers else None

    def _offer(self, text: str, paragraph: str, start: int, end: int) -> None:
        from parallax.nlp.cache import text_key

        self.offered.setdefault(text, []).append((text_key(paragraph), start, end))

    def remember_sentence(self, text: str, span: Any) -> None:
        """Use ``span`` (a spaCy Span of the same length as ``text``) as the parse of ``text``."""
        if span is not None and len(span.text) == len(text):
            self._offer(text, span.doc.text, span.start_char, span.end_char)
            if text in self.waiting:
                self.waiting[text].append(span)  # after a deferred one offered earlier
            else:
                self.spans.setdefault(text, span)

    def defer_sentence(self, text: str, paragraph: str, where: tuple[int, int]) -> None:
        """Use characters ``where`` of ``paragraph``'s parse as the parse of ``text``, when it is
        first asked for (as ``remember_sentence``, without decoding the paragraph now)."""
        self._offer(text, paragraph, *where)
        if text not in self.spans:
            self.waiting.setdefault(text, []).append((paragraph, where))

    def resolve(self, texts: Iterable[str]) -> None:
        """Turn the deferred spans of ``texts`` into spans, decoding their paragraphs in one batch."""
        wanted = [t for t in dict.fromkeys(texts) if t in self.waiting]
        while wanted:
            offers = {t: self.waiting[t][0] for t in wanted}
            paragraphs = list(dict.fromkeys(o[0] for o in offers.values() if isinstance(o, tuple)))
            docs = dict(zip(paragraphs, self.pipe(paragraphs), strict=True))
            for text, offer in offers.items():
                span = docs[offer[0]].char_span(*offer[1]) if isinstance(offer, tuple) else offer
                rest = self.waiting[text][1:]
                if span is not None and len(span.text) == len(text):
                    self.spans[text] = span
                    rest = []
                if rest:
                    self.waiting[text] = rest
                else:
                    del self.waiting[text]
            wanted = [t for t in wanted if t in self.waiting]

    def prefetch(self, texts: Iterable[str]) -> None:
        """Parse, in batches, those of ``texts`` not parsed yet (nor parsed without entities)."""
        wanted = list(dict.fromkeys(texts))
        self.resolve(wanted)
        missing = [t for t in wanted if t not in self.docs and t not in self.spans and t not in self.bare]
        for text, doc in zip(missing, self.pipe(missing), strict=True):
            self.docs[text] = doc

    def pipe(
        self, texts: Sequence[str], batch_size: int | None = None, disable: Sequence[str] = ()
    ) -> list[Any]:
        """Docs for ``texts`` in order, parsed in batches (without the components ``disable``
        names): through the cache when there is one."""
        size = batch_size or self.batch_size
        if self.cache is None:
            if disable:
                return list(self.nlp.pipe(texts, batch_size=size, disable=list(disable)))
            return list(self.nlp.pipe(texts, batch_size=size))
        from parallax.nlp.cache import parse_cached

        return parse_cached(self.cache, self.nlp, texts, size, disable)

    def _has_parse(self, text: str) -> bool:
        return text in self.docs or text in self.spans or text in self.waiting

    def prefetch_bare(self, texts: Iterable[str]) -> None:
        """Parse, in batches and without the entity recogniser, those of ``texts`` not parsed yet.

        en_core_web_sm's recogniser has a tok2vec of its own (it does not listen to the one the
        parser reads), so leaving it out changes no dependency parse and saves about half the
        cost; ``entities`` runs it on a doc later, when a stage needs that doc's entities."""
        missing = [t for t in dict.fromkeys(texts) if not self._has_parse(t) and t not in self.bare]
        names = [n for n in ("ner",) if n in self.nlp.pipe_names]
        for text, doc in zip(missing, self.pipe(missing, disable=names), strict=True):
            self.bare[text] = doc

    def parse_bare(self, text: str) -> Any:
        """A doc of ``text`` with its dependency parse, perhaps without entities (``entities``
        adds them): the full parse when the run has one, else one without the recogniser."""
        if self._has_parse(text):
            return self.parse(text)
        if text not in self.bare:
            self.prefetch_bare([text])
        return self.bare[text]

    def entities(self, doc: Any) -> Any:
        """``doc.ents``, running the pipeline's entity recogniser on ``doc`` first when it has not
        run on it (a doc from ``parse_bare``); the same entities as the full pipeline's, which
        runs the recogniser after the parser too."""
        if "ner" in self.nlp.pipe_names and len(doc) and not doc.has_annotation("ENT_IOB"):
            self.nlp.get_pipe("ner")(doc)
        return doc.ents

    def parse(self, text: str) -> Any:
        """The doc for ``text``: remembered from the sentence stage, prefetched, parsed without
        entities before (they are added), or parsed now."""
        doc = self.docs.get(text)
        if doc is None:
            if text in self.waiting:
                self.resolve([text])
            span = self.spans.pop(text, None)
            if span is None and text in self.bare:
                doc = self.docs[text] = self.bare.pop(text)
                self.entities(doc)
                return doc
            doc = self.docs[text] = span.as_doc() if span is not None else self.nlp(text)
        return doc

    def parse_many(self, texts: list[str]) -> list[Any]:
        """Docs for ``texts``, in order."""
        self.prefetch(texts)
        return [self.parse(t) for t in texts]

    def __call__(self, text: str) -> Any:
        return self.parse(text)
