"""Each figure draws what it claims: values on the Axes equal independently computed ones."""

from __future__ import annotations

import sys
import warnings

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from scipy.special import expit
from sklearn.calibration import calibration_curve
from sklearn.datasets import load_iris
from sklearn.decomposition import PCA
from sklearn.metrics import (
    average_precision_score,
    confusion_matrix,
    precision_recall_curve,
    roc_auc_score,
    roc_curve,
)

from logistica import LogisticRegression, LogisticRegressionCV, plots
from logistica.exceptions import InferenceWarning
from logistica.explain import baseline_log_odds, contributions
from logistica.plots import _style


@pytest.fixture(autouse=True)
def _close_figures(monkeypatch):
    def refuse_show(*args, **kwargs):
        raise AssertionError("plots must never call plt.show()")

    monkeypatch.setattr(plt, "show", refuse_show)
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def binary():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 3))
    y = (X @ [1.5, -1.0, 0.5] + rng.logistic(size=200) > 0).astype(int)
    model = LogisticRegression().fit(X, y)
    return X, y, model, model.predict_proba(X)[:, 1]


@pytest.fixture(scope="module")
def multiclass():
    X, y = load_iris(return_X_y=True)
    model = LogisticRegression(C=0.5).fit(X, y)
    return X, y, model, model.predict_proba(X)


def _xy(line):
    return np.asarray(line.get_xdata(), float), np.asarray(line.get_ydata(), float)


def _labels(ax):
    return [line.get_label() for line in ax.get_lines()]


def _twin(ax):
    others = [a for a in ax.figure.axes if a is not ax]
    assert len(others) == 1
    return others[0]


# -- conventions -------------------------------------------------------------------------
def test_every_plot_draws_on_the_given_axes(binary):
    X, y, model, p = binary
    calls = [
        lambda ax: plots.plot_sigmoid(ax=ax),
        lambda ax: plots.plot_log_loss(ax=ax),
        lambda ax: plots.plot_odds(ax=ax),
        lambda ax: plots.plot_loss_history(model, ax=ax),
        lambda ax: plots.plot_decision_boundary(model, X, y, ax=ax, projection="pca"),
        lambda ax: plots.plot_roc(y, p, ax=ax),
        lambda ax: plots.plot_precision_recall(y, p, ax=ax),
        lambda ax: plots.plot_threshold_metrics(y, p, ax=ax),
        lambda ax: plots.plot_confusion_matrix(y, model.predict(X), ax=ax),
        lambda ax: plots.plot_reliability(y, p, ax=ax),
        lambda ax: plots.plot_cumulative_gain(y, p, ax=ax),
        lambda ax: plots.plot_lift(y, p, ax=ax),
        lambda ax: plots.plot_coefficients(model, ax=ax),
        lambda ax: plots.plot_explanation(model, X[0], ax=ax),
    ]
    for call in calls:
        fig, ax = plt.subplots()
        assert call(ax) is ax
        assert ax.get_title()
        assert ax.get_xlabel()
        plt.close(fig)


def test_missing_matplotlib_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    with pytest.raises(ImportError, match=r'pip install "logistica\[plots\]"'):
        _style.pyplot()


def test_palette_and_line_styles_differ_per_series():
    styles = [_style.series_style(i) for i in range(4)]
    assert len({s["color"] for s in styles}) == 4
    assert len({str(s["linestyle"]) for s in styles}) == 4


# -- teaching ----------------------------------------------------------------------------
def test_sigmoid_and_derivative():
    ax = plots.plot_sigmoid()
    z, p = _xy(ax.get_lines()[0])
    np.testing.assert_allclose(p, expit(z))
    z, dp = _xy(ax.get_lines()[1])
    np.testing.assert_allclose(dp, expit(z) * (1 - expit(z)))
    assert ax.get_xlabel() == "log-odds z"


def test_log_loss_against_squared_error():
    ax = plots.plot_log_loss()
    lines = ax.get_lines()
    assert len(lines) == 4
    p, loss1 = _xy(lines[0])
    np.testing.assert_allclose(loss1, -np.log(p))
    p, loss0 = _xy(lines[1])
    np.testing.assert_allclose(loss0, -np.log(1 - p))
    p, mse1 = _xy(lines[2])
    np.testing.assert_allclose(mse1, (1 - p) ** 2)


