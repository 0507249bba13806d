"""Compiled loops of the coordinate-descent solver (numba, cached on disk).

Columns come as a :class:`~logistica.objective.design.ColumnBlock`
(``indptr, indices, data, dense``): dense columns hold every row in order,
sparse ones the CSC triplets, so each loop is written once for both.

The quadratic model minimised by coordinate descent is the second-order
expansion of the smooth objective at the current coefficients ``w`` plus the
exact L1 part, in the direction ``d`` (working-set coordinates only)::

    gᵀd + ½ dᵀ(XᵀHX + diag(l2))d + Σ l1ⱼ |wⱼ + dⱼ|

``X d`` is kept up to date as coordinates move, so each coordinate update
costs two passes over one column and the line search afterwards needs no
further product with ``X``. As in glmnet, a sweep over all coordinates is
followed by sweeps over the nonzero ones only until those settle.

Reductions may be reassociated (``fastmath`` without the finite-math flags) so
they vectorize; results stay deterministic.
"""

from __future__ import annotations

import numpy as np
from numba import njit

__all__ = ["binomial_cd", "column_grad_curvature", "gram_cd", "multinomial_cd"]

_FAST = {"reassoc", "contract"}


@njit(cache=True, nogil=True, fastmath=_FAST)
def _dot(indptr, indices, data, dense, c, a, b):
    """``Σᵢ xᵢ·aᵢ·bᵢ`` over column ``c``."""
    start, end = indptr[c], indptr[c + 1]
    total = 0.0
    if dense:
        for p in range(start, end):
            i = p - start
            total += data[p] * a[i] * b[i]
    else:
        for p in range(start, end):
            i = indices[p]
            total += data[p] * a[i] * b[i]
    return total


@njit(cache=True, nogil=True, fastmath=_FAST)
def _axpy(indptr, indices, data, dense, c, delta, out):
    """``out += delta·x`` for column ``c``."""
    start, end = indptr[c], indptr[c + 1]
    if dense:
        for p in range(start, end):
            out[p - start] += delta * data[p]
    else:
        for p in range(start, end):
            out[indices[p]] += delta * data[p]


@njit(cache=True, nogil=True)
def _soft_threshold(value, threshold):
    if value > threshold:
        return value - threshold
    if value < -threshold:
        return value + threshold
    return 0.0


@njit(cache=True, nogil=True, fastmath=_FAST)
def column_grad_curvature(indptr, indices, data, dense, residual, curvature):
    """``Xᵀr``, ``(X∘X)ᵀh`` and ``Xᵀh`` per column, for ``residual``, ``curvature`` (K, n)."""
    n_cols = indptr.shape[0] - 1
    K = residual.shape[0]
    grad = np.zeros((n_cols, K))
    diag = np.zeros((n_cols, K))
    first = np.zeros((n_cols, K))
    for c in range(n_cols):
        start, end = indptr[c], indptr[c + 1]
        for k in range(K):
            r = residual[k]
            h = curvature[k]
            g, q, f = 0.0, 0.0, 0.0
            if dense:
                for p in range(start, end):
                    x = data[p]
                    g += x * r[p - start]
                    f += x * h[p - start]
                    q += x * x * h[p - start]
            else:
                for p in range(start, end):
                    x = data[p]
                    g += x * r[indices[p]]
                    f += x * h[indices[p]]
                    q += x * x * h[indices[p]]
            grad[c, k] = g
            diag[c, k] = q
            first[c, k] = f
    return grad, diag, first


@njit(cache=True, nogil=True)
def _nonzero_columns(coef, step):
    """Rows ``c`` where ``coef[c] + step[c]`` has a nonzero entry (any class)."""
    n_cols, K = coef.shape
    keep = np.zeros(n_cols, dtype=np.bool_)
    for c in range(n_cols):
        for k in range(K):
            if coef[c, k] + step[c, k] != 0.0:
                keep[c] = True
    return np.flatnonzero(keep)


