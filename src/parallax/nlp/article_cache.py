"""Per-article results of a stage, kept in the same analysis cache as vectors and parses.

When one article joins a story, the old members' sentences, quantities and quotes come
out as they did the last time: each is a function of the article alone (its id, text,
sentences, date) and of the models. ``reuse_per_article`` keeps such a result in the run's
``AnalysisCache`` (``parallax.nlp.cache``) under a *kind* that names the result, the
models and a digest of the package's code, and a key that digests every input the
result depends on (``digest``). A changed input, model or module is a different key or
kind, so a stale result is never reused: the result is computed again.

Results are stored as JSON through pydantic, the way reports are written, so a value
read back equals the one computed.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

from pydantic import TypeAdapter

from parallax.model import Article, Sentence
from parallax.nlp.cache import AnalysisCache, fetch_or_compute_keyed
from parallax.nlp.parser import SharedParser

T = TypeVar("T")
CODE_SUFFIXES = (".py", ".txt", ".tsv", ".json")  # what the digest of the code covers


def digest(*parts: object) -> str:
    """The sha256 (hex) of ``parts`` written as JSON: the key of a result computed from them."""
    text = json.dumps(parts, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@cache
def code_digest() -> str:
    """A short digest of the package's version, code and data files: a result kind that includes
    it is not reused after any of the code (or word lists) that could compute it changes."""
    import parallax

    root = Path(parallax.__file__).parent
    files = sorted(p for p in root.rglob("*") if p.suffix in CODE_SUFFIXES and p.is_file())
    hashed = hashlib.sha256(parallax.__version__.encode())
    for path in files:
        hashed.update(str(path.relative_to(root)).encode("utf-8"))
        hashed.update(path.read_bytes())
    return hashed.hexdigest()[:16]


_ADAPTERS: dict[object, TypeAdapter[Any]] = {}


def _adapter(shape: Any) -> TypeAdapter[Any]:
    """The pydantic adapter over ``shape`` (built once per type: it reads the dataclasses)."""
    if shape not in _ADAPTERS:
        _ADAPTERS[shape] = TypeAdapter(shape)
    return _ADAPTERS[shape]


def reuse_values(
    cache: AnalysisCache | None,
    kind: str,
    keys: Sequence[str],
    compute: Callable[[list[int]], Sequence[T]],
    shape: Any,
    codec: tuple[Callable[[T], bytes], Callable[[bytes], T]] | None = None,
) -> list[T]:
    """As ``reuse_per_article``, for results of any type pydantic can write (``shape``), or
    written and read by ``codec`` (encode, decode) where pydantic is too slow to read back."""
    if cache is None:
        return list(compute(list(range(len(keys)))))
    if codec is not None:
        return fetch_or_compute_keyed(cache, kind, keys, compute, *codec)
    adapter = _adapter(shape)
    return fetch_or_compute_keyed(
        cache,
        kind,
        keys,
        compute,
        lambda value: adapter.dump_json(value),
        lambda data: adapter.validate_json(data),
    )


def derive_per_sentence(
    parser: SharedParser,
    cache: AnalysisCache | None,
    name: str,
    sentences: Sequence[Sentence],
    derive: Callable[[Sentence, Any], T],
    shape: Any,
    codec: tuple[Callable[[T], bytes], Callable[[bytes], T]] | None = None,
) -> list[T]:
    """``derive(sentence, parse)`` for each sentence, in order, where ``parse`` is the run's
    parse of its text. Through ``cache``, under ``name`` and the pipeline, keyed by the sentence
    and where its parse comes from (``SharedParser.origin``): the parse of a sentence read
    back is never decoded. ``derive`` must be a function of the sentence and the parse alone."""

    def compute(wanted: list[int]) -> list[T]:
        docs = parser.parse_many([sentences[n].text for n in wanted])
        return [derive(sentences[n], doc) for n, doc in zip(wanted, docs, strict=True)]

    if cache is None:
        return compute(list(range(len(sentences))))
    from parallax.nlp.cache import parse_kind

    kind = f"{name}:{parse_kind(parser.nlp)}:{code_digest()}"
    keys = [digest(s.id, s.start, s.end, s.text, parser.origin(s.text)) for s in sentences]
    return reuse_values(cache, kind, keys, compute, shape, codec)


def reuse_per_article(
    cache: AnalysisCache | None,
    kind: str,
    keys: Sequence[str],
    compute: Callable[[list[int]], Sequence[list[T]]],
    item: type[T],
) -> list[list[T]]:
    """One list of ``item`` per key, in order: read from ``cache`` where present, the rest from
    one call of ``compute`` with the positions of the missing keys (stored for the next run).
    Without a cache everything is computed."""
    return reuse_values(cache, kind, keys, compute, list[item])  # type: ignore[valid-type]


def article_key(article: Article, parser: SharedParser | None, *extra: object) -> str:
    """The key of a result computed from one article: its id, date, text, sentences and where the
    parse of each sentence comes from (``SharedParser.origin``), plus ``extra``."""
    sentences = [(s.id, s.start, s.end) for s in article.sentences]
    origins = [parser.origin(s.text) for s in article.sentences] if parser is not None else []
    kept = [(span.start, span.end) for span in article.kept]
    return digest(article.id, article.published, article.original, kept, sentences, origins, *extra)
