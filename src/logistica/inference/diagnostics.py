"""Collinearity diagnostics of a design: variance inflation factors and condition number.

Both come from one weighted Gram matrix ``G = Σᵢ s̃ᵢ aᵢaᵢᵀ`` (``aᵢ = [xᵢ, 1]``),
computed by the design's blocked kernel.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import linalg
from sklearn.utils import check_array

from ..objective.design import Design

__all__ = ["CONDITION_THRESHOLD", "VIF_THRESHOLD", "condition_number", "variance_inflation_factors"]

#: VIF above which a feature is flagged as collinear (a common rule of thumb).
VIF_THRESHOLD = 10.0
#: Scaled condition number above which the design is flagged (Belsley, Kuh & Welsch).
CONDITION_THRESHOLD = 30.0


def _gram(X, fit_intercept: bool, sample_weight) -> tuple[np.ndarray, list | None]:
    """Weighted Gram matrix of ``[X, 1]`` (weights normalised) and the column names."""
    names = None
    if not isinstance(X, Design):
        names = list(map(str, X.columns)) if isinstance(X, pd.DataFrame) else None
        X = Design(check_array(X, accept_sparse=["csr", "csc"], dtype=np.float64))
    weights = np.ones(X.n_samples) if sample_weight is None else np.asarray(sample_weight, float)
    (gram,) = X.gram([weights / weights.sum()], fit_intercept)
    return gram, names


def variance_inflation_factors(
    X, *, fit_intercept: bool = True, sample_weight=None
) -> np.ndarray | pd.Series:
    """Variance inflation factor of every feature: ``1 / (1 - R²ⱼ)``.

    ``R²ⱼ`` is from the (weighted) least-squares regression of feature ``j`` on
    all the others, plus an intercept when ``fit_intercept``; the same values as
    statsmodels' ``variance_inflation_factor`` on the design with its constant.
    Features in an exact linear dependence get ``inf``.

    Parameters
    ----------
    X : array-like, sparse matrix or Design of shape (n_samples, n_features)
        The features (without a constant column).
    fit_intercept : bool, default=True
        Whether the model has an intercept (centred ``R²``).
    sample_weight : array-like of shape (n_samples,), optional
        Frequency weights.

    Returns
    -------
    ndarray of shape (n_features,), or Series indexed by the columns of a DataFrame

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> a, b, noise = rng.normal(size=(3, 500))
    >>> vif = variance_inflation_factors(np.column_stack([a, b, a + 0.1 * noise]))
    >>> bool(vif[0] > 10 and vif[1] < 10 and vif[2] > 10)
    True
    """
    gram, names = _gram(X, fit_intercept, sample_weight)
    n_features = gram.shape[0] - fit_intercept
    eigval, eigvec = linalg.eigh(gram)
    null = eigval <= 1e-12 * max(eigval[-1], 0.0)
    inverse_diagonal = (eigvec[:, ~null] ** 2 / eigval[~null]).sum(axis=1)[:n_features]
    dependent = (eigvec[:n_features, null] ** 2).sum(axis=1) > 1e-8
    total = np.diag(gram)[:n_features]
    if fit_intercept:
        total = total - gram[-1, :n_features] ** 2
    vif = np.where(dependent, np.inf, total * inverse_diagonal)
    return vif if names is None else pd.Series(vif, index=names, name="VIF")


def condition_number(
    X, *, fit_intercept: bool = True, sample_weight=None, scaled: bool = True
) -> float:
    """Condition number of the design ``[X, 1]``: ``√(λmax/λmin)`` of its Gram matrix.

    Parameters
    ----------
    X : array-like, sparse matrix or Design of shape (n_samples, n_features)
        The features (without a constant column).
    fit_intercept : bool, default=True
        Whether the column of ones belongs to the design.
    sample_weight : array-like of shape (n_samples,), optional
        Frequency weights.
    scaled : bool, default=True
        Scale the columns to unit length first (Belsley's condition number,
        insensitive to units; above ~30 signals harmful collinearity). With
        ``False``: the raw number that statsmodels' OLS summary reports.

    Returns
    -------
    float
        ``inf`` for a rank-deficient design.

    Examples
    --------
    >>> import numpy as np
    >>> round(condition_number(np.array([[1.0], [-1.0]])), 6)
    1.0
    """
    gram, _ = _gram(X, fit_intercept, sample_weight)
    if scaled:
        norms = np.sqrt(np.diag(gram))
        norms[norms == 0] = 1.0
        gram = gram / np.outer(norms, norms)
    eigval = linalg.eigvalsh(gram)
    return float(np.sqrt(eigval[-1] / eigval[0])) if eigval[0] > 0 else np.inf
