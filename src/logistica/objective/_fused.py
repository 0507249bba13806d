"""Loss value with residual, column moments, squared sparse products and Gram matrices:
NumPy or compiled; products of large float32 designs, compiled.

The compiled kernels (:mod:`._kernels`) do each job in one pass and win on large
arrays. On small ones they lose: importing numba and loading its first kernel
cost ~0.5 s once per process, two orders of magnitude more than the NumPy
expressions below on a few thousand rows. So a small fit never touches numba
(``import logistica`` does not import it either), and a large one pays the
fixed cost once, where it is a small fraction of the fit.

On large sparse data the compiled loops also avoid NumPy's temporaries of the
size of ``X`` (five of them for the sparse variances), which dominated the
extra memory of a sparse fit, and read float32 values in place, where SciPy's
products with float64 vectors upcast a copy of the matrix on every call.
"""

from __future__ import annotations

from functools import cache
from itertools import pairwise

import numpy as np
import scipy.sparse as sp
from scipy.special import expit

__all__ = [
    "COMPILED_MIN",
    "binomial_value_residual",
    "float32_in_place",
    "float32_product",
    "focal_value_residual",
    "multinomial_value_residual",
    "shifted_moments",
    "sparse_gram",
    "sparse_moments",
    "sparse_sq_rmatvec",
]

#: Arrays with fewer entries than this are handled by NumPy.
COMPILED_MIN = 50_000


def _compiled(name: str, raw, y, sample_weight, *extra) -> tuple[float, np.ndarray]:
    """Run the value-and-residual kernel ``name`` of :mod:`._kernels` (imported on first use)."""
    from . import _kernels

    residual = np.empty_like(raw)
    return float(getattr(_kernels, name)(raw, y, sample_weight, residual, *extra)), residual


def binomial_value_residual(
    raw: np.ndarray, y: np.ndarray, sample_weight: np.ndarray
) -> tuple[float, np.ndarray]:
    """``Σ sᵢ(log(1+e^zᵢ) - yᵢzᵢ)`` and the residual ``s·(σ(z) - y)``.

    Parameters
    ----------
    raw, y, sample_weight : ndarray of shape (n,)
        Linear predictor, 0/1 targets (or probabilities) and weights.

    Returns
    -------
    value : float
    residual : ndarray of shape (n,)

    Examples
    --------
    >>> import numpy as np
    >>> value, residual = binomial_value_residual(np.zeros(2), np.array([0.0, 1.0]), np.ones(2))
    >>> round(value, 6), residual
    (1.386294, array([ 0.5, -0.5]))
    """
    raw = np.ascontiguousarray(raw, dtype=np.float64)
    y = np.ascontiguousarray(y, dtype=np.float64)
    if raw.size >= COMPILED_MIN:
        return _compiled("binomial_value_residual", raw, y, sample_weight)
    e = np.exp(-np.abs(raw))
    log1pexp = np.maximum(raw, 0.0) + np.log1p(e)
    proba = np.where(raw >= 0, 1.0, e) / (1.0 + e)
    return float(sample_weight @ (log1pexp - y * raw)), sample_weight * (proba - y)


def focal_value_residual(
    raw: np.ndarray, y: np.ndarray, sample_weight: np.ndarray, gamma: float
) -> tuple[float, np.ndarray]:
    """The focal loss ``Σ sᵢ·q^γ·S`` and its residual (see :class:`~.focal.FocalLoss`).

    With ``m = (2y - 1)·z``, ``S = softplus(z) - y·z = -log p_t`` and
    ``q^γ = exp(-γ·softplus(m))``, both in log space so any finite ``z`` is safe.

    Parameters
    ----------
    raw, y, sample_weight : ndarray of shape (n,)
        Linear predictor, 0/1 targets and weights.
    gamma : float
        Focusing parameter.

    Returns
    -------
    value : float
    residual : ndarray of shape (n,)

    Examples
    --------
    >>> import numpy as np
    >>> value, residual = focal_value_residual(np.zeros(1), np.ones(1), np.ones(1), 2.0)
    >>> round(value, 6), residual.round(6)
    (0.173287, array([-0.298287]))
    """
    raw = np.ascontiguousarray(raw, dtype=np.float64)
    y = np.ascontiguousarray(y, dtype=np.float64)
    if raw.size >= COMPILED_MIN:
        return _compiled("focal_value_residual", raw, y, sample_weight, float(gamma))
    sign = 2.0 * y - 1.0
    neg_log_pt = np.logaddexp(0.0, raw) - y * raw
    modulator = np.exp(-gamma * np.logaddexp(0.0, sign * raw))
    slope = expit(raw) - y - sign * gamma * expit(sign * raw) * neg_log_pt
    return float(sample_weight @ (modulator * neg_log_pt)), sample_weight * modulator * slope