def test_odds_on_a_log_twin_axis():
    ax = plots.plot_odds()
    twin = _twin(ax)
    z, odds = _xy(twin.get_lines()[0])
    np.testing.assert_allclose(odds, np.exp(z))
    assert twin.get_yscale() == "log"
    assert len(ax.get_legend().get_texts()) == 2


# -- training ----------------------------------------------------------------------------
def test_loss_history_overlays_solvers_on_a_log_gap(binary):
    X, y, _, _ = binary
    fits = [LogisticRegression(solver=s, tol=1e-8).fit(X, y) for s in ("gd", "newton", "lbfgs")]
    ax = plots.plot_loss_history(fits)
    assert _labels(ax) == ["gd", "newton", "lbfgs"]
    assert ax.get_yscale() == "log"
    best = min(f.loss_history_.min() for f in fits)
    for line, fit in zip(ax.get_lines(), fits, strict=True):
        x, gap = _xy(line)
        np.testing.assert_array_equal(x, np.arange(fit.loss_history_.size))
        expected = fit.loss_history_ - best
        np.testing.assert_allclose(gap[expected > 0], expected[expected > 0])


def test_loss_history_of_one_vs_rest_and_raw_arrays(multiclass):
    X, y, _, _ = multiclass
    ovr = LogisticRegression(multi_class="ovr").fit(X, y)
    ax = plots.plot_loss_history(ovr, labels=["ovr"])
    assert _labels(ax) == ["ovr (class 0)", "ovr (class 1)", "ovr (class 2)"]
    assert ax.get_yscale() == "linear"  # three different problems
    ax = plots.plot_loss_history([np.array([3.0, 2.0]), np.array([5.0, 1.0])], relative=False)
    np.testing.assert_array_equal(_xy(ax.get_lines()[1])[1], [5.0, 1.0])
    with pytest.raises(ValueError, match="labels has 1 entries for 2 fits"):
        plots.plot_loss_history([np.ones(2), np.ones(2)], labels=["a"])


# -- geometry ----------------------------------------------------------------------------
def test_binary_boundary_in_two_features(binary):
    X, y, _, _ = binary
    frame = pd.DataFrame(X[:, :2], columns=["age", "dose"])
    model = LogisticRegression().fit(frame, y)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no feature-name warnings from the grid
        ax = plots.plot_decision_boundary(model, frame, y, resolution=60)
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("age", "dose")
    scatters = [c for c in ax.collections if c.get_offsets().shape[0] > 0 and c.get_label()]
    points = {c.get_label(): c.get_offsets() for c in scatters if c.get_label().startswith("class")}
    np.testing.assert_allclose(points["class 1"], X[y == 1, :2])
    np.testing.assert_allclose(points["class 0"], X[y == 0, :2])
    assert len(ax.texts) > 0  # labelled probability contours
    assert ax.get_xlim()[0] < X[:, 0].min() and ax.get_xlim()[1] > X[:, 0].max()


def test_multinomial_boundary_in_the_pca_plane(multiclass):
    X, y, model, _ = multiclass
    ax = plots.plot_decision_boundary(model, X, y, projection="pca", resolution=50)
    assert ax.get_xlabel().startswith("PC1") and ax.get_ylabel().startswith("PC2")
    projected = PCA(n_components=2).fit(X).transform(X)
    for k in range(3):
        (points,) = [c.get_offsets() for c in ax.collections if c.get_label() == f"class {k}"]
        np.testing.assert_allclose(np.abs(points), np.abs(projected[y == k]), atol=1e-10)
    with pytest.raises(ValueError, match="projection='pca'"):
        plots.plot_decision_boundary(model, X, y)


