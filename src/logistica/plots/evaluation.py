"""Evaluation of a binary score: ROC, precision–recall, metrics against threshold, confusion.

Binary targets are encoded 0/1 and ``y_score`` is the positive-class score
or probability (1-d), as in :mod:`logistica.metrics`. Curves come from
:mod:`sklearn.metrics` and :func:`logistica.thresholds.threshold_curve`; a
decision is ``score >= threshold``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from sklearn.metrics import (
    average_precision_score,
    confusion_matrix,
    precision_recall_curve,
    roc_auc_score,
    roc_curve,
)

from ..metrics import _check_1d, _check_binary_target, _check_lengths
from ..thresholds import threshold_curve
from ._style import REFERENCE, SEQUENTIAL, get_axes, label, series_style

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = [
    "plot_confusion_matrix",
    "plot_precision_recall",
    "plot_roc",
    "plot_threshold_metrics",
]

_POINT = {"marker": "o", "markersize": 8, "color": "#D55E00", "linestyle": "none", "zorder": 5}


def binary_scores(y_true, y_score) -> tuple[np.ndarray, np.ndarray]:
    """Validated 0/1 targets and 1-d scores of the positive class."""
    y = _check_binary_target(y_true)
    score = _check_1d(y_score, "y_score")
    _check_lengths(y, score, "y_score")
    return y, score


def operating_point(curve: pd.DataFrame, threshold: float) -> pd.Series:
    """The row of a :func:`threshold_curve` for the decision ``score >= threshold``."""
    return curve.iloc[int(np.searchsorted(curve["threshold"].to_numpy(), threshold))]


def plot_roc(
    y_true: ArrayLike,
    y_score: ArrayLike,
    *,
    threshold: float | None = None,
    ax: Axes | None = None,
) -> Axes:
    """ROC curve with its AUC and, optionally, the operating point of a threshold.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        Binary 0/1 targets.
    y_score : array-like of shape (n_samples,)
        Scores or probabilities of the positive class.
    threshold : float, optional
        Marks the (FPR, TPR) of the decision ``score >= threshold``.
    ax : matplotlib Axes, optional
        Where to draw; a new figure by default.

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> from logistica.plots import plot_roc
    >>> ax = plot_roc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8], threshold=0.5)
    >>> ax.get_lines()[0].get_label()
    'ROC (AUC = 0.750)'
    """
    y, score = binary_scores(y_true, y_score)
    fpr, tpr, _ = roc_curve(y, score)
    ax = get_axes(ax)
    ax.plot(fpr, tpr, label=f"ROC (AUC = {roc_auc_score(y, score):.3f})", **series_style(0))
    ax.plot([0, 1], [0, 1], label="chance", **REFERENCE)
    if threshold is not None:
        point = operating_point(threshold_curve(y, score), threshold)
        ax.plot(point["fpr"], point["recall"], label=f"threshold {threshold:.3g}", **_POINT)
    ax.set_xlim(0.0, 1.0)
    ax.set_ylim(0.0, 1.01)
    ax.set_aspect("equal")
    return label(
        ax, "ROC curve", "false positive rate (1 − specificity)", "true positive rate (recall)"
    )


def plot_precision_recall(
    y_true: ArrayLike,
    y_score: ArrayLike,
    *,
    threshold: float | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Precision–recall curve with average precision and the prevalence baseline.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        Binary 0/1 targets.
    y_score : array-like of shape (n_samples,)
        Scores or probabilities of the positive class.
    threshold : float, optional
        Marks the (recall, precision) of the decision ``score >= threshold``.
    ax : matplotlib Axes, optional
        Where to draw; a new figure by default.

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> from logistica.plots import plot_precision_recall
    >>> ax = plot_precision_recall([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
    >>> [line.get_label() for line in ax.get_lines()]
    ['PR (AP = 0.833)', 'prevalence 0.500']
    """
    y, score = binary_scores(y_true, y_score)
    precision, recall, _ = precision_recall_curve(y, score)
    prevalence = float(y.mean())
    ax = get_axes(ax)
    ax.plot(
        recall,
        precision,
        drawstyle="steps-post",
        label=f"PR (AP = {average_precision_score(y, score):.3f})",
        **series_style(0),
    )
    ax.axhline(prevalence, label=f"prevalence {prevalence:.3f}", **REFERENCE)
    if threshold is not None:
        point = operating_point(threshold_curve(y, score), threshold)
        ax.plot(point["recall"], point["precision"], label=f"threshold {threshold:.3g}", **_POINT)
    ax.set_xlim(0.0, 1.0)
    ax.set_ylim(0.0, 1.01)
    return label(ax, "Precision–recall curve", "recall", "precision")


