"""Plain full-batch gradient descent: the method the tutorials derive by hand.

Kept honest rather than fast: a fixed learning rate, or a step chosen by a
line search (Wolfe conditions) that starts from the previous step. With
``verbose`` it prints the loss as it goes, and the objective after every
iteration lands in ``loss_history_``.
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from ..objective.problem import Problem
from ._linesearch import line_search
from ._registry import register
from .base import Progress, Solution, Solver

__all__ = ["GradientDescent"]


@register
class GradientDescent(Solver):
    """Gradient descent ``w ← w - η ∇f(w)``.

    Options
    -------
    learning_rate : "line-search" or float, default="line-search"
        A fixed step ``η``, or a line search starting from the previous step.

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
    option_defaults: ClassVar[dict[str, Any]] = {"learning_rate": "line-search"}
    default_max_iter = 10_000
    advice = "increase max_iter, standardize the features, or use solver='newton' or 'lbfgs'"

    def _solve(
        self, problem: Problem, coef: np.ndarray, progress: Progress, max_iter: int
    ) -> Solution:
        learning_rate = self.options["learning_rate"]
        fixed = learning_rate != "line-search"
        if fixed and not (isinstance(learning_rate, int | float) and learning_rate > 0):
            raise ValueError(
                f"learning_rate must be 'line-search' or a positive number, got {learning_rate!r}"
            )
        step = float(learning_rate) if fixed else 1.0
        value, grad, raw = problem.value_grad(coef)
        if progress.record(0, coef, value, grad):
            return progress.solution(coef, 0)
        message = ""
        n_iter = 0
        for n_iter in range(1, max_iter + 1):
            if fixed:
                coef = coef - step * grad
                with np.errstate(over="ignore", invalid="ignore"):  # divergence is checked below
                    value, grad, raw = problem.value_grad(coef)
            else:
                result = line_search(
                    problem, coef, raw, value, -grad, -float(grad @ grad), step=step
                )
                if result.step == 0.0:
                    message = "line search found no acceptable step (floating-point limit)"
                    break
                step = result.step
                coef = coef - step * grad
                raw += step * result.raw_direction
                value = result.value
                grad = problem.grad_from_residual(coef, result.residual)
            if not (np.isfinite(value) and np.all(np.isfinite(coef))):
                message = f"diverged: learning_rate={step:g} is too large"
                break
            if progress.record(n_iter, coef, value, grad):
                break
        return progress.solution(coef, n_iter, message)
