"""Binary metrics of many bootstrap replicates at once, from counts and sorted scores.

:func:`binary_metrics` scores every row of a ``(n_replicates, n)`` pair of
targets and scores in a few numpy passes: accuracy, balanced accuracy,
precision, recall and F1 from the confusion counts at a threshold; ROC AUC from
mid-ranks (the Mann–Whitney statistic); PR AUC (average precision) from the
precision at the end of each run of tied scores; log-loss and the Brier score
elementwise. Each equals its :mod:`sklearn.metrics` counterpart (``zero_division=0``;
log-loss clipped to ``[eps, 1 − eps]``) to rounding; the tests compare them.
:func:`binary_curves` gives each replicate's ROC and precision–recall points, as
``roc_curve`` and ``precision_recall_curve`` would.
"""

from __future__ import annotations

import numpy as np

__all__ = ["binary_curves", "binary_metrics"]


def _sorted(y: np.ndarray, score: np.ndarray):
    """Targets and scores sorted by decreasing score, and where each run of ties ends."""
    order = np.argsort(-score, axis=1, kind="stable")
    y_sorted = np.take_along_axis(y, order, axis=1)
    s_sorted = np.take_along_axis(score, order, axis=1)
    last = np.ones_like(s_sorted, dtype=bool)
    last[:, :-1] = s_sorted[:, 1:] != s_sorted[:, :-1]
    return y_sorted, last


def _run_bounds(last: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """0-based first and last position of the run of ties holding each position."""
    n = last.shape[1]
    position = np.arange(n)
    first = np.ones_like(last)
    first[:, 1:] = last[:, :-1]
    start = np.maximum.accumulate(np.where(first, position, 0), axis=1)
    end = np.minimum.accumulate(np.where(last, position, n)[:, ::-1], axis=1)[:, ::-1]
    return start, end


def _ratio(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """``numerator / denominator``, 0 where the denominator is 0 (``zero_division=0``)."""
    out = np.zeros(np.broadcast(numerator, denominator).shape)
    return np.divide(numerator, denominator, out=out, where=denominator != 0)


def binary_metrics(y: np.ndarray, score: np.ndarray, threshold: float) -> dict[str, np.ndarray]:
    """The report's binary metrics of each row of ``y`` and ``score``.

    Parameters
    ----------
    y : ndarray of shape (n_replicates, n)
        0/1 targets.
    score : ndarray of shape (n_replicates, n)
        Probabilities of class 1.
    threshold : float
        Decide class 1 where ``score >= threshold``.

    Returns
    -------
    dict
        ``accuracy``, ``balanced_accuracy``, ``precision``, ``recall``, ``f1``,
        ``roc_auc``, ``pr_auc``, ``log_loss``, ``brier``: arrays of shape
        ``(n_replicates,)``.

    Examples
    --------
    >>> m = binary_metrics(np.array([[0, 0, 1, 1]]), np.array([[0.1, 0.6, 0.4, 0.8]]), 0.5)
    >>> float(m["roc_auc"][0]), float(m["accuracy"][0])
    (0.75, 0.5)
    """
    y = np.asarray(y)
    score = np.asarray(score, dtype=np.float64)
    positive = y == 1
    n = y.shape[1]
    n_pos = positive.sum(axis=1)
    n_neg = n - n_pos
    decided = score >= threshold
    tp = (decided & positive).sum(axis=1)
    fp = decided.sum(axis=1) - tp
    fn = n_pos - tp
    tn = n_neg - fp
    with np.errstate(invalid="ignore", divide="ignore"):
        out = {
            "accuracy": (tp + tn) / n,
            "balanced_accuracy": (_ratio(tn, tn + fp) + _ratio(tp, tp + fn)) / 2,
            "precision": _ratio(tp, tp + fp),
            "recall": _ratio(tp, tp + fn),
            "f1": _ratio(2 * tp, 2 * tp + fp + fn),
        }
        y_sorted, last = _sorted(positive.astype(np.float64), score)
        start, end = _run_bounds(last)
        # ranks by increasing score: position k (by decreasing score) has rank n - k
        mid_rank = n - (start + end) / 2
        rank_sum = (mid_rank * y_sorted).sum(axis=1)
        out["roc_auc"] = (rank_sum - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg)
        precision_at = np.cumsum(y_sorted, axis=1) / np.arange(1, n + 1)
        run_precision = np.take_along_axis(precision_at, end, axis=1)
        out["pr_auc"] = (y_sorted * run_precision).sum(axis=1) / n_pos
        eps = np.finfo(np.float64).eps
        likelihood = np.where(positive, score, 1.0 - score)
        out["log_loss"] = -np.log(np.clip(likelihood, eps, 1.0 - eps)).mean(axis=1)
        out["brier"] = ((positive - score) ** 2).mean(axis=1)
    return out


def binary_curves(y: np.ndarray, score: np.ndarray):
    """Per row, the false and true positive counts at each distinct score, decreasing.

    As ``sklearn.metrics._ranking._binary_clf_curve``: one point per distinct
    threshold, counting the rows scored at or above it.

    Parameters
    ----------
    y : ndarray of shape (n_replicates, n)
        0/1 targets.
    score : ndarray of shape (n_replicates, n)
        Scores of class 1.

    Yields
    ------
    fps, tps : ndarray
        Counts of one replicate.
    """
    y_sorted, last = _sorted(np.asarray(y) == 1, np.asarray(score, dtype=np.float64))
    tps_all = np.cumsum(y_sorted, axis=1)
    for tps_row, last_row in zip(tps_all, last, strict=True):
        index = np.flatnonzero(last_row)
        tps = tps_row[index]
        yield 1 + index - tps, tps
