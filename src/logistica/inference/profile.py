"""Constrained refits and profile-likelihood confidence intervals.

A profile-likelihood interval for ``θⱼ`` (R's ``confint`` for a ``glm``, and
``logistf``'s for Firth fits) collects the values ``b`` at which the
likelihood-ratio statistic of the constrained fit ``θⱼ = b``,

    LR(b) = 2·(ℓ(θ̂) - max_{θ: θⱼ = b} ℓ(θ)),

stays below the ``χ²₁`` quantile. Each end point is a root of
``LR(b) - χ²₁(1-α)``, bracketed by doubling a Wald-sized step and found with
Brent's method. Every constrained fit is a Fisher-scoring refit of the full
problem with ``θⱼ`` held fixed, warm-started along the first-order profile
trace ``θ̂ + (b - θ̂ⱼ)·Σ[:, j]/Σⱼⱼ``. For Firth fits the penalty keeps using
the information of the full model, as in ``logistf``; that objective is not
concave, so each refit starts from the estimate itself. Intervals that never
close (separation under maximum likelihood) are infinite, or NaN when the
diverging refits disagree.
"""

from __future__ import annotations

import warnings

import numpy as np
from scipy import stats
from scipy.optimize import brentq

from ..exceptions import InferenceWarning
from ..solvers.firth import fisher_scoring
from ._model import FittedLikelihood
from .covariance import fisher_information, invert_information, parameter_names
from .separation import detect_separation

__all__ = ["profile_conf_int", "refit"]

_MAX_DOUBLINGS = 10


class _Curvature:
    """Fisher information over the free parameters, reused until progress slows."""

    def __init__(self, fit: FittedLikelihood, keep: np.ndarray, matrix: np.ndarray | None):
        self.fit, self.keep, self.matrix = fit, keep, matrix
        self.stale = matrix is None

    def __call__(self, raw: np.ndarray) -> np.ndarray:
        if self.stale:
            full = fisher_information(self.fit, raw) / self.fit.nobs
            self.matrix, self.stale = full[np.ix_(self.keep, self.keep)], False
        return self.matrix


def refit(
    fit: FittedLikelihood,
    fixed: np.ndarray,
    start: np.ndarray,
    *,
    information: np.ndarray | None = None,
    tol: float = 1e-10,
    max_iter: int = 100,
) -> tuple[float, np.ndarray]:
    """Maximise the log-likelihood over the parameters not ``fixed``.

    Parameters
    ----------
    fit : FittedLikelihood
        The model; its objective (Firth's, for Firth fits) is maximised.
    fixed : ndarray of bool, shape (n_params,)
        Parameters kept at their value in ``start``.
    start : ndarray
        Start point in the problem's flat layout.
    information : ndarray, optional
        Normalised Fisher information over all parameters at a nearby point,
        used for the first steps instead of a fresh Gram product.
    tol : float, default=1e-10
        Stop when the free gradient falls to ``tol`` of its size at zero.
    max_iter : int, default=100
        Iteration budget (separated data never converge; the value keeps rising).

    Returns
    -------
    loglik : float
        The maximised log-likelihood (penalized for Firth fits).
    coef : ndarray
        The maximiser, in the problem's flat layout.

    Examples
    --------
    >>> import numpy as np
    >>> from logistica import LogisticRegression
    >>> from logistica.inference._model import from_estimator
    >>> X = np.array([[0.0], [1.0], [2.0], [3.0]]); y = [0, 1, 0, 1]
    >>> fit = from_estimator(LogisticRegression(C=np.inf).fit(X, y), X, y)
    >>> loglik, coef = refit(fit, fixed=np.array([False, True]), start=np.zeros(2))
    >>> round(loglik, 6), coef[0]  # intercept only: 4·log(1/2)
    (-2.772589, np.float64(0.0))
    """
    keep = ~np.asarray(fixed, dtype=bool)
    matrix = None if information is None else information[np.ix_(keep, keep)]
    curvature = _Curvature(fit, keep, matrix)
    free = fit.index[keep]
    threshold = tol * fit.problem.optimality_scale
    coef, value, previous = start, np.inf, np.inf
    steps = fisher_scoring(fit.problem, start, free=free, information=curvature)
    for n_iter, (coef, value, grad) in enumerate(steps):  # noqa: B007 - the last is returned
        size = float(np.max(np.abs(grad[free]), initial=0.0))
        if size <= threshold or n_iter >= max_iter:
            break
        curvature.stale = curvature.stale or size > 0.25 * previous
        previous = size
    return -fit.nobs * value, coef


