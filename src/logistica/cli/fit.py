"""``logistica fit``: a table in, a tested model file (and optionally its report) out."""

from __future__ import annotations

import glob
import os
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer

from ..io import save
from ..tabular import TabularModel, infer_schema
from ..tabular.steps import fit_step
from ..workflow import (
    decision_params,
    evaluate,
    fit_inference,
    fit_tabular_files,
    split,
    write_report,
)
from ._common import CliError, Ui, command
from ._data import (
    check_missing_numbers,
    check_numeric_text,
    read_table,
    select_columns,
    target_labels,
)
from ._render import fmt, metrics_table

__all__ = [
    "OUT_OF_CORE_BYTES",
    "FitJob",
    "Fitted",
    "fit_files_table",
    "fit_table",
    "register",
    "show_fit",
    "show_paths",
    "use_out_of_core",
]

#: Files (or the sum over a directory) larger than this are fitted out of core.
OUT_OF_CORE_BYTES = 1 << 30


@dataclass
class FitJob:
    """Everything ``fit`` was asked for, resolved to values."""

    target: str
    output: Path = Path("model.json")
    features: list[str] | None = None
    exclude: list[str] | None = None
    C: float | None = None
    cv: int = 5
    Cs: int = 10
    l1_ratio: float = 0.0
    solver: str = "auto"
    class_weight: str | None = None
    calibrate: str | None = None
    decision: dict = field(default_factory=dict)
    impute: str | None = None
    test_size: float = 0.2
    seed: int = 0
    report: Path | None = None
    title: str | None = None
    n_boot: int = 200
    dry_run: bool = False
    source: str = "data"

    def model_params(self) -> dict:
        """The :class:`~logistica.TabularModel` parameters."""
        params = {
            "l1_ratio": self.l1_ratio,
            "solver": self.solver,
            "class_weight": self.class_weight,
            "calibration": self.calibrate,
            "numeric_impute": self.impute or "median",
            **self.decision,
        }
        if self.C is not None:
            params["C"] = self.C
        else:
            params.update(cv=self.cv, Cs=self.Cs)
        return params


def _numeric(X: pd.DataFrame) -> list[str]:
    return [
        c
        for c in X.columns
        if pd.api.types.is_numeric_dtype(X[c].dtype) and not pd.api.types.is_bool_dtype(X[c].dtype)
    ]


def _schema_rows(X: pd.DataFrame, impute: str | None) -> list[dict]:
    rows = []
    for spec in infer_schema(X):
        step = fit_step(X[spec.name], spec.name, spec.kind, numeric_impute=impute or "median")
        rows.append(
            {
                "column": spec.name,
                "kind": spec.kind,
                "missing": int(X[spec.name].isna().sum()),
                "design": list(step.feature_names),
            }
        )
    return rows


def _dry_run(ui: Ui, job: FitJob, X_train, X_test, y_train) -> dict:
    from ._render import schema_table

    rows = _schema_rows(X_train, job.impute)
    width = sum(len(r["design"]) for r in rows)
    document = {
        "dry_run": True,
        "target": job.target,
        "classes": sorted(map(str, y_train.unique())),
        "schema": rows,
        "design_shape": [int(X_train.shape[0]), width],
        "n_test": 0 if X_test is None else int(X_test.shape[0]),
        "params": job.model_params(),
    }
    ui.show(schema_table(rows, f"schema of {job.source} (target {job.target!r})"))
    ui.show(
        f"design matrix: {X_train.shape[0]} training rows x {width} columns "
        f"(+ intercept); {document['n_test']} test rows held out"
    )
    ui.show(f"model: {document['params']}")
    ui.show("dry run: nothing fitted, nothing written")
    return document


