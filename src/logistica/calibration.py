"""Probability calibration: Platt (sigmoid), isotonic and temperature scaling.

:class:`CalibratedModel` maps a classifier's scores to calibrated
probabilities, learning the map either on a held-out set (``cv="prefit"``, the
model already fitted) or by cross-fitting (``cv=k``: out-of-fold scores of
models fitted on the other folds train the map, and the model is refitted on
all the data). The scores are the model's logits: ``decision_function`` when
it has one, else the log of ``predict_proba``.

- ``"sigmoid"`` (Platt): ``σ(a·z + b)`` fitted by maximum likelihood on Platt's
  smoothed targets, one map per class (one-vs-rest) for multiclass models,
  renormalised; the same as scikit-learn's
  :class:`~sklearn.calibration.CalibratedClassifierCV`.
- ``"isotonic"``: a non-decreasing step function of the score
  (:class:`~sklearn.isotonic.IsotonicRegression`), one-vs-rest like the sigmoid.
- ``"temperature"``: ``softmax(z / T)`` (``σ(z / T)`` for binary models) with a
  single ``T > 0`` minimising the negative log-likelihood; it never changes
  the predicted class.

scikit-learn's :class:`~sklearn.calibration.CalibratedClassifierCV` accepts
:class:`~logistica.LogisticRegression` too; ``CalibratedModel`` with the same
folds gives the same probabilities as it does with ``ensemble=False``.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import minimize_scalar
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.isotonic import IsotonicRegression
from sklearn.model_selection import check_cv, cross_val_predict
from sklearn.utils import get_tags
from sklearn.utils.validation import check_is_fitted

from ._validation import check_fit_weights, check_sample_weight, check_targets
from .estimators import LogisticRegression
from .objective import BinomialLoss, MultinomialLoss

__all__ = ["CalibratedModel"]

_METHODS = ("sigmoid", "isotonic", "temperature")


# -- scores ----------------------------------------------------------------------------
def _response_method(model) -> str:
    return "decision_function" if hasattr(model, "decision_function") else "predict_proba"


def _as_logits(output: np.ndarray, method: str) -> np.ndarray:
    """Logits from a response: (n,) for binary models, (n, K) otherwise."""
    output = np.asarray(output, dtype=np.float64)
    if method == "decision_function":
        return output[:, 0] if output.ndim == 2 and output.shape[1] == 1 else output
    log_proba = np.log(np.clip(output, np.finfo(np.float64).tiny, None))
    if log_proba.shape[1] == 2:
        return log_proba[:, 1] - log_proba[:, 0]
    return log_proba


def _logits(model, X) -> np.ndarray:
    method = _response_method(model)
    return _as_logits(getattr(model, method)(X), method)


# -- calibration maps ------------------------------------------------------------------
class _PlattMap:
    """``σ(a·z + b)`` fitted to Platt's smoothed 0/1 targets (fit/predict like a regressor).

    A smoothed target ``t`` is a weighted pair of samples, one positive (weight
    ``t``) and one negative (``1 - t``), so the fit is an unpenalized logistic
    regression on the score.
    """

    def fit(self, score: np.ndarray, target: np.ndarray, sample_weight: np.ndarray):
        positives = float(sample_weight @ target)
        negatives = float(sample_weight.sum()) - positives
        smoothed = np.where(
            target > 0, (positives + 1.0) / (positives + 2.0), 1.0 / (negatives + 2.0)
        )
        n = score.shape[0]
        self.model_ = LogisticRegression(C=np.inf, tol=1e-10).fit(
            np.concatenate([score, score])[:, None],
            np.repeat([1, 0], n),
            sample_weight=np.concatenate(
                [sample_weight * smoothed, sample_weight * (1 - smoothed)]
            ),
        )
        return self

    def predict(self, score: np.ndarray) -> np.ndarray:
        return self.model_.predict_proba(score[:, None])[:, 1]


def _isotonic_map() -> IsotonicRegression:
    return IsotonicRegression(out_of_bounds="clip")


def _columns(logits: np.ndarray) -> list[np.ndarray]:
    """Score columns mapped one by one: the positive class's only for binary models."""
    return [logits] if logits.ndim == 1 else list(logits.T)


