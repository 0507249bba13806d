"""Fused, compiled loss kernels: value and residual in one pass over the raw predictions.

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

__all__ = ["binomial_value_residual", "multinomial_value_residual"]


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
