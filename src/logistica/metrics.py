"""Evaluation metrics that :mod:`sklearn.metrics` lacks.

Confusion matrices, classification reports, ROC/PR curves and their areas,
average precision, log-loss and the Brier score come from
:mod:`sklearn.metrics` and are not rewritten here. This module adds
calibration errors (ECE, MCE) and the reliability curve behind them, the
Murphy decomposition of the Brier score, the Hosmer–Lemeshow test, the
Kolmogorov–Smirnov statistic, a lift/gain table, and bootstrap confidence
intervals for any metric.

Conventions
-----------
Binary targets are encoded ``0``/``1`` (``1`` is the positive class);
binary probabilities are the positive-class probability, either 1-d or the
second column of an ``(n, 2)`` array. Multiclass targets are integer codes
``0..K-1`` matching the columns of an ``(n, K)`` probability array, e.g.
``np.searchsorted(model.classes_, y)``. Bins are right-closed,
``(edge_k, edge_k+1]`` (the first one also holds its left edge), as in
:func:`sklearn.calibration.calibration_curve`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from scipy import stats
from sklearn.metrics import brier_score_loss, roc_curve

__all__ = [
    "BootstrapResult",
    "BrierDecomposition",
    "HosmerLemeshowResult",
    "bootstrap_ci",
    "bootstrap_result",
    "brier_decomposition",
    "expected_calibration_error",
    "hosmer_lemeshow",
    "ks_statistic",
    "lift_table",
    "maximum_calibration_error",
    "reliability_curve",
    "stratified_rows",
]

_STRATEGIES = ("uniform", "quantile")
_MULTICLASS = ("top-label", "classwise")


# -- input checks (shared with calibration.py and thresholds.py) ------------------------
def _check_1d(values, name: str) -> np.ndarray:
    """A finite 1-d float array, or a ValueError naming ``name``."""
    array = np.asarray(values)
    if array.ndim != 1:
        raise ValueError(f"{name} must be 1-d, got shape {array.shape}")
    if array.size == 0:
        raise ValueError(f"{name} is empty")
    if not np.issubdtype(array.dtype, np.number) and array.dtype != bool:
        raise ValueError(f"{name} must be numeric, got dtype {array.dtype}")
    array = array.astype(np.float64)
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} contains NaN or infinite values")
    return array


def _check_lengths(y_true: np.ndarray, other: np.ndarray, name: str) -> None:
    if other.shape[0] != y_true.shape[0]:
        raise ValueError(
            f"y_true and {name} have different lengths: {y_true.shape[0]} != {other.shape[0]}"
        )


def _check_binary_target(y_true) -> np.ndarray:
    """``y_true`` as a 0/1 float array holding both classes."""
    y = _check_1d(y_true, "y_true")
    labels = np.unique(y)
    if not np.all(np.isin(labels, (0.0, 1.0))):
        raise ValueError(
            f"y_true must be encoded 0/1 (1 = positive class), got labels {labels[:5].tolist()}"
        )
    if labels.size < 2:
        raise ValueError(
            f"y_true contains a single class ({labels[0]:g}); the metric needs both classes"
        )
    return y


def _check_probabilities(y_prob, name: str = "y_prob") -> np.ndarray:
    """Probabilities: finite, in [0, 1], rows of a 2-d array summing to one."""
    prob = np.asarray(y_prob, dtype=np.float64)
    if prob.ndim not in (1, 2) or prob.size == 0:
        raise ValueError(f"{name} must be a non-empty 1-d or 2-d array, got shape {prob.shape}")
    if not np.all(np.isfinite(prob)):
        raise ValueError(f"{name} contains NaN or infinite values")
    if prob.min() < 0.0 or prob.max() > 1.0:
        raise ValueError(
            f"{name} must hold probabilities in [0, 1], got values in "
            f"[{prob.min():g}, {prob.max():g}]"
        )
    if prob.ndim == 2:
        if prob.shape[1] < 2:
            raise ValueError(f"{name} needs at least two columns, got shape {prob.shape}")
        worst = float(np.max(np.abs(prob.sum(axis=1) - 1.0)))
        if worst > 1e-6:
            raise ValueError(f"rows of {name} must sum to 1 (largest deviation {worst:.3g})")
    return prob


def _binary_inputs(y_true, y_prob) -> tuple[np.ndarray, np.ndarray]:
    """Validated binary targets and positive-class probabilities."""
    prob = _check_probabilities(y_prob)
    if prob.ndim == 2:
        if prob.shape[1] != 2:
            raise ValueError(f"binary y_prob must have 1 or 2 columns, got shape {prob.shape}")
        prob = prob[:, 1]
    y = _check_binary_target(y_true)
    _check_lengths(y, prob, "y_prob")
    return y, prob


def _calibration_pairs(y_true, y_prob, multiclass: str) -> list[tuple[np.ndarray, np.ndarray]]:
    """(outcome, forecast) pairs whose reliability the calibration metrics measure.

    Binary: the positive class. Multiclass ``"top-label"``: correctness of the
    most probable class against its probability; ``"classwise"``: one pair per
    class (one-vs-rest).
    """
    if multiclass not in _MULTICLASS:
        raise ValueError(f"multiclass must be one of {_MULTICLASS}, got {multiclass!r}")
    prob = _check_probabilities(y_prob)
    if prob.ndim == 1 or prob.shape[1] == 2:
        return [_binary_inputs(y_true, prob)]
    y = _check_1d(y_true, "y_true")
    _check_lengths(y, prob, "y_prob")
    n_classes = prob.shape[1]
    if not np.all((y == np.round(y)) & (y >= 0) & (y < n_classes)):
        raise ValueError(
            f"multiclass y_true must hold integer codes 0..{n_classes - 1} (the columns of y_prob)"
        )
    if np.unique(y).size < 2:
        raise ValueError("y_true contains a single class; the metric needs at least two")
    codes = y.astype(np.intp)
    if multiclass == "top-label":
        correct = (prob.argmax(axis=1) == codes).astype(np.float64)
        return [(correct, prob.max(axis=1))]
    return [((codes == k).astype(np.float64), prob[:, k]) for k in range(n_classes)]


# -- binning ---------------------------------------------------------------------------
def _bin_edges(prob: np.ndarray, n_bins: int, strategy: str) -> np.ndarray:
    if not (isinstance(n_bins, int | np.integer) and n_bins >= 1):
        raise ValueError(f"n_bins must be a positive integer, got {n_bins!r}")
    if strategy == "uniform":
        return np.linspace(0.0, 1.0, n_bins + 1)
    if strategy == "quantile":
        return np.percentile(prob, np.linspace(0.0, 100.0, n_bins + 1))
    raise ValueError(f"strategy must be one of {_STRATEGIES}, got {strategy!r}")


def _binned(outcome: np.ndarray, prob: np.ndarray, edges: np.ndarray) -> pd.DataFrame:
    """Per-bin count, mean forecast and observed frequency (empty bins included)."""
    ids = np.searchsorted(edges[1:-1], prob)
    n_bins = edges.size - 1
    count = np.bincount(ids, minlength=n_bins)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_predicted = np.bincount(ids, prob, minlength=n_bins) / count
        observed = np.bincount(ids, outcome, minlength=n_bins) / count
    return pd.DataFrame(
        {
            "lower": edges[:-1],
            "upper": edges[1:],
            "center": (edges[:-1] + edges[1:]) / 2.0,
            "count": count,
            "mean_predicted": mean_predicted,
            "observed_frequency": observed,
        }
    )


def _reliability_tables(y_true, y_prob, n_bins, strategy, multiclass) -> list[pd.DataFrame]:
    """One table of bins per (outcome, forecast) pair of :func:`_calibration_pairs`."""
    pairs = _calibration_pairs(y_true, y_prob, multiclass)
    return [_binned(o, p, _bin_edges(p, n_bins, strategy)) for o, p in pairs]


def _weights_and_gaps(table: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Non-empty bins' weights ``|B|/n`` and gaps ``|observed - mean forecast|``."""
    filled = table[table["count"] > 0]
    gap = (filled["observed_frequency"] - filled["mean_predicted"]).abs()
    return (filled["count"] / table["count"].sum()).to_numpy(), gap.to_numpy()


