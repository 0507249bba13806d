"""What the report says about the model and the data: unwrapping, fit settings, data summary.

A report accepts a fitted :class:`~logistica.LogisticRegression`, a
:class:`~logistica.LogisticRegressionCV`, a
:class:`~logistica.calibration.CalibratedModel` or a
:class:`~logistica.thresholds.ThresholdClassifier` around any of them. The
probabilities come from the outermost model; coefficients, inference and
explanations from the innermost logistic regression.
"""

from __future__ import annotations

import math
import time
import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.special import expit
from sklearn.base import clone

from ..calibration import CalibratedModel
from ..cv import LogisticRegressionCV
from ..estimators import LogisticRegression
from ..thresholds import CVThresholdResult, ThresholdClassifier, ThresholdResult

__all__ = ["ModelView", "data_summary", "fit_summary", "unwrap"]


@dataclass
class ModelView:
    """A fitted model seen by the report.

    Attributes
    ----------
    model : estimator
        The outermost model (its ``predict_proba`` is evaluated).
    linear : LogisticRegression
        The logistic regression inside (coefficients, inference, explanations).
    layers : list of str
        The wrappers, outermost first, e.g. ``["CalibratedModel (sigmoid)", ...]``.
    threshold : float or None
        Decision threshold on the positive-class probability (binary only).
    threshold_rule : str
        How the threshold was chosen, in words.
    cv : LogisticRegressionCV or None
        The cross-validated model, when there is one.
    """

    model: object
    linear: LogisticRegression
    layers: list[str] = field(default_factory=list)
    threshold: float | None = None
    threshold_rule: str = ""
    cv: LogisticRegressionCV | None = None
    calibration: str | None = None

    @property
    def explainable(self):
        """The model to explain and plot: the CV model (it keeps feature names) or ``linear``."""
        return self.cv if self.cv is not None else self.linear


def _tuning_rule(result: ThresholdResult, constraint=None) -> str:
    rule = f"maximises {result.objective}" if result.objective != "cost" else "minimises cost"
    if constraint:
        rule += " subject to " + ", ".join(f"{k} ≥ {v:g}" for k, v in constraint.items())
    if isinstance(result, CVThresholdResult):
        rule += (
            f" on out-of-fold scores ({result.fold_thresholds.size} folds, "
            f"fold thresholds sd {result.threshold_std:.3g})"
        )
    return rule


def _classifier_threshold(clf: ThresholdClassifier) -> tuple[float | None, str]:
    value = clf.threshold_
    if value is None:
        return None, "multiclass decisions: the class of least expected cost"
    if clf.response_method == "decision_function":
        value = float(expit(value))
    if clf.tuning_ is None:
        return value, "fixed in the ThresholdClassifier"
    return value, "ThresholdClassifier " + _tuning_rule(clf.tuning_, clf.constraint)


def unwrap(model, threshold=None) -> ModelView:
    """Find the logistic regression inside ``model`` and the decision threshold.

    Parameters
    ----------
    model : estimator
        A fitted LogisticRegression, LogisticRegressionCV, CalibratedModel or
        ThresholdClassifier (wrappers may nest).
    threshold : float, ThresholdResult, ThresholdClassifier or None
        Decision threshold on the positive-class probability; a tuning result;
        or ``None`` for the wrapped ThresholdClassifier's, else 0.5.

    Returns
    -------
    ModelView

    Examples
    --------
    >>> import numpy as np
    >>> X = np.array([[0.0], [1.0], [2.0], [3.0]]); y = [0, 0, 1, 1]
    >>> view = unwrap(LogisticRegression().fit(X, y))
    >>> view.threshold, view.layers
    (0.5, ['LogisticRegression'])
    """
    view = ModelView(model=model, linear=None)  # type: ignore[arg-type]
    current = model
    while not isinstance(current, LogisticRegression):
        if isinstance(current, ThresholdClassifier):
            view.layers.append("ThresholdClassifier")
            if threshold is None:
                view.threshold, view.threshold_rule = _classifier_threshold(current)
            current = current.estimator_
        elif isinstance(current, CalibratedModel):
            view.layers.append(f"CalibratedModel ({current.method})")
            view.calibration = current.method
            current = current.model_
        elif isinstance(current, LogisticRegressionCV):
            view.layers.append("LogisticRegressionCV")
            view.cv = current
            current = current.estimator_
        elif hasattr(current, "estimator") and type(current).__name__ == "FrozenEstimator":
            current = current.estimator
        else:
            hint = (
                "; for a TabularModel (raw table in), use "
                "logistica.workflow.write_report(model, X_test, y_test, path)"
                if type(current).__name__ == "TabularModel"
                else ""
            )
            raise TypeError(
                "report.build needs a fitted logistica LogisticRegression, LogisticRegressionCV, "
                f"CalibratedModel or ThresholdClassifier, got {type(current).__name__}{hint}"
            )
    view.layers.append("LogisticRegression")
    view.linear = current
    binary = len(current.classes_) == 2
    if not binary:
        view.threshold, view.threshold_rule = None, "multiclass: the most probable class"
    elif isinstance(threshold, ThresholdClassifier):
        view.threshold, view.threshold_rule = _classifier_threshold(threshold)
    elif isinstance(threshold, ThresholdResult):
        view.threshold, view.threshold_rule = threshold.threshold, _tuning_rule(threshold)
    elif threshold is not None:
        value = float(threshold)
        if not 0.0 <= value <= 1.0:
            raise ValueError(f"threshold must be a probability in [0, 1], got {threshold!r}")
        view.threshold, view.threshold_rule = value, "given by the caller"
    elif view.threshold is None:
        view.threshold, view.threshold_rule = 0.5, "default: the most probable class (p ≥ 0.5)"
    return view