# -- evaluation --------------------------------------------------------------------------
def test_roc_equals_sklearn_with_the_operating_point(binary):
    _, y, _, p = binary
    ax = plots.plot_roc(y, p, threshold=0.5)
    fpr, tpr, _ = roc_curve(y, p)
    np.testing.assert_allclose(np.column_stack(_xy(ax.get_lines()[0])), np.column_stack([fpr, tpr]))
    assert f"AUC = {roc_auc_score(y, p):.3f}" in ax.get_lines()[0].get_label()
    point = np.column_stack(_xy(ax.get_lines()[2]))[0]
    np.testing.assert_allclose(point, [np.mean(p[y == 0] >= 0.5), np.mean(p[y == 1] >= 0.5)])
    assert ax.get_xlim() == (0.0, 1.0)


def test_precision_recall_equals_sklearn_with_prevalence(binary):
    _, y, _, p = binary
    ax = plots.plot_precision_recall(y, p, threshold=0.3)
    precision, recall, _ = precision_recall_curve(y, p)
    x, yy = _xy(ax.get_lines()[0])
    np.testing.assert_allclose(x, recall)
    np.testing.assert_allclose(yy, precision)
    assert f"AP = {average_precision_score(y, p):.3f}" in ax.get_lines()[0].get_label()
    np.testing.assert_allclose(_xy(ax.get_lines()[1])[1], y.mean())
    positive = p >= 0.3
    expected = [positive[y == 1].mean(), y[positive].mean()]
    np.testing.assert_allclose(np.column_stack(_xy(ax.get_lines()[2]))[0], expected)


def test_threshold_metrics_and_expected_cost(binary):
    _, y, _, p = binary
    ax = plots.plot_threshold_metrics(y, p, costs=(1.0, 5.0), threshold=0.4)
    assert _labels(ax)[:3] == ["precision", "recall", "F1"]
    t, precision = _xy(ax.get_lines()[0])
    _, recall = _xy(ax.get_lines()[1])
    _, f1 = _xy(ax.get_lines()[2])
    for i in (0, 50, 120):
        predicted = p >= t[i]
        tp = np.sum(predicted & (y == 1))
        fp, fn = np.sum(predicted & (y == 0)), np.sum(~predicted & (y == 1))
        assert precision[i] == pytest.approx(tp / (tp + fp))
        assert recall[i] == pytest.approx(tp / (tp + fn))
        assert f1[i] == pytest.approx(2 * tp / (2 * tp + fp + fn))
    cost_t, cost = _xy(_twin(ax).get_lines()[0])
    predicted = p[:, None] >= cost_t[None, :]
    expected = (
        (predicted & (y[:, None] == 0)) * 1.0 + (~predicted & (y[:, None] == 1)) * 5.0
    ).mean(axis=0)
    np.testing.assert_allclose(cost, expected)
    assert np.unique(t).size == np.unique(p).size
    assert "threshold 0.4" in [t.get_text() for t in ax.get_legend().get_texts()]


@pytest.mark.parametrize("normalize", [None, "true", "all"])
def test_confusion_matrix_counts(multiclass, normalize):
    X, y, model, _ = multiclass
    predicted = model.predict(X)
    ax = plots.plot_confusion_matrix(y, predicted, normalize=normalize)
    expected = confusion_matrix(y, predicted, normalize=normalize)
    np.testing.assert_allclose(ax.images[0].get_array(), expected)
    shown = np.array([float(t.get_text()) for t in ax.texts]).reshape(3, 3)
    np.testing.assert_allclose(shown, expected, atol=0.005)
    assert [t.get_text() for t in ax.get_xticklabels()] == ["0", "1", "2"]
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("predicted label", "true label")


def test_confusion_matrix_with_string_labels_in_a_given_order():
    ax = plots.plot_confusion_matrix(
        ["no", "yes", "yes"], ["yes", "yes", "no"], labels=["yes", "no"]
    )
    assert [t.get_text() for t in ax.texts] == ["1", "1", "1", "0"]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["yes", "no"]


def test_reliability_binary_equals_calibration_curve(binary):
    _, y, _, p = binary
    ax = plots.plot_reliability(y, p, n_bins=8)
    prob_true, prob_pred = calibration_curve(y, p, n_bins=8)
    x, observed = _xy(ax.get_lines()[1])
    np.testing.assert_allclose(x, prob_pred)
    np.testing.assert_allclose(observed, prob_true)
    histogram = _twin(ax).patches
    assert len(histogram) == 1
    counts, edges, _ = histogram[0].get_data()
    np.testing.assert_allclose(edges, np.linspace(0, 1, 9))
    np.testing.assert_array_equal(counts, np.bincount(np.searchsorted(edges[1:-1], p), minlength=8))
    assert _twin(ax).get_ylabel() == "count of predictions per bin"


