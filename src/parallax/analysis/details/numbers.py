"""Numbers: quantities with what they count, aligned across outlets.

A quantity is found by pattern (digits, "2.3 million", spelled-out numbers,
ranges such as "10-20", qualifiers such as "more than" or "tops"); dates,
years, ordinals, clock times and durations are left out. What it counts comes
from spaCy's dependency parse: the noun the number modifies ("54 aid trucks"),
the noun after "of" ("10-20 of them"), or the subject of the verb it is the
object of ("the death toll tops 5,000"). A small lexicon sorts the counted
thing into a kind (people, troops, vehicles, money, ...) and the words around
it into an event (killed, held, released, ...).

Quantities of the same kind and event from different articles whose values are
within a factor of ``RATIO`` of each other are taken as the same measure. Equal
values agree; different values from reports of different days are an update
(a later toll is not a contradiction); different values on the same day, or
with unknown dates, differ.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from itertools import pairwise
from typing import Any, cast

from parallax.analysis.reading.parsing import shared_parser
from parallax.model import Article, Bound, NumberComparison, Quantity, QuantityKind, Report, Sentence, Verdict
from parallax.nlp.article_cache import article_key, code_digest, reuse_per_article
from parallax.nlp.cache import parse_kind
from parallax.stage import Context, stage
from parallax.text.languages import LOCALISED
from parallax.text.numbers import Found, find_numbers
from parallax.text.words import singular

# Values within this factor of each other can be the same measure; further apart
# they are taken to count different things (1,400 killed in one attack vs 4,100 in a war).
RATIO = 1.6

CURRENCY_WORDS = {"dollar": "USD", "euro": "EUR", "pound": "GBP", "shekel": "ILS", "yen": "JPY"}
TIME_NOUNS = {
    "second",
    "minute",
    "hour",
    "day",
    "night",
    "week",
    "month",
    "year",
    "decade",
    "century",
    "time",
}
PEOPLE = {
    "people", "person", "civilian", "hostage", "captive", "prisoner", "detainee", "child",
    "children", "woman", "women", "man", "men", "citizen", "resident", "victim", "settler",
    "teenager", "adult", "patient", "worker", "journalist", "refugee", "migrant", "family",
    "student", "baby", "infant", "individual", "casualty", "casualties", "national", "member",
    "official", "doctor", "staff", "elderly", "others", "american", "israeli", "palestinian",
    "villager", "passenger", "protester", "demonstrator", "miner", "farmer", "pilgrim", "employee",
    "nurse", "firefighter", "police", "officer", "peacekeeper", "tourist", "voter", "inmate",
    "survivor", "source", "player", "fan", "pupil", "girl", "boy", "mother", "father", "daughter", "son",
}  # fmt: skip
# Events that happen to people: a count of something else "killed" or "held" is most likely people.
PEOPLE_EVENTS = {"killed", "injured", "held", "released", "missing", "displaced", "arrested"}
TROOPS = {"soldier", "troop", "reservist", "fighter", "militant", "personnel", "marine", "infantry"}
VEHICLES = {
    "truck", "tank", "vehicle", "car", "bus", "aircraft", "plane", "jet", "ship", "vessel",
    "carrier", "boat", "drone", "helicopter", "convoy", "lorry", "lorries", "ambulance",
}  # fmt: skip
# Word stems that say what happened to what is counted, in priority order.
EVENTS: list[tuple[str, tuple[str, ...]]] = [
    ("killed", ("kill", "dead", "death", "die", "died", "martyr", "fatalit", "slain", "murder", "perish")),
    ("injured", ("injur", "wound", "hurt", "maim")),
    (
        "held",
        ("hostage", "captive", "kidnap", "abduct", "detain", "captur", "held", "hold", "seiz", "imprison"),
    ),
    ("released", ("releas", "freed", "free")),
    ("missing", ("missing",)),
    ("displaced", ("displac", "flee", "fled", "homeless", "evacuat")),
    ("arrested", ("arrest",)),
    ("deployed", ("deploy", "mobili", "sent", "send", "dispatch")),
    ("entered", ("enter", "cross", "arriv", "deliver")),
]
POPULATION_RE = re.compile(r"\b(home to|population of|inhabitants|population)\b", re.IGNORECASE)
PRONOUNS = {"them", "those", "these", "whom", "which"}


def detect_event(words: Iterable[str]) -> str:
    """The highest-priority event named by any of the words ("" when none)."""
    lowered = [w.lower() for w in words]
    for event, stems in EVENTS:
        if any(w.startswith(s) for w in lowered for s in stems):
            return event
    return ""


def classify_kind(counted: str, head: Any | None) -> str:
    """people | troops | vehicles | money | other, from the counted noun phrase."""
    words = counted.split()  # none when the phrase is only spaces or line breaks
    stem = singular(words[-1]) if words else ""
    if stem in TROOPS:
        return "troops"
    if stem in VEHICLES:
        return "vehicles"
    if stem in CURRENCY_WORDS:
        return "money"
    if stem in PEOPLE or (stem.endswith(("ian", "ese", "ish", "i")) and counted[:1].isupper()):
        return "people"
    if head is not None and getattr(head, "ent_type_", "") in ("NORP", "PERSON"):
        return "people"
    if stem in ("toll",):
        return "people"
    return "other"


def _phrase(tokens: list[Any]) -> str:
    return " ".join(t.text for t in tokens if not t.is_punct)


def describe_number(doc: Any, found: Found) -> tuple[str, str, str, bool]:
    """(counted phrase, kind, event, is_duration) for a number in a parsed sentence."""
    span = doc.char_span(found.start, found.end, alignment_mode="expand")
    if span is None or len(span) == 0:
        return "", found.kind or "other", "", False
    last = span[-1]
    noun = None
    counted = ""
    if last.dep_ in ("nummod", "compound", "quantmod", "amod") and last.head.i > last.i:
        noun = last.head
        while noun.dep_ in ("nummod", "compound") and noun.head.i > noun.i and noun.head.i - last.i <= 4:
            noun = noun.head
        counted = _phrase(list(doc[last.i + 1 : noun.i + 1]))
    elif last.i + 2 < len(doc) and doc[last.i + 1].lower_ == "of":
        objects = [t for t in doc[last.i + 1].children if t.dep_ == "pobj"]
        if objects:
            noun = objects[0]
            counted = _phrase(list(doc[last.i + 2 : noun.i + 1]))
            if noun.lower_ in PRONOUNS:
                earlier = [t for t in doc[: span.start] if t.dep_ == "nummod" and t.head.i < span.start]
                if earlier:
                    noun = earlier[-1].head
                    counted = noun.text
    else:
        verb = last.head
        while verb.dep_ == "prep" and verb.head is not verb:
            verb = verb.head
        subjects = [t for t in verb.children if t.dep_ in ("nsubj", "nsubjpass") and not t.like_num]
        if last.dep_ in ("dobj", "attr", "pobj", "npadvmod") and subjects:
            noun = subjects[0]
            counted = _phrase([t for t in noun.lefts if t.dep_ in ("compound", "amod")] + [noun])
    if found.kind == "age":
        return "years old", "age", "", False
    if noun is None:
        return counted, found.kind or "other", "", False
    if singular(noun.text) in TIME_NOUNS and found.kind not in ("money", "percent"):
        return counted, "duration", "", True
    context = [t.text for t in noun.subtree] + [a.text for a in list(noun.ancestors)[:4]]
    context += [t.text for t in doc[noun.i + 1 : noun.i + 3]]
    context += [t.text for t in doc[max(0, span.start - 3) : span.start]]
    event = detect_event(context)
    kind = found.kind or classify_kind(counted, noun)
    if kind == "other" and event in PEOPLE_EVENTS:
        kind = "people"
    sentence_before = doc.text[: found.start]
    if kind in ("people", "other") and POPULATION_RE.search(sentence_before[-30:] + " " + counted):
        kind, event = "population", ""
    if kind == "other" and singular(noun.text) in CURRENCY_WORDS:
        kind = "money"
    return counted, kind, event, False


_NEXT_WORDS = re.compile(r"\s*(?:(?:de|d'|d’|del|der|die|des)\s*)?([^\W\d_][\w'’-]*)")


# What a French, German or Spanish number counts, by the word after it (lower-cased).
FOREIGN_TIME_NOUNS = frozenset(
    str.split(
        """minute minutes heure heures jour jours semaine semaines mois an ans année années minuten
        stunde stunden tag tage tagen woche wochen monat monate monaten jahr jahre jahren minuto
        minutos hora horas día días semana semanas mes meses año años"""
    )
)
FOREIGN_MONEY_NOUNS = frozenset(str.split("euro euros dollar dollars dólares franken francs pesos"))
FOREIGN_PEOPLE_NOUNS = frozenset(
    str.split(
        """personnes gens habitants passagers victimes morts blessés enfants menschen personen
        einwohner fahrgäste passagiere opfer tote verletzte kinder personas habitantes pasajeros
        víctimas muertos heridos niños"""
    )
)


def name_counted(text: str, found: Found) -> tuple[str, str, str, bool]:
    """(counted, kind, event, is_duration) for a number in a sentence without a parse in its
    language: the word after the number is what it counts ("4 100 personnes", "más de 200 casas")."""
    if found.kind:
        return ("years old" if found.kind == "age" else ""), found.kind, "", False
    match = _NEXT_WORDS.match(text, found.end)
    word = match.group(1) if match else ""
    lowered = word.lower()
    if lowered in FOREIGN_TIME_NOUNS:
        return word, "duration", "", True
    if lowered in FOREIGN_MONEY_NOUNS:
        return word, "money", "", False
    return word, ("people" if lowered in FOREIGN_PEOPLE_NOUNS else "other"), "", False


def extract_quantities(article: Article, parse: Callable[[str], Any], start_id: int = 1) -> list[Quantity]:
    """Every quantity in an article's sentences, with what it counts."""
    out: list[Quantity] = []
    foreign = article.language in LOCALISED  # the parse is English: read what is counted by rule
    for sentence in article.sentences:
        found = find_numbers(sentence.text, article.language)
        if not found:
            continue
        doc = None if foreign else parse(sentence.text)
        for item in found:
            if doc is None:
                counted, kind, event, duration = name_counted(sentence.text, item)
            else:
                counted, kind, event, duration = describe_number(doc, item)
            if duration:
                continue  # "two weeks", "nearly 20 years": time spans belong to the timeline
            if not counted and kind not in ("money", "percent", "age"):
                continue  # a bare number with nothing counted: a heading, a score, furniture
            out.append(
                Quantity(
                    id=f"n{start_id + len(out)}", article=article.id, sentence=sentence.id,
                    text=sentence.text[item.start : item.end], value=item.value,
                    start=sentence.start + item.start, end=sentence.start + item.end,
                    high=item.high, qualifier=item.qualifier,
                    bound=cast(Bound, item.bound), kind=cast(QuantityKind, kind),
                    event=event, counts=counted, unit=item.unit, date=article.published,
                )
            )  # fmt: skip
    return out


