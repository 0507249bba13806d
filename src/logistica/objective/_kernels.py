"""Fused, compiled kernels: loss value and residual (binomial, multinomial, focal) in one
pass over the raw predictions, weighted column moments in one pass over a dense design,
the variances, squared products and Gram matrices of sparse designs over their stored
entries, and the products of float32 designs (dense or sparse) with float64 vectors.
Callers go through :mod:`._fused`, which keeps small inputs in NumPy.

NumPy needs about ten passes (max, subtract, exp, sum, log, divide, gather,
weight, ...) over an (n, K) array to get the multinomial loss and residual;
these loops do it in one: 10 ms instead of 37 ms for 100k × 10. Compiled on
first use and cached on disk (``cache=True``). They are deliberately serial:
numba's parallel loops spin-wait next to OpenBLAS's threads and slowed the
test suite tenfold under pytest-xdist, for a 20% gain on the kernel alone.
"""

from __future__ import annotations

import math

import numba
import numpy as np

__all__ = [
    "binomial_value_residual",
    "float32_matvec",
    "float32_rmatvec",
    "focal_value_residual",
    "multinomial_value_residual",
    "shifted_moments_by_columns",
    "shifted_moments_by_rows",
    "sparse_centred_spread",
    "sparse_gram",
    "sparse_matvec",
    "sparse_rmatvec",
    "sparse_sq_rmatvec",
]


@numba.njit(cache=True)
def binomial_value_residual(
    raw: np.ndarray, y: np.ndarray, sample_weight: np.ndarray, residual: np.ndarray
) -> float:
    """Σ sᵢ(log(1+e^zᵢ) - yᵢzᵢ); writes ``residual = s·(σ(z) - y)``."""
    total = 0.0
    for i in range(raw.shape[0]):
        z = raw[i]
        e = math.exp(-abs(z))
        log1pexp = max(z, 0.0) + math.log1p(e)
        p = 1.0 / (1.0 + e) if z >= 0 else e / (1.0 + e)
        total += sample_weight[i] * (log1pexp - y[i] * z)
        residual[i] = sample_weight[i] * (p - y[i])
    return total


@numba.njit(cache=True)
def multinomial_value_residual(
    raw: np.ndarray, y: np.ndarray, sample_weight: np.ndarray, residual: np.ndarray
) -> float:
    """Σ sᵢ(logsumexp(zᵢ) - z_{i,yᵢ}); writes ``residual = s·(softmax(z) - onehot(y))``."""
    n, k = raw.shape
    total = 0.0
    for i in range(n):
        row_max = raw[i, 0]
        for j in range(1, k):
            row_max = max(row_max, raw[i, j])
        norm = 0.0
        for j in range(k):
            e = math.exp(raw[i, j] - row_max)
            residual[i, j] = e
            norm += e
        w = sample_weight[i]
        label = y[i]
        total += w * (math.log(norm) + row_max - raw[i, label])
        scale = w / norm
        for j in range(k):
            residual[i, j] *= scale
        residual[i, label] -= w
    return total


@numba.njit(cache=True)
def shifted_moments_by_rows(
    X: np.ndarray, sample_weight: np.ndarray, shift: np.ndarray, m1: np.ndarray, m2: np.ndarray
) -> None:
    """Accumulate ``m1 += Σ sᵢ(xᵢ - c)`` and ``m2 += Σ sᵢ(xᵢ - c)²`` over C-ordered rows.

    With a shift ``c`` near the means, ``m2 - m1²`` is the variance without the
    cancellation of ``E[x²] - E[x]²``; one pass instead of NumPy's four.
    """
    for i in range(X.shape[0]):
        weight = sample_weight[i]
        if weight == 0.0:
            continue
        for j in range(X.shape[1]):
            t = X[i, j] - shift[j]
            m1[j] += weight * t
            m2[j] += weight * t * t


@numba.njit(cache=True)
def shifted_moments_by_columns(
    XT: np.ndarray, sample_weight: np.ndarray, shift: np.ndarray, m1: np.ndarray, m2: np.ndarray
) -> None:
    """:func:`shifted_moments_by_rows` for Fortran-ordered data, given ``XT = X.T``."""
    for j in range(XT.shape[0]):
        a = 0.0
        b = 0.0
        for i in range(XT.shape[1]):
            t = XT[j, i] - shift[j]
            a += sample_weight[i] * t
            b += sample_weight[i] * t * t
        m1[j] += a
        m2[j] += b