def reliability_curve(
    y_true: ArrayLike,
    y_prob: ArrayLike,
    n_bins: int = 10,
    strategy: str = "uniform",
    multiclass: str = "top-label",
) -> pd.DataFrame:
    """Reliability (calibration) curve: observed frequency against mean forecast per bin.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        Binary 0/1 targets, or integer class codes for multiclass ``y_prob``.
    y_prob : array-like of shape (n_samples,), (n_samples, 2) or (n_samples, K)
        Predicted probabilities.
    n_bins : int, default=10
        Number of bins.
    strategy : {"uniform", "quantile"}, default="uniform"
        Equal-width bins on [0, 1], or equal-mass bins at the forecast quantiles.
    multiclass : {"top-label", "classwise"}, default="top-label"
        For ``K > 2`` columns: the most probable class's confidence against its
        accuracy, or one curve per class (one-vs-rest, a ``class`` column).

    Returns
    -------
    pandas.DataFrame
        One row per bin, empty bins included (their means are NaN), with
        columns ``lower``, ``upper``, ``center``, ``count``, ``mean_predicted``
        and ``observed_frequency``.

    Examples
    --------
    >>> curve = reliability_curve([0, 0, 1, 1], [0.1, 0.3, 0.6, 0.9], n_bins=2)
    >>> curve[["count", "mean_predicted", "observed_frequency"]].to_numpy().tolist()
    [[2.0, 0.2, 0.0], [2.0, 0.75, 1.0]]
    """
    tables = _reliability_tables(y_true, y_prob, n_bins, strategy, multiclass)
    if len(tables) == 1:
        return tables[0]
    return pd.concat(tables, keys=range(len(tables)), names=["class", None]).reset_index(level=0)