def multinomial_value_residual(
    raw: np.ndarray, y: np.ndarray, sample_weight: np.ndarray
) -> tuple[float, np.ndarray]:
    """``Σ sᵢ(logsumexp(zᵢ) - z_{i,yᵢ})`` and the residual ``s·(softmax(z) - onehot(y))``.

    Parameters
    ----------
    raw : ndarray of shape (n, K)
        Linear predictor.
    y : ndarray of shape (n,)
        Class codes ``0 … K-1``.
    sample_weight : ndarray of shape (n,)
        Observation weights.

    Returns
    -------
    value : float
    residual : ndarray of shape (n, K)

    Examples
    --------
    >>> import numpy as np
    >>> value, residual = multinomial_value_residual(np.zeros((1, 2)), np.array([1]), np.ones(1))
    >>> round(value, 6), residual
    (0.693147, array([[ 0.5, -0.5]]))
    """
    raw = np.ascontiguousarray(raw, dtype=np.float64)
    y = np.ascontiguousarray(y, dtype=np.intp)
    if raw.size >= COMPILED_MIN:
        return _compiled("multinomial_value_residual", raw, y, sample_weight)
    rows = np.arange(raw.shape[0])
    row_max = raw.max(axis=1)
    residual = np.exp(raw - row_max[:, None])
    norm = residual.sum(axis=1)
    value = float(sample_weight @ (np.log(norm) + row_max - raw[rows, y]))
    residual *= (sample_weight / norm)[:, None]
    residual[rows, y] -= sample_weight
    return value, residual