def _fit(ui: Ui, job: FitJob, X_train, y_train) -> TabularModel:
    how = f"C={job.C}" if job.C is not None else f"{job.cv}-fold CV over {job.Cs} values of C"
    ui.info(f"fitting on {X_train.shape[0]} rows ({how}) ...")
    with ui.progress("fitting"), warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model = TabularModel(**job.model_params()).fit(X_train, y_train)
    for message in dict.fromkeys(str(w.message) for w in caught if w.category is not FutureWarning):
        ui.info(f"warning: {message}")
    return model


def _cv_line(model: TabularModel) -> str:
    from ..tabular import linear_part

    linear = linear_part(model)
    if hasattr(linear, "C_"):
        return (
            f"C = {fmt(float(linear.C_))} chosen by {model.cv}-fold CV (1-SE rule, "
            f"score {fmt(float(linear.cv_results_['mean_test_score'][linear.best_index_]))})"
        )
    return f"C = {fmt(float(model.C))} (fixed)"


@dataclass
class Fitted:
    """A fitted model with the split it was fitted and tested on."""

    model: TabularModel
    X_train: pd.DataFrame
    y_train: pd.Series
    X_test: pd.DataFrame | None
    y_test: pd.Series | None


def _test(ui: Ui, job: FitJob, model, X_train, X_test, y_train, y_test) -> tuple:
    """The report (``--report``) and the test metrics: ``(metrics, report path)`` or None."""
    report = None
    if job.report is not None:
        if X_test is None:
            raise CliError("--report needs a test split (--test-size > 0)", "usage")
        with ui.progress("writing the report"):
            report = write_report(
                model,
                X_test,
                y_test,
                job.report,
                X_train=X_train,
                y_train=y_train,
                title=job.title,
                n_boot=job.n_boot,
            )
    metrics, computed = None, None
    if report is not None and job.seed == 0:  # the report bootstrapped the same metrics
        from ..report import read_data

        computed = read_data(report)["metrics"]["metrics"]
    if X_test is not None:
        with ui.progress("evaluating on the test split"):
            metrics = evaluate(
                model, X_test, y_test, n_boot=job.n_boot, random_state=job.seed, computed=computed
            )
    return metrics, report


def _model_card(job: FitJob, columns: list[str], classes: list) -> dict:
    """What the CLI needs later (target, imputation policy) and what the fit was."""
    return {
        "intended_use": f"predict {job.target!r} from {len(columns)} columns of {job.source}",
        "cli": {
            "target": job.target,
            "classes": classes,
            "positive_class": classes[1] if len(classes) == 2 else None,
            "impute": job.impute,
            "source": job.source,
            "test_size": job.test_size,
            "seed": job.seed,
        },
    }


def fit_table(ui: Ui, frame: pd.DataFrame, job: FitJob) -> tuple[dict, Fitted | None]:
    """Check, split, fit, test, save and report: the ``--json`` document and the fit."""
    columns = select_columns(frame, job.target, job.features, job.exclude)
    y = target_labels(frame, job.target)
    X = frame[columns]
    check_numeric_text(X, columns, strict=False)
    X = X.apply(lambda s: pd.to_numeric(s) if s.dtype == object and _all_numbers(s) else s)
    if job.impute is None:
        hint = (
            "pass --impute median or --impute mean to fill numeric columns (categorical "
            "columns keep missing values as a level of their own)"
        )
        check_missing_numbers(X, _numeric(X), hint=hint)
    X_train, X_test, y_train, y_test = split(X, y, job.test_size, job.seed)
    if job.dry_run:
        return _dry_run(ui, job, X_train, X_test, y_train), None
    model = _fit(ui, job, X_train, y_train)
    metrics, report = _test(ui, job, model, X_train, X_test, y_train, y_test)
    inference = fit_inference(model, X_train, y_train)
    classes = [c.item() if hasattr(c, "item") else c for c in model.classes_]
    model_card = _model_card(job, columns, classes)
    stored = None if metrics is None else {k: v["estimate"] for k, v in metrics.items()}
    if stored is not None:
        stored["n_test"] = float(len(y_test))
    try:
        path = save(
            model, job.output, model_card=model_card, test_metrics=stored, results=inference
        )
    except OSError as error:
        raise CliError(
            f"cannot write {job.output}: {error.strerror or error}", "cannot_write"
        ) from None
    threshold = getattr(model.model_, "threshold_", None)
    document = {
        "model": str(path),
        "report": None if report is None else str(report),
        "target": job.target,
        "classes": classes,
        "n_train": len(y_train),
        "n_test": 0 if y_test is None else len(y_test),
        "features": columns,
        "design_columns": len(model.feature_names_),
        "selection": _cv_line(model),
        "threshold": threshold,
        "test_metrics": metrics,
    }
    return document, Fitted(model, X_train, y_train, X_test, y_test)


