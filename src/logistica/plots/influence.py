"""Influential observations: leverage against studentized residuals, sized by Cook's distance."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ._style import PALETTE, REFERENCE, get_axes, label

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["plot_influence"]

#: Marker areas (points²) of the smallest and the largest Cook's distance.
_SIZES = (12.0, 400.0)


def plot_influence(results, ax: Axes | None = None, n_labels: int = 5) -> Axes:
    """Influence plot: hat values against studentized residuals, bubble area ∝ Cook's distance.

    Points far right have high leverage, far up or down are poorly fitted;
    large bubbles move the estimate most. Dotted lines mark residuals of ±2
    and leverages of 2 and 3 times the mean (``2P/n``, ``3P/n``); the
    ``n_labels`` rows with the largest Cook's distance are labelled with their
    position, and drawn in vermillion.

    Parameters
    ----------
    results : logistica.inference.Results
        From ``model.summarize(X, y)`` on a binary model (its :meth:`influence`).
    ax : matplotlib Axes, optional
        Where to draw; a new figure by default.
    n_labels : int, default=5
        How many of the most influential rows to label.

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> import numpy as np
    >>> from logistica import LogisticRegression
    >>> from logistica.plots import plot_influence
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(200, 2)); y = (X[:, 0] + rng.logistic(size=200) > 0).astype(int)
    >>> ax = plot_influence(LogisticRegression(C=np.inf).fit(X, y).summarize(X, y))
    >>> ax.get_xlabel()
    'leverage (hat value)'
    """
    measures = results.influence()
    hat, residual = measures.hat_matrix_diag, measures.resid_studentized
    cooks = measures.cooks_distance
    largest = float(np.max(cooks)) if cooks.size and np.max(cooks) > 0 else 1.0
    sizes = _SIZES[0] + (_SIZES[1] - _SIZES[0]) * cooks / largest
    top = np.argsort(-cooks, kind="stable")[: max(n_labels, 0)]
    colors = np.full(hat.size, PALETTE[0], dtype=object)
    colors[top] = PALETTE[3]
    ax = get_axes(ax)
    ax.scatter(hat, residual, s=sizes, c=list(colors), alpha=0.6, edgecolors="k", linewidths=0.4)
    ax.scatter([], [], s=_SIZES[1], c=PALETTE[0], alpha=0.6, label=f"Cook's D = {largest:.3g}")
    for i in top:
        ax.annotate(str(i), (hat[i], residual[i]), xytext=(4, 4), textcoords="offset points")
    mean_hat = results.n_params / hat.size
    for level in (2.0, -2.0):
        ax.axhline(level, **REFERENCE)
    for multiple in (2.0, 3.0):
        ax.axvline(multiple * mean_hat, **REFERENCE)
    ax.axhline(0.0, color="k", linewidth=0.8)
    return label(
        ax,
        "Influence (bubble area ∝ Cook's distance)",
        "leverage (hat value)",
        "studentized Pearson residual",
    )
