"""Statistics the report shows that :mod:`logistica.metrics` does not provide.

Calibration slope and intercept (Cox, 1958), the integrated calibration index
with its E50/E90/Emax quantiles on a smoothed calibration curve (Austin &
Steyerberg, 2019), net benefit for decision curves (Vickers & Elkin, 2006),
Wilson intervals for the reliability bins, and bootstrap bands around ROC and
precision–recall curves. ECE, MCE, the Brier decomposition, Hosmer–Lemeshow,
KS, lift tables and bootstrap intervals of scalar metrics live in
:mod:`logistica.metrics` and are reused, not repeated, here.
"""

from __future__ import annotations

import warnings
from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike
from scipy import optimize, stats

from ..estimators import LogisticRegression
from ..metrics import _binary_inputs, _check_binary_target, stratified_rows
from .binary_metrics import binary_curves

__all__ = [
    "CalibrationIndex",
    "CurveBand",
    "calibration_intercept_slope",
    "integrated_calibration_index",
    "lowess",
    "net_benefit",
    "pr_band",
    "roc_band",
    "wilson_interval",
]

_EPS = 1e-12


def _logit(prob: np.ndarray) -> np.ndarray:
    prob = np.clip(prob, _EPS, 1.0 - _EPS)
    return np.log(prob) - np.log1p(-prob)


def calibration_intercept_slope(y_true: ArrayLike, y_prob: ArrayLike) -> tuple[float, float]:
    """Calibration intercept (in the large) and slope of predicted probabilities.

    The slope is ``b`` in ``logit P(y=1) = a + b·logit(p)``; the intercept is
    ``a`` in ``logit P(y=1) = a + logit(p)`` (slope fixed at one), so that a
    perfectly calibrated model has intercept 0 and slope 1. A slope below one
    means predictions too extreme (overfitting).

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        Binary 0/1 targets.
    y_prob : array-like of shape (n_samples,)
        Predicted probabilities of the positive class.

    Returns
    -------
    intercept, slope : float

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> p = rng.uniform(0.05, 0.95, 4000); y = rng.uniform(size=4000) < p
    >>> a, b = calibration_intercept_slope(y.astype(int), p)
    >>> abs(a) < 0.1, abs(b - 1) < 0.1
    (True, True)
    """
    y, prob = _binary_inputs(y_true, y_prob)
    lp = _logit(prob)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        slope = float(LogisticRegression(C=np.inf).fit(lp[:, None], y).coef_[0, 0])

    def score(a: float) -> float:
        return float(np.sum(y - stats.logistic.cdf(a + lp)))

    low, high = -50.0, 50.0
    if score(low) * score(high) > 0:  # every outcome the same: no finite intercept
        return float("nan"), slope
    return float(optimize.brentq(score, low, high, xtol=1e-12)), slope


