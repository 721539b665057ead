"""One spaCy parse per distinct text, shared by the stages that need dependency parses.

Quotes, numbers and word choice each parse sentences (or a window around a quote) on
their own. Parsing the same sentence again in every stage, and one text at a time,
was the largest cost of an analysis after the embeddings; this parser keeps every
parse of the analysis keyed by its text, and ``prefetch`` parses the texts a stage
is about to need in one batched ``nlp.pipe``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from parallax.stage import Context

_KEY = "parsing.parser"


class SharedParser:
    """A spaCy pipeline with a cache of the docs it has produced, keyed by text."""

    def __init__(self, nlp: Any, batch_size: int = 64) -> None:
        self.nlp = nlp
        self.batch_size = batch_size
        self.docs: dict[str, Any] = {}

    def prefetch(self, texts: Iterable[str]) -> None:
        """Parse, in batches, those of ``texts`` not parsed yet."""
        missing = [t for t in dict.fromkeys(texts) if t not in self.docs]
        for text, doc in zip(missing, self.nlp.pipe(missing, batch_size=self.batch_size), strict=True):
            self.docs[text] = doc

    def parse(self, text: str) -> Any:
        """The doc for ``text``, parsed now if it was not prefetched."""
        doc = self.docs.get(text)
        if doc is None:
            doc = self.docs[text] = self.nlp(text)
        return doc

    def parse_many(self, texts: list[str]) -> list[Any]:
        """Docs for ``texts``, in order."""
        self.prefetch(texts)
        return [self.docs[t] for t in texts]

    def __call__(self, text: str) -> Any:
        return self.parse(text)


def shared_parser(ctx: Context) -> SharedParser:
    """The analysis's shared parser (created on first use, kept in ``ctx.extras``)."""
    parser = ctx.extras.get(_KEY)
    if parser is None:
        from parallax.models import load_spacy

        parser = ctx.extras[_KEY] = SharedParser(load_spacy(ctx.options.spacy_model))
    return parser  # type: ignore[no-any-return]
