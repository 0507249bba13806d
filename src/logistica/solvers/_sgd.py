"""The mini-batch SGD machinery shared by ``solver="sgd"`` and ``partial_fit``.

A pass over the data is :func:`sgd_epoch`; everything that must survive
between passes (the iterate, the step counter and schedule position, the
optimiser's moments, the Polyak–Ruppert average, the random generator) lives
in one :class:`SGDState`. The solver runs epochs on a state it creates;
``LogisticRegression.partial_fit`` keeps a state on the model and runs one
pass per call, so both go through the same loop and a stream of
``partial_fit`` calls is the same computation as a fit.

Each mini-batch is a copy of the :class:`~logistica.objective.Problem` on the
batch's rows (``Design.take``: CSR rows are gathered, nothing is densified,
float32 stays float32) whose weights are rescaled so that its gradient is an
unbiased estimate of the full objective's gradient; the problem's own
``value_grad`` computes it, penalty included. The L1 part of an elastic net is
applied by a proximal step (``ElasticNet.prox``), so coefficients reach exact zeros.
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass, field, fields
from typing import Any

import numpy as np

from ..objective.design import Design, StandardizedDesign
from ..objective.problem import Problem

__all__ = ["SGDConfig", "SGDState", "estimate_smoothness", "sgd_epoch"]

_SCHEDULES = ("constant", "invscaling", "step", "cosine")
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
    average: float | bool = 1.0
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
        _check(self.schedule in _SCHEDULES, "schedule", self.schedule, str(_SCHEDULES))
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


def learning_rate(state: SGDState, config: SGDConfig, horizon: float) -> float:
    """The schedule's rate at the state's position, warm-up included.

    Positions are in epochs (``e``): ``constant`` η, ``invscaling``
    ``η/(1 + e)^power_t``, ``step`` ``η·step_gamma^⌊e/step_epochs⌋``, ``cosine``
    ``η·(1 + cos(π·min(e, horizon)/horizon))/2``; a warm-up multiplies by
    ``min(1, e/warmup)`` (from the first step on, never zero).
    """
    rate, epochs = state.learning_rate, state.epochs
    if config.schedule == "invscaling":
        rate = rate / (1.0 + epochs) ** config.power_t
    elif config.schedule == "step":
        rate = rate * config.step_gamma ** math.floor(epochs / config.step_epochs)
    elif config.schedule == "cosine":
        rate = rate * 0.5 * (1.0 + math.cos(math.pi * min(epochs, horizon) / horizon))
    if config.warmup > 0:
        rate *= min(1.0, max(epochs, 1.0 / state.epoch_samples) / config.warmup)
    return rate


def _batch_problem(problem: Problem, rows: np.ndarray, scale: float) -> Problem:
    """``problem`` restricted to ``rows``, weights scaled by ``scale`` (a shallow copy)."""
    batch = copy.copy(problem)
    batch.design = problem.design.take(rows)
    batch.y = problem.y[rows]
    batch.sample_weight = problem.sample_weight[rows] * scale
    if problem.offset is not None:
        batch.offset = problem.offset[rows]
    return batch


def _step(state: SGDState, config: SGDConfig, grad: np.ndarray, rate: float):
    """Move ``state.coef`` along the optimiser's direction; return the step size(s)."""
    if config.optimizer == "adam":
        if state.moment is None:
            state.moment, state.second_moment = np.zeros_like(grad), np.zeros_like(grad)
        t = state.n_steps
        state.moment *= config.beta1
        state.moment += (1.0 - config.beta1) * grad
        state.second_moment *= config.beta2
        state.second_moment += (1.0 - config.beta2) * grad * grad
        corrected = np.sqrt(state.second_moment / (1.0 - config.beta2**t))
        step = rate / (1.0 - config.beta1**t) / (corrected + config.epsilon)
        direction = state.moment
    else:
        step, direction = rate, grad
        if config.momentum:
            if state.moment is None:
                state.moment = np.zeros_like(grad)
            state.moment *= config.momentum
            state.moment += grad
            direction = grad + config.momentum * state.moment if config.nesterov else state.moment
    state.coef -= step * direction
    return step


def sgd_epoch(
    problem: Problem,
    state: SGDState,
    config: SGDConfig,
    rows: np.ndarray | None = None,
    horizon: float = 1.0,
) -> SGDState:
    """One pass over ``rows`` of ``problem`` (all rows by default) in mini-batches.

    Updates ``state`` in place and returns it. The rows are shuffled with
    ``state.rng`` when ``config.shuffle``; each batch's gradient is weighted to
    be an unbiased estimate of the gradient of the problem's objective
    restricted to ``rows``. With an L1 part, every step ends with the penalty's
    proximal operator. Averaging starts once ``state.epochs >= config.average``.

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

    Returns
    -------
    SGDState
    """
    rows = np.arange(problem.n_samples) if rows is None else rows
    if config.shuffle:
        rows = state.rng.permutation(rows)
    total = float(problem.sample_weight[rows].sum())
    if total <= 0:
        return state
    n, batch_size = rows.size, min(config.batch_size, rows.size)
    smooth = problem.penalty.is_smooth
    features = slice(0, problem.n_features * problem.n_outputs)  # flat layout: features first
    record = config.history == "batch"
    for start in range(0, n, batch_size):
        batch_rows = rows[start : start + batch_size]
        batch = _batch_problem(problem, batch_rows, n / (batch_rows.size * total))
        value, grad, _ = batch.value_grad(state.coef)
        if record:
            state.batch_values.append(value)
        state.n_steps += 1
        step = _step(state, config, grad, learning_rate(state, config, horizon))
        if not smooth:
            W, _ = problem.split(state.coef)
            prox_step = step if np.ndim(step) == 0 else step[features].reshape(W.shape)
            W[...] = problem.penalty.prox(W, prox_step)
        state.samples_seen += batch_rows.size
        if config.average is not False and state.epochs >= config.average:
            if state.n_averaged == 0:
                state.average = state.coef.copy()
            else:
                # weights growing linearly with the step (Shamir & Zhang, 2013): the
                # average forgets its far-off start; at 20 epochs the gap was 1.5-4x
                # smaller than with uniform weights on binary and 5-class problems
                state.average += 2.0 / (state.n_averaged + 2) * (state.coef - state.average)
            state.n_averaged += 1
    return state