def shifted_moments(
    X: np.ndarray, sample_weight: np.ndarray, shift: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """``Σ sᵢ(xᵢ - c)`` and ``Σ sᵢ(xᵢ - c)²`` per column of a dense ``X``.

    With a shift ``c`` near the means, ``m2 - m1²`` is the variance without the
    cancellation of ``E[x²] - E[x]²``.

    Parameters
    ----------
    X : ndarray of shape (n, d)
        Dense data, any memory order.
    sample_weight : ndarray of shape (n,)
        Observation weights.
    shift : ndarray of shape (d,)
        Values subtracted from each column first (near its mean).

    Returns
    -------
    m1, m2 : ndarray of shape (d,)

    Examples
    --------
    >>> import numpy as np
    >>> shifted_moments(np.array([[1.0], [3.0]]), np.full(2, 0.5), np.array([1.0]))
    (array([1.]), array([2.]))
    """
    if X.size < COMPILED_MIN:
        centred = np.asarray(X, dtype=np.float64) - shift
        return sample_weight @ centred, sample_weight @ (centred * centred)
    from ._kernels import shifted_moments_by_columns, shifted_moments_by_rows

    m1, m2 = np.zeros(X.shape[1]), np.zeros(X.shape[1])
    if X.flags.c_contiguous:
        shifted_moments_by_rows(X, sample_weight, shift, m1, m2)
    else:
        shifted_moments_by_columns(np.asfortranarray(X).T, sample_weight, shift, m1, m2)
    return m1, m2


def sparse_sq_rmatvec(X, H: np.ndarray) -> np.ndarray:
    """``(X∘X)ᵀ @ H`` for a CSR or CSC matrix, without a squared copy of large ones.

    Parameters
    ----------
    X : scipy.sparse matrix in CSR or CSC format
        The design.
    H : ndarray of shape (n,) or (n, K)
        Row weights.

    Returns
    -------
    ndarray of shape (d,) or (d, K)

    Examples
    --------
    >>> import numpy as np
    >>> import scipy.sparse as sp
    >>> sparse_sq_rmatvec(sp.csr_matrix(np.array([[1.0, 2.0], [3.0, 0.0]])), np.ones(2))
    array([10.,  4.])
    """
    if X.nnz < COMPILED_MIN:
        X = X.astype(np.float64, copy=False)  # a small copy: float32 values squared in float64
        return np.asarray(X.multiply(X).T @ H)
    from ._kernels import sparse_sq_rmatvec as kernel

    H2 = np.ascontiguousarray(H, dtype=np.float64).reshape(H.shape[0], -1)
    out = np.zeros((X.shape[1], H2.shape[1]))
    kernel(X.indptr, X.indices, X.data, H2, X.format == "csr", out)
    return out.reshape((X.shape[1], *H.shape[1:]))


def sparse_gram(X, h: np.ndarray) -> np.ndarray:
    """``Xᵀ diag(h) X`` in float64 for a CSR or CSC matrix, float32 or float64 values.

    Large matrices are read in place by a compiled loop over the pairs of stored
    entries of each row (a CSC matrix is converted to CSR once, in its own
    precision); small ones go through SciPy's sparse product.

    Parameters
    ----------
    X : scipy.sparse matrix of shape (n, d) in CSR or CSC format
        The design.
    h : ndarray of shape (n,)
        Row weights; negative entries are allowed.

    Returns
    -------
    ndarray of shape (d, d)

    Examples
    --------
    >>> import numpy as np
    >>> import scipy.sparse as sp
    >>> sparse_gram(sp.csr_matrix(np.array([[1.0, 2.0], [3.0, 0.0]])), np.array([1.0, 2.0]))
    array([[19.,  2.],
           [ 2.,  4.]])
    """
    if X.nnz < COMPILED_MIN:
        X = X.astype(np.float64, copy=False)  # a small copy: float32 products in float64
        return (X.T @ sp.diags(h) @ X).toarray()
    from ._kernels import sparse_gram as kernel

    csr = X.tocsr()
    out = np.zeros((X.shape[1], X.shape[1]))
    kernel(csr.indptr, csr.indices, csr.data, np.ascontiguousarray(h, dtype=np.float64), out)
    return out


def sparse_moments(X, sample_weight: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Weighted column means and variances of a CSR or CSC matrix, zeros included.

    Stored entries are centred at the mean before squaring, and the implicit
    zeros add ``μ²`` times their weight: no cancellation of ``E[x²] - E[x]²``.

    Parameters
    ----------
    X : scipy.sparse matrix in CSR or CSC format
        The design.
    sample_weight : ndarray of shape (n,)
        Observation weights.

    Returns
    -------
    mean, var : ndarray of shape (d,)

    Examples
    --------
    >>> import numpy as np
    >>> import scipy.sparse as sp
    >>> sparse_moments(sp.csr_matrix(np.array([[2.0], [0.0]])), np.full(2, 0.5))
    (array([1.]), array([1.]))
    """
    if float32_in_place(X):  # SciPy would upcast a copy of X
        mean = float32_product(X, sample_weight, transpose=True)
    else:
        mean = np.asarray(X.T @ sample_weight, dtype=np.float64)
    if X.nnz < COMPILED_MIN:
        csr = X.tocsr()
        rows = np.repeat(np.arange(X.shape[0]), np.diff(csr.indptr))
        weight = sample_weight[rows]
        nonzero_weight = np.bincount(csr.indices, weight, minlength=X.shape[1])
        spread = np.bincount(csr.indices, weight * (csr.data - mean[csr.indices]) ** 2, X.shape[1])
    else:
        from ._kernels import sparse_centred_spread

        nonzero_weight, spread = np.zeros(X.shape[1]), np.zeros(X.shape[1])
        sparse_centred_spread(
            X.indptr, X.indices, X.data, np.ascontiguousarray(sample_weight, dtype=np.float64),
            mean, X.format == "csr", nonzero_weight, spread,
        )  # fmt: skip
    return mean, spread + mean**2 * (sample_weight.sum() - nonzero_weight)


def float32_in_place(X) -> bool:
    """Whether :func:`float32_product` takes ``X``: large float32 data it can read in place.

    Parameters
    ----------
    X : ndarray or scipy.sparse matrix
        The design.

    Returns
    -------
    bool
        True for float32 data with at least ``COMPILED_MIN`` entries (stored
        entries when sparse), C-ordered when dense, CSR or CSC when sparse.

    Examples
    --------
    >>> float32_in_place(np.ones((50_000, 2), dtype=np.float32))
    True
    >>> float32_in_place(np.ones((50_000, 2), dtype=np.float32, order="F"))
    False
    """
    if X.dtype != np.float32:
        return False
    if sp.issparse(X):
        return X.format in ("csr", "csc") and X.nnz >= COMPILED_MIN
    return X.flags.c_contiguous and X.size >= COMPILED_MIN


def float32_product(X, A: np.ndarray, transpose: bool = False) -> np.ndarray:
    """``X @ A`` (or ``Xᵀ @ A``) in float64 for a large float32 ``X``, read in place.

    Sparse ``X`` may also hold float64 values; the products loop over its stored
    entries, so empty rows and columns cost nothing.

    Parameters
    ----------
    X : ndarray or scipy.sparse matrix of shape (n, d)
        Data accepted by :func:`float32_in_place`: float32, C-ordered when
        dense, CSR or CSC when sparse.
    A : ndarray of shape (d,) or (d, K); (n,) or (n, K) with ``transpose``
        Coefficients, or row weights (residuals).
    transpose : bool, default=False
        Compute ``Xᵀ @ A``.

    Returns
    -------
    ndarray of shape (n,) or (n, K); (d,) or (d, K) with ``transpose``; float64

    Examples
    --------
    >>> X = np.ones((50_000, 2), dtype=np.float32)
    >>> float32_product(X, np.array([0.5, 0.25]))[:2]
    array([0.75, 0.75])
    >>> float32_product(X, np.full(50_000, 0.5), transpose=True)
    array([25000., 25000.])
    >>> import scipy.sparse as sp
    >>> S = sp.csr_matrix(np.array([[1.0, 2.0], [0.0, 3.0]], dtype=np.float32))
    >>> float32_product(S, np.ones(2)), float32_product(S, np.ones(2), transpose=True)
    (array([3., 3.]), array([1., 5.]))
    """
    from . import _kernels

    A2 = np.ascontiguousarray(A, dtype=np.float64).reshape(A.shape[0], -1)
    n, d = X.shape
    size = d if transpose else n
    if sp.issparse(X):
        # CSR holds the rows of X, CSC those of Xᵀ: a dot product per stored row, or a scatter
        kernel = (
            _kernels.sparse_matvec if (X.format == "csr") != transpose else _kernels.sparse_rmatvec
        )
        out = np.zeros((size, A2.shape[1]))
        kernel(X.indptr, X.indices, X.data, A2, out)
        return out.reshape((size, *A.shape[1:]))
    blocks = _row_blocks(X)
    if transpose:
        parts = [np.zeros((A2.shape[1], d)) for _ in blocks]
        calls = [(X[s], A2[s], p) for s, p in zip(blocks, parts, strict=True)]
        _each(_kernels.float32_rmatvec, calls)
        return sum(parts[1:], parts[0]).T.reshape((size, *A.shape[1:]))
    out = np.empty((n, A2.shape[1]))
    coef_rows = np.ascontiguousarray(A2.T)  # each output column's coefficients, contiguous
    _each(_kernels.float32_matvec, [(X[s], coef_rows, out[s]) for s in blocks])
    return out.reshape((size, *A.shape[1:]))


#: Dense float32 products with at least this many entries run on row blocks in threads
#: (the compiled loops release the GIL): 50k×1000 on 2 cores, X·w 15 → 8 ms, Xᵀr 21 → 11 ms
#: (since then 8 rows per update of Xᵀr: 13.5 → 8.4 ms).
_THREADED_MIN = 2_000_000


def _row_blocks(X: np.ndarray) -> list[slice]:
    """Row ranges of ``X``, one per thread (one range below ``_THREADED_MIN`` entries)."""
    threads = 1
    if X.size >= _THREADED_MIN:
        from .._blas import product_threads

        threads = min(product_threads(), X.shape[0])
    bounds = np.linspace(0, X.shape[0], threads + 1).astype(int)
    return [slice(lo, hi) for lo, hi in pairwise(bounds)]


def _each(kernel, calls: list[tuple]) -> None:
    """``kernel(*call)`` for every call: in this thread, or in threads when several."""
    if len(calls) == 1:
        kernel(*calls[0])
        return
    for future in [_pool().submit(kernel, *call) for call in calls]:
        future.result()


@cache
def _pool():
    from concurrent.futures import ThreadPoolExecutor

    return ThreadPoolExecutor(thread_name_prefix="logistica-product")
