"""Independent NumPy references for the L1 / elastic-net tests (no logistica code).

scikit-learn's objective ``C·Σ sᵢ ℓᵢ + Σⱼ fⱼ((1 - r)/2·wⱼ² + r·|wⱼ|)`` and the
violation of its optimality (KKT) conditions, written from the formulas.
"""

from __future__ import annotations

import numpy as np
from scipy.special import expit, log_softmax, softmax


def _raw(X, coef, intercept):
    return np.asarray(X @ coef.T) + intercept  # (n, K') with K' = 1 (binary) or K


def objective(X, y, coef, intercept, C, l1_ratio, sample_weight=None, penalty_factor=None):
    """scikit-learn's elastic-net logistic objective; ``coef`` as ``coef_`` (K', d)."""
    n = X.shape[0]
    s = np.ones(n) if sample_weight is None else sample_weight
    f = np.ones(coef.shape[1]) if penalty_factor is None else penalty_factor
    raw = _raw(X, coef, intercept)
    if coef.shape[0] == 1:
        z = raw[:, 0]
        loss = np.logaddexp(0, z) - y * z
    else:
        loss = -log_softmax(raw, axis=1)[np.arange(n), y]
    pen = np.sum(f * ((1 - l1_ratio) / 2 * coef**2 + l1_ratio * np.abs(coef)))
    return C * float(s @ loss) + float(pen)


def kkt_violation(
    X, y, coef, intercept, C, l1_ratio, sample_weight=None, penalty_factor=None, fit_intercept=True
):
    """Largest violation of the optimality conditions, relative to the gradient at zero.

    Zero coefficients need ``|gⱼ| <= r·fⱼ``, nonzero ones ``gⱼ + r·fⱼ·sign(wⱼ) = 0``
    and the intercept ``g_b = 0``, with ``g`` the smooth part's gradient.
    """
    n = X.shape[0]
    s = np.ones(n) if sample_weight is None else sample_weight
    f = np.ones(coef.shape[1]) if penalty_factor is None else penalty_factor

    def gradients(coef, intercept):
        raw = _raw(X, coef, intercept)
        if coef.shape[0] == 1:
            residual = (expit(raw[:, 0]) - y)[:, None]
        else:
            residual = softmax(raw, axis=1)
            residual[np.arange(n), y] -= 1
        residual = residual * s[:, None]
        grad = C * np.asarray(X.T @ residual).T + (1 - l1_ratio) * f * coef
        return grad, C * residual.sum(axis=0)

    grad, grad_b = gradients(coef, intercept)
    l1 = l1_ratio * f * np.ones_like(coef)
    at_zero = np.maximum(np.abs(grad) - l1, 0.0)
    violation = np.where(coef != 0, np.abs(grad + l1 * np.sign(coef)), at_zero)
    scale_grad, scale_b = gradients(np.zeros_like(coef), np.zeros_like(intercept))
    scale = max(np.abs(np.maximum(np.abs(scale_grad) - l1, 0)).max(), np.abs(scale_b).max())
    return max(violation.max(), np.abs(grad_b).max() if fit_intercept else 0.0) / scale