@numba.njit(cache=True)
def sparse_sq_rmatvec(
    indptr: np.ndarray, indices: np.ndarray, data: np.ndarray, H: np.ndarray, by_rows: bool,
    out: np.ndarray,
) -> None:  # fmt: skip
    """``out += (X∘X)ᵀ H`` for CSR (``by_rows``) or CSC triplets, ``H`` (n, K): no copy of X."""
    for major in range(indptr.shape[0] - 1):
        for p in range(indptr[major], indptr[major + 1]):
            value = np.float64(data[p])  # float32 values squared in float64
            square = value * value
            row, col = (major, indices[p]) if by_rows else (indices[p], major)
            for k in range(H.shape[1]):
                out[col, k] += square * H[row, k]


@numba.njit(cache=True)
def sparse_gram(
    indptr: np.ndarray, indices: np.ndarray, data: np.ndarray, h: np.ndarray, out: np.ndarray
) -> None:
    """``out += Xᵀ diag(h) X`` for CSR triplets, over the pairs of stored entries of each row.

    Both halves are written (no transposed copy to add) and positions are unsigned
    (no negative-index checks), with no temporary: 20 instead of 150 ms for 200k×300
    with 1.8M entries, 65 instead of 260 ms for 100k×2000 text-like rows, against
    SciPy's sparse product and its dense copy. Unsorted and repeated column indices
    give the right sums.
    """
    for row in range(indptr.shape[0] - 1):
        weight = h[row]
        if weight == 0.0:
            continue
        stop = np.uintp(indptr[row + 1])
        for p in range(np.uintp(indptr[row]), stop):
            a = np.uintp(indices[p])
            value = weight * np.float64(data[p])
            out[a, a] += value * np.float64(data[p])
            for q in range(p + np.uintp(1), stop):
                b = np.uintp(indices[q])
                term = value * np.float64(data[q])
                out[a, b] += term
                out[b, a] += term


@numba.njit(cache=True)
def sparse_centred_spread(
    indptr: np.ndarray, indices: np.ndarray, data: np.ndarray, sample_weight: np.ndarray,
    mean: np.ndarray, by_rows: bool, nonzero_weight: np.ndarray, spread: np.ndarray,
) -> None:  # fmt: skip
    """Per column, ``Σ sᵢ`` and ``Σ sᵢ(xᵢⱼ - μⱼ)²`` over its stored entries (CSR or CSC)."""
    for major in range(indptr.shape[0] - 1):
        for p in range(indptr[major], indptr[major + 1]):
            row, col = (major, indices[p]) if by_rows else (indices[p], major)
            t = data[p] - mean[col]
            nonzero_weight[col] += sample_weight[row]
            spread[col] += sample_weight[row] * t * t


@numba.njit(cache=True)
def _softplus(z: float) -> float:
    return max(z, 0.0) + math.log1p(math.exp(-abs(z)))


@numba.njit(cache=True)
def _sigmoid(z: float) -> float:
    e = math.exp(-abs(z))
    return 1.0 / (1.0 + e) if z >= 0 else e / (1.0 + e)


@numba.njit(cache=True)
def focal_value_residual(
    raw: np.ndarray,
    y: np.ndarray,
    sample_weight: np.ndarray,
    residual: np.ndarray,
    gamma: float,
) -> float:
    """The focal loss's ``Σ sᵢℓᵢ``; writes the residual ``sᵢ·dℓ/dzᵢ`` (see ``FocalLoss``).

    Examples
    --------
    >>> residual = np.empty(1)
    >>> value = focal_value_residual(np.zeros(1), np.ones(1), np.ones(1), residual, 2.0)
    >>> round(value, 6), residual.round(6)
    (0.173287, array([-0.298287]))
    """
    total = 0.0
    for i in range(raw.shape[0]):
        z, target = raw[i], y[i]
        sign = 2.0 * target - 1.0
        neg_log_pt = _softplus(z) - target * z
        modulator = math.exp(-gamma * _softplus(sign * z))
        total += sample_weight[i] * modulator * neg_log_pt
        slope = _sigmoid(z) - target - sign * gamma * _sigmoid(sign * z) * neg_log_pt
        residual[i] = sample_weight[i] * modulator * slope
    return total


