"""The report's figures: :mod:`logistica.plots` drawings plus the report's uncertainty bands.

Each ``*_figure`` function takes the section numbers computed by
:mod:`.evaluation` / :mod:`.interpretation`, draws one figure and returns a
:class:`~.figures.FigureRecord` with alt text written from those numbers and
the data table shown beside the figure. Drawings that :mod:`logistica.plots`
has are drawn by it; the report adds bands (ROC, PR), Wilson intervals and the
smoothed calibration curve on the returned Axes, and draws the three figures
the plotting module has no function for (score histogram, decision curve,
global importance).
"""

from __future__ import annotations

import numpy as np

from .figures import LINESTYLES, OKABE_ITO, FigureRecord, new_figure

__all__ = [
    "calibration_figure",
    "coefficient_figure",
    "confusion_figure",
    "decision_curve_figure",
    "explanation_figure",
    "gain_lift_figure",
    "histogram_figure",
    "importance_figure",
    "pr_figure",
    "roc_figure",
    "threshold_figure",
]


def fmt(value, digits: int = 3) -> str:
    """A number for text: ``digits`` decimals, ``n/a`` for None/NaN."""
    if value is None or (isinstance(value, float) and not np.isfinite(value)):
        return "n/a"
    return f"{value:.{digits}f}"


def _ci(metric: dict) -> str:
    return f"{fmt(metric['estimate'])} [{fmt(metric['low'])}, {fmt(metric['high'])}]"


def _band(ax, curve: dict, label: str) -> None:
    ax.fill_between(curve["band_x"], curve["low"], curve["high"], color=OKABE_ITO[5],
                    alpha=0.3, linewidth=0, label=label, step=None)  # fmt: skip


def _band_rows(curve: dict) -> list[list[float]]:
    grid = np.asarray(curve["band_x"])
    idx = np.linspace(0, grid.size - 1, 11).round().astype(int)
    value = np.interp(grid[idx], curve["x"], curve["y"])
    return [
        [round(float(grid[i]), 3), round(float(v), 4), round(curve["low"][i], 4),
         round(curve["high"][i], 4)]
        for i, v in zip(idx, value, strict=True)
    ]  # fmt: skip


def roc_figure(plots, y, score, section: dict, metrics: dict, threshold: float) -> tuple:
    """ROC curve with its bootstrap band and the operating point."""
    fig, ax = new_figure()
    plots.plot_roc(y, score, threshold=threshold, ax=ax)
    _band(ax, section["roc"], "95% bootstrap band")
    ax.legend(loc="lower right")
    m = metrics["metrics"]
    alt = (
        f"ROC curve, AUC {_ci(m['roc_auc'])}; at threshold {fmt(threshold, 2)} sensitivity "
        f"{fmt(m['recall']['estimate'])}; 95% bootstrap band shaded."
    )
    record = FigureRecord("roc", "ROC curve", alt, ["FPR", "TPR", "band low", "band high"],
                          _band_rows(section["roc"]))  # fmt: skip
    return fig, record


def pr_figure(plots, y, score, section: dict, metrics: dict, threshold: float) -> tuple:
    """Precision–recall curve with its bootstrap band, the threshold and the prevalence."""
    fig, ax = new_figure()
    plots.plot_precision_recall(y, score, threshold=threshold, ax=ax)
    _band(ax, section["pr"], "95% bootstrap band")
    ax.legend(loc="lower left")
    m = metrics["metrics"]
    alt = (
        f"Precision-recall curve, average precision {_ci(m['pr_auc'])}; prevalence baseline "
        f"{fmt(section['prevalence'])}; at threshold {fmt(threshold, 2)} precision "
        f"{fmt(m['precision']['estimate'])}, recall {fmt(m['recall']['estimate'])}."
    )
    rows = _band_rows(section["pr"])
    return fig, FigureRecord("pr", "Precision–recall curve", alt,
                             ["recall", "precision", "band low", "band high"], rows)  # fmt: skip


def histogram_figure(section: dict, class_names: list[str]) -> tuple:
    """Predicted-probability distribution of each class (step histograms)."""
    fig, ax = new_figure(height=3.0)
    hist = section["histogram"]
    edges = np.asarray(hist["edges"])
    for i, (key, name) in enumerate((("negative", class_names[0]), ("positive", class_names[1]))):
        ax.stairs(hist[key], edges, color=OKABE_ITO[i], linestyle=LINESTYLES[i], linewidth=1.6,
                  label=f"{name} (n={sum(hist[key])})", hatch="//" if i else None)  # fmt: skip
    ax.set(xlabel=f"predicted probability of {class_names[1]}", ylabel="count",
           title="Score distribution by class", xlim=(0, 1))  # fmt: skip
    ax.legend()
    alt = (
        f"Histogram of predicted probabilities by class; KS statistic {fmt(section['ks'])} "
        f"(largest gap between the classes' score distributions)."
    )
    rows = [[round(edges[i], 2), round(edges[i + 1], 2), hist["negative"][i], hist["positive"][i]]
            for i in range(edges.size - 1)]  # fmt: skip
    return fig, FigureRecord("scores", "Score distribution by class", alt,
                             ["from", "to", class_names[0], class_names[1]], rows)  # fmt: skip


