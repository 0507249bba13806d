"""Training figures: the objective per iteration, several fits overlaid."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from ._style import get_axes, label, series_style

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["plot_loss_history"]


def _histories(models, labels) -> list[tuple[str, np.ndarray]]:
    """(label, history) per fit; a one-vs-rest model gives one history per class."""
    items = [models] if hasattr(models, "loss_history_") or _is_array(models) else list(models)
    if labels is not None and len(labels) != len(items):
        raise ValueError(f"labels has {len(labels)} entries for {len(items)} fits")
    out = []
    for i, item in enumerate(items):
        name = labels[i] if labels is not None else getattr(item, "solver_", f"fit {i + 1}")
        history = getattr(item, "loss_history_", item)
        if isinstance(history, list) and history and np.ndim(history[0]) == 1:
            out += [(f"{name} (class {k})", np.asarray(h, float)) for k, h in enumerate(history)]
        else:
            out.append((str(name), np.asarray(history, dtype=np.float64)))
    for name, history in out:
        if history.ndim != 1 or history.size == 0:
            raise ValueError(f"loss history of {name!r} must be a non-empty 1-d array")
    return out


def _is_array(value: Any) -> bool:
    return isinstance(value, np.ndarray) and value.ndim == 1


def _same_problem(histories: list[np.ndarray]) -> bool:
    """Whether the fits end at the same objective (then their gaps to it compare)."""
    finals = np.array([h[-1] for h in histories])
    return bool(np.ptp(finals) <= 1e-4 * (1.0 + np.abs(finals).max()))


def plot_loss_history(
    models,
    labels: Sequence[str] | None = None,
    ax: Axes | None = None,
    *,
    relative: bool | None = None,
) -> Axes:
    """Objective per iteration, one line per fit (e.g. gd vs newton vs lbfgs).

    Parameters
    ----------
    models : fitted model, 1-d array, or a list of them
        Models with ``loss_history_`` (a one-vs-rest model draws one line per
        class) or the histories themselves.
    labels : sequence of str, optional
        One per fit; the models' ``solver_`` (or ``fit 1``, ...) by default.
    ax : matplotlib Axes, optional
        Where to draw; a new figure by default.
    relative : bool, optional
        Plot ``objective − best objective`` on a log scale (the suboptimality,
        which shows linear versus quadratic convergence). By default, when the
        fits end at the same objective (the same problem); otherwise the
        objective itself on a linear scale. The best value itself (a gap of
        zero) is not drawn on the log scale.

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> import numpy as np
    >>> from logistica.plots import plot_loss_history
    >>> ax = plot_loss_history([np.array([1.0, 0.5, 0.3]), np.array([1.0, 0.3])],
    ...                        labels=["gd", "newton"])
    >>> ax.get_yscale(), [line.get_label() for line in ax.get_lines()]
    ('log', ['gd', 'newton'])
    """
    items = _histories(models, labels)
    histories = [h for _, h in items]
    if relative is None:
        relative = len(histories) > 1 and _same_problem(histories)
    ax = get_axes(ax)
    best = min(float(h.min()) for h in histories)
    for i, (name, history) in enumerate(items):
        values = history - best if relative else history
        if relative:
            values = np.where(values > 0, values, np.nan)
        ax.plot(
            np.arange(history.size),
            values,
            label=name,
            **series_style(i, marker=True),
            markersize=3,
        )
    if relative:
        ax.set_yscale("log")
        ylabel = "objective − best objective (log scale)"
    else:
        ylabel = "objective"
    return label(ax, "Loss history", "iteration", ylabel)
