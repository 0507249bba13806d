"""Compiled SGD epochs: one call runs every mini-batch of a pass over the data.

Per batch, :func:`sgd_epoch_kernel` gathers the shuffled rows (dense rows, in
float32 or float64 and without a float64 copy of ``X``, or CSR rows, never
densified), standardizes dense rows on the fly (``(x - mean)·inv_scale``; CSR
values come standardized), computes
the margins, calls the objective's fused value-and-residual kernels
(:mod:`logistica.objective._kernels`, so the loss is the objective's), sums the
gradient, takes the optimiser's step (plain SGD, heavy-ball or Nesterov
momentum, Adam), the L1 part's proximal step, updates the Polyak–Ruppert
average and moves the schedule. Serial and cached on disk (``cache=True``), as
the objective's kernels.

Two ways to step:

- **dense**: every coordinate each batch (``O(d·K)`` per batch on top of the
  batch's rows); all optimisers and penalties.
- **lazy** (CSR data, plain SGD, smooth penalty): only the coordinates of the
  batch's columns move, so a batch costs its non-zeros. The L2 part is then
  applied stochastically, when a column is in the batch, with its strength
  divided by the probability that the column is in a batch (``lazy_l2``:
  unbiased), in the stable proximal form ``w/(1 + η·lazy_l2)``; the weighted
  average of a coordinate that did not move is caught up in closed form when
  it is next touched (and at the end of the pass).
"""

from __future__ import annotations

import math

import numba
import numpy as np

from ..objective._kernels import (
    binomial_value_residual,
    focal_value_residual,
    multinomial_value_residual,
)
from ._sgd_params import (
    BINOMIAL,
    MULTINOMIAL,
    P_ADAM,
    P_AVERAGE_START,
    P_BATCH_SIZE,
    P_BETA1,
    P_BETA2,
    P_CENTERED,
    P_EPOCH_SAMPLES,
    P_EPSILON,
    P_GAMMA,
    P_HORIZON,
    P_MOMENTUM,
    P_NESTEROV,
    P_POWER_T,
    P_RATE,
    P_SCHEDULE,
    P_STEP_EPOCHS,
    P_STEP_GAMMA,
    P_TOTAL_WEIGHT,
    P_WARMUP,
)

__all__ = [
    "schedule_rate",
    "sgd_epoch_kernel",
]

_INVSCALING, _STEP, _COSINE = 1, 2, 3
_BLOCK_ROWS = 256  # rows gathered at a time: a full batch never needs an n×d buffer

# Slots of the ``counters`` vector: schedule position, optimiser steps, averaged iterates.
C_SAMPLES, C_STEPS, C_AVERAGED = range(3)


@numba.njit(cache=True)
def schedule_rate(
    base: float,
    epochs: float,
    epoch_samples: float,
    schedule: int,
    power_t: float,
    step_epochs: float,
    step_gamma: float,
    horizon: float,
    warmup: float,
) -> float:
    """The schedule's rate at ``epochs``, warm-up included.

    ``constant`` η, ``invscaling`` ``η/(1 + e)^power_t``, ``step``
    ``η·step_gamma^⌊e/step_epochs⌋``, ``cosine``
    ``η·(1 + cos(π·min(e, horizon)/horizon))/2``; a warm-up multiplies by
    ``min(1, e/warmup)`` (from the first step on, never zero).

    Examples
    --------
    >>> from logistica.solvers._sgd_params import SCHEDULES
    >>> schedule_rate(1.0, 3.0, 100.0, SCHEDULES.index("invscaling"), 0.5, 10.0, 0.5, 1.0, 0.0)
    0.5
    """
    rate = base
    if schedule == _INVSCALING:
        rate = rate / (1.0 + epochs) ** power_t
    elif schedule == _STEP:
        rate = rate * step_gamma ** math.floor(epochs / step_epochs)
    elif schedule == _COSINE:
        rate = rate * 0.5 * (1.0 + math.cos(math.pi * min(epochs, horizon) / horizon))
    if warmup > 0:
        rate *= min(1.0, max(epochs, 1.0 / epoch_samples) / warmup)
    return rate