def expected_calibration_error(
    y_true: ArrayLike,
    y_prob: ArrayLike,
    n_bins: int = 10,
    strategy: str = "uniform",
    multiclass: str = "top-label",
) -> float:
    """Expected calibration error, ``Σₘ |Bₘ|/n · |observed(Bₘ) − mean forecast(Bₘ)|``.

    Parameters
    ----------
    y_true, y_prob, n_bins, strategy, multiclass
        As in :func:`reliability_curve`. With ``multiclass="classwise"`` the
        result is the mean over classes of the one-vs-rest errors.

    Returns
    -------
    float

    Examples
    --------
    >>> expected_calibration_error([0, 0, 1, 1], [0.1, 0.3, 0.6, 0.9], n_bins=2)
    0.225
    """
    tables = _reliability_tables(y_true, y_prob, n_bins, strategy, multiclass)
    return float(np.mean([w @ g for w, g in map(_weights_and_gaps, tables)]))


def maximum_calibration_error(
    y_true: ArrayLike,
    y_prob: ArrayLike,
    n_bins: int = 10,
    strategy: str = "uniform",
    multiclass: str = "top-label",
) -> float:
    """Maximum calibration error: the largest ``|observed − mean forecast|`` over non-empty bins.

    Parameters
    ----------
    y_true, y_prob, n_bins, strategy, multiclass
        As in :func:`reliability_curve`; ``"classwise"`` takes the maximum over classes too.

    Returns
    -------
    float

    Examples
    --------
    >>> maximum_calibration_error([0, 0, 1, 1], [0.1, 0.3, 0.6, 0.9], n_bins=2)
    0.25
    """
    tables = _reliability_tables(y_true, y_prob, n_bins, strategy, multiclass)
    return float(max(g.max() for _, g in map(_weights_and_gaps, tables)))


class BrierDecomposition(NamedTuple):
    """Murphy's decomposition of the Brier score (see :func:`brier_decomposition`).

    Examples
    --------
    >>> d = brier_decomposition([0, 1, 0, 1], [0.2, 0.2, 0.7, 0.7], n_bins=None)
    >>> round(d.reliability - d.resolution + d.uncertainty, 4) == round(d.brier, 4)
    True
    """

    reliability: float
    resolution: float
    uncertainty: float
    brier: float


