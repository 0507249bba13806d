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

from ..objective.design import Design
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
    # one shifted pass over the rows (the design's own kernel), no n×d temporary
    mean, var = Design(X).weighted_moments(sample_weight / weight)
    return Moments(weight, X.shape[0], mean, var * weight)


@dataclass(frozen=True)
class Terms:
    """Unnormalized objective sums of some rows, at one point and along one direction.

    Attributes
    ----------
    value : float
        ``Σ sᵢℓᵢ`` at ``base + steps[0]·direction``.
    grad : ndarray
        Its gradient in the flat coefficient layout (no penalty).
    hessian : ndarray or None
        ``Σ sᵢ ∂²ℓᵢ`` (``XᵀWX`` with the intercept) at the same point, over the
        rows of the Hessian sample (all rows when ``hessian_weight`` equals the
        total weight), when asked for.
    trials : ndarray
        ``Σ sᵢℓᵢ`` at ``base + t·direction`` for each trial step ``t``.
    grads : ndarray of shape (n_steps, n_coef)
        The gradient at each trial step (``grads[0] == grad``).
    hessian_weight : float
        ``Σ sᵢ`` over the rows that entered ``hessian``.
    """

    value: float
    grad: np.ndarray
    hessian: np.ndarray | None
    trials: np.ndarray
    grads: np.ndarray
    hessian_weight: float = 0.0

    def __add__(self, other: Terms) -> Terms:
        hessian = None if self.hessian is None else self.hessian + other.hessian
        return Terms(
            self.value + other.value, self.grad + other.grad, hessian,
            self.trials + other.trials, self.grads + other.grads,
            self.hessian_weight + other.hessian_weight,
        )  # fmt: skip


def _hessian_sum(problem: Problem, raw: np.ndarray, fraction: float, seed) -> tuple:
    """``Σ sᵢ ∂²ℓᵢ`` over all rows (float64) or a seeded Bernoulli sample (float32)."""
    total = problem.total_weight
    if fraction >= 1.0:
        return problem.hessian_model().matrix(raw) * total, total
    rows = np.flatnonzero(np.random.default_rng(seed).random(problem.n_samples) < fraction)
    weight = total * float(problem.sample_weight[rows].sum())
    if weight == 0:
        return np.zeros((problem.n_coef, problem.n_coef)), 0.0
    X = problem.design.X
    # gather along the contiguous axis: Fortran-ordered batches are gathered column-wise
    sample = X.T[:, rows].T if X.flags.f_contiguous else X[rows]
    sub = Problem(
        sample.astype(np.float32), problem.y[rows], problem.loss, None,
        problem.sample_weight[rows], None, problem.fit_intercept,
    )  # fmt: skip
    return sub.hessian_model().matrix(raw[rows]) * weight, weight


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
    hessian: float,
    seed=0,
    raw: np.ndarray | None = None,
    keep: list | None = None,
) -> Terms:
    """:class:`Terms` of one chunk, in the raw units of its columns.

    One pass for ``X @ base``, one for ``X @ direction``; every trial step costs
    element-wise work, and the gradients at all trial steps come from one
    ``Xᵀ [r₁ … r_S]`` product. A single trial step with nothing carried or
    kept needs one product only, ``X @ (base + t·direction)``. ``hessian`` is
    the fraction of rows whose ``XᵀWX`` is accumulated at the first trial step:
    ``0`` for none, ``1`` for all rows in float64, in between a Bernoulli
    sample seeded by ``seed`` (the same rows every pass) in float32 — it only
    shapes Newton steps.

    ``raw``, when given, is ``X @ base`` (with intercept and offset) carried
    from an earlier pass, which saves its product; with a list ``keep``, the
    linear predictor at ``base`` and ``X @ direction`` (or None) are appended
    to it, for the next pass to carry forward.

    Examples
    --------
    >>> import numpy as np
    >>> from logistica.objective import BinomialLoss
    >>> X = np.array([[0.0], [1.0]]); y = np.array([0.0, 1.0]); zero = np.zeros(2)
    >>> terms = chunk_terms(X, y, np.ones(2), None, BinomialLoss(), True, zero, zero,
    ...                     np.array([1.0]), hessian=1.0)
    >>> round(terms.value, 6), terms.hessian.shape
    (1.386294, (2, 2))
    """
    steps = np.asarray(steps, dtype=np.float64)
    n_coef, n_steps = base.size, steps.size
    if X.shape[0] == 0 or not np.any(sample_weight > 0):
        zero_hessian = np.zeros((n_coef, n_coef)) if hessian else None
        zeros = np.zeros((n_steps, n_coef))
        return Terms(0.0, zeros[0].copy(), zero_hessian, np.zeros(n_steps), zeros)
    problem = Problem(X, y, loss, None, sample_weight, offset, fit_intercept)
    total = problem.total_weight
    if raw is None and keep is None and n_steps == 1:
        raw, raw_direction = problem.raw(base + steps[0] * direction), None
    else:
        raw = problem.raw(base) if raw is None else raw
        raw_direction = problem.raw_direction(direction) if np.any(direction) else None
    if keep is not None:
        keep.extend([raw, raw_direction])
    n, K = X.shape[0], loss.n_outputs
    trials = np.empty(n_steps)
    residuals = np.empty((n, n_steps, K))
    at_first = raw
    for i, t in enumerate(steps):
        at = raw if raw_direction is None else raw + t * raw_direction
        trials[i], residual = loss.value_and_residual(at, problem.y, problem.sample_weight)
        residuals[:, i] = residual.reshape(n, K)
        if i == 0:
            at_first = at
    flat = residuals.reshape(n, n_steps * K)
    grads = np.empty((n_steps, problem.coef_shape[0], K))
    grads[:, : problem.n_features] = (
        problem.design.rmatvec(flat).reshape(-1, n_steps, K).transpose(1, 0, 2)
    )
    if fit_intercept:
        grads[:, -1] = flat.sum(axis=0).reshape(n_steps, K)
    grads = grads.reshape(n_steps, n_coef) * total
    matrix, weight = (None, 0.0)
    if hessian:
        matrix, weight = _hessian_sum(problem, at_first, float(hessian), seed)
    return Terms(float(trials[0]) * total, grads[0].copy(), matrix, trials * total, grads, weight)


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
