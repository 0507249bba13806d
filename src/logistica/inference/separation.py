"""Detection of separated classes, where the maximum-likelihood estimate does not exist."""

from __future__ import annotations

import warnings

import numpy as np

from ..exceptions import SeparationWarning
from ..objective.problem import Problem

__all__ = ["fit_separates", "warn_if_separated"]


def fit_separates(problem: Problem, coef: np.ndarray) -> bool:
    """Whether the fitted linear predictor classifies every weighted sample with a margin.

    For an unpenalized fit this means complete separation: the likelihood keeps
    increasing as the coefficients grow, so they are arbitrary.

    Examples
    --------
    >>> import numpy as np
    >>> from logistica.objective import BinomialLoss, Problem
    >>> X = np.array([[-1.0], [1.0]]); problem = Problem(X, np.array([0.0, 1.0]), BinomialLoss())
    >>> fit_separates(problem, np.array([5.0, 0.0]))
    True
    """
    raw = problem.raw(coef)
    used = problem.sample_weight > 0
    if problem.is_multinomial:
        rows = np.arange(raw.shape[0])
        own = raw[rows, problem.y]
        others = raw.copy()
        others[rows, problem.y] = -np.inf
        margin = own - others.max(axis=1)
    else:
        margin = np.where(problem.y > 0, raw, -raw)
    return bool(np.all(margin[used] > 0))


def warn_if_separated(problem: Problem, coef: np.ndarray) -> None:
    """Emit a :class:`SeparationWarning` when an unpenalized fit separates the classes."""
    if problem.penalty.alpha > 0 or not fit_separates(problem, coef):
        return
    warnings.warn(
        "the classes are completely separated by the features: the maximum-likelihood "
        "estimate does not exist, so the coefficients (and any standard errors) are "
        "arbitrarily large. Use a penalty (finite C) or drop the separating features.",
        SeparationWarning,
        stacklevel=3,
    )
