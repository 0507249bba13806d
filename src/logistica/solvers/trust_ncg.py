"""Trust-region Newton with (preconditioned) conjugate gradients: LIBLINEAR's TRON design.

Each iteration solves the Newton system ``H s = -g`` approximately by
Steihaug's conjugate gradients inside a trust region, using only
Hessian-vector products (two passes over ``X`` each, no Hessian is formed), so
the cost does not grow with the square of the number of features: the method
for wide and sparse L2 problems. The preconditioner is the Hessian's diagonal
mixed with the identity, as in LIBLINEAR since 2.4 (Hsia, Chiang and Lin,
2018); the trust-region radius follows TRON's update rules (Lin, Weng and
Keerthi, 2008).
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from ..objective.problem import Problem
from ._registry import register
from .base import Progress, Solution, Solver

__all__ = ["TrustNCG", "steihaug_cg"]

_ETA = (1e-4, 0.25, 0.75)  # acceptance and radius-update thresholds on actual/predicted
_SIGMA = (0.25, 0.5, 4.0)  # radius shrink and growth factors
_EPS = np.finfo(np.float64).eps


def steihaug_cg(hessp, grad, radius, precond, rtol, max_iter):
    """Approximately minimise ``gᵀs + ½sᵀHs`` subject to ``‖s‖_M <= radius``.

    Preconditioned conjugate gradients (``M = diag(precond)``), stopped when the
    preconditioned residual falls to ``rtol`` times its start or the iterate
    reaches the trust-region boundary.

    Returns
    -------
    step : ndarray
    residual : ndarray
        ``-g - H·step``, for the predicted reduction ``-½(gᵀs - sᵀr)``.
    iterations : int

    Examples
    --------
    >>> import numpy as np
    >>> H = np.diag([2.0, 4.0]); g = np.array([2.0, 4.0])
    >>> s, r, _ = steihaug_cg(lambda v: H @ v, g, 10.0, np.ones(2), 1e-12, 10)
    >>> s
    array([-1., -1.])
    """
    step = np.zeros_like(grad)
    residual = -grad
    z = residual / precond
    direction = z.copy()
    rz = float(residual @ z)
    stop = rtol * np.sqrt(rz)
    for iteration in range(1, max_iter + 1):
        if np.sqrt(rz) <= stop:
            return step, residual, iteration - 1
        h_dir = hessp(direction)
        curvature = float(direction @ h_dir)
        alpha = rz / curvature if curvature > 0 else np.inf
        trial = step + alpha * direction if np.isfinite(alpha) else None
        if trial is None or np.sqrt(trial @ (precond * trial)) > radius:
            tau = _to_boundary(step, direction, precond, radius)
            return step + tau * direction, residual - tau * h_dir, iteration
        step = trial
        residual = residual - alpha * h_dir
        z = residual / precond
        rz, rz_old = float(residual @ z), rz
        direction = z + (rz / rz_old) * direction
    return step, residual, max_iter


def _to_boundary(step, direction, precond, radius) -> float:
    """``τ >= 0`` with ``‖step + τ·direction‖_M = radius``."""
    sd = float(step @ (precond * direction))
    dd = float(direction @ (precond * direction))
    ss = float(step @ (precond * step))
    gap = max(radius * radius - ss, 0.0)
    root = np.sqrt(sd * sd + dd * gap)
    return gap / (sd + root) if sd >= 0 else (root - sd) / dd


@register
class TrustNCG(Solver):
    """Trust-region Newton-CG (TRON) with Hessian-vector products; L2 penalties.

    One iteration is one trust-region step: conjugate-gradient iterations (two
    passes over ``X`` each), one pass for ``X s`` and, when accepted, one for
    the new gradient.

    Options
    -------
    cg_tol : float, default=0.1
        Relative (preconditioned) residual at which conjugate gradients stop.
    max_cg : int, default=250
        Conjugate-gradient iterations per step at most.
    precondition : bool, default=True
        Use the diagonal preconditioner ``0.99·diag(H) + 0.01``.

    Examples
    --------
    >>> import numpy as np
    >>> from logistica.objective import BinomialLoss, L2, Problem
    >>> X = np.array([[0.0], [1.0], [2.0], [3.0]]); y = np.array([0.0, 1.0, 0.0, 1.0])
    >>> TrustNCG().solve(Problem(X, y, BinomialLoss(), L2(0.1)), tol=1e-10).converged
    True
    """

    name = "trust-ncg"
    option_defaults: ClassVar[dict[str, Any]] = {"cg_tol": 0.1, "max_cg": 250, "precondition": True}
    needs_hessian = True
    default_max_iter = 200
    advice = "increase max_iter or standardize the features"

    def _solve(
        self, problem: Problem, coef: np.ndarray, progress: Progress, max_iter: int
    ) -> Solution:
        cg_tol = float(self.options["cg_tol"])
        max_cg = int(self.options["max_cg"])
        precondition = bool(self.options["precondition"])
        value, grad, raw = problem.value_grad(coef)
        if progress.record(0, coef, value, grad):
            return progress.solution(coef, 0)
        radius, n_iter, message = None, 0, ""
        for n_iter in range(1, max_iter + 1):
            model = problem.hessian_model()
            precond = np.ones_like(grad)
            if precondition:
                precond = 0.01 + 0.99 * model.diagonal(raw)
            if radius is None:
                radius = float(np.sqrt(grad @ (grad / precond)))
            step, residual, _ = steihaug_cg(
                model.operator(raw), grad, radius, precond, cg_tol, max_cg
            )
            raw_step = problem.raw_direction(step)
            new_value = problem.value_from_raw(coef + step, raw + raw_step)
            slope = float(grad @ step)
            predicted = -0.5 * (slope - float(step @ residual))
            actual = value - new_value
            step_norm = float(np.sqrt(step @ (precond * step)))
            if n_iter == 1:
                radius = min(radius, step_norm)
            radius = _update_radius(radius, step_norm, actual, predicted, slope)
            noise = 10 * _EPS * abs(value)
            if actual > _ETA[0] * predicted or (predicted <= noise and actual >= -noise):
                coef = coef + step
                raw = raw + raw_step
                value, grad = problem.value_grad_from_raw(coef, raw)
                if progress.record(n_iter, coef, value, grad):
                    break
            if radius <= _EPS * max(1.0, float(np.sqrt(coef @ (precond * coef)))):
                message = "trust region collapsed (limit of floating-point precision)"
                break
        return progress.solution(coef, n_iter, message)


def _update_radius(radius, step_norm, actual, predicted, slope) -> float:
    """TRON's radius update from the ratio of actual to predicted reduction."""
    eta0, eta1, eta2 = _ETA
    sigma1, sigma2, sigma3 = _SIGMA
    curvature = -actual - slope  # f(w+s) - f(w) - gᵀs
    alpha = sigma3 if curvature <= 0 else max(sigma1, -0.5 * slope / curvature)
    if actual < eta0 * predicted:
        return min(max(alpha, sigma1) * step_norm, sigma2 * radius)
    if actual < eta1 * predicted:
        return max(sigma1 * radius, min(alpha * step_norm, sigma2 * radius))
    if actual < eta2 * predicted:
        return max(sigma1 * radius, min(alpha * step_norm, sigma3 * radius))
    return max(radius, min(alpha * step_norm, sigma3 * radius))
