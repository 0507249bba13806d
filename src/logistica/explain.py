"""Feature contributions to the log-odds: exact explanations of a linear model.

For a fitted logistic regression the linear predictor of a row ``x`` splits
exactly into one term per feature around a baseline row ``b``:

``decision_function(x) = decision_function(b) + Σⱼ coefⱼ·(xⱼ − bⱼ)``

so ``coefⱼ·(xⱼ − bⱼ)`` *is* feature ``j``'s contribution to the log-odds (no
sampling, no approximation; for a linear model it equals the SHAP value with
an independent-feature baseline). The default baseline is the weighted
training mean ``model.feature_mean_``. Binary models have one row of
coefficients (the log-odds of the positive class); multinomial and
one-vs-rest models one per class. ``coef_`` is on the original scale of the
data, so explanations of ``standardize=True`` fits are in the data's units.
The offset, if the model was fitted with one, is not a feature and is left out.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp
from numpy.typing import ArrayLike
from sklearn.utils.validation import check_is_fitted

from ._validation import validate_X

__all__ = [
    "baseline_log_odds",
    "contributions",
    "global_importance",
    "resolve_feature_names",
    "top_contributions",
]


def _fitted_mean(model) -> np.ndarray:
    """``feature_mean_`` of the model, or of the refitted ``estimator_`` of a CV model."""
    for owner in (model, getattr(model, "estimator_", None)):
        mean = getattr(owner, "feature_mean_", None)
        if mean is not None:
            return np.asarray(mean, dtype=np.float64)
    raise ValueError(
        f"{type(model).__name__} has no feature_mean_ (fit it with this version of "
        "logistica); pass baseline= explicitly"
    )


def _baseline(model, baseline, n_features: int) -> np.ndarray:
    values = _fitted_mean(model) if baseline is None else np.asarray(baseline, dtype=np.float64)
    if values.shape != (n_features,):
        raise ValueError(
            f"baseline must have shape ({n_features},) (one value per feature), got {values.shape}"
        )
    if not np.all(np.isfinite(values)):
        raise ValueError("baseline contains NaN or infinite values")
    return values


def resolve_feature_names(model, feature_names: ArrayLike | None = None) -> list[str]:
    """Names of the model's features: given, ``feature_names_in_``, or ``x0, x1, ...``.

    Parameters
    ----------
    model : fitted estimator
        Anything with ``n_features_in_`` (and optionally ``feature_names_in_``).
    feature_names : array-like of str, optional
        Names to use instead; must have one per feature.

    Returns
    -------
    list of str

    Examples
    --------
    >>> import numpy as np
    >>> from logistica import LogisticRegression
    >>> resolve_feature_names(LogisticRegression().fit(np.eye(4)[:, :2], [0, 1, 0, 1]))
    ['x0', 'x1']
    """
    check_is_fitted(model)
    n_features = model.n_features_in_
    if feature_names is None:
        names = getattr(model, "feature_names_in_", None)
        if names is None:
            return [f"x{j}" for j in range(n_features)]
    else:
        names = feature_names
    names = [str(name) for name in names]
    if len(names) != n_features:
        raise ValueError(
            f"feature_names has {len(names)} names for a model with {n_features} features"
        )
    return names


def contributions(model, X, baseline: ArrayLike | None = None) -> np.ndarray:
    """Each feature's contribution to the log-odds of each row, ``coef·(x − baseline)``.

    Exact for a linear model: summed over the features it gives the decision
    function minus the baseline row's,
    ``contributions(m, X, b).sum(-1) == m.decision_function(X) - m.decision_function([b])``.

    Parameters
    ----------
    model : fitted LogisticRegression or LogisticRegressionCV
        Any fitted linear classifier with ``coef_`` of shape (1 or K, n_features).
    X : array-like, DataFrame or sparse matrix of shape (n_samples, n_features)
        Rows to explain.
    baseline : array-like of shape (n_features,), optional
        Reference row; the weighted training mean ``model.feature_mean_`` by default.

    Returns
    -------
    ndarray of shape (n_samples, n_features) or (n_samples, n_classes, n_features)
        Binary models: the contributions to the positive class's log-odds.
        Multiclass models: one row of contributions per class (to that class's
        linear predictor; for a multinomial model only differences between
        classes are identified).

    Examples
    --------
    >>> import numpy as np
    >>> from logistica import LogisticRegression
    >>> X = np.array([[0.0, 1.0], [1.0, 0.0], [2.0, 2.0], [3.0, 1.0]]); y = [0, 0, 1, 1]
    >>> model = LogisticRegression().fit(X, y)
    >>> c = contributions(model, X)
    >>> c.shape
    (4, 2)
    >>> base = model.decision_function(model.feature_mean_[None, :])
    >>> bool(np.allclose(c.sum(axis=1) + base, model.decision_function(X)))
    True
    """
    check_is_fitted(model)
    X = validate_X(model, X)
    coef = np.atleast_2d(np.asarray(model.coef_, dtype=np.float64))
    base = _baseline(model, baseline, coef.shape[1])
    centred = (X.toarray() if sp.issparse(X) else np.asarray(X, dtype=np.float64)) - base
    if coef.shape[0] == 1:
        return centred * coef[0]
    return centred[:, None, :] * coef[None, :, :]


def baseline_log_odds(model, baseline: ArrayLike | None = None) -> float | np.ndarray:
    """The decision function at the baseline row, where every contribution is zero.

    The start of a waterfall: ``baseline_log_odds(m, b) + contributions(m, X, b).sum(-1)``
    is ``m.decision_function(X)`` (without offset).

    Parameters
    ----------
    model : fitted LogisticRegression or LogisticRegressionCV
        The model to explain.
    baseline : array-like of shape (n_features,), optional
        Reference row; ``model.feature_mean_`` by default.

    Returns
    -------
    float or ndarray of shape (n_classes,)
        The log-odds of the positive class (binary), or each class's linear predictor.

    Examples
    --------
    >>> import numpy as np
    >>> from logistica import LogisticRegression
    >>> X = np.array([[0.0, 1.0], [1.0, 0.0], [2.0, 2.0], [3.0, 1.0]]); y = [0, 0, 1, 1]
    >>> model = LogisticRegression().fit(X, y)
    >>> bool(np.isclose(baseline_log_odds(model, [1.5, 1.0]), model.intercept_[0]
    ...      + model.coef_[0] @ [1.5, 1.0]))
    True
    """
    check_is_fitted(model)
    coef = np.atleast_2d(np.asarray(model.coef_, dtype=np.float64))
    base = _baseline(model, baseline, coef.shape[1])
    scores = coef @ base + np.asarray(model.intercept_, dtype=np.float64)
    return float(scores[0]) if scores.shape[0] == 1 else scores


def _explained_class(model, X, values: np.ndarray) -> np.ndarray:
    """Per row, the contributions to the explained class (positive, or predicted)."""
    if values.ndim == 2:
        return values
    predicted = np.asarray(model.decision_function(X)).argmax(axis=1)
    return values[np.arange(values.shape[0]), predicted]


def top_contributions(
    model,
    X,
    k: int = 5,
    baseline: ArrayLike | None = None,
    feature_names: ArrayLike | None = None,
) -> list[list[tuple[str, float]]]:
    """The ``k`` largest contributions (in absolute value) of each row, largest first.

    Parameters
    ----------
    model : fitted LogisticRegression or LogisticRegressionCV
        The model to explain.
    X : array-like, DataFrame or sparse matrix of shape (n_samples, n_features)
        Rows to explain.
    k : int, default=5
        Number of features per row (all of them when ``k`` exceeds their number).
    baseline : array-like of shape (n_features,), optional
        Reference row; ``model.feature_mean_`` by default.
    feature_names : array-like of str, optional
        Names; ``model.feature_names_in_`` or ``x0, x1, ...`` by default.

    Returns
    -------
    list of list of (str, float)
        Per row, ``(feature, contribution)`` pairs: contributions to the
        positive class's log-odds for a binary model, to the predicted class's
        linear predictor for a multiclass one.

    Examples
    --------
    >>> import numpy as np
    >>> from logistica import LogisticRegression
    >>> X = np.array([[0.0, 1.0], [1.0, 0.0], [2.0, 2.0], [3.0, 1.0]]); y = [0, 0, 1, 1]
    >>> model = LogisticRegression().fit(X, y)
    >>> [name for name, _ in top_contributions(model, X[:1], k=2)[0]]
    ['x0', 'x1']
    """
    if not (isinstance(k, int | np.integer) and k >= 1):
        raise ValueError(f"k must be a positive integer, got {k!r}")
    names = resolve_feature_names(model, feature_names)
    values = _explained_class(model, X, contributions(model, X, baseline))
    order = np.argsort(-np.abs(values), axis=1, kind="stable")[:, :k]
    return [
        [(names[j], float(row[j])) for j in row_order]
        for row, row_order in zip(values, order, strict=True)
    ]


def global_importance(model, X, baseline: ArrayLike | None = None) -> pd.Series:
    """Mean absolute contribution of each feature over the rows of ``X``, largest first.

    Multiclass models add up the mean absolute contributions to every class.

    Parameters
    ----------
    model : fitted LogisticRegression or LogisticRegressionCV
        The model to explain.
    X : array-like, DataFrame or sparse matrix of shape (n_samples, n_features)
        Rows to average over (e.g. the test set).
    baseline : array-like of shape (n_features,), optional
        Reference row; ``model.feature_mean_`` by default.

    Returns
    -------
    pandas.Series
        Indexed by feature name, named ``"importance"``, sorted descending.

    Examples
    --------
    >>> import numpy as np
    >>> from logistica import LogisticRegression
    >>> X = np.array([[0.0, 1.0], [1.0, 0.0], [2.0, 2.0], [3.0, 1.0]]); y = [0, 0, 1, 1]
    >>> global_importance(LogisticRegression().fit(X, y), X).index.tolist()
    ['x0', 'x1']
    """
    values = np.abs(contributions(model, X, baseline)).mean(axis=0)
    if values.ndim == 2:
        values = values.sum(axis=0)
    series = pd.Series(values, index=resolve_feature_names(model), name="importance")
    return series.sort_values(ascending=False, kind="stable")
