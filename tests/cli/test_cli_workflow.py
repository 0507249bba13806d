"""fit -> predict -> evaluate through CliRunner agree with the Python API."""

from __future__ import annotations

import io
import json

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import roc_auc_score

import logistica
from logistica import TabularModel
from logistica.workflow import split

from .conftest import FAST, invoke


def test_fit_matches_python_api(workdir, table):
    model = logistica.load(workdir / "model.json")
    X, y = table.drop(columns=["id", "outcome"]), table["outcome"]
    X_train, _, y_train, _ = split(X, y, 0.2, 0)
    ours = TabularModel(cv=3, Cs=4).fit(X_train, y_train)
    np.testing.assert_allclose(model.predict_proba(X), ours.predict_proba(X), rtol=1e-10)
    assert list(model.classes_) == ["churn", "stay"]
    assert list(model.feature_names_in_) == ["age", "income", "city", "member"]


def test_model_file_stores_test_metrics_and_target(workdir):
    document = json.loads((workdir / "model.json").read_text())
    metrics = document["training"]["test_metrics"]
    assert {"roc_auc", "log_loss", "ece", "n_test"} <= set(metrics)
    assert metrics["n_test"] == 48
    assert document["model_card"]["cli"]["target"] == "outcome"
    assert document["training"]["cv"]["selection"] == "1se"


@pytest.mark.parametrize("source", ["data.csv", "data.csv.gz", "data.parquet"])
def test_predict_matches_load(workdir, table, source):
    result = invoke("predict", workdir / "model.json", workdir / source, "--keep", "id")
    assert result.exit_code == 0, result.output
    out = pd.read_csv(io.StringIO(result.stdout))
    assert list(out.columns) == ["id", "p_churn", "p_stay", "margin", "label", "decision"]
    model = logistica.load(workdir / "model.json")
    X = table.drop(columns=["id", "outcome"])
    np.testing.assert_allclose(out[["p_churn", "p_stay"]], model.predict_proba(X), rtol=1e-12)
    np.testing.assert_allclose(out["margin"], model.decision_function(X), rtol=1e-12)
    assert (out["label"] == model.predict(X)).all()
    assert (out["decision"] == (out["label"] == "stay")).all()
    assert out["id"].tolist() == table["id"].tolist()


@pytest.mark.parametrize(
    ("output", "columns"),
    [("label", ["label"]), ("proba", ["p_churn", "p_stay"]), ("margin", ["margin"])],
)
def test_output_contract(workdir, output, columns):
    result = invoke("predict", workdir / "model.json", workdir / "data.csv", "--output", output)
    assert result.exit_code == 0, result.output
    assert list(pd.read_csv(io.StringIO(result.stdout)).columns) == columns


def test_proba_flag_and_explain(workdir):
    result = invoke("predict", workdir / "model.json", workdir / "data.csv", "--proba",
                    "--explain", "2")  # fmt: skip
    out = pd.read_csv(io.StringIO(result.stdout))
    assert list(out.columns) == ["p_churn", "p_stay", "top1_column", "top1_contribution",
                                 "top2_column", "top2_contribution"]  # fmt: skip
    assert set(out["top1_column"]) <= {"age", "income", "city", "member"}


def test_stdin_to_stdout_and_formats(workdir, tmp_path):
    csv = (workdir / "data.csv").read_bytes()
    result = invoke("predict", workdir / "model.json", "-", input=csv)
    assert result.exit_code == 0 and len(pd.read_csv(io.StringIO(result.stdout))) == 240
    parquet = (workdir / "data.parquet").read_bytes()
    result = invoke("predict", workdir / "model.json", "--output", "label", input=parquet)
    assert result.exit_code == 0 and result.stdout.splitlines()[0] == "label"
    jsonl = invoke("predict", workdir / "model.json", workdir / "data.csv", "--json")
    rows = [json.loads(line) for line in jsonl.stdout.splitlines()]
    assert len(rows) == 240 and set(rows[0]) == {"p_churn", "p_stay", "margin", "label", "decision"}
    out = tmp_path / "scores.parquet"
    result = invoke("predict", workdir / "model.json", workdir / "data.csv", "-o", out,
                    "--chunk-size", "50")  # fmt: skip
    assert result.exit_code == 0 and result.stdout == ""
    assert len(pd.read_parquet(out)) == 240