@numba.njit(cache=True)
def _penalty_value(coef: np.ndarray, l1: np.ndarray, l2: np.ndarray) -> float:
    total = 0.0
    for i in range(l2.shape[0]):
        w = coef[i]
        total += l1[i] * abs(w) + 0.5 * l2[i] * w * w
    return total


@numba.njit(cache=True)
def sgd_epoch_kernel(
    X: np.ndarray,
    data: np.ndarray,
    indices: np.ndarray,
    indptr: np.ndarray,
    mean: np.ndarray,
    inv_scale: np.ndarray,
    y: np.ndarray,
    weight: np.ndarray,
    offset: np.ndarray,
    order: np.ndarray,
    loss: int,
    coef: np.ndarray,
    l1: np.ndarray,
    l2: np.ndarray,
    lazy_l2: np.ndarray,
    moment: np.ndarray,
    second_moment: np.ndarray,
    average: np.ndarray,
    params: np.ndarray,
    counters: np.ndarray,
    values: np.ndarray,
) -> None:
    """One pass in mini-batches over the rows ``order`` (already shuffled).

    Parameters
    ----------
    X : ndarray of shape (n, d)
        Dense data (any order, float32 or float64); empty ``(0, 0)`` with CSR data.
    data, indices, indptr : ndarray
        CSR data (``indptr`` empty with dense data).
    mean, inv_scale : ndarray of shape (d,)
        Standardization of dense rows, ``(x - mean)·inv_scale``. CSR values
        must come standardized (``data·inv_scale``, one random access less per
        non-zero) and ``mean`` in the same units (``mean·inv_scale``).
    y : ndarray of shape (n,)
        Targets as float64 (class codes for the multinomial loss).
    weight : ndarray of shape (n,)
        Sample weights; a batch's are rescaled by ``n/(m·Σ weight[order])`` so
        its gradient is unbiased for the objective on the ``order`` rows.
    offset : ndarray of shape (n, K) or (0, K)
        Offsets of the linear predictor, or none.
    order : ndarray of int64
        The rows of this pass, in order.
    loss : int
        ``BINOMIAL``, ``MULTINOMIAL`` or ``FOCAL`` (``params[P_GAMMA]``).
    coef : ndarray
        Flat coefficients ``(d + intercept, K)`` C-ordered; updated in place.
    l1, l2 : ndarray of shape (d·K,)
        Per-coefficient strengths of the penalty's parts.
    lazy_l2 : ndarray of shape (d·K,)
        ``l2`` divided by the probability that the coefficient's column is in a
        batch: lazy steps (CSR only); empty for dense steps.
    moment, second_moment : ndarray
        Momentum velocity or Adam's moments (empty when unused); updated.
    average : ndarray
        Weighted Polyak–Ruppert average (weights growing linearly); updated.
    params : ndarray of shape (N_PARAMS,)
        Options, at the ``P_*`` slots.
    counters : ndarray of int64, shape (3,)
        Samples seen, steps, averaged iterates (``C_*`` slots); updated.
    values : ndarray
        The batches' objective estimates are written here when it has one slot
        per batch (``history="batch"``); empty otherwise.

    Examples
    --------
    >>> from logistica.solvers._sgd_params import N_PARAMS
    >>> X = np.array([[1.0], [-1.0]]); coef = np.zeros(2); empty = np.empty(0)
    >>> params = np.zeros(N_PARAMS); params[P_RATE] = 1.0; params[P_EPOCH_SAMPLES] = 2
    >>> params[P_BATCH_SIZE] = 2; params[P_TOTAL_WEIGHT] = 1.0; params[P_AVERAGE_START] = np.inf
    >>> counters = np.zeros(3, dtype=np.int64)
    >>> sgd_epoch_kernel(X, empty, np.empty(0, np.int64), np.empty(0, np.int64), np.zeros(1),
    ...                  np.ones(1), np.array([1.0, 0.0]), np.full(2, 0.5), np.empty((0, 1)),
    ...                  np.arange(2), BINOMIAL, coef, np.zeros(1), np.zeros(1), empty, empty,
    ...                  empty, empty, params, counters, empty)
    >>> coef, counters
    (array([0.5, 0. ]), array([2, 1, 0]))
    """
    d = inv_scale.shape[0]
    n_out = offset.shape[1]
    n_feat = d * n_out
    n_coef = coef.shape[0]
    intercept = n_coef > n_feat
    sparse = indptr.shape[0] > 0
    lazy = lazy_l2.shape[0] > 0
    has_offset = offset.shape[0] > 0
    centered = params[P_CENTERED] != 0.0
    adam = params[P_ADAM] != 0.0
    momentum = params[P_MOMENTUM]
    nesterov = params[P_NESTEROV] != 0.0
    beta1, beta2, eps = params[P_BETA1], params[P_BETA2], params[P_EPSILON]
    has_l1 = False
    for i in range(n_feat):
        if l1[i] != 0.0:
            has_l1 = True
            break
    record = values.shape[0] > 0
    n = order.shape[0]
    batch_size = min(int(params[P_BATCH_SIZE]), n)
    block = min(batch_size, _BLOCK_ROWS)
    rows_buf = np.empty((0 if sparse else block, d))
    raw = np.empty(block * n_out)
    residual = np.empty(block * n_out)
    y_buf = np.empty(block)
    labels = np.empty(block, dtype=np.int64)
    w_buf = np.empty(block)
    grad = np.zeros(n_coef)
    shift = np.zeros(n_out)  # Σⱼ meanⱼ·Wⱼₖ: centring of CSR rows
    residual_sum = np.zeros(n_out)
    mark = np.full(d if lazy else 0, -1, dtype=np.int64)
    touched = np.empty(d if lazy else 0, dtype=np.int64)
    samples, steps, n_avg = counters[C_SAMPLES], counters[C_STEPS], counters[C_AVERAGED]
    if lazy and n_avg > 0:
        synced = np.full(d, n_avg, dtype=np.int64)
    else:
        synced = np.zeros(d if lazy else 0, dtype=np.int64)
    total = params[P_TOTAL_WEIGHT]
    for batch, start in enumerate(range(0, n, batch_size)):
        stop = min(start + batch_size, n)
        scale = n / ((stop - start) * total)
        n_touched = 0
        value = 0.0
        if sparse and centered:
            for k in range(n_out):
                shift[k] = 0.0
                residual_sum[k] = 0.0
            for j in range(d):
                for k in range(n_out):
                    shift[k] += mean[j] * coef[j * n_out + k]
        for block_start in range(start, stop, block):
            m = min(block_start + block, stop) - block_start
            # margins of the block's rows
            for ii in range(m):
                r = order[block_start + ii]
                y_buf[ii] = y[r]
                labels[ii] = int(y[r])
                w_buf[ii] = weight[r] * scale
                base = ii * n_out
                if not sparse:
                    for j in range(d):
                        rows_buf[ii, j] = (X[r, j] - mean[j]) * inv_scale[j]
                for k in range(n_out):
                    z = coef[n_feat + k] - shift[k] if intercept else -shift[k]
                    if has_offset:
                        z += offset[r, k]
                    if sparse:
                        for p in range(indptr[r], indptr[r + 1]):
                            z += data[p] * coef[indices[p] * n_out + k]
                    else:
                        for j in range(d):
                            z += rows_buf[ii, j] * coef[j * n_out + k]
                    raw[base + k] = z
            # loss value and residual: the objective's own kernels
            if loss == BINOMIAL:
                value += binomial_value_residual(raw[:m], y_buf[:m], w_buf[:m], residual[:m])
            elif loss == MULTINOMIAL:
                value += multinomial_value_residual(
                    raw[: m * n_out].reshape((m, n_out)),
                    labels[:m],
                    w_buf[:m],
                    residual[: m * n_out].reshape((m, n_out)),
                )
            else:
                value += focal_value_residual(
                    raw[:m], y_buf[:m], w_buf[:m], residual[:m], params[P_GAMMA]
                )
            # gradient
            for ii in range(m):
                base = ii * n_out
                if intercept:
                    for k in range(n_out):
                        grad[n_feat + k] += residual[base + k]
                if sparse:
                    if centered:
                        for k in range(n_out):
                            residual_sum[k] += residual[base + k]
                    r = order[block_start + ii]
                    for p in range(indptr[r], indptr[r + 1]):
                        j = indices[p]
                        if lazy and mark[j] != batch:
                            mark[j] = batch
                            touched[n_touched] = j
                            n_touched += 1
                        x = data[p]
                        for k in range(n_out):
                            grad[j * n_out + k] += x * residual[base + k]
                else:
                    for k in range(n_out):
                        rk = residual[base + k]
                        for j in range(d):
                            grad[j * n_out + k] += rows_buf[ii, j] * rk
        if sparse and centered:
            for j in range(d):
                for k in range(n_out):
                    grad[j * n_out + k] -= mean[j] * residual_sum[k]
        if record:
            values[batch] = value + _penalty_value(coef, l1, l2)
        steps += 1
        rate = schedule_rate(
            params[P_RATE],
            samples / params[P_EPOCH_SAMPLES],
            params[P_EPOCH_SAMPLES],
            int(params[P_SCHEDULE]),
            params[P_POWER_T],
            params[P_STEP_EPOCHS],
            params[P_STEP_GAMMA],
            params[P_HORIZON],
            params[P_WARMUP],
        )
        samples += stop - start
        averaging = samples / params[P_EPOCH_SAMPLES] >= params[P_AVERAGE_START]
        if lazy:
            for t in range(n_touched):
                j = touched[t]
                for k in range(n_out):
                    i = j * n_out + k
                    if n_avg > 0 and synced[j] < n_avg:  # w did not move since synced[j]
                        c = synced[j]
                        ratio = c * (c + 1.0) / (n_avg * (n_avg + 1.0))
                        average[i] = coef[i] + (average[i] - coef[i]) * ratio
                    shrink = 1.0 + rate * lazy_l2[i]
                    coef[i] = (coef[i] - rate * grad[i]) / shrink
                    grad[i] = 0.0
            for i in range(n_feat, n_coef):
                coef[i] -= rate * grad[i]
                grad[i] = 0.0
        else:
            bias1 = 1.0 - beta1**steps
            bias2 = 1.0 - beta2**steps
            for i in range(n_coef):
                g = grad[i]
                grad[i] = 0.0
                feature = i < n_feat
                if feature:
                    g += l2[i] * coef[i]
                step = rate
                if adam:
                    moment[i] = beta1 * moment[i] + (1.0 - beta1) * g
                    second_moment[i] = beta2 * second_moment[i] + (1.0 - beta2) * g * g
                    step = rate / bias1 / (math.sqrt(second_moment[i] / bias2) + eps)
                    coef[i] -= step * moment[i]
                elif momentum > 0.0:
                    moment[i] = momentum * moment[i] + g
                    coef[i] -= step * (g + momentum * moment[i] if nesterov else moment[i])
                else:
                    coef[i] -= step * g
                if feature and has_l1:
                    size = abs(coef[i]) - step * l1[i]
                    coef[i] = math.copysign(size, coef[i]) if size > 0.0 else 0.0
        if averaging:
            if n_avg == 0:
                average[:] = coef
                if lazy:
                    synced[:] = 1
            else:
                # weights growing linearly with the step (Shamir & Zhang, 2013): the
                # average forgets its far-off start; at 20 epochs the gap was 1.5-4x
                # smaller than with uniform weights on binary and 5-class problems
                rho = 2.0 / (n_avg + 2.0)
                if lazy:
                    for t in range(n_touched):
                        j = touched[t]
                        synced[j] = n_avg + 1
                        for k in range(n_out):
                            i = j * n_out + k
                            average[i] += rho * (coef[i] - average[i])
                    for i in range(n_feat, n_coef):
                        average[i] += rho * (coef[i] - average[i])
                else:
                    for i in range(n_coef):
                        average[i] += rho * (coef[i] - average[i])
            n_avg += 1
    if lazy and n_avg > 0:  # catch up the coordinates that did not move since synced
        for j in range(d):
            c = synced[j]
            if c < n_avg:
                ratio = c * (c + 1.0) / (n_avg * (n_avg + 1.0))
                for k in range(n_out):
                    i = j * n_out + k
                    average[i] = coef[i] + (average[i] - coef[i]) * ratio
    counters[C_SAMPLES], counters[C_STEPS], counters[C_AVERAGED] = samples, steps, n_avg