# Products of a float32 design with float64 vectors, accumulated in float64, reading
# X in place: NumPy would upcast the whole matrix (or, blocked, each row block) first.
# Reassociating the float64 sums (not "fast" about NaN or infinity) lets the loops
# vectorize. Each pass over the coefficients serves 4 rows (X·W), and each update of
# the output 8 rows (XᵀR): one thread, 25k×1000, X·W 8.0 ms with one column as before,
# 271 → 77 ms with ten (the coefficients were read across their rows); XᵀR 11.1 → 7.5
# ms, 44 → 25 ms with ten. They release the GIL: large products run on row blocks in
# threads (_fused).
@numba.njit(cache=True, nogil=True, fastmath={"reassoc", "contract"})
def float32_matvec(X: np.ndarray, Wt: np.ndarray, out: np.ndarray) -> None:  # pragma: no cover
    """``out = X @ Wt.T`` for C-ordered float32 ``X`` (n, d), float64 ``Wt`` (K, d)."""
    n, d = X.shape
    K = Wt.shape[0]
    full = n - n % 4
    for i in range(0, full, 4):
        for k in range(K):
            a0 = a1 = a2 = a3 = 0.0
            for j in range(d):
                w = Wt[k, j]
                a0 += np.float64(X[i, j]) * w
                a1 += np.float64(X[i + 1, j]) * w
                a2 += np.float64(X[i + 2, j]) * w
                a3 += np.float64(X[i + 3, j]) * w
            out[i, k] = a0
            out[i + 1, k] = a1
            out[i + 2, k] = a2
            out[i + 3, k] = a3
    for i in range(full, n):
        for k in range(K):
            acc = 0.0
            for j in range(d):
                acc += np.float64(X[i, j]) * Wt[k, j]
            out[i, k] = acc


@numba.njit(cache=True, nogil=True, fastmath={"reassoc", "contract"})
def float32_rmatvec(X: np.ndarray, R: np.ndarray, out: np.ndarray) -> None:  # pragma: no cover
    """``out += (Xᵀ @ R)ᵀ`` for C-ordered float32 ``X`` (n, d), float64 ``R`` (n, K);
    ``out`` has shape (K, d)."""
    n, d = X.shape
    K = R.shape[1]
    full = n - n % 8
    for i in range(0, full, 8):
        for k in range(K):
            r0, r1, r2, r3 = R[i, k], R[i + 1, k], R[i + 2, k], R[i + 3, k]
            r4, r5, r6, r7 = R[i + 4, k], R[i + 5, k], R[i + 6, k], R[i + 7, k]
            for j in range(d):
                low = np.float64(X[i, j]) * r0 + np.float64(X[i + 1, j]) * r1
                low += np.float64(X[i + 2, j]) * r2 + np.float64(X[i + 3, j]) * r3
                high = np.float64(X[i + 4, j]) * r4 + np.float64(X[i + 5, j]) * r5
                high += np.float64(X[i + 6, j]) * r6 + np.float64(X[i + 7, j]) * r7
                out[k, j] += low + high
    for i in range(full, n):
        for k in range(K):
            r = R[i, k]
            for j in range(d):
                out[k, j] += np.float64(X[i, j]) * r


# Products of a CSR or CSC matrix with float64 vectors, accumulated in float64, reading
# the stored entries in place: SciPy upcasts float32 values to a copy on every call.
# The triplets ``(indptr, indices, data)`` hold a matrix ``M`` by its major axis
# (``M = X`` for CSR, ``M = Xᵀ`` for CSC): ``M @ A`` is a dot product per major slice,
# ``Mᵀ @ A`` a scatter-add. Unsigned positions spare numba's negative-index checks:
# 100k×50k with 2.2M entries, 2.0 ms each way instead of 3.3, SciPy's float64 speed.
@numba.njit(cache=True, fastmath={"reassoc", "contract"})
def sparse_matvec(
    indptr: np.ndarray, indices: np.ndarray, data: np.ndarray, A: np.ndarray, out: np.ndarray
) -> None:
    """``out = M @ A`` for the compressed ``M`` (m, p), float64 ``A`` (p, K), ``out`` (m, K)."""
    for major in range(indptr.shape[0] - 1):
        for k in range(A.shape[1]):
            acc = 0.0
            for p in range(np.uintp(indptr[major]), np.uintp(indptr[major + 1])):
                acc += np.float64(data[p]) * A[np.uintp(indices[p]), k]
            out[major, k] = acc


@numba.njit(cache=True, fastmath={"reassoc", "contract"})
def sparse_rmatvec(
    indptr: np.ndarray, indices: np.ndarray, data: np.ndarray, A: np.ndarray, out: np.ndarray
) -> None:
    """``out += Mᵀ @ A`` for the compressed ``M`` (m, p), float64 ``A`` (m, K), ``out`` (p, K)."""
    for major in range(indptr.shape[0] - 1):
        for k in range(A.shape[1]):
            a = A[major, k]
            if a != 0.0:
                for p in range(np.uintp(indptr[major]), np.uintp(indptr[major + 1])):
                    out[np.uintp(indices[p]), k] += np.float64(data[p]) * a
