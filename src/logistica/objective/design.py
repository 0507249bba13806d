"""The design matrix and the only heavy kernels: ``X @ W``, ``Xᵀ R`` and ``Xᵀ diag(h) X``.

Dense float64 data goes straight to BLAS. Dense float32 data is never copied
whole: products that decide the optimum (``X @ W``, ``Xᵀ R``) are computed in
float64 over row blocks converted into a reused buffer, while Gram matrices,
which only shape a Newton step, may stay in float32. Gram matrices are built
block by block from a reused buffer (rows scaled by ``√h``, then ``syrk``), so
no n×d temporary is ever allocated; the intercept is a column of ones in that
buffer, never a column added to ``X``. Sparse data stay CSR or CSC, float32 or
float64: large float32 matrices are read in place by compiled loops over their
stored entries, summed in float64, where SciPy would upcast a copy on every call.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import scipy.sparse as sp
from scipy.linalg import blas

from . import _fused
from ._fused import shifted_moments, sparse_gram, sparse_moments, sparse_sq_rmatvec

__all__ = ["ColumnBlock", "Design", "StandardizedDesign"]

_BLOCK_ROWS = 2048


@dataclass(frozen=True)
class ColumnBlock:
    """Some columns of a design, laid out for coordinate-descent kernels.

    Column ``c`` holds ``data[indptr[c]:indptr[c + 1]]`` at rows
    ``indices[indptr[c]:indptr[c + 1]]``; dense columns hold every row in order
    and leave ``indices`` empty.
    """

    indptr: np.ndarray
    indices: np.ndarray
    data: np.ndarray
    dense: bool


class Design:
    """Read-only view of a design matrix with blocked linear-algebra kernels.

    Parameters
    ----------
    X : ndarray or scipy.sparse matrix of shape (n_samples, n_features)
        Dense (C- or F-ordered) or CSR/CSC sparse, float32 or float64 (other
        sparse formats become CSR, other sparse dtypes float64).

    Examples
    --------
    >>> import numpy as np
    >>> d = Design(np.eye(3))
    >>> d.matvec(np.ones(3))
    array([1., 1., 1.])
    """

    def __init__(self, X) -> None:
        if sp.issparse(X):
            X = X.tocsr() if X.format not in ("csr", "csc") else X
            if X.dtype not in (np.float32, np.float64):
                X = X.astype(np.float64)
        self.X = X
        self.is_sparse = sp.issparse(X)
        self.n_samples, self.n_features = X.shape
        self.dtype = X.dtype
        self._blocked = not self.is_sparse and X.dtype != np.float64
        # large float32 data, C-ordered or CSR/CSC: compiled products read X in place
        # (float64 sums), where NumPy and SciPy would upcast it whole or block by block
        self._compiled_float32 = _fused.float32_in_place(X)
        self._moments: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None

    @property
    def owns_products(self) -> bool:
        """Whether logistica's own kernels compute the products (dense float32 data):
        solvers then give them the cores (:func:`~logistica._blas.own_threads`)."""
        return self._compiled_float32 and not self.is_sparse

    def matvec(self, W: np.ndarray) -> np.ndarray:
        """``X @ W`` in float64 for ``W`` of shape (n_features,) or (n_features, K).

        Examples
        --------
        >>> Design(np.array([[1.0, 2.0], [3.0, 4.0]])).matvec(np.array([1.0, 1.0]))
        array([3., 7.])
        """
        if self._compiled_float32:
            return _fused.float32_product(self.X, W)
        if not self._blocked:
            return np.asarray(self.X @ W)
        out = np.empty((self.n_samples, *W.shape[1:]))
        for start, block in self._float64_blocks():
            out[start : start + block.shape[0]] = block @ W
        return out

    def rmatvec(self, R: np.ndarray) -> np.ndarray:
        """``Xᵀ @ R`` in float64 for ``R`` of shape (n_samples,) or (n_samples, K).

        Examples
        --------
        >>> Design(np.array([[1.0, 2.0], [3.0, 4.0]])).rmatvec(np.array([1.0, 1.0]))
        array([4., 6.])
        """
        if self._compiled_float32:
            return _fused.float32_product(self.X, R, transpose=True)
        if not self._blocked:
            return np.asarray(self.X.T @ R)
        out = np.zeros((self.n_features, *R.shape[1:]))
        for start, block in self._float64_blocks():
            out += block.T @ R[start : start + block.shape[0]]
        return out

    def sq_rmatvec(self, H: np.ndarray) -> np.ndarray:
        """``(X∘X)ᵀ @ H``: weighted squared column norms, e.g. a Hessian's diagonal.

        Dense data is squared row block by row block into a reused buffer.

        Examples
        --------
        >>> Design(np.array([[1.0, 2.0], [3.0, 4.0]])).sq_rmatvec(np.ones(2))
        array([10., 20.])
        """
        if self.is_sparse:
            return sparse_sq_rmatvec(self.X, H)
        out = np.zeros((self.n_features, *H.shape[1:]))
        for start, block in self._float64_blocks():
            np.square(block, out=block)
            out += block.T @ H[start : start + block.shape[0]]
        return out

    @cached_property
    def _csc(self):
        return self.X.tocsc()

    def columns(self, index: np.ndarray) -> ColumnBlock:
        """Copy of the columns ``index`` in the layout of coordinate-descent kernels.

        Examples
        --------
        >>> block = Design(np.array([[1.0, 2.0], [3.0, 4.0]])).columns(np.array([1]))
        >>> block.data, block.indptr
        (array([2., 4.]), array([0, 2]))
        """
        index = np.asarray(index, dtype=np.intp)
        if self.is_sparse:
            sub = self._csc[:, index]
            return ColumnBlock(
                sub.indptr.astype(np.int64), sub.indices, sub.data.astype(np.float64), False
            )
        data = np.ascontiguousarray(self.X.T[index], dtype=np.float64)
        indptr = np.arange(index.size + 1, dtype=np.int64) * self.n_samples
        return ColumnBlock(indptr, np.empty(0, dtype=np.int32), data.ravel(), True)

    def weighted_moments(self, sample_weight: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Weighted column means and variances (sparse kept sparse, no temporaries of its size).

        The last result is kept: designs shared by many problems (a path, a
        cross-validation fold) compute their moments once.

        Parameters
        ----------
        sample_weight : ndarray of shape (n_samples,)
            Non-negative weights summing to one.

        Returns
        -------
        mean, var : ndarray of shape (n_features,)

        Examples
        --------
        >>> d = Design(np.array([[1.0, 2.0], [3.0, 4.0]]))
        >>> d.weighted_moments(np.full(2, 0.5))
        (array([2., 3.]), array([1., 1.]))
        """
        cached = self._moments
        if cached is not None and np.array_equal(cached[0], sample_weight):
            return cached[1], cached[2]
        if self.is_sparse:
            mean, var = sparse_moments(self.X, sample_weight)
        else:
            shift = np.asarray(self.X[:64], dtype=np.float64).mean(axis=0)
            m1, m2 = shifted_moments(self.X, sample_weight, shift)
            mean, var = shift + m1, m2 - m1 * m1
        var = np.maximum(var, 0.0)
        self._moments = (sample_weight.copy(), mean, var)
        return mean, var

    def column_moments(
        self, sample_weight: np.ndarray, center: bool
    ) -> tuple[np.ndarray, np.ndarray]:
        """Weighted column means and standard deviations, for standardization.

        Parameters
        ----------
        sample_weight : ndarray of shape (n_samples,)
            Non-negative weights summing to one.
        center : bool
            With ``False`` the means returned are zeros (the columns are only
            scaled), while the deviations are still about the weighted mean.

        Returns
        -------
        mean, scale : ndarray of shape (n_features,)
            ``scale`` is 1 for constant columns, as in scikit-learn's ``StandardScaler``.

        Examples
        --------
        >>> d = Design(np.array([[1.0, 2.0], [3.0, 4.0]]))
        >>> d.column_moments(np.full(2, 0.5), center=True)
        (array([2., 3.]), array([1., 1.]))
        >>> d.column_moments(np.full(2, 0.5), center=False)[0]
        array([0., 0.])
        """
        mean, var = self.weighted_moments(sample_weight)
        scale = np.sqrt(var)
        scale[scale <= 10 * np.finfo(np.float64).eps * np.maximum(np.abs(mean), 1.0)] = 1.0
        return (mean if center else np.zeros(self.n_features)), scale

    def _float64_blocks(self):
        buffer = np.empty((_BLOCK_ROWS, self.n_features))
        for start in range(0, self.n_samples, _BLOCK_ROWS):
            rows = self.X[start : start + _BLOCK_ROWS]
            block = buffer[: rows.shape[0]]
            block[...] = rows
            yield start, block

    def take(self, rows: np.ndarray, dtype=None) -> Design:
        """A new design made of ``rows``, optionally cast to ``dtype`` (a copy).

        Examples
        --------
        >>> Design(np.array([[1.0, 2.0], [3.0, 4.0]])).take(np.array([1])).X
        array([[3., 4.]])
        """
        X = self.X[rows]
        if dtype is not None and not self.is_sparse:
            X = np.ascontiguousarray(X, dtype=dtype)
        return Design(X)

    def gram(
        self,
        weights: list[np.ndarray],
        intercept: bool,
        columns: np.ndarray | None = None,
        shift: np.ndarray | None = None,
        dtype=None,
    ) -> list[np.ndarray]:
        """Weighted Gram matrices ``Aᵀ diag(h) A`` for each ``h`` in ``weights``.

        ``A`` is ``X`` (or its ``columns``, minus ``shift``) with a trailing
        column of ones when ``intercept`` is true. Non-negative weights use
        ``syrk`` on ``√h``-scaled rows; signed weights (off-diagonal multinomial
        blocks) use ``gemm``. One pass over the rows serves all the weights,
        and the columns are gathered row block by row block: ``X`` is never
        copied. Results are float64 and symmetric; ``dtype=np.float32``
        accumulates in single precision (half the cost, for Hessians that only
        shape a step). The row buffers follow the memory order of ``X``, so
        Fortran-ordered data are copied column segment by column segment.

        Parameters
        ----------
        weights : list of ndarray of shape (n_samples,)
            The diagonal weights ``h``; negative entries are allowed.
        intercept : bool
            Whether ``A`` ends with a column of ones.
        columns : ndarray of int, optional
            Features to include (dense data only); all by default.
        shift : ndarray of shape (len(columns),), optional
            Subtracted from the included columns (dense data only), e.g. their means.
        dtype : numpy dtype, optional
            Precision of the products; that of ``X`` by default.

        Examples
        --------
        >>> d = Design(np.array([[1.0, 2.0], [3.0, 4.0]]))
        >>> d.gram([np.ones(2)], intercept=True)[0]
        array([[10., 14.,  4.],
               [14., 20.,  6.],
               [ 4.,  6.,  2.]])
        >>> d.gram([np.ones(2)], intercept=False, columns=np.array([1]), shift=np.array([3.0]))[0]
        array([[2.]])
        """
        if self.is_sparse:
            if columns is not None or shift is not None:
                raise ValueError("column subsets and shifts need dense data")
            return [self._sparse_gram(h, intercept) for h in weights]
        return self._dense_gram(weights, intercept, columns, shift, None, dtype)

    def _dense_gram(self, weights, intercept, columns, shift, scale, dtype) -> list[np.ndarray]:
        """:meth:`gram` of ``(X[:, columns] - shift) / scale`` (dense; each part optional)."""
        k = self.n_features if columns is None else len(columns)
        width = k + intercept
        # the data's own precision: shifts and scales are applied in it, then cast
        precise = np.dtype(self.dtype if self.dtype in (np.float32, np.float64) else np.float64)
        dtype = precise if dtype is None else np.dtype(dtype)
        syrk = blas.get_blas_funcs("syrk", dtype=dtype)
        signed = [bool(np.any(h < 0)) for h in weights]
        out = [np.zeros((width, width), dtype=dtype, order="F") for _ in weights]
        fortran = self.X.flags.f_contiguous and not self.X.flags.c_contiguous
        order = "F" if fortran else "C"
        raw = np.empty((_BLOCK_ROWS, width), dtype=dtype, order=order)
        scaled = np.empty((_BLOCK_ROWS, width), dtype=dtype, order=order)
        # Columns are shifted and scaled in the data's precision, then cast: a float32
        # Gram of float64 columns with large means keeps their centred digits.
        same = dtype == precise
        stage = raw if same else np.empty((_BLOCK_ROWS, k), dtype=precise, order=order)
        if intercept:
            raw[:, -1] = 1.0
        for start in range(0, self.n_samples, _BLOCK_ROWS):
            rows = self.X[start : start + _BLOCK_ROWS]
            m = rows.shape[0]
            block = stage[:m, :k]
            if columns is None:
                block[...] = rows
            else:  # "clip" (valid indices) is take's fast path: 45 → 7 ms for 2048×1467
                np.take(rows, columns, axis=1, out=block, mode="clip")
            if shift is not None:
                block -= shift
            if scale is not None:
                block /= scale
            if not same:
                raw[:m, :k] = block
            for h, is_signed, acc in zip(weights, signed, out, strict=True):
                hb = h[start : start + m]
                if is_signed:
                    np.multiply(raw[:m], hb[:, None], out=scaled[:m])
                    acc += raw[:m].T @ scaled[:m]
                else:
                    np.multiply(raw[:m], np.sqrt(hb)[:, None], out=scaled[:m])
                    if fortran:
                        syrk(1.0, scaled[:m], beta=1.0, c=acc, trans=1, overwrite_c=1)
                    else:
                        syrk(1.0, scaled[:m].T, beta=1.0, c=acc, trans=0, overwrite_c=1)
        result = []
        for acc, is_signed in zip(out, signed, strict=True):
            acc = np.asarray(acc, dtype=np.float64)
            if not is_signed:  # syrk filled the upper triangle only
                acc = np.triu(acc) + np.triu(acc, 1).T
            result.append(acc)
        return result

    def _sparse_gram(self, h: np.ndarray, intercept: bool) -> np.ndarray:
        gram = sparse_gram(self.X, h)
        if not intercept:
            return gram
        col = self.rmatvec(h)
        return np.block([[gram, col[:, None]], [col[None, :], np.array([[h.sum()]])]])


