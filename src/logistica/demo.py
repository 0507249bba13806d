"""Demos on the bundled breast-cancer data.

``python -m logistica.demo`` runs the main job, the same as ``logistica demo``
(``make demo``): a table in, a tuned model file and its report out (see
:mod:`logistica.cli.demo`).

``python -m logistica.demo --solvers [--output demo-report.html]`` compares
the solvers: it fits a held-out split with each registered solver (and
``"auto"``), prints accuracy, log-loss, iterations, convergence and time as a
table, and with ``--output`` writes the model report of the standardized fit
(:func:`logistica.report.build`) as one self-contained HTML page.
"""

from __future__ import annotations

import argparse
import time
import warnings
from pathlib import Path

import pandas as pd
from rich.console import Console
from rich.table import Table
from sklearn.metrics import accuracy_score, log_loss, roc_auc_score
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from . import solvers
from .datasets import load_breast_cancer
from .estimators import LogisticRegression

__all__ = ["main", "run_demo", "write_report"]


def run_demo(C: float = 1.0, random_state: int = 0) -> pd.DataFrame:
    """Fit every solver on a 75/25 split of the breast-cancer data.

    Parameters
    ----------
    C : float, default=1.0
        Inverse regularisation strength.
    random_state : int, default=0
        Seed of the train/test split.

    Returns
    -------
    DataFrame
        One row per solver: accuracy, ROC AUC, log-loss, iterations, converged, seconds.
        ``table.attrs["skipped"]`` maps solvers that do not apply to this problem
        to the reason they gave.

    Examples
    --------
    >>> table = run_demo()
    >>> bool((table["accuracy"] > 0.9).all())
    True
    """
    X, y = load_breast_cancer()
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.25, stratify=y, random_state=random_state
    )
    # one untimed fit loads the compiled kernels from numba's cache, so the table
    # compares solvers rather than the first call's start-up
    LogisticRegression().fit(X_train.iloc[:50], y_train.iloc[:50])
    rows, skipped = [], {}
    for name in ["auto", *solvers.available()]:
        model = make_pipeline(StandardScaler(), LogisticRegression(C=C, solver=name))
        start = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                model.fit(X_train, y_train)
            except ValueError as error:  # a solver for other problems (e.g. Firth's)
                skipped[name] = str(error)
                continue
        seconds = time.perf_counter() - start
        fitted = model[-1]
        proba = model.predict_proba(X_test)
        positive = list(fitted.classes_).index("malignant")
        rows.append(
            {
                "solver": name if name != "auto" else f"auto ({fitted.solver_})",
                "accuracy": accuracy_score(y_test, model.predict(X_test)),
                "roc_auc": roc_auc_score(y_test == "malignant", proba[:, positive]),
                "log_loss": log_loss(y_test, proba, labels=fitted.classes_),
                "iterations": int(fitted.n_iter_.sum()),
                "converged": bool(fitted.converged_),
                "seconds": seconds,
            }
        )
    table = pd.DataFrame(rows)
    table.attrs["skipped"] = skipped
    return table


def _print_table(table: pd.DataFrame, console: Console) -> None:
    rich_table = Table(title="logistica demo: breast cancer (malignant vs benign), test split")
    headers = ["solver", "accuracy", "AUC", "log-loss", "iter", "converged", "time"]
    for header in headers:
        rich_table.add_column(header, justify="left" if header == "solver" else "right")
    for row in table.itertuples(index=False):
        rich_table.add_row(
            row.solver,
            f"{row.accuracy:.3f}",
            f"{row.roc_auc:.4f}",
            f"{row.log_loss:.4f}",
            str(row.iterations),
            "yes" if row.converged else "no",
            f"{row.seconds * 1000:.1f} ms",
        )
    console.print(rich_table)
    for name, reason in table.attrs.get("skipped", {}).items():
        console.print(f"skipped {name}: {reason}")


def write_report(path: Path, C: float = 1.0, random_state: int = 0) -> Path:
    """Write the HTML model report of a standardized fit on the same split.

    Parameters
    ----------
    path : Path
        The HTML file to write.
    C : float, default=1.0
        Inverse regularisation strength.
    random_state : int, default=0
        Seed of the train/test split.

    Returns
    -------
    Path
        The written report.
    """
    from . import report

    X, y = load_breast_cancer()
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.25, stratify=y, random_state=random_state
    )
    model = LogisticRegression(C=C, standardize=True).fit(X_train, y_train)
    return report.build(
        model,
        X_test,
        y_test,
        path,
        X_train=X_train,
        y_train=y_train,
        title="Breast cancer: malignant vs benign (logistica demo)",
    )


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point of the demos."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--solvers", action="store_true", help="compare the solvers")
    parser.add_argument("--output", type=Path, help="with --solvers: also write this report")
    parser.add_argument("--output-dir", type=Path, default=Path("logistica-demo"))
    parser.add_argument("-C", type=float, default=1.0)
    args = parser.parse_args(argv)
    if not args.solvers:  # the main job is the command line's demo
        from .cli import app

        try:
            app(["demo", "--output-dir", str(args.output_dir)], prog_name="logistica")
        except SystemExit as done:
            return int(done.code or 0)
        return 0
    table = run_demo(C=args.C)
    console = Console()
    _print_table(table, console)
    if args.output is not None:
        path = write_report(args.output, C=args.C)
        console.print(f"report written to [bold]{path.resolve()}[/bold]")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
