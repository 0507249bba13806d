"""Is this the data the model was fitted on? The score at the estimate must vanish.

``summarize(model, X, y)`` rebuilds the likelihood from the data it is given.
On the training data the estimate is an optimum: the gradient of the fitted
objective (log-likelihood, plus the penalty's, or Firth's modified score) is
zero, or for an L1 penalty its minimum-norm subgradient is. On other data — a
subset of the rows, flipped labels, other weights or offset — it is not, and
every standard error, log-likelihood and test computed there would be wrong.

The measure is free of column units. The fitted problems are rebuilt exactly
as ``fit`` built them (standardized columns, penalty, class weights, offset),
and each entry of the optimality residual ``r`` is divided by the weighted
standard deviation of its column, after moving the intercept's share out of
it (``r_j - mean_j·r_b``: the residual in the parametrisation with centred
columns, the same optimum). Without an intercept the columns' RMS is used.
The largest such entry, relative to its value at zero coefficients, must stay
below ``max(1000·tol, 1e-8)``: far above what a converged fit leaves (``tol``
bounds the solver's own relative measure), far below what other data give
(flipped labels: order 1; half of the rows of a thousand: ~0.1).

Refusing is the default: a ``ValueError`` names the problem, because every
number in the results would be silently wrong. A model whose fit did not
converge (``converged_`` False, already warned about) gets an
:class:`InferenceWarning` instead: there the score need not vanish even on
the training data. The check cannot tell a large random subset of the rows
from the full data when the two give statistically indistinguishable
estimates.
"""

from __future__ import annotations

import warnings

import numpy as np

from ..exceptions import InferenceWarning
from ..objective.problem import Problem

__all__ = ["check_score_vanishes", "score_ratio"]

_FLOOR = 1e-8  # below this the residual is rounding error
_TOL_FACTOR = 1000.0


def _scaled_residual(problem: Problem, coef: np.ndarray) -> np.ndarray:
    """Optimality residual per coefficient, free of column units and shifts."""
    _, grad, _ = problem.value_grad(coef)
    residual = problem.optimality_residual(coef, grad).reshape(
        problem.n_features + problem.fit_intercept, -1
    )
    mean, var = problem.design.weighted_moments(problem.sample_weight)
    if problem.fit_intercept:
        features = residual[:-1] - mean[:, None] * residual[-1]
        spread = np.sqrt(np.maximum(var, 0.0))
    else:
        features = residual
        spread = np.sqrt(np.maximum(var, 0.0) + mean**2)
    constant = spread <= 1e-12 * np.maximum(np.abs(mean), 1.0)
    features = np.where(constant[:, None], 0.0, features / np.where(constant, 1.0, spread)[:, None])
    if problem.fit_intercept:
        return np.vstack([features, residual[-1:]])
    return features


def score_ratio(problem: Problem, coef: np.ndarray) -> float:
    """Largest unit-free optimality residual at ``coef``, relative to its value at zero.

    Examples
    --------
    >>> import numpy as np
    >>> from logistica.objective import BinomialLoss, Problem
    >>> X = np.array([[0.0], [1.0], [2.0], [3.0]]); y = np.array([0.0, 1.0, 0.0, 1.0])
    >>> problem = Problem(X, y, BinomialLoss())
    >>> score_ratio(problem, problem.zero_coef())
    1.0
    """
    at_coef = np.max(np.abs(_scaled_residual(problem, coef)))
    at_zero = np.max(np.abs(_scaled_residual(problem, problem.zero_coef())))
    return float(at_coef / at_zero) if at_zero > 0 else float(at_coef)


def check_score_vanishes(model, problems: list[Problem], coefs: list[np.ndarray]) -> None:
    """Refuse (or, for an unconverged fit, warn about) data on which the fit is not optimal.

    Parameters
    ----------
    model : LogisticRegression
        The fitted model (its ``tol`` and ``converged_``).
    problems, coefs : lists
        The problems ``fit`` solves, rebuilt on the given data, and the fitted
        coefficients in their layout.

    Raises
    ------
    ValueError
        When the score does not vanish on these data (see the module notes).
    """
    threshold = max(_TOL_FACTOR * float(model.tol), _FLOOR)
    ratio = max(score_ratio(problem, coef) for problem, coef in zip(problems, coefs, strict=True))
    if not ratio > threshold:
        return
    message = (
        f"the score (gradient of the fitted objective) does not vanish at the estimate on "
        f"these data: its largest unit-free entry is {ratio:.3g} of its value at zero "
        f"coefficients, above {threshold:.3g} (1000 x tol). X, y, sample_weight and offset "
        "must be exactly those the model was fitted on (not a subset of the rows, other "
        "labels or other weights); otherwise the log-likelihood, standard errors and tests "
        "would be wrong."
    )
    if getattr(model, "converged_", True):
        raise ValueError(message)
    warnings.warn(
        message + " The fit did not converge, so the estimate is not an optimum even on the "
        "training data; refit with a larger max_iter.",
        InferenceWarning,
        stacklevel=4,
    )