def test_reliability_multiclass_one_line_per_class_before_and_after(multiclass):
    X, y, _, proba = multiclass
    after = LogisticRegression(C=100.0).fit(X, y).predict_proba(X)
    ax = plots.plot_reliability(y, proba, n_bins=5, calibrated=after, class_names=["a", "b", "c"])
    assert _labels(ax) == ["perfectly calibrated"] + [
        f"{c} ({when})" for when in ("before", "after") for c in "abc"
    ]
    for k in range(3):
        for array, line in ((proba, ax.get_lines()[1 + k]), (after, ax.get_lines()[4 + k])):
            prob_true, prob_pred = calibration_curve(y == k, array[:, k], n_bins=5)
            np.testing.assert_allclose(_xy(line)[0], prob_pred)
            np.testing.assert_allclose(_xy(line)[1], prob_true)
    assert len(_twin(ax).patches) == 6
    with pytest.raises(ValueError, match="class_names has 2 names for 3 classes"):
        plots.plot_reliability(y, proba, class_names=["a", "b"])


def test_cumulative_gain_and_lift(binary):
    _, y, _, p = binary
    order = np.argsort(-p, kind="stable")
    captured = np.cumsum(y[order])
    cut = np.cumsum([g.size for g in np.array_split(order, 10)])
    ax = plots.plot_cumulative_gain(y, p)
    x, gain = _xy(ax.get_lines()[0])
    np.testing.assert_allclose(x, np.append(0, cut / y.size))
    np.testing.assert_allclose(gain, np.append(0, captured[cut - 1] / y.sum()))
    assert _labels(ax) == ["model", "perfect", "random"]
    ax = plots.plot_lift(y, p)
    x, lift = _xy(ax.get_lines()[0])
    np.testing.assert_allclose(lift, captured[cut - 1] / cut / y.mean())
    np.testing.assert_allclose(_xy(ax.get_lines()[2])[1], 1.0)


# -- model -------------------------------------------------------------------------------
def test_coefficients_sorted_by_magnitude(binary, multiclass):
    _, _, model, _ = binary
    ax = plots.plot_coefficients(model, feature_names=["a", "b", "c"], max_features=2)
    order = np.argsort(-np.abs(model.coef_[0]))[:2]
    np.testing.assert_allclose([p.get_width() for p in ax.patches], model.coef_[0, order])
    assert [t.get_text() for t in ax.get_yticklabels()] == [["a", "b", "c"][j] for j in order]
    assert "top 2 of 3" in ax.get_title()
    _, _, model, _ = multiclass
    ax = plots.plot_coefficients(model)
    assert len(ax.patches) == 3 * 4
    widths = np.array([p.get_width() for p in ax.patches]).reshape(3, 4)
    order = np.argsort(-np.abs(model.coef_).max(axis=0), kind="stable")
    np.testing.assert_allclose(widths, model.coef_[:, order])
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["class 0", "class 1", "class 2"]


def _results(model, X, y):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", InferenceWarning)
        return model.summarize(X, y)


def test_odds_ratio_forest_plot(binary):
    X, y, _, _ = binary
    model = LogisticRegression(C=np.inf).fit(X, y)
    results = _results(model, X, y)
    ax = plots.plot_odds_ratios(results, alpha=0.1)
    assert ax.get_xscale() == "log"
    (container,) = ax.containers
    points = container.lines[0].get_xydata()
    np.testing.assert_allclose(points[:, 0], np.exp(model.coef_[0]))
    bounds = results.conf_int(alpha=0.1).drop(index="intercept")
    segments = np.array([s[:, 0] for s in container.lines[2][0].get_segments()])
    np.testing.assert_allclose(segments, np.exp(bounds.to_numpy()))
    assert [t.get_text() for t in ax.get_yticklabels()] == ["x0", "x1", "x2"]
    assert "90% confidence" in ax.get_title()


