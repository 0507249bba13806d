"""Name → solver class registry and the ``solver="auto"`` policy."""

from __future__ import annotations

from typing import Any

from ..objective.problem import Problem
from .base import Solver

__all__ = ["available", "choose", "get", "register"]

_REGISTRY: dict[str, type[Solver]] = {}


def register(cls: type[Solver]) -> type[Solver]:
    """Class decorator: make a solver available under its ``name``.

    Examples
    --------
    >>> from logistica.solvers import Solver, register
    >>> @register
    ... class Mine(Solver):
    ...     name = "doctest-mine"
    >>> "doctest-mine" in available()
    True
    """
    if cls.name in _REGISTRY and _REGISTRY[cls.name] is not cls:
        raise ValueError(f"a solver named {cls.name!r} is already registered")
    _REGISTRY[cls.name] = cls
    return cls


def available() -> list[str]:
    """Sorted names of the registered solvers (``"auto"`` excluded).

    Examples
    --------
    >>> {"cd", "lbfgs", "newton"} <= set(available())
    True
    """
    return sorted(_REGISTRY)


def get(name: str, **options: Any) -> Solver:
    """Instantiate the solver registered as ``name`` with its ``options``.

    Examples
    --------
    >>> solver = get("newton", linear_solver="auto")
    >>> solver.name, solver.options["linear_solver"]
    ('newton', 'auto')
    """
    try:
        cls = _REGISTRY[name]
    except KeyError:
        raise ValueError(
            f"unknown solver {name!r}; choose 'auto' or one of {available()}"
        ) from None
    return cls(**options)


def choose(problem: Problem) -> str:
    """The solver ``"auto"`` picks: the supporting solver with the highest ``auto_priority``.

    Examples
    --------
    >>> import numpy as np
    >>> from logistica.objective import L1, L2, BinomialLoss
    >>> X = np.array([[0.0], [1.0], [2.0], [3.0]]); y = np.array([0.0, 1.0, 0.0, 1.0])
    >>> loss = BinomialLoss()
    >>> choose(Problem(X, y, loss, L2(1.0))), choose(Problem(X, y, loss, L1(0.1)))
    ('newton', 'cd')
    """
    best_name, best_priority = None, float("-inf")
    for name, cls in _REGISTRY.items():
        priority = cls.auto_priority(problem)
        if priority is not None and priority > best_priority:
            best_name, best_priority = name, priority
    if best_name is None:
        raise ValueError(f"no registered solver can handle this problem ({problem.penalty!r})")
    return best_name
