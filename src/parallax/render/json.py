"""The report as a JSON document: the codec (``parallax.codec``) writes it."""

from __future__ import annotations

from parallax.codec import report_to_json
from parallax.model import Report


def render_json(report: Report, *, indent: int | None = 2) -> str:
    """The report as a JSON document (UTF-8 text, non-ASCII kept as is)."""
    return report_to_json(report, indent=indent)
