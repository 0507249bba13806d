"""``build``: one self-contained HTML report of a fitted model on held-out data."""

from __future__ import annotations

import datetime as _dt
import math
from pathlib import Path

import numpy as np
from jinja2 import Environment, PackageLoader

from .. import __version__
from . import charts, evaluation, interpretation
from .compare import comparison, dump_island, read_data
from .figures import FigureRecord, render, require_matplotlib
from .model_info import ModelView, data_summary, fit_summary, unwrap

__all__ = ["ECE_WARNING", "SECTIONS", "VIF_WARNING", "build"]

#: Section ids and headings, in page order (binary-only sections say so for multiclass).
SECTIONS = {
    "summary": "Summary",
    "data": "Data",
    "fit": "Fit",
    "metrics": "Metrics",
    "discrimination": "Discrimination",
    "threshold": "Threshold and decisions",
    "calibration": "Calibration",
    "coefficients": "Coefficients",
    "explanations": "Explanations",
}
#: Warning levels stated in the report.
ECE_WARNING = 0.05
VIF_WARNING = 10.0
TINY_CLASS = 10
SLOPE_RANGE = (0.8, 1.2)


def _plots():
    require_matplotlib()
    try:
        from .. import plots
    except ImportError as error:  # pragma: no cover - plots needs matplotlib too
        raise ImportError(
            f'the report needs logistica.plots: pip install "logistica[plots]" ({error})'
        ) from error
    return plots


def _encode(y, classes: np.ndarray) -> np.ndarray:
    labels = np.asarray(y)
    codes = np.clip(np.searchsorted(classes, labels), 0, len(classes) - 1)
    unseen = classes[codes] != labels
    if np.any(unseen):
        raise ValueError(
            f"y_test holds labels the model was not fitted on: "
            f"{sorted(set(labels[unseen].tolist()))[:5]}; its classes are {classes.tolist()}"
        )
    return codes


class _Figures:
    """Draws figures one by one; a failing figure becomes a warning, not a crash."""

    def __init__(self, assets_dir: Path | None) -> None:
        self.assets_dir = assets_dir
        self.records: dict[str, FigureRecord] = {}
        self.errors: list[str] = []

    def add(self, figure_id: str, draw, *args) -> None:
        try:
            fig, record = draw(*args)
            self.records[record.id] = render(fig, record, self.assets_dir)
        except Exception as error:  # a broken figure must not lose the whole report
            self.errors.append(f"figure {figure_id!r} could not be drawn: {error}")


def _warnings(data: dict, figures: _Figures) -> list[str]:
    found = []
    separation = data["coefficients"]["separation"]
    if separation and separation["kind"] != "none":
        names = ", ".join(separation["features"][:5])
        remedy = (
            "the penalty keeps the estimates finite, but unpenalized inference is impossible"
            if data["fit"]["C"] is not None
            else "maximum-likelihood estimates do not exist; consider firth=True or a penalty"
        )
        found.append(
            f"{separation['kind'].capitalize()} separation in the training data "
            f"(by {names}): {remedy}."
        )
    if not data["fit"]["converged"]:
        found.append(f"The solver did not converge in {data['fit']['iterations']} iterations.")
    high = {k: v for k, v in data["coefficients"]["vif"].items()
            if v is None or not math.isfinite(v) or v > VIF_WARNING}  # fmt: skip
    if high:
        names = ", ".join(list(high)[:5]) + (" …" if len(high) > 5 else "")
        found.append(f"{len(high)} features have VIF > {VIF_WARNING:g} (collinear): {names}.")
    ece = data["calibration"]["ece"]
    if ece > ECE_WARNING:
        found.append(f"Poor calibration: ECE {ece:.3f} exceeds {ECE_WARNING:g}.")
    for name, stats in data["calibration"]["per_class"].items():
        slope = stats["slope"]
        if data["task"] == "binary" and not SLOPE_RANGE[0] <= slope <= SLOPE_RANGE[1]:
            found.append(f"Calibration slope {slope:.2f} for {name} lies outside "
                         f"[{SLOPE_RANGE[0]:g}, {SLOPE_RANGE[1]:g}].")  # fmt: skip
    for split, summary in data["data"]["splits"].items():
        tiny = [c for c, n in summary["class_counts"].items() if n < TINY_CLASS]
        if tiny:
            found.append(f"Tiny classes in the {split} data (< {TINY_CLASS} rows): "
                         f"{', '.join(tiny)}; their metrics are unreliable.")  # fmt: skip
        if summary["missing"]:
            found.append(f"The {split} data hold {summary['missing']} missing values.")
    return found + figures.errors


def _binary_figures(figs: _Figures, plots, y, score, data: dict, names: list[str]) -> None:
    t = data["threshold"]["value"]
    d = data["discrimination"]
    figs.add("roc", charts.roc_figure, plots, y, score, d, data["metrics"], t)
    figs.add("pr", charts.pr_figure, plots, y, score, d, data["metrics"], t)
    figs.add("scores", charts.histogram_figure, d, names)
    figs.add("gain_lift", charts.gain_lift_figure, plots, y, score, d)
    figs.add("threshold", charts.threshold_figure, plots, y, score, data["threshold"])
    figs.add("decision_curve", charts.decision_curve_figure, data["decision_curve"])


def _evaluate(view: ModelView, y: np.ndarray, proba: np.ndarray, names, n_boot: int) -> dict:
    data = {"metrics": evaluation.metric_table(y, proba, view.threshold, n_boot)}
    if proba.shape[1] == 2:
        score = proba[:, 1]
        data["discrimination"] = evaluation.discrimination(y, score, n_boot)
        data["threshold"] = evaluation.threshold_section(
            y, score, view.threshold, view.threshold_rule
        )
        data["decision_curve"] = evaluation.decision_curve(y, score)
    data["calibration"] = evaluation.calibration(y, proba, names)
    return data


