"""``parallax outlets import FILE``: outlet facts from the user, each value with its source.

A file is CSV (a header row) or JSON (a list of objects, or ``{"outlets": [...]}``).
Each row names an outlet by ``domain`` (or ``url``) or by ``name``, then gives any of
the fact fields (leaning, country, language, owner, owner_type, factuality). Every
value needs a source: a ``<field>_source`` column, else the row's ``source``.
A row that cannot be used (no domain or name, a value without a source, a leaning
that is not a side) is reported with its reason; the other rows are imported.
Imported values rank above the input records' and the bundled table's.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from parallax.corpus.outlet_names import SIDES, side_of
from parallax.corpus.outlets import FACT_FIELDS, RANK_USER, Registry
from parallax.corpus.store import Store
from parallax.errors import ParallaxError

MAX_VALUE = 200


@dataclass
class ImportSummary:
    rows: int = 0
    imported: int = 0  # rows that set at least one fact
    facts: int = 0
    problems: list[str] = field(default_factory=list)  # "row N: reason"


def read_rows(path: Path) -> list[dict[str, Any]]:
    """The rows of a CSV or JSON file as dicts (a ParallaxError when the file cannot be read)."""
    try:
        text = path.read_text("utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise ParallaxError(f"cannot read '{path}': {error}") from error
    if path.suffix.lower() == ".json" or text.lstrip().startswith(("[", "{")):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            raise ParallaxError(f"'{path}' is not JSON: {error}; nothing was imported") from error
        if isinstance(data, dict):
            data = data.get("outlets", [data])
        if not isinstance(data, list):
            raise ParallaxError(f"'{path}' holds no list of outlets; nothing was imported")
        return [row if isinstance(row, dict) else {"_bad": row} for row in data]
    reader = csv.DictReader(io.StringIO(text))
    if not reader.fieldnames:
        raise ParallaxError(f"'{path}' has no header row; nothing was imported")
    return [{str(k or "").strip().casefold(): v for k, v in row.items()} for row in reader]


def text_value(value: Any) -> str:
    if value is None or isinstance(value, dict | list):
        return ""
    return " ".join(str(value).split())[:MAX_VALUE]


def row_facts(row: dict[str, Any]) -> tuple[list[tuple[str, str, str]], str | None]:
    """(field, value, source) of a row's facts, or a reason it cannot be used."""
    if "_bad" in row:
        return [], "not an object"
    facts = []
    for name in FACT_FIELDS:
        value = text_value(row.get(name) or row.get(name.replace("_", " ")))
        if not value:
            continue
        source = text_value(row.get(f"{name}_source") or row.get("source"))
        if not source:
            return [], f"{name} '{value}' has no source (give a {name}_source or a source column)"
        if name == "leaning" and side_of(value) is None:
            accepted = ", ".join(sorted(SIDES))
            return [], f"leaning '{value}' is not one of: {accepted}"
        facts.append((name, value, source))
    if not facts:
        return [], f"no fact to import (give any of {', '.join(FACT_FIELDS)})"
    return facts, None


def import_outlets(store: Store, path: Path) -> ImportSummary:
    """Import the facts of a CSV or JSON file; returns what was imported and each row's problem."""
    rows = read_rows(path)
    summary = ImportSummary(rows=len(rows))
    with store.transaction():
        registry = Registry(store)
        for number, row in enumerate(rows, start=1):
            facts, problem = row_facts(row)
            address = text_value(row.get("domain") or row.get("url")) if "_bad" not in row else ""
            name = text_value(row.get("name") or row.get("outlet")) if "_bad" not in row else ""
            if problem is None and not (address or name):
                problem = "no domain or name says which outlet it is"
            outlet_id = registry.resolve(name, address) if problem is None else None
            if problem is None and outlet_id is None:
                problem = f"'{name or address}' names no outlet"
            if problem is not None or outlet_id is None:
                summary.problems.append(f"row {number}: {problem}")
                continue
            for fact, value, source in facts:
                registry.set_fact(outlet_id, fact, value, source, RANK_USER)
            summary.imported += 1
            summary.facts += len(facts)
    return summary
