"""Limited-memory BFGS with a raw-space line search.

Each iteration costs two passes over ``X``: ``X @ direction`` for the line
search (whose trials are element-wise only) and ``Xᵀ residual`` for the new
gradient. The two-loop recursion (Nocedal & Wright, Algorithm 7.4) builds the
direction from the last ``memory`` curvature pairs; the search accepts steps
on the approximate Wolfe conditions, so the gradient can be driven far below
the point where objective differences are lost to rounding.
"""

from __future__ import annotations

from collections import deque
from typing import Any, ClassVar

import numpy as np

from ..objective.problem import Problem
from ._linesearch import line_search
from ._registry import register
from .base import Progress, Solution, Solver

__all__ = ["LBFGS"]


def _two_loop(grad: np.ndarray, pairs: deque) -> np.ndarray:
    """``-H·grad`` for the L-BFGS inverse-Hessian approximation ``H`` of ``pairs``."""
    q = grad.copy()
    alphas = []
    for s, y, rho in reversed(pairs):
        alpha = rho * float(s @ q)
        q -= alpha * y
        alphas.append(alpha)
    if pairs:
        s, y, _ = pairs[-1]
        q *= float(s @ y) / float(y @ y)
    for (s, y, rho), alpha in zip(pairs, reversed(alphas), strict=True):
        q += (alpha - rho * float(y @ q)) * s
    return -q


@register
class LBFGS(Solver):
    """Limited-memory BFGS for smooth penalties, dense or sparse, binomial or multinomial.

    Options
    -------
    memory : int, default=10
        Number of curvature pairs kept.

    Examples
    --------
    >>> import numpy as np
    >>> from logistica.objective import BinomialLoss, L2, Problem
    >>> X = np.array([[0.0], [1.0], [2.0], [3.0]]); y = np.array([0.0, 1.0, 0.0, 1.0])
    >>> LBFGS().solve(Problem(X, y, BinomialLoss(), L2(0.1)), tol=1e-10).converged
    True
    """

    name = "lbfgs"
    option_defaults: ClassVar[dict[str, Any]] = {"memory": 10}
    default_max_iter = 1000
    advice = "increase max_iter, standardize the features, or try solver='newton'"

    @classmethod
    def auto_priority(cls, problem: Problem) -> float | None:
        return 1.0 if cls.supports(problem) else None

    def _solve(
        self, problem: Problem, coef: np.ndarray, progress: Progress, max_iter: int
    ) -> Solution:
        memory = int(self.options["memory"])
        pairs: deque = deque(maxlen=memory)
        value, grad, raw = problem.value_grad(coef)
        if progress.record(0, coef, value, grad):
            return progress.solution(coef, 0)
        message, n_iter = "", 0
        for n_iter in range(1, max_iter + 1):
            direction = _two_loop(grad, pairs)
            slope = float(grad @ direction)
            if not slope < 0:  # the memory went stale: restart from steepest descent
                pairs.clear()
                direction, slope = -grad, -float(grad @ grad)
            first = 1.0 if pairs else min(1.0, 1.0 / max(np.max(np.abs(grad)), 1e-300))
            result = line_search(problem, coef, raw, value, direction, slope, step=first)
            if result.step == 0.0:
                if not pairs:
                    message = "line search failed along the steepest descent direction"
                    break
                pairs.clear()
                continue
            s = result.step * direction
            coef = coef + s
            raw += result.step * result.raw_direction
            value = result.value
            new_grad = problem.grad_from_residual(coef, result.residual)
            y = new_grad - grad
            sy = float(s @ y)
            if sy > np.finfo(np.float64).eps * float(y @ y):
                pairs.append((s, y, 1.0 / sy))
            grad = new_grad
            if progress.record(n_iter, coef, value, grad):
                break
        return progress.solution(coef, n_iter, message)
