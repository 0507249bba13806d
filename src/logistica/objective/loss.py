"""Pointwise log-losses on raw predictions.

A loss here knows nothing about the design matrix: it maps raw predictions
(the linear predictor ``z = X @ w + b + offset``) and encoded targets to a
weighted loss value, the residual ``dℓ/dz`` and the curvature ``d²ℓ/dz²``.
:class:`~logistica.objective.problem.Problem` composes it with the design and
the penalty, so a value and its gradient cost one product with ``X`` and one
with ``Xᵀ``.

Every formula is written in a form that cannot overflow: the binomial loss as
``max(z, 0) + log1p(exp(-|z|)) - y·z`` and the multinomial one through a
max-shifted log-sum-exp, so |z| up to 1e300 gives finite values. Values and
residuals come from :mod:`._fused` (compiled one-pass kernels on large arrays).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np
from scipy.special import expit

from ._fused import binomial_value_residual, multinomial_value_residual

__all__ = ["BinomialLoss", "HessianState", "Loss", "MultinomialLoss"]


@dataclass(frozen=True)
class HessianState:
    """Curvature of the loss at given raw predictions, reused across products.

    Attributes
    ----------
    weights : ndarray of shape (n_samples,)
        Binomial: ``s·p·(1-p)``. Multinomial: the sample weights ``s``.
    proba : ndarray of shape (n_samples, n_classes) or None
        Multinomial only: the softmax probabilities.
    """

    weights: np.ndarray
    proba: np.ndarray | None = None


class Loss:
    """Interface of a loss on raw predictions (binomial or multinomial).

    Examples
    --------
    Losses are used through their subclasses:

    >>> loss = BinomialLoss()
    >>> loss.name, loss.n_outputs
    ('binomial', 1)
    """

    name: ClassVar[str]
    #: Whether the curvature methods are implemented (second-order solvers need them).
    has_hessian: ClassVar[bool] = True
    #: Number of raw predictions per sample (1 for binomial, K for multinomial).
    n_outputs: int

    def value(self, raw: np.ndarray, y: np.ndarray, sample_weight: np.ndarray) -> float:
        """Weighted loss ``Σ sᵢ ℓ(zᵢ, yᵢ)``.

        Examples
        --------
        >>> loss = BinomialLoss()
        >>> round(loss.value(np.array([0.0, 2.0]), np.array([0.0, 1.0]), np.ones(2)), 6)
        0.820075
        """
        raise NotImplementedError

    def value_and_residual(
        self, raw: np.ndarray, y: np.ndarray, sample_weight: np.ndarray
    ) -> tuple[float, np.ndarray]:
        """Weighted loss and residual ``sᵢ · dℓ/dzᵢ`` (same shape as ``raw``).

        Examples
        --------
        >>> loss = BinomialLoss()
        >>> value, residual = loss.value_and_residual(
        ...     np.array([0.0, 2.0]), np.array([0.0, 1.0]), np.ones(2)
        ... )
        >>> residual.round(4)
        array([ 0.5   , -0.1192])
        """
        raise NotImplementedError

    def hessian_state(self, raw: np.ndarray, sample_weight: np.ndarray) -> HessianState:
        """Curvature at ``raw``, for :meth:`hessian_product` and Gram weights.

        Examples
        --------
        >>> state = BinomialLoss().hessian_state(np.array([0.0, 2.0]), np.ones(2))
        >>> state.weights.round(4)
        array([0.25 , 0.105])
        """
        raise NotImplementedError

    def hessian_product(self, state: HessianState, raw_direction: np.ndarray) -> np.ndarray:
        """``sᵢ · d²ℓ/dzᵢ² · vᵢ``: the raw-space Hessian applied to ``raw_direction``.

        Examples
        --------
        >>> loss = BinomialLoss()
        >>> state = loss.hessian_state(np.array([0.0, 2.0]), np.ones(2))
        >>> loss.hessian_product(state, np.array([2.0, 0.0]))
        array([0.5, 0. ])
        """
        raise NotImplementedError

    def gram_weights(self, state: HessianState) -> list[tuple[int, int, np.ndarray]]:
        """Blocks ``(k, l, hₖₗ)`` so that the Hessian block ``(k, l)`` is ``Xᵀ diag(hₖₗ) X``.

        Only the blocks with ``k <= l`` are returned; the rest follow by symmetry.

        Examples
        --------
        >>> loss = BinomialLoss()
        >>> state = loss.hessian_state(np.array([0.0, 0.0]), np.ones(2))
        >>> [(k, l, h) for k, l, h in loss.gram_weights(state)]
        [(0, 0, array([0.25, 0.25]))]
        """
        raise NotImplementedError

    def predict_proba(self, raw: np.ndarray) -> np.ndarray:
        """Probabilities from raw predictions.

        Examples
        --------
        >>> BinomialLoss().predict_proba(np.array([0.0]))
        array([[0.5, 0.5]])
        >>> MultinomialLoss(3).predict_proba(np.zeros((1, 3))).round(4)
        array([[0.3333, 0.3333, 0.3333]])
        """
        raise NotImplementedError


class BinomialLoss(Loss):
    """Log-loss of a Bernoulli target with a logit link, ``y ∈ {0, 1}``.

    ``ℓ(z, y) = log(1 + eᶻ) - y·z``, its residual ``σ(z) - y`` and curvature
    ``σ(z)(1 - σ(z))``.

    Examples
    --------
    >>> import numpy as np
    >>> loss = BinomialLoss()
    >>> float(loss.value(np.array([0.0]), np.array([1.0]), np.array([1.0])))
    0.6931471805599453
    """

    name = "binomial"
    n_outputs = 1

    def value(self, raw, y, sample_weight):
        return self.value_and_residual(raw, y, sample_weight)[0]

    def value_and_residual(self, raw, y, sample_weight):
        return binomial_value_residual(raw, y, sample_weight)

    def hessian_state(self, raw, sample_weight):
        p = expit(raw)
        return HessianState(weights=sample_weight * p * (1.0 - p))

    def hessian_product(self, state, raw_direction):
        return state.weights * raw_direction

    def gram_weights(self, state):
        return [(0, 0, state.weights)]

    def predict_proba(self, raw):
        p = expit(raw)
        return np.column_stack([1.0 - p, p])


def _log_softmax(raw: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Row-wise log-sum-exp and softmax of ``raw`` (n, K), max-shifted."""
    row_max = raw.max(axis=1)
    proba = np.exp(raw - row_max[:, None])
    norm = proba.sum(axis=1)
    proba /= norm[:, None]
    return np.log(norm) + row_max, proba


