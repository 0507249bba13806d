"""Each bad input ends with one line on stderr and its exit code, never a traceback."""

from __future__ import annotations

import gzip
import json

import pytest

from .conftest import FAST, invoke, make_table


def _one_line(result, code: int, *fragments: str) -> None:
    assert result.exit_code == code, result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    assert "Traceback" not in result.output
    for fragment in fragments:
        assert fragment in lines[0], lines[0]


def _fit(path, *extra):
    return invoke("fit", path, "-t", "outcome", "--exclude", "id", *FAST, "-q", *extra)


@pytest.fixture
def bad(tmp_path):
    """Write a variant of the table and return its path."""

    def write(name: str, frame=None, text: str | None = None):
        path = tmp_path / name
        if text is not None:
            path.write_text(text)
        else:
            frame.to_csv(path, index=False)
        return path

    return write


def test_missing_file(tmp_path):
    _one_line(_fit(tmp_path / "nope.csv"), 66, "no such file", "nope.csv")


def test_missing_model_file(workdir, tmp_path):
    result = invoke("predict", tmp_path / "nope.json", workdir / "data.csv")
    _one_line(result, 66, "no such model file")


def test_empty_and_header_only_files(bad):
    _one_line(_fit(bad("empty.csv", text="")), 65, "empty")
    _one_line(_fit(bad("header.csv", text="age,outcome\n")), 65, "no rows")


def test_unreadable_file(tmp_path):
    path = tmp_path / "broken.csv.gz"
    path.write_bytes(gzip.compress(b"age,outcome\n1,a\n")[:15])
    _one_line(_fit(path), 65, "cannot read", "broken.csv.gz")
    path = tmp_path / "broken.parquet"
    path.write_bytes(b"PAR1 not really parquet")
    _one_line(_fit(path), 65, "cannot read", "broken.parquet")


def test_missing_target_column(workdir):
    result = invoke("fit", workdir / "data.csv", "-t", "nope", "-q")
    _one_line(result, 65, "target column 'nope' is not in the data", "outcome")


def test_one_class_target(bad):
    frame = make_table(60).assign(outcome="stay")
    _one_line(_fit(bad("one.csv", frame)), 65, "one class only", "'stay'")


def test_text_in_numeric_column(bad, workdir):
    frame = make_table(60).astype({"age": object})
    frame.loc[4, "age"] = "forty"
    _one_line(_fit(bad("text.csv", frame)), 65, "'age'", "row 5", "'forty'")
    result = invoke("predict", workdir / "model.json", bad("text2.csv", frame))
    _one_line(result, 65, "'age'", "row 5", "'forty'")


def test_missing_values_need_impute(bad, workdir, tmp_path):
    frame = make_table(80)
    frame.loc[[6, 9], "income"] = None
    path = bad("holes.csv", frame)
    _one_line(_fit(path), 65, "'income'", "2 missing", "row 7", "--impute")
    assert _fit(path, "--impute", "median", "-o", tmp_path / "m.json").exit_code == 0
    result = invoke("predict", workdir / "model.json", path)
    _one_line(result, 65, "'income'", "--impute")
    assert invoke("predict", workdir / "model.json", path, "--impute").exit_code == 0
    # a model fitted with --impute fills them without asking
    assert invoke("predict", tmp_path / "m.json", path).exit_code == 0


def test_missing_columns_at_predict(bad, workdir):
    frame = make_table(20).drop(columns=["age", "city"])
    result = invoke("predict", workdir / "model.json", bad("few.csv", frame))
    _one_line(result, 65, "'age'", "'city'")


def test_tampered_model_file(workdir, tmp_path):
    document = json.loads((workdir / "model.json").read_text())
    document["training"]["n_rows"] += 1
    path = tmp_path / "tampered.json"
    path.write_text(json.dumps(document))
    result = invoke("predict", path, workdir / "data.csv")
    _one_line(result, 65, "invalid model file", "checksum")
    _one_line(invoke("verify", path), 65, "checksum")


def test_usage_errors(workdir):
    model, data = workdir / "model.json", workdir / "data.csv"
    _one_line(invoke("predict", model, data, "--output", "odds"), 2, "--output")
    _one_line(invoke("evaluate", model, data, "--fail-under", "auc=0.8"), 2, "unknown metric")
    result = invoke("fit", data, "-t", "outcome", "--recall-at-least", "0.9", "--optimize", "f1")
    _one_line(result, 2, "one decision rule")
    _one_line(invoke("fit", data, "-t", "outcome", "--impute", "zero"), 2, "--impute")


def test_debug_shows_the_traceback(tmp_path):
    result = invoke("fit", tmp_path / "nope.csv", "-t", "y", "--debug")
    assert result.exit_code == 66 and "Traceback" in result.stderr
