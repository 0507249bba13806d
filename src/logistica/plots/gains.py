"""Ranking: cumulative gain and lift of a binary score (:func:`logistica.metrics.lift_table`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike

from ..metrics import lift_table
from ._style import REFERENCE, get_axes, label, series_style
from .evaluation import binary_scores

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["plot_cumulative_gain", "plot_lift"]


def plot_cumulative_gain(
    y_true: ArrayLike,
    y_score: ArrayLike,
    ax: Axes | None = None,
    *,
    n_groups: int = 10,
) -> Axes:
    """Cumulative gain: share of all positives found in the top share of scores.

    With the random-targeting diagonal and the perfect model (all positives first).

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        Binary 0/1 targets.
    y_score : array-like of shape (n_samples,)
        Scores or probabilities of the positive class.
    ax : matplotlib Axes, optional
        Where to draw; a new figure by default.
    n_groups : int, default=10
        Number of score groups (deciles by default), best scores first.

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> from logistica.plots import plot_cumulative_gain
    >>> ax = plot_cumulative_gain([1, 0, 1, 0], [0.9, 0.8, 0.3, 0.1], n_groups=2)
    >>> ax.get_lines()[0].get_xydata().tolist()
    [[0.0, 0.0], [0.5, 0.5], [1.0, 1.0]]
    """
    y, score = binary_scores(y_true, y_score)
    table = lift_table(y, score, n_groups=n_groups)
    share = np.append(0.0, table["cumulative_n"] / y.size)
    ax = get_axes(ax)
    ax.plot(share, np.append(0.0, table["gain"]), label="model", **series_style(0, marker=True))
    prevalence = float(y.mean())
    ax.plot([0.0, prevalence, 1.0], [0.0, 1.0, 1.0], label="perfect", **series_style(1))
    ax.plot([0.0, 1.0], [0.0, 1.0], label="random", **REFERENCE)
    ax.set_xlim(0.0, 1.0)
    ax.set_ylim(0.0, 1.01)
    return label(
        ax,
        "Cumulative gain",
        "share of samples targeted (highest scores first)",
        "share of positives captured",
    )


def plot_lift(
    y_true: ArrayLike,
    y_score: ArrayLike,
    ax: Axes | None = None,
    *,
    n_groups: int = 10,
) -> Axes:
    """Lift per score group and cumulative lift: response rate over the base rate.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        Binary 0/1 targets.
    y_score : array-like of shape (n_samples,)
        Scores or probabilities of the positive class.
    ax : matplotlib Axes, optional
        Where to draw; a new figure by default.
    n_groups : int, default=10
        Number of score groups (deciles by default), best scores first.

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> from logistica.plots import plot_lift
    >>> ax = plot_lift([1, 0, 1, 0], [0.9, 0.8, 0.3, 0.1], n_groups=2)
    >>> [line.get_label() for line in ax.get_lines()]
    ['cumulative lift', 'lift per group', 'random (lift 1)']
    """
    y, score = binary_scores(y_true, y_score)
    table = lift_table(y, score, n_groups=n_groups)
    share = table["cumulative_n"].to_numpy() / y.size
    ax = get_axes(ax)
    ax.plot(share, table["cumulative_lift"], label="cumulative lift", **series_style(0, True))
    ax.plot(share, table["lift"], label="lift per group", **series_style(1, True))
    ax.axhline(1.0, label="random (lift 1)", **REFERENCE)
    ax.set_xlim(0.0, 1.0)
    ax.set_ylim(bottom=0.0)
    return label(ax, "Lift", "share of samples targeted (highest scores first)", "lift")
