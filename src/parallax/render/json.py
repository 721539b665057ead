"""The report as JSON: ``report_to_dict`` is the single source of every JSON output.

The serialiser walks the dataclasses of ``parallax.model`` generically, so a
field a later stage adds to the model appears in the JSON without an edit here.
It must then be described in ``docs/report.schema.json``: the schema forbids
undocumented properties, and tests validate real reports against it.

Only internal working fields are left out (``EXCLUDED``): matching-only
normalised text and free-form metadata.

``report_from_dict`` rebuilds a Report from such a dict (for cached analyses);
excluded fields get their defaults.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import math
import types
import typing
from collections.abc import Callable
from typing import Any, Union

from parallax.model import Report

SCHEMA_VERSION = "1.0"

# Dataclass fields kept out of the JSON: (class name) -> field names.
EXCLUDED: dict[str, frozenset[str]] = {
    "Article": frozenset({"meta"}),
    "Sentence": frozenset({"norm"}),
}


def generated_by() -> str:
    """Name and version of the program that wrote a report."""
    from parallax import __version__

    return f"parallax {__version__}"


def convert_value(value: Any) -> Any:
    """Turn one model value into plain JSON data (dicts, lists, str, numbers, None)."""
    if value is None or isinstance(value, (bool, str, int)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        skip = EXCLUDED.get(type(value).__name__, frozenset())
        return {
            f.name: convert_value(getattr(value, f.name))
            for f in dataclasses.fields(value)
            if f.name not in skip
        }
    if isinstance(value, dict):
        return {str(k): convert_value(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [convert_value(v) for v in value]
    item = getattr(value, "item", None)  # numpy scalars
    if callable(item):
        return convert_value(item())
    raise TypeError(f"cannot write a {type(value).__name__} into a JSON report: {value!r:.80}")


def report_to_dict(report: Report) -> dict[str, Any]:
    """The report as plain data, in the shape ``docs/report.schema.json`` describes."""
    body = convert_value(report)
    return {"schema_version": SCHEMA_VERSION, "generated_by": generated_by(), **body}


def render_json(report: Report, *, indent: int | None = 2) -> str:
    """The report as a JSON document (UTF-8 text, non-ASCII kept as is)."""
    return json.dumps(report_to_dict(report), ensure_ascii=False, indent=indent) + "\n"


def keep(data: Any) -> Any:
    return data


@functools.cache
def builder(hint: Any) -> Callable[[Any], Any]:
    """A function that rebuilds JSON data as a value of type ``hint`` (None stays None).

    Made once per type: reading the type's shape on every value was most of the
    time it takes to rebuild a stored report.
    """
    origin = typing.get_origin(hint)
    if origin in (Union, types.UnionType):
        options = [a for a in typing.get_args(hint) if a is not type(None)]
        return builder(options[0]) if len(options) == 1 else keep
    if origin in (list, tuple, set):
        (inner_hint, *_) = typing.get_args(hint) or (Any,)
        inner = builder(inner_hint)
        return lambda data: None if data is None else [inner(v) for v in data]
    if origin is dict:
        _, value_hint = typing.get_args(hint) or (str, Any)
        value = builder(value_hint)
        return lambda data: None if data is None else {k: value(v) for k, v in data.items()}
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return lambda data: None if data is None else build_dataclass(hint, data)
    if hint is float:
        return lambda data: float(data) if isinstance(data, int) else data
    return keep


@functools.cache
def init_fields(cls: Any) -> tuple[tuple[str, Callable[[Any], Any]], ...]:
    """(name, builder) of a dataclass's init fields, resolved once per class."""
    hints = typing.get_type_hints(cls)
    return tuple((f.name, builder(hints[f.name])) for f in dataclasses.fields(cls) if f.init)


def build_dataclass(cls: Any, data: dict[str, Any]) -> Any:
    """One dataclass instance from its JSON object; unknown keys are ignored."""
    return cls(**{name: build(data[name]) for name, build in init_fields(cls) if name in data})


def report_from_dict(data: dict[str, Any]) -> Report:
    """A Report rebuilt from ``report_to_dict`` output (excluded fields get defaults)."""
    report: Report = build_dataclass(Report, data)
    return report
