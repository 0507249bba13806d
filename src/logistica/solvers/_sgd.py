"""The mini-batch SGD machinery shared by ``solver="sgd"`` and ``partial_fit``.

A pass over the data is :func:`sgd_epoch`, whose batches run in one compiled
call (:mod:`._sgd_kernels`); everything that must survive between passes (the
iterate, the step counter and schedule position, the optimiser's moments, the
Polyak–Ruppert average, the random generator) lives in one :class:`SGDState`.
The solver runs epochs on a state it creates; ``LogisticRegression.partial_fit``
keeps a state on the model and runs one pass per call, so both go through the
same loop and a stream of ``partial_fit`` calls is the same computation as a fit.

A batch's rows are gathered from the problem's own arrays (CSR rows are never
densified, float32 is read as float32 and summed in float64) and its weights
rescaled so that its gradient is an unbiased estimate of the full objective's
gradient; the loss comes from the objective's compiled kernels. The L1 part of
an elastic net is applied by a proximal step, so coefficients reach exact zeros.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields
from typing import Any

import numpy as np
from scipy.special import gammaln

from ..objective.design import Design, StandardizedDesign
from ..objective.focal import FocalLoss
from ..objective.loss import BinomialLoss, Loss, MultinomialLoss
from ..objective.problem import Problem
from ._sgd_params import (
    BINOMIAL,
    FOCAL,
    MULTINOMIAL,
    N_PARAMS,
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
    SCHEDULES,
)

__all__ = [
    "KernelData",
    "SGDConfig",
    "SGDState",
    "estimate_smoothness",
    "kernel_data",
    "sgd_epoch",
]
_OPTIMIZERS = ("sgd", "adam")


@dataclass(frozen=True)
class SGDConfig:
    """Validated options of the SGD loop (see :class:`~logistica.solvers.sgd.SGD`)."""

    batch_size: int = 64
    optimizer: str = "sgd"
    learning_rate: float | str = "auto"
    schedule: str = "invscaling"
    power_t: float = 0.5
    step_epochs: float = 10.0
    step_gamma: float = 0.5
    horizon: float | None = None
    warmup: float = 0.0
    momentum: float = 0.0
    nesterov: bool = False
    beta1: float = 0.9
    beta2: float = 0.999
    epsilon: float = 1e-8
    average: float | bool = 0.0
    shuffle: bool = True
    random_state: Any = 0
    history: str = "epoch"
    epoch_samples: int | None = None

    def __post_init__(self) -> None:
        _check(
            isinstance(self.batch_size, int | np.integer) and self.batch_size >= 1,
            "batch_size",
            self.batch_size,
            "an integer >= 1",
        )
        _check(self.optimizer in _OPTIMIZERS, "optimizer", self.optimizer, str(_OPTIMIZERS))
        _check(self.schedule in SCHEDULES, "schedule", self.schedule, str(SCHEDULES))
        _check(
            self.learning_rate == "auto" or _positive(self.learning_rate),
            "learning_rate",
            self.learning_rate,
            "'auto' or a positive number",
        )
        for name in ("power_t", "warmup"):
            _check(
                _number(getattr(self, name)) and getattr(self, name) >= 0,
                name,
                getattr(self, name),
                "a number >= 0",
            )
        _check(_positive(self.step_epochs), "step_epochs", self.step_epochs, "a number > 0")
        _check(
            self.horizon is None or _positive(self.horizon),
            "horizon",
            self.horizon,
            "None or a number > 0",
        )
        for name in ("step_gamma", "beta1", "beta2"):
            value = getattr(self, name)
            _check(
                _number(value) and 0 < value <= 1
                if name == "step_gamma"
                else _number(value) and 0 <= value < 1,
                name,
                value,
                "a number in [0, 1)",
            )
        _check(
            _number(self.momentum) and 0 <= self.momentum < 1,
            "momentum",
            self.momentum,
            "a number in [0, 1)",
        )
        _check(_positive(self.epsilon), "epsilon", self.epsilon, "a number > 0")
        _check(
            self.average is False
            or (self.average is not True and _number(self.average) and self.average >= 0),
            "average",
            self.average,
            "False or the number of epochs after which averaging starts (>= 0)",
        )
        _check(self.epoch_samples is None or (isinstance(self.epoch_samples, int | np.integer)
               and self.epoch_samples >= 1), "epoch_samples", self.epoch_samples,
               "None or an integer >= 1")  # fmt: skip
        _check(self.history in ("epoch", "batch"), "history", self.history, "'epoch' or 'batch'")

    @classmethod
    def from_options(cls, options: dict[str, Any]) -> SGDConfig:
        """Build from a solver's options, ignoring those that are not the loop's."""
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in options.items() if k in names})


def _number(value: Any) -> bool:
    return (
        isinstance(value, int | float | np.number)
        and not isinstance(value, bool)
        and (math.isfinite(value))
    )


def _positive(value: Any) -> bool:
    return _number(value) and value > 0


def _check(ok: bool, name: str, value: Any, expected: str) -> None:
    if not ok:
        raise ValueError(f"SGD option {name!r} must be {expected}, got {value!r}")


@dataclass
class SGDState:
    """Everything SGD carries from one pass over the data to the next.

    Attributes
    ----------
    coef : ndarray
        The current iterate (flat layout of the problem).
    learning_rate : float
        Base learning rate, fixed at the first pass (``"auto"`` resolved there).
    epoch_samples : int
        Rows that make one epoch of schedule time: the option ``epoch_samples``,
        or the rows of the first problem (``partial_fit``: of the first batch).
    samples_seen : int
        Rows used so far: the schedule position is ``samples_seen / epoch_samples``.
    n_steps : int
        Optimiser steps taken.
    moment, second_moment : ndarray or None
        Momentum velocity or Adam's first moment; Adam's second moment.
    average : ndarray or None
        Polyak–Ruppert average of the iterates since averaging started, the
        ``k``-th of them weighted by ``k`` (Shamir & Zhang, 2013).
    n_averaged : int
        Iterates in ``average``.
    rng : numpy.random.Generator
        Draws the shuffles.
    smoothness : float
        Estimated Lipschitz constant of the full gradient (the step of the
        proximal full-gradient polish used with L1 penalties).
    """

    coef: np.ndarray
    learning_rate: float
    epoch_samples: int
    rng: np.random.Generator
    smoothness: float = 1.0
    samples_seen: int = 0
    n_steps: int = 0
    moment: np.ndarray | None = None
    second_moment: np.ndarray | None = None
    average: np.ndarray | None = None
    n_averaged: int = 0
    batch_values: list[float] = field(default_factory=list)

    @classmethod
    def start(cls, problem: Problem, coef: np.ndarray, config: SGDConfig) -> SGDState:
        """A fresh state at ``coef`` for ``problem`` (resolves ``learning_rate="auto"``)."""
        per_sample, full = estimate_smoothness(problem)
        rate = config.learning_rate
        if rate == "auto":
            rate = _auto_learning_rate(config, per_sample, full, problem.n_samples)
        return cls(
            coef=np.array(coef, dtype=np.float64),
            learning_rate=float(rate),
            epoch_samples=config.epoch_samples or max(problem.n_samples, 1),
            rng=np.random.default_rng(config.random_state),
            smoothness=full,
        )

    @property
    def epochs(self) -> float:
        """Schedule position in epochs."""
        return self.samples_seen / self.epoch_samples

    @property
    def iterate(self) -> np.ndarray:
        """What a fit returns: the average once it has started, else the iterate."""
        return self.average if self.n_averaged else self.coef


def _auto_learning_rate(config: SGDConfig, per_sample: float, full: float, n: int) -> float:
    """``1/L(b)``, the expected smoothness of a batch of ``b`` rows drawn without replacement.

    ``L(b) = L·n(b-1)/(b(n-1)) + Lₘₐₓ·(n-b)/(b(n-1))`` interpolates between the
    largest per-sample constant (``b = 1``) and the full gradient's (``b = n``)
    (Gower et al., 2019). Adam's steps are scale-free: ``1e-3`` per coordinate.
    """
    if config.optimizer == "adam":
        return 1e-3
    b = min(config.batch_size, n)
    if n <= 1:
        return 1.0 / full
    smooth = full * n * (b - 1) / (b * (n - 1)) + per_sample * (n - b) / (b * (n - 1))
    rate = 1.0 / max(smooth, full)
    return rate * (1.0 - config.momentum)


def estimate_smoothness(problem: Problem, max_rows: int = 2048) -> tuple[float, float]:
    """Lipschitz constants of a one-sample gradient and of the full gradient.

    From at most ``max_rows`` random rows (a fixed seed): the loss's curvature is
    at most ``c = ¼`` (binomial) or ``½`` (multinomial) times ``‖x‖²`` per
    sample, so a sample's gradient (weighted to be unbiased, ``n·s̃ᵢ``) is
    ``c·n·s̃ᵢ(‖xᵢ‖² + 1)``-Lipschitz and the full gradient ``c·λₘₐₓ(Σ s̃ᵢ xᵢxᵢᵀ)``
    (a power iteration). The L2 penalty's curvature is added to both.

    Returns
    -------
    per_sample, full : float
    """
    n = problem.n_samples
    rows = np.arange(n)
    if n > max_rows:
        rows = np.sort(np.random.default_rng(0).choice(n, size=max_rows, replace=False))
    design = problem.design.take(rows)
    weight = problem.sample_weight[rows]
    weight = weight / weight.sum() if weight.sum() > 0 else weight
    curvature = 0.25 if problem.n_outputs == 1 else 0.5
    intercept = float(problem.fit_intercept)
    row_norms = _row_sq_norms(design)
    l2 = float(np.max(problem.penalty.smooth_hessian_diagonal(problem.n_features), initial=0.0))
    per_sample = curvature * float(np.max(len(rows) * weight * (row_norms + intercept))) + l2
    vector = np.ones(design.n_features + problem.fit_intercept)
    top = 0.0
    for _ in range(30):
        vector /= np.linalg.norm(vector)
        raw = design.matvec(vector[: design.n_features]) + (vector[-1] * intercept)
        back = np.empty_like(vector)
        back[: design.n_features] = design.rmatvec(weight * raw)
        if problem.fit_intercept:
            back[-1] = float(np.sum(weight * raw))
        new_top = float(np.linalg.norm(back))
        vector = back
        if abs(new_top - top) <= 1e-3 * new_top:
            top = new_top
            break
        top = new_top
    full = curvature * top + l2
    return max(per_sample, full, 1e-12), max(full, 1e-12)


def _row_sq_norms(design: Design) -> np.ndarray:
    """Squared norm of every row of a (small) design, standardization included."""
    inverse_scale2 = 1.0
    if isinstance(design, StandardizedDesign):
        if design.centered:  # small and dense by construction: standardize it
            X = (np.asarray(design.base.X, dtype=np.float64) - design.mean) / design.scale
            return np.einsum("ij,ij->i", X, X)
        inverse_scale2 = 1.0 / design.scale**2
        design = design.base
    X = design.X
    if design.is_sparse:
        return np.asarray(X.multiply(X) @ np.broadcast_to(inverse_scale2, X.shape[1])).ravel()
    X = np.asarray(X, dtype=np.float64)
    return (X * X) @ np.broadcast_to(inverse_scale2, X.shape[1])


@dataclass(frozen=True)
class KernelData:
    """A problem's arrays in the layout of :func:`._sgd_kernels.sgd_epoch_kernel`.

    Built once per problem by :func:`kernel_data` (the solver reuses it every
    epoch); ``lazy_l2`` is set when the steps are lazy (CSR data, plain SGD,
    smooth penalty), see :mod:`._sgd_kernels`. CSR values are stored
    standardized (a copy of ``data`` when the design is scaled).
    """

    X: np.ndarray
    data: np.ndarray
    indices: np.ndarray
    indptr: np.ndarray
    mean: np.ndarray
    inv_scale: np.ndarray
    y: np.ndarray
    offset: np.ndarray
    loss: int
    gamma: float
    l1: np.ndarray
    l2: np.ndarray
    lazy_l2: np.ndarray
    centered: bool


def kernel_data(problem: Problem, config: SGDConfig) -> KernelData:
    """The arrays of ``problem`` for the compiled epochs (no copy of a dense ``X``).

    Examples
    --------
    >>> from logistica.objective import BinomialLoss, L2
    >>> X = np.array([[0.0], [1.0], [2.0], [3.0]]); y = np.array([0.0, 0.0, 1.0, 1.0])
    >>> prepared = kernel_data(Problem(X, y, BinomialLoss(), L2(0.5)), SGDConfig())
    >>> prepared.l2, prepared.lazy_l2.size
    (array([0.5]), 0)
    """
    loss, gamma = _loss_code(problem.loss)
    design, d, k = problem.design, problem.n_features, problem.n_outputs
    mean, inv_scale = np.zeros(d), np.ones(d)
    if isinstance(design, StandardizedDesign):
        design, mean, inv_scale = design.base, design.mean, 1.0 / design.scale
    if isinstance(design, StandardizedDesign):
        raise TypeError("SGD needs a design standardized once, not a standardized one again")
    empty_index = np.empty(0, dtype=np.int64)
    if design.is_sparse:
        X = np.empty((0, 0))
        csr = design.X.tocsr()
        data, indices, indptr = csr.data, csr.indices, csr.indptr
        if np.any(inv_scale != 1.0):  # standardized values: no inv_scale[j] per non-zero
            data, mean = data * inv_scale[indices], mean * inv_scale
    else:
        X, data, indices, indptr = design.X, np.empty(0), empty_index, empty_index
    zero = np.zeros((d, k) if problem.is_multinomial else d)
    strengths = [
        np.broadcast_to(part(zero), zero.shape).astype(np.float64).ravel()
        for part in (problem.penalty.l1_strength, problem.penalty.l2_strength)
    ]
    centered = bool(np.any(mean != 0))
    lazy = (
        design.is_sparse
        and not centered
        and config.optimizer == "sgd"
        and not config.momentum
        and problem.penalty.is_smooth
    )
    offset = np.empty((0, k))
    if problem.offset is not None:
        offset = np.ascontiguousarray(problem.offset, dtype=np.float64).reshape(-1, k)
    return KernelData(
        X,
        data,
        indices,
        indptr,
        np.asarray(mean, dtype=np.float64),
        np.asarray(inv_scale, dtype=np.float64),
        np.asarray(problem.y, dtype=np.float64),
        offset,
        loss,
        gamma,
        *strengths,
        strengths[1]
        / np.repeat(_touch_probability(indices, d, problem.n_samples, config.batch_size), k)
        if lazy
        else np.empty(0),
        centered,
    )


def _loss_code(loss: Loss) -> tuple[int, float]:
    """The kernel's code of a loss (and the focal ``gamma``)."""
    if isinstance(loss, MultinomialLoss):
        return MULTINOMIAL, 0.0
    if isinstance(loss, FocalLoss):
        return (FOCAL, loss.gamma) if loss.gamma else (BINOMIAL, 0.0)
    if isinstance(loss, BinomialLoss):
        return BINOMIAL, 0.0
    raise TypeError(f"solver 'sgd' knows the binomial, multinomial and focal losses, not {loss!r}")


