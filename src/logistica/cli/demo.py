"""``logistica demo``: the main job on the bundled breast-cancer data, end to end.

Split (75/25, stratified), 5-fold CV over ``C`` with the one-standard-error
rule, the threshold tuned by cross-validation for recall ≥ 0.99 on
``malignant``, coefficients and odds ratios, a calibration check and the
metrics on the test split; ``model.json`` and ``report.html`` are written to
the output folder. It is ``logistica fit`` on a table with these options, so
the demo shows exactly what the command does.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import numpy as np
import typer

from ..datasets import load_breast_cancer
from ..workflow import coefficient_table
from ._common import CliError, Ui, command
from ._render import coefficients_table, fmt
from .fit import FitJob, fit_table, show_fit, show_paths

__all__ = ["register", "run_demo"]

TARGET = "diagnosis"


def _calibration(ui: Ui, fitted) -> dict:
    from ..report.statistics import calibration_intercept_slope

    proba = fitted.model.predict_proba(fitted.X_test)[:, 1]
    positive = fitted.model.classes_[1]
    y = (np.asarray(fitted.y_test) == positive).astype(float)
    intercept, slope = calibration_intercept_slope(y, proba)
    check = {
        "calibration_intercept": intercept,
        "calibration_slope": slope,
        "mean_predicted": float(proba.mean()),
        "observed_rate": float(y.mean()),
    }
    ui.show(
        f"calibration on the test split: mean P({positive}) {fmt(check['mean_predicted'])} "
        f"vs observed rate {fmt(check['observed_rate'])}; calibration slope {fmt(slope)} "
        f"(ideal 1), intercept {fmt(intercept)} (ideal 0)"
    )
    return check


def run_demo(ui: Ui, output_dir: Path, seed: int = 0, n_boot: int = 200) -> dict:
    """Run the demo, printing as it goes; the ``--json`` document.

    Parameters
    ----------
    ui : Ui
        Where to print.
    output_dir : Path
        Folder for ``model.json`` and ``report.html`` (created).
    seed : int, default=0
        Seed of the split and the bootstrap.
    n_boot : int, default=200
        Bootstrap replicates of the intervals.
    """
    start = time.perf_counter()
    try:
        output_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise CliError(f"cannot create {output_dir}: {error.strerror}", "cannot_write") from None
    X, y = load_breast_cancer()
    frame = X.assign(**{TARGET: y})
    ui.show(
        f"breast cancer (Wisconsin): {frame.shape[0]} tumours, {X.shape[1]} numeric "
        f"features, target {TARGET!r} (malignant vs benign)"
    )
    ui.show(
        "  = logistica fit breast_cancer.csv --target diagnosis --recall-at-least 0.99 "
        f"--test-size 0.25 --report {output_dir / 'report.html'} "
        f"-o {output_dir / 'model.json'}"
    )
    job = FitJob(
        target=TARGET,
        output=output_dir / "model.json",
        report=output_dir / "report.html",
        decision={"threshold_objective": "precision", "threshold_constraint": {"recall": 0.99}},
        test_size=0.25,
        seed=seed,
        n_boot=n_boot,
        source="breast cancer data",
        title="Breast cancer: malignant vs benign (logistica demo)",
    )
    document, fitted = fit_table(ui, frame, job)
    show_fit(ui, document, fitted.model, paths=False)
    table = coefficient_table(fitted.model)
    top = table.reindex(table["coef"].abs().sort_values(ascending=False).index)
    ui.show(coefficients_table(top, "largest coefficients (per standard deviation)", limit=10))
    document["calibration"] = _calibration(ui, fitted)
    document["seconds"] = time.perf_counter() - start
    show_paths(ui, document)
    ui.info(f"demo finished in {document['seconds']:.1f} s")
    return document


def register(app: typer.Typer) -> None:
    """Add ``demo`` to ``app``."""

    @command(app, "demo")
    def demo(
        ui: Ui,
        output_dir: Annotated[
            Path, typer.Option(help="Folder for model.json and report.html.")
        ] = Path("logistica-demo"),
        seed: Annotated[int, typer.Option(help="Seed of the split and the bootstrap.")] = 0,
        n_boot: Annotated[int, typer.Option(min=1, help="Bootstrap replicates.")] = 200,
    ) -> None:
        """Fit, tune, check and report on the bundled breast-cancer data (under 30 s)."""
        ui.emit(run_demo(ui, output_dir, seed=seed, n_boot=n_boot))