class StandardizedDesign(Design):
    """A design whose columns are standardized on the fly, ``(x - mean) / scale``.

    The data are never copied: the column means and scales are folded into every
    product (``X̃ W = X (W/σ) - μᵀ(W/σ)``, ``X̃ᵀR = (XᵀR - μ·ΣR)/σ``), so sparse
    data stay sparse. Use :meth:`from_data` to compute weighted moments.

    Parameters
    ----------
    X : ndarray, sparse matrix or Design
        The unscaled data.
    mean : ndarray of shape (n_features,)
        Column centres (zeros to scale only).
    scale : ndarray of shape (n_features,)
        Positive column scales.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.array([[1.0, 10.0], [3.0, 30.0]])
    >>> d = StandardizedDesign.from_data(X, np.full(2, 0.5), center=True)
    >>> d.matvec(np.array([1.0, 0.0]))
    array([-1.,  1.])
    """

    def __init__(self, X, mean: np.ndarray, scale: np.ndarray) -> None:
        base = X if isinstance(X, Design) else Design(X)
        super().__init__(base.X)
        self.base = base
        self.mean = np.asarray(mean, dtype=np.float64)
        self.scale = np.asarray(scale, dtype=np.float64)
        self.centered = bool(np.any(self.mean != 0))

    @classmethod
    def from_data(cls, X, sample_weight: np.ndarray, center: bool) -> StandardizedDesign:
        """Standardize with the weighted means and standard deviations of ``X``'s columns.

        ``sample_weight`` must sum to one; ``center=False`` only scales (sparse data).
        """
        base = X if isinstance(X, Design) else Design(X)
        mean, scale = base.column_moments(sample_weight, center)
        return cls(base, mean, scale)

    def _shift(self, W: np.ndarray) -> np.ndarray | float:
        """``μᵀW`` for already-scaled ``W``: what centring subtracts from each prediction."""
        return self.mean @ W if self.centered else 0.0

    def matvec(self, W: np.ndarray) -> np.ndarray:
        scaled = W / (self.scale[:, None] if W.ndim == 2 else self.scale)
        return self.base.matvec(scaled) - self._shift(scaled)

    def rmatvec(self, R: np.ndarray) -> np.ndarray:
        out = self.base.rmatvec(R)
        if self.centered:
            out -= np.multiply.outer(self.mean, R.sum(axis=0))
        return out / (self.scale[:, None] if out.ndim == 2 else self.scale)

    def sq_rmatvec(self, H: np.ndarray) -> np.ndarray:
        """``(X̃∘X̃)ᵀ H``: centred dense blocks are standardized in the reused buffer."""
        scale2 = self.scale**2
        if not self.centered:
            out = self.base.sq_rmatvec(H)
            return out / (scale2[:, None] if out.ndim == 2 else scale2)
        out = np.zeros((self.n_features, *H.shape[1:]))
        for start, block in self.base._float64_blocks():
            block -= self.mean
            block /= self.scale
            np.square(block, out=block)
            out += block.T @ H[start : start + block.shape[0]]
        return out

    def take(self, rows: np.ndarray, dtype=None) -> Design:
        """Standardized copy of ``rows``: plain and in ``dtype`` when dense, lazy when sparse."""
        if self.is_sparse:
            return StandardizedDesign(self.base.take(rows, dtype), self.mean, self.scale)
        block = (np.asarray(self.base.X[rows], dtype=np.float64) - self.mean) / self.scale
        return Design(block if dtype is None else np.ascontiguousarray(block, dtype=dtype))

    def gram(
        self,
        weights: list[np.ndarray],
        intercept: bool,
        columns: np.ndarray | None = None,
        shift: np.ndarray | None = None,
        dtype=None,
    ) -> list[np.ndarray]:
        """Gram matrices of the standardized columns (see :meth:`Design.gram`).

        Dense data are standardized block by block inside the row buffer, so
        no precision is lost to large column means; sparse data use
        ``Aᵀ G A`` with ``[x̃, 1] = [x, 1] A``.
        """
        if not self.base.is_sparse and type(self.base) is Design:
            index = slice(None) if columns is None else columns
            mean, scale = self.mean[index], self.scale[index]
            if shift is not None:  # (x - μ)/σ - s = (x - (μ + sσ))/σ
                mean = mean + shift * scale
            return self.base._dense_gram(weights, intercept, columns, mean, scale, dtype)
        if columns is not None or shift is not None:
            raise ValueError("column subsets and shifts need dense data")
        d = self.n_features
        transform = np.zeros((d + 1, d + 1))
        transform[np.arange(d), np.arange(d)] = 1.0 / self.scale
        transform[d, :d] = -self.mean / self.scale
        transform[d, d] = 1.0
        keep = d + 1 if intercept else d
        return [
            (transform.T @ gram @ transform)[:keep, :keep]
            for gram in self.base.gram(weights, intercept=True)
        ]

    def columns(self, index: np.ndarray) -> ColumnBlock:
        block = self.base.columns(index)
        scale = self.scale[index]
        if block.dense:
            values = block.data.reshape(len(index), -1)
            values -= self.mean[index, None]
            values /= scale[:, None]
        else:
            block.data[...] /= np.repeat(scale, np.diff(block.indptr))
        return block

    def weighted_moments(self, sample_weight: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Weighted means and variances of the standardized columns, from the data's."""
        mean, var = self.base.weighted_moments(sample_weight)
        return (mean - self.mean) / self.scale, var / self.scale**2

    def to_original(self, W: np.ndarray, b: np.ndarray | float) -> tuple[np.ndarray, np.ndarray]:
        """Coefficients on the original scale of ``X`` from standardized ones.

        ``W`` has shape (n_features,) or (n_features, K) and ``b`` the matching
        intercept; with centring the intercept absorbs ``-μᵀ(W/σ)``.
        """
        scaled = W / (self.scale[:, None] if W.ndim == 2 else self.scale)
        return scaled, np.asarray(b, dtype=np.float64) - self._shift(scaled)

    def to_standardized(
        self, W: np.ndarray, b: np.ndarray | float
    ) -> tuple[np.ndarray, np.ndarray]:
        """Inverse of :meth:`to_original`."""
        return W * (self.scale[:, None] if W.ndim == 2 else self.scale), np.asarray(
            b, dtype=np.float64
        ) + self._shift(W)
