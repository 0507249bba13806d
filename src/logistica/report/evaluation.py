"""The numbers of the report's evaluation sections, as plain JSON-ready dicts.

Every function takes integer class codes ``y`` (``0..K-1``, the columns of
``proba``) and the predicted probabilities. Binary metrics and their bootstrap
replicates come from :mod:`.binary_metrics` (equal to :mod:`sklearn.metrics`),
multiclass ones from :mod:`sklearn.metrics`, the calibration and ranking
statistics from :mod:`logistica.metrics` and :mod:`.statistics`, the threshold
curve from :mod:`logistica.thresholds`.
"""

from __future__ import annotations

import warnings

import numpy as np
from sklearn import config_context
from sklearn import metrics as skm
from sklearn.preprocessing import label_binarize

from ..metrics import (
    bootstrap_ci,
    bootstrap_result,
    brier_decomposition,
    expected_calibration_error,
    hosmer_lemeshow,
    ks_statistic,
    lift_table,
    maximum_calibration_error,
    reliability_curve,
    stratified_rows,
)
from ..thresholds import threshold_curve
from .binary_metrics import binary_metrics
from .statistics import (
    calibration_intercept_slope,
    integrated_calibration_index,
    net_benefit,
    pr_band,
    roc_band,
    wilson_interval,
)

__all__ = [
    "METRIC_LABELS",
    "calibration",
    "decision_curve",
    "discrimination",
    "downsample",
    "metric_table",
    "threshold_section",
]

#: Metric keys and their labels, in the order of the table.
METRIC_LABELS = {
    "accuracy": "Accuracy",
    "balanced_accuracy": "Balanced accuracy",
    "precision": "Precision",
    "recall": "Recall (sensitivity)",
    "f1": "F1",
    "roc_auc": "ROC AUC",
    "pr_auc": "PR AUC (average precision)",
    "log_loss": "Log-loss",
    "brier": "Brier score",
}
#: Metrics where lower is better (for comparisons).
LOWER_IS_BETTER = {"log_loss", "brier", "ece", "mce", "ici", "e50", "e90", "emax"}


def downsample(*columns: np.ndarray, max_points: int = 200) -> list[list[float]]:
    """At most ``max_points`` evenly spaced rows of aligned curve columns (ends kept)."""
    n = len(columns[0])
    keep = np.unique(np.linspace(0, n - 1, min(n, max_points)).round().astype(int))
    return [np.asarray(c, dtype=np.float64)[keep].tolist() for c in columns]


def _multiclass_metrics(n_classes: int) -> dict:
    labels = list(range(n_classes))

    def decide(proba):
        return proba.argmax(axis=1)

    def macro(score):
        return lambda y, p: score(y, decide(p), average="macro", labels=labels, zero_division=0)

    return {
        "accuracy": lambda y, p: skm.accuracy_score(y, decide(p)),
        "balanced_accuracy": lambda y, p: skm.balanced_accuracy_score(y, decide(p)),
        "precision": macro(skm.precision_score),
        "recall": macro(skm.recall_score),
        "f1": macro(skm.f1_score),
        "roc_auc": lambda y, p: skm.roc_auc_score(
            y, p, multi_class="ovr", average="macro", labels=labels
        ),
        "pr_auc": lambda y, p: skm.average_precision_score(
            label_binarize(y, classes=labels), p, average="macro"
        ),
        "log_loss": lambda y, p: skm.log_loss(y, p, labels=labels),
        "brier": lambda y, p: skm.brier_score_loss(y, p, labels=labels),
    }


def _binary_table(y: np.ndarray, score: np.ndarray, threshold: float, n_boot: int,
                  seed: int) -> dict:  # fmt: skip
    """Binary metrics and intervals: the replicates of ``bootstrap_ci``, scored at once."""
    rows = stratified_rows(y, n_boot, np.random.default_rng(seed))
    replicates = binary_metrics(y[rows], score[rows], threshold)
    estimates = binary_metrics(y[None, :], score[None, :], threshold)
    return {key: bootstrap_result(estimates[key][0], replicates[key])._asdict()
            for key in METRIC_LABELS}  # fmt: skip


