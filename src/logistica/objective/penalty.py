"""Penalties on the coefficients (never on the intercept).

All penalties are elastic nets in scikit-learn's parametrisation,

    alpha · Σⱼ fⱼ · (l1_ratio·|wⱼ| + (1 - l1_ratio)/2 · wⱼ²),

with per-feature penalty factors ``fⱼ`` (``0`` leaves a feature unpenalized, as in
glmnet). The L2 part is smooth and is handled by every solver through
:meth:`ElasticNet.smooth_gradient`; the L1 part is handled by proximal solvers
through :meth:`ElasticNet.prox`. :func:`make_penalty` turns scikit-learn's
``C`` into ``alpha`` for the sample-weight-normalised objective used inside
logistica: ``Σ s̃ᵢ ℓᵢ + penalty`` with ``Σ s̃ᵢ = 1``, so ``alpha = 1/(C·Σ sᵢ)``.
"""

from __future__ import annotations

import copy
import math

import numpy as np

__all__ = ["L1", "L2", "ElasticNet", "NoPenalty", "make_penalty", "min_norm_subgradient"]


class ElasticNet:
    """Elastic-net penalty ``alpha·Σ fⱼ(l1_ratio|wⱼ| + (1-l1_ratio)/2·wⱼ²)``.

    Parameters
    ----------
    alpha : float
        Overall strength, ``>= 0``.
    l1_ratio : float, default=0.0
        Mix between L1 (``1``) and L2 (``0``).
    penalty_factor : array-like of shape (n_features,), optional
        Non-negative per-feature multipliers; ``0`` means unpenalized.

    Examples
    --------
    >>> import numpy as np
    >>> pen = ElasticNet(alpha=2.0, l1_ratio=0.5)
    >>> pen.value(np.array([1.0, -2.0]))
    5.5
    """

    def __init__(self, alpha: float, l1_ratio: float = 0.0, penalty_factor=None) -> None:
        if not (alpha >= 0 and math.isfinite(alpha)):
            raise ValueError(f"alpha must be finite and >= 0, got {alpha!r}")
        if not 0.0 <= l1_ratio <= 1.0:
            raise ValueError(f"l1_ratio must be in [0, 1], got {l1_ratio!r}")
        self.alpha = float(alpha)
        self.l1_ratio = float(l1_ratio)
        if penalty_factor is not None:
            penalty_factor = np.asarray(penalty_factor, dtype=np.float64)
            if penalty_factor.ndim != 1 or np.any(penalty_factor < 0):
                raise ValueError("penalty_factor must be a 1-d array of non-negative numbers")
            if not np.all(np.isfinite(penalty_factor)):
                raise ValueError("penalty_factor contains NaN or inf")
        self.penalty_factor = penalty_factor
        self.coef_scale: np.ndarray | None = None

    def in_units(self, scale: np.ndarray) -> ElasticNet:
        """The same penalty on coefficients measured in units of ``1/scale``.

        For ``w̃ = scale·w`` the returned penalty satisfies
        ``rescaled.value(w̃) == self.value(w̃ / scale)``: its L1 strengths are
        divided by ``scale`` and its L2 strengths by ``scale²``. Solvers use it to
        minimise the same objective on standardized columns.

        Examples
        --------
        >>> pen = ElasticNet(alpha=1.0, l1_ratio=0.5)
        >>> w = np.array([2.0, -4.0]); scale = np.array([10.0, 0.1])
        >>> bool(np.isclose(pen.in_units(scale).value(w * scale), pen.value(w)))
        True
        """
        rescaled = copy.copy(self)
        base = 1.0 if self.coef_scale is None else self.coef_scale
        rescaled.coef_scale = base * np.asarray(scale, dtype=np.float64)
        return rescaled

    def __repr__(self) -> str:
        return f"{type(self).__name__}(alpha={self.alpha:.4g}, l1_ratio={self.l1_ratio})"

    @property
    def is_smooth(self) -> bool:
        """Whether the penalty is differentiable (no active L1 part)."""
        return self.alpha == 0.0 or self.l1_ratio == 0.0

    def _strength(self, part: float, coef: np.ndarray, power: int) -> np.ndarray | float:
        """Per-feature strength of one part, broadcastable against ``coef``.

        ``power`` is the degree of the part (1 for L1, 2 for L2): how the strength
        changes with the units of the coefficients (:meth:`in_units`).
        """
        strength = self.alpha * part
        if self.penalty_factor is not None:
            strength = strength * self.penalty_factor
        if self.coef_scale is not None:
            strength = strength / self.coef_scale**power
        if np.ndim(strength) and coef.ndim == 2:
            return strength[:, None]
        return strength

    def l1_strength(self, coef: np.ndarray) -> np.ndarray | float:
        """``alpha·l1_ratio·fⱼ``, broadcastable against ``coef``.

        Examples
        --------
        >>> ElasticNet(alpha=2.0, l1_ratio=0.5).l1_strength(np.zeros(2))
        1.0
        >>> pen = ElasticNet(alpha=2.0, l1_ratio=0.5, penalty_factor=np.array([0.0, 1.0]))
        >>> pen.l1_strength(np.zeros(2))
        array([0., 1.])
        """
        return self._strength(self.l1_ratio, coef, 1)

    def l2_strength(self, coef: np.ndarray) -> np.ndarray | float:
        """``alpha·(1-l1_ratio)·fⱼ``, broadcastable against ``coef``.

        Examples
        --------
        >>> ElasticNet(alpha=2.0, l1_ratio=0.25).l2_strength(np.zeros(2))
        1.5
        """
        return self._strength(1.0 - self.l1_ratio, coef, 2)

    def value(self, coef: np.ndarray) -> float:
        """Penalty value at ``coef`` of shape (n_features,) or (n_features, K).

        Examples
        --------
        >>> ElasticNet(alpha=1.0, l1_ratio=0.5).value(np.array([1.0, -2.0]))
        2.75
        """
        if self.alpha == 0.0:
            return 0.0
        l1 = np.sum(self.l1_strength(coef) * np.abs(coef)) if self.l1_ratio else 0.0
        l2 = 0.5 * np.sum(self.l2_strength(coef) * coef * coef)
        return float(l1 + l2)

    def smooth_value(self, coef: np.ndarray) -> float:
        """Value of the L2 part only.

        Examples
        --------
        >>> ElasticNet(alpha=1.0, l1_ratio=0.5).smooth_value(np.array([1.0, -2.0]))
        1.25
        """
        if self.alpha == 0.0:
            return 0.0
        return float(0.5 * np.sum(self.l2_strength(coef) * coef * coef))

    def smooth_gradient(self, coef: np.ndarray) -> np.ndarray:
        """Gradient of the L2 part.

        Examples
        --------
        >>> ElasticNet(alpha=1.0, l1_ratio=0.5).smooth_gradient(np.array([1.0, -2.0]))
        array([ 0.5, -1. ])
        """
        return self.l2_strength(coef) * coef

    def smooth_hessian_diagonal(self, n_features: int) -> np.ndarray:
        """Diagonal of the L2 part's Hessian, one value per feature.

        Examples
        --------
        >>> ElasticNet(alpha=1.0, l1_ratio=0.5).smooth_hessian_diagonal(2)
        array([0.5, 0.5])
        """
        return np.broadcast_to(self.l2_strength(np.empty(n_features)), (n_features,)).astype(
            np.float64
        )

    def prox(self, coef: np.ndarray, step: float) -> np.ndarray:
        """Proximal operator of ``step`` times the L1 part (soft-thresholding).

        Examples
        --------
        >>> ElasticNet(alpha=1.0, l1_ratio=0.5).prox(np.array([1.0, -2.0, 0.2]), step=1.0)
        array([ 0.5, -1.5,  0. ])
        """
        if self.is_smooth:
            return coef
        threshold = step * self.l1_strength(coef)
        return np.sign(coef) * np.maximum(np.abs(coef) - threshold, 0.0)

    def alpha_max(self, null_grad: np.ndarray) -> float:
        """Smallest ``alpha`` (at this ``l1_ratio`` and these factors) zeroing every penalized coef.

        Parameters
        ----------
        null_grad : ndarray of shape (n_features,) or (n_features, K)
            Gradient of the loss at the null model: penalized coefficients at
            zero, unpenalized ones (factor 0) and the intercept optimal.

        Returns
        -------
        float
            ``max |gⱼ| / (l1_ratio·fⱼ)`` over penalized features: at that
            ``alpha`` zero satisfies the optimality conditions, below it does
            not. ``inf`` without an L1 part, ``0`` when nothing is penalized.

        Examples
        --------
        >>> ElasticNet(1.0, l1_ratio=0.5).alpha_max(np.array([0.2, -0.4]))
        0.8
        """
        if self.l1_ratio == 0.0:
            return math.inf
        size = np.abs(null_grad).reshape(null_grad.shape[0], -1).max(axis=1)
        factor = np.ones_like(size) if self.penalty_factor is None else self.penalty_factor
        if self.coef_scale is not None:
            factor = factor / self.coef_scale
        penalized = factor > 0
        if not penalized.any():
            return 0.0
        return float(np.max(size[penalized] / factor[penalized]) / self.l1_ratio)

    def optimality_residual(self, coef: np.ndarray, smooth_grad: np.ndarray) -> np.ndarray:
        """Minimum-norm subgradient of the objective, given the smooth part's gradient.

        Zero exactly at an optimum; its largest absolute value is the optimality
        measure shared by all solvers.

        Examples
        --------
        >>> pen = ElasticNet(alpha=1.0, l1_ratio=0.5)
        >>> pen.optimality_residual(np.array([0.0, 1.0]), np.array([0.2, -0.5]))
        array([0., 0.])
        """
        if self.is_smooth:
            return smooth_grad
        return min_norm_subgradient(coef, smooth_grad, self.l1_strength(coef))


