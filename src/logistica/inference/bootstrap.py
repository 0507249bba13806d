"""Nonparametric bootstrap of the coefficients: percentile and BCa intervals.

For a penalized fit (finite ``C``) the Fisher-information standard errors are
not valid: the estimator is shrunk toward zero and its sampling distribution is
not the one the information describes. The bootstrap resamples the rows with
replacement (weights, offsets and labels travel with their row), refits a
clone of the estimator on every resample, exactly as the original was fitted
(same ``C``, ``l1_ratio``, ``class_weight`` — ``"balanced"`` is recomputed on
each resample), and reads the intervals off the refitted coefficients.

What the intervals mean: they describe the sampling variability of *this*
penalized estimator at this ``C``. They cover the coefficients the penalized
fit estimates (the minimiser of the penalized population objective), not the
unpenalized ones: the shrinkage bias is not removed. With a penalty that is
small relative to the data they approach ordinary intervals.

Intervals
---------
``percentile``
    The ``α/2`` and ``1 - α/2`` quantiles of the bootstrap estimates.
``bca``
    Efron's bias-corrected and accelerated interval: quantiles at
    ``Φ(z₀ + (z₀ + z)/(1 - a(z₀ + z)))`` for ``z = Φ⁻¹(α/2), Φ⁻¹(1 - α/2)``,
    with ``z₀ = Φ⁻¹(share of estimates below θ̂)``, ties with θ̂ counted half
    (an L1 fit's zero coefficients are mostly refitted to zero), and the
    acceleration ``a`` from a jackknife (delete-one up to 200 rows; above,
    delete-a-group over 200 groups of a seeded random partition), as
    ``scipy.stats.bootstrap``.

Resamples are drawn up front from ``random_state`` (a resample missing a class
is drawn again), so results do not depend on ``n_jobs``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from joblib import Parallel, delayed
from scipy import stats
from sklearn.base import clone
from sklearn.utils import _safe_indexing, check_random_state

from ._model import FittedLikelihood, _reference_coef

__all__ = ["BootstrapDraws", "bca_interval", "bootstrap_coefficients", "percentile_interval"]

#: Jackknife rows (or groups) for the BCa acceleration.
JACKKNIFE_GROUPS = 200
INTERVALS = ("percentile", "bca")


@dataclass(frozen=True)
class BootstrapDraws:
    """Refitted coefficients of a bootstrap, in parameter order.

    Attributes
    ----------
    draws : ndarray of shape (n_boot, n_params)
        One row per resample.
    jackknife : ndarray of shape (n_groups, n_params)
        Leave-one-out (or leave-one-group-out) estimates, for the BCa acceleration.
    estimate : ndarray of shape (n_params,)
        The estimate on all the data.
    random_state : int or None
        The seed used.
    """

    draws: np.ndarray
    jackknife: np.ndarray
    estimate: np.ndarray
    random_state: int | None = None

    @property
    def n_boot(self) -> int:
        """Number of resamples."""
        return self.draws.shape[0]

    def covariance(self) -> np.ndarray:
        """Covariance of the bootstrap estimates."""
        return np.atleast_2d(np.cov(self.draws, rowvar=False))

    def interval(self, alpha: float, method: str) -> np.ndarray:
        """``(n_params, 2)`` bounds of the ``"percentile"`` or ``"bca"`` interval."""
        if method == "percentile":
            return percentile_interval(self.draws, alpha)
        if method == "bca":
            return bca_interval(self.draws, self.estimate, self.jackknife, alpha)
        raise ValueError(f"bootstrap intervals are {INTERVALS}, got {method!r}")


def percentile_interval(draws: np.ndarray, alpha: float) -> np.ndarray:
    """Percentile interval of every column of ``draws``: shape (n_params, 2).

    Examples
    --------
    >>> percentile_interval(np.arange(101.0)[:, None], 0.1)
    array([[ 5., 95.]])
    """
    return np.quantile(draws, [alpha / 2, 1 - alpha / 2], axis=0).T


def bca_interval(
    draws: np.ndarray, estimate: np.ndarray, jackknife: np.ndarray, alpha: float
) -> np.ndarray:
    """Efron's BCa interval of every column: shape (n_params, 2).

    Parameters
    ----------
    draws : ndarray of shape (n_boot, n_params)
        Bootstrap estimates.
    estimate : ndarray of shape (n_params,)
        Estimate on the data.
    jackknife : ndarray of shape (n_groups, n_params)
        Leave-one-out estimates (acceleration ``Σd³ / (6(Σd²)^{3/2})``,
        ``d = mean - θ₍ᵢ₎``).
    alpha : float
        One minus the confidence level.

    Returns
    -------
    ndarray of shape (n_params, 2)

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> draws = rng.normal(size=(4000, 1)); jack = np.array([[-1.0], [1.0]])  # no skewness
    >>> np.round(bca_interval(draws, np.zeros(1), jack, 0.05))
    array([[-2.,  2.]])
    """
    below = np.mean(draws < estimate, axis=0) + np.mean(draws <= estimate, axis=0)
    z0 = stats.norm.ppf(below / 2)
    d = jackknife.mean(axis=0) - jackknife
    denominator = 6.0 * np.sum(d**2, axis=0) ** 1.5
    skew = np.sum(d**3, axis=0)
    accel = np.divide(skew, denominator, out=np.zeros_like(z0), where=denominator > 0)
    bounds = np.full((draws.shape[1], 2), np.nan)
    for side, z in enumerate(stats.norm.ppf([alpha / 2, 1 - alpha / 2])):
        level = stats.norm.cdf(z0 + (z0 + z) / (1 - accel * (z0 + z)))
        for j in np.flatnonzero(np.isfinite(level)):
            bounds[j, side] = np.quantile(draws[:, j], level[j])
    return bounds


def _resamples(codes: np.ndarray, n_classes: int, n_boot: int, rng) -> list[np.ndarray]:
    """``n_boot`` row index vectors, each holding every class."""
    n = codes.size
    out = []
    while len(out) < n_boot:
        rows = rng.integers(0, n, n)
        if np.unique(codes[rows]).size == n_classes:
            out.append(rows)
    return out


def _refit(model, X, y, sample_weight, offset, index, row_sets) -> np.ndarray:
    """Coefficients (parameter order) of the model refitted on each set of rows."""
    out = []
    for rows in row_sets:
        kwargs = {}
        if sample_weight is not None:
            kwargs["sample_weight"] = sample_weight[rows]
        if offset is not None:
            kwargs["offset"] = offset[rows]
        refit = clone(model).fit(_safe_indexing(X, rows), _safe_indexing(y, rows), **kwargs)
        out.append(_reference_coef(refit, refit.fit_intercept)[index])
    return np.array(out)


def bootstrap_coefficients(
    model,
    X,
    y,
    fit: FittedLikelihood,
    *,
    sample_weight=None,
    offset=None,
    n_boot: int = 1000,
    random_state=None,
    n_jobs: int | None = None,
) -> BootstrapDraws:
    """Refit ``model`` on ``n_boot`` resamples of the rows, and on jackknife subsets.

    Parameters
    ----------
    model : LogisticRegression
        The fitted estimator (cloned, never modified).
    X, y : array-like
        Its training data.
    fit : FittedLikelihood
        The likelihood of ``model`` on ``(X, y)`` (its parameter layout).
    sample_weight, offset : array-like, optional
        As in ``fit``; resampled with their rows.
    n_boot : int, default=1000
        Number of resamples.
    random_state : int, Generator or None
        Seed of the resampling (and of the jackknife groups).
    n_jobs : int, optional
        joblib workers over chunks of refits; ``-1`` uses all cores.

    Returns
    -------
    BootstrapDraws
    """
    if not isinstance(n_boot, int | np.integer) or n_boot < 2:
        raise ValueError(f"n_boot must be an integer >= 2, got {n_boot!r}")
    seed = random_state if isinstance(random_state, int | np.integer) else None
    rng = np.random.default_rng(check_random_state(random_state).randint(2**31 - 1))
    codes = np.searchsorted(fit.classes, np.asarray(y))
    n = codes.size
    boot = _resamples(codes, len(fit.classes), n_boot, rng)
    groups = np.array_split(rng.permutation(n), min(n, JACKKNIFE_GROUPS))
    jack = [np.setdiff1d(np.arange(n), group, assume_unique=True) for group in groups]
    weight = None if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
    offset = None if offset is None else np.asarray(offset, dtype=np.float64)
    tasks = boot + jack
    n_chunks = max(1, min(len(tasks), 4 * (abs(n_jobs) if n_jobs else 1)))
    chunks = np.array_split(np.arange(len(tasks)), n_chunks)
    parts = Parallel(n_jobs=n_jobs)(
        delayed(_refit)(model, X, y, weight, offset, fit.index, [tasks[i] for i in chunk])
        for chunk in chunks
    )
    coefs = np.vstack(parts)
    return BootstrapDraws(coefs[:n_boot], coefs[n_boot:], fit.params.copy(), seed)