def metric_table(
    y: np.ndarray, proba: np.ndarray, threshold: float | None, n_boot: int, seed: int = 0
) -> dict:
    """Each metric with its stratified-bootstrap 95% interval, and the confusion matrix.

    Binary metrics score the positive class (precision, recall and F1 at
    ``threshold``); multiclass ones are macro averages over the classes
    (decisions: the most probable class).

    Returns
    -------
    dict
        ``metrics`` (key -> ``estimate``, ``low``, ``high``, ``std_error``),
        ``confusion_matrix`` (rows: true class, columns: predicted) and ``averaging``.
    """
    binary = proba.shape[1] == 2
    table = _binary_table(y, proba[:, 1], threshold, n_boot, seed) if binary else {}
    scorers = {} if binary else _multiclass_metrics(proba.shape[1])
    # the inputs are checked once; skipping scikit-learn's per-call checks makes the
    # bootstrap several times faster
    with warnings.catch_warnings(), config_context(skip_parameter_validation=True,
                                                   assume_finite=True):  # fmt: skip
        warnings.simplefilter("ignore")
        for key, scorer in scorers.items():
            result = bootstrap_ci(scorer, y, proba, n_boot=n_boot, random_state=seed)
            table[key] = result._asdict()
    decided = (proba[:, 1] >= threshold).astype(int) if binary else proba.argmax(axis=1)
    matrix = skm.confusion_matrix(y, decided, labels=list(range(proba.shape[1])))
    return {
        "metrics": table,
        "confusion_matrix": matrix.tolist(),
        "averaging": "positive class" if binary else "macro average over classes",
        "n_boot": n_boot,
    }


def _curve_with_band(x, y, band) -> dict:
    x, y = downsample(x, y)
    return {"x": x, "y": y, "band_x": band.x.tolist(), "low": band.low.tolist(),
            "high": band.high.tolist()}  # fmt: skip


def discrimination(y: np.ndarray, score: np.ndarray, n_boot: int, seed: int = 0) -> dict:
    """ROC and PR curves with bootstrap bands, KS, gains/lift and the score histogram (binary).

    Returns
    -------
    dict
    """
    fpr, tpr, _ = skm.roc_curve(y, score)
    precision, recall, _ = skm.precision_recall_curve(y, score)
    lift = lift_table(y, score, n_groups=min(10, y.size))
    edges = np.linspace(0.0, 1.0, 21)
    return {
        "roc": _curve_with_band(fpr, tpr, roc_band(y, score, n_boot, random_state=seed)),
        "pr": _curve_with_band(
            recall[::-1], precision[::-1], pr_band(y, score, n_boot, random_state=seed)
        ),
        "prevalence": float(y.mean()),
        "ks": ks_statistic(y, score),
        "lift": {
            column: lift[column].astype(float).round(6).tolist()
            for column in ("group", "n", "positives", "lift", "gain", "cumulative_lift")
        },
        "histogram": {
            "edges": edges.tolist(),
            "negative": np.histogram(score[y == 0], edges)[0].tolist(),
            "positive": np.histogram(score[y == 1], edges)[0].tolist(),
        },
    }


def threshold_section(y: np.ndarray, score: np.ndarray, threshold: float, rule: str) -> dict:
    """Metrics at the chosen threshold and the metric-vs-threshold curve (binary).

    Returns
    -------
    dict
    """
    curve = threshold_curve(y, score)
    finite = curve[np.isfinite(curve["threshold"])]
    columns = ("threshold", "precision", "recall", "f1", "specificity")
    points = downsample(*(finite[c].to_numpy() for c in columns))
    decided = score >= threshold
    tp = int(np.sum(decided & (y == 1)))
    fp = int(np.sum(decided & (y == 0)))
    fn = int(np.sum(~decided & (y == 1)))
    tn = int(np.sum(~decided & (y == 0)))
    return {
        "value": float(threshold),
        "rule": rule,
        "counts": {"tp": tp, "fp": fp, "fn": fn, "tn": tn},
        "curve": dict(zip(columns, points, strict=True)),
    }