def brier_decomposition(
    y_true: ArrayLike, y_prob: ArrayLike, n_bins: int | None = 10, strategy: str = "uniform"
) -> BrierDecomposition:
    """Murphy decomposition ``Brier ≈ reliability − resolution + uncertainty``.

    With forecasts grouped in bins ``k`` of size ``nₖ``, mean forecast ``f̄ₖ``
    and observed frequency ``ōₖ`` (overall frequency ``ō``)::

        reliability = Σ nₖ/n (f̄ₖ − ōₖ)²   (lower is better)
        resolution  = Σ nₖ/n (ōₖ − ō)²    (higher is better)
        uncertainty = ō (1 − ō)

    The identity is exact when forecasts are constant within each bin, e.g.
    with ``n_bins=None``, which makes one bin per distinct forecast; otherwise
    the two sides differ by the within-bin spread of the forecasts.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        Binary 0/1 targets.
    y_prob : array-like of shape (n_samples,) or (n_samples, 2)
        Positive-class probabilities.
    n_bins : int or None, default=10
        Number of bins; ``None`` groups identical forecasts (exact decomposition).
    strategy : {"uniform", "quantile"}, default="uniform"
        Binning, as in :func:`reliability_curve`.

    Returns
    -------
    BrierDecomposition
        ``reliability``, ``resolution``, ``uncertainty`` and the Brier score
        itself (:func:`sklearn.metrics.brier_score_loss`).

    Examples
    --------
    >>> d = brier_decomposition([0, 1, 0, 1], [0.2, 0.2, 0.7, 0.7], n_bins=None)
    >>> [round(v, 4) for v in d]
    [0.065, 0.0, 0.25, 0.315]
    """
    y, prob = _binary_inputs(y_true, y_prob)
    if n_bins is None:  # one right-closed bin per distinct forecast
        distinct = np.unique(prob)
        edges = np.concatenate([distinct[:1], distinct])
    else:
        edges = _bin_edges(prob, n_bins, strategy)
    table = _binned(y, prob, edges)
    table = table[table["count"] > 0]
    weight = table["count"] / y.size
    base_rate = y.mean()
    return BrierDecomposition(
        reliability=float(weight @ (table["mean_predicted"] - table["observed_frequency"]) ** 2),
        resolution=float(weight @ (table["observed_frequency"] - base_rate) ** 2),
        uncertainty=float(base_rate * (1.0 - base_rate)),
        brier=float(brier_score_loss(y, prob)),
    )


class HosmerLemeshowResult(NamedTuple):
    """Hosmer–Lemeshow goodness-of-fit test (see :func:`hosmer_lemeshow`).

    Examples
    --------
    >>> y = [0, 0, 1, 0, 1, 1, 0, 1, 1]
    >>> p = [0.2, 0.2, 0.2, 0.5, 0.5, 0.5, 0.8, 0.8, 0.8]
    >>> statistic, df, pvalue = hosmer_lemeshow(y, p, n_groups=3)
    >>> df, round(pvalue, 4)
    (1, 0.3173)
    """

    statistic: float
    df: int
    pvalue: float


def hosmer_lemeshow(
    y_true: ArrayLike, y_prob: ArrayLike, n_groups: int = 10
) -> HosmerLemeshowResult:
    """Hosmer–Lemeshow goodness-of-fit test on groups of predicted risk.

    Forecasts are grouped at their quantiles (``n_groups`` right-closed
    groups; tied forecasts stay together, so groups may be fewer). With
    ``nᵍ`` cases, ``Oᵍ`` observed and ``Eᵍ`` expected events per group::

        H = Σᵍ (Oᵍ − Eᵍ)² / (Eᵍ (1 − Eᵍ/nᵍ)),

    compared with a χ² distribution on ``G − 2`` degrees of freedom (``G``
    non-empty groups), as for a model fitted on the same data.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        Binary 0/1 targets.
    y_prob : array-like of shape (n_samples,) or (n_samples, 2)
        Positive-class probabilities.
    n_groups : int, default=10
        Number of risk groups ("deciles of risk").

    Returns
    -------
    HosmerLemeshowResult
        ``statistic``, ``df`` and ``pvalue``.

    Examples
    --------
    >>> y = [0, 0, 1, 0, 1, 1, 0, 1, 1]
    >>> p = [0.2, 0.2, 0.2, 0.5, 0.5, 0.5, 0.8, 0.8, 0.8]
    >>> res = hosmer_lemeshow(y, p, n_groups=3)
    >>> round(res.statistic, 4), res.df
    (1.0, 1)
    """
    y, prob = _binary_inputs(y_true, y_prob)
    table = _binned(y, prob, _bin_edges(prob, n_groups, "quantile"))
    table = table[table["count"] > 0]
    df = len(table) - 2
    if df < 1:
        raise ValueError(
            f"the Hosmer-Lemeshow test needs at least 3 groups of distinct risk, got {len(table)}"
        )
    count = table["count"].to_numpy(dtype=np.float64)
    observed = table["observed_frequency"].to_numpy() * count
    expected = table["mean_predicted"].to_numpy() * count
    variance = expected * (1.0 - expected / count)
    gap = (observed - expected) ** 2
    # A group forecast with certainty (variance 0) contributes 0 if right, +inf if wrong.
    terms = np.divide(gap, variance, out=np.where(gap > 0, np.inf, 0.0), where=variance > 0)
    statistic = float(terms.sum())
    return HosmerLemeshowResult(statistic, df, float(stats.chi2.sf(statistic, df)))


