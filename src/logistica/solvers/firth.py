"""Fisher scoring with step halving: the solver of Firth's bias-reduced likelihood.

The other solvers evaluate trial steps on the loss and the coefficient penalty
alone (``raw + t·X@d``, element-wise), which is exactly what makes them fast,
and exactly what a data-dependent penalty such as Firth's ``½·log det I(β)``
breaks. This solver asks the problem for every value
(:meth:`~logistica.objective.Problem.value_from_raw`), so it minimises whatever
objective the problem defines: it is the solver of
:class:`~logistica.objective.firth.FirthProblem` (``"auto"`` picks it) and the
engine of constrained refits (profile likelihoods, null models), where some
coordinates stay fixed.

Each iteration solves ``I(β) d = -∇f(β)`` with the Fisher information of the
loss (``logistf``'s modified-score step) and halves the step until the
objective decreases. For the multinomial problem
(:class:`~logistica.objective.firth.MultinomialFirthProblem`) the information is
the loss Hessian made definite along the class shifts
(:meth:`~logistica.objective.problem.HessianModel.matrix`), along which the
objective and its gradient are flat: the steps stay in the centred
coefficients.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import numpy as np

from ..objective.firth import FirthProblem
from ..objective.problem import Problem
from ._registry import register
from .base import Progress, Solution, Solver
from .newton import newton_direction

__all__ = ["FirthScoring", "fisher_scoring"]

_EPS = np.finfo(np.float64).eps


def _halving(
    problem: Problem,
    coef: np.ndarray,
    raw: np.ndarray,
    value: float,
    direction: np.ndarray,
    slope: float,
    step: float = 1.0,
) -> tuple[float, float, np.ndarray | None, np.ndarray]:
    """Largest ``t = step·2⁻ᵏ`` that decreases ``problem``'s own objective enough.

    Accepts on the Armijo condition or, near the optimum where objective
    differences drown in the rounding of a sum over the samples, on Hager and
    Zhang's approximate Wolfe condition (a tiny value slack, and a slope at the
    trial point that has not overshot). Returns the step, the objective and its
    gradient there (``None`` when no step was found), and ``X @ direction``.
    """
    raw_direction = problem.raw_direction(direction)
    slack = 8 * _EPS * abs(value)
    for _ in range(60):
        trial = coef + step * direction
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            trial_value, grad = problem.value_grad_from_raw(trial, raw + step * raw_direction)
        trial_slope = float(grad @ direction)
        armijo = trial_value <= value + 1e-4 * step * slope + slack
        approximate = trial_value <= value + 1e-10 * abs(value) and trial_slope <= -0.9998 * slope
        if np.isfinite(trial_value) and (armijo or approximate):
            return step, trial_value, grad, raw_direction
        step *= 0.5
    return 0.0, value, None, raw_direction


def fisher_scoring(
    problem: Problem,
    coef: np.ndarray,
    *,
    free: np.ndarray | None = None,
    information: Callable[[np.ndarray], np.ndarray] | None = None,
) -> Iterator[tuple[np.ndarray, float, np.ndarray]]:
    """Iterate Fisher-scoring steps on ``problem``'s objective, some coordinates held fixed.

    Yields ``(coef, value, grad)`` at the start point and after every accepted
    step; the caller decides when to stop. The generator ends when step halving
    finds no decrease (the limit of floating-point precision). Each step tries
    twice the previous accepted length first (at most a full step), so the long
    steps Fisher scoring proposes under separation cost few halvings.

    Parameters
    ----------
    problem : Problem
        Any problem; its :meth:`~Problem.value_from_raw` decides step acceptance.
    coef : ndarray of shape (n_coef,)
        Start point (flat layout); fixed coordinates keep their values.
    free : ndarray of int, optional
        Flat indices of the coordinates to optimise; all by default.
    information : callable, optional
        ``raw -> matrix`` over the ``free`` coordinates, in their order; the
        Hessian of the smooth part (:meth:`Problem.hessian_model`) by default.

    Examples
    --------
    >>> import numpy as np
    >>> from logistica.objective import BinomialLoss, Problem
    >>> X = np.array([[0.0], [1.0], [2.0], [3.0]]); y = np.array([0.0, 1.0, 0.0, 1.0])
    >>> problem = Problem(X, y, BinomialLoss())
    >>> steps = fisher_scoring(problem, problem.zero_coef(), free=np.array([1]))
    >>> coef, value, grad = [next(steps) for _ in range(3)][-1]
    >>> coef[0], round(float(grad[1]), 12)  # the slope stayed fixed at 0
    (np.float64(0.0), 0.0)
    """
    free = np.arange(problem.n_coef) if free is None else np.asarray(free, dtype=np.intp)
    if information is None:
        hessian = problem.hessian_model()

        def information(raw: np.ndarray) -> np.ndarray:
            return hessian.matrix(raw)[np.ix_(free, free)]

    coef = np.array(coef, dtype=np.float64)
    value, grad, raw = problem.value_grad(coef)
    step = 0.5
    while True:
        yield coef, value, grad
        if free.size == 0:
            return
        gradient = grad[free]
        step_free = newton_direction(information(raw), gradient)
        slope = float(gradient @ step_free)
        if not slope < 0:
            step_free, slope = -gradient, -float(gradient @ gradient)
        direction = np.zeros(problem.n_coef)
        direction[free] = step_free
        step, value, grad, raw_direction = _halving(
            problem, coef, raw, value, direction, slope, min(1.0, 2.0 * step)
        )
        if step == 0.0:
            return
        coef = coef + step * direction
        raw = raw + step * raw_direction


@register
class FirthScoring(Solver):
    """Fisher scoring with step halving for :class:`~logistica.objective.firth.FirthProblem`.

    Binary and multinomial (:class:`~logistica.objective.firth.MultinomialFirthProblem`).
    ``solver="auto"`` picks it for Firth problems and never for others.

    Examples
    --------
    >>> import numpy as np
    >>> from logistica.objective import BinomialLoss
    >>> from logistica.objective.firth import FirthProblem
    >>> X = np.array([[-2.0], [-1.0], [1.0], [2.0]]); y = np.array([0.0, 0.0, 1.0, 1.0])
    >>> solution = FirthScoring().solve(FirthProblem(X, y, BinomialLoss()), tol=1e-10)
    >>> solution.converged, round(float(solution.coef[0]), 4)
    (True, 1.0041)
    """

    name = "firth"
    needs_hessian = True
    supports_multinomial = True
    default_max_iter = 100
    advice = "increase max_iter, or standardize the features"

    @classmethod
    def auto_priority(cls, problem: Problem) -> float | None:
        return 10.0 if isinstance(problem, FirthProblem) and cls.supports(problem) else None

    def check(self, problem: Problem) -> None:
        super().check(problem)
        if not isinstance(problem, FirthProblem):
            raise ValueError(
                "solver 'firth' fits Firth's penalized likelihood only "
                "(LogisticRegression(firth=True)); choose another solver"
            )

    def _solve(
        self, problem: Problem, coef: np.ndarray, progress: Progress, max_iter: int
    ) -> Solution:
        n_iter = 0
        message = "step halving found no decrease (floating-point limit)"
        for n_iter, (point, value, grad) in enumerate(fisher_scoring(problem, coef)):
            coef = point
            if progress.record(n_iter, coef, value, grad) or n_iter == max_iter:
                message = ""
                break
        return progress.solution(coef, n_iter, message)
