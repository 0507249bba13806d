"""Backtracking (Armijo) line search along a direction, reusing the linear predictor."""

from __future__ import annotations

import numpy as np

from ..objective.problem import Problem

__all__ = ["armijo"]

_EPS = np.finfo(np.float64).eps


def armijo(
    problem: Problem,
    coef: np.ndarray,
    raw: np.ndarray,
    value: float,
    direction: np.ndarray,
    slope: float,
    step: float = 1.0,
    shrink: float = 0.5,
    max_halvings: int = 60,
) -> tuple[float, float, np.ndarray]:
    """Largest ``t = step·shrinkᵏ`` with sufficient decrease along ``direction``.

    One pass over ``X`` computes ``X @ direction``; each trial then costs only
    element-wise work on ``raw + t·X @ direction``. Decreases at the level of
    rounding error are accepted, so an exact Newton step near the optimum is
    not rejected for noise in the last bits of the objective.

    Returns
    -------
    step : float
        Accepted step, ``0.0`` when none was found.
    value : float
        Objective at the accepted point (the old value when ``step == 0``).
    raw_direction : ndarray
        ``X @ direction``, so the caller updates ``raw`` without another pass.
    """
    raw_direction = problem.raw_direction(direction)
    slack = 8 * _EPS * abs(value)
    for _ in range(max_halvings):
        trial = problem.value_from_raw(coef + step * direction, raw + step * raw_direction)
        if np.isfinite(trial) and trial <= value + 1e-4 * step * slope + slack:
            return step, trial, raw_direction
        step *= shrink
    return 0.0, value, raw_direction
