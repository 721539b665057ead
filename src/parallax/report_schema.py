"""The JSON Schema of reports, generated from ``parallax.model``.

The model is the schema: field types, the closed vocabularies (``Literal``s)
and the field docstrings become the schema's types, enums and descriptions.
The generated file ships inside the package (``parallax/data/report.schema.json``,
read with ``load_report_schema``) and is checked in as ``docs/report.schema.json``;
a test fails when either differs from what this module generates.

Write both copies after changing the model::

    python -m parallax.report_schema -o src/parallax/data/report.schema.json -o docs/report.schema.json
"""

from __future__ import annotations

import argparse
import json
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import ConfigDict, TypeAdapter

from parallax.codec import SCHEMA_VERSION
from parallax.model import Report

SCHEMA_ID = "https://parallax-news.invalid/report.schema.json"
PACKAGED = ("data", "report.schema.json")

HEADER_PROPERTIES: dict[str, Any] = {
    "schema_version": {
        "description": f"Version of this schema the report follows (major.minor; now {SCHEMA_VERSION}).",
        "type": "string",
    },
    "generated_by": {
        "description": 'Program and version that wrote the report, e.g. "parallax 0.1.0".',
        "type": "string",
    },
}

# Every field is written, so every field is required; unknown properties are refused.
SCHEMA_CONFIG = ConfigDict(
    use_attribute_docstrings=True, extra="forbid", json_schema_serialization_defaults_required=True
)


def drop_field_titles(definition: dict[str, Any]) -> dict[str, Any]:
    """A definition without the titles pydantic derives from field names ("Start" for start)."""
    properties = {
        name: {key: value for key, value in prop.items() if key != "title"}
        for name, prop in definition.get("properties", {}).items()
    }
    return {**definition, "properties": properties}


def build_report_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of ``report_to_dict`` output, from the model."""
    # The list wraps Report so that the config reaches the model's dataclasses.
    generated = TypeAdapter(list[Report], config=SCHEMA_CONFIG).json_schema(mode="serialization")
    defs = {name: drop_field_titles(d) for name, d in generated["$defs"].items()}
    report = defs.pop("Report")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "Parallax report",
        "description": report["description"],
        "type": "object",
        "additionalProperties": False,
        "required": [*HEADER_PROPERTIES, *report["required"]],
        "properties": {**HEADER_PROPERTIES, **report["properties"]},
        "$defs": dict(sorted(defs.items())),
    }


def format_schema(schema: dict[str, Any]) -> str:
    """The schema as the text of the shipped file (two-space indent, trailing newline)."""
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def load_report_schema() -> dict[str, Any]:
    """The schema shipped inside the package (works from an installed wheel)."""
    text = resources.files("parallax").joinpath(*PACKAGED).read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def main(argv: list[str] | None = None) -> None:
    """``python -m parallax.report_schema [-o FILE ...]``: print or write the generated schema."""
    parser = argparse.ArgumentParser(
        prog="python -m parallax.report_schema", description="Write the JSON Schema of Parallax reports."
    )
    parser.add_argument(
        "-o", "--output", action="append", type=Path, default=[], help="File to write (repeatable)."
    )
    args = parser.parse_args(argv)
    text = format_schema(build_report_schema())
    if not args.output:
        print(text, end="")
    for path in args.output:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
