"""Which sentences may stand in a summary: no captions, no datelines, no quotes without a speaker.

A photo caption is found by its form, never by its words:

* a photo credit ("(Photo: Reuters)", "Getty Images via AFP": ``parallax.clean.rules``);
* the text of one of the article's captions (``Article.captions``, kept apart by cleaning);
* a fragment: the parse's root has no subject and no auxiliary ("Israeli soldiers near
  the border on Monday.", "Two hostages released by Hamas.");
* a picture described on a line of its own: the sentence opens with a depiction noun
  ("Portraits of ...", "A photo of ...") and is the only sentence of its paragraph.

A dateline at a sentence's start ("GAZA CITY (Reuters) -") is cut off, not the sentence.
A quotation counts as having its speaker when an attribution verb ("said", "told") or
"according to" stands outside its quote marks.
"""

from __future__ import annotations

import re
from typing import Any

from rapidfuzz import fuzz

from parallax.analysis.claims.grouping import QUOTE_MARKS, has_unbalanced_quotes
from parallax.analysis.wording.markers import quotation_spans
from parallax.clean.rules import classify_caption, match_dateline
from parallax.lexicons import load_attribution_verbs, tokenize_words
from parallax.model import Article, Claim, Mention, Report, Sentence

# Nouns that name a picture: a sentence that opens with one ("Portraits of ...") on a line of
# its own describes an image.
DEPICTION_NOUNS = frozenset(
    {
        *("photo", "photos", "photograph", "photographs", "picture", "pictures", "image", "images"),
        *("portrait", "portraits", "screenshot", "screenshots", "illustration", "illustrations"),
        *("footage", "still", "stills", "view", "views", "graphic", "graphics", "map", "maps"),
    }
)
_DEPICTION_OPENING = re.compile(
    r"^(?:(?:a|an|the|this|these|file|aerial|undated)\s+)*([a-z]+)\s+(?:of|from|shows?)\b"
)
# Dependency labels of a clause's subject, and of the auxiliaries that make a participle finite.
SUBJECTS = frozenset({"nsubj", "nsubjpass", "csubj", "csubjpass", "expl"})
AUXILIARIES = frozenset({"aux", "auxpass"})
# A sentence this close (rapidfuzz ratio) to one of its article's captions is that caption.
CAPTION_MATCH = 90.0
_ACCORDING = re.compile(r"\baccording to\b", re.I)


def is_fragment(doc: Any) -> bool:
    """Whether a parse has no finite clause: its root takes neither a subject nor an auxiliary."""
    roots = [t for t in doc if t.dep_ == "ROOT"]
    if not roots:
        return False
    return not any(c.dep_ in SUBJECTS or c.dep_ in AUXILIARIES for root in roots for c in root.children)


def opens_with_depiction(text: str) -> bool:
    """Whether the text opens by naming a picture ("Portraits of ...", "A photo of ...")."""
    match = _DEPICTION_OPENING.match(text.strip().lower())
    return match is not None and match.group(1) in DEPICTION_NOUNS


def stands_alone(article: Article, sentence: Sentence) -> bool:
    """Whether the sentence is a paragraph of its own (a line break, or the text's edge, on both sides)."""
    before = article.original[: sentence.start].rstrip(" \t")
    after = article.original[sentence.end :].lstrip(" \t")
    return (not before or before.endswith("\n")) and (not after or after.startswith("\n"))


def matches_caption(text: str, article: Article) -> bool:
    """Whether the text is one of the article's captions (``Article.captions``)."""
    return any(fuzz.ratio(text, c.text) >= CAPTION_MATCH for c in article.captions)


def is_caption(sentence: Sentence, article: Article, fragments: frozenset[str] | None = None) -> bool:
    """Whether a sentence is a photo caption or credit rather than a report (see the module);
    ``fragments`` are the ids of the sentences whose parse is a fragment (``is_fragment``)."""
    text = sentence.text.strip()
    if classify_caption(text) is not None or matches_caption(text, article):
        return True
    if opens_with_depiction(text) and stands_alone(article, sentence):
        return True
    return fragments is not None and sentence.id in fragments


def strip_dateline(text: str) -> str:
    """The text without a dateline or outlet tag at its start."""
    found = match_dateline(text)
    if found is None:
        return text
    rest = text[found.length :].lstrip()
    return rest[:1].upper() + rest[1:] if rest else text


def has_speaker(text: str) -> bool:
    """Whether an attribution verb or "according to" stands outside the text's quotations."""
    outside = text
    for start, end in reversed(quotation_spans(text)):
        outside = outside[:start] + " " + outside[end:]
    verbs = load_attribution_verbs()
    return bool(_ACCORDING.search(outside)) or any(w in verbs for w in tokenize_words(outside))


def is_unattributed_quote(text: str) -> bool:
    """Whether the text quotes someone without saying who (or is a piece of a quotation)."""
    if not any(q in text for q in QUOTE_MARKS if q not in "’'"):
        return False
    return has_unbalanced_quotes(text) or not has_speaker(text)


def sort_mentions(
    claim: Claim, report: Report, fragments: frozenset[str] | None = None
) -> tuple[list[Mention], list[Mention]]:
    """(supporting, wordings) of a claim, for the summary. Supporting: the mentions that are
    not captions. Wordings: those of them that may be a summary sentence (no quote without
    its speaker), their dateline cut off (``strip_dateline``)."""
    sentences = {s.id: s for a in report.articles for s in a.sentences}
    supporting: list[Mention] = []
    wordings: list[Mention] = []
    for mention in claim.mentions:
        sentence = sentences.get(mention.sentence)
        if sentence is not None and is_caption(sentence, report.article(mention.article), fragments):
            continue
        supporting.append(mention)
        if not is_unattributed_quote(mention.text):
            text = strip_dateline(mention.text)
            wordings.append(Mention(mention.article, mention.sentence, text, mention.start, mention.end))
    return supporting, wordings