def _model_figures(figs: _Figures, plots, view, results, X_test, data: dict) -> None:
    from sklearn.utils import _safe_indexing

    linear = view.explainable
    figs.add("coefficients", charts.coefficient_figure, plots, linear, data["coefficients"],
             results)  # fmt: skip
    figs.add("importance", charts.importance_figure, data["explanations"])
    for i, example in enumerate(data["explanations"]["examples"]):
        row = _safe_indexing(X_test, [example["row"]])
        figs.add(f"explanation_{i}", charts.explanation_figure, plots, linear, row, example, i)


def build(
    model,
    X_test,
    y_test,
    path: str | Path = "report.html",
    X_train=None,
    y_train=None,
    title: str | None = None,
    reference: str | Path | None = None,
    assets_dir: str | Path | None = None,
    threshold=None,
    n_boot: int = 200,
) -> Path:
    """Write a self-contained HTML report of a fitted model evaluated on test data.

    Parameters
    ----------
    model : estimator
        A fitted LogisticRegression, LogisticRegressionCV, CalibratedModel or
        ThresholdClassifier (binary or multiclass).
    X_test, y_test : array-like
        Held-out data and labels.
    path : str or Path, default="report.html"
        Where to write the HTML file.
    X_train, y_train : array-like, optional
        Training data: sizes, standard errors (unpenalized fits), separation
        check, VIF and fit time.
    title : str, optional
        Page title; ``"Model report"`` by default.
    reference : str or Path, optional
        An earlier report: its metrics and calibration are shown side by side.
    assets_dir : str or Path, optional
        Also write every figure there as ``<id>.svg`` and ``<id>.png``.
    threshold : float, ThresholdResult or ThresholdClassifier, optional
        Decision threshold on the positive-class probability (binary); by
        default the ThresholdClassifier's, else 0.5.
    n_boot : int, default=200
        Bootstrap replicates for the intervals and bands.

    Returns
    -------
    pathlib.Path
        The written file.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from sklearn.model_selection import train_test_split
    >>> from logistica import LogisticRegression
    >>> from logistica.datasets import load_breast_cancer
    >>> X, y = load_breast_cancer()
    >>> X_tr, X_te, y_tr, y_te = train_test_split(X, y, random_state=0, stratify=y)
    >>> model = LogisticRegression(standardize=True).fit(X_tr, y_tr)
    >>> out = build(model, X_te, y_te, pathlib.Path(tempfile.mkdtemp()) / "r.html", n_boot=20)
    >>> out.stat().st_size < 500_000
    True
    """
    plots = _plots()
    view = unwrap(model, threshold)
    classes = np.asarray(view.linear.classes_)
    names = [str(c) for c in classes]
    y = _encode(y_test, classes)
    proba = np.asarray(model.predict_proba(X_test), dtype=np.float64)
    binary = proba.shape[1] == 2
    results = interpretation.fit_inference(view.linear, X_train, y_train)
    data = {
        "title": title or "Model report",
        "generated": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        "logistica_version": __version__,
        "task": "binary" if binary else "multiclass",
        "classes": names,
        "positive_class": names[1] if binary else None,
        "data": data_summary(view, X_test, y_test, X_train, y_train),
        "fit": fit_summary(view, X_train, y_train),
        **_evaluate(view, y, proba, names, n_boot),
        "coefficients": interpretation.coefficient_section(view, results, X_train, X_test),
        "explanations": interpretation.explanation_section(view, X_test, proba),
    }
    figs = _Figures(None if assets_dir is None else Path(assets_dir))
    if binary:
        _binary_figures(figs, plots, y, proba[:, 1], data, names)
        decided = (proba[:, 1] >= view.threshold).astype(int)
    else:
        decided = proba.argmax(axis=1)
    figs.add("confusion", charts.confusion_figure, plots, classes[y], classes[decided], names,
             data["metrics"]["confusion_matrix"])  # fmt: skip
    forecast = proba[:, 1] if binary else proba
    figs.add("calibration", charts.calibration_figure, plots, y, forecast, data["calibration"],
             data["positive_class"])  # fmt: skip
    _model_figures(figs, plots, view, results, X_test, data)
    data["warnings"] = _warnings(data, figs)
    data["figures"] = {k: r.data() for k, r in figs.records.items()}
    if reference is not None:
        data["comparison"] = comparison(data, read_data(reference), Path(reference).name)
    path = Path(path)
    path.write_text(_render(data, figs.records), encoding="utf-8")
    return path


def _number(value, digits: int = 3) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, bool | str):
        return str(value)
    if isinstance(value, int | np.integer):
        return f"{value:,}"
    if not math.isfinite(value):
        return "∞" if value > 0 else ("−∞" if value < 0 else "n/a")
    if value != 0 and (abs(value) < 10 ** (-digits) or abs(value) >= 1e6):
        return f"{value:.{digits}g}"
    return f"{value:.{digits}f}"


def _render(data: dict, figures: dict[str, FigureRecord]) -> str:
    env = Environment(
        loader=PackageLoader("logistica.report", "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["num"] = _number
    template = env.get_template("report.html.j2")
    return template.render(
        data=data,
        figures=figures,
        sections=SECTIONS,
        labels=evaluation.METRIC_LABELS,
        island=dump_island(data),
        ece_warning=ECE_WARNING,
        vif_warning=VIF_WARNING,
    )