def gain_lift_figure(plots, y, score, section: dict) -> tuple:
    """Cumulative gain and lift side by side, with the KS statistic in the alt text."""
    fig, (left, right) = new_figure(width=8.0, height=3.2, ncols=2)
    plots.plot_cumulative_gain(y, score, ax=left)
    plots.plot_lift(y, score, ax=right)
    lift = section["lift"]
    alt = (
        f"Cumulative gain and lift by decile of score: the top decile holds "
        f"{fmt(lift['gain'][0] * 100, 1)}% of positives (lift {fmt(lift['lift'][0], 2)}); "
        f"KS statistic {fmt(section['ks'])}."
    )
    rows = [
        [int(g), int(n), int(p), round(li, 3), round(ga, 3)]
        for g, n, p, li, ga in zip(
            lift["group"], lift["n"], lift["positives"], lift["lift"], lift["gain"], strict=True
        )
    ]
    return fig, FigureRecord(
        "gain_lift",
        "Cumulative gain and lift",
        alt,
        ["decile", "n", "positives", "lift", "cumulative gain"],
        rows,
    )


def threshold_figure(plots, y, score, section: dict) -> tuple:
    """Precision, recall, F1 against the threshold, the chosen one marked."""
    fig, ax = new_figure()
    plots.plot_threshold_metrics(y, score, threshold=section["value"], ax=ax)
    c = section["counts"]
    alt = (
        f"Precision, recall and F1 against the decision threshold; chosen threshold "
        f"{fmt(section['value'])} ({section['rule']}): {c['tp']} true positives, "
        f"{c['fp']} false positives, {c['fn']} false negatives, {c['tn']} true negatives."
    )
    curve = section["curve"]
    idx = np.unique(np.linspace(0, len(curve["threshold"]) - 1, 12).round().astype(int))
    rows = [[round(curve[k][i], 4) for k in ("threshold", "precision", "recall", "f1")]
            for i in idx]  # fmt: skip
    return fig, FigureRecord("threshold", "Metrics against the threshold", alt,
                             ["threshold", "precision", "recall", "F1"], rows)  # fmt: skip


def decision_curve_figure(section: dict) -> tuple:
    """Net benefit of the model against treat-all and treat-none."""
    fig, ax = new_figure()
    t = np.asarray(section["thresholds"])
    series = (("model", section["model"]), ("treat all", section["treat_all"]),
              ("treat none", np.zeros_like(t)))  # fmt: skip
    for i, (label, values) in enumerate(series):
        ax.plot(t, values, color=OKABE_ITO[i], linestyle=LINESTYLES[i], linewidth=1.6, label=label)
    top = max(max(section["model"]), max(section["treat_all"]), 0.01)
    ax.set(xlabel="threshold probability", ylabel="net benefit", ylim=(-0.05 * top, top * 1.1),
           xlim=(0, 1), title="Decision curve")  # fmt: skip
    ax.legend()
    useful = section["useful_range"]
    where = (
        f"the model beats both defaults for thresholds {fmt(useful[0], 2)} to {fmt(useful[1], 2)}"
        if useful
        else "the model never beats both treat-all and treat-none"
    )
    index = [i for i in range(t.size) if round(t[i] * 100) % 10 == 0]
    rows = [[round(t[i], 2), section["model"][i], section["treat_all"][i]] for i in index]
    alt = f"Decision curve: net benefit against threshold probability; {where}."
    return fig, FigureRecord("decision_curve", "Decision curve (net benefit)", alt,
                             ["threshold", "model", "treat all"], rows)  # fmt: skip


def confusion_figure(plots, y_labels, pred_labels, class_names, matrix) -> tuple:
    """Confusion matrix heat map (counts) at the chosen decision rule."""
    fig, ax = new_figure(width=4.2, height=3.6)
    plots.plot_confusion_matrix(y_labels, pred_labels, labels=class_names, ax=ax)
    total = sum(map(sum, matrix))
    correct = sum(matrix[i][i] for i in range(len(matrix)))
    alt = (
        f"Confusion matrix: {correct} of {total} test rows correctly classified "
        f"({fmt(100 * correct / total, 1)}%); rows are true classes, columns predictions."
    )
    rows = [[name, *counts] for name, counts in zip(class_names, matrix, strict=True)]
    return fig, FigureRecord("confusion", "Confusion matrix", alt,
                             ["true \\ predicted", *class_names], rows)  # fmt: skip