def use_out_of_core(data: str, flag: bool | None) -> bool:
    """Whether ``fit`` streams ``data``: as asked, else for a directory, a glob pattern
    or more than :data:`OUT_OF_CORE_BYTES` bytes."""
    if flag is not None:
        return flag
    if data == "-":
        return False
    if any(char in data for char in "*?[") or os.path.isdir(data):
        return True
    return os.path.isfile(data) and os.path.getsize(data) > OUT_OF_CORE_BYTES


def fit_files_table(ui: Ui, data: str, job: FitJob, batch_size: int) -> tuple[dict, TabularModel]:
    """Fit out of core (:func:`~logistica.workflow.fit_tabular_files`) and save the model file.

    Every row trains the model: there is no held-out split, so no stored test
    metrics and no inference node (score a separate test file with
    ``logistica evaluate``, build a report with ``logistica report``).
    """
    refused = {
        "cross-validation (pass a fixed -C)": job.C is None,
        "--calibrate": job.calibrate is not None,
        "a decision rule (threshold options)": bool(job.decision),
        "--report": job.report is not None,
        "--dry-run": job.dry_run,
        "--exclude": bool(job.exclude),
    }
    named = [name for name, used in refused.items() if used]
    if named:
        raise CliError(
            f"out-of-core fits do not support {', '.join(named)}; fit in memory "
            "(--in-memory) on a file that fits, or drop those options",
            "usage",
        )
    if any(char in data for char in "*?[") and not glob.glob(data, recursive=True):
        raise CliError(f"no file matches {data!r}", "no_input")
    if not any(char in data for char in "*?[") and not os.path.exists(data):
        raise CliError(f"no such file or directory: {data}", "no_input")
    ui.info(f"fitting out of core on {job.source} (C={job.C}, batches of {batch_size} rows) ...")
    features = None if not job.features else [f for x in job.features for f in x.split(",")]
    params = {k: v for k, v in job.model_params().items() if v is not None}
    params.pop("calibration", None)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            model = fit_tabular_files(
                data, job.target, features=features, batch_size=batch_size,
                progress=False, **params,
            )  # fmt: skip
    except (ValueError, FileNotFoundError) as error:
        raise CliError(str(error), "data") from None
    for message in dict.fromkeys(str(w.message) for w in caught if w.category is not FutureWarning):
        ui.info(f"warning: {message}")
    classes = [c.item() if hasattr(c, "item") else c for c in model.classes_]
    columns = list(model.feature_names_in_)
    job.test_size = 0.0
    try:
        path = save(model, job.output, model_card=_model_card(job, columns, classes))
    except OSError as error:
        raise CliError(
            f"cannot write {job.output}: {error.strerror or error}", "cannot_write"
        ) from None
    stats = model.model_.fit_stats_
    document = {
        "model": str(path),
        "report": None,
        "target": job.target,
        "classes": classes,
        "n_train": int(stats["rows"]),
        "n_test": 0,
        "features": columns,
        "design_columns": len(model.feature_names_),
        "selection": _cv_line(model),
        "threshold": None,
        "test_metrics": None,
        "out_of_core": {k: stats[k] for k in ("passes", "bytes_scanned", "batch_size")},
    }
    return document, model


