"""Solver interface, the fit's outcome (:class:`Solution`) and the shared stopping rule."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass, field, replace
from typing import Any, ClassVar

import numpy as np

from .._blas import own_threads
from .._warnings import warn_user
from ..exceptions import ConvergenceWarning
from ..objective.problem import Problem

__all__ = ["Progress", "Solution", "Solver"]


@dataclass(frozen=True)
class Solution:
    """What a solver returns.

    Attributes
    ----------
    coef : ndarray
        Flat coefficient vector in the problem's layout (see :class:`Problem`).
    n_iter : int
        Iterations performed.
    converged : bool
        Whether ``optimality <= tol`` was reached.
    optimality : float
        Final scale-free optimality (``max|subgradient| / max|subgradient at 0|``).
    history : tuple of float
        Objective value after each iteration, the start point first.
    solver : str
        Registered name of the solver.
    message : str
        Why the solver stopped.

    Examples
    --------
    >>> import numpy as np
    >>> from logistica.objective import L2, BinomialLoss, Problem
    >>> from logistica.solvers import solve
    >>> X = np.array([[0.0], [1.0], [2.0], [3.0]]); y = np.array([0.0, 1.0, 0.0, 1.0])
    >>> solution = solve(Problem(X, y, BinomialLoss(), L2(1.0)), "newton")
    >>> solution.converged, solution.solver, solution.coef.round(4)
    (True, 'newton', array([ 0.1908, -0.2861]))
    """

    coef: np.ndarray
    n_iter: int
    converged: bool
    optimality: float
    history: tuple[float, ...]
    solver: str
    message: str = ""


@dataclass
class Progress:
    """Book-keeping shared by solvers: history, verbose printing, callback, stopping rule."""

    problem: Problem
    solver: str
    tol: float
    verbose: int = 0
    callback: Callable[[np.ndarray], Any] | None = None
    history: list[float] = field(default_factory=list)

    def record(self, iteration: int, coef: np.ndarray, value: float, grad: np.ndarray) -> bool:
        """Record one iterate; return True when the stopping rule is met."""
        self.history.append(float(value))
        self.last_optimality = self.problem.optimality(coef, grad)
        if self.verbose and (self.verbose > 1 or _is_round(iteration)):
            print(
                f"[{self.solver}] iter {iteration:5d}  objective {value:.10e}  "
                f"optimality {self.last_optimality:.3e}"
            )
        if self.callback is not None:
            self.callback(coef)
        return self.last_optimality <= self.tol

    def solution(self, coef: np.ndarray, n_iter: int, message: str = "") -> Solution:
        """Freeze the outcome."""
        converged = self.last_optimality <= self.tol
        return Solution(
            coef=coef,
            n_iter=n_iter,
            converged=converged,
            optimality=self.last_optimality,
            history=tuple(self.history),
            solver=self.solver,
            message=message or ("converged" if converged else "maximum iterations reached"),
        )


def _to_parent(problem: Problem, work: Problem, solution: Solution, tol: float) -> Solution:
    """Map a solution of ``problem.standardized()`` back and check it on ``problem`` itself.

    The objective is the same function in other coordinates, so its history is
    kept, shifted by the constant that a data-dependent objective (Firth's log
    determinant) may gain from the change of units.
    """
    coef = work.coef_to_parent(solution.coef)
    value, grad, _ = problem.value_grad(coef)
    optimality = problem.optimality(coef, grad)
    history = np.asarray(solution.history)
    if history.size and np.isfinite(history[-1]) and np.isfinite(value):
        history = history + (value - history[-1])
    converged = bool(optimality <= tol)
    message = solution.message
    if solution.converged and not converged:
        message = "converged on standardized columns but not in the data's units (rounding)"
    return replace(
        solution,
        coef=coef,
        optimality=optimality,
        converged=converged,
        history=tuple(history.tolist()),
        message=message,
    )


def _is_round(iteration: int) -> bool:
    """1, 2, 5, 10, 20, 50, ...: a log-spaced printing schedule."""
    if iteration <= 0:
        return iteration == 0
    mantissa = iteration / 10 ** int(np.log10(iteration))
    return mantissa in (1.0, 2.0, 5.0)


class Solver:
    """Base class of all solvers.

    A solver is a small class registered under ``name`` that declares what it
    supports; :meth:`solve` checks the problem against those declarations, runs
    :meth:`_solve` and warns when the stopping rule was not met.

    Parameters
    ----------
    **options
        Solver-specific options, documented by each solver.

    Examples
    --------
    >>> from logistica.solvers import get
    >>> solver = get("newton")
    >>> type(solver).__name__, solver.supports_l1, solver.needs_hessian
    ('Newton', False, True)
    """

    name: ClassVar[str]
    #: Whether the solver handles an L1 part in the penalty.
    supports_l1: ClassVar[bool] = False
    #: Whether the solver handles multinomial losses.
    supports_multinomial: ClassVar[bool] = True
    #: Whether the solver accepts sparse designs.
    supports_sparse: ClassVar[bool] = True
    #: Whether the solver uses the loss's curvature (``Loss.has_hessian``).
    needs_hessian: ClassVar[bool] = False
    #: Iteration budget when the caller gives none.
    default_max_iter: ClassVar[int] = 100
    #: What to suggest when the solver does not converge.
    advice: ClassVar[str] = "increase max_iter or standardize the features"
    #: The solver's options and their defaults; any other option is refused.
    option_defaults: ClassVar[dict[str, Any]] = {}

    def __init__(self, **options: Any) -> None:
        unknown = sorted(set(options) - set(self.option_defaults))
        if unknown:
            valid = ", ".join(map(repr, self.option_defaults)) or "none"
            raise ValueError(
                f"unknown option(s) {', '.join(map(repr, unknown))} for solver "
                f"{self.name!r}; valid options: {valid}"
            )
        self.options = {**self.option_defaults, **options}

    @classmethod
    def auto_priority(cls, problem: Problem) -> float | None:
        """How much ``solver="auto"`` should prefer this solver for ``problem``.

        ``None`` means "never pick automatically"; the highest number wins.

        Examples
        --------
        >>> import numpy as np
        >>> from logistica.objective import L2, BinomialLoss, Problem
        >>> from logistica.solvers import get
        >>> X = np.array([[0.0], [1.0], [2.0], [3.0]]); y = np.array([0.0, 1.0, 0.0, 1.0])
        >>> problem = Problem(X, y, BinomialLoss(), L2(1.0))
        >>> type(get("newton")).auto_priority(problem) > type(get("lbfgs")).auto_priority(problem)
        True
        """
        return None

    @classmethod
    def supports(cls, problem: Problem) -> bool:
        """Whether :meth:`check` would accept ``problem``.

        Examples
        --------
        >>> import numpy as np
        >>> from logistica.objective import L1, BinomialLoss, Problem
        >>> from logistica.solvers import get
        >>> X = np.array([[0.0], [1.0], [2.0], [3.0]]); y = np.array([0.0, 1.0, 0.0, 1.0])
        >>> problem = Problem(X, y, BinomialLoss(), L1(0.1))
        >>> get("newton").supports(problem), get("cd").supports(problem)
        (False, True)
        """
        return (
            (problem.penalty.is_smooth or cls.supports_l1)
            and (not problem.is_multinomial or cls.supports_multinomial)
            and (not problem.design.is_sparse or cls.supports_sparse)
            and (problem.loss.has_hessian or not cls.needs_hessian)
            and problem.dedicated_solver in (None, cls.name)
        )

    def check(self, problem: Problem) -> None:
        """Raise ``ValueError`` when the problem needs what the solver lacks.

        Examples
        --------
        >>> import numpy as np
        >>> from logistica.objective import L1, BinomialLoss, Problem
        >>> from logistica.solvers import get
        >>> X = np.array([[0.0], [1.0], [2.0], [3.0]]); y = np.array([0.0, 1.0, 0.0, 1.0])
        >>> get("newton").check(Problem(X, y, BinomialLoss(), L1(0.1)))  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        ValueError: solver 'newton' does not support L1 or elastic-net penalties ...
        """
        if not problem.penalty.is_smooth and not self.supports_l1:
            raise ValueError(
                f"solver {self.name!r} does not support L1 or elastic-net penalties "
                f"(l1_ratio > 0); use a solver that does, e.g. solver='auto'"
            )
        if problem.is_multinomial and not self.supports_multinomial:
            raise ValueError(f"solver {self.name!r} does not support the multinomial loss")
        if problem.design.is_sparse and not self.supports_sparse:
            raise ValueError(f"solver {self.name!r} does not support sparse X")
        if problem.dedicated_solver not in (None, self.name):
            raise ValueError(
                f"{type(problem).__name__} can only be solved by solver "
                f"{problem.dedicated_solver!r}, not {self.name!r}"
            )
        if self.needs_hessian and not problem.loss.has_hessian:
            raise ValueError(
                f"solver {self.name!r} needs second derivatives, which the "
                f"{problem.loss.name!r} loss does not provide; use 'lbfgs' or 'gd'"
            )

    def solve(
        self,
        problem: Problem,
        coef0: np.ndarray | None = None,
        *,
        tol: float = 1e-6,
        max_iter: int | None = None,
        verbose: int = 0,
        callback: Callable[[np.ndarray], Any] | None = None,
    ) -> Solution:
        """Minimise ``problem``'s objective.

        Parameters
        ----------
        problem : Problem
            The problem to solve.
        coef0 : ndarray, optional
            Starting point (flat); zeros by default.
        tol : float, default=1e-6
            Stop when the scale-free optimality falls to ``tol``.
        max_iter : int, optional
            Iteration budget; the solver's ``default_max_iter`` when omitted.
        verbose : int, default=0
            Print progress (``1``: log-spaced iterations, ``2``: every iteration).
        callback : callable, optional
            Called with the flat coefficients after each iteration.

        Returns
        -------
        Solution

        Examples
        --------
        >>> import numpy as np
        >>> from logistica.objective import L2, BinomialLoss, Problem
        >>> from logistica.solvers import get
        >>> X = np.array([[0.0], [1.0], [2.0], [3.0]]); y = np.array([0.0, 1.0, 0.0, 1.0])
        >>> solution = get("lbfgs").solve(Problem(X, y, BinomialLoss(), L2(1.0)), tol=1e-8)
        >>> solution.converged, solution.coef.round(4)
        (True, array([ 0.1908, -0.2861]))
        """
        self.check(problem)
        if not tol > 0:
            raise ValueError(f"tol must be > 0, got {tol!r}")
        max_iter = self.default_max_iter if max_iter is None else int(max_iter)
        if max_iter < 1:
            raise ValueError(f"max_iter must be >= 1, got {max_iter!r}")
        coef = problem.zero_coef() if coef0 is None else np.array(coef0, dtype=np.float64)
        if coef.shape != (problem.n_coef,):
            raise ValueError(
                f"coef0 has shape {coef.shape}, expected ({problem.n_coef},) for this problem"
            )
        with own_threads() if problem.design.owns_products else nullcontext():
            solution = self._solve_in_units(problem, coef, tol, verbose, callback, max_iter)
        if not solution.converged:
            warn_user(
                f"solver {self.name!r} did not converge in {solution.n_iter} iterations "
                f"({solution.message}): optimality {solution.optimality:.2e} > tol {tol:.1e}. "
                f"To fix it: {self.advice}.",
                ConvergenceWarning,
            )
        return solution

    def _solve_in_units(self, problem, coef, tol, verbose, callback, max_iter) -> Solution:
        """:meth:`_solve` on ``problem`` or, with ``standardize``, on its standardized twin."""
        work = problem.standardized()
        if work is None:
            progress = Progress(problem, self.name, tol, verbose, callback)
            solution = self._solve(problem, problem.center_classes(coef), progress, max_iter)
        else:
            if callback is not None:
                user_callback = callback

                def callback(coef: np.ndarray) -> Any:
                    return user_callback(work.coef_to_parent(coef))

            progress = Progress(work, self.name, tol, verbose, callback)
            coef = work.center_classes(work.coef_from_parent(coef))
            solution = _to_parent(problem, work, self._solve(work, coef, progress, max_iter), tol)
        return solution

    def _solve(
        self, problem: Problem, coef: np.ndarray, progress: Progress, max_iter: int
    ) -> Solution:
        raise NotImplementedError