def _touch_probability(indices: np.ndarray, d: int, n: int, batch_size: int) -> np.ndarray:
    """Probability that a batch of ``b`` rows drawn without replacement holds column ``j``.

    ``1 - C(n - cⱼ, b)/C(n, b)`` for a column with ``cⱼ`` stored entries; 1 for
    empty columns (never in a batch, never divided by).
    """
    count = np.bincount(indices, minlength=d).astype(np.float64)
    b = min(batch_size, n)
    rest = n - count
    with np.errstate(invalid="ignore"):
        log_miss = gammaln(rest + 1) - gammaln(rest - b + 1) - gammaln(n + 1) + gammaln(n - b + 1)
    prob = np.where(rest >= b, -np.expm1(log_miss), 1.0)
    prob[count == 0] = 1.0
    return prob


def sgd_epoch(
    problem: Problem,
    state: SGDState,
    config: SGDConfig,
    rows: np.ndarray | None = None,
    horizon: float = 1.0,
    prepared: KernelData | None = None,
) -> SGDState:
    """One pass over ``rows`` of ``problem`` (all rows by default) in mini-batches.

    Updates ``state`` in place and returns it. The rows are shuffled with
    ``state.rng`` when ``config.shuffle``; each batch's gradient is weighted to
    be an unbiased estimate of the gradient of the problem's objective
    restricted to ``rows``. With an L1 part, every step ends with the penalty's
    proximal operator. Averaging starts once ``state.epochs >= config.average``.
    The batches run in one compiled call (:func:`._sgd_kernels.sgd_epoch_kernel`).

    Parameters
    ----------
    problem : Problem
        The objective (a mini-batch is a row subset of it).
    state : SGDState
        Where the pass starts; updated.
    config : SGDConfig
        Options of the loop.
    rows : ndarray of int, optional
        The rows to pass over (e.g. without a validation split).
    horizon : float, default=1.0
        Length in epochs of the ``cosine`` schedule.
    prepared : KernelData, optional
        ``kernel_data(problem, config)``, when the caller keeps it across passes.

    Returns
    -------
    SGDState

    Examples
    --------
    >>> from logistica.objective import BinomialLoss, L2
    >>> rng = np.random.default_rng(0); X = rng.standard_normal((100, 2))
    >>> y = (X[:, 0] > 0).astype(float)
    >>> problem = Problem(X, y, BinomialLoss(), L2(0.01))
    >>> config = SGDConfig(batch_size=10)
    >>> state = sgd_epoch(problem, SGDState.start(problem, problem.zero_coef(), config), config)
    >>> state.n_steps, state.samples_seen, bool(state.coef[0] > 0)
    (10, 100, True)
    """
    rows = np.arange(problem.n_samples) if rows is None else rows
    if config.shuffle:
        rows = state.rng.permutation(rows)
    total = float(problem.sample_weight[rows].sum())
    if total <= 0:
        return state
    prepared = kernel_data(problem, config) if prepared is None else prepared
    if config.optimizer == "adam" and state.second_moment is None:
        state.moment, state.second_moment = np.zeros_like(state.coef), np.zeros_like(state.coef)
    elif config.momentum and state.moment is None:
        state.moment = np.zeros_like(state.coef)
    if state.average is None:
        state.average = np.zeros_like(state.coef)
    empty = np.empty(0)
    batch_size = min(config.batch_size, rows.size)
    values = np.empty(-(-rows.size // batch_size) if config.history == "batch" else 0)
    counters = np.array([state.samples_seen, state.n_steps, state.n_averaged], dtype=np.int64)
    from ._sgd_kernels import sgd_epoch_kernel  # numba is imported on the first epoch

    sgd_epoch_kernel(
        prepared.X,
        prepared.data,
        prepared.indices,
        prepared.indptr,
        prepared.mean,
        prepared.inv_scale,
        prepared.y,
        problem.sample_weight,
        prepared.offset,
        np.asarray(rows, dtype=np.int64),
        prepared.loss,
        state.coef,
        prepared.l1,
        prepared.l2,
        prepared.lazy_l2,
        empty if state.moment is None else state.moment,
        empty if state.second_moment is None else state.second_moment,
        state.average,
        _params(config, state, horizon, total, prepared),
        counters,
        values,
    )
    state.samples_seen, state.n_steps, state.n_averaged = (int(c) for c in counters)
    state.batch_values.extend(values.tolist())
    return state


def _params(
    config: SGDConfig, state: SGDState, horizon: float, total: float, prepared: KernelData
) -> np.ndarray:
    """The ``params`` vector of the kernel."""
    params = np.zeros(N_PARAMS)
    params[P_RATE] = state.learning_rate
    params[P_EPOCH_SAMPLES] = state.epoch_samples
    params[P_SCHEDULE] = SCHEDULES.index(config.schedule)
    params[P_POWER_T] = config.power_t
    params[P_STEP_EPOCHS] = config.step_epochs
    params[P_STEP_GAMMA] = config.step_gamma
    params[P_HORIZON] = horizon
    params[P_WARMUP] = config.warmup
    params[P_MOMENTUM] = config.momentum
    params[P_NESTEROV] = config.nesterov
    params[P_ADAM] = config.optimizer == "adam"
    params[P_BETA1] = config.beta1
    params[P_BETA2] = config.beta2
    params[P_EPSILON] = config.epsilon
    params[P_AVERAGE_START] = np.inf if config.average is False else config.average
    params[P_BATCH_SIZE] = config.batch_size
    params[P_TOTAL_WEIGHT] = total
    params[P_GAMMA] = prepared.gamma
    params[P_CENTERED] = prepared.centered
    return params
