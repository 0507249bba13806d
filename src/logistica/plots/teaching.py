"""Teaching figures: the sigmoid, the log-loss against squared error, odds and log-odds."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from scipy.special import expit

from ._style import REFERENCE, get_axes, label, series_style

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["plot_log_loss", "plot_odds", "plot_sigmoid"]


def plot_sigmoid(ax: Axes | None = None, *, z_max: float = 6.0) -> Axes:
    """The logistic function ``σ(z) = 1/(1 + e^{−z})`` and its derivative ``σ(z)(1 − σ(z))``.

    Parameters
    ----------
    ax : matplotlib Axes, optional
        Where to draw; a new figure by default.
    z_max : float, default=6.0
        The log-odds axis spans ``[-z_max, z_max]``.

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> from logistica.plots import plot_sigmoid
    >>> [line.get_label() for line in plot_sigmoid().get_lines()[:2]]
    ['σ(z)', "σ'(z) = σ(z)(1 − σ(z))"]
    """
    ax = get_axes(ax)
    z = np.linspace(-z_max, z_max, 401)
    p = expit(z)
    ax.plot(z, p, label="σ(z)", **series_style(0))
    ax.plot(z, p * (1.0 - p), label="σ'(z) = σ(z)(1 − σ(z))", **series_style(1))
    ax.axhline(0.5, **REFERENCE)
    ax.axvline(0.0, **REFERENCE)
    ax.set_ylim(-0.02, 1.02)
    return label(ax, "The sigmoid and its derivative", "log-odds z", "probability")


def plot_log_loss(ax: Axes | None = None) -> Axes:
    """Log-loss against the predicted probability, for ``y = 1`` and ``y = 0``, beside MSE.

    The log-loss grows without bound as a confident prediction turns out wrong,
    while the squared error stays below 1: that is why logistic regression is
    fitted by maximum likelihood (the log-loss is also convex in the
    coefficients, the squared error of a sigmoid is not).

    Parameters
    ----------
    ax : matplotlib Axes, optional
        Where to draw; a new figure by default.

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> from logistica.plots import plot_log_loss
    >>> len(plot_log_loss().get_lines())
    4
    """
    ax = get_axes(ax)
    p = np.linspace(1e-3, 1.0 - 1e-3, 400)
    ax.plot(p, -np.log(p), label="log-loss, y = 1: −log p", **series_style(0))
    ax.plot(p, -np.log1p(-p), label="log-loss, y = 0: −log(1 − p)", **series_style(1))
    ax.plot(p, (1.0 - p) ** 2, label="squared error, y = 1: (1 − p)²", **series_style(2))
    ax.plot(p, p**2, label="squared error, y = 0: p²", **series_style(3))
    ax.set_xlim(0.0, 1.0)
    ax.set_ylim(0.0, 5.0)
    return label(
        ax,
        "Why log-loss: wrong and confident costs without bound",
        "predicted probability p of class 1",
        "loss",
    )


def plot_odds(ax: Axes | None = None, *, z_max: float = 4.0) -> Axes:
    """Probability, odds and log-odds: three scales of one quantity.

    Draws the probability ``p = σ(z)`` and the odds ``p/(1 − p) = e^z`` (on a
    twin logarithmic axis, where it is the straight line it is in ``z``)
    against the log-odds ``z``.

    Parameters
    ----------
    ax : matplotlib Axes, optional
        Where to draw; a new figure by default.
    z_max : float, default=4.0
        The log-odds axis spans ``[-z_max, z_max]``.

    Returns
    -------
    matplotlib Axes
        The probability axis (the odds axis is its twin).

    Examples
    --------
    >>> from logistica.plots import plot_odds
    >>> plot_odds().get_ylabel()
    'probability p = σ(z)'
    """
    ax = get_axes(ax)
    z = np.linspace(-z_max, z_max, 401)
    (prob,) = ax.plot(z, expit(z), label="probability p = σ(z)", **series_style(0))
    odds_ax = ax.twinx()
    (odds,) = odds_ax.plot(z, np.exp(z), label="odds p/(1 − p) = e^z", **series_style(1))
    odds_ax.set_yscale("log")
    odds_ax.set_ylabel("odds (log scale)")
    ax.axvline(0.0, **REFERENCE)
    ax.set_ylim(0.0, 1.0)
    label(
        ax,
        "Probability, odds and log-odds",
        "log-odds z = log(p/(1 − p))",
        "probability p = σ(z)",
        legend=False,
    )
    ax.legend(handles=[prob, odds], loc="upper left", fontsize="small", frameon=False)
    return ax