class _OneVsRest:
    """One binary map per class on that class's score column, renormalised."""

    def __init__(self, method: str) -> None:
        self.method = method

    def fit(self, logits: np.ndarray, codes: np.ndarray, sample_weight: np.ndarray):
        classes = [1] if logits.ndim == 1 else range(logits.shape[1])
        targets = [(codes == k).astype(np.float64) for k in classes]
        make_map = _PlattMap if self.method == "sigmoid" else _isotonic_map
        self.maps_ = [
            make_map().fit(column, target, sample_weight)
            for column, target in zip(_columns(logits), targets, strict=True)
        ]
        return self

    def predict_proba(self, logits: np.ndarray) -> np.ndarray:
        columns = _columns(logits)
        proba = np.column_stack(
            [np.clip(m.predict(c), 0.0, 1.0) for m, c in zip(self.maps_, columns, strict=True)]
        )
        if logits.ndim == 1:
            return np.column_stack([1.0 - proba[:, 0], proba[:, 0]])
        total = proba.sum(axis=1, keepdims=True)
        uniform = np.full_like(proba, 1.0 / proba.shape[1])
        return np.divide(proba, total, out=uniform, where=total > 0)


class _Temperature:
    """``softmax(z / T)`` with the temperature minimising the negative log-likelihood."""

    def fit(self, logits: np.ndarray, codes: np.ndarray, sample_weight: np.ndarray):
        self.loss_ = BinomialLoss() if logits.ndim == 1 else MultinomialLoss(logits.shape[1])
        y = codes.astype(np.float64) if logits.ndim == 1 else codes
        weight = sample_weight / sample_weight.sum()
        # The NLL is convex in the inverse temperature β; search log β.
        result = minimize_scalar(
            lambda log_beta: self.loss_.value(np.exp(log_beta) * logits, y, weight),
            bounds=(-10.0, 10.0),
            method="bounded",
            options={"xatol": 1e-10},
        )
        self.temperature_ = float(np.exp(-result.x))
        return self

    def predict_proba(self, logits: np.ndarray) -> np.ndarray:
        return self.loss_.predict_proba(logits / self.temperature_)


