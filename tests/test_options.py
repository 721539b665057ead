"""Options are checked when created; the CLI turns a bad value into a clear message."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from parallax.cli import app
from parallax.errors import OptionsError
from parallax.options import Options, describe_options

runner = CliRunner()


def test_options_threshold_out_of_range_names_setting_range_and_value() -> None:
    with pytest.raises(OptionsError) as caught:
        Options(claim_threshold=5)
    message = str(caught.value)
    assert "claim_threshold" in message and "0 to 1" in message and "5" in message


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("summary_sentences", -1),
        ("summary_sentences", 2.5),
        ("batch_size", 0),
        ("loaded_threshold", 4.5),
        ("duplicate_similarity", float("nan")),
        ("use_babe", "yes"),
        ("spacy_model", " "),
        ("well_supported", True),
    ],
)
def test_options_bad_values_are_refused(name: str, value: object) -> None:
    with pytest.raises(OptionsError, match=name):
        Options(**{name: value})  # type: ignore[arg-type]


def test_options_edges_of_ranges_are_accepted() -> None:
    options = Options(claim_threshold=1, summary_sentences=0, loaded_threshold=4.0, babe_path="")
    assert options.claim_threshold == 1 and options.summary_sentences == 0


def test_options_help_lines_give_the_allowed_range() -> None:
    helps = {name: help_line for name, _, help_line in describe_options()}
    assert helps["claim_threshold"].endswith("Allowed: 0 to 1.")
    assert helps["loaded_threshold"].endswith("Allowed: 0 to 4.")
    assert "Allowed" not in helps["model_name"]


def test_options_cli_flag_out_of_range_exits_2_without_traceback() -> None:
    result = runner.invoke(app, ["analyze", "missing-dir", "--claim-threshold", "5"])
    assert result.exit_code == 2
    assert "claim_threshold" in result.output and "0 to 1" in result.output and "5" in result.output
    assert "Traceback" not in result.output
    assert not isinstance(result.exception, OptionsError)  # handled, not raised through
