"""Shared CLI fixtures: a mixed-type table with a string target and a model fitted on it."""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from logistica.cli import app

#: Fast settings for every test fit: few folds, a small grid, few bootstrap replicates.
FAST = ["--cv", "3", "--Cs", "4", "--n-boot", "20"]


def make_table(n: int = 240, seed: int = 0) -> pd.DataFrame:
    """Numeric, categorical and boolean columns, an id, and a string target."""
    rng = np.random.default_rng(seed)
    age = rng.normal(45, 12, n).round(1)
    income = rng.lognormal(10, 0.5, n).round(0)
    city = rng.choice(["Paris", "Lyon", "Nice"], n)
    member = rng.choice([True, False], n)
    logit = 0.08 * (age - 45) + 1.2 * (city == "Paris") - 0.8 * member + np.log(income) - 10
    target = np.where(rng.random(n) < 1 / (1 + np.exp(-logit)), "churn", "stay")
    return pd.DataFrame(
        {"id": np.arange(n), "age": age, "income": income, "city": city, "member": member,
         "outcome": target}
    )  # fmt: skip


def invoke(*args: str, input: str | bytes | None = None):
    """Run the app through typer's CliRunner (stdout and stderr kept apart)."""
    return CliRunner().invoke(app, [str(a) for a in args], input=input)


def run(*args, input: bytes | None = None, cwd=None, env=None) -> subprocess.CompletedProcess:
    """Run ``python -m logistica.cli`` as a real subprocess (stdout, stderr not a TTY)."""
    environment = {**os.environ, **(env or {})}
    environment.pop("NO_COLOR", None) if env is None or "NO_COLOR" not in env else None
    return subprocess.run(
        [sys.executable, "-m", "logistica.cli", *map(str, args)],
        input=input, capture_output=True, cwd=cwd, env=environment, timeout=300,
    )  # fmt: skip


@pytest.fixture(scope="session")
def table() -> pd.DataFrame:
    return make_table()


@pytest.fixture(scope="session")
def workdir(tmp_path_factory, table):
    """A folder with the table as CSV, gzip CSV and Parquet, and a model fitted on it."""
    folder = tmp_path_factory.mktemp("cli")
    table.to_csv(folder / "data.csv", index=False)
    table.to_csv(folder / "data.csv.gz", index=False)
    table.to_parquet(folder / "data.parquet", index=False)
    result = invoke("fit", folder / "data.csv", "-t", "outcome", "--exclude", "id", *FAST,
                    "-o", folder / "model.json")  # fmt: skip
    assert result.exit_code == 0, result.output
    return folder
