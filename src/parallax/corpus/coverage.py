"""Who covers each story: articles and outlets by leaning side, country and owner, and blindspots.

``story_coverage(store)`` reads every story's members with their outlets and
the outlets' facts in two queries (three while some articles are not linked to
their outlet yet, as in a read-only corpus: see ``parallax.corpus.outlets``).
A story's ``coverage`` counts articles and distinct outlets per leaning side
(left, center, right, unknown), per country and per owner, and names the sources of the leanings it used.

**The blindspot rule** (``BlindspotRule``, configurable): a story is a blindspot
for one side when at least ``min_outlets`` of its outlets have a known leaning,
and at least ``share`` of those outlets (default 0.8) are on the other side
(left or right; centre outlets count in the total). The marker names the side
that barely covers the story (``missing``), the side that does (``covered_by``)
and the share. With the defaults, a story covered by 4 left outlets and 1 centre
outlet is a blindspot for the right (4/5 = 0.8); 3 left, 1 centre and 1 right is not.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from parallax.corpus.outlet_names import side_of

if TYPE_CHECKING:
    from parallax.corpus.store import Store

SIDE_ORDER = ("left", "center", "right", "unknown")
OTHER = {"left": "right", "right": "left"}
GROUP_FIELDS = ("country", "owner")


@dataclass(frozen=True)
class BlindspotRule:
    """When one side barely covers a story (see the module docstring)."""

    min_outlets: int = 3  # outlets with a known leaning needed before a story can be a blindspot
    share: float = 0.8  # share of those outlets on one side that makes it a blindspot for the other

    def describe(self) -> str:
        return (
            f"at least {self.min_outlets} outlets with a known leaning, "
            f"{self.share:.0%} or more of them on one side"
        )


def blindspot_of(coverage: dict[str, Any], rule: BlindspotRule) -> dict[str, Any] | None:
    """The blindspot marker of a story's coverage under ``rule``, or None."""
    sides = coverage["leaning"]
    known = sum(sides[s]["outlets"] for s in ("left", "center", "right"))
    if known < rule.min_outlets or known == 0:
        return None
    for side in ("left", "right"):
        share = sides[side]["outlets"] / known
        if share >= rule.share:
            return {
                "missing": OTHER[side],
                "covered_by": side,
                "share": round(share, 3),
                "known_outlets": known,
                "rule": rule.describe(),
            }
    return None


def empty_counts() -> dict[str, int]:
    return {"articles": 0, "outlets": 0}


def count_groups(
    members: list[tuple[int, str]], value_of: dict[str, str | None]
) -> dict[str, dict[str, int]]:
    """Articles and distinct outlets per value; ``members`` are (article id, outlet key)."""
    groups: dict[str, dict[str, int]] = defaultdict(empty_counts)
    seen: set[tuple[str, str]] = set()
    for _, outlet in members:
        value = value_of.get(outlet) or "unknown"
        groups[value]["articles"] += 1
        if (value, outlet) not in seen:
            seen.add((value, outlet))
            groups[value]["outlets"] += 1
    return dict(sorted(groups.items(), key=lambda item: (item[0] == "unknown", -item[1]["outlets"], item[0])))


def load_facts(store: Store) -> dict[int, dict[str, tuple[str, str]]]:
    facts: dict[int, dict[str, tuple[str, str]]] = defaultdict(dict)
    for outlet_id, name, value, source in store.rows(
        "SELECT outlet_id, field, value, source FROM outlet_facts "
        "WHERE field IN ('leaning', 'country', 'owner')"
    ):
        facts[int(outlet_id)][str(name)] = (str(value), str(source))
    return facts


def story_coverage(
    store: Store, rule: BlindspotRule | None = None, story_ids: set[int] | None = None
) -> dict[int, dict[str, Any]]:
    """Every story's (or those of ``story_ids``) ``coverage`` dict, with its ``blindspot`` inside."""
    from parallax.corpus.outlets import unlinked_outlets

    rule = rule or BlindspotRule()
    facts = load_facts(store)
    unlinked = unlinked_outlets(store)  # none once linked; a read-only corpus may hold some
    members: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for story_id, article_id, outlet_id, outlet in store.rows(
        "SELECT a.story_id, a.id, l.outlet_id, a.outlet FROM articles a "
        "LEFT JOIN article_outlets l ON l.article_id = a.id WHERE a.story_id IS NOT NULL ORDER BY a.id"
    ):
        if story_ids is not None and int(story_id) not in story_ids:
            continue
        if outlet_id is None and int(article_id) in unlinked:
            outlet_id = unlinked[int(article_id)][0]
        key = f"#{outlet_id}" if outlet_id is not None else f"?{outlet or article_id}"
        members[int(story_id)].append((int(article_id), key))
    result: dict[int, dict[str, Any]] = {}
    for story_id, rows in members.items():
        sides: dict[str, str | None] = {}
        values: dict[str, dict[str, str | None]] = {f: {} for f in GROUP_FIELDS}
        sources: set[str] = set()
        for _, key in rows:
            known = facts.get(int(key[1:]), {}) if key.startswith("#") else {}
            leaning = known.get("leaning")
            sides[key] = side_of(leaning[0]) if leaning else None
            if leaning and sides[key]:
                sources.add(leaning[1])
            for name in GROUP_FIELDS:
                values[name][key] = known[name][0] if name in known else None
        leaning_groups = count_groups(rows, sides)
        coverage: dict[str, Any] = {
            "articles": len(rows),
            "outlets": len({key for _, key in rows}),
            "leaning": {side: leaning_groups.get(side, empty_counts()) for side in SIDE_ORDER},
            "leaning_sources": sorted(sources),
            "country": count_groups(rows, values["country"]),
            "owner": count_groups(rows, values["owner"]),
        }
        coverage["blindspot"] = blindspot_of(coverage, rule)
        result[story_id] = coverage
    return result
