"""Threshold tuning: brute force over thresholds with scikit-learn metrics as the reference."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.datasets import make_classification
from sklearn.metrics import (
    balanced_accuracy_score,
    confusion_matrix,
    f1_score,
    fbeta_score,
    matthews_corrcoef,
    precision_score,
    recall_score,
    roc_curve,
)
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.utils.estimator_checks import parametrize_with_checks

from logistica import LogisticRegression
from logistica.thresholds import (
    ThresholdClassifier,
    cost_sensitive_predict,
    threshold_curve,
    tune_threshold,
    tune_threshold_cv,
)


@pytest.fixture(scope="module")
def screening():
    """A rare-positive problem with overlapping scores."""
    X, y = make_classification(
        n_samples=1000, n_features=6, weights=[0.85], flip_y=0.05, random_state=0
    )
    model = LogisticRegression().fit(X[:600], y[:600])
    return X, y, model, y[600:], model.predict_proba(X[600:])[:, 1]


def _brute_force(y, score, metric, **kwargs):
    """metric(y, score >= t) for every candidate threshold (all scores and +inf)."""
    thresholds = np.append(np.unique(score), np.inf)
    values = [metric(y, (score >= t).astype(int), **kwargs) for t in thresholds]
    return thresholds, np.array(values)


def _precision_recall_at_every_threshold(y, score):
    """Direct NumPy: predicted = score >= t for every candidate t (all scores and +inf)."""
    predicted = score[None, :] >= np.append(np.unique(score), np.inf)[:, None]
    tp = predicted.astype(float) @ (y == 1)
    n_predicted = predicted.sum(axis=1)
    precision = np.divide(tp, n_predicted, out=np.zeros(tp.shape), where=n_predicted > 0)
    return precision, tp / (y == 1).sum()


def test_recall_constraint_then_max_precision_is_the_best_feasible(screening):
    *_, y, score = screening
    result = tune_threshold(y, score, "precision", constraint={"recall": 0.99})
    predicted = (score >= result.threshold).astype(int)
    assert recall_score(y, predicted) >= 0.99  # met on the tuning data
    assert result.metrics["precision"] == pytest.approx(precision_score(y, predicted))
    precisions, recalls = _precision_recall_at_every_threshold(y, score)
    assert result.metrics["precision"] == pytest.approx(precisions[recalls >= 0.99].max())


def test_precision_constraint_then_max_recall_is_the_best_feasible(screening):
    *_, y, score = screening
    result = tune_threshold(y, score, "recall", constraint={"precision": 0.8})
    predicted = (score >= result.threshold).astype(int)
    assert precision_score(y, predicted) >= 0.8
    assert result.metrics["recall"] == pytest.approx(recall_score(y, predicted))
    precisions, recalls = _precision_recall_at_every_threshold(y, score)
    assert result.metrics["recall"] == pytest.approx(recalls[precisions >= 0.8].max())


@pytest.mark.parametrize(
    ("objective", "metric", "kwargs"),
    [
        ("f1", f1_score, {}),
        ("fbeta", fbeta_score, {"beta": 2.0}),
        ("balanced_accuracy", balanced_accuracy_score, {}),
        ("mcc", matthews_corrcoef, {}),
    ],
)
def test_maximised_metric_matches_brute_force(screening, objective, metric, kwargs):
    *_, y, score = screening
    result = tune_threshold(y, score, objective, **kwargs)
    _, values = _brute_force(y, score, metric, **kwargs)
    assert result.metrics[objective] == pytest.approx(values.max())
    assert result.metrics[objective] == pytest.approx(
        metric(y, (score >= result.threshold).astype(int), **kwargs)
    )
    assert result.objective == objective


def test_youden_matches_roc_curve(screening):
    *_, y, score = screening
    result = tune_threshold(y, score, "youden")
    fpr, tpr, thresholds = roc_curve(y, score)
    best = np.argmax(tpr - fpr)
    assert result.metrics["youden"] == pytest.approx(tpr[best] - fpr[best])
    assert result.threshold == thresholds[best]


def test_curve_counts_match_confusion_matrix(screening):
    *_, y, score = screening
    weight = np.random.default_rng(0).uniform(0.5, 2.0, y.size)
    curve = threshold_curve(y, score, sample_weight=weight)
    assert curve["threshold"].is_monotonic_increasing and np.isinf(curve["threshold"].iloc[-1])
    for row in curve.iloc[[0, 50, 200, -2, -1]].itertuples():
        (tn, fp), (fn, tp) = confusion_matrix(
            y, (score >= row.threshold).astype(int), labels=[0, 1], sample_weight=weight
        )
        assert (row.tn, row.fp, row.fn, row.tp) == pytest.approx((tn, fp, fn, tp))


def test_cost_threshold_is_the_bayes_closed_form():
    # Large synthetic data from a known logistic model: the fitted model is calibrated.
    rng = np.random.default_rng(0)
    X = rng.normal(size=(120_000, 3))
    logit = X @ np.array([1.5, -1.0, 0.5]) - 0.5
    y = (rng.random(logit.size) < 1 / (1 + np.exp(-logit))).astype(int)
    model = LogisticRegression().fit(X[:20_000], y[:20_000])
    score = model.predict_proba(X[20_000:])[:, 1]
    c_fp, c_fn = 1.0, 4.0
    result = tune_threshold(y[20_000:], score, cost_matrix=[[0.0, c_fp], [c_fn, 0.0]])
    assert result.objective == "cost"
    assert result.threshold == pytest.approx(c_fp / (c_fp + c_fn), abs=0.03)
    # The expected cost at the tuned threshold, by hand.
    predicted = score >= result.threshold
    truth = y[20_000:] == 1
    cost = (c_fp * (predicted & ~truth).sum() + c_fn * (~predicted & truth).sum()) / truth.size
    assert result.metrics["expected_cost"] == pytest.approx(cost)


def test_cross_validated_threshold_and_its_spread(screening):
    X, y, *_ = screening
    folds = StratifiedKFold(5, shuffle=True, random_state=0)
    result = tune_threshold_cv(LogisticRegression(), X, y, "f1", cv=folds)
    # Reference: out-of-fold probabilities from scikit-learn, tuned together.
    oof = cross_val_predict(LogisticRegression(), X, y, cv=folds, method="predict_proba")[:, 1]
    assert result.threshold == tune_threshold(y, oof, "f1").threshold
    assert result.fold_thresholds.shape == (5,)
    assert len(result.fold_metrics) == 5
    assert result.threshold_std == pytest.approx(np.std(result.fold_thresholds, ddof=1))
    for k, (_, test) in enumerate(folds.split(X, y)):
        assert result.fold_thresholds[k] == tune_threshold(y[test], oof[test], "f1").threshold


def test_threshold_classifier_prefit_applies_the_tuned_threshold(screening):
    X, y, model, y_tune, score = screening
    clf = ThresholdClassifier(
        model, objective="precision", constraint={"recall": 0.95}, cv="prefit"
    ).fit(X[600:], y_tune)
    expected = tune_threshold(y_tune, score, "precision", constraint={"recall": 0.95})
    assert clf.threshold_ == expected.threshold
    np.testing.assert_array_equal(clf.predict(X), (model.predict_proba(X)[:, 1] >= clf.threshold_))
    np.testing.assert_array_equal(clf.predict_proba(X), model.predict_proba(X))
    fixed = ThresholdClassifier(model, threshold=0.3, cv="prefit").fit(X, y)
    np.testing.assert_array_equal(fixed.predict(X), model.predict_proba(X)[:, 1] >= 0.3)
    assert fixed.tuning_ is None


def test_threshold_classifier_cross_validated_with_string_labels(screening):
    X, y, *_ = screening
    labels = np.array(["healthy", "sick"])[y]
    clf = ThresholdClassifier(LogisticRegression(), objective="f1", cv=3).fit(X, labels)
    assert set(clf.predict(X)) <= {"healthy", "sick"}
    assert clf.tuning_.fold_thresholds.shape == (3,)
    twin = clone(clf)
    assert twin.get_params()["objective"] == "f1" and not hasattr(twin, "threshold_")


def test_multiclass_cost_decisions_are_the_least_expected_cost():
    X, y = make_classification(
        n_samples=600, n_features=6, n_informative=4, n_classes=3, random_state=0
    )
    cost = np.array([[0.0, 1.0, 1.0], [10.0, 0.0, 1.0], [1.0, 5.0, 0.0]])
    model = LogisticRegression().fit(X, y)
    proba = model.predict_proba(X)
    expected = [
        min(range(3), key=lambda j: sum(p[i] * cost[i, j] for i in range(3))) for p in proba
    ]
    np.testing.assert_array_equal(cost_sensitive_predict(proba, cost), expected)
    clf = ThresholdClassifier(LogisticRegression(), cost_matrix=cost).fit(X, y)
    np.testing.assert_array_equal(clf.predict(X), np.array(expected))
    plain = ThresholdClassifier(LogisticRegression()).fit(X, y)
    np.testing.assert_array_equal(plain.predict(X), model.predict(X))


def test_bad_input_gives_clear_errors(screening):
    X, y, model, y_tune, score = screening
    with pytest.raises(ValueError, match="unknown objective 'auc'"):
        tune_threshold(y_tune, score, "auc")
    with pytest.raises(ValueError, match=r"recall >= 1.01 can never be met"):
        tune_threshold(y_tune, score, "precision", constraint={"recall": 1.01})
    with pytest.raises(ValueError, match="no threshold meets the constraint"):
        tune_threshold([0, 1, 0, 1], [0.9, 0.1, 0.5, 0.4], "recall", constraint={"precision": 0.9})
    with pytest.raises(ValueError, match="cannot constrain 'fpr'"):
        tune_threshold(y_tune, score, constraint={"fpr": 0.1})
    with pytest.raises(ValueError, match="needs a cost_matrix"):
        tune_threshold(y_tune, score, "cost")
    with pytest.raises(ValueError, match=r"shape \(2, 2\)"):
        tune_threshold(y_tune, score, cost_matrix=[[0, 1, 2], [1, 0, 2]])
    with pytest.raises(ValueError, match="y_score contains NaN"):
        tune_threshold([0, 1, 1], [0.2, np.nan, 0.4])
    with pytest.raises(ValueError, match="single class"):
        tune_threshold([1, 1, 1], [0.2, 0.3, 0.4])
    with pytest.raises(ValueError, match="different lengths"):
        tune_threshold([0, 1, 1], [0.2, 0.3])
    with pytest.raises(ValueError, match="needs binary y"):
        tune_threshold_cv(LogisticRegression(), X[:9], np.arange(9) % 3)
    with pytest.raises(ValueError, match="multiclass decisions use cost_matrix only"):
        ThresholdClassifier(LogisticRegression(), objective="f1").fit(X[:30], np.arange(30) % 3)
    with pytest.raises(ValueError, match="response_method"):
        ThresholdClassifier(model, cv="prefit", response_method="proba").fit(X, y)


@parametrize_with_checks([ThresholdClassifier(LogisticRegression(), cv=2)])
def test_sklearn_compatible(estimator, check):
    check(estimator)