def decision_curve(y: np.ndarray, score: np.ndarray) -> dict:
    """Net benefit of the model, treat-all and treat-none at thresholds 0.01..0.99 (binary).

    Returns
    -------
    dict
    """
    thresholds = np.round(np.arange(0.01, 1.0, 0.01), 2)
    model = net_benefit(y, score, thresholds)
    treat_all = net_benefit(y, np.ones_like(score), thresholds)
    useful = thresholds[(model > np.maximum(treat_all, 0.0))]
    return {
        "thresholds": thresholds.tolist(),
        "model": model.round(6).tolist(),
        "treat_all": treat_all.round(6).tolist(),
        "useful_range": [float(useful.min()), float(useful.max())] if useful.size else None,
    }


def _binary_calibration(y: np.ndarray, prob: np.ndarray) -> dict:
    intercept, slope = calibration_intercept_slope(y, prob)
    index = integrated_calibration_index(y, prob)
    out = {
        "ici": index.ici,
        "e50": index.e50,
        "e90": index.e90,
        "emax": index.emax,
        "intercept": intercept,
        "slope": slope,
        "smoothed": dict(
            zip(("p", "observed"), downsample(index.grid, index.smoothed), strict=True)
        ),
    }
    try:
        out["hosmer_lemeshow"] = hosmer_lemeshow(y, prob)._asdict()
    except ValueError as error:  # too few distinct risks
        out["hosmer_lemeshow"] = {"statistic": None, "df": None, "pvalue": None,
                                  "note": str(error)}  # fmt: skip
    return out


def _reliability_bins(y: np.ndarray, prob: np.ndarray, multiclass: str) -> dict:
    bins = reliability_curve(y, prob, n_bins=10, multiclass=multiclass)
    bins = bins[bins["count"] > 0]
    successes = (bins["observed_frequency"] * bins["count"]).round()
    low, high = wilson_interval(successes, bins["count"])
    return {
        "mean_predicted": bins["mean_predicted"].round(6).tolist(),
        "observed": bins["observed_frequency"].round(6).tolist(),
        "count": bins["count"].astype(int).tolist(),
        "low": np.round(low, 6).tolist(),
        "high": np.round(high, 6).tolist(),
    }


def calibration(y: np.ndarray, proba: np.ndarray, class_names: list[str]) -> dict:
    """Reliability bins with Wilson intervals, ECE, MCE, Brier decomposition, HL, slope, ICI.

    Binary: for the positive class. Multiclass: ECE/MCE and the bins on the
    top-label confidence, the other statistics one-vs-rest per class.

    Returns
    -------
    dict
    """
    binary = proba.shape[1] == 2
    forecast = proba[:, 1] if binary else proba
    out = {
        "ece": expected_calibration_error(y, forecast),
        "mce": maximum_calibration_error(y, forecast),
        "reliability": _reliability_bins(y, forecast, "top-label"),
        "binning": "10 equal-width bins" + ("" if binary else " of top-label confidence"),
    }
    targets = [(class_names[1], y, proba[:, 1])] if binary else [
        (name, (y == k).astype(int), proba[:, k]) for k, name in enumerate(class_names)
    ]  # fmt: skip
    per_class = {}
    for name, target, prob in targets:
        if np.unique(target).size < 2:
            continue
        stats = _binary_calibration(target, prob)
        stats["brier_decomposition"] = brier_decomposition(target, prob)._asdict()
        per_class[name] = stats
    out["per_class"] = per_class
    return out