def _all_numbers(series: pd.Series) -> bool:
    present = series.dropna()
    return len(present) > 0 and pd.to_numeric(present, errors="coerce").notna().all()


def show_fit(ui: Ui, document: dict, model: TabularModel, paths: bool = True) -> None:
    """Print what the fit chose, the test metrics and (with ``paths``) the files written."""
    ui.show(
        f"fitted on {document['n_train']} rows, {len(document['features'])} columns -> "
        f"{document['design_columns']} design columns; classes {document['classes']}"
    )
    ui.show(document["selection"])
    if document["threshold"] is not None:
        tuning = getattr(model.model_, "tuning_", None)
        rule = f" (tuned for {tuning.objective}" if tuning is not None else " (fixed"
        constraint = model.threshold_constraint
        rule += f" with {constraint})" if constraint else ")"
        ui.show(
            f"decision threshold on P({document['classes'][1]}) = "
            f"{fmt(float(document['threshold']))}{rule}"
        )
    if document["test_metrics"] is not None:
        title = f"test split: {document['n_test']} rows (95% bootstrap intervals)"
        ui.show(metrics_table(document["test_metrics"], title))
    if paths:
        show_paths(ui, document)


def show_paths(ui: Ui, document: dict) -> None:
    """Print the files a fit wrote."""
    ui.show(f"model written to {Path(document['model']).resolve()}")
    if document["report"] is not None:
        ui.show(f"report written to {Path(document['report']).resolve()}")


