"""The design matrix and the only heavy kernels: ``X @ W``, ``Xᵀ R`` and ``Xᵀ diag(h) X``.

Dense float64 data goes straight to BLAS. Dense float32 data is never copied
whole: products that decide the optimum (``X @ W``, ``Xᵀ R``) are computed in
float64 over row blocks converted into a reused buffer, while Gram matrices,
which only shape a Newton step, may stay in float32. Gram matrices are built
block by block from a reused buffer (rows scaled by ``√h``, then ``syrk``), so
no n×d temporary is ever allocated; the intercept is a column of ones in that
buffer, never a column added to ``X``.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from scipy.linalg import blas

__all__ = ["Design"]

_BLOCK_ROWS = 2048


class Design:
    """Read-only view of a design matrix with blocked linear-algebra kernels.

    Parameters
    ----------
    X : ndarray or scipy.sparse matrix of shape (n_samples, n_features)
        Dense (C- or F-ordered) or CSR/CSC sparse, float32 or float64.

    Examples
    --------
    >>> import numpy as np
    >>> d = Design(np.eye(3))
    >>> d.matvec(np.ones(3))
    array([1., 1., 1.])
    """

    def __init__(self, X) -> None:
        if sp.issparse(X):
            # Sparse products upcast the matrix on every call; do it once.
            X = X.tocsr() if X.format not in ("csr", "csc") else X
            X = X.astype(np.float64, copy=False)
        self.X = X
        self.is_sparse = sp.issparse(X)
        self.n_samples, self.n_features = X.shape
        self.dtype = X.dtype
        self._blocked = not self.is_sparse and X.dtype != np.float64

    def matvec(self, W: np.ndarray) -> np.ndarray:
        """``X @ W`` in float64 for ``W`` of shape (n_features,) or (n_features, K)."""
        if not self._blocked:
            return np.asarray(self.X @ W)
        out = np.empty((self.n_samples, *W.shape[1:]))
        for start, block in self._float64_blocks():
            out[start : start + block.shape[0]] = block @ W
        return out

    def rmatvec(self, R: np.ndarray) -> np.ndarray:
        """``Xᵀ @ R`` in float64 for ``R`` of shape (n_samples,) or (n_samples, K)."""
        if not self._blocked:
            return np.asarray(self.X.T @ R)
        out = np.zeros((self.n_features, *R.shape[1:]))
        for start, block in self._float64_blocks():
            out += block.T @ R[start : start + block.shape[0]]
        return out

    def _float64_blocks(self):
        buffer = np.empty((_BLOCK_ROWS, self.n_features))
        for start in range(0, self.n_samples, _BLOCK_ROWS):
            rows = self.X[start : start + _BLOCK_ROWS]
            block = buffer[: rows.shape[0]]
            block[...] = rows
            yield start, block

    def take(self, rows: np.ndarray, dtype=None) -> Design:
        """A new design made of ``rows``, optionally cast to ``dtype`` (a copy)."""
        X = self.X[rows]
        if dtype is not None and not self.is_sparse:
            X = np.ascontiguousarray(X, dtype=dtype)
        return Design(X)

    def gram(self, weights: list[np.ndarray], intercept: bool) -> list[np.ndarray]:
        """Weighted Gram matrices ``Aᵀ diag(h) A`` for each ``h`` in ``weights``.

        ``A`` is ``X`` with a trailing column of ones when ``intercept`` is true.
        Non-negative weights use ``syrk`` on ``√h``-scaled rows; signed weights
        (off-diagonal multinomial blocks) use ``gemm``. One pass over the rows
        serves all the weights. Results are float64 and symmetric.
        """
        if self.is_sparse:
            return [self._sparse_gram(h, intercept) for h in weights]
        width = self.n_features + intercept
        dtype = self.dtype if self.dtype in (np.float32, np.float64) else np.float64
        syrk = blas.get_blas_funcs("syrk", dtype=dtype)
        signed = [bool(np.any(h < 0)) for h in weights]
        out = [np.zeros((width, width), dtype=dtype, order="F") for _ in weights]
        raw = np.empty((_BLOCK_ROWS, width), dtype=dtype)
        scaled = np.empty((_BLOCK_ROWS, width), dtype=dtype)
        if intercept:
            raw[:, -1] = 1.0
        for start in range(0, self.n_samples, _BLOCK_ROWS):
            rows = self.X[start : start + _BLOCK_ROWS]
            m = rows.shape[0]
            raw[:m, : self.n_features] = rows
            for h, is_signed, acc in zip(weights, signed, out, strict=True):
                hb = h[start : start + m]
                if is_signed:
                    np.multiply(raw[:m], hb[:, None], out=scaled[:m])
                    acc += raw[:m].T @ scaled[:m]
                else:
                    np.multiply(raw[:m], np.sqrt(hb)[:, None], out=scaled[:m])
                    syrk(1.0, scaled[:m].T, beta=1.0, c=acc, trans=0, overwrite_c=1)
        result = []
        for acc, is_signed in zip(out, signed, strict=True):
            acc = np.asarray(acc, dtype=np.float64)
            if not is_signed:  # syrk filled the upper triangle only
                acc = np.triu(acc) + np.triu(acc, 1).T
            result.append(acc)
        return result

    def _sparse_gram(self, h: np.ndarray, intercept: bool) -> np.ndarray:
        X = self.X
        gram = np.asarray((X.T @ sp.diags(h) @ X).todense())
        if not intercept:
            return gram
        col = np.asarray(X.T @ h).ravel()
        return np.block([[gram, col[:, None]], [col[None, :], np.array([[h.sum()]])]])