def measure_key(q: Quantity) -> tuple[str, str]:
    """What two quantities must share to be compared."""
    if q.kind in ("people", "troops", "vehicles", "population"):
        return (q.kind, q.event)
    if q.kind in ("money", "percent"):
        return (q.kind, q.unit + " " + q.event)
    return (q.kind, singular(q.counts.split()[-1]) if q.counts else "")


def measure_label(key: tuple[str, str]) -> str:
    kind, what = key
    if kind == "age":
        return "age"
    return f"{kind} {what}".strip() if what else kind


def format_value(q: Quantity) -> str:
    def plain(v: float) -> str:
        return f"{v:,.0f}" if v == int(v) else f"{v:,}"

    if q.high is not None:
        return f"{plain(q.value)}-{plain(q.high)}"
    return f"{q.qualifier} {plain(q.value)}".strip()


def _cluster(items: list[Quantity]) -> list[list[Quantity]]:
    """Group values lying within RATIO of the group's smallest value."""
    groups: list[list[Quantity]] = []
    for q in sorted(items, key=lambda x: x.value):
        if groups and groups[-1][0].value > 0 and q.value / groups[-1][0].value <= RATIO:
            groups[-1].append(q)
        else:
            groups.append([q])
    return groups


def judge(group: list[Quantity], labels: dict[str, str], inferred: set[str]) -> tuple[str, str]:
    """(verdict, note) for one measure reported by several articles."""

    def where(q: Quantity) -> str:
        day = q.date or "date unknown"
        if q.article in inferred and q.date:
            day += ", inferred"
        return f"{format_value(q)} ({labels[q.article]}, {day})"

    values = {(q.value, q.high) for q in group}
    if len(values) == 1:
        return "agree", f"{len(group)} outlets agree: " + "; ".join(where(q) for q in group)
    ordered = sorted(group, key=lambda q: (q.date or "", q.value))
    dates = [q.date for q in ordered]
    if all(dates) and len(set(dates)) > 1:
        by_day: dict[str, set[float]] = defaultdict(set)
        for q in ordered:
            by_day[q.date or ""].add(q.value)
        days = sorted(by_day)
        rising = all(max(by_day[a]) <= min(by_day[b]) for a, b in pairwise(days))
        if all(len(v) == 1 for v in by_day.values()) and rising:
            return "update", (
                "reported on different days, so the later figure is an update, not a contradiction: "
                + " -> ".join(where(q) for q in ordered)
            )
        return "differ", "the figures differ, and a later report does not simply raise them: " + "; ".join(
            where(q) for q in ordered
        )
    reason = "on the same day" if all(dates) else "and the report dates are not all known"
    return "differ", f"the figures differ {reason}: " + "; ".join(where(q) for q in ordered)


