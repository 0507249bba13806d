"""Line search along a direction, in raw-prediction space.

One pass over ``X`` computes ``X @ direction``; every trial step then costs
only element-wise work on ``raw + t·(X @ direction)``, and so does the slope
``φ'(t) = Σ residual(t)·(X @ direction) + penalty'(t)``. The accepted step's
residual is returned, so the caller gets the new gradient with one ``Xᵀ``
pass and no further loss evaluation.

Because the objective is convex along any line, ``φ'`` is increasing and the
search is a safeguarded secant on ``φ'``. Steps are accepted under the Wolfe
conditions or, near the optimum where objective differences drown in
rounding error, the approximate Wolfe conditions of Hager and Zhang (2005),
which rely on the accurately computed slope instead of objective differences.
That is what lets the quasi-Newton and Newton solvers drive the gradient to
1e-10 of its initial size.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..objective.problem import Problem

__all__ = ["LineSearchResult", "line_search"]

_ARMIJO = 1e-4
_CURVATURE = 0.9
_EPS = np.finfo(np.float64).eps


@dataclass(frozen=True)
class LineSearchResult:
    """Outcome of :func:`line_search` (``step == 0`` when no acceptable step exists)."""

    step: float
    value: float
    raw_direction: np.ndarray
    residual: np.ndarray | None


def line_search(
    problem: Problem,
    coef: np.ndarray,
    raw: np.ndarray,
    value: float,
    direction: np.ndarray,
    slope: float,
    step: float = 1.0,
    max_trials: int = 40,
) -> LineSearchResult:
    """Find a step satisfying the (approximate) Wolfe conditions along ``direction``.

    Parameters
    ----------
    problem : Problem
        The smooth problem.
    coef, raw, value : ndarray, ndarray, float
        Current point, its linear predictor and its objective.
    direction : ndarray
        A descent direction.
    slope : float
        ``∇f(coef) · direction`` (negative).
    step : float, default=1.0
        First trial step.
    max_trials : int, default=40
        Objective evaluations allowed.

    Returns
    -------
    LineSearchResult
    """
    raw_direction = problem.raw_direction(direction)
    W, _ = problem.split(coef)
    D, _ = problem.split(direction)
    penalty = problem.penalty
    loss = problem.loss
    value_slack = 10 * _EPS * abs(value)

    def phi(t: float) -> tuple[float, float, np.ndarray]:
        trial_raw = raw + t * raw_direction
        loss_value, residual = loss.value_and_residual(trial_raw, problem.y, problem.sample_weight)
        point = W + t * D
        trial_value = loss_value + penalty.value(point)
        trial_slope = float(np.vdot(residual, raw_direction))
        trial_slope += float(np.vdot(penalty.smooth_gradient(point), D))
        return trial_value, trial_slope, residual

    low, low_slope = 0.0, slope
    high, high_slope = np.inf, np.nan
    for _ in range(max_trials):
        with np.errstate(over="ignore", invalid="ignore"):
            trial_value, trial_slope, residual = phi(step)
        if not (np.isfinite(trial_value) and np.isfinite(trial_slope)):
            high, high_slope = step, np.nan
        else:
            sufficient = trial_value <= value + _ARMIJO * step * slope or (
                trial_value <= value + value_slack and trial_slope <= (2 * _ARMIJO - 1) * slope
            )
            if sufficient and trial_slope >= _CURVATURE * slope:
                return LineSearchResult(step, trial_value, raw_direction, residual)
            if sufficient and trial_slope < 0:
                low, low_slope = step, trial_slope
            else:
                high, high_slope = step, trial_slope
        step = _next_step(low, low_slope, high, high_slope)
        if np.isfinite(high) and high - low <= _EPS * high:
            break
    return LineSearchResult(0.0, value, raw_direction, None)


def _next_step(low: float, low_slope: float, high: float, high_slope: float) -> float:
    """Expand while no upper bracket exists, else a safeguarded secant step on ``φ'``."""
    if not np.isfinite(high):
        return 4.0 * low
    width = high - low
    if np.isfinite(high_slope) and high_slope > low_slope:
        secant = low - low_slope * width / (high_slope - low_slope)
        return float(np.clip(secant, low + 0.05 * width, high - 0.05 * width))
    return low + 0.5 * width
