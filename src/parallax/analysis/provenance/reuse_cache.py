"""The words of each article and the passages of each article pair, kept for the next run.

``reuse.find_reuse`` aligns every pair of a story's articles. When one article joins a
story of N, only its N-1 pairs are new: ``PairCache`` keeps, in the run's analysis cache
(``parallax.nlp.cache``), each article's normalised words with their offsets, and each
pair's result before the direction is judged (its passages, coverages, kind and systematic
swaps, or that it shares none). An article's key digests its id, text, kept spans and
sentences; a pair's key digests both articles' keys and the least passage length; every
kind names a digest of the package's code (``article_cache.code_digest``). So a changed
article, setting or module is a different key or kind, and its result is computed again.
The direction is not kept: it reads the other articles' words, which change when one joins.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache

from pydantic import TypeAdapter

from parallax.model import Article, ReusePair, Span
from parallax.nlp.article_cache import code_digest, digest, reuse_values
from parallax.nlp.cache import AnalysisCache
from parallax.text.words import WORD, normalise_word

PairResult = tuple[ReusePair | None, list[tuple[str, str]]]  # the pair (None: no passage), its swaps


@dataclass
class Token:
    norm: str
    start: int
    end: int


def tokenize_article(article: Article) -> list[Token]:
    """The normalised words of an article's kept text, with offsets into its original."""
    spans = article.kept or ([Span(0, len(article.original), article.original)] if article.original else [])
    tokens: list[Token] = []
    for span in spans:
        piece = article.original[span.start : span.end]
        for m in WORD.finditer(piece):
            tokens.append(Token(normalise_word(m.group(0)), span.start + m.start(), span.start + m.end()))
    return tokens


def encode_tokens(tokens: list[Token]) -> bytes:
    """The words as one line (a word holds no space), then their offsets as 32-bit integers."""
    words = " ".join(t.norm for t in tokens).encode("utf-8")
    offsets = array("i", [x for t in tokens for x in (t.start, t.end)])
    return len(words).to_bytes(4, "little") + words + offsets.tobytes()


def decode_tokens(data: bytes) -> list[Token]:
    """The tokens ``encode_tokens`` wrote."""
    size = int.from_bytes(data[:4], "little")
    words = data[4 : 4 + size].decode("utf-8").split(" ") if size else []
    offsets = array("i")
    offsets.frombytes(data[4 + size :])
    return [Token(w, offsets[2 * n], offsets[2 * n + 1]) for n, w in enumerate(words)]


@cache
def _pair_adapter() -> TypeAdapter[PairResult]:
    return TypeAdapter(PairResult)


class PairCache:
    """Each article's words and each article pair's result, through an analysis cache."""

    def __init__(self, articles: list[Article], min_words: int, cache: AnalysisCache | None) -> None:
        self.articles = articles
        self.min_words = min_words
        self.cache = cache
        self.keys = [
            digest(
                a.id,
                a.original,
                [(k.start, k.end) for k in a.kept],
                [(s.id, s.start, s.end) for s in a.sentences],
            )
            for a in articles
        ]
        self.position = {a.id: n for n, a in enumerate(articles)}

    def tokens(self, docs: list[Article]) -> dict[str, list[Token]]:
        """``tokenize_article`` each of ``docs``, by id (read back where kept)."""
        keys = [self.keys[self.position[d.id]] for d in docs]
        found = reuse_values(
            self.cache,
            f"reuse-words:{code_digest()}",
            keys,
            lambda wanted: [tokenize_article(docs[n]) for n in wanted],
            list[Token],
            (encode_tokens, decode_tokens),
        )
        return {d.id: words for d, words in zip(docs, found, strict=True)}

    def compare_all(
        self, compare: Callable[[Article, Article], PairResult]
    ) -> Iterator[tuple[tuple[Article, Article], PairResult]]:
        """``compare(a, b)`` for every pair, a before b in the articles' order (read back where kept)."""
        docs = self.articles
        pairs = [(i, j) for i in range(len(docs)) for j in range(i + 1, len(docs))]
        keys = [digest(self.keys[i], self.keys[j], self.min_words) for i, j in pairs]
        adapter = _pair_adapter()
        found = reuse_values(
            self.cache,
            f"reuse-pair:{code_digest()}",
            keys,
            lambda wanted: [compare(docs[pairs[n][0]], docs[pairs[n][1]]) for n in wanted],
            PairResult,
            (adapter.dump_json, adapter.validate_json),
        )
        for (i, j), result in zip(pairs, found, strict=True):
            yield (docs[i], docs[j]), result
