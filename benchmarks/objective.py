"""scikit-learn's objective, written here with NumPy (independent of logistica's code).

``f(w, b) = C·Σᵢ logloss(yᵢ, xᵢᵀw + b) + (1-ρ)/2·‖w‖² + ρ·‖w‖₁`` with ``ρ = l1_ratio`` and the
intercept ``b`` unpenalized; multinomial: softmax log-loss over K classes with ``‖W‖_F²``
and ``Σ|W|``. ``C = inf`` means no penalty: ``f = Σ logloss``. Evaluated in float64.
"""

from __future__ import annotations

import numpy as np
from scipy.special import logsumexp


def sklearn_objective(X, y, coef, intercept, C: float, l1_ratio: float = 0.0) -> float:
    """scikit-learn's (elastic-net) logistic objective at ``coef`` (K×d or 1×d), ``intercept``.

    ``y`` holds class codes 0..K-1; a binary problem has ``coef`` of shape (1, d) (or (d,)).
    """
    coef = np.atleast_2d(np.asarray(coef, dtype=np.float64))
    intercept = np.atleast_1d(np.asarray(intercept, dtype=np.float64))
    if X.dtype != np.float64:
        X = X.astype(np.float64)
    y = np.asarray(y)
    if coef.shape[0] == 1:
        z = np.asarray(X @ coef[0]).ravel() + intercept[0]
        loss = float(np.sum(np.logaddexp(0.0, z) - y * z))
    else:
        Z = np.asarray(X @ coef.T) + intercept
        loss = float(np.sum(logsumexp(Z, axis=1) - Z[np.arange(len(y)), y]))
    if not np.isfinite(C):
        return loss
    penalty = 0.5 * (1 - l1_ratio) * float(np.sum(coef**2)) + l1_ratio * float(np.sum(np.abs(coef)))
    return C * loss + penalty


def relative_gap(value: float, f_star: float) -> float:
    """``(f - f*) / |f*|``, floored at 0 (an f below f* is f* itself up to rounding)."""
    return max(value - f_star, 0.0) / abs(f_star)