def min_norm_subgradient(
    coef: np.ndarray, smooth_grad: np.ndarray, l1: np.ndarray | float
) -> np.ndarray:
    """Minimum-norm element of ``smooth_grad + ∂(Σ l1ⱼ|coefⱼ|)``, entry by entry.

    Examples
    --------
    >>> min_norm_subgradient(np.array([0.0, 0.0, 1.0]), np.array([0.5, 2.0, 1.0]), 1.0)
    array([0., 1., 2.])
    """
    l1 = np.broadcast_to(l1, coef.shape)
    at_zero = np.sign(smooth_grad) * np.maximum(np.abs(smooth_grad) - l1, 0.0)
    return np.where(coef != 0, smooth_grad + l1 * np.sign(coef), at_zero)


class NoPenalty(ElasticNet):
    """No penalty (``C = inf``).

    Examples
    --------
    >>> NoPenalty().value(np.ones(3))
    0.0
    """

    def __init__(self) -> None:
        super().__init__(alpha=0.0)


class L2(ElasticNet):
    """Ridge penalty ``alpha/2·Σ fⱼ wⱼ²``.

    Examples
    --------
    >>> L2(alpha=1.0).value(np.array([3.0, 4.0]))
    12.5
    """

    def __init__(self, alpha: float, penalty_factor=None) -> None:
        super().__init__(alpha=alpha, l1_ratio=0.0, penalty_factor=penalty_factor)