def register(app: typer.Typer) -> None:
    """Add ``fit`` to ``app``."""

    @command(app, "fit")
    def fit(
        ui: Ui,
        data: Annotated[
            str,
            typer.Argument(
                metavar="DATA",
                help="CSV, gzip CSV or Parquet file; - for stdin; a directory or glob "
                "pattern of files (fitted out of core).",
            ),
        ],
        target: Annotated[str, typer.Option("--target", "-t", help="The label column.")],
        output: Annotated[Path, typer.Option("--output", "-o", help="Model file to write.")] = Path(
            "model.json"
        ),
        features: Annotated[
            list[str] | None,
            typer.Option(
                help="Columns to use (comma-separated or repeated; default: all but the target)."
            ),
        ] = None,
        exclude: Annotated[
            list[str] | None, typer.Option(help="Columns to leave out (e.g. ids).")
        ] = None,
        C: Annotated[
            float | None,
            typer.Option("-C", "--C", help="Fixed inverse regularization strength (no CV)."),
        ] = None,
        cv: Annotated[int, typer.Option(min=2, help="CV folds for choosing C (1-SE rule).")] = 5,
        Cs: Annotated[
            int, typer.Option("--Cs", min=1, help="Number of C values in the CV grid.")
        ] = 10,
        l1_ratio: Annotated[
            float, typer.Option(min=0.0, max=1.0, help="Elastic-net mix (1 = lasso).")
        ] = 0.0,
        solver: Annotated[str, typer.Option(help="Solver (auto picks one).")] = "auto",
        class_weight: Annotated[
            str | None, typer.Option(help="'balanced' reweights the classes.")
        ] = None,
        standardize: Annotated[
            bool, typer.Option(help="Standardize numeric columns (always on).")
        ] = True,
        calibrate: Annotated[
            str | None, typer.Option(help="sigmoid, isotonic or temperature.")
        ] = None,
        recall_at_least: Annotated[
            float | None,
            typer.Option(
                min=0.0, max=1.0, help="Tune the threshold: best precision with recall >= R."
            ),
        ] = None,
        precision_at_least: Annotated[
            float | None,
            typer.Option(
                min=0.0, max=1.0, help="Tune the threshold: best recall with precision >= P."
            ),
        ] = None,
        cost_fp: Annotated[
            float | None, typer.Option(min=0.0, help="Cost of a false positive (with --cost-fn).")
        ] = None,
        cost_fn: Annotated[
            float | None, typer.Option(min=0.0, help="Cost of a false negative (with --cost-fp).")
        ] = None,
        optimize: Annotated[
            str | None, typer.Option(help="Tune the threshold to maximise a metric, e.g. f1.")
        ] = None,
        threshold: Annotated[
            float | None, typer.Option(min=0.0, max=1.0, help="Fixed threshold on P(positive).")
        ] = None,
        impute: Annotated[
            str | None,
            typer.Option(help="Fill numeric missing values: median or mean (refused otherwise)."),
        ] = None,
        test_size: Annotated[
            float,
            typer.Option(min=0.0, max=0.9, help="Held-out fraction for the stored test metrics."),
        ] = 0.2,
        seed: Annotated[int, typer.Option(help="Seed of the split and the bootstrap.")] = 0,
        report: Annotated[
            Path | None, typer.Option(help="Also write the HTML report here.")
        ] = None,
        n_boot: Annotated[
            int, typer.Option(min=1, help="Bootstrap replicates of the intervals.")
        ] = 200,
        dry_run: Annotated[
            bool, typer.Option(help="Print the schema and design shape; fit nothing.")
        ] = False,
        out_of_core: Annotated[
            bool | None,
            typer.Option(
                "--out-of-core/--in-memory",
                help="Stream the data in batches (exact fit, memory bounded by the batch; "
                "fixed -C, every row trains, no test split). Default: out of core for a "
                "directory, a glob pattern or a file over 1 GiB.",
            ),
        ] = None,
        batch_size: Annotated[
            int, typer.Option(min=1, help="Rows per batch of an out-of-core fit.")
        ] = 65_536,
    ) -> None:
        """Fit a calibrated, threshold-tuned model on a table and write the model file."""
        _choice("--calibrate", calibrate, ("sigmoid", "isotonic", "temperature"))
        _choice("--impute", impute, ("median", "mean"))
        _choice("--class-weight", class_weight, ("balanced",))
        if not standardize:
            raise CliError(
                "--no-standardize is not available: the table model standardizes numeric "
                "columns (coefficients and odds ratios are per standard deviation)",
                "usage",
            )
        try:
            decision = decision_params(
                recall_at_least=recall_at_least,
                precision_at_least=precision_at_least,
                cost_fp=cost_fp,
                cost_fn=cost_fn,
                optimize=optimize,
                threshold=threshold,
            )
        except ValueError as error:
            raise CliError(str(error), "usage") from None
        job = FitJob(
            target=target,
            output=output,
            features=features,
            exclude=exclude,
            C=C,
            cv=cv,
            Cs=Cs,
            l1_ratio=l1_ratio,
            solver=solver,
            class_weight=class_weight,
            calibrate=calibrate,
            decision=decision,
            impute=impute,
            test_size=test_size,
            seed=seed,
            report=report,
            n_boot=n_boot,
            dry_run=dry_run,
            source="stdin" if data == "-" else Path(data).name,
        )
        if use_out_of_core(data, out_of_core):
            if data == "-":
                raise CliError("--out-of-core needs files, not stdin", "usage")
            document, model = fit_files_table(ui, data, job, batch_size)
            show_fit(ui, document, model)
            ui.emit(document)
            return
        frame = read_table(data)
        ui.info(f"read {frame.shape[0]} rows x {frame.shape[1]} columns from {job.source}")
        document, fitted = fit_table(ui, frame, job)
        if fitted is not None:
            show_fit(ui, document, fitted.model)
        ui.emit(document)


def _choice(option: str, value: str | None, allowed: tuple[str, ...]) -> None:
    if value is not None and value not in allowed:
        raise CliError(f"{option} must be one of {', '.join(allowed)}; got {value!r}", "usage")
