"""Commands on labelled data: ``evaluate`` (a CI gate), ``report`` and ``tune-threshold``."""

from __future__ import annotations

import operator
import re
import warnings
from pathlib import Path
from typing import Annotated

import numpy as np
import pandas as pd
import typer

from ..io import ModelFile, save
from ..thresholds import ThresholdClassifier, tune_threshold
from ..workflow import METRICS, decision_params, evaluate, write_report
from ._common import EXIT, CliError, Ui, command
from ._data import read_table, target_labels
from ._model import card, open_model, prepare_rows, read_dtypes
from ._render import fmt, metrics_table

__all__ = ["check_gates", "parse_gates", "register"]

_OPERATORS = {
    "=": operator.ge,
    ">=": operator.ge,
    ">": operator.gt,
    "<=": operator.le,
    "<": operator.lt,
}
_GATE = re.compile(r"^\s*([a-z_0-9]+)\s*(>=|<=|=|>|<)\s*([-+0-9.eE]+)\s*$")


def parse_gates(text: str) -> list[tuple[str, str, float]]:
    """``"roc_auc=0.80,ece<0.03"`` → ``[("roc_auc", "=", 0.8), ("ece", "<", 0.03)]``.

    ``name=value`` means "at least value" (fail under it); ``<``, ``<=``,
    ``>``, ``>=`` compare as written.
    """
    gates = []
    for part in filter(None, (p.strip() for p in text.split(","))):
        match = _GATE.match(part)
        if match is None:
            raise CliError(
                f"--fail-under: cannot read {part!r}; write e.g. roc_auc=0.8,ece<0.03", "usage"
            )
        name, op, value = match.groups()
        if name not in METRICS:
            raise CliError(
                f"--fail-under: unknown metric {name!r}; one of {', '.join(METRICS)}", "usage"
            )
        try:
            gates.append((name, op, float(value)))
        except ValueError:
            raise CliError(f"--fail-under: {value!r} is not a number", "usage") from None
    if not gates:
        raise CliError("--fail-under: no condition given", "usage")
    return gates


def check_gates(metrics: dict[str, dict], gates: list[tuple[str, str, float]]) -> list[str]:
    """The failed conditions, in words (empty when every gate passes)."""
    failed = []
    for name, op, bound in gates:
        value = metrics[name]["estimate"]
        if not _OPERATORS[op](value, bound):
            wanted = ">=" if op == "=" else op
            failed.append(f"{name} = {fmt(value)}, wanted {wanted} {bound:g}")
    return failed


def _labelled(model_file: ModelFile, data: str, target: str | None, impute: bool):
    """Rows for the model and their labels; the target defaults to the one fitted on."""
    target = target or card(model_file).get("target")
    if target is None:
        raise CliError("give --target: the model file does not record its target column", "usage")
    frame = read_table(data, dtype=read_dtypes(model_file.model))
    y = target_labels(frame, target)
    classes = np.asarray(model_file.model.classes_)
    if classes.dtype.kind in "iu" and pd.api.types.is_numeric_dtype(y.dtype):
        y = y.astype(classes.dtype)
    return prepare_rows(model_file, frame, impute=impute), y, target


TargetOpt = Annotated[
    str | None, typer.Option("--target", "-t", help="Label column (default: the fitted one).")
]
ImputeOpt = Annotated[
    bool, typer.Option(help="Fill numeric missing values with the stored statistic.")
]
NBootOpt = Annotated[int, typer.Option(min=1, help="Bootstrap replicates of the intervals.")]
ModelArg = Annotated[str, typer.Argument(metavar="MODEL", help="Model file (JSON).")]
DataArg = Annotated[
    str, typer.Argument(metavar="DATA", help="Labelled CSV, gzip CSV or Parquet; - for stdin.")
]