@njit(cache=True, nogil=True, fastmath=_FAST)
def _binomial_sweep(cols, indptr, indices, data, dense, h, grad, coef, l1, l2, diag, first,
                    means, step, raw_step, lazy, intercept):  # fmt: skip
    """One cyclic pass over ``cols`` (and the intercept); the largest gradient change.

    Columns are ``x - μ`` (``means``) without being formed: ``raw_step`` holds
    ``X d`` over the columns' nonzeros and ``lazy = [c, S]`` the constant ``c``
    shared by all rows (intercept minus ``μᵀd``) and ``S = Σ h·raw_step``.
    """
    fit, grad_b, curv_b, step_b = intercept[0], intercept[1], intercept[2], intercept[3:]
    largest = 0.0
    for c in cols:
        curv = diag[c, 0] + l2[c]
        if curv <= 0.0:
            continue
        shift, total = lazy[0], lazy[1]
        partial = grad[c, 0] + l2[c] * step[c, 0] + shift * first[c, 0]
        partial += _dot(indptr, indices, data, dense, c, h, raw_step)
        partial -= means[c] * (total + shift * curv_b)
        old = coef[c, 0] + step[c, 0]
        delta = _soft_threshold(old - partial / curv, l1[c] / curv) - old
        if delta != 0.0:
            step[c, 0] += delta
            _axpy(indptr, indices, data, dense, c, delta, raw_step)
            lazy[0] -= delta * means[c]
            lazy[1] += delta * first[c, 0]
            largest = max(largest, abs(delta) * curv)
    if fit > 0.0 and curv_b > 0.0:
        delta = -(grad_b + lazy[1] + lazy[0] * curv_b) / curv_b
        step_b[0] += delta
        lazy[0] += delta
        largest = max(largest, abs(delta) * curv_b)
    return largest


@njit(cache=True, nogil=True)
def _l1_violation(partial, value, l1):
    """The minimum-norm subgradient of ``partial·d + l1·|value + d|`` at ``d = 0``."""
    if value > 0.0:
        return abs(partial + l1)
    if value < 0.0:
        return abs(partial - l1)
    return max(abs(partial) - l1, 0.0)


@njit(cache=True, nogil=True, fastmath=_FAST)
def _binomial_violation(indptr, indices, data, dense, h, grad, coef, l1, l2, first, means, step,
                        raw_step, lazy, intercept):  # fmt: skip
    """Exact KKT violation of the binomial model at ``step``: the partials of every coordinate.

    Small coordinate moves alone do not bound it: on correlated columns many
    small moves add up to a large change of each partial derivative.
    """
    shift, total = lazy[0], lazy[1]
    curv_b = intercept[2]
    largest = 0.0
    for c in range(indptr.shape[0] - 1):
        partial = grad[c, 0] + l2[c] * step[c, 0] + shift * first[c, 0]
        partial += _dot(indptr, indices, data, dense, c, h, raw_step)
        partial -= means[c] * (total + shift * curv_b)
        largest = max(largest, _l1_violation(partial, coef[c, 0] + step[c, 0], l1[c]))
    if intercept[0] > 0.0 and curv_b > 0.0:
        largest = max(largest, abs(intercept[1] + total + shift * curv_b))
    return largest