class _Profile:
    """``LR(b)`` of the constrained refits ``θ_position = b``, each warm-started."""

    def __init__(self, fit, position, best, loglik, covariance, information) -> None:
        self.fit, self.best, self.loglik, self.information = fit, best, loglik, information
        self.fixed = np.zeros(fit.n_params, dtype=bool)
        self.fixed[position] = True
        self.spot = fit.index[position]
        # First-order change of the constrained maximiser per unit of θ_position. Firth's
        # objective is not concave: its maximiser can jump between branches, so its
        # refits always start from the estimate itself.
        self.trace = np.zeros(fit.problem.n_coef)
        if not fit.firth:
            self.trace[fit.index] = covariance[:, position] / covariance[position, position]
        self.restart()

    @property
    def estimate(self) -> float:
        return float(self.best[self.spot])

    def restart(self) -> None:
        """Warm-start the next refit from the unconstrained maximiser."""
        self.last_b, self.last_coef = self.estimate, self.best

    def __call__(self, b: float) -> float:
        start = self.last_coef + (b - self.last_b) * self.trace
        start[self.spot] = b
        value, coef = refit(self.fit, self.fixed, start, information=self.information)
        if not self.fit.firth:
            self.last_b, self.last_coef = b, coef
        return 2.0 * (self.loglik - value)


def _end_point(profile: _Profile, step: float, quantile: float) -> float:
    """Where ``LR`` crosses ``quantile`` beyond the estimate, in the direction of ``step``."""
    if not (np.isfinite(step) and step != 0):
        return np.nan  # no usable scale: a singular information
    profile.restart()
    inner = profile.estimate
    for doubling in range(_MAX_DOUBLINGS):
        outer = profile.estimate + step * 2**doubling
        if profile(outer) > quantile:
            try:
                return brentq(
                    lambda b: profile(b) - quantile,
                    inner,
                    outer,
                    xtol=1e-10 * abs(step),
                    rtol=1e-12,
                )
            except ValueError:  # refits that do not converge (separation) disagree
                return np.nan
        inner = outer
    return float(np.sign(step) * np.inf)


def profile_conf_int(
    fit: FittedLikelihood, alpha: float, positions: np.ndarray | None = None
) -> np.ndarray:
    """Profile-likelihood confidence intervals, shape (len(positions), 2).

    Parameters
    ----------
    fit : FittedLikelihood
        An unpenalized or Firth fit.
    alpha : float
        One minus the confidence level.
    positions : ndarray of int, optional
        Parameters to profile; all by default.

    Raises
    ------
    ValueError
        For a penalized fit, whose objective is not a likelihood.

    Examples
    --------
    >>> import numpy as np
    >>> from logistica import LogisticRegression
    >>> from logistica.inference._model import from_estimator
    >>> X = np.array([[0.0], [1.0], [2.0], [3.0], [4.0], [5.0]]); y = [0, 0, 1, 0, 1, 1]
    >>> fit = from_estimator(LogisticRegression(C=np.inf).fit(X, y), X, y)
    >>> profile_conf_int(fit, alpha=0.05, positions=[1]).round(3)
    array([[-0.066,  4.159]])
    """
    if fit.penalized:
        raise ValueError(
            "profile-likelihood intervals need an unpenalized (C=np.inf) or Firth fit; "
            "use method='wald' for a penalized model"
        )
    positions = np.arange(fit.n_params) if positions is None else np.asarray(positions)
    if not fit.firth and detect_separation(fit.problem, fit.feature_names, fit.coef).separated:
        warnings.warn(
            "the classes are separated: the maximum-likelihood estimate does not exist and "
            "profile-likelihood intervals along the separating direction are infinite or "
            "undefined (NaN); fit with firth=True for finite intervals",
            InferenceWarning,
            stacklevel=3,
        )
    loglik, best = refit(fit, np.zeros(fit.n_params, dtype=bool), fit.coef)
    information = fisher_information(fit, fit.problem.raw(best))
    covariance = invert_information(information, parameter_names(fit))
    information /= fit.nobs
    quantile = stats.chi2.ppf(1 - alpha, 1)
    intervals = np.empty((positions.size, 2))
    for row, position in enumerate(positions):
        profile = _Profile(fit, position, best, loglik, covariance, information)
        step = np.sqrt(quantile * covariance[position, position])
        intervals[row] = [_end_point(profile, sign * step, quantile) for sign in (-1.0, 1.0)]
    return intervals
