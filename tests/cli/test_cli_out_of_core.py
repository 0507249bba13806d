"""``logistica fit --out-of-core``: Parquet files streamed in batches, the same model file."""

from __future__ import annotations

import json

import numpy as np
import pytest

import logistica
from logistica import TabularModel
from logistica.cli import fit as fit_command

from .conftest import invoke, make_table

pytest.importorskip("pyarrow")

COLUMNS = ["age", "income", "city", "member"]


@pytest.fixture(scope="module")
def parts(tmp_path_factory):
    """The table as three Parquet files in a directory, and as one file."""
    table = make_table(600, seed=1)
    folder = tmp_path_factory.mktemp("parts")
    for i in range(3):
        table.iloc[i * 200 : (i + 1) * 200].to_parquet(folder / f"part{i}.parquet", index=False)
    single = tmp_path_factory.mktemp("single") / "data.parquet"
    table.to_parquet(single, index=False)
    return folder, single, table


def test_a_directory_is_fitted_out_of_core_exactly(parts, tmp_path):
    folder, _, table = parts
    output = tmp_path / "model.json"
    result = invoke("fit", folder, "-t", "outcome", "--features", ",".join(COLUMNS), "-C", "1",
                    "--batch-size", "128", "-o", output, "--json")  # fmt: skip
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["n_train"] == 600 and document["n_test"] == 0
    assert document["out_of_core"]["passes"] >= 3
    assert document["out_of_core"]["batch_size"] == 128
    model = logistica.load(output)
    assert isinstance(model, TabularModel)
    reference = TabularModel(C=1.0).fit(table[COLUMNS], table["outcome"])
    assert model.feature_names_ == reference.feature_names_
    np.testing.assert_allclose(
        model.predict_proba(table[COLUMNS]), reference.predict_proba(table[COLUMNS]), atol=1e-6
    )
    card = json.loads(output.read_text())["model_card"]["cli"]
    assert card["target"] == "outcome" and card["test_size"] == 0.0


def test_flag_on_a_file_then_predict_and_report(parts, tmp_path):
    _, single, _ = parts
    output = tmp_path / "model.json"
    result = invoke("fit", single, "-t", "outcome", "--features", ",".join(COLUMNS), "-C", "0.5",
                    "--out-of-core", "-o", output)  # fmt: skip
    assert result.exit_code == 0, result.output
    assert isinstance(logistica.load(output), TabularModel)
    predictions = tmp_path / "predictions.csv"
    result = invoke("predict", output, single, "-o", predictions)
    assert result.exit_code == 0, result.output
    report = tmp_path / "report.html"
    result = invoke("report", output, single, "-o", report, "--n-boot", "5")
    assert result.exit_code == 0, result.output
    assert "city=Paris" in report.read_text()


def test_a_glob_and_a_large_file_switch_automatically(parts, monkeypatch):
    folder, single, _ = parts
    assert fit_command.use_out_of_core(str(folder / "*.parquet"), None)
    assert fit_command.use_out_of_core(str(folder), None)
    assert not fit_command.use_out_of_core(str(single), None)
    assert not fit_command.use_out_of_core(str(folder), False)
    assert not fit_command.use_out_of_core("-", None)
    monkeypatch.setattr(fit_command, "OUT_OF_CORE_BYTES", 10)
    assert fit_command.use_out_of_core(str(single), None)


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ((), "cross-validation"),
        (("-C", "1", "--calibrate", "sigmoid"), "--calibrate"),
        (("-C", "1", "--recall-at-least", "0.9"), "decision rule"),
        (("-C", "1", "--report", "r.html"), "--report"),
    ],
)
def test_what_does_not_stream_is_refused(parts, extra, message):
    folder, _, _ = parts
    result = invoke("fit", folder / "*.parquet", "-t", "outcome", *extra)
    assert result.exit_code == 2, result.output
    assert message in result.output


def test_a_glob_that_matches_nothing(tmp_path):
    result = invoke("fit", tmp_path / "*.parquet", "-t", "outcome", "-C", "1")
    assert result.exit_code == 66, result.output
    assert "no file matches" in result.output
