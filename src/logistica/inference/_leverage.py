"""Leverage: the diagonal blocks of the hat matrix of a binary or multinomial logit fit.

With ``m`` linear predictors per observation (1 for a binary model, ``K - 1``
for a multinomial one), observation ``i`` has the (m × P) design block
``Aᵢ = I_m ⊗ aᵢᵀ`` (``aᵢ = [1, xᵢ]`` in parameter order), the (m × m)
response covariance ``Vᵢ = diag(pᵢ) - pᵢpᵢᵀ`` of its non-reference classes
(``pᵢ(1 - pᵢ)`` when binary) and the hat block

    ``Hᵢ = Vᵢ^½ Aᵢ I⁻¹ Aᵢᵀ Vᵢ^½``,

the diagonal block of the symmetric hat matrix ``W^½ A I⁻¹ Aᵀ W^½`` of the
iteratively reweighted least-squares fit. Its trace is observation ``i``'s
leverage (the binary hat value ``pᵢ(1-pᵢ)·aᵢᵀI⁻¹aᵢ``); the leverages add up to
the number of parameters. Frequency weights count as repeated rows: each copy
has the leverage of one row, so ``Σᵢ wᵢ tr Hᵢ = P``.

The residual corrections of HC2 and HC3 generalise ``rᵢ/√(1-hᵢ)`` and
``rᵢ/(1-hᵢ)`` to blocks: ``Vᵢ^½ (I - Hᵢ)^(-γ) Vᵢ^-½ rᵢ`` with ``γ = ½``
(Kauermann & Carroll 2001) or ``γ = 1`` (Mancl & DeRouen 2001, whose
``(I - Vᵢ Aᵢ I⁻¹ Aᵢᵀ)⁻¹ rᵢ`` this equals), with every observation its own cluster.
"""

from __future__ import annotations

import numpy as np
from scipy import linalg
from scipy.special import expit, softmax

from ._model import FittedLikelihood

__all__ = [
    "adjusted_residuals",
    "design_product",
    "hat_values",
    "quadratic_blocks",
    "response_variance",
]


def design_product(fit: FittedLikelihood, matrix: np.ndarray) -> np.ndarray:
    """``[1, X] @ M`` for ``M`` with one row per parameter of one equation (parameter order)."""
    problem = fit.problem
    d = problem.n_features
    rows = np.empty((d + problem.fit_intercept, matrix.shape[1]))
    rows[fit.row_order] = matrix
    product = problem.design.matvec(rows[:d])
    if problem.fit_intercept:
        product += rows[d]
    return product


def quadratic_blocks(fit: FittedLikelihood, cov: np.ndarray) -> np.ndarray:
    """``Qᵢ = Aᵢ C Aᵢᵀ`` for every observation: (n, m, m) blocks of ``aᵢᵀ Cₖₗ aᵢ``.

    ``C`` (in parameter order) is factored as ``UᵀU`` by its eigenvalues, so a
    pseudo-inverse covariance works too; the design is multiplied once per
    equation by a (d × P) matrix, which holds (n × P) temporaries.
    """
    eigval, eigvec = linalg.eigh(cov)
    kept = eigval > 0
    factor = np.sqrt(eigval[kept])[:, None] * eigvec[:, kept].T  # (r, P): C = UᵀU
    width = fit.row_order.size
    z = np.stack(
        [
            design_product(fit, factor[:, k * width : (k + 1) * width].T)
            for k in range(fit.n_equations)
        ],
        axis=1,
    )  # (n, m, r)
    return np.einsum("ikr,ilr->ikl", z, z)


def response_variance(fit: FittedLikelihood, raw: np.ndarray) -> np.ndarray:
    """(n, m, m) covariance of the non-reference class indicators, ``diag(p) - ppᵀ``."""
    if not fit.is_multinomial:
        p = expit(raw)
        return (p * (1.0 - p))[:, None, None]
    p = softmax(raw, axis=1)[:, 1:]
    return np.einsum("ik,kl->ikl", p, np.eye(p.shape[1])) - p[:, :, None] * p[:, None, :]


def _hat_blocks(fit: FittedLikelihood, raw: np.ndarray, cov: np.ndarray):
    """``Vᵢ^½``, ``Qᵢ`` and the symmetric hat blocks ``Hᵢ = Vᵢ^½ Qᵢ Vᵢ^½``."""
    variance = response_variance(fit, raw)
    value, vector = np.linalg.eigh(variance)
    root = np.einsum("ikj,ij,ilj->ikl", vector, np.sqrt(np.clip(value, 0.0, None)), vector)
    quad = quadratic_blocks(fit, cov)
    return root, quad, root @ quad @ root


def hat_values(fit: FittedLikelihood, raw: np.ndarray, cov: np.ndarray) -> np.ndarray:
    """Leverage ``tr Hᵢ`` of every observation (the binary hat values ``hᵢ``).

    Parameters
    ----------
    fit : FittedLikelihood
        The model.
    raw : ndarray
        Its linear predictor.
    cov : ndarray of shape (n_params, n_params)
        The inverse Fisher information (model-based covariance).

    Returns
    -------
    ndarray of shape (n_samples,)
    """
    if not fit.is_multinomial:
        return response_variance(fit, raw)[:, 0, 0] * quadratic_blocks(fit, cov)[:, 0, 0]
    return np.trace(_hat_blocks(fit, raw, cov)[2], axis1=1, axis2=2)


def adjusted_residuals(
    fit: FittedLikelihood, raw: np.ndarray, cov: np.ndarray, residual: np.ndarray, power: float
) -> np.ndarray:
    """Residuals ``Vᵢ^½ (I - Hᵢ)^(-power) Vᵢ^-½ rᵢ`` of HC2 (``power=½``) and HC3 (``1``).

    Computed as ``rᵢ + Vᵢ^½ f(Hᵢ) Vᵢ^½ Qᵢ rᵢ`` with ``f(h) = ((1-h)^(-power) - 1)/h``,
    which needs no inverse of ``Vᵢ`` (some probabilities may be ~0).

    Parameters
    ----------
    fit : FittedLikelihood
        The model.
    raw : ndarray
        Its linear predictor.
    cov : ndarray of shape (n_params, n_params)
        The inverse Fisher information.
    residual : ndarray of shape (n_samples,) or (n_samples, m)
        ``yᵢ - pᵢ`` (non-reference classes of a multinomial model).
    power : float
        ``0.5`` (HC2) or ``1`` (HC3).

    Returns
    -------
    ndarray shaped like ``residual``
    """
    if not fit.is_multinomial:
        leverage = hat_values(fit, raw, cov)
        return residual / (1.0 - leverage) ** power
    root, quad, hat = _hat_blocks(fit, raw, cov)
    value, vector = np.linalg.eigh(hat)
    value = np.clip(value, 0.0, 1.0 - 1e-15)
    safe = np.where(value > 0, value, 1.0)
    scale = np.where(value > 0, np.expm1(-power * np.log1p(-value)) / safe, power)
    middle = np.einsum("ikj,ij,ilj->ikl", vector, scale, vector)
    correction = root @ middle @ root @ quad
    return residual + np.einsum("ikl,il->ik", correction, residual)
