"""Figures of logistic regression, one call each (matplotlib, extra ``logistica[plots]``).

Every function takes ``ax=None`` (a new figure when omitted), returns the
Axes and never calls ``plt.show()``. Colours are Okabe–Ito's colour-blind-safe
palette, with line styles (or markers, hatches) as a second cue.

- teaching: :func:`plot_sigmoid`, :func:`plot_log_loss`, :func:`plot_odds`
- training: :func:`plot_loss_history`
- geometry: :func:`plot_decision_boundary`
- evaluation: :func:`plot_roc`, :func:`plot_precision_recall`,
  :func:`plot_threshold_metrics`, :func:`plot_confusion_matrix`,
  :func:`plot_reliability`, :func:`plot_cumulative_gain`, :func:`plot_lift`
- model: :func:`plot_coefficients`, :func:`plot_odds_ratios`,
  :func:`plot_regularization_path`, :func:`plot_explanation`
- influence: :func:`plot_influence`

matplotlib is imported when a figure is drawn; without it the call raises an
ImportError that says ``pip install "logistica[plots]"``.

Examples
--------
>>> from logistica.plots import plot_roc
>>> ax = plot_roc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8], threshold=0.5)
>>> ax.get_xlabel()
'false positive rate (1 − specificity)'
"""

from .evaluation import (
    plot_confusion_matrix,
    plot_precision_recall,
    plot_roc,
    plot_threshold_metrics,
)
from .gains import plot_cumulative_gain, plot_lift
from .geometry import plot_decision_boundary
from .influence import plot_influence
from .model import (
    plot_coefficients,
    plot_explanation,
    plot_odds_ratios,
    plot_regularization_path,
)
from .reliability import plot_reliability
from .teaching import plot_log_loss, plot_odds, plot_sigmoid
from .training import plot_loss_history

__all__ = [
    "plot_coefficients",
    "plot_confusion_matrix",
    "plot_cumulative_gain",
    "plot_decision_boundary",
    "plot_explanation",
    "plot_influence",
    "plot_lift",
    "plot_log_loss",
    "plot_loss_history",
    "plot_odds",
    "plot_odds_ratios",
    "plot_precision_recall",
    "plot_regularization_path",
    "plot_reliability",
    "plot_roc",
    "plot_sigmoid",
    "plot_threshold_metrics",
]