@njit(cache=True, nogil=True)
def binomial_cd(indptr, indices, data, dense, h, grad, coef, l1, l2, diag, first, means, step,
                raw_step, intercept, max_epochs, tol):  # fmt: skip
    """Coordinate descent on the binomial quadratic model; returns the epochs used.

    The model is in the basis of the centred columns ``x - μ`` and the
    intercept: ``grad``, ``coef``, ``diag`` (Hessian diagonal without the L2
    part) and ``step`` have shape (n_cols, 1) and refer to the centred columns;
    ``first`` is ``Xᵀh`` of the uncentred ones. ``step`` and ``raw_step`` (n,)
    start at zero and are updated in place (``raw_step`` ends as the step of the
    linear predictor); ``intercept`` is ``[fit, gradient, curvature, step]``,
    its step updated in place. Stops when a sweep over all coordinates moves no
    partial derivative by more than ``tol`` and the model's exact KKT violation,
    one more pass over the columns, is below ``tol`` too.
    """
    every = np.arange(indptr.shape[0] - 1)
    lazy = np.zeros(2)
    epoch = 0
    while epoch < max_epochs:
        epoch += 1
        largest = _binomial_sweep(every, indptr, indices, data, dense, h, grad, coef, l1, l2,
                                  diag, first, means, step, raw_step, lazy, intercept)  # fmt: skip
        if largest <= tol and _binomial_violation(
            indptr, indices, data, dense, h, grad, coef, l1, l2, first, means, step, raw_step,
            lazy, intercept,
        ) <= tol:  # fmt: skip
            break
        active = _nonzero_columns(coef, step)
        while epoch < max_epochs:
            epoch += 1
            largest = _binomial_sweep(active, indptr, indices, data, dense, h, grad, coef, l1,
                                      l2, diag, first, means, step, raw_step, lazy,
                                      intercept)  # fmt: skip
            if largest <= tol:
                break
    raw_step += lazy[0]
    return epoch


@njit(cache=True, nogil=True, fastmath=_FAST)
def _multinomial_sweep(cols, indptr, indices, data, dense, weight, proba, grad, coef, l1, l2,
                       diag, step, raw_step, mixed, intercept, step_b):  # fmt: skip
    """One cyclic pass over ``cols`` × classes (and the intercepts); the largest change."""
    K, n = proba.shape
    largest = 0.0
    for c in cols:
        for k in range(K):
            curv = diag[c, k] + l2[c]
            if curv <= 0.0:
                continue
            p_k = proba[k]
            partial = grad[c, k] + l2[c] * step[c, k]
            partial += _dot_centred(
                indptr, indices, data, dense, c, weight, p_k, raw_step[k], mixed
            )
            old = coef[c, k] + step[c, k]
            delta = _soft_threshold(old - partial / curv, l1[c] / curv) - old
            if delta != 0.0:
                step[c, k] += delta
                _axpy(indptr, indices, data, dense, c, delta, raw_step[k])
                _axpy_scaled(indptr, indices, data, dense, c, delta, p_k, mixed)
                largest = max(largest, abs(delta) * curv)
        shift = _best_shift(coef[c] + step[c], l2[c], l1[c])
        if shift != 0.0:
            # Adding the same amount to every class leaves the loss unchanged, so
            # it moves only the penalty: the one direction coordinates cannot follow.
            step[c] += shift
            for k in range(K):
                _axpy(indptr, indices, data, dense, c, shift, raw_step[k])
            _axpy(indptr, indices, data, dense, c, shift, mixed)
    if intercept[0] > 0.0:
        for k in range(K):
            curv_b = intercept[2 + 2 * k]
            if curv_b <= 0.0:
                continue
            p_k = proba[k]
            raw_k = raw_step[k]
            partial = intercept[1 + 2 * k]
            for i in range(n):
                partial += weight[i] * p_k[i] * (raw_k[i] - mixed[i])
            delta = -partial / curv_b
            step_b[k] += delta
            for i in range(n):
                raw_k[i] += delta
                mixed[i] += delta * p_k[i]
            largest = max(largest, abs(delta) * curv_b)
    return largest


@njit(cache=True, nogil=True)
def _shift_cost(values, shift, l2, l1):
    total = 0.0
    for v in values:
        u = v + shift
        total += 0.5 * l2 * u * u + l1 * abs(u)
    return total


