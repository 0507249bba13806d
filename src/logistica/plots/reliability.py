"""Calibration: the reliability diagram with the distribution of predicted probabilities."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from ..metrics import reliability_curve
from ._style import PALETTE, REFERENCE, get_axes, label, series_style

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["plot_reliability"]


def _curves(y_true, y_prob, n_bins: int) -> list[pd.DataFrame]:
    """One table of bins per curve: the positive class, or each class (one-vs-rest)."""
    table = reliability_curve(y_true, y_prob, n_bins=n_bins, multiclass="classwise")
    if "class" not in table.columns:
        return [table]
    return [group.drop(columns="class") for _, group in table.groupby("class", sort=True)]


def plot_reliability(
    y_true: ArrayLike,
    y_prob: ArrayLike,
    *,
    n_bins: int = 10,
    calibrated: ArrayLike | None = None,
    ax: Axes | None = None,
    class_names: Sequence | None = None,
) -> Axes:
    """Reliability diagram: observed frequency against mean predicted probability per bin.

    Equal-width bins on [0, 1] (:func:`logistica.metrics.reliability_curve`);
    empty bins are not drawn. A histogram of the predicted probabilities (the
    bins' counts) sits at the bottom on a twin axis, so the reader sees where
    the diagram has data.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        Binary 0/1 targets, or integer class codes ``0..K-1`` (the columns of
        ``y_prob``) for multiclass probabilities.
    y_prob : array-like of shape (n_samples,), (n_samples, 2) or (n_samples, K)
        Predicted probabilities: positive class (binary), or one column per
        class (one curve per class, one-vs-rest).
    n_bins : int, default=10
        Number of bins.
    calibrated : array-like, optional
        Probabilities after a calibrator, of the same shape as ``y_prob``:
        overlaid as "after" (dashed, square markers) on the "before" curves.
    ax : matplotlib Axes, optional
        Where to draw; a new figure by default.
    class_names : sequence, optional
        Names of the classes in the legend; ``class 0, class 1, ...`` by default.

    Returns
    -------
    matplotlib Axes
        The diagram's axes (the histogram is on its twin).

    Examples
    --------
    >>> from logistica.plots import plot_reliability
    >>> ax = plot_reliability([0, 0, 1, 1], [0.1, 0.3, 0.6, 0.9], n_bins=2)
    >>> ax.get_lines()[1].get_xydata().tolist()
    [[0.2, 0.0], [0.75, 1.0]]
    """
    series = [("", _curves(y_true, y_prob, n_bins))]
    if calibrated is not None:
        series = [("before", series[0][1]), ("after", _curves(y_true, calibrated, n_bins))]
    n_curves = len(series[0][1])
    if class_names is None:
        class_names = [f"class {k}" for k in range(n_curves)] if n_curves > 1 else ["model"]
    if len(class_names) != n_curves:
        raise ValueError(f"class_names has {len(class_names)} names for {n_curves} classes")
    ax = get_axes(ax)
    hist_ax = ax.twinx()
    ax.plot([0, 1], [0, 1], label="perfectly calibrated", **REFERENCE)
    top = 0.0
    for stage, (when, tables) in enumerate(series):
        for k, table in enumerate(tables):
            color = PALETTE[(k + stage if n_curves == 1 else k) % len(PALETTE)]
            style = series_style(stage if n_curves == 1 else k)
            filled = table[table["count"] > 0]
            name = str(class_names[k]) + (f" ({when})" if when else "")
            ax.plot(
                filled["mean_predicted"],
                filled["observed_frequency"],
                label=name,
                color=color,
                linestyle="--" if stage else style["linestyle"],
                marker="s" if stage else "o",
                markersize=4,
            )
            edges = np.append(table["lower"].to_numpy(), table["upper"].to_numpy()[-1])
            counts = table["count"].to_numpy()
            hist_ax.stairs(
                counts,
                edges,
                color=color,
                alpha=0.25 if not stage else 0.6,
                fill=not stage and n_curves == 1,
                linestyle="--" if stage else "-",
            )
            top = max(top, float(counts.max()))
    hist_ax.set_ylim(0.0, 3.0 * max(top, 1.0))  # the histogram fills the lower third
    hist_ax.set_ylabel("count of predictions per bin")
    ax.set_zorder(hist_ax.get_zorder() + 1)
    ax.patch.set_visible(False)
    ax.set_xlim(0.0, 1.0)
    ax.set_ylim(0.0, 1.0)
    return label(ax, "Reliability diagram", "mean predicted probability", "observed frequency")
