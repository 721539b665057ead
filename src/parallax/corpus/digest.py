"""A few numbers that say what a story's analysis found, kept beside it for the story list."""

from __future__ import annotations

from typing import Any

from parallax.model import Report


def digest_report(report: Report) -> dict[str, Any]:
    """The headline (first summary sentence) with its support, and the claim counts of a report.

    ``headline_outlets`` counts the distinct outlets of the articles the headline
    cites; an article without an outlet counts under its id, as claims count it.
    """
    outlet_of = {a.id: a.outlet or a.id for a in report.articles}
    headline = report.summary[0] if report.summary else None
    supporting = {outlet_of.get(a, a) for a in headline.articles} if headline else set()
    return {
        "headline": headline.text if headline else "",
        "headline_outlets": len(supporting),
        "outlets": len(set(outlet_of.values())),
        "claims": len(report.claims),
        "shared_claims": sum(1 for c in report.claims if len(set(c.outlets)) >= 2),
        "exclusive_claims": sum(1 for c in report.claims if len(set(c.outlets)) == 1),
        "contested_claims": sum(1 for c in report.claims if c.agreement == "contested"),
    }
