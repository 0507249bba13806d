"""L-BFGS (SciPy's L-BFGS-B) on the fused objective value and gradient."""

from __future__ import annotations

import numpy as np
from scipy.optimize import minimize

from ..objective.problem import Problem
from ._registry import register
from .base import Progress, Solution, Solver

__all__ = ["LBFGS"]


@register
class LBFGS(Solver):
    """Limited-memory BFGS; one value-and-gradient evaluation (two passes over X) per step.

    Options
    -------
    memory : int, default=10
        Number of correction pairs kept (SciPy's ``maxcor``).
    max_line_search : int, default=50
        Function evaluations allowed per line search (SciPy's ``maxls``).

    Examples
    --------
    >>> import numpy as np
    >>> from logistica.objective import BinomialLoss, L2, Problem
    >>> X = np.array([[0.0], [1.0], [2.0], [3.0]]); y = np.array([0.0, 1.0, 0.0, 1.0])
    >>> LBFGS().solve(Problem(X, y, BinomialLoss(), L2(0.1)), tol=1e-10).converged
    True
    """

    name = "lbfgs"
    default_max_iter = 1000
    advice = "increase max_iter, standardize the features, or try solver='newton'"

    @classmethod
    def auto_priority(cls, problem: Problem) -> float | None:
        return 1.0 if cls.supports(problem) else None

    def _solve(
        self, problem: Problem, coef: np.ndarray, progress: Progress, max_iter: int
    ) -> Solution:
        last = {}

        def value_and_grad(w: np.ndarray) -> tuple[float, np.ndarray]:
            value, grad, _ = problem.value_grad(w)
            last.update(coef=w.copy(), value=value, grad=grad)
            return value, grad

        value, grad = value_and_grad(coef)
        if progress.record(0, coef, value, grad):
            return progress.solution(coef, 0)
        iteration = [0]

        def on_iteration(intermediate_result) -> None:
            w = intermediate_result.x
            if not np.array_equal(w, last["coef"]):
                value_and_grad(w)
            iteration[0] += 1
            if progress.record(iteration[0], w, last["value"], last["grad"]):
                raise StopIteration

        result = minimize(
            value_and_grad,
            coef,
            jac=True,
            method="L-BFGS-B",
            callback=on_iteration,
            options={
                "maxiter": max_iter,
                "maxcor": self.options.get("memory", 10),
                "maxls": self.options.get("max_line_search", 50),
                "gtol": progress.tol * problem.optimality_scale,
                "ftol": 0.0,
            },
        )
        if not np.array_equal(result.x, last["coef"]):
            value_and_grad(result.x)
        if iteration[0] == 0 or not np.array_equal(result.x, last["coef"]):
            progress.record(iteration[0], result.x, last["value"], last["grad"])
        message = result.message if isinstance(result.message, str) else str(result.message)
        return progress.solution(result.x, iteration[0], message)