def ks_statistic(y_true: ArrayLike, y_score: ArrayLike) -> float:
    """Kolmogorov–Smirnov statistic: the largest gap between the score distributions of the classes.

    Equals ``max |TPR − FPR|`` over thresholds (the two-sample KS statistic
    of the positive- and negative-class scores).

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        Binary 0/1 targets.
    y_score : array-like of shape (n_samples,)
        Scores or probabilities of the positive class.

    Returns
    -------
    float

    Examples
    --------
    >>> ks_statistic([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
    0.5
    """
    y = _check_binary_target(y_true)
    score = _check_1d(y_score, "y_score")
    _check_lengths(y, score, "y_score")
    fpr, tpr, _ = roc_curve(y, score, drop_intermediate=False)
    return float(np.max(np.abs(tpr - fpr)))


def lift_table(y_true: ArrayLike, y_score: ArrayLike, n_groups: int = 10) -> pd.DataFrame:
    """Lift and cumulative gain by group of score (deciles by default), best scores first.

    Samples are sorted by decreasing score and cut into ``n_groups`` groups of
    (almost) equal size; tied scores at a boundary are split in input order.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        Binary 0/1 targets.
    y_score : array-like of shape (n_samples,)
        Scores or probabilities of the positive class.
    n_groups : int, default=10
        Number of groups.

    Returns
    -------
    pandas.DataFrame
        One row per group: ``group`` (1 = highest scores), ``n``,
        ``positives``, ``min_score``, ``max_score``, ``response_rate``,
        ``lift`` (response rate over the base rate), ``cumulative_n``,
        ``cumulative_positives``, ``gain`` (share of all positives captured so
        far) and ``cumulative_lift``.

    Examples
    --------
    >>> table = lift_table([1, 0, 1, 0], [0.9, 0.8, 0.3, 0.1], n_groups=2)
    >>> table[["positives", "lift", "gain"]].to_numpy().tolist()
    [[1.0, 1.0, 0.5], [1.0, 1.0, 1.0]]
    """
    y = _check_binary_target(y_true)
    score = _check_1d(y_score, "y_score")
    _check_lengths(y, score, "y_score")
    if not (isinstance(n_groups, int | np.integer) and 1 <= n_groups <= y.size):
        raise ValueError(f"n_groups must be an integer in [1, {y.size}], got {n_groups!r}")
    order = np.argsort(-score, kind="stable")
    groups = np.array_split(order, n_groups)
    table = pd.DataFrame(
        {
            "group": np.arange(1, n_groups + 1),
            "n": [g.size for g in groups],
            "positives": [y[g].sum() for g in groups],
            "min_score": [score[g].min() for g in groups],
            "max_score": [score[g].max() for g in groups],
        }
    )
    base_rate = y.mean()
    table["response_rate"] = table["positives"] / table["n"]
    table["lift"] = table["response_rate"] / base_rate
    table["cumulative_n"] = table["n"].cumsum()
    table["cumulative_positives"] = table["positives"].cumsum()
    table["gain"] = table["cumulative_positives"] / y.sum()
    table["cumulative_lift"] = table["cumulative_positives"] / table["cumulative_n"] / base_rate
    return table


class BootstrapResult(NamedTuple):
    """A metric with its bootstrap percentile interval (see :func:`bootstrap_ci`).

    Examples
    --------
    >>> from sklearn.metrics import roc_auc_score
    >>> y = [0, 0, 0, 1, 1, 1]; s = [0.1, 0.4, 0.6, 0.5, 0.8, 0.9]
    >>> res = bootstrap_ci(roc_auc_score, y, s, n_boot=200, random_state=0)
    >>> res._fields
    ('estimate', 'low', 'high', 'std_error')
    >>> bool(res.std_error > 0)
    True
    """

    estimate: float
    low: float
    high: float
    std_error: float


