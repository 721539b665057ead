"""Documentation is checked: CLI options, settings and report fields must all be documented."""

from __future__ import annotations

import dataclasses
import json
import typing
from pathlib import Path
from typing import Any

import typer

from parallax.cli import app
from parallax.codec import report_to_dict
from parallax.model import Report
from parallax.options import describe_options
from test_render import HOSTILE, build_report

ROOT = Path(__file__).resolve().parent.parent
USAGE = ROOT / "docs" / "usage.md"
SCHEMA = ROOT / "docs" / "report.schema.json"


def load_schema() -> dict[str, Any]:
    return json.loads(SCHEMA.read_text(encoding="utf-8"))


def list_commands() -> list[tuple[str, Any]]:
    """The root command and each subcommand (typer's own click types: checked by duck typing)."""
    root = typer.main.get_command(app)
    commands = getattr(root, "commands", {})
    assert "analyze" in commands
    return [("", root), *list(commands.items())]


def test_docs_every_cli_option_documented() -> None:
    usage = USAGE.read_text(encoding="utf-8")
    missing = []
    for name, command in list_commands():
        if name and f"parallax {name}" not in usage:
            missing.append(f"command 'parallax {name}'")
        for param in command.params:
            if getattr(param, "param_type_name", "") == "option":
                missing += [f"{name or 'parallax'} {opt}" for opt in param.opts if f"`{opt}`" not in usage]
    assert missing == [], f"document these in docs/usage.md: {missing}"


def test_docs_every_setting_documented() -> None:
    usage = USAGE.read_text(encoding="utf-8")
    missing = [name for name, _, _ in describe_options() if f"`{name}`" not in usage]
    assert missing == [], f"document these Options settings in docs/usage.md: {missing}"
    unhelpful = [name for name, _, help_line in describe_options() if len(help_line) < 10]
    assert unhelpful == []


def resolve(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    """Follow $ref and nullable anyOf to the object or array schema underneath."""
    while True:
        if "$ref" in node:
            node = schema["$defs"][node["$ref"].split("/")[-1]]
        elif "anyOf" in node:
            node = next(n for n in node["anyOf"] if n.get("type") != "null")
        else:
            return node


def find_undocumented(schema: dict[str, Any], node: dict[str, Any], data: Any, path: str) -> list[str]:
    """Keys in ``data`` that the schema does not describe, as dotted paths."""
    node = resolve(schema, node)
    found: list[str] = []
    if isinstance(data, dict) and "properties" in node:
        for key, value in data.items():
            prop = node["properties"].get(key)
            if prop is None or not prop.get("description"):
                found.append(f"{path}.{key}")
            else:
                found += find_undocumented(schema, prop, value, f"{path}.{key}")
    elif isinstance(data, list) and "items" in node:
        for value in data[:3]:
            found += find_undocumented(schema, node["items"], value, f"{path}[]")
    return found


def test_docs_report_output_fields_described() -> None:
    schema = load_schema()
    data = report_to_dict(build_report(HOSTILE))
    assert find_undocumented(schema, schema, data, "report") == []


def emitted_fields(cls: type) -> list[str]:
    """The fields the JSON report carries: all but those the model marks as excluded."""
    return [f.name for f in dataclasses.fields(cls) if not f.metadata.get("exclude")]


def list_model_classes(cls: type, seen: dict[str, type]) -> dict[str, type]:
    """Every dataclass reachable from ``cls`` through its field types."""
    if cls.__name__ in seen:
        return seen
    seen[cls.__name__] = cls
    hints = typing.get_type_hints(cls)
    pending = [hints[name] for name in emitted_fields(cls)]
    while pending:
        hint = pending.pop()
        if dataclasses.is_dataclass(hint) and isinstance(hint, type):
            list_model_classes(hint, seen)
        pending += [a for a in typing.get_args(hint) if a is not type(None)]
    return seen


def test_docs_every_model_field_in_schema() -> None:
    """Fields that are empty in a given report must be documented too: check the model itself."""
    schema = load_schema()
    problems = []
    for name, cls in list_model_classes(Report, {}).items():
        node = schema if name == "Report" else schema["$defs"].get(name)
        if node is None:
            problems.append(f"$defs.{name} is missing")
            continue
        props = node["properties"]
        problems += [
            f"{name}.{f} is not described"
            for f in emitted_fields(cls)
            if not props.get(f, {}).get("description")
        ]
        extra = (
            set(props)
            - set(emitted_fields(cls))
            - ({"schema_version", "generated_by"} if name == "Report" else set())
        )
        problems += [f"{name}.{f} is in the schema but no longer in the model" for f in sorted(extra)]
    assert problems == [], "document the field in model.py and regenerate the schema: " + "; ".join(problems)


def walk_schema(node: Any, path: str) -> list[str]:
    """Properties without a description, and objects that accept undocumented keys."""
    found: list[str] = []
    if isinstance(node, dict):
        if (
            node.get("type") == "object"
            and "properties" in node
            and node.get("additionalProperties") is not False
        ):
            found.append(f"{path} allows undocumented properties")
        for key, prop in node.get("properties", {}).items():
            if not prop.get("description"):
                found.append(f"{path}.{key} has no description")
        for key, value in node.items():
            found += walk_schema(value, f"{path}.{key}")
    elif isinstance(node, list):
        for n, value in enumerate(node):
            found += walk_schema(value, f"{path}[{n}]")
    return found


def test_docs_schema_describes_every_property() -> None:
    schema = load_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert walk_schema(schema, "schema") == []
    assert all(d.get("description") for d in schema["$defs"].values())


def test_docs_usage_names_report_sections() -> None:
    from parallax.render.sections import load_sections

    usage = USAGE.read_text(encoding="utf-8")
    missing = [s.title for s in load_sections() if s.title not in usage]
    assert missing == [], f"describe these report sections in docs/usage.md: {missing}"


def test_docs_model_walk_finds_nested_classes() -> None:
    names = set(list_model_classes(Report, {}))
    assert {"Article", "Claim", "Mention", "Removed", "SummarySentence", "Skipped"} <= names


def test_docs_settings_table_matches_options() -> None:
    """Each setting's row in docs/usage.md gives its current default and its help line."""
    usage = USAGE.read_text(encoding="utf-8")
    stale = []
    for name, default, help_line in describe_options():
        flag = "--" + name.replace("_", "-")
        row = f"| `{flag}` | `{name}` | {default} | {help_line} |"
        if row not in usage:
            stale.append(row)
    assert stale == [], "update these rows of docs/usage.md:\n" + "\n".join(stale)
