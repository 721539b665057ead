"""Renderers: text (rich), json, markdown, html.

``render(report, fmt)`` returns the report as a string in one of ``FORMATS``.
The text, Markdown and HTML reports are built from the registered sections
(see ``parallax.render.sections`` for how to add one); JSON comes from
``parallax.codec.report_to_dict``.
"""

from __future__ import annotations

from parallax.model import Report

FORMATS = ("text", "json", "md", "html")


def render(report: Report, fmt: str) -> str:
    """The report as ``fmt`` (one of FORMATS); text is plain, without colour."""
    if fmt == "json":
        from parallax.render.json import render_json

        return render_json(report)
    if fmt == "md":
        from parallax.render.markdown import render_markdown

        return render_markdown(report)
    if fmt == "html":
        from parallax.render.html import render_html

        return render_html(report)
    if fmt == "text":
        from parallax.render.text import render_text

        return render_text(report)
    raise ValueError(f"unknown report format '{fmt}': choose one of {', '.join(FORMATS)}")