def calibration_figure(plots, y, forecast, section: dict, positive: str | None) -> tuple:
    """Reliability diagram with Wilson intervals per bin and the lowess calibration curve."""
    fig, ax = new_figure(height=4.0)
    ax = plots.plot_reliability(y, forecast, n_bins=10, ax=ax)
    bins = section["reliability"]
    mean, obs = np.asarray(bins["mean_predicted"]), np.asarray(bins["observed"])
    error = np.vstack([obs - np.asarray(bins["low"]), np.asarray(bins["high"]) - obs])
    ax.errorbar(mean, obs, yerr=np.clip(error, 0, None), fmt="none", ecolor=OKABE_ITO[1],
                capsize=3, linewidth=1, label="95% Wilson interval")  # fmt: skip
    detail = ""
    if positive is not None:
        stats = section["per_class"][positive]
        smooth = stats["smoothed"]
        ax.plot(smooth["p"], smooth["observed"], color=OKABE_ITO[2], linestyle=LINESTYLES[2],
                linewidth=1.4, label="lowess calibration curve")  # fmt: skip
        detail = (
            f"; calibration slope {fmt(stats['slope'], 2)}, intercept "
            f"{fmt(stats['intercept'], 2)}, ICI {fmt(stats['ici'])}, E90 {fmt(stats['e90'])}"
        )
    ax.legend(loc="upper left")
    alt = (
        f"Reliability diagram, {section['binning']}: ECE {fmt(section['ece'])}, MCE "
        f"{fmt(section['mce'])}{detail}; Wilson 95% intervals per bin."
    )
    rows = [[round(m, 4), round(o, 4), c, round(lo, 4), round(hi, 4)] for m, o, c, lo, hi in zip(
        bins["mean_predicted"], bins["observed"], bins["count"], bins["low"], bins["high"],
        strict=True)]  # fmt: skip
    return fig, FigureRecord(
        "calibration",
        "Reliability diagram",
        alt,
        ["mean predicted", "observed", "n", "low", "high"],
        rows,
    )


def coefficient_figure(plots, linear, section: dict, results) -> tuple:
    """Odds-ratio forest plot (valid inference) or coefficient bar chart (penalized)."""
    rows = [r for r in section["rows"] if r["feature"] != "intercept"]
    largest = max(rows, key=lambda r: abs(r["coef"]))
    if section["inference"]:
        fig, ax = new_figure(height=max(3.0, 0.16 * len(rows) + 1.0))
        plots.plot_odds_ratios(results, ax=ax)
        title = "Odds ratios with 95% confidence intervals"
        columns = ["feature", "odds ratio", "low", "high"]
        table = [[r["feature"], r["odds_ratio"], r["or_low"], r["or_high"]] for r in rows]
        detail = f"odds ratio {fmt(largest['odds_ratio'], 2)}"
    else:
        shown = min(30, len({r["feature"] for r in rows}))
        fig, ax = new_figure(height=max(3.0, 0.16 * shown + 1.0))
        plots.plot_coefficients(linear, ax=ax, max_features=30)
        title = "Coefficients (log-odds per unit)"
        columns = ["class", "feature", "coefficient"]
        table = [[r["class"] or "", r["feature"], r["coef"]] for r in rows]
        detail = f"coefficient {fmt(largest['coef'])}"
    alt = (
        f"{title} for {len(rows)} terms; the largest in absolute value is "
        f"{largest['feature']} ({detail})."
    )
    return fig, FigureRecord("coefficients", title, alt, columns, table)


def importance_figure(section: dict) -> tuple:
    """Mean absolute contribution of the most influential features (horizontal bars)."""
    importance = section["importance"]
    names, values = list(importance)[::-1], list(importance.values())[::-1]
    fig, ax = new_figure(height=max(2.5, 0.22 * len(names) + 0.8))
    ax.barh(range(len(names)), values, color=OKABE_ITO[0])
    ax.set_yticks(range(len(names)), labels=names)
    ax.set(xlabel=f"mean |contribution| to the {section['scale']}",
           title="Most influential features")  # fmt: skip
    top = next(iter(importance.items()))
    alt = (
        f"Bar chart of the {len(names)} most influential features by mean absolute "
        f"contribution; the largest is {top[0]} ({fmt(top[1])})."
    )
    rows = [[k, v] for k, v in importance.items()]
    return fig, FigureRecord("importance", "Most influential features", alt,
                             ["feature", "mean |contribution|"], rows)  # fmt: skip


def explanation_figure(plots, linear, x_row, example: dict, index: int) -> tuple:
    """Waterfall of one row's feature contributions."""
    fig, ax = new_figure(height=3.6)
    plots.plot_explanation(linear, x_row, max_features=10, ax=ax)
    first = example["contributions"][0]
    alt = (
        f"Waterfall of feature contributions for test row {example['row']} "
        f"({example['label']}, probability {fmt(example['probability'])}); the largest is "
        f"{first[0]} ({first[1]:+.3f})."
    )
    rows = [[name, value] for name, value in example["contributions"]]
    return fig, FigureRecord(f"explanation_{index}", f"Explanation: {example['label']}", alt,
                             ["feature", "contribution"], rows)  # fmt: skip