def bootstrap_ci(
    metric: Callable[..., float],
    y_true: ArrayLike,
    y_pred: ArrayLike,
    *,
    n_boot: int = 1000,
    confidence: float = 0.95,
    random_state: int | np.random.Generator | None = None,
    **metric_params: Any,
) -> BootstrapResult:
    """Bootstrap percentile confidence interval of any ``metric(y_true, y_pred)``.

    Resampling is stratified by ``y_true`` (each class keeps its count), so
    every replicate contains every class and metrics such as ROC AUC stay
    defined.

    Parameters
    ----------
    metric : callable
        ``metric(y_true, y_pred, **metric_params) -> float``, e.g.
        :func:`sklearn.metrics.roc_auc_score` or :func:`expected_calibration_error`.
    y_true : array-like of shape (n_samples,)
        Targets (any labels).
    y_pred : array-like of shape (n_samples,) or (n_samples, K)
        Predictions, scores or probabilities passed to ``metric``.
    n_boot : int, default=1000
        Number of bootstrap replicates.
    confidence : float, default=0.95
        Coverage of the interval, in (0, 1).
    random_state : int, numpy Generator or None
        Seed of the resampling.
    **metric_params
        Extra keyword arguments for ``metric``.

    Returns
    -------
    BootstrapResult
        ``estimate`` (the metric on the full data), ``low``, ``high`` and
        ``std_error`` (standard deviation of the replicates).

    Examples
    --------
    >>> from sklearn.metrics import roc_auc_score
    >>> y = [0, 0, 0, 1, 1, 1]; s = [0.1, 0.4, 0.6, 0.5, 0.8, 0.9]
    >>> res = bootstrap_ci(roc_auc_score, y, s, n_boot=200, random_state=0)
    >>> round(res.estimate, 3), res.low <= res.estimate <= res.high
    (0.889, True)
    """
    y = np.asarray(y_true)
    pred = np.asarray(y_pred)
    if y.ndim != 1:
        raise ValueError(f"y_true must be 1-d, got shape {y.shape}")
    _check_lengths(y, pred, "y_pred")
    if not (isinstance(n_boot, int | np.integer) and n_boot >= 1):
        raise ValueError(f"n_boot must be a positive integer, got {n_boot!r}")
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must be in (0, 1), got {confidence!r}")
    rows = stratified_rows(y, n_boot, np.random.default_rng(random_state))
    replicates = np.array([metric(y[r], pred[r], **metric_params) for r in rows], dtype=float)
    return bootstrap_result(float(metric(y, pred, **metric_params)), replicates, confidence)


def stratified_rows(y: np.ndarray, n_boot: int, rng: np.random.Generator) -> np.ndarray:
    """Row indices of ``n_boot`` stratified bootstrap resamples, shape ``(n_boot, n)``.

    Each class keeps its count: the rows of each class (in order of the sorted
    labels) are drawn with replacement from that class, so every replicate
    contains every class. This is the resampling of :func:`bootstrap_ci`.

    Examples
    --------
    >>> rows = stratified_rows(np.array([0, 0, 1]), 4, np.random.default_rng(0))
    >>> rows.shape, bool((rows[:, 2] == 2).all())
    ((4, 3), True)
    """
    strata = [np.flatnonzero(y == label) for label in np.unique(y)]
    rows = np.empty((n_boot, y.size), dtype=np.intp)
    for b in range(n_boot):
        rows[b] = np.concatenate([rng.choice(s, size=s.size) for s in strata])
    return rows


def bootstrap_result(
    estimate: float, replicates: np.ndarray, confidence: float = 0.95
) -> BootstrapResult:
    """The percentile interval and standard error of bootstrap ``replicates`` of ``estimate``.

    Examples
    --------
    >>> bootstrap_result(0.5, np.array([0.4, 0.5, 0.6])).std_error
    0.09999999999999998
    """
    alpha = (1.0 - confidence) / 2.0
    low, high = np.quantile(replicates, [alpha, 1.0 - alpha])
    return BootstrapResult(
        estimate=float(estimate),
        low=float(low),
        high=float(high),
        std_error=float(replicates.std(ddof=1)) if replicates.size > 1 else float("nan"),
    )