def test_odds_ratio_forest_plot_multinomial(multiclass):
    X, y, _, _ = multiclass
    model = LogisticRegression(C=1.0).fit(X, y)
    ax = plots.plot_odds_ratios(_results(model, X, y))
    assert len(ax.containers) == 2
    table = _results(model, X, y).odds_ratios()
    for k, container in enumerate(ax.containers):
        expected = table.xs(k + 1, level=0).drop(index="intercept")["odds_ratio"]
        np.testing.assert_allclose(container.lines[0].get_xdata(), expected)
    assert "class 1 vs 0" in [t.get_text() for t in ax.get_legend().get_texts()]


def test_regularization_path_with_cv_score(binary):
    X, y, _, _ = binary
    cv = LogisticRegressionCV(Cs=6, l1_ratios=[1.0], cv=3, standardize=True).fit(X, y)
    ax = plots.plot_regularization_path(cv)
    assert ax.get_xscale() == "log"
    for j in range(3):
        x, coef = _xy(ax.get_lines()[j])
        np.testing.assert_allclose(x, cv.path_.Cs)
        np.testing.assert_allclose(coef, cv.path_.coefs[:, 0, j])
    np.testing.assert_allclose(cv.path_.coefs[-1, 0], cv.path_.coefs[-1, 0])  # path ends weakest
    x, score = _xy(_twin(ax).get_lines()[0])
    np.testing.assert_allclose(score, cv.cv_results_["mean_test_score"])
    marks = [t.get_text() for t in ax.get_legend().get_texts()]
    assert any(m.startswith("min: C = ") for m in marks)
    assert any(m.startswith("1-SE: C = ") for m in marks)
    best = cv.Cs_[0, np.argmax(cv.cv_results_["mean_test_score"])]
    assert _xy(ax.get_lines()[4])[0][0] == pytest.approx(best)


def test_regularization_path_multiclass_draws_norms(multiclass):
    X, y, _, _ = multiclass
    cv = LogisticRegressionCV(Cs=4, cv=3).fit(X, y)
    ax = plots.plot_regularization_path(cv)
    np.testing.assert_allclose(
        _xy(ax.get_lines()[2])[1], np.linalg.norm(cv.path_.coefs[:, :, 2], axis=1)
    )
    assert ax.get_ylabel() == "‖coefficients‖ over classes"


def test_explanation_waterfall_ends_at_the_log_odds(binary):
    X, _, model, _ = binary
    ax = plots.plot_explanation(model, X[5], max_features=2, feature_names=["a", "b", "c"])
    values = contributions(model, X[5:6])[0]
    order = np.argsort(-np.abs(values))
    widths = [p.get_width() for p in ax.patches]
    np.testing.assert_allclose(widths, [values[order[0]], values[order[1]], values[order[2]]])
    last = ax.patches[-1]
    np.testing.assert_allclose(last.get_x() + last.get_width(), model.decision_function(X[5:6])[0])
    np.testing.assert_allclose(ax.patches[0].get_x(), baseline_log_odds(model))
    assert ax.get_yticklabels()[-1].get_text() == "1 other features"
    assert ax.get_yticklabels()[0].get_text() == f"{'abc'[order[0]]} = {X[5, order[0]]:.3g}"


def test_explanation_of_the_predicted_class(multiclass):
    X, _, model, _ = multiclass
    frame = pd.DataFrame(X, columns=["sl", "sw", "pl", "pw"])
    model = LogisticRegression().fit(frame, model.classes_[np.argmax(model.predict_proba(X), 1)])
    row = frame.iloc[120]
    ax = plots.plot_explanation(model, row)
    k = int(np.argmax(model.decision_function(frame.iloc[[120]])[0]))
    last = ax.patches[-1]
    end = last.get_x() + last.get_width()
    np.testing.assert_allclose(end, model.decision_function(frame.iloc[[120]])[0, k])
    assert f"class {model.classes_[k]}" in ax.get_xlabel()
    with pytest.raises(ValueError, match="one row"):
        plots.plot_explanation(model, frame.iloc[:2])