def plot_threshold_metrics(
    y_true: ArrayLike,
    y_score: ArrayLike,
    *,
    costs: tuple[float, float] | None = None,
    threshold: float | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Precision, recall and F1 against the threshold, and the expected cost.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        Binary 0/1 targets.
    y_score : array-like of shape (n_samples,)
        Scores or probabilities of the positive class.
    costs : (cost_fp, cost_fn), optional
        Costs of a false positive and a false negative: adds the expected cost
        per sample on a twin axis (right), its minimum marked.
    threshold : float, optional
        Drawn as a vertical line (the chosen threshold).
    ax : matplotlib Axes, optional
        Where to draw; a new figure by default.

    Returns
    -------
    matplotlib Axes
        The metrics axis (the cost axis, when drawn, is its twin).

    Examples
    --------
    >>> from logistica.plots import plot_threshold_metrics
    >>> ax = plot_threshold_metrics([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
    >>> [line.get_label() for line in ax.get_lines()]
    ['precision', 'recall', 'F1']
    """
    y, score = binary_scores(y_true, y_score)
    cost_matrix = None
    if costs is not None:
        cost_fp, cost_fn = (float(c) for c in costs)
        cost_matrix = [[0.0, cost_fp], [cost_fn, 0.0]]
    curve = threshold_curve(y, score, cost_matrix=cost_matrix).iloc[:-1]  # drop +inf
    ax = get_axes(ax)
    handles = []
    for i, (column, name) in enumerate(
        (("precision", "precision"), ("recall", "recall"), ("f1", "F1"))
    ):
        handles += ax.plot(
            curve["threshold"], curve[column], label=name, drawstyle="steps-post", **series_style(i)
        )
    if threshold is not None:
        handles.append(
            ax.axvline(threshold, color="k", linewidth=1.2, label=f"threshold {threshold:.3g}")
        )
    if cost_matrix is not None:
        cost_ax = ax.twinx()
        handles += cost_ax.plot(
            curve["threshold"],
            curve["expected_cost"],
            drawstyle="steps-post",
            label=f"expected cost (FP {cost_fp:g}, FN {cost_fn:g})",
            **series_style(3),
        )
        best = curve.iloc[int(curve["expected_cost"].to_numpy().argmin())]
        handles += cost_ax.plot(
            best["threshold"],
            best["expected_cost"],
            marker="v",
            color=series_style(3)["color"],
            linestyle="none",
            label=f"least cost at {best['threshold']:.3g}",
        )
        cost_ax.set_ylabel("expected cost per sample")
    ax.set_ylim(0.0, 1.01)
    label(
        ax,
        "Metrics against the threshold",
        "threshold (predict positive if score ≥ t)",
        "metric",
        legend=False,
    )
    ax.legend(handles=handles, loc="best", fontsize="small", frameon=False)
    return ax


def plot_confusion_matrix(
    y_true: ArrayLike,
    y_pred: ArrayLike,
    *,
    normalize: str | None = None,
    labels: Sequence | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Confusion matrix heat map: true classes in rows, predicted in columns, values written.

    Parameters
    ----------
    y_true, y_pred : array-like of shape (n_samples,)
        True and predicted labels (any type, any number of classes).
    normalize : {None, "true", "pred", "all"}, default=None
        Counts, or shares over each true class (rows: recall per class), each
        predicted class (columns: precision) or everything, as
        :func:`sklearn.metrics.confusion_matrix`.
    labels : sequence, optional
        Classes and their order; those present in either array by default.
    ax : matplotlib Axes, optional
        Where to draw; a new figure by default.

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> from logistica.plots import plot_confusion_matrix
    >>> ax = plot_confusion_matrix([0, 1, 1, 1], [0, 1, 0, 1])
    >>> [text.get_text() for text in ax.texts]
    ['1', '0', '1', '2']
    """
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    if labels is None:
        labels = np.unique(np.concatenate([y_true, y_pred]))
    matrix = confusion_matrix(y_true, y_pred, labels=labels, normalize=normalize)
    ax = get_axes(ax, figsize=(5.0, 4.5))
    image = ax.imshow(matrix, cmap=SEQUENTIAL, vmin=0.0, vmax=max(float(matrix.max()), 1e-12))
    threshold = image.norm(matrix.max()) / 2.0 if matrix.max() > 0 else 0.5
    for (i, j), value in np.ndenumerate(matrix):
        text = f"{value:.2f}" if normalize else f"{int(value)}"
        color = "white" if image.norm(value) < threshold else "black"
        ax.text(j, i, text, ha="center", va="center", color=color)
    names = [str(c) for c in labels]
    ax.set_xticks(np.arange(len(names)), names)
    ax.set_yticks(np.arange(len(names)), names)
    title = "Confusion matrix" + (f" (normalized over {normalize})" if normalize else "")
    return label(ax, title, "predicted label", "true label", legend=False)
