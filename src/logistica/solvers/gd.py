"""Plain full-batch gradient descent: the method the tutorials derive by hand.

Kept honest rather than fast: a fixed learning rate, or an adaptive
backtracking (Armijo) step that grows after each accepted step and halves on
each rejected one. With ``verbose`` it prints the loss as it goes, and the
objective after every iteration lands in ``loss_history_``.
"""

from __future__ import annotations

import numpy as np

from ..objective.problem import Problem
from ._linesearch import armijo
from ._registry import register
from .base import Progress, Solution, Solver

__all__ = ["GradientDescent"]


@register
class GradientDescent(Solver):
    """Gradient descent ``w ← w - η ∇f(w)``.

    Options
    -------
    learning_rate : "backtracking" or float, default="backtracking"
        A fixed step ``η``, or a backtracking line search starting from twice
        the previous accepted step.

    Examples
    --------
    >>> import numpy as np
    >>> from logistica.objective import BinomialLoss, L2, Problem
    >>> X = np.array([[0.0], [1.0], [2.0], [3.0]]); y = np.array([0.0, 1.0, 0.0, 1.0])
    >>> sol = GradientDescent(learning_rate=1.0).solve(
    ...     Problem(X, y, BinomialLoss(), L2(0.1)), tol=1e-8, max_iter=5000)
    >>> sol.converged
    True
    """

    name = "gd"
    default_max_iter = 10_000
    advice = "increase max_iter, standardize the features, or use solver='newton' or 'lbfgs'"

    def _solve(
        self, problem: Problem, coef: np.ndarray, progress: Progress, max_iter: int
    ) -> Solution:
        learning_rate = self.options.get("learning_rate", "backtracking")
        fixed = learning_rate != "backtracking"
        if fixed and not (isinstance(learning_rate, int | float) and learning_rate > 0):
            raise ValueError(
                f"learning_rate must be 'backtracking' or a positive number, got {learning_rate!r}"
            )
        step = float(learning_rate) if fixed else 1.0
        raw = problem.raw(coef)
        value, grad = problem.value_grad_from_raw(coef, raw)
        if progress.record(0, coef, value, grad):
            return progress.solution(coef, 0)
        message = ""
        n_iter = 0
        for n_iter in range(1, max_iter + 1):  # noqa: B007 - n_iter is reported
            if fixed:
                coef = coef - step * grad
                raw = problem.raw(coef)
            else:
                step, _, raw_direction = armijo(
                    problem, coef, raw, value, -grad, -float(grad @ grad), step=2.0 * step
                )
                if step == 0.0:
                    message = "line search found no decrease (limit of floating-point precision)"
                    break
                coef = coef - step * grad
                raw += step * raw_direction
            value, grad = problem.value_grad_from_raw(coef, raw)
            if not (np.isfinite(value) and np.all(np.isfinite(coef))):
                message = f"diverged: learning_rate={step:g} is too large"
                break
            if progress.record(n_iter, coef, value, grad):
                break
        return progress.solution(coef, n_iter, message)
