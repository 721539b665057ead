"""The report schema is generated from the model; the shipped and documented copies must match it."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from parallax.codec import report_to_dict
from parallax.model import Quantity, Report
from parallax.report_schema import build_report_schema, format_schema, load_report_schema, main

ROOT = Path(__file__).resolve().parent.parent
REGENERATE = (
    "regenerate it: python -m parallax.report_schema "
    "-o src/parallax/data/report.schema.json -o docs/report.schema.json"
)


def test_report_schema_packaged_copy_is_current() -> None:
    assert load_report_schema() == build_report_schema(), f"the packaged schema is stale; {REGENERATE}"


def test_report_schema_docs_copy_is_current() -> None:
    text = (ROOT / "docs" / "report.schema.json").read_text(encoding="utf-8")
    assert text == format_schema(build_report_schema()), f"docs/report.schema.json is stale; {REGENERATE}"


def test_report_schema_is_a_valid_schema_that_lists_vocabularies() -> None:
    schema = build_report_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    bound = schema["$defs"]["Quantity"]["properties"]["bound"]
    assert bound["enum"] == ["exact", "lower", "upper", "approx", "range"]
    assert "verbatim" in schema["$defs"]["QuoteMatch"]["properties"]["kind"]["enum"]


def test_report_schema_carries_model_docs_and_leaves_out_working_fields() -> None:
    schema = build_report_schema()
    for name, definition in schema["$defs"].items():
        assert definition.get("description"), f"{name} has no description"
        assert definition["additionalProperties"] is False
        for field, prop in definition["properties"].items():
            assert prop.get("description"), f"{name}.{field} has no description"
    assert "norm" not in schema["$defs"]["Sentence"]["properties"]
    assert "meta" not in schema["$defs"]["Article"]["properties"]
    assert schema["required"][:2] == ["schema_version", "generated_by"]


def test_report_schema_refuses_a_value_outside_a_vocabulary() -> None:
    report = Report(quantities=[Quantity("n1", "a1", "a1:s0", "5", 5.0, 0, 1)])
    data = report_to_dict(report)
    jsonschema.validate(data, build_report_schema())
    data["quantities"][0]["bound"] = "roughly"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, build_report_schema())


def test_report_schema_main_writes_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "sub" / "schema.json"
    main(["-o", str(out)])
    assert json.loads(out.read_text(encoding="utf-8")) == build_report_schema()
    assert "wrote" in capsys.readouterr().out