def _missing(X) -> int:
    if isinstance(X, pd.DataFrame):
        return int(X.isna().to_numpy().sum())
    array = np.asarray(X)
    return int(np.isnan(array).sum()) if np.issubdtype(array.dtype, np.floating) else 0


def _balance(y, classes) -> dict:
    labels = np.asarray(y)
    return {str(c): int(np.sum(labels == c)) for c in classes}


def data_summary(view: ModelView, X_test, y_test, X_train=None, y_train=None) -> dict:
    """Rows, features, class balance and missing values of the test (and training) data.

    Returns
    -------
    dict
        ``n_features``, and per split (``test``, ``train`` when given) ``rows``,
        ``missing`` (cells) and ``class_counts``.
    """
    classes = view.linear.classes_
    summary = {"n_features": int(view.linear.n_features_in_), "splits": {}}
    for name, X, y in (("train", X_train, y_train), ("test", X_test, y_test)):
        if X is None or y is None:
            continue
        summary["splits"][name] = {
            "rows": int(np.shape(X)[0]),
            "missing": _missing(X),
            "class_counts": _balance(y, classes),
        }
    return summary


def _penalty_name(linear: LogisticRegression) -> str:
    if getattr(linear, "firth", False):
        return "Firth (Jeffreys prior)"
    if math.isinf(linear.C):
        return "none"
    return {0.0: "L2 (ridge)", 1.0: "L1 (lasso)"}.get(float(linear.l1_ratio), "elastic net")


def _refit_seconds(linear: LogisticRegression, X_train, y_train) -> float | None:
    if X_train is None or y_train is None:
        return None
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        clone(linear).set_params(warm_start=False, verbose=0).fit(X_train, y_train)
    return time.perf_counter() - start


def fit_summary(view: ModelView, X_train=None, y_train=None) -> dict:
    """Solver, iterations, convergence, time, penalty and sparsity of the fit.

    The time is that of refitting a clone of the final logistic regression on
    the training data (the estimator does not record its own), or ``None``
    without training data.

    Returns
    -------
    dict
    """
    linear = view.linear
    coef = np.asarray(linear.coef_)
    summary = {
        "model": " → ".join(view.layers),
        "classes": [str(c) for c in linear.classes_],
        "solver": str(linear.solver_),
        "iterations": int(np.sum(linear.n_iter_)),
        "converged": bool(linear.converged_),
        "seconds": _refit_seconds(linear, X_train, y_train),
        "penalty": _penalty_name(linear),
        "C": None if math.isinf(linear.C) else float(linear.C),
        "l1_ratio": float(linear.l1_ratio),
        "standardize": bool(linear.standardize),
        "nonzero": int(np.count_nonzero(np.any(coef != 0, axis=0))),
        "n_coef": int(coef.shape[1]),
        "calibration": view.calibration,
    }
    if view.cv is not None:
        cv = view.cv
        summary["cv"] = {
            "selection": str(cv.selection),
            "grid_points": int(np.size(cv.Cs_)),
            "best_score": float(cv.cv_results_["mean_test_score"][cv.best_index_]),
        }
    return summary