class L1(ElasticNet):
    """Lasso penalty ``alpha·Σ fⱼ|wⱼ|``.

    Examples
    --------
    >>> L1(alpha=1.0).value(np.array([3.0, -4.0]))
    7.0
    """

    def __init__(self, alpha: float, penalty_factor=None) -> None:
        super().__init__(alpha=alpha, l1_ratio=1.0, penalty_factor=penalty_factor)


def make_penalty(C: float, l1_ratio: float, total_weight: float, penalty_factor=None) -> ElasticNet:
    """Penalty of scikit-learn's objective ``C·Σ sᵢℓᵢ + pen(w)`` after dividing by ``C·Σ sᵢ``.

    Parameters
    ----------
    C : float
        Inverse regularisation strength; ``np.inf`` means no penalty.
    l1_ratio : float
        Elastic-net mix, ``0`` for L2 and ``1`` for L1.
    total_weight : float
        ``Σ sᵢ``, the sum of the sample weights (class weights included).
    penalty_factor : array-like, optional
        Per-feature multipliers.

    Returns
    -------
    ElasticNet
        ``NoPenalty``, ``L2``, ``L1`` or ``ElasticNet`` with ``alpha = 1/(C·Σ sᵢ)``.

    Examples
    --------
    >>> make_penalty(1.0, 0.0, total_weight=10.0)
    L2(alpha=0.1, l1_ratio=0.0)
    """
    if not C > 0:
        raise ValueError(f"C must be > 0, got {C!r}")
    if math.isinf(C):
        return NoPenalty()
    alpha = 1.0 / (C * total_weight)
    if l1_ratio == 0.0:
        return L2(alpha, penalty_factor)
    if l1_ratio == 1.0:
        return L1(alpha, penalty_factor)
    return ElasticNet(alpha, l1_ratio, penalty_factor)
