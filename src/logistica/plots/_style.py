"""Shared look of every figure: lazy matplotlib, a colour-blind-safe palette, line styles.

Colours are Okabe & Ito's (2008) palette, distinguishable under the common
colour-vision deficiencies; every series also gets its own line style (and
marker), so figures still read in greyscale print.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from matplotlib.axes import Axes

#: Okabe–Ito colours (black last): blue, orange, bluish green, vermillion,
#: reddish purple, sky blue, yellow, black.
PALETTE = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#D55E00",
    "#CC79A7",
    "#56B4E9",
    "#F0E442",
    "#000000",
)
#: Second cue beside colour, one per series.
LINESTYLES = ("-", "--", "-.", ":", (0, (5, 1)), (0, (3, 1, 1, 1, 1, 1)), (0, (1, 3)), (0, (8, 3)))
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")
#: Reference lines (chance, perfect calibration, baselines).
REFERENCE = {"color": "0.45", "linestyle": ":", "linewidth": 1.0}
#: Sequential colour map that is perceptually uniform and colour-blind safe.
SEQUENTIAL = "cividis"
INSTALL_HINT = 'logistica.plots needs matplotlib: pip install "logistica[plots]"'


def pyplot():
    """``matplotlib.pyplot``, or an ImportError that says what to install."""
    try:
        import matplotlib.pyplot as plt
    except ImportError as error:  # pragma: no cover - exercised without the extra
        raise ImportError(INSTALL_HINT) from error
    return plt


def series_style(i: int, marker: bool = False) -> dict[str, Any]:
    """Colour and line style (and marker) of the ``i``-th series."""
    style: dict[str, Any] = {
        "color": PALETTE[i % len(PALETTE)],
        "linestyle": LINESTYLES[i % len(LINESTYLES)],
    }
    if marker:
        style["marker"] = MARKERS[i % len(MARKERS)]
    return style


def get_axes(ax: Axes | None = None, figsize: tuple[float, float] = (6.0, 4.5)) -> Axes:
    """The given Axes, or the Axes of a new figure."""
    if ax is not None:
        return ax
    _, ax = pyplot().subplots(figsize=figsize, layout="constrained")
    return ax


def label(ax: Axes, title: str, xlabel: str, ylabel: str, legend: bool = True) -> Axes:
    """Title, axis labels and (when anything is labelled) a legend."""
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if legend:
        handles, _ = ax.get_legend_handles_labels()
        if handles:
            ax.legend(loc="best", fontsize="small", frameon=False)
    return ax