@njit(cache=True, nogil=True)
def _best_shift(values, l2, l1):
    """``argmin_c Σₖ l2/2·(vₖ + c)² + l1·|vₖ + c|``; 0 unless something is strictly better.

    The minimum lies at a breakpoint ``-vₖ`` or at the stationary point of one
    of the quadratic pieces between breakpoints.
    """
    if l1 == 0.0 and l2 == 0.0:
        return 0.0
    K = values.shape[0]
    best, best_cost = 0.0, _shift_cost(values, 0.0, l2, l1)
    breaks = -values  # a copy, sorted by insertion: K is small, and np.sort compiles slowly
    for i in range(1, K):
        j, item = i, breaks[i]
        while j > 0 and breaks[j - 1] > item:
            breaks[j] = breaks[j - 1]
            j -= 1
        breaks[j] = item
    total = values.sum()
    for i in range(2 * K + 1):
        piece = i // 2
        if i % 2 == 0:  # stationary point of the piece with `piece` breakpoints below
            if l2 == 0.0:
                continue
            low = breaks[piece - 1] if piece > 0 else -np.inf
            high = breaks[piece] if piece < K else np.inf
            shift = min(max(-(total + l1 * (2 * piece - K) / l2) / K, low), high)
        else:
            shift = breaks[piece]
        cost = _shift_cost(values, shift, l2, l1)
        if cost < best_cost - 1e-15 * abs(best_cost):
            best, best_cost = shift, cost
    return best


@njit(cache=True, nogil=True, fastmath=_FAST)
def _dot_centred(indptr, indices, data, dense, c, weight, p_k, raw_k, mixed):
    """``Σᵢ xᵢ·sᵢ·pᵢₖ·((Xd)ᵢₖ - uᵢ)`` over column ``c``."""
    start, end = indptr[c], indptr[c + 1]
    total = 0.0
    if dense:
        for p in range(start, end):
            i = p - start
            total += data[p] * weight[i] * p_k[i] * (raw_k[i] - mixed[i])
    else:
        for p in range(start, end):
            i = indices[p]
            total += data[p] * weight[i] * p_k[i] * (raw_k[i] - mixed[i])
    return total


@njit(cache=True, nogil=True, fastmath=_FAST)
def _axpy_scaled(indptr, indices, data, dense, c, delta, scale, out):
    """``out += delta·x·scale`` for column ``c``."""
    start, end = indptr[c], indptr[c + 1]
    if dense:
        for p in range(start, end):
            out[p - start] += delta * data[p] * scale[p - start]
    else:
        for p in range(start, end):
            i = indices[p]
            out[i] += delta * data[p] * scale[i]


@njit(cache=True, nogil=True, fastmath=_FAST)
def _multinomial_violation(indptr, indices, data, dense, weight, proba, grad, coef, l1, l2, step,
                           raw_step, mixed, intercept):  # fmt: skip
    """Exact KKT violation of the multinomial model at ``step`` (see ``_binomial_violation``)."""
    K, n = proba.shape
    largest = 0.0
    for c in range(indptr.shape[0] - 1):
        for k in range(K):
            partial = grad[c, k] + l2[c] * step[c, k]
            partial += _dot_centred(
                indptr, indices, data, dense, c, weight, proba[k], raw_step[k], mixed
            )
            largest = max(largest, _l1_violation(partial, coef[c, k] + step[c, k], l1[c]))
    if intercept[0] > 0.0:
        for k in range(K):
            partial = intercept[1 + 2 * k]
            for i in range(n):
                partial += weight[i] * proba[k, i] * (raw_step[k, i] - mixed[i])
            largest = max(largest, abs(partial))
    return largest


