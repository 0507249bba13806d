"""What one chunk of rows contributes to a fit: column moments and objective sums.

Out-of-core and distributed fits never hold all the rows at once. Each chunk
(a Parquet record batch, a Dask partition) returns small sums that add up
exactly to what the in-memory :class:`~logistica.objective.Problem` computes
on all rows: weighted column moments (merged as Chan et al. do, so no precision
is lost to large means), and at a point the weighted loss, its gradient and
``XᵀWX``. The per-chunk work is the objective's own code: a
:class:`~logistica.objective.Problem` is built on the chunk, without a penalty
(the caller adds it once, on the reduced sums).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..objective.loss import Loss
from ..objective.problem import Problem

__all__ = ["Moments", "Terms", "chunk_moments", "chunk_terms", "tree_sum"]


@dataclass(frozen=True)
class Moments:
    """Weighted column moments of some rows: total weight, mean and centred second moment.

    Attributes
    ----------
    weight : float
        ``Σ sᵢ``.
    rows : int
        Number of rows.
    mean : ndarray of shape (n_features,)
        ``Σ sᵢxᵢ / Σ sᵢ``.
    m2 : ndarray of shape (n_features,)
        ``Σ sᵢ(xᵢ - mean)²``.
    """

    weight: float
    rows: int
    mean: np.ndarray
    m2: np.ndarray

    def __add__(self, other: Moments) -> Moments:
        """Moments of the union of two disjoint sets of rows (pairwise update)."""
        total = self.weight + other.weight
        if total == 0:
            return Moments(0.0, self.rows + other.rows, self.mean, self.m2 + other.m2)
        delta = other.mean - self.mean
        share = other.weight / total
        mean = self.mean + delta * share
        m2 = self.m2 + other.m2 + delta**2 * self.weight * share
        return Moments(total, self.rows + other.rows, mean, m2)

    @property
    def var(self) -> np.ndarray:
        """Weighted variance of each column."""
        return np.maximum(self.m2 / self.weight, 0.0) if self.weight > 0 else self.m2 * 0.0


def chunk_moments(X: np.ndarray, sample_weight: np.ndarray) -> Moments:
    """:class:`Moments` of the rows of a dense chunk.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.array([[1.0], [2.0], [3.0], [4.0]])
    >>> total = chunk_moments(X[:1], np.ones(1)) + chunk_moments(X[1:], np.ones(3))
    >>> total.mean, total.var
    (array([2.5]), array([1.25]))
    """
    weight = float(sample_weight.sum())
    if weight == 0:
        zeros = np.zeros(X.shape[1])
        return Moments(0.0, X.shape[0], zeros, zeros.copy())
    mean = (sample_weight @ X) / weight
    m2 = sample_weight @ (X - mean) ** 2
    return Moments(weight, X.shape[0], mean, m2)


@dataclass(frozen=True)
class Terms:
    """Unnormalized objective sums of some rows, at one point and along one direction.

    Attributes
    ----------
    value : float
        ``Σ sᵢℓᵢ`` at ``base + direction``.
    grad : ndarray
        Its gradient in the flat coefficient layout (no penalty).
    hessian : ndarray or None
        ``Σ sᵢ ∂²ℓᵢ`` (``XᵀWX`` with the intercept), when asked for.
    trials : ndarray
        ``Σ sᵢℓᵢ`` at ``base + t·direction`` for each trial step ``t``.
    """

    value: float
    grad: np.ndarray
    hessian: np.ndarray | None
    trials: np.ndarray

    def __add__(self, other: Terms) -> Terms:
        hessian = None if self.hessian is None else self.hessian + other.hessian
        return Terms(
            self.value + other.value, self.grad + other.grad, hessian, self.trials + other.trials
        )


def chunk_terms(
    X: np.ndarray,
    y: np.ndarray,
    sample_weight: np.ndarray,
    offset: np.ndarray | None,
    loss: Loss,
    fit_intercept: bool,
    base: np.ndarray,
    direction: np.ndarray,
    steps: np.ndarray,
    hessian: bool,
) -> Terms:
    """:class:`Terms` of one chunk, in the raw units of its columns.

    ``X @ direction`` is computed once and every trial step costs element-wise
    work only; the gradient and (with ``hessian``) ``XᵀWX`` are taken at
    ``base + direction``, the full step.

    Examples
    --------
    >>> import numpy as np
    >>> from logistica.objective import BinomialLoss
    >>> X = np.array([[0.0], [1.0]]); y = np.array([0.0, 1.0]); zero = np.zeros(2)
    >>> terms = chunk_terms(X, y, np.ones(2), None, BinomialLoss(), True, zero, zero,
    ...                     np.array([1.0]), hessian=True)
    >>> round(terms.value, 6), terms.hessian.shape
    (1.386294, (2, 2))
    """
    steps = np.asarray(steps, dtype=np.float64)
    n_coef = base.size
    if X.shape[0] == 0 or not np.any(sample_weight > 0):
        zero_hessian = np.zeros((n_coef, n_coef)) if hessian else None
        return Terms(0.0, np.zeros(n_coef), zero_hessian, np.zeros(steps.size))
    problem = Problem(X, y, loss, None, sample_weight, offset, fit_intercept)
    total = problem.total_weight
    raw = problem.raw(base)
    if np.any(direction):
        raw_direction = problem.raw_direction(direction)
        trials = np.array(
            [loss.value(raw + t * raw_direction, problem.y, problem.sample_weight) for t in steps]
        )
        raw += raw_direction
        value, grad = problem.value_grad_from_raw(base + direction, raw)
    else:
        value, grad = problem.value_grad_from_raw(base, raw)
        trials = np.full(steps.size, value)
    matrix = problem.hessian_model().matrix(raw) * total if hessian else None
    return Terms(value * total, grad * total, matrix, trials * total)


def tree_sum(items: list):
    """Sum a list pairwise, as a tree (the shape of a distributed reduction).

    Examples
    --------
    >>> tree_sum([1, 2, 3, 4, 5])
    15
    """
    items = list(items)
    if not items:
        raise ValueError("nothing to sum: no chunks")
    while len(items) > 1:
        pairs = [items[i] + items[i + 1] for i in range(0, len(items) - 1, 2)]
        items = pairs + (items[-1:] if len(items) % 2 else [])
    return items[0]