def lowess(
    x: ArrayLike, y: ArrayLike, frac: float = 0.75, n_eval: int = 200
) -> tuple[np.ndarray, np.ndarray]:
    """Locally linear regression of ``y`` on ``x`` with tricube weights (no robustness steps).

    Each fit uses the ``frac·n`` nearest points. It is evaluated at up to
    ``n_eval`` quantiles of ``x`` (every distinct ``x`` when there are fewer).

    Parameters
    ----------
    x, y : array-like of shape (n_samples,)
        Data.
    frac : float, default=0.75
        Share of the data in each local fit (R's ``loess`` span).
    n_eval : int, default=200
        Number of evaluation points.

    Returns
    -------
    grid, fitted : ndarray
        Increasing evaluation points and the smoothed values there.

    Examples
    --------
    >>> x = np.linspace(0, 1, 50)
    >>> grid, fit = lowess(x, 2 * x + 1)
    >>> bool(np.allclose(fit, 2 * grid + 1))
    True
    """
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    grid = np.unique(x)
    if grid.size > n_eval:
        grid = np.unique(np.quantile(x, np.linspace(0.0, 1.0, n_eval)))
    k = min(x.size, max(3, int(np.ceil(frac * x.size))))
    fitted = np.empty(grid.size)
    chunk = max(1, 2_000_000 // max(x.size, 1))
    for start in range(0, grid.size, chunk):
        g = grid[start : start + chunk, None]
        distance = np.abs(x[None, :] - g)
        radius = np.partition(distance, k - 1, axis=1)[:, k - 1 : k]
        radius = np.where(radius > 0, radius * 1.000001, 1.0)
        w = np.clip(1.0 - (distance / radius) ** 3, 0.0, None) ** 3
        sw, swx, swy = w.sum(1), w @ x, w @ y
        mean_x, mean_y = swx / sw, swy / sw
        dx = x[None, :] - mean_x[:, None]
        sxx = np.sum(w * dx**2, axis=1)
        sxy = np.sum(w * dx * (y[None, :] - mean_y[:, None]), axis=1)
        slope = np.divide(sxy, sxx, out=np.zeros_like(sxy), where=sxx > 1e-300)
        fitted[start : start + chunk] = mean_y + slope * (g[:, 0] - mean_x)
    return grid, fitted


class CalibrationIndex(NamedTuple):
    """Austin & Steyerberg's calibration errors (see :func:`integrated_calibration_index`)."""

    ici: float
    e50: float
    e90: float
    emax: float
    grid: np.ndarray
    smoothed: np.ndarray


def integrated_calibration_index(
    y_true: ArrayLike, y_prob: ArrayLike, frac: float = 0.75
) -> CalibrationIndex:
    """Integrated calibration index (ICI), E50, E90 and Emax (Austin & Steyerberg, 2019).

    The calibration curve is the lowess smooth of the outcome on the predicted
    probability; each sample's error is ``|smoothed(pᵢ) − pᵢ|``. ICI is their
    mean, E50 and E90 their median and 90th percentile, Emax their maximum.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        Binary 0/1 targets.
    y_prob : array-like of shape (n_samples,)
        Predicted probabilities of the positive class.
    frac : float, default=0.75
        Span of the smoother.

    Returns
    -------
    CalibrationIndex
        ``ici``, ``e50``, ``e90``, ``emax`` and the smoothed curve (``grid``, ``smoothed``).

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> p = rng.uniform(size=3000); y = (rng.uniform(size=3000) < p).astype(int)
    >>> bool(integrated_calibration_index(y, p).ici < 0.03)
    True
    """
    y, prob = _binary_inputs(y_true, y_prob)
    grid, smoothed = lowess(prob, y, frac=frac)
    smoothed = np.clip(smoothed, 0.0, 1.0)
    error = np.abs(np.interp(prob, grid, smoothed) - prob)
    return CalibrationIndex(
        ici=float(error.mean()),
        e50=float(np.median(error)),
        e90=float(np.quantile(error, 0.9)),
        emax=float(error.max()),
        grid=grid,
        smoothed=smoothed,
    )


def net_benefit(y_true: ArrayLike, y_prob: ArrayLike, thresholds: ArrayLike) -> np.ndarray:
    """Net benefit of treating when ``p >= t``: ``TP/n − FP/n · t/(1 − t)``.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        Binary 0/1 targets.
    y_prob : array-like of shape (n_samples,)
        Predicted probabilities.
    thresholds : array-like of shape (n_thresholds,)
        Threshold probabilities in [0, 1).

    Returns
    -------
    ndarray of shape (n_thresholds,)
        Net benefit of the model; treat-all is ``net_benefit(y, ones, t)``.

    Examples
    --------
    >>> net_benefit([0, 1, 1, 0], [0.2, 0.9, 0.6, 0.7], [0.5]).round(3).tolist()
    [0.25]
    """
    y, prob = _binary_inputs(y_true, y_prob)
    t = np.asarray(thresholds, dtype=np.float64)
    treated = prob[None, :] >= t[:, None]
    tp = (treated & (y[None, :] == 1)).sum(axis=1) / y.size
    fp = (treated & (y[None, :] == 0)).sum(axis=1) / y.size
    return tp - fp * t / (1.0 - t)


def wilson_interval(
    successes: ArrayLike, trials: ArrayLike, confidence: float = 0.95
) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval of binomial proportions (NaN where ``trials`` is 0).

    Parameters
    ----------
    successes, trials : array-like
        Counts.
    confidence : float, default=0.95
        Coverage.

    Returns
    -------
    low, high : ndarray

    Examples
    --------
    >>> low, high = wilson_interval([5], [10])
    >>> round(float(low[0]), 4), round(float(high[0]), 4)
    (0.2366, 0.7634)
    """
    k = np.asarray(successes, dtype=np.float64)
    n = np.asarray(trials, dtype=np.float64)
    z = stats.norm.ppf(0.5 + confidence / 2.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = k / n
        centre = (p + z**2 / (2 * n)) / (1 + z**2 / n)
        half = z * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / (1 + z**2 / n)
    return centre - half, centre + half


class CurveBand(NamedTuple):
    """A pointwise bootstrap band: ``low``/``high`` of ``y`` on a fixed ``x`` grid."""

    x: np.ndarray
    low: np.ndarray
    high: np.ndarray


def _band(curves: np.ndarray, grid: np.ndarray, confidence: float) -> CurveBand:
    alpha = (1.0 - confidence) / 2.0
    low, high = np.quantile(curves, [alpha, 1.0 - alpha], axis=0)
    return CurveBand(grid, low, high)


def roc_band(
    y_true: ArrayLike,
    y_score: ArrayLike,
    n_boot: int = 200,
    confidence: float = 0.95,
    n_points: int = 101,
    random_state: int | None = 0,
) -> CurveBand:
    """Pointwise stratified-bootstrap band of the ROC curve (TPR at fixed FPR).

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        Binary 0/1 targets.
    y_score : array-like of shape (n_samples,)
        Scores of the positive class.
    n_boot : int, default=200
        Bootstrap replicates.
    confidence : float, default=0.95
        Coverage of the band.
    n_points : int, default=101
        FPR grid size.
    random_state : int or None, default=0
        Seed.

    Returns
    -------
    CurveBand
        ``x`` is the FPR grid; ``low``/``high`` bound the TPR.

    Examples
    --------
    >>> band = roc_band([0, 0, 1, 1, 0, 1], [0.1, 0.4, 0.35, 0.8, 0.2, 0.9], n_boot=20)
    >>> band.x.shape, bool(np.all(band.low <= band.high))
    ((101,), True)
    """
    y = _check_binary_target(y_true)
    score = np.asarray(y_score, dtype=np.float64)
    grid = np.linspace(0.0, 1.0, n_points)
    rows = stratified_rows(y, n_boot, np.random.default_rng(random_state))
    curves = np.empty((n_boot, n_points))
    for b, (fps, tps) in enumerate(binary_curves(y[rows], score[rows])):
        if fps.size > 2:  # roc_curve's drop_intermediate: corners only
            corner = np.r_[True, (np.diff(fps, 2) != 0) | (np.diff(tps, 2) != 0), True]
            fps, tps = fps[corner], tps[corner]
        fps, tps = np.r_[0, fps], np.r_[0, tps]
        curves[b] = np.interp(grid, fps / fps[-1], tps / tps[-1])
    return _band(curves, grid, confidence)


def pr_band(
    y_true: ArrayLike,
    y_score: ArrayLike,
    n_boot: int = 200,
    confidence: float = 0.95,
    n_points: int = 101,
    random_state: int | None = 0,
) -> CurveBand:
    """Pointwise stratified-bootstrap band of the precision–recall curve (precision at recall).

    Parameters
    ----------
    y_true, y_score, n_boot, confidence, n_points, random_state
        As in :func:`roc_band`.

    Returns
    -------
    CurveBand
        ``x`` is the recall grid; ``low``/``high`` bound the (interpolated) precision.

    Examples
    --------
    >>> band = pr_band([0, 0, 1, 1, 0, 1], [0.1, 0.4, 0.35, 0.8, 0.2, 0.9], n_boot=20)
    >>> bool(np.all(band.low <= band.high))
    True
    """
    y = _check_binary_target(y_true)
    score = np.asarray(y_score, dtype=np.float64)
    grid = np.linspace(0.0, 1.0, n_points)
    rows = stratified_rows(y, n_boot, np.random.default_rng(random_state))
    curves = np.empty((n_boot, n_points))
    for b, (fps, tps) in enumerate(binary_curves(y[rows], score[rows])):
        # as precision_recall_curve, by increasing recall; the interpolated precision is
        # the best at this recall or beyond
        precision, recall = tps / (tps + fps), tps / tps[-1]
        envelope = np.maximum.accumulate(np.r_[precision[::-1], 1.0])[::-1]
        curves[b] = np.interp(grid, np.r_[0.0, recall], envelope)
    return _band(curves, grid, confidence)