def register(app: typer.Typer) -> None:
    """Add ``evaluate``, ``report`` and ``tune-threshold`` to ``app``."""

    @command(app, "evaluate")
    def evaluate_command(
        ui: Ui,
        model_path: ModelArg,
        data: DataArg,
        target: TargetOpt = None,
        fail_under: Annotated[
            str | None,
            typer.Option(help='Quality gate, e.g. "roc_auc=0.80,ece<0.03" (exit 3 when unmet).'),
        ] = None,
        impute: ImputeOpt = False,
        n_boot: NBootOpt = 200,
        seed: Annotated[int, typer.Option(help="Seed of the bootstrap.")] = 0,
    ) -> None:
        """Metrics with 95% bootstrap intervals on labelled data; a CI gate."""
        gates = parse_gates(fail_under) if fail_under is not None else []
        model_file = open_model(model_path)
        rows, y, target = _labelled(model_file, data, target, impute)
        with ui.progress("evaluating"):
            metrics = evaluate(model_file.model, rows, y, n_boot=n_boot, random_state=seed)
        failed = check_gates(metrics, gates)
        ui.show(metrics_table(metrics, f"{len(y)} rows, target {target!r} (95% bootstrap CI)"))
        ui.emit(
            {
                "n_rows": len(y),
                "target": target,
                "metrics": metrics,
                "gates": [f"{n}{o}{b:g}" for n, o, b in gates],
                "failed": failed,
                "passed": not failed,
            }
        )
        for line in failed:
            ui.err.print(f"gate failed: {line}", markup=False)
        if failed:
            raise typer.Exit(EXIT["gate"])
        if gates:
            ui.info(f"all {len(gates)} gate(s) passed")

    @command(app, "report")
    def report_command(
        ui: Ui,
        model_path: ModelArg,
        data: DataArg,
        out: Annotated[Path, typer.Option("--out", "-o", help="HTML file to write.")] = Path(
            "report.html"
        ),
        target: TargetOpt = None,
        title: Annotated[str | None, typer.Option(help="Title of the report.")] = None,
        impute: ImputeOpt = False,
        n_boot: NBootOpt = 200,
    ) -> None:
        """Write the self-contained HTML report of the model on labelled (test) data."""
        model_file = open_model(model_path)
        rows, y, _ = _labelled(model_file, data, target, impute)
        with ui.progress("writing the report"):
            path = write_report(model_file.model, rows, y, out, title=title, n_boot=n_boot)
        ui.show(f"report written to {path}")
        ui.emit({"report": str(path), "n_rows": len(y)})

    @command(app, "tune-threshold")
    def tune_command(
        ui: Ui,
        model_path: ModelArg,
        data: DataArg,
        out: Annotated[Path, typer.Option("--out", "-o", help="Tuned model file to write.")],
        target: TargetOpt = None,
        recall_at_least: Annotated[float | None, typer.Option(min=0.0, max=1.0)] = None,
        precision_at_least: Annotated[float | None, typer.Option(min=0.0, max=1.0)] = None,
        cost_fp: Annotated[float | None, typer.Option(min=0.0)] = None,
        cost_fn: Annotated[float | None, typer.Option(min=0.0)] = None,
        optimize: Annotated[str | None, typer.Option(help="Metric to maximise, e.g. f1.")] = None,
        impute: ImputeOpt = False,
    ) -> None:
        """Choose the decision threshold on labelled data and write the tuned model."""
        try:
            rule = decision_params(
                recall_at_least=recall_at_least,
                precision_at_least=precision_at_least,
                cost_fp=cost_fp,
                cost_fn=cost_fn,
                optimize=optimize,
            )
        except ValueError as error:
            raise CliError(str(error), "usage") from None
        if not rule:
            raise CliError(
                "give a rule: --recall-at-least, --precision-at-least, "
                "--cost-fp/--cost-fn or --optimize",
                "usage",
            )
        model_file = open_model(model_path)
        rows, y, _ = _labelled(model_file, data, target, impute)
        document = _tune(model_file, rows, y, rule, out)
        constraint = rule.get("threshold_constraint")
        rule_text = document["objective"] + (f" with {constraint}" if constraint else "")
        positive = document["positive_class"]
        ui.show(f"threshold on P({positive}) = {fmt(document['threshold'])} ({rule_text})")
        at = ", ".join(f"{k} {fmt(document['metrics'][k])}" for k in ("precision", "recall", "f1"))
        ui.show(f"at that threshold on this data: {at}")
        ui.show(f"tuned model written to {out}")
        ui.emit(document)


def _tune(model_file: ModelFile, rows: pd.DataFrame, y, rule: dict, out: Path) -> dict:
    """Tune on ``rows`` and write a copy of the model deciding with the new threshold."""
    import copy

    model = copy.deepcopy(model_file.model)
    if len(model.classes_) != 2:
        raise CliError("tune-threshold needs a binary model")
    design = model.transform(rows).to_numpy()
    scorer = model.model_
    if isinstance(scorer, ThresholdClassifier):
        scorer = scorer.estimator_
    positive = model.classes_[1]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        score = scorer.predict_proba(design)[:, 1]
        result = tune_threshold(
            (np.asarray(y) == positive).astype(np.float64),
            score,
            rule.get("threshold_objective"),
            constraint=rule.get("threshold_constraint"),
            cost_matrix=rule.get("cost_matrix"),
        )
        model.model_ = ThresholdClassifier(scorer, threshold=result.threshold, cv="prefit").fit(
            design, np.asarray(y)
        )
    model.set_params(
        threshold=result.threshold,
        threshold_objective=None,
        threshold_constraint=None,
        cost_matrix=None,
    )
    model_card = dict(model_file.model_card or {})
    model_card["threshold_tuning"] = {"rows": len(y), "rule": rule, "threshold": result.threshold}
    try:
        save(model, out, model_card=model_card)
    except OSError as error:
        raise CliError(f"cannot write {out}: {error.strerror or error}", "cannot_write") from None
    positive_name = positive.item() if hasattr(positive, "item") else positive
    return {
        "model": str(out),
        "threshold": result.threshold,
        "objective": result.objective,
        "positive_class": positive_name,
        "metrics": result.metrics,
    }
