"""Solvers: small registered classes sharing one signature and one stopping rule.

Adding a solver is one new module with a ``@register``-decorated
:class:`Solver` subclass, imported below.

Examples
--------
>>> import numpy as np
>>> from logistica.objective import BinomialLoss, L2, Problem
>>> X = np.array([[0.0], [1.0], [2.0], [3.0]]); y = np.array([0.0, 1.0, 0.0, 1.0])
>>> solve(Problem(X, y, BinomialLoss(), L2(0.1))).solver
'newton'
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ..objective.problem import Problem
from . import cd, firth, gd, lbfgs, newton, sgd, trust_ncg  # noqa: F401 - importing registers the solvers
from ._registry import available, choose, get, register
from .base import Solution, Solver

__all__ = ["Solution", "Solver", "available", "choose", "get", "register", "solve"]


def solve(
    problem: Problem,
    solver: str = "auto",
    coef0: np.ndarray | None = None,
    *,
    tol: float = 1e-6,
    max_iter: int | None = None,
    verbose: int = 0,
    callback: Callable[[np.ndarray], Any] | None = None,
    options: dict[str, Any] | None = None,
) -> Solution:
    """Solve ``problem`` with the named solver (``"auto"`` picks one, see :func:`choose`).

    Parameters
    ----------
    problem : Problem
        What to minimise.
    solver : str, default="auto"
        A registered solver name or ``"auto"``.
    coef0 : ndarray, optional
        Starting point (flat layout of ``problem``).
    tol, max_iter, verbose, callback
        See :meth:`Solver.solve`.
    options : dict, optional
        Solver-specific options.

    Returns
    -------
    Solution

    Examples
    --------
    >>> from logistica.objective import L2, BinomialLoss, Problem
    >>> X = np.array([[0.0], [1.0], [2.0], [3.0]]); y = np.array([0.0, 1.0, 0.0, 1.0])
    >>> solution = solve(Problem(X, y, BinomialLoss(), L2(1.0)))
    >>> solution.solver, solution.converged, solution.coef.round(4)
    ('newton', True, array([ 0.1908, -0.2861]))
    """
    name = choose(problem) if solver == "auto" else solver
    return get(name, **(options or {})).solve(
        problem, coef0, tol=tol, max_iter=max_iter, verbose=verbose, callback=callback
    )
