"""The report as JSON data and back: the one codec every JSON output and the corpus store use.

``report_to_dict`` turns a ``Report`` into plain data (dicts, lists, strings,
numbers, None) in the shape ``parallax/data/report.schema.json`` describes, and
``report_from_dict`` rebuilds a ``Report`` from such data (a cached analysis).
Both go through pydantic over the dataclasses of ``parallax.model``, so a field
added to the model is written, read back and listed in the schema without an
edit here. Fields marked ``metadata={"exclude": True}`` in the model (working
fields such as ``Sentence.norm``) are kept out of the JSON and get their
defaults when read back; a float that is not finite is written as null.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from pydantic import TypeAdapter

from parallax.model import Report

SCHEMA_VERSION = "1.0"

# Keys a JSON report carries beside the model's own fields.
HEADER_KEYS = ("schema_version", "generated_by")


def generated_by() -> str:
    """Name and version of the program that wrote a report."""
    import parallax

    return f"parallax {parallax.__version__}"


@cache
def report_adapter() -> TypeAdapter[Report]:
    """The pydantic adapter over the model's Report (built once: it reads every dataclass)."""
    return TypeAdapter(Report)


def convert_foreign(value: Any) -> Any:
    """A plain value for one pydantic cannot write: numpy scalars become Python numbers."""
    item = getattr(value, "item", None)
    if callable(item):
        return item()
    raise TypeError(f"cannot write a {type(value).__name__} into a JSON report: {value!r:.80}")


def report_to_dict(report: Report) -> dict[str, Any]:
    """The report as plain data, headed by the schema version and the program that wrote it.

    Written through JSON text so that a float that is not finite becomes null, as JSON requires.
    """
    text = report_adapter().dump_json(report, fallback=convert_foreign, warnings=False)
    body: dict[str, Any] = json.loads(text)
    return {"schema_version": SCHEMA_VERSION, "generated_by": generated_by(), **body}


def report_to_json(report: Report, *, indent: int | None = 2) -> str:
    """The report as a JSON document (UTF-8 text, non-ASCII kept as is)."""
    return json.dumps(report_to_dict(report), ensure_ascii=False, indent=indent) + "\n"


def report_from_dict(data: dict[str, Any]) -> Report:
    """A Report rebuilt from ``report_to_dict`` output; header keys and unknown keys are ignored."""
    body = {key: value for key, value in data.items() if key not in HEADER_KEYS}
    return report_adapter().validate_python(body)
