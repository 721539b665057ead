"""Recognisers for page furniture, one per kind. Each looks at one line of text.

The rules describe kinds of furniture (the shape of a comment form, of a photo
credit, of a dateline), not any one outlet's strings. They are conservative: a
line is furniture only when its shape says so; anything that reads like
reporting is kept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from parallax.clean.normalise import normalise_for_matching

# Reason strings, as listed in Article.removed.
RELATED_LINK = "related-link"
COMMENT_FORM = "comment-form"
REPEATED_HEADLINE = "repeated-headline"
CAPTION = "caption"
PHOTO_CREDIT = "photo-credit"
OUTLET_TAG = "outlet-tag"
DATELINE = "dateline"
SYNDICATION_NOTICE = "syndication-notice"
HEADLINE_ONLY_LINE = "headline-only-line"
TITLE = "title"

# A line of reporting that lacks its final stop still has this many words or more.
HEADLINE_MAX_WORDS = 14

_I = re.IGNORECASE

# --- comment forms ------------------------------------------------------------
_COMMENT_FORM = [
    re.compile(p, _I)
    for p in (
        r"leave an? (reply|comment|response)( to .{1,80})?",
        r"(post|add|write|submit) (a |your |new )?(comment|reply)s?",
        r"cancel reply",
        r"\d+ (comments?|responses?|replies)",
        r"comments?( \(\d+\))?",
        r"(show|view|load|hide|read) (all |more |the )?(\d+ )?comments?( \(\d+\))?",
        r"comments are closed",
        r"join the (conversation|discussion|debate)",
        r"your (e-?mail|email address) (address )?will not be (published|shared|displayed)\b.{0,160}",
        r"required fields are marked.{0,20}",
        r"you must be (logged|signed) in to (post|leave) a (comment|reply).{0,40}",
        r"save my name,? e-?mail,? and website in this browser.{0,80}",
        r"notify me of (new |follow-?up )?(comments|posts|replies).{0,60}",
        r"this site uses akismet to reduce spam.{0,120}",
        r"(name|e-?mail|website|comment)\s*\*",
    )
]

# --- related-article teasers -----------------------------------------------------
# Strong cues: whatever follows them on the line is another story's headline.
_RELATED_STRONG = re.compile(
    r"^(see also|also see|read also|also read|you (may|might) also like|"
    r"don'?t miss|must read|recommended for you)\b\s*[:|»>–—-]*\s*(?P<rest>.*)$",
    _I,
)
# Weak cues: only with a separator after them, or alone on the line.
_RELATED_WEAK = re.compile(
    r"^(read more|related( articles?| stories| coverage| news| content)?|recommended( reading)?|"
    r"more on this( story| topic)?|also on [\w.]+|more from [\w.]+|go deeper|watch|listen|trending( now)?|"
    r"popular)\s*(?:(?P<sep>[:|»>]|[–—-]\s)\s*(?P<rest>.*))?$",
    _I,
)
RELATED_MAX_WORDS = 25

# --- syndication notices ---------------------------------------------------------
# Phrases that are a notice wherever they stand on the line ...
_SYNDICATION_ANYWHERE = re.compile(
    r"syndicated feed|not (been )?edited by .{1,60}? staff|auto-?generated from a syndicated", _I
)
# ... and phrases that are one only in a sentence about "this article/story/piece".
_SYNDICATION_SENTENCE = re.compile(
    r"(?:^|[.!?)]\s+|^\(\s*)(?:(?:a|an earlier) version of )?(?:this|the above) "
    r"(?:story|article|report|piece|post|column|interview|essay)\b[^.!?]{0,80}?\b"
    r"(?:(?:originally|first) (?:appeared|published|ran)|"
    r"(?:was|is|has been) (?:re)?published (?:in|on|by|at|from|with|under)|republished|reproduced|"
    r"(?:was|is) (?:provided|supplied|produced) by)",
    _I,
)
_SYNDICATION_OUTLET = re.compile(r"not (?:been )?edited by (?P<outlet>[A-Z][\w&.'’ -]{0,40}?) staff")
SYNDICATION_MAX_WORDS = 60
CAPTION_MAX_WORDS = 60
CREDIT_MAX_CHARS = 160

# --- captions and photo credits --------------------------------------------------
_CREDIT_WORDS = r"(?:photos?|photograph|image|picture|pic|video|illustration|graphic|credit|photo credit)"
_CREDIT_TAIL = re.compile(
    r"(?:[\(\[]\s*" + _CREDIT_WORDS + r"(?:\s+credit)?\s*(?::|by)\s*[^()\[\]]{1,80}[\)\]]"
    r"|(?-i:[\(\[]\s*(?:[A-Z][\w.]*\s?){1,3}(?:Photo|Images)\b[^()\[\]]{0,60}[\)\]])"
    r"|(?-i:[\(\[]\s*(?:REUTERS|Reuters|AFP|AP|EPA|Getty|GETTY|Xinhua|Anadolu)\s*/[^()\[\]]{1,60}[\)\]])"
    r"|(?:^|(?<=[.!?|)\]])\s*)" + _CREDIT_WORDS + r"(?:\s+credit)?\s*:\s*(?-i:[A-Z])[^.!?]{1,60})"
    r"\s*\.?\s*$",
    _I,
)
_CREDIT_ONLY = re.compile(
    r"^(?:[\(\[]?\s*" + _CREDIT_WORDS + r"(?:\s+credit)?\s*(?::|by)\s*[^()\[\]]{1,80}[\)\]]?"
    r"|image (?:source|copyright),?\s.{1,60}"
    r"|(?:getty images|shutterstock)(?:\s*(?:/|via)\s*\S.{0,40})?"
    r"|(?:reuters|ap|afp|epa|getty)(?: photo)?\s*(?:/|via)\s*\S.{0,40})\s*\.?$",
    _I,
)

# --- outlet tags and datelines ---------------------------------------------------
_MONTH = r"(?i:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_DATE = (
    r"(?:\d{4}-\d{1,2}-\d{1,2}|\d{1,2}\s+" + _MONTH + r",?\s+\d{4}|" + _MONTH + r"\s+\d{1,2}(?:st|nd|rd|th)?"
    r"(?:,?\s+\d{4})?|\d{1,2}/\d{1,2}/\d{4})"
)
_DASH = r"\s*(?:--?|[–—])\s+"
_NAME = r"[A-Z][\w&.'’]*(?:\s+(?:[A-Z][\w&.'’]*|of|the|al|el|de)){0,4}"
_LABELLED_DATELINE = re.compile(
    r"^\s*(?:(?:date|published|posted|updated)\s*:?\s*)?(?P<date>" + _DATE + r")"
    r"(?:\s+(?P<outlet>(?-i:" + _NAME + r")))?" + _DASH,
    _I,
)
_PLACE_DATELINE = re.compile(
    r"^\s*(?P<place>[A-Z][\w.'’-]*(?:[ ,]+[A-Z][\w.'’-]*){0,3}?)?"
    r"(?:,\s*(?P<date>" + _DATE + r"))?"
    r"\s*(?:\((?P<outlet>[A-Z][\w.&'’ -]{0,40})\))?" + _DASH,
)
_DATE_LINE = re.compile(
    r"^(?:(?:date|published|posted|updated|last updated)\s*:?\s*)?(?:\w+day,?\s+)?(?P<date>" + _DATE + r")"
    r"(?:\s*(?:,|at|-)?\s*\d{1,2}[:.]\d{2}\s*(?:am|pm)?(?:\s*[A-Z]{2,4})?)?\.?$",
    _I,
)
_TAGS = r"[A-Z][\w.&'’ -]{0,30}(?:\s*[,/;]\s*[A-Z][\w.&'’ -]{0,30}){0,4}"
_TAG_LINE = re.compile(
    r"^(?:\(\s*(?P<a>" + _TAGS + r")\s*\)|/\s*(?P<b>" + _TAGS + r")\s*/|[–—-]+\s*(?P<c>" + _TAGS + r"))\.?$"
)
_TAG_SUFFIX = re.compile(r"(?<=[.!?\"”’])\s*\(\s*(?P<tags>" + _TAGS + r")\s*\)\s*$")


@dataclass
class Dateline:
    """A dateline or outlet tag at the start of a line."""

    length: int  # characters it covers from the line start (separator included)
    outlet: str | None
    date: str | None
    reason: str  # "dateline" (place or date given) or "outlet-tag" (outlet only)


@dataclass
class TagLine:
    """A line that is only a tag; ``outlet`` when the tag names one."""

    outlet: str | None


@dataclass
class TagSuffix:
    """An agency tag such as "(Reuters)" closing the last paragraph."""

    start: int  # offset within the line
    outlet: str


# --- helpers -------------------------------------------------------------------
# fmt: off
_SMALL_WORDS = frozenset([
    "a", "an", "and", "as", "at", "but", "by", "for", "from", "in", "into", "is", "of", "on", "or",
    "over", "the", "to", "up", "via", "vs", "with"
])
# fmt: on
# fmt: off
_ENDS_CLAUSE = frozenset([
    "a", "an", "and", "are", "as", "at", "be", "been", "but", "by", "could", "did", "for", "from",
    "had", "has", "have", "he", "her", "his", "if", "in", "into", "is", "it", "its", "not", "of", "on",
    "or", "our", "over", "said", "says", "she", "should", "than", "that", "the", "their", "them",
    "they", "this", "those", "to", "told", "under", "was", "we", "were", "when", "which", "while",
    "who", "whose", "will", "with", "would"
])
# fmt: on
_QUOTES = "\"'“”‘’`«»"
_FINAL_PUNCT = ".!?…:;,"


def line_key(text: str) -> str:
    """How lines are compared for repeats: normalised, case-folded, no counter or markup."""
    key = normalise_for_matching(text).casefold()
    key = re.sub(r"^#+\s*", "", key)
    key = re.sub(r"\s+\d{1,4}$", "", key)  # a trailing view/comment counter
    return key.strip(_QUOTES + " .")


def is_comment_form(text: str) -> bool:
    if len(text) > 250:
        return False
    line = normalise_for_matching(text).rstrip(" .")
    return any(p.fullmatch(line) for p in _COMMENT_FORM)


def is_related_link(text: str) -> bool:
    if text.count(" ") > RELATED_MAX_WORDS + 6:
        return False
    line = normalise_for_matching(text)
    strong = _RELATED_STRONG.match(line)
    if strong:
        return len(strong.group("rest").split()) <= RELATED_MAX_WORDS
    weak = _RELATED_WEAK.match(line)
    if weak is None:
        return False
    return len((weak.group("rest") or "").split()) <= RELATED_MAX_WORDS


def is_syndication_notice(text: str) -> bool:
    if text.count(" ") > SYNDICATION_MAX_WORDS * 2 or len(text.split()) > SYNDICATION_MAX_WORDS:
        return False
    return bool(_SYNDICATION_ANYWHERE.search(text) or _SYNDICATION_SENTENCE.search(text))


def find_syndication_outlet(text: str) -> str | None:
    match = _SYNDICATION_OUTLET.search(text)
    return match.group("outlet").strip() if match else None


def classify_caption(text: str) -> tuple[str, int] | None:
    """How a line carries a photo caption or credit, as (reason, start within the line).

    (PHOTO_CREDIT, 0): the line is only a credit. (CAPTION, 0): a one-sentence
    caption ending in a credit. (PHOTO_CREDIT, n): a longer paragraph that ends in
    a credit; only the credit from n on is furniture. None: no credit.
    """
    line = text.strip()
    if len(line) <= 200 and _CREDIT_ONLY.match(line):
        return PHOTO_CREDIT, 0
    # A credit is short: look for it only near the end of the line.
    tail = _CREDIT_TAIL.search(line, max(0, len(line) - CREDIT_MAX_CHARS))
    if not tail:
        return None
    before = line[: tail.start()]
    if len(before.split()) <= CAPTION_MAX_WORDS and not re.search(r"[.!?][\"”’]?\s+[A-Z“\"]", before):
        return CAPTION, 0
    return PHOTO_CREDIT, len(before.rstrip())


def match_dateline(text: str) -> Dateline | None:
    """A dateline ("WASHINGTON (Reuters) -", "date 2023-10-21 Outlet -") or outlet tag ("(Outlet) –")."""
    labelled = _LABELLED_DATELINE.match(text)
    if labelled and _has_text_after(text, labelled.end()):
        return Dateline(labelled.end(), _tidy(labelled.group("outlet")), labelled.group("date"), DATELINE)
    placed = _PLACE_DATELINE.match(text)
    if not placed or not _has_text_after(text, placed.end()):
        return None
    place, date, outlet = placed.group("place"), placed.group("date"), placed.group("outlet")
    if not place and not outlet:
        return None
    if place and not (date or outlet):
        # A bare place needs capitals to be a dateline ("GAZA CITY —"), not a sentence ("Israel - ").
        letters = [c for c in place if c.isalpha()]
        if len(letters) < 4 or not all(c.isupper() for c in letters):
            return None
    if outlet and re.search(r"\d", outlet):
        date, outlet = date or outlet, None  # "(March 2) —": a date in brackets
    if outlet and " " in outlet.strip() and outlet.isupper():
        place, outlet = outlet, None  # "(NEW DELHI) —": a place in brackets, not an outlet
    reason = DATELINE if (place or date) else OUTLET_TAG
    return Dateline(placed.end(), _tidy(outlet), date, reason)


def is_date_line(text: str) -> str | None:
    """The date, when the whole line is a publication date ("Published: 21 Oct 2023, 10:04")."""
    match = _DATE_LINE.match(text.strip())
    return match.group("date") if match else None


def match_tag_line(text: str) -> TagLine | None:
    """A line that is only an agency/outlet tag ("(RT, PC)", "/AFP/") or a sign-off ("— Jo Bloggs").

    The outlet is the first tag of a bracketed or slashed tag; a sign-off after a
    dash names people, so it gives no outlet.
    """
    match = _TAG_LINE.match(text.strip())
    if not match:
        return None
    tags = match.group("a") or match.group("b") or match.group("c") or ""
    if len(tags.split()) > 6 or re.search(r"\d", tags):
        return None
    if match.group("c"):
        return TagLine(None)
    return TagLine(_tidy(re.split(r"[,/;]", tags)[0]))


def match_tag_suffix(text: str) -> TagSuffix | None:
    """An agency tag closing a paragraph after its final stop ("... on Friday. (Reuters)")."""
    match = _TAG_SUFFIX.search(text)
    if not match or len(match.group("tags").split()) > 4 or re.search(r"\d", match.group("tags")):
        return None
    outlet = _tidy(re.split(r"[,/;]", match.group("tags"))[0])
    return TagSuffix(match.start(), outlet) if outlet else None


def looks_like_headline(text: str) -> bool:
    """A short line with no final punctuation that reads as a headline, not as reporting.

    Lines of five words or more must be in headline capitals ("Amnesty's Report on
    Gaza is a Shocking Read") or have a headline's shape ("..., says minister",
    "Topic: ..."). A line ending in a function word is a cut-off sentence, kept.
    """
    line = re.sub(r"^#+\s*", "", text.strip()).strip("*_ ")
    bare = line.rstrip(_QUOTES + ")]* ")
    if not bare or bare[-1] in _FINAL_PUNCT:
        return False
    words = line.split()
    if not words or len(words) > HEADLINE_MAX_WORDS:
        return False
    if ends_in_function_word(line) or not re.search(r"[^\W\d_]", line):
        return False
    if len(words) <= 4:
        return True
    if _title_case_share(words) >= 0.75:
        return True
    return bool(re.search(r", (says|warns|claims|reports)\b[^,]{0,40}$|^[^:]{2,40}: \S", bare))


def ends_in_function_word(text: str) -> bool:
    """True when the last word is one a sentence goes on after ("to", "the", "were"...)."""
    words = text.split()
    return bool(words) and re.sub(r"\W+$", "", words[-1]).casefold() in _ENDS_CLAUSE


def _title_case_share(words: list[str]) -> float:
    content = []
    for word in words:
        bare = word.strip(_QUOTES + "()[],:;-–—")
        if not bare or bare.casefold() in _SMALL_WORDS:
            continue
        content.append(bare)
    if not content:
        return 0.0
    capitalised = sum(1 for w in content if w[0].isupper() or w[0].isdigit())
    return capitalised / len(content)


def _has_text_after(text: str, position: int) -> bool:
    return bool(text[position:].strip())


def _tidy(name: str | None) -> str | None:
    if not name:
        return None
    name = name.strip(" -–—,.")
    return name or None