class MultinomialLoss(Loss):
    """Softmax cross-entropy, ``y ∈ {0, …, K-1}`` encoded as integers.

    ``ℓ(z, y) = logsumexp(z) - z_y``; the residual is ``softmax(z) - onehot(y)``.

    Parameters
    ----------
    n_classes : int
        Number of classes ``K`` (at least 3; two classes use :class:`BinomialLoss`).

    Examples
    --------
    >>> import numpy as np
    >>> loss = MultinomialLoss(3)
    >>> round(loss.value(np.zeros((1, 3)), np.array([2]), np.array([1.0])), 6)
    1.098612
    """

    name = "multinomial"

    def __init__(self, n_classes: int) -> None:
        self.n_outputs = int(n_classes)

    def value(self, raw, y, sample_weight):
        return self.value_and_residual(raw, y, sample_weight)[0]

    def value_and_residual(self, raw, y, sample_weight):
        return multinomial_value_residual(raw, y, sample_weight)

    def hessian_state(self, raw, sample_weight):
        _, proba = _log_softmax(raw)
        return HessianState(weights=sample_weight, proba=proba)

    def hessian_product(self, state, raw_direction):
        proba = state.proba
        centred = raw_direction - np.einsum("ik,ik->i", proba, raw_direction)[:, None]
        return (state.weights[:, None] * proba) * centred

    def gram_weights(self, state):
        sp = state.weights[:, None] * state.proba
        blocks = []
        for k in range(self.n_outputs):
            blocks.append((k, k, sp[:, k] - sp[:, k] * state.proba[:, k]))
            blocks.extend(
                (k, other, -sp[:, k] * state.proba[:, other])
                for other in range(k + 1, self.n_outputs)
            )
        return blocks

    def predict_proba(self, raw):
        return _log_softmax(raw)[1]