def compare_quantities(report: Report) -> list[NumberComparison]:
    """Align the same measure across articles and say whether the figures agree."""
    labels = {a.id: a.label for a in report.articles}
    inferred = {a.id for a in report.articles if a.published_inferred}
    by_key: dict[tuple[str, str], list[Quantity]] = defaultdict(list)
    for q in report.quantities:
        if q.kind in ("other",) and not q.counts:
            continue
        by_key[measure_key(q)].append(q)
    comparisons: list[NumberComparison] = []
    for key, items in by_key.items():
        for group in _cluster(items):
            firsts: dict[str, Quantity] = {}
            for q in sorted(group, key=lambda x: x.start):
                firsts.setdefault(q.article, q)
            if len(firsts) < 2:
                continue
            chosen = [firsts[a.id] for a in report.articles if a.id in firsts]
            verdict, note = judge(chosen, labels, inferred)
            comparisons.append(
                NumberComparison(
                    measure=measure_label(key), quantities=[q.id for q in chosen],
                    articles=[q.article for q in chosen],
                    outlets=list(dict.fromkeys(labels[q.article] for q in chosen)),
                    verdict=cast(Verdict, verdict), note=note,
                )
            )  # fmt: skip
    order = {"differ": 0, "update": 1, "agree": 2}
    comparisons.sort(key=lambda c: (order[c.verdict], -len(c.articles)))
    return comparisons