# -- estimator -------------------------------------------------------------------------
class CalibratedModel(ClassifierMixin, BaseEstimator):
    """A classifier whose probabilities are recalibrated by Platt, isotonic or temperature scaling.

    Parameters
    ----------
    model : classifier
        A scikit-learn classifier with ``decision_function`` or ``predict_proba``
        (already fitted when ``cv="prefit"``).
    method : {"sigmoid", "isotonic", "temperature"}, default="sigmoid"
        Calibration map (see the module documentation). Isotonic is the most
        flexible and so needs the most data: it overfits small calibration sets.
    cv : int, cross-validation generator, iterable or "prefit", default=5
        ``"prefit"``: ``model`` is fitted and ``fit(X, y)`` learns the map on
        this held-out data only (wrap the model in
        :class:`sklearn.frozen.FrozenEstimator` to keep it fitted through
        :func:`~sklearn.base.clone`). Otherwise cross-fitting: the map learns
        from out-of-fold scores and ``model`` is refitted on all of ``X``;
        integers give stratified k-fold splits.

    Attributes
    ----------
    model_ : classifier
        The fitted model whose scores are calibrated (``model`` itself with
        ``cv="prefit"``).
    classes_ : ndarray of shape (n_classes,)
        Class labels.
    calibrator_ : object
        The fitted calibration map; a temperature map has ``temperature_``.

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from logistica import LogisticRegression
    >>> X, y = make_classification(n_samples=300, random_state=0)
    >>> model = CalibratedModel(LogisticRegression(), method="temperature", cv=3).fit(X, y)
    >>> model.predict_proba(X[:2]).shape
    (2, 2)
    """

    def __init__(self, model, method: str = "sigmoid", cv=5) -> None:
        self.model = model
        self.method = method
        self.cv = cv

    def fit(self, X, y, sample_weight=None) -> CalibratedModel:
        """Fit the calibration map (and, unless ``cv="prefit"``, the model).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Calibration data (``cv="prefit"``) or training data (cross-fitting).
        y : array-like of shape (n_samples,)
            Class labels.
        sample_weight : array-like of shape (n_samples,), optional
            Weights for the map and, when cross-fitting, the model's ``fit``.

        Returns
        -------
        self : CalibratedModel

        Examples
        --------
        >>> from sklearn.datasets import make_classification
        >>> from logistica import LogisticRegression
        >>> X, y = make_classification(n_samples=200, random_state=0)
        >>> model = LogisticRegression().fit(X[:100], y[:100])
        >>> calibrated = CalibratedModel(model, method="sigmoid", cv="prefit").fit(X[100:], y[100:])
        >>> calibrated.model_ is model
        True
        """
        if self.method not in _METHODS:
            raise ValueError(f"method must be one of {_METHODS}, got {self.method!r}")
        y = check_targets(y)
        weight = check_sample_weight(sample_weight, y.shape[0])
        check_fit_weights(weight, None, *np.unique(y, return_inverse=True))
        fit_params = {} if sample_weight is None else {"sample_weight": weight}
        if isinstance(self.cv, str) and self.cv == "prefit":
            check_is_fitted(self.model)
            self.model_ = self.model
            logits = _logits(self.model_, X)
        else:
            method = _response_method(self.model)
            folds = check_cv(self.cv, y, classifier=True)
            out_of_fold = cross_val_predict(
                clone(self.model), X, y, cv=folds, method=method, params=fit_params
            )
            logits = _as_logits(out_of_fold, method)
            self.model_ = clone(self.model).fit(X, y, **fit_params)
        self.classes_ = self.model_.classes_
        codes = np.searchsorted(self.classes_, y)
        unknown = ~np.isin(y, self.classes_)
        if np.any(unknown):
            raise ValueError(
                f"y holds labels the model was not fitted on: {np.unique(y[unknown])[:5].tolist()}"
            )
        calibrator = _Temperature() if self.method == "temperature" else _OneVsRest(self.method)
        self.calibrator_ = calibrator.fit(logits, codes, weight)
        return self

    @property
    def n_features_in_(self) -> int:
        """Number of features seen by the fitted model."""
        return self.model_.n_features_in_

    def predict_proba(self, X) -> np.ndarray:
        """Calibrated class probabilities, shape (n_samples, n_classes).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Samples.

        Examples
        --------
        >>> from sklearn.datasets import make_classification
        >>> from logistica import LogisticRegression
        >>> X, y = make_classification(n_samples=200, random_state=0)
        >>> model = LogisticRegression().fit(X[:100], y[:100])
        >>> calibrated = CalibratedModel(model, method="sigmoid", cv="prefit").fit(X[100:], y[100:])
        >>> calibrated.predict_proba(X[:2]).round(3)
        array([[0.888, 0.112],
               [0.734, 0.266]])
        """
        check_is_fitted(self, "calibrator_")
        return self.calibrator_.predict_proba(_logits(self.model_, X))

    def predict(self, X) -> np.ndarray:
        """Most probable class under the calibrated probabilities.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Samples.

        Examples
        --------
        >>> from sklearn.datasets import make_classification
        >>> from logistica import LogisticRegression
        >>> X, y = make_classification(n_samples=200, random_state=0)
        >>> model = LogisticRegression().fit(X[:100], y[:100])
        >>> calibrated = CalibratedModel(model, method="sigmoid", cv="prefit").fit(X[100:], y[100:])
        >>> calibrated.predict(X[:5])
        array([0, 0, 1, 0, 0])
        """
        index = self.predict_proba(X).argmax(axis=1)
        return self.classes_[index]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = get_tags(self.model).input_tags.sparse
        return tags
