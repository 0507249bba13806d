"""The CLI as a real process: pipes, streams, exit codes, no ANSI codes off a terminal."""

from __future__ import annotations

import io
import json
import re

import numpy as np
import pandas as pd
import pytest

import logistica

from .conftest import FAST, run

ANSI = re.compile(rb"\x1b\[")


def test_fit_predict_evaluate_as_processes(workdir, table, tmp_path):
    fitted = run("fit", workdir / "data.parquet", "-t", "outcome", "--exclude", "id", *FAST,
                 "-o", tmp_path / "m.json", "--report", tmp_path / "r.html")  # fmt: skip
    assert fitted.returncode == 0, fitted.stderr.decode()
    assert (tmp_path / "m.json").exists() and (tmp_path / "r.html").exists()
    assert b"model written to" in fitted.stdout and b"fitting on 192 rows" in fitted.stderr
    for stream in (fitted.stdout, fitted.stderr):
        assert not ANSI.search(stream)
    scored = run("predict", tmp_path / "m.json", input=(workdir / "data.csv").read_bytes())
    assert scored.returncode == 0, scored.stderr.decode()
    out = pd.read_csv(io.BytesIO(scored.stdout))
    model = logistica.load(tmp_path / "m.json")
    X = table.drop(columns=["id", "outcome"])
    np.testing.assert_allclose(out[["p_churn", "p_stay"]], model.predict_proba(X), rtol=1e-12)
    assert b"scored 240 rows" in scored.stderr
    gate = run("evaluate", tmp_path / "m.json", workdir / "data.csv", "--n-boot", "5",
               "--fail-under", "roc_auc=0.999", "--json")  # fmt: skip
    assert gate.returncode == 3
    assert json.loads(gate.stdout)["failed"][0].startswith("roc_auc")


def test_no_ansi_codes_when_not_a_tty(workdir):
    result = run("summary", workdir / "model.json", env={"TERM": "xterm-256color"})
    assert result.returncode == 0
    assert not ANSI.search(result.stdout) and not ANSI.search(result.stderr)
    error = run("predict", workdir / "missing.json", workdir / "data.csv", env={"NO_COLOR": "1"})
    assert error.returncode == 66
    assert error.stderr.decode().strip() == f"error: no such model file: {workdir / 'missing.json'}"


def test_broken_pipe_is_quiet(workdir):
    import subprocess
    import sys

    command = (f"{sys.executable} -m logistica.cli predict {workdir / 'model.json'} "
               f"{workdir / 'data.csv'} | head -n 2")  # fmt: skip
    result = subprocess.run(command, shell=True, capture_output=True, timeout=120)
    assert len(result.stdout.splitlines()) == 2
    assert b"Error" not in result.stderr


@pytest.mark.slow
def test_demo_writes_model_and_report(tmp_path):
    result = run("demo", cwd=tmp_path)
    assert result.returncode == 0, result.stderr.decode()
    folder = tmp_path / "logistica-demo"
    model_path, report_path = folder / "model.json", folder / "report.html"
    assert model_path.exists() and report_path.exists()
    stdout = result.stdout.decode()
    assert f"model written to {model_path}" in stdout
    assert f"report written to {report_path}" in stdout
    assert "odds ratio" in stdout and "calibration slope" in stdout
    document = json.loads(model_path.read_text())
    assert document["training"]["cv"]["selection"] == "1se"
    assert document["training"]["test_metrics"]["recall"] >= 0.95
    model = logistica.load(model_path)
    assert model.threshold_constraint == {"recall": 0.99}
    assert "malignant" in report_path.read_text()