def test_chunked_predictions_equal_whole(workdir):
    whole = invoke("predict", workdir / "model.json", workdir / "data.csv")
    chunked = invoke("predict", workdir / "model.json", workdir / "data.csv", "--chunk-size", "7")
    whole, chunked = (pd.read_csv(io.StringIO(r.stdout)) for r in (whole, chunked))
    pd.testing.assert_frame_equal(whole, chunked, rtol=1e-12)


def test_evaluate_matches_sklearn(workdir, table):
    result = invoke("evaluate", workdir / "model.json", workdir / "data.csv", "--json",
                    "--n-boot", "20")  # fmt: skip
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    model = logistica.load(workdir / "model.json")
    X = table.drop(columns=["id", "outcome"])
    auc = roc_auc_score(table["outcome"] == "stay", model.predict_proba(X)[:, 1])
    assert document["metrics"]["roc_auc"]["estimate"] == pytest.approx(auc, rel=1e-12)
    low, high = document["metrics"]["roc_auc"]["low"], document["metrics"]["roc_auc"]["high"]
    assert low <= auc <= high
    assert document["target"] == "outcome" and document["passed"]


@pytest.mark.parametrize(
    ("gate", "code"),
    [("roc_auc=0.5", 0), ("roc_auc=0.999", 3), ("roc_auc>0.5,ece<0.9", 0), ("ece<0.0001", 3),
     ("auc=0.8", 2), ("roc_auc~0.8", 2)],
)  # fmt: skip
def test_fail_under_exit_codes(workdir, gate, code):
    result = invoke("evaluate", workdir / "model.json", workdir / "data.csv", "--n-boot", "5",
                    "--fail-under", gate)  # fmt: skip
    assert result.exit_code == code, result.output
    if code == 3:
        assert "gate failed" in result.stderr


def test_json_documents(workdir, tmp_path):
    fit = invoke("fit", workdir / "data.csv", "-t", "outcome", "--exclude", "id", *FAST,
                 "-o", tmp_path / "m.json", "--json", "-q")  # fmt: skip
    document = json.loads(fit.stdout)
    assert document["model"].endswith("m.json") and document["n_train"] == 192
    summary = json.loads(invoke("summary", workdir / "model.json", "--json").stdout)
    assert summary["coefficients"][0]["term"] == "Intercept"
    verify = json.loads(invoke("verify", workdir / "model.json", "--json").stdout)
    assert verify["ok"]


def test_quiet_and_dry_run(workdir, tmp_path):
    result = invoke("fit", workdir / "data.csv", "-t", "outcome", "--dry-run", "-q",
                    "-o", tmp_path / "never.json")  # fmt: skip
    assert result.exit_code == 0 and result.stderr == ""
    assert "design matrix: 192 training rows x 7 columns" in result.stdout
    assert not (tmp_path / "never.json").exists()
    document = json.loads(invoke("fit", workdir / "data.csv", "-t", "outcome", "--dry-run",
                                 "--json").stdout)  # fmt: skip
    assert document["design_shape"] == [192, 7]  # id is numeric: 1 + age, income, 3 cities, member


def test_tune_threshold_and_report(workdir, tmp_path):
    tuned = tmp_path / "tuned.json"
    result = invoke("tune-threshold", workdir / "model.json", workdir / "data.csv",
                    "--recall-at-least", "0.95", "-o", tuned, "--json")  # fmt: skip
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["metrics"]["recall"] >= 0.95
    model = logistica.load(tuned)
    assert model.model_.threshold_ == pytest.approx(document["threshold"])
    report = tmp_path / "report.html"
    result = invoke("report", tuned, workdir / "data.csv", "-o", report, "--n-boot", "10")
    assert result.exit_code == 0, result.output
    assert "city=Paris" in report.read_text()


def test_onnx_export_and_verify(workdir, tmp_path):
    pytest.importorskip("onnxruntime")
    onnx = tmp_path / "model.onnx"
    assert invoke("export-onnx", workdir / "model.json", "-o", onnx).exit_code == 0
    result = invoke("verify", workdir / "model.json", "--against", onnx, "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["max_abs_difference"] < 1e-6


def test_version_and_help():
    assert invoke("--version").stdout.startswith("logistica ")
    help_text = invoke("--help").stdout
    for name in ("fit", "predict", "evaluate", "report", "summary", "tune-threshold",
                 "export-onnx", "verify", "serve", "demo"):  # fmt: skip
        assert name in help_text
