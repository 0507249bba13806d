"""Rich tables of the CLI's results: metrics with intervals, coefficients, schema."""

from __future__ import annotations

import math

import pandas as pd
from rich.table import Table

from ..workflow import METRICS

__all__ = ["coefficients_table", "fmt", "metrics_table", "schema_table"]

_LABELS = {
    "roc_auc": "ROC AUC",
    "pr_auc": "PR AUC",
    "accuracy": "accuracy",
    "balanced_accuracy": "balanced accuracy",
    "precision": "precision",
    "recall": "recall",
    "f1": "F1",
    "log_loss": "log-loss",
    "brier": "Brier score",
    "ece": "ECE (calibration)",
}


def fmt(value, digits: int = 4) -> str:
    """A number for a table (``-`` when missing)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    if isinstance(value, float):
        return (
            f"{value:.{digits}g}"
            if abs(value) >= 1e4 or abs(value) < 1e-3
            else f"{value:.{digits}f}"
        )
    return str(value)


def metrics_table(metrics: dict[str, dict], title: str) -> Table:
    """Metric, estimate and 95% bootstrap interval, one row per metric."""
    table = Table(title=title, title_justify="left")
    for header in ("metric", "estimate", "95% CI", "meaning", "better"):
        table.add_column(header, justify="left" if header != "estimate" else "right")
    for key, value in metrics.items():
        interval = f"[{fmt(value['low'])}, {fmt(value['high'])}]"
        better = "lower" if METRICS.get(key) else "higher"
        table.add_row(key, fmt(value["estimate"]), interval, _LABELS.get(key, key), better)
    return table


def coefficients_table(frame: pd.DataFrame, title: str, limit: int | None = None) -> Table:
    """Terms with coefficient, odds ratio and, when present, inference columns."""
    table = Table(title=title, title_justify="left")
    multiclass = frame["class"].nunique() > 1
    columns = ["term", *(["class"] if multiclass else []), "coef", "odds ratio"]
    inference = "std_err" in frame.columns
    if inference:
        columns += ["std err", "z", "p", "OR 95% CI"]
    for header in columns:
        table.add_column(header, justify="left" if header in ("term", "class") else "right")
    rows = frame if limit is None else frame.head(limit)
    for term, row in rows.iterrows():
        cells = [
            str(term),
            *([row["class"]] if multiclass else []),
            fmt(row["coef"]),
            fmt(row["odds_ratio"]),
        ]
        if inference:
            cells += [
                fmt(row["std_err"]),
                fmt(row["z"], 3),
                fmt(row["p_value"], 3),
                f"[{fmt(row['or_lower'], 3)}, {fmt(row['or_upper'], 3)}]",
            ]
        table.add_row(*cells)
    return table


def schema_table(rows: list[dict], title: str) -> Table:
    """The resolved input columns: name, kind, missing count, design columns."""
    table = Table(title=title, title_justify="left")
    for header in ("column", "kind", "missing", "design columns"):
        table.add_column(header, justify="right" if header == "missing" else "left")
    for row in rows:
        table.add_row(row["column"], row["kind"], str(row["missing"]), ", ".join(row["design"]))
    return table
