"""The fitted model: coefficients, odds ratios, regularization path, one prediction explained."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import scipy.sparse as sp
from numpy.typing import ArrayLike
from scipy.special import expit
from sklearn.utils.validation import check_is_fitted

from ..cv import one_se_index
from ..explain import baseline_log_odds, contributions, resolve_feature_names
from ._style import PALETTE, REFERENCE, get_axes, label, series_style

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = [
    "plot_coefficients",
    "plot_explanation",
    "plot_odds_ratios",
    "plot_regularization_path",
]

_UP, _DOWN = PALETTE[3], PALETTE[0]  # vermillion raises the log-odds, blue lowers it
_HATCHES = ("", "//", "..", "xx", "\\\\", "++", "oo", "--")


def _bar_positions(n_rows: int, n_groups: int) -> tuple[np.ndarray, float]:
    """Offsets of ``n_groups`` bars (or points) around each of ``n_rows`` positions."""
    height = 0.8 / n_groups
    return (np.arange(n_groups) - (n_groups - 1) / 2.0) * height, height


def plot_coefficients(
    model,
    feature_names: Sequence[str] | None = None,
    ax: Axes | None = None,
    max_features: int = 30,
) -> Axes:
    """Bar chart of the coefficients, largest in absolute value first.

    Parameters
    ----------
    model : fitted LogisticRegression or LogisticRegressionCV
        The model; coefficients are on the data's scale (``coef_``).
    feature_names : sequence of str, optional
        Names; ``model.feature_names_in_`` or ``x0, x1, ...`` by default.
    ax : matplotlib Axes, optional
        Where to draw; a new figure by default.
    max_features : int, default=30
        Draw the features with the largest ``|coef|`` (over classes) only.

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> import numpy as np
    >>> from logistica import LogisticRegression
    >>> from logistica.plots import plot_coefficients
    >>> X = np.random.default_rng(0).normal(size=(50, 3)); y = (X[:, 1] > 0).astype(int)
    >>> ax = plot_coefficients(LogisticRegression().fit(X, y))
    >>> [tick.get_text() for tick in ax.get_yticklabels()][0]
    'x1'
    """
    check_is_fitted(model)
    names = resolve_feature_names(model, feature_names)
    coef = np.atleast_2d(np.asarray(model.coef_, dtype=np.float64))
    order = np.argsort(-np.abs(coef).max(axis=0), kind="stable")[:max_features]
    ax = get_axes(ax, figsize=(6.0, max(3.0, 0.3 * len(order) * coef.shape[0] ** 0.5 + 1.5)))
    rows = np.arange(len(order))
    if coef.shape[0] == 1:
        values = coef[0, order]
        colors = np.where(values >= 0, _UP, _DOWN)
        bars = ax.barh(rows, values, color=colors, height=0.7)
        for bar, value in zip(bars, values, strict=True):
            bar.set_hatch("" if value >= 0 else "//")
        positive = model.classes_[1] if hasattr(model, "classes_") else "1"
        ax.barh([], [], color=_UP, label=f"raises the log-odds of {positive}")
        ax.barh([], [], color=_DOWN, hatch="//", label=f"lowers the log-odds of {positive}")
    else:
        offsets, height = _bar_positions(len(order), coef.shape[0])
        for k, cls in enumerate(model.classes_):
            ax.barh(
                rows + offsets[k],
                coef[k, order],
                height=height,
                color=PALETTE[k % 8],
                hatch=_HATCHES[k % len(_HATCHES)],
                label=f"class {cls}",
            )
    ax.set_yticks(rows, [names[j] for j in order])
    ax.invert_yaxis()
    ax.axvline(0.0, color="k", linewidth=0.8)
    shown = (
        f" (top {len(order)} of {coef.shape[1]} by |coef|)" if len(order) < coef.shape[1] else ""
    )
    return label(ax, "Coefficients" + shown, "coefficient (change in log-odds per unit)", "")


def plot_odds_ratios(results, ax: Axes | None = None, alpha: float = 0.05) -> Axes:
    """Forest plot: odds ratios with their confidence intervals on a log scale.

    Parameters
    ----------
    results : logistica.inference.Results
        From ``model.summarize(X, y)``; its Wald intervals (``conf_int``) at
        ``alpha``. A multinomial model draws one interval per class (odds
        against the reference class, the first one).
    ax : matplotlib Axes, optional
        Where to draw; a new figure by default.
    alpha : float, default=0.05
        One minus the confidence level.

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> import numpy as np
    >>> from logistica import LogisticRegression
    >>> from logistica.plots import plot_odds_ratios
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(200, 2)); y = (X[:, 0] + rng.logistic(size=200) > 0).astype(int)
    >>> res = LogisticRegression(C=np.inf).fit(X, y).summarize(X, y)
    >>> plot_odds_ratios(res).get_xscale()
    'log'
    """
    table = results.odds_ratios(alpha=alpha)
    multinomial = isinstance(table.index, pd.MultiIndex)
    features = table.index.get_level_values(-1)
    table = table[np.asarray(features) != "intercept"]
    groups = (
        [
            (f"class {c} vs {results.classes[0]}", table.xs(c, level=0))
            for c in table.index.get_level_values(0).unique()
        ]
        if multinomial
        else [("odds ratio", table)]
    )
    names = list(groups[0][1].index)
    rows = np.arange(len(names))
    offsets, _ = _bar_positions(len(names), len(groups))
    ax = get_axes(ax, figsize=(6.0, max(3.0, 0.35 * len(names) * len(groups) ** 0.5 + 1.5)))
    for k, (name, group) in enumerate(groups):
        group = group.loc[names]
        ratio = group["odds_ratio"].to_numpy()
        errors = np.vstack([ratio - group["lower"].to_numpy(), group["upper"].to_numpy() - ratio])
        style = series_style(k, marker=True)
        ax.errorbar(
            ratio,
            rows + offsets[k],
            xerr=errors,
            fmt=style["marker"],
            color=style["color"],
            ecolor=style["color"],
            capsize=3,
            label=name,
        )
    ax.axvline(1.0, label="no effect (1)", **REFERENCE)
    ax.set_xscale("log")
    ax.set_yticks(rows, names)
    ax.invert_yaxis()
    level = f"{100 * (1 - alpha):g}%"
    return label(
        ax, f"Odds ratios with {level} confidence intervals", "odds ratio per unit (log scale)", ""
    )


def plot_regularization_path(model, ax: Axes | None = None) -> Axes:
    """Coefficients against ``C`` (log scale), with the cross-validated score on a twin axis.

    The best mean score (``min``) and the one-standard-error choice (``1-SE``,
    the smallest ``C`` within one standard error of the best) are marked.

    Parameters
    ----------
    model : fitted LogisticRegressionCV
        Its ``path_`` (the full-data path at ``l1_ratio_``) and ``cv_results_``.
        Multiclass models draw the norm of each feature's coefficients over classes.
    ax : matplotlib Axes, optional
        Where to draw; a new figure by default.

    Returns
    -------
    matplotlib Axes
        The coefficient axes (the score is on its twin).

    Examples
    --------
    >>> from sklearn.datasets import load_breast_cancer
    >>> from logistica import LogisticRegressionCV
    >>> from logistica.plots import plot_regularization_path
    >>> X, y = load_breast_cancer(return_X_y=True)
    >>> cv = LogisticRegressionCV(Cs=5, l1_ratios=[1.0], cv=3, standardize=True).fit(X[:, :5], y)
    >>> len(plot_regularization_path(cv).get_lines()) >= 5
    True
    """
    check_is_fitted(model, "path_")
    path, names = model.path_, resolve_feature_names(model)
    coefs = path.coefs[:, 0, :] if path.coefs.shape[1] == 1 else np.linalg.norm(path.coefs, axis=1)
    row = int(np.flatnonzero(model.l1_ratios_ == model.l1_ratio_)[0])
    n_Cs = model.Cs_.shape[1]
    mean = model.cv_results_["mean_test_score"].reshape(-1, n_Cs)[row]
    sem = model.cv_results_["sem_test_score"].reshape(-1, n_Cs)[row]
    ax = get_axes(ax, figsize=(7.0, 4.5))
    handles = []
    for j in range(coefs.shape[1]):
        name = names[j] if coefs.shape[1] <= 8 else "_nolegend_"
        handles += ax.plot(path.Cs, coefs[:, j], label=name, linewidth=1.2, **series_style(j))
    ax.axhline(0.0, color="k", linewidth=0.6)
    ax.set_xscale("log")
    score_ax = ax.twinx()
    handles += score_ax.plot(
        model.Cs_[row], mean, label="CV score (mean ± 1 SE)", color="k", marker="o", markersize=3
    )
    score_ax.fill_between(model.Cs_[row], mean - sem, mean + sem, color="0.5", alpha=0.2)
    score_ax.set_ylabel("mean CV score")
    best, one_se = int(np.argmax(mean)), one_se_index(mean, sem)
    handles.append(
        ax.axvline(
            model.Cs_[row, best],
            color="k",
            linestyle="--",
            label=f"min: C = {model.Cs_[row, best]:.3g}",
        )
    )
    handles.append(
        ax.axvline(
            model.Cs_[row, one_se],
            color=PALETTE[3],
            linestyle=":",
            linewidth=2,
            label=f"1-SE: C = {model.Cs_[row, one_se]:.3g}",
        )
    )
    ylabel = "coefficient" if path.coefs.shape[1] == 1 else "‖coefficients‖ over classes"
    title = f"Regularization path (l1_ratio = {model.l1_ratio_:g})"
    label(ax, title, "C (inverse regularization, log scale)", ylabel, legend=False)
    ax.legend(handles=handles, loc="best", fontsize="x-small", frameon=False)
    return ax


def _one_row(x_row):
    """``x_row`` as a one-row 2-d input (DataFrame, sparse or ndarray) and its values."""
    if isinstance(x_row, pd.Series):
        x_row = x_row.to_frame().T
    elif not isinstance(x_row, pd.DataFrame) and not sp.issparse(x_row):
        x_row = np.asarray(x_row, dtype=np.float64).reshape(1, -1)
    if x_row.shape[0] != 1:
        raise ValueError(f"x_row must be one row, got {x_row.shape[0]} rows")
    dense = x_row.toarray() if sp.issparse(x_row) else np.asarray(x_row, dtype=np.float64)
    return x_row, dense[0]


def plot_explanation(
    model,
    x_row,
    *,
    baseline: ArrayLike | None = None,
    feature_names: Sequence[str] | None = None,
    max_features: int = 10,
    ax: Axes | None = None,
    class_index: int | None = None,
) -> Axes:
    """Waterfall of the features' contributions to the log-odds of one prediction.

    From the baseline's log-odds (the training mean row by default) each bar
    adds one feature's ``coef·(x − baseline)`` (:func:`logistica.explain.contributions`),
    largest first; the remaining features are summed in one bar, and the
    bars end exactly at the row's log-odds.

    Parameters
    ----------
    model : fitted LogisticRegression or LogisticRegressionCV
        The model to explain.
    x_row : array-like of shape (n_features,), Series, one-row DataFrame or sparse row
        The row to explain.
    baseline : array-like of shape (n_features,), optional
        Reference row; ``model.feature_mean_`` by default.
    feature_names : sequence of str, optional
        Names; ``model.feature_names_in_`` or ``x0, x1, ...`` by default.
    max_features : int, default=10
        Features drawn one by one; the rest are one "other features" bar.
    ax : matplotlib Axes, optional
        Where to draw; a new figure by default.
    class_index : int, optional
        Multiclass models: the class (column of ``classes_``) whose linear
        predictor is explained; the predicted class by default.

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> import numpy as np
    >>> from logistica import LogisticRegression
    >>> from logistica.plots import plot_explanation
    >>> X = np.random.default_rng(0).normal(size=(50, 3)); y = (X[:, 1] > 0).astype(int)
    >>> ax = plot_explanation(LogisticRegression().fit(X, y), X[0])
    >>> len(ax.patches)
    3
    """
    rows, values_of_x = _one_row(x_row)
    names = resolve_feature_names(model, feature_names)
    values = contributions(model, rows, baseline)[0]
    start = baseline_log_odds(model, baseline)
    if values.ndim == 2:
        if class_index is None:
            class_index = int(np.asarray(model.decision_function(rows))[0].argmax())
        values, start = values[class_index], float(start[class_index])
        target = f"class {model.classes_[class_index]}'s linear predictor"
        probability = float(model.predict_proba(rows)[0, class_index])
    else:
        target = f"log-odds of {model.classes_[1]}"
        probability = float(expit(start + values.sum()))
    order = np.argsort(-np.abs(values), kind="stable")
    shown, rest = order[:max_features], order[max_features:]
    steps = list(values[shown]) + ([float(values[rest].sum())] if rest.size else [])
    labels = [f"{names[j]} = {values_of_x[j]:.3g}" for j in shown]
    labels += [f"{rest.size} other features"] if rest.size else []
    lefts = start + np.concatenate([[0.0], np.cumsum(steps)[:-1]])
    ax = get_axes(ax, figsize=(7.0, max(3.0, 0.35 * len(steps) + 1.5)))
    rows_y = np.arange(len(steps))
    bars = ax.barh(
        rows_y, steps, left=lefts, height=0.7, color=[_UP if s >= 0 else _DOWN for s in steps]
    )
    for bar, step in zip(bars, steps, strict=True):
        bar.set_hatch("" if step >= 0 else "//")
        end = bar.get_x() + bar.get_width()
        ax.annotate(
            f"{step:+.3g}",
            (end, bar.get_y() + bar.get_height() / 2),
            fontsize="x-small",
            xytext=(3 if step >= 0 else -3, 0),
            textcoords="offset points",
            ha="left" if step >= 0 else "right",
            va="center",
        )
    final = start + float(np.sum(steps))
    ax.axvline(start, label=f"baseline {start:.3g}", **REFERENCE)
    ax.axvline(
        final, color="k", linewidth=1.2, label=f"this row {final:.3g} (P = {probability:.3f})"
    )
    ax.set_yticks(rows_y, labels)
    ax.invert_yaxis()
    return label(ax, "Why this prediction", target, "")