@njit(cache=True, nogil=True)
def multinomial_cd(indptr, indices, data, dense, weight, proba, grad, coef, l1, l2, diag, step,
                   raw_step, intercept, step_b, max_epochs, tol):  # fmt: skip
    """Coordinate descent on the exact multinomial quadratic model (all class couplings).

    The Hessian of sample ``i`` is ``sᵢ(diag(pᵢ) - pᵢpᵢᵀ)``; with ``u = Σₖ pₖ·(Xd)ₖ``
    kept up to date, the partial derivative in coordinate ``(c, k)`` is
    ``gₖ + Σᵢ xᵢ sᵢ pᵢₖ((Xd)ᵢₖ - uᵢ)``. Layouts: ``proba`` and ``raw_step``
    (K, n); ``grad``, ``coef``, ``diag`` and ``step`` (n_cols, K); ``intercept``
    is ``[fit, g₀, h₀, g₁, h₁, …]`` and ``step_b`` (K,). ``step``, ``raw_step``
    and ``step_b`` are updated in place; returns the epochs used.
    """
    K, n = proba.shape
    mixed = np.zeros(n)
    for k in range(K):
        mixed += proba[k] * raw_step[k]
    every = np.arange(indptr.shape[0] - 1)
    epoch = 0
    while epoch < max_epochs:
        epoch += 1
        largest = _multinomial_sweep(every, indptr, indices, data, dense, weight, proba, grad,
                                     coef, l1, l2, diag, step, raw_step, mixed, intercept,
                                     step_b)  # fmt: skip
        if largest <= tol and _multinomial_violation(
            indptr, indices, data, dense, weight, proba, grad, coef, l1, l2, step, raw_step, mixed,
            intercept,
        ) <= tol:  # fmt: skip
            break
        active = _nonzero_columns(coef, step)
        while epoch < max_epochs:
            epoch += 1
            largest = _multinomial_sweep(active, indptr, indices, data, dense, weight, proba,
                                         grad, coef, l1, l2, diag, step, raw_step, mixed,
                                         intercept, step_b)  # fmt: skip
            if largest <= tol:
                break
    return epoch


@njit(cache=True, nogil=True)
def _gram_sweep(cols, Q, grad, coef, l1, l2, step, q_step):
    """One cyclic pass over ``cols`` of the model ``gᵀd + ½dᵀQd``; the largest change."""
    largest = 0.0
    for c in cols:
        curv = Q[c, c] + l2[c]
        if curv <= 0.0:
            continue
        partial = grad[c] + q_step[c] + l2[c] * step[c]
        old = coef[c] + step[c]
        delta = _soft_threshold(old - partial / curv, l1[c] / curv) - old
        if delta != 0.0:
            step[c] += delta
            q_step += delta * Q[c]  # Q is symmetric: row c is column c
            largest = max(largest, abs(delta) * curv)
    return largest


@njit(cache=True, nogil=True)
def gram_cd(Q, grad, coef, l1, l2, step, max_epochs, tol):
    """Coordinate descent on ``gᵀd + ½dᵀ(Q + diag(l2))d + Σ l1|w + d|`` with ``Q`` formed.

    The covariance-update mode of glmnet: after one Gram matrix (a BLAS
    product), each coordinate update costs O(n_cols) instead of a pass over a
    column of ``X``. Unpenalized coordinates (the intercept) have ``l1 = 0``.
    ``step`` (n_cols,) is updated in place from where it starts (zero, or an
    earlier call's result); returns the epochs used. Stops when a sweep moves
    no partial derivative by more than ``tol`` and the model's exact KKT
    violation is below ``tol`` too.
    """
    q_step = Q @ step
    every = np.arange(Q.shape[0])
    epoch = 0
    while epoch < max_epochs:
        epoch += 1
        if _gram_sweep(every, Q, grad, coef, l1, l2, step, q_step) <= tol and (
            _gram_violation(grad, coef, l1, l2, step, q_step) <= tol
        ):
            break
        active = np.flatnonzero((coef + step != 0.0) | (l1 == 0.0))
        while epoch < max_epochs:
            epoch += 1
            if _gram_sweep(active, Q, grad, coef, l1, l2, step, q_step) <= tol:
                break
    return epoch


@njit(cache=True, nogil=True)
def _gram_violation(grad, coef, l1, l2, step, q_step):
    """Largest entry of the model's minimum-norm subgradient at ``coef + step``.

    The partial derivatives ``g + Qd + l2·d`` are kept up to date by the
    sweeps, so this costs O(n_cols): the exact test that small coordinate moves
    alone cannot give (with correlated columns, many small moves add up).
    """
    largest = 0.0
    for c in range(grad.shape[0]):
        partial = grad[c] + q_step[c] + l2[c] * step[c]
        largest = max(largest, _l1_violation(partial, coef[c] + step[c], l1[c]))
    return largest
