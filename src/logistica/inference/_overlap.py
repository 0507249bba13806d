"""Cheap certificates of separation and of overlap, and what the in-fit check can afford.

The separation check that runs inside every unpenalized ``fit`` must cost a
small fraction of the fit. Linear programs over the whole data can cost orders
of magnitude more (HiGHS: ~2 µs per stored entry of the margin matrix on tall
data, more on wide data), so two proofs that need no linear program come first:

Separation, from the fitted coefficients
    If the fitted linear predictor (offset excluded) ranks every observation's
    own class strictly first, then ``d = ŵ`` itself is a direction along which
    every margin is positive: the classes are *completely* separated, a proof
    that costs one product ``X @ ŵ``.
Overlap, from one Newton step (Stiemke's lemma)
    The data overlap iff some ``λ > 0`` has ``Mᵀλ = 0``, where the rows of ``M``
    are the margin directions of :mod:`.separation`. The score of the
    likelihood is ``Mᵀλ`` with ``λᵢₖ = wᵢ pᵢₖ > 0``; moving ``λ`` by the Newton
    step ``δ = H⁻¹·score`` (``H`` from a row subsample is enough) cancels the
    score, and ``λ`` stays positive when ``1 + c(zᵢₖ - Σₗ pᵢₗ zᵢₗ) > 0`` for
    ``zᵢ = aᵢᵀδ``. Near a finite optimum ``δ`` is tiny, so this holds with a wide
    margin: one pass over the data and a small Gram matrix prove the overlap.

Work is counted in multiply-adds. One pass over the data costs ``nnz(X)·K``
and every solver makes several; when "auto" picks Newton's method (dense data,
not too many coefficients) every iteration forms the full Gram matrix
``n·d²``. So the in-fit check may spend ``max(MIN_WORK, PASSES · pass, one
Newton iteration when "auto" is Newton)`` on the overlap certificate. (A
first-order solver chosen by hand where "auto" is Newton can therefore see the
check cost about one Newton iteration.) The linear program gets at most
:data:`LP_MAX_ENTRIES` stored entries.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from scipy import linalg

from .. import solvers
from ..objective.loss import BinomialLoss, MultinomialLoss
from ..objective.problem import Problem

__all__ = [
    "LP_MAX_ENTRIES",
    "certified_overlap",
    "lp_entries",
    "overlap_certificate_affordable",
    "separates",
]

#: Largest margin matrix (stored entries) the in-fit check gives to the linear
#: program: about 0.1-0.5 s of HiGHS (2000 x 50 dense: 0.18 s; 5000 x 300 sparse
#: with 130 000 entries: 1.1 s).
LP_MAX_ENTRIES = 100_000
#: Work (multiply-adds) the overlap certificate may always spend: ~0.05-0.2 s of BLAS.
MIN_WORK = 1e8
#: ... or this many passes over the data, when that is more.
PASSES = 20
_CERTIFICATE_ROWS = 2000  # rows of the Hessian of the overlap certificate (at least)


def _row_entries(problem: Problem) -> float:
    """Stored entries of an average row of the design, intercept included."""
    X = problem.design.X
    stored = X.nnz if sp.issparse(X) else X.shape[0] * X.shape[1]
    return stored / max(problem.n_samples, 1) + problem.fit_intercept


def lp_entries(problem: Problem, n_rows: int) -> float:
    """Stored entries of the margin matrix of ``n_rows`` observations.

    A row of it has one block (binary) or at most two blocks (multinomial) of
    a design row, once per other class.
    """
    n_classes = max(problem.n_outputs, 2)
    blocks = min(2, n_classes - 1)
    return n_rows * (n_classes - 1) * blocks * _row_entries(problem)


def _certificate_rows(problem: Problem) -> int:
    return min(problem.n_samples, max(_CERTIFICATE_ROWS, 4 * problem.n_coef))


def overlap_certificate_affordable(problem: Problem) -> bool:
    """Whether :func:`certified_overlap` fits the in-fit work budget (module notes)."""
    K = problem.n_outputs
    one_pass = problem.n_samples * _row_entries(problem) * K
    per_row = _row_entries(problem) ** 2 * K * (K + 1) / 2
    cholesky = problem.n_coef**3 / 3
    work = _certificate_rows(problem) * per_row + cholesky + one_pass
    full_gram = problem.n_samples * per_row
    newton = not problem.design.is_sparse and solvers.choose(problem) == "newton"
    newton_iteration = full_gram + cholesky + one_pass if newton else 0.0
    return work <= max(MIN_WORK, PASSES * one_pass, newton_iteration)


def separates(problem: Problem, coef: np.ndarray, rows: np.ndarray) -> bool:
    """Whether ``X @ coef`` (offset excluded) ranks each of ``rows``' own class strictly first.

    Then ``coef`` is a direction of complete separation (module notes).
    """
    if not np.all(np.isfinite(coef)):
        return False
    eta = problem.raw_direction(coef)[rows]
    codes = problem.y[rows].astype(np.intp)
    size = float(np.max(np.abs(eta), initial=0.0))
    if eta.ndim == 1:
        margin = np.where(codes == 1, eta, -eta)
    else:
        own = eta[np.arange(rows.size), codes].copy()
        eta[np.arange(rows.size), codes] = -np.inf
        margin = own - eta.max(axis=1)
    # a margin must clear the rounding error of the product to count as positive
    return rows.size > 0 and bool(margin.min() > 1e-12 * size)


def certified_overlap(problem: Problem, coef: np.ndarray) -> bool:
    """Stiemke certificate of overlap from one Newton step at ``coef`` (module notes).

    Only the log-likelihood's score and information qualify, so other losses and
    penalized problems get no certificate (the linear program decides).
    """
    likelihood = isinstance(problem.loss, BinomialLoss | MultinomialLoss)
    if problem.penalty.alpha > 0 or not likelihood:
        return False
    raw = problem.raw(coef)
    _, residual = problem.loss.value_and_residual(raw, problem.y, problem.sample_weight)
    grad = problem.grad_from_residual(coef, residual)
    hessian = problem.hessian_model(max_rows=_certificate_rows(problem))
    try:
        factor = linalg.cho_factor(hessian.matrix(raw), lower=True, check_finite=False)
    except linalg.LinAlgError:
        return False
    dW, db = problem.split(-linalg.cho_solve(factor, grad, check_finite=False))
    z = hessian.design.matvec(dW) + db
    rows = np.arange(problem.n_samples) if hessian.rows is None else hessian.rows
    used = problem.sample_weight[rows] > 0
    scale = 1.0 / problem.sample_weight[rows].sum()  # the subsample's weights are rescaled
    proba = problem.loss.predict_proba(raw[rows])
    z = np.column_stack([np.zeros_like(z), z]) if z.ndim == 1 else z
    centred = z - np.einsum("ik,ik->i", proba, z)[:, None]
    slack = 1.0 + scale * centred
    slack[np.arange(rows.size), problem.y[rows].astype(np.intp)] = np.inf  # k = yᵢ: no row
    return bool(np.all(np.isfinite(z)) and np.all(slack[used] > 0.5))
