"""Report section: contested claims (outlets that state one claim but differ on it).

See ``parallax.render.sections`` for how sections work.
"""

from __future__ import annotations

from markupsafe import Markup
from rich.console import Group, RenderableType
from rich.text import Text

from parallax.model import Claim, Report
from parallax.render.sections import Section, analysed_when, clean_terminal, escape_md
from parallax.render.templating import render_template


def contested_claims(report: Report) -> list[Claim]:
    return [c for c in report.claims if c.agreement == "contested"]


def summarise_agreement(report: Report) -> str:
    judged = [c for c in report.claims if c.agreement is not None]
    contested = len(contested_claims(report))
    return f"{contested} of {len(judged)} claims stated by two outlets or more are contested."


def text_contested(report: Report) -> RenderableType:
    parts: list[RenderableType] = [Text(summarise_agreement(report))]
    for claim in contested_claims(report):
        parts.append(Text(clean_terminal(f"[{claim.id}] {claim.text}"), style="bold"))
        for contest in claim.contests:
            parts.append(Text(clean_terminal(f"  {contest.reason}: {contest.detail}")))
    return Group(*parts)


def markdown_contested(report: Report) -> str:
    lines = [summarise_agreement(report)]
    for claim in contested_claims(report):
        lines += ["", f"- **{escape_md(claim.id)}** {escape_md(claim.text)}"]
        lines += [f"  - {escape_md(c.reason)}: {escape_md(c.detail)}" for c in claim.contests]
    return "\n".join(lines)


def html_contested(report: Report) -> Markup:
    return render_template(
        "sections/contested.html.j2", claims=contested_claims(report), lead=summarise_agreement(report)
    )


CSS = """
.only-contested:checked ~ .scroll-x table.matrix tbody tr:not(.agreement-contested) {
  display: none;
}
a.contested-mark {
  background: #fde2e1; color: #8a1c13; font-size: 0.8em; padding: 0 0.3em; text-decoration: none;
}
ul.contested li .reason { background: #fde2e1; color: #8a1c13; font-weight: bold; padding: 0 0.3em; }
"""

SECTIONS = [
    Section(
        key="contested",
        title="Contested claims",
        analysed=analysed_when("judge_agreement", data=lambda r: any(c.agreement for c in r.claims)),
        text=text_contested,
        markdown=markdown_contested,
        html=html_contested,
        css=CSS,
    )
]
