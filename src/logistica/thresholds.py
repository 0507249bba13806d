"""Decision thresholds: maximise a metric, meet a constraint, or minimise expected cost.

A binary decision is ``score >= threshold``, as in scikit-learn.
:func:`threshold_curve` evaluates every distinct score as a threshold (plus
``+inf``, which predicts no positive at all) from one sort of the scores
(:func:`sklearn.metrics.confusion_matrix_at_thresholds`), and
:func:`tune_threshold` picks one from that curve:

- maximise a metric: ``objective="f1"``, ``"fbeta"``, ``"balanced_accuracy"``,
  ``"youden"`` (``TPR − FPR``), ``"mcc"``, ...;
- under constraints, ``constraint={"recall": 0.99}`` meaning ``recall >= 0.99``
  (the cancer-screening case: then maximise ``objective="precision"``);
- minimise the expected cost of a ``cost_matrix`` where ``cost_matrix[i][j]``
  is the cost of predicting class ``j`` when the truth is class ``i``.

:func:`tune_threshold_cv` tunes on held-out folds and reports the spread of
the threshold across them, :class:`ThresholdClassifier` applies a threshold
as a scikit-learn classifier, and :func:`cost_sensitive_predict` makes
multiclass decisions of least expected cost.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.metrics import confusion_matrix_at_thresholds
from sklearn.model_selection import check_cv
from sklearn.utils import _safe_indexing, assert_all_finite, get_tags, indexable
from sklearn.utils.metaestimators import available_if
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, column_or_1d

from ._validation import check_sample_weight
from .metrics import _check_1d, _check_binary_target, _check_lengths

__all__ = [
    "CVThresholdResult",
    "ThresholdClassifier",
    "ThresholdResult",
    "cost_sensitive_predict",
    "threshold_curve",
    "tune_threshold",
    "tune_threshold_cv",
]

#: Curve columns that can be constrained (``metric >= value``); all lie in [0, 1].
_BOUNDED = (
    "precision",
    "recall",
    "specificity",
    "npv",
    "accuracy",
    "balanced_accuracy",
    "f1",
    "fbeta",
)
#: Names accepted by ``objective`` (maximised; ``"cost"`` is minimised).
_OBJECTIVES = (*_BOUNDED, "youden", "mcc", "cost")


def _ratio(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """``numerator / denominator`` with 0 where the denominator is 0 (scikit-learn's default)."""
    return np.divide(numerator, denominator, out=np.zeros_like(numerator), where=denominator > 0)


def _check_cost_matrix(cost_matrix, n_classes: int) -> np.ndarray:
    cost = np.asarray(cost_matrix, dtype=np.float64)
    if cost.shape != (n_classes, n_classes):
        raise ValueError(
            f"cost_matrix must have shape ({n_classes}, {n_classes}) "
            f"(rows: true class, columns: predicted class), got {cost.shape}"
        )
    if not np.all(np.isfinite(cost)):
        raise ValueError("cost_matrix contains NaN or infinite values")
    return cost


def threshold_curve(
    y_true: ArrayLike,
    y_score: ArrayLike,
    *,
    beta: float = 1.0,
    cost_matrix: ArrayLike | None = None,
    sample_weight: ArrayLike | None = None,
) -> pd.DataFrame:
    """Confusion counts and metrics at every threshold ``score >= t``.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        Binary 0/1 targets.
    y_score : array-like of shape (n_samples,)
        Scores or probabilities of the positive class.
    beta : float, default=1.0
        Weight of recall in the ``fbeta`` column.
    cost_matrix : array-like of shape (2, 2), optional
        ``cost_matrix[i][j]``: cost of predicting ``j`` when the truth is ``i``;
        adds an ``expected_cost`` column (mean cost per sample).
    sample_weight : array-like of shape (n_samples,), optional
        Sample weights (counts become sums of weights).

    Returns
    -------
    pandas.DataFrame
        One row per threshold, increasing (the last is ``+inf``: no positive),
        with columns ``threshold``, ``tp``, ``fp``, ``tn``, ``fn``,
        ``precision``, ``recall``, ``specificity``, ``fpr``, ``npv``,
        ``accuracy``, ``balanced_accuracy``, ``youden``, ``f1``, ``fbeta``,
        ``mcc``, ``positive_rate`` and optionally ``expected_cost``. Undefined
        ratios (e.g. precision with no predicted positive) are 0.

    Examples
    --------
    >>> curve = threshold_curve([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
    >>> curve["threshold"].tolist()
    [0.1, 0.35, 0.4, 0.8, inf]
    >>> curve["precision"].round(3).tolist()
    [0.5, 0.667, 0.5, 1.0, 0.0]
    """
    y = _check_binary_target(y_true)
    score = _check_1d(y_score, "y_score")
    _check_lengths(y, score, "y_score")
    weight = check_sample_weight(sample_weight, y.shape[0])
    if not (np.isfinite(beta) and beta > 0):
        raise ValueError(f"beta must be a positive number, got {beta!r}")
    tn, fp, fn, tp, thresholds = confusion_matrix_at_thresholds(y, score, sample_weight=weight)
    # Increasing thresholds, then +inf where nothing is predicted positive.
    negatives, positives = fp[-1], tp[-1]
    tn, fn = np.append(tn[::-1], negatives), np.append(fn[::-1], positives)
    fp, tp = np.append(fp[::-1], 0.0), np.append(tp[::-1], 0.0)
    total = tp + fp + tn + fn
    recall, specificity = _ratio(tp, tp + fn), _ratio(tn, tn + fp)
    precision = _ratio(tp, tp + fp)
    mcc_denominator = np.sqrt((tp + fp) * (tp + fn) * (tn + fp) * (tn + fn))
    curve = pd.DataFrame(
        {
            "threshold": np.append(thresholds[::-1], np.inf),
            "tp": tp,
            "fp": fp,
            "tn": tn,
            "fn": fn,
            "precision": precision,
            "recall": recall,
            "specificity": specificity,
            "fpr": 1.0 - specificity,
            "npv": _ratio(tn, tn + fn),
            "accuracy": (tp + tn) / total,
            "balanced_accuracy": (recall + specificity) / 2.0,
            "youden": recall + specificity - 1.0,
            "f1": _ratio(2.0 * tp, 2.0 * tp + fp + fn),
            "fbeta": _ratio((1.0 + beta**2) * tp, (1.0 + beta**2) * tp + beta**2 * fn + fp),
            "mcc": _ratio(tp * tn - fp * fn, mcc_denominator),
            "positive_rate": (tp + fp) / total,
        }
    )
    if cost_matrix is not None:
        cost = _check_cost_matrix(cost_matrix, 2)
        curve["expected_cost"] = (
            tn * cost[0, 0] + fp * cost[0, 1] + fn * cost[1, 0] + tp * cost[1, 1]
        ) / total
    return curve


@dataclass(frozen=True)
class ThresholdResult:
    """Outcome of :func:`tune_threshold`.

    Attributes
    ----------
    threshold : float
        The chosen threshold (predict positive when ``score >= threshold``).
    metrics : dict
        Every metric of :func:`threshold_curve` at that threshold.
    curve : pandas.DataFrame
        The whole curve the threshold was chosen from.
    objective : str
        What was optimised.

    Examples
    --------
    >>> y = [0, 0, 1, 1, 0, 1]; s = [0.1, 0.4, 0.35, 0.8, 0.7, 0.9]
    >>> res = tune_threshold(y, s, "f1")
    >>> res.objective, res.threshold, round(res.metrics["f1"], 3)
    ('f1', 0.8, 0.8)
    """

    threshold: float
    metrics: dict
    curve: pd.DataFrame
    objective: str


def _check_objective(objective: str | None, constraint, cost_matrix) -> tuple[str, dict]:
    if objective is None:
        objective = "f1" if cost_matrix is None else "cost"
    if objective not in _OBJECTIVES:
        raise ValueError(f"unknown objective {objective!r}; choose one of {_OBJECTIVES}")
    if objective == "cost" and cost_matrix is None:
        raise ValueError("objective='cost' needs a cost_matrix")
    constraint = {} if constraint is None else dict(constraint)
    for name, bound in constraint.items():
        if name not in _BOUNDED:
            raise ValueError(f"cannot constrain {name!r}; constrain one of {_BOUNDED}")
        if not 0.0 <= bound <= 1.0:
            raise ValueError(
                f"constraint {name} >= {bound!r} can never be met: {name} lies in [0, 1]"
            )
    return objective, constraint


def tune_threshold(
    y_true: ArrayLike,
    y_score: ArrayLike,
    objective: str | None = None,
    *,
    constraint: dict[str, float] | None = None,
    cost_matrix: ArrayLike | None = None,
    beta: float = 1.0,
    sample_weight: ArrayLike | None = None,
) -> ThresholdResult:
    """Choose the threshold that maximises ``objective`` subject to ``constraint``.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        Binary 0/1 targets.
    y_score : array-like of shape (n_samples,)
        Scores or probabilities of the positive class.
    objective : str, optional
        A column of :func:`threshold_curve` to maximise (``"f1"``, ``"fbeta"``,
        ``"balanced_accuracy"``, ``"youden"``, ``"mcc"``, ``"precision"``,
        ``"recall"``, ...), or ``"cost"`` to minimise expected cost. Defaults to
        ``"cost"`` with a ``cost_matrix``, ``"f1"`` otherwise.
    constraint : dict, optional
        Lower bounds such as ``{"recall": 0.99}`` (``recall >= 0.99``) that the
        threshold must meet on this data; among those meeting them, ties in the
        objective go to the one with the larger constrained metrics.
    cost_matrix : array-like of shape (2, 2), optional
        ``cost_matrix[i][j]``: cost of predicting ``j`` when the truth is ``i``.
    beta : float, default=1.0
        Weight of recall for ``objective="fbeta"``.
    sample_weight : array-like of shape (n_samples,), optional
        Sample weights.

    Returns
    -------
    ThresholdResult
        ``threshold``, ``metrics`` at it, and the whole ``curve``.

    Raises
    ------
    ValueError
        For an unknown objective or constraint, or when no threshold meets the constraint.

    Examples
    --------
    >>> y = [0, 0, 1, 1, 0, 1]; s = [0.1, 0.4, 0.35, 0.8, 0.7, 0.9]
    >>> res = tune_threshold(y, s, "precision", constraint={"recall": 0.99})
    >>> res.threshold, round(res.metrics["precision"], 3)
    (0.35, 0.6)
    """
    objective, constraint = _check_objective(objective, constraint, cost_matrix)
    curve = threshold_curve(
        y_true, y_score, beta=beta, cost_matrix=cost_matrix, sample_weight=sample_weight
    )
    feasible = np.ones(len(curve), dtype=bool)
    for name, bound in constraint.items():
        values = curve[name].to_numpy()
        if not np.any(feasible & (values >= bound)):
            raise ValueError(
                f"no threshold meets the constraint {constraint}: the best achievable "
                f"{name} is {values[feasible].max():.4g}"
            )
        feasible &= values >= bound
    value = -curve["expected_cost"] if objective == "cost" else curve[objective]
    value = np.where(feasible, value.to_numpy(), -np.inf)
    best = np.flatnonzero(value == value.max())
    if constraint:
        slack = curve[list(constraint)].to_numpy().sum(axis=1)[best]
        best = best[slack == slack.max()]
    row = curve.iloc[best[0]]
    return ThresholdResult(
        threshold=float(row["threshold"]),
        metrics={k: float(v) for k, v in row.drop("threshold").items()},
        curve=curve,
        objective=objective,
    )


def _positive_score(model, X, response_method: str) -> np.ndarray:
    """Positive-class probability (``"predict_proba"``) or decision function."""
    if response_method == "auto":
        proba = hasattr(model, "predict_proba")
        response_method = "predict_proba" if proba else "decision_function"
    if response_method == "predict_proba":
        return np.asarray(model.predict_proba(X))[:, 1]
    if response_method == "decision_function":
        return np.asarray(model.decision_function(X))
    raise ValueError(
        "response_method must be 'auto', 'predict_proba' or 'decision_function', "
        f"got {response_method!r}"
    )


@dataclass(frozen=True)
class CVThresholdResult(ThresholdResult):
    """Outcome of :func:`tune_threshold_cv`: tuning on pooled out-of-fold scores, and per fold.

    The inherited ``threshold``, ``metrics`` and ``curve`` come from all
    out-of-fold scores together.

    Attributes
    ----------
    fold_thresholds : ndarray of shape (n_folds,)
        The threshold tuned on each held-out fold.
    fold_metrics : pandas.DataFrame
        The metrics at each fold's threshold, one row per fold.

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from logistica import LogisticRegression
    >>> X, y = make_classification(n_samples=400, random_state=0)
    >>> res = tune_threshold_cv(LogisticRegression(), X, y, "f1", cv=4)
    >>> res.fold_metrics.shape[0], bool(res.threshold_std >= 0)
    (4, True)
    """

    fold_thresholds: np.ndarray
    fold_metrics: pd.DataFrame

    @property
    def threshold_std(self) -> float:
        """Standard deviation of the fold thresholds: how stable the choice is."""
        return float(np.std(self.fold_thresholds, ddof=1)) if self.fold_thresholds.size > 1 else 0.0


def tune_threshold_cv(
    estimator,
    X,
    y,
    objective: str | None = None,
    *,
    constraint: dict[str, float] | None = None,
    cost_matrix: ArrayLike | None = None,
    beta: float = 1.0,
    cv=5,
    response_method: str = "auto",
    sample_weight: ArrayLike | None = None,
) -> CVThresholdResult:
    """Tune a threshold on held-out scores and measure its spread across folds.

    For each split, a clone of ``estimator`` is fitted on the training part
    and a threshold is tuned on the scores of the held-out part. The returned
    threshold is tuned on all out-of-fold scores together.

    Parameters
    ----------
    estimator : classifier
        Unfitted binary classifier.
    X : array-like of shape (n_samples, n_features)
        Data.
    y : array-like of shape (n_samples,)
        Binary labels (any two values; the larger one is positive).
    objective, constraint, cost_matrix, beta
        As in :func:`tune_threshold`.
    cv : int, cross-validation generator or iterable, default=5
        Splits; integers give stratified k-fold.
    response_method : {"auto", "predict_proba", "decision_function"}, default="auto"
        Score to threshold; ``"auto"`` prefers the positive-class probability.
    sample_weight : array-like of shape (n_samples,), optional
        Weights for fitting and tuning.

    Returns
    -------
    CVThresholdResult

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from logistica import LogisticRegression
    >>> X, y = make_classification(n_samples=400, random_state=0)
    >>> res = tune_threshold_cv(LogisticRegression(), X, y, "f1", cv=4)
    >>> res.fold_thresholds.shape, 0 < res.threshold < 1
    ((4,), True)
    """
    X, y, sample_weight = indexable(X, column_or_1d(y), sample_weight)
    classes = np.unique(y)
    if classes.size != 2:
        raise ValueError(f"threshold tuning needs binary y, got {classes.size} classes")
    positive = (y == classes[1]).astype(np.float64)
    weight = check_sample_weight(sample_weight, y.shape[0])
    options = {"constraint": constraint, "cost_matrix": cost_matrix, "beta": beta}
    scores = np.empty(y.shape[0])
    fold_results = []
    for train, test in check_cv(cv, y, classifier=True).split(X, y):
        fit_params = {} if sample_weight is None else {"sample_weight": weight[train]}
        model = clone(estimator).fit(_safe_indexing(X, train), y[train], **fit_params)
        scores[test] = _positive_score(model, _safe_indexing(X, test), response_method)
        fold_results.append(
            tune_threshold(
                positive[test], scores[test], objective, sample_weight=weight[test], **options
            )
        )
    pooled = tune_threshold(positive, scores, objective, sample_weight=weight, **options)
    return CVThresholdResult(
        threshold=pooled.threshold,
        metrics=pooled.metrics,
        curve=pooled.curve,
        objective=pooled.objective,
        fold_thresholds=np.array([r.threshold for r in fold_results]),
        fold_metrics=pd.DataFrame([r.metrics for r in fold_results]),
    )


def cost_sensitive_predict(y_prob: ArrayLike, cost_matrix: ArrayLike) -> np.ndarray:
    """Decisions of least expected cost: ``argminⱼ Σᵢ P(i) · cost_matrix[i][j]``.

    Parameters
    ----------
    y_prob : array-like of shape (n_samples, n_classes)
        Class probabilities (columns in the order of the cost matrix).
    cost_matrix : array-like of shape (n_classes, n_classes)
        ``cost_matrix[i][j]``: cost of predicting ``j`` when the truth is ``i``.

    Returns
    -------
    ndarray of shape (n_samples,)
        Column index of the decision for each sample.

    Examples
    --------
    >>> cost = [[0, 1, 1], [10, 0, 1], [1, 1, 0]]
    >>> cost_sensitive_predict([[0.5, 0.3, 0.2]], cost).tolist()
    [1]
    """
    prob = np.asarray(y_prob, dtype=np.float64)
    if prob.ndim != 2:
        raise ValueError(f"y_prob must be 2-d (n_samples, n_classes), got shape {prob.shape}")
    assert_all_finite(prob, input_name="y_prob")
    cost = _check_cost_matrix(cost_matrix, prob.shape[1])
    return (prob @ cost).argmin(axis=1)


def _estimator_has(attribute: str):
    return lambda self: hasattr(self.estimator, attribute)


class ThresholdClassifier(ClassifierMixin, BaseEstimator):
    """A classifier that decides with a tuned (or fixed) threshold, or by least expected cost.

    Binary targets: predict the positive (larger) class when the score is at
    least ``threshold_``, either the given ``threshold`` or one tuned with
    :func:`tune_threshold` (``cv="prefit"``, on the data passed to ``fit``) or
    :func:`tune_threshold_cv` (otherwise; the estimator is then refitted on
    all the data). Multiclass targets: the class of least expected cost under
    ``cost_matrix`` (the most probable class without one).

    Parameters
    ----------
    estimator : classifier
        The scoring model (already fitted when ``cv="prefit"``).
    threshold : float, optional
        A fixed threshold; no tuning.
    objective, constraint, cost_matrix, beta
        As in :func:`tune_threshold`; a multiclass ``cost_matrix`` is
        ``(n_classes, n_classes)`` in the order of ``classes_``.
    cv : int, cross-validation generator, iterable or "prefit", default=5
        How the threshold is tuned (see above).
    response_method : {"auto", "predict_proba", "decision_function"}, default="auto"
        The binary score to threshold.

    Attributes
    ----------
    estimator_ : classifier
        The fitted scoring model.
    classes_ : ndarray
        Class labels.
    threshold_ : float or None
        The threshold applied (None for multiclass decisions).
    tuning_ : ThresholdResult or None
        The tuning outcome (None with a fixed threshold or multiclass targets).

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from logistica import LogisticRegression
    >>> X, y = make_classification(n_samples=400, weights=[0.9], random_state=0)
    >>> clf = ThresholdClassifier(
    ...     LogisticRegression(), objective="precision", constraint={"recall": 0.9}, cv=3
    ... ).fit(X, y)
    >>> bool(clf.threshold_ < 0.5)
    True
    """

    def __init__(
        self,
        estimator,
        *,
        threshold: float | None = None,
        objective: str | None = None,
        constraint: dict[str, float] | None = None,
        cost_matrix=None,
        beta: float = 1.0,
        cv=5,
        response_method: str = "auto",
    ) -> None:
        self.estimator = estimator
        self.threshold = threshold
        self.objective = objective
        self.constraint = constraint
        self.cost_matrix = cost_matrix
        self.beta = beta
        self.cv = cv
        self.response_method = response_method

    def fit(self, X, y, sample_weight=None) -> ThresholdClassifier:
        """Fit the scoring model (unless prefit) and choose the decision rule.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data (tuning data with ``cv="prefit"``).
        y : array-like of shape (n_samples,)
            Class labels.
        sample_weight : array-like of shape (n_samples,), optional
            Weights for fitting and tuning.

        Returns
        -------
        self : ThresholdClassifier

        Examples
        --------
        >>> import numpy as np
        >>> from logistica import LogisticRegression
        >>> X = np.arange(6.0).reshape(-1, 1); y = np.array([0, 0, 1, 0, 1, 1])
        >>> model = LogisticRegression().fit(X, y)
        >>> ThresholdClassifier(model, threshold=0.8, cv="prefit").fit(X, y).threshold_
        0.8
        """
        if y is None:
            raise ValueError(
                "ThresholdClassifier requires y to be passed, but the target y is None; "
                "pass the class labels"
            )
        y = column_or_1d(y, warn=True)
        assert_all_finite(y, input_name="y")
        check_classification_targets(y)
        prefit = isinstance(self.cv, str) and self.cv == "prefit"
        if prefit:
            check_is_fitted(self.estimator)
            self.estimator_ = self.estimator
        else:
            fit_params = {} if sample_weight is None else {"sample_weight": sample_weight}
            self.estimator_ = clone(self.estimator).fit(X, y, **fit_params)
        self.classes_ = self.estimator_.classes_
        classes = np.unique(y)
        self.threshold_, self.tuning_ = None, None
        if classes.size > 2:
            if self.threshold is not None or self.constraint or self.objective:
                raise ValueError(
                    f"y has {classes.size} classes: thresholds, objectives and constraints are "
                    "binary; multiclass decisions use cost_matrix only"
                )
            if self.cost_matrix is not None:
                _check_cost_matrix(self.cost_matrix, classes.size)
        elif self.threshold is not None:
            self.threshold_ = float(self.threshold)
        elif prefit:
            self.tuning_ = tune_threshold(
                (y == classes[1]).astype(np.float64),
                _positive_score(self.estimator_, X, self.response_method),
                self.objective,
                constraint=self.constraint,
                cost_matrix=self.cost_matrix,
                beta=self.beta,
                sample_weight=sample_weight,
            )
        else:
            self.tuning_ = tune_threshold_cv(
                self.estimator,
                X,
                y,
                self.objective,
                constraint=self.constraint,
                cost_matrix=self.cost_matrix,
                beta=self.beta,
                cv=self.cv,
                response_method=self.response_method,
                sample_weight=sample_weight,
            )
        if self.tuning_ is not None:
            self.threshold_ = self.tuning_.threshold
        return self

    @property
    def n_features_in_(self) -> int:
        """Number of features seen by the fitted scoring model."""
        return self.estimator_.n_features_in_

    def predict(self, X) -> np.ndarray:
        """Class decisions: thresholded score (binary) or least expected cost (multiclass).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Samples.

        Examples
        --------
        >>> import numpy as np
        >>> from logistica import LogisticRegression
        >>> X = np.arange(6.0).reshape(-1, 1); y = np.array([0, 0, 1, 0, 1, 1])
        >>> model = LogisticRegression().fit(X, y)
        >>> model.predict(X)
        array([0, 0, 0, 1, 1, 1])
        >>> ThresholdClassifier(model, threshold=0.8, cv="prefit").fit(X, y).predict(X)
        array([0, 0, 0, 0, 0, 1])
        """
        check_is_fitted(self, "estimator_")
        if self.threshold_ is not None:
            score = _positive_score(self.estimator_, X, self.response_method)
            return self.classes_[(score >= self.threshold_).astype(np.intp)]
        prob = self.estimator_.predict_proba(X)
        if self.cost_matrix is None:
            return self.classes_[prob.argmax(axis=1)]
        return self.classes_[cost_sensitive_predict(prob, self.cost_matrix)]

    @available_if(_estimator_has("predict_proba"))
    def predict_proba(self, X) -> np.ndarray:
        """The scoring model's class probabilities (the threshold does not change them).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Samples.
        """
        check_is_fitted(self, "estimator_")
        return self.estimator_.predict_proba(X)

    @available_if(_estimator_has("decision_function"))
    def decision_function(self, X) -> np.ndarray:
        """The scoring model's decision function.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Samples.
        """
        check_is_fitted(self, "estimator_")
        return self.estimator_.decision_function(X)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = get_tags(self.estimator).input_tags.sparse
        return tags
