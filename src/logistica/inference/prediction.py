"""Predictions with confidence intervals from the covariance of the estimates.

For a row ``a = [1, x]`` the linear predictor of equation ``k`` is ``ηₖ = aᵀθₖ``
with variance ``aᵀΣₖₖa``, whatever ``cov_type`` gave ``Σ``. On the
probability scale the standard error of ``p_c`` is the delta method's,

    Var(p_c) = Σₖₗ Gₖ Gₗ · aᵀΣₖₗa,   Gₖ = ∂p_c/∂ηₖ = p_c(δ_ck - p_k),

and the interval is the one of ``logit(p_c)`` (standard error
``SE(p_c)/(p_c(1 - p_c))``) mapped back through the logistic function, so it
stays inside (0, 1). For a binary model ``logit(p) = η``: the interval is the
linear predictor's, transformed — statsmodels' ``get_prediction`` for a
``Logit``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy import stats
from scipy.special import expit, logsumexp

from ._model import FittedLikelihood
from .margins import probabilities

__all__ = ["WHICH", "predict_with_ci"]

#: The scales :func:`predict_with_ci` predicts on.
WHICH = ("prob", "linear")


def _rows(fit: FittedLikelihood, X) -> tuple[np.ndarray, pd.Index]:
    """Dense float rows in the fit's feature order, and their index."""
    names = list(fit.feature_names)
    if isinstance(X, pd.DataFrame):
        index = X.index
        missing = [name for name in names if name not in X.columns]
        if missing and X.shape[1] == len(names):
            values = X.to_numpy(dtype=np.float64)
        elif missing:
            raise ValueError(f"X lacks the features {missing}")
        else:
            values = X[names].to_numpy(dtype=np.float64)
    else:
        values = X.toarray() if sp.issparse(X) else np.asarray(X, dtype=np.float64)
        values = np.atleast_2d(values)
        index = pd.RangeIndex(values.shape[0])
    if values.ndim != 2 or values.shape[1] != len(names):
        raise ValueError(
            f"X has shape {values.shape}, expected (n_rows, {len(names)}): the features {names}"
        )
    if not np.all(np.isfinite(values)):
        raise ValueError("X contains NaN or inf")
    return values, index


def _quadratic_forms(fit: FittedLikelihood, A: np.ndarray, cov: np.ndarray) -> np.ndarray:
    """``Q[i, k, l] = aᵢᵀ Σₖₗ aᵢ`` for every row and pair of equations."""
    n_eq, width = fit.n_equations, A.shape[1]
    blocks = cov.reshape(n_eq, width, n_eq, width)
    return np.einsum("ir,krls,is->ikl", A, blocks, A, optimize=True)


def _class_log_odds(eta: np.ndarray) -> np.ndarray:
    """``log(p_c / (1 - p_c))`` of every class from the equations' linear predictors."""
    full = np.column_stack([np.zeros(eta.shape[0]), eta])
    out = np.empty_like(full)
    for c in range(full.shape[1]):
        out[:, c] = full[:, c] - logsumexp(np.delete(full, c, axis=1), axis=1)
    return out


def predict_with_ci(
    fit: FittedLikelihood,
    cov: np.ndarray,
    X,
    ci: float = 0.95,
    which: str = "prob",
    offset=None,
) -> pd.DataFrame:
    """Predicted probabilities (or linear predictors) with standard errors and intervals.

    Parameters
    ----------
    fit : FittedLikelihood
        The model.
    cov : ndarray of shape (n_params, n_params)
        Covariance of the parameters.
    X : array-like, DataFrame or sparse matrix of shape (n_rows, n_features)
        Rows to predict; a DataFrame's columns are matched by name.
    ci : float, default=0.95
        Confidence level.
    which : {"prob", "linear"}, default="prob"
        Probabilities, or linear predictors (log-odds against the first class).
    offset : array-like of shape (n_rows,) or (n_rows, n_classes), optional
        Offset of the rows (none by default, whatever the fit used).

    Returns
    -------
    DataFrame
        Columns ``predicted``, ``std_err``, ``ci_lower``, ``ci_upper``. Binary:
        one row per row of ``X`` (probability of the second class). Multinomial:
        one row per ``(row, class)`` — every class for probabilities, every
        class but the first for linear predictors.

    Raises
    ------
    ValueError
        For an unknown ``which``, ``ci`` outside (0, 1), or rows that do not
        match the features.
    """
    if which not in WHICH:
        raise ValueError(f"which must be one of {list(WHICH)}, got {which!r}")
    if not 0 < ci < 1:
        raise ValueError(f"ci is a confidence level in (0, 1), got {ci!r}")
    X, index = _rows(fit, X)
    m = X.shape[0]
    if offset is not None:
        offset = np.asarray(offset, dtype=np.float64)
        expected = (m, len(fit.classes)) if fit.is_multinomial else (m,)
        if offset.shape != expected:
            raise ValueError(f"offset has shape {offset.shape}, expected {expected}")
    A = np.column_stack([np.ones(m), X]) if fit.problem.fit_intercept else X
    Q = _quadratic_forms(fit, A, cov)
    z = stats.norm.ppf(0.5 + ci / 2)
    eta = A @ fit.params.reshape(fit.n_equations, -1).T
    if offset is not None:  # against the reference class
        eta = eta + (offset[:, 1:] - offset[:, :1] if offset.ndim == 2 else offset[:, None])
    if which == "linear":
        se = np.sqrt(np.diagonal(Q, axis1=1, axis2=2))
        predicted, low, high = eta, eta - z * se, eta + z * se
        classes = list(fit.classes[1:])
    else:
        p = probabilities(fit, fit.params, X, offset)
        # G[i, c, k] = ∂p_c/∂η_k for the equations k (classes 1..K-1)
        G = p[:, :, None] * (np.eye(p.shape[1])[None, :, 1:] - p[:, None, 1:])
        if fit.is_multinomial:
            logit = _class_log_odds(eta)
        else:  # the second class only; its log-odds are η, exactly
            G, p, logit = G[:, 1:], p[:, 1:], eta
        se = np.sqrt(np.clip(np.einsum("ick,ikl,icl->ic", G, Q, G), 0.0, None))
        with np.errstate(divide="ignore"):  # p rounded to 0 or 1: the whole (0, 1)
            half = z * se / (p * (1 - p))
        predicted, low, high = p, expit(logit - half), expit(logit + half)
        classes = list(fit.classes if fit.is_multinomial else fit.classes[1:])
    columns = {"predicted": predicted, "std_err": se, "ci_lower": low, "ci_upper": high}
    if not fit.is_multinomial:
        return pd.DataFrame({key: value[:, 0] for key, value in columns.items()}, index=index)
    rows = pd.MultiIndex.from_product([index, classes], names=[index.name or "row", "class"])
    return pd.DataFrame({key: value.ravel() for key, value in columns.items()}, index=rows)
