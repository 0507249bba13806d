"""One strategy of malformed tables (tests/_strategies.py) against every table parser
(issue 18): the CLI's table reading (``logistica fit`` on a CSV file) and the service's
request bodies (``POST /predict``, records and columnar JSON). Each answer is a clear
refusal (a CLI exit code of the data/usage kind with a one-line ``error:``; a 4xx
with a JSON problem) or a valid result — never a crash (exit code 1, a 5xx).
The model-file loader is fuzzed the same way in tests/test_io_fuzz.py.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

import logistica
from _strategies import malformed_tables, to_csv

STATS = {"cli": {}, "serve": {}}


def _count(kind: str, outcome) -> None:
    STATS[kind][outcome] = STATS[kind].get(outcome, 0) + 1


@given(table=malformed_tables())
@example(table={"x0": [0.0, 1.0, 2.0, 0.0], "x1": [1.0, 0.0, 1.0, 2.0], "label": [0, 1, 0, None]})
def test_cli_fit_reads_malformed_tables_without_crashing(table):
    from typer.testing import CliRunner

    from logistica.cli.app import app

    with tempfile.TemporaryDirectory() as folder:
        data = Path(folder) / "table.csv"
        data.write_text(to_csv(table), encoding="utf-8")
        out = Path(folder) / "model.json"
        result = CliRunner().invoke(
            app, ["fit", str(data), "-t", "label", "-o", str(out), "-C", "1", "--cv", "2"]
        )
        _count("cli", result.exit_code)
        assert result.exit_code != 1, result.output  # 1 is an internal error
        assert result.exception is None or isinstance(result.exception, SystemExit), (
            result.exception
        )
        if result.exit_code == 0:
            assert isinstance(logistica.load(out), logistica.TabularModel)
        else:
            assert "error:" in result.output


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient

    from logistica.serve import create_app

    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"x0": rng.normal(size=80), "x1": rng.choice(["a", "b", "c"], 80)})
    y = (frame["x0"] + rng.normal(size=80) > 0).astype(int)
    path = tmp_path_factory.mktemp("serve") / "model.json"
    logistica.save(logistica.TabularModel().fit(frame, y), path)
    with TestClient(create_app(path)) as test_client:
        yield test_client


def _body(table: dict, columnar: bool) -> str:
    names = list(table)
    rows = max((len(v) for v in table.values()), default=0)
    if columnar:
        data = [[table[n][i] for n in names if i < len(table[n])] for i in range(rows)]
        document = {"columns": names, "data": data}
    else:
        document = [{n: table[n][i] for n in names if i < len(table[n])} for i in range(rows)]
    return json.dumps(document)  # NaN and inf become the non-JSON tokens NaN, Infinity


@given(
    table=malformed_tables(columns=("x0",), text_columns=("x1",), max_rows=8),
    columnar=st.booleans(),
)
def test_service_request_bodies_get_a_4xx_or_predictions(client, table, columnar):
    response = client.post(
        "/predict", content=_body(table, columnar), headers={"content-type": "application/json"}
    )
    _count("serve", response.status_code)
    assert response.status_code < 500, response.text
    body = response.json()
    if response.status_code == 200:
        assert body["n_rows"] == len(body["predictions"])
        for row in body["predictions"]:
            assert all(np.isfinite(p) and 0 <= p <= 1 for p in row["proba"].values())
    else:
        assert 400 <= response.status_code < 500 and body


def test_report_counts():
    """Printed with ``pytest -s``: outcomes of the fuzzed parsers (exit code or status)."""
    print(f"\nfuzzed tables: {STATS}")
