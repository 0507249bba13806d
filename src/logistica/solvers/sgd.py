"""Mini-batch stochastic gradient descent on the same objective as every solver.

Each epoch is one shuffled pass in mini-batches (:func:`._sgd.sgd_epoch`, the
loop ``partial_fit`` uses too), run by one compiled call (:mod:`._sgd_kernels`;
on CSR data with plain SGD and an L2 or no penalty a batch costs only its
non-zeros, the L2 part being applied to a column when it is in the batch,
divided by the probability that it is); after it, one full pass evaluates the objective
and the shared optimality measure at the returned iterate (the Polyak–Ruppert
average once it has started), which fills the history and decides convergence.
With an L1 part, the returned iterate is the average polished by one proximal
full-gradient step, so its zeros are exact. Never chosen by ``solver="auto"``:
the deterministic solvers reach tighter optima faster on data that fit in memory.
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from ..objective.problem import Problem
from ._registry import register
from ._sgd import SGDConfig, SGDState, kernel_data, sgd_epoch
from .base import Progress, Solution, Solver

__all__ = ["SGD", "polish"]


@register
class SGD(Solver):
    """Mini-batch SGD (plain, momentum, Nesterov) or Adam, with schedules and averaging.

    Options
    -------
    batch_size : int, default=64
        Rows per mini-batch (``1`` … ``n``; larger than ``n`` means full batch).
    optimizer : {"sgd", "adam"}, default="sgd"
        Plain SGD (optionally with ``momentum``/``nesterov``) or Adam.
    learning_rate : "auto" or float, default="auto"
        Base rate. ``"auto"``: ``1/L(b)`` for SGD, where ``L(b)`` is the
        expected smoothness of a batch of ``b`` rows, estimated from ≤ 2,048
        rows (on the standardized problem that :meth:`Solver.solve` hands over);
        ``1e-3`` for Adam.
    schedule : {"constant", "invscaling", "step", "cosine"}, default="invscaling"
        How the rate decays with the epochs ``e`` of schedule time (see
        ``epoch_samples``): constant, ``1/(1 + e)^power_t``,
        ``step_gamma^⌊e/step_epochs⌋`` or a cosine over ``horizon`` epochs
        (``max_iter`` passes over the data by default). The default decays: with a
        constant rate the average stalls at a bias (relative gap ~5e-4 on a
        200×3 problem after 100 epochs, optimality 3e-2), with ``invscaling`` it
        kept converging (gap 3e-6, optimality 3e-3 at ``batch_size=16``).
    power_t, step_epochs, step_gamma, horizon : float
        Parameters of the schedules (0.5, 10, 0.5, None).
    warmup : float, default=0.0
        Epochs of linear warm-up of the rate.
    momentum : float, default=0.0
        Heavy-ball momentum of ``"sgd"``; ``nesterov=True`` for Nesterov's.
    beta1, beta2, epsilon : float
        Adam's moment decays and denominator guard (0.9, 0.999, 1e-8).
    average : float or False, default=0.0
        Average the iterates (Polyak–Ruppert, weights growing linearly with the
        step) from this epoch on; ``False`` returns the last iterate.
    shuffle : bool, default=True
        Shuffle the rows every epoch.
    random_state : int, Generator or None, default=0
        Seed of the shuffles and of the validation split: fits repeat exactly
        by default; ``None`` draws fresh entropy.
    early_stopping : bool, default=False
        Hold out ``validation_fraction`` of the rows and stop once the validation
        objective has not improved by a relative 1e-4 for ``n_iter_no_change`` epochs.
    validation_fraction : float, default=0.1
    n_iter_no_change : int, default=5
    epoch_samples : int, optional
        Rows per epoch of schedule time (schedules, warm-up, ``average``): the
        problem's rows by default. Give the size of the data set to
        ``partial_fit``, which otherwise counts in first batches. A smaller
        unit decays the rate within a pass: on a dense 1M×100 problem
        ``epoch_samples=1000`` gave a relative gap of 3e-5 after one pass
        instead of 3.2e-3 (the average of iterates taken at an almost constant
        rate stalls at a bias); it is not the default because on a nearly
        separable 5-class problem (30k×50) it left the gap at 2.5e-2 after 20
        epochs instead of 5e-5: a rate that decays before the iterate is near
        the optimum stalls.
    history : {"epoch", "batch"}, default="epoch"
        ``"epoch"``: the objective after every epoch (exact, the start first).
        ``"batch"``: every mini-batch's objective estimate instead (noisy).

    Examples
    --------
    >>> import numpy as np
    >>> from logistica.objective import BinomialLoss, L2, Problem
    >>> rng = np.random.default_rng(0); X = rng.standard_normal((200, 3))
    >>> y = (X[:, 0] + rng.standard_normal(200) > 0).astype(float)
    >>> problem = Problem(X, y, BinomialLoss(), L2(0.01))
    >>> sol = SGD(batch_size=16, random_state=0).solve(problem, tol=1e-2)
    >>> sol.converged, sol.solver
    (True, 'sgd')
    """

    name = "sgd"
    supports_l1 = True
    default_max_iter = 100
    advice = (
        "increase max_iter (epochs), try schedule='invscaling' or a larger batch_size, "
        "or use a deterministic solver (solver='auto')"
    )
    option_defaults: ClassVar[dict[str, Any]] = {
        **{name: value for name, value in SGDConfig().__dict__.items()},
        "early_stopping": False,
        "validation_fraction": 0.1,
        "n_iter_no_change": 5,
    }

    def _solve(
        self, problem: Problem, coef: np.ndarray, progress: Progress, max_iter: int
    ) -> Solution:
        config = SGDConfig.from_options(self.options)
        state = SGDState.start(problem, coef, config)
        train, validation = self._split(problem, state)
        passes = problem.n_samples if train is None else train.size
        horizon = float(config.horizon or max_iter * passes / state.epoch_samples)
        prepared = kernel_data(problem, config)
        value, grad, _ = problem.value_grad(coef)
        if progress.record(0, coef, value, grad):
            return progress.solution(coef, 0)
        best, stale, message, epoch = np.inf, 0, "", 0
        for epoch in range(1, max_iter + 1):
            sgd_epoch(problem, state, config, train, horizon, prepared)
            coef = state.iterate
            with np.errstate(over="ignore", invalid="ignore"):
                value, grad, _ = problem.value_grad(coef)
                if not problem.penalty.is_smooth:
                    coef, value, grad = polish(problem, coef, grad, state.smoothness)
            if not (np.isfinite(value) and np.all(np.isfinite(coef))):
                message = f"diverged: learning_rate={state.learning_rate:g} is too large"
                break
            if progress.record(epoch, coef, value, grad):
                break
            if validation is not None:
                score = validation.value_from_raw(coef, validation.raw(coef))
                stale = 0 if score < best - 1e-4 * abs(best) else stale + 1
                best = min(best, score)
                if stale >= int(self.options["n_iter_no_change"]):
                    message = (
                        f"early stopping: the validation objective did not improve for "
                        f"{stale} epochs"
                    )
                    break
        if config.history == "batch":
            progress.history[:] = state.batch_values
        return progress.solution(coef.copy(), epoch, message)

    def _split(self, problem: Problem, state: SGDState) -> tuple[np.ndarray | None, Problem | None]:
        """Training rows and the validation problem of ``early_stopping``."""
        if not self.options["early_stopping"]:
            return None, None
        fraction = self.options["validation_fraction"]
        if not (isinstance(fraction, float | int) and 0 < fraction < 1):
            raise ValueError(f"validation_fraction must be in (0, 1), got {fraction!r}")
        patience = self.options["n_iter_no_change"]
        if not (isinstance(patience, int | np.integer) and patience >= 1):
            raise ValueError(f"n_iter_no_change must be an integer >= 1, got {patience!r}")
        n = problem.n_samples
        n_validation = round(fraction * n)
        if not 1 <= n_validation < n:
            raise ValueError(
                f"validation_fraction={fraction} leaves no validation or no training rows "
                f"out of {n}"
            )
        order = state.rng.permutation(n)
        held_out = np.sort(order[:n_validation])
        validation = Problem(
            problem.design.take(held_out),
            problem.y[held_out],
            problem.loss,
            problem.penalty,
            problem.sample_weight[held_out],
            None if problem.offset is None else problem.offset[held_out],
            problem.fit_intercept,
        )
        return np.sort(order[n_validation:]), validation


def polish(
    problem: Problem, coef: np.ndarray, grad: np.ndarray, smoothness: float
) -> tuple[np.ndarray, float, np.ndarray]:
    """One proximal full-gradient step ``prox(w - ∇f(w)/L)``: exact zeros for L1 (two passes)."""
    step = 1.0 / smoothness
    polished = coef - step * grad
    W, _ = problem.split(polished)
    W[...] = problem.penalty.prox(W, step)
    value, grad, _ = problem.value_grad(polished)
    return polished, value, grad