def spacy_parser(name: str) -> Callable[[str], Any]:
    from parallax.nlp.pretrained import load_spacy

    nlp = load_spacy(name)
    return lambda text: nlp(text)


def sentence_of(article: Article, sentence_id: str) -> Sentence | None:
    for s in article.sentences:
        if s.id == sentence_id:
            return s
    return None


@stage(
    requires=("article.sentences", "article.outlet", "article.published", "article.published_inferred"),
    provides=("report.quantities", "report.number_comparisons"),
)
def compare_numbers(ctx: Context) -> None:
    """Quantities with what they count, and where outlets' figures agree, update or differ."""
    report = ctx.report
    parser = shared_parser(ctx)
    articles = report.articles

    def extract(positions: list[int]) -> list[list[Quantity]]:
        parser.prefetch(
            s.text
            for n in positions
            if articles[n].language not in LOCALISED
            for s in articles[n].sentences
            if find_numbers(s.text, articles[n].language)
        )
        return [extract_quantities(articles[n], parser.parse) for n in positions]

    kind = f"quantities:{parse_kind(parser.nlp)}:{code_digest()}"
    keys = [article_key(article, parser) for article in articles]
    report.quantities = []
    for found in reuse_per_article(ctx.resources.cache, kind, keys, extract, Quantity):
        for quantity in found:  # numbered across the story, as if extracted in one pass
            quantity.id = f"n{len(report.quantities) + 1}"
            report.quantities.append(quantity)
    report.number_comparisons = compare_quantities(report)
