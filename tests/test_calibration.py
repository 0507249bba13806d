"""CalibratedModel: against scikit-learn's CalibratedClassifierCV, and as a scikit-learn citizen."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.calibration import CalibratedClassifierCV
from sklearn.datasets import make_classification
from sklearn.exceptions import NotFittedError
from sklearn.frozen import FrozenEstimator
from sklearn.metrics import log_loss
from sklearn.model_selection import StratifiedKFold, cross_val_score
from sklearn.naive_bayes import GaussianNB
from sklearn.utils.estimator_checks import parametrize_with_checks

from logistica import LogisticRegression
from logistica.calibration import CalibratedModel
from logistica.metrics import expected_calibration_error

METHODS = ["sigmoid", "isotonic", "temperature"]


@pytest.fixture(scope="module", params=[2, 3], ids=["binary", "multiclass"])
def data(request):
    X, y = make_classification(
        n_samples=1200,
        n_features=8,
        n_informative=4,
        n_classes=request.param,
        flip_y=0.1,
        random_state=1,
    )
    return X, y


@pytest.fixture(scope="module")
def overconfident():
    """A weakly regularized fit on few noisy samples with many useless features."""
    X, y = make_classification(
        n_samples=3000, n_features=40, n_informative=3, flip_y=0.3, random_state=0
    )
    model = LogisticRegression(C=1e4).fit(X[:300], y[:300])
    return model, (X[300:1500], y[300:1500]), (X[1500:], y[1500:])


@pytest.mark.parametrize("method", METHODS)
def test_cross_fitting_matches_sklearn_on_the_same_folds(data, method):
    X, y = data
    folds = StratifiedKFold(4, shuffle=True, random_state=0)
    ours = CalibratedModel(LogisticRegression(C=10), method=method, cv=folds).fit(X, y)
    ref = CalibratedClassifierCV(
        LogisticRegression(C=10), method=method, cv=folds, ensemble=False
    ).fit(X, y)
    np.testing.assert_allclose(ours.predict_proba(X), ref.predict_proba(X), atol=1e-5)
    np.testing.assert_array_equal(ours.classes_, ref.classes_)


@pytest.mark.parametrize("method", METHODS)
def test_held_out_calibration_matches_sklearn_frozen_estimator(data, method):
    X, y = data
    fitted = LogisticRegression(C=10).fit(X[:600], y[:600])
    ours = CalibratedModel(fitted, method=method, cv="prefit").fit(X[600:], y[600:])
    ref = CalibratedClassifierCV(FrozenEstimator(fitted), method=method).fit(X[600:], y[600:])
    np.testing.assert_allclose(ours.predict_proba(X), ref.predict_proba(X), atol=1e-5)
    assert ours.model_ is fitted
    # Through clone (e.g. in a grid search) a prefit model stays fitted when frozen.
    frozen = clone(CalibratedModel(FrozenEstimator(fitted), method=method, cv="prefit"))
    np.testing.assert_allclose(
        frozen.fit(X[600:], y[600:]).predict_proba(X), ours.predict_proba(X), atol=1e-12
    )


def test_sample_weights_match_sklearn():
    X, y = make_classification(n_samples=800, flip_y=0.1, random_state=3)
    weight = np.random.default_rng(0).uniform(0.2, 3.0, len(y))
    folds = StratifiedKFold(3, shuffle=True, random_state=0)
    ours = CalibratedModel(LogisticRegression(), cv=folds).fit(X, y, sample_weight=weight)
    ref = CalibratedClassifierCV(LogisticRegression(), cv=folds, ensemble=False)
    ref.fit(X, y, sample_weight=weight)
    np.testing.assert_allclose(ours.predict_proba(X), ref.predict_proba(X), atol=1e-5)


def test_temperature_scaling_lowers_nll_and_keeps_accuracy(overconfident):
    model, (X_cal, y_cal), (X_test, y_test) = overconfident
    calibrated = CalibratedModel(model, method="temperature", cv="prefit").fit(X_cal, y_cal)
    before, after = model.predict_proba(X_test), calibrated.predict_proba(X_test)
    assert calibrated.calibrator_.temperature_ > 1.0  # the model was over-confident
    assert log_loss(y_test, after) < log_loss(y_test, before) - 0.05
    assert expected_calibration_error(y_test, after) < expected_calibration_error(y_test, before)
    np.testing.assert_array_equal(calibrated.predict(X_test), model.predict(X_test))
    # σ(z / T) by hand.
    z = model.decision_function(X_test)
    expected = 1 / (1 + np.exp(-z / calibrated.calibrator_.temperature_))
    np.testing.assert_allclose(after[:, 1], expected, rtol=1e-12)


def test_temperature_minimises_the_nll_over_t(overconfident):
    model, (X_cal, y_cal), _ = overconfident
    calibrated = CalibratedModel(model, method="temperature", cv="prefit").fit(X_cal, y_cal)
    z = model.decision_function(X_cal)

    def nll(t):
        p = 1 / (1 + np.exp(-z / t))
        return log_loss(y_cal, p)

    t_hat = calibrated.calibrator_.temperature_
    grid = np.linspace(0.5 * t_hat, 2.0 * t_hat, 201)
    assert nll(t_hat) <= min(nll(t) for t in grid) + 1e-12


def test_multiclass_temperature_keeps_argmax(data):
    X, y = data
    fitted = LogisticRegression(C=1e4).fit(X[:200], y[:200])
    calibrated = CalibratedModel(fitted, method="temperature", cv="prefit").fit(X[200:], y[200:])
    np.testing.assert_array_equal(calibrated.predict(X), fitted.predict(X))
    np.testing.assert_allclose(calibrated.predict_proba(X).sum(axis=1), 1.0)


def test_probability_only_model_is_calibrated_through_log_probabilities():
    X, y = make_classification(n_samples=1000, n_features=10, n_redundant=6, random_state=2)
    raw = GaussianNB().fit(X[:500], y[:500])  # over-confident: redundant features
    for method in METHODS:
        calibrated = CalibratedModel(raw, method=method, cv="prefit").fit(X[500:], y[500:])
        proba = calibrated.predict_proba(X[500:])
        np.testing.assert_allclose(proba.sum(axis=1), 1.0)
        assert log_loss(y[500:], proba) < log_loss(y[500:], raw.predict_proba(X[500:]))


def test_our_estimator_works_inside_calibrated_classifier_cv(data):
    X, y = data
    for method in METHODS:
        ref = CalibratedClassifierCV(LogisticRegression(), method=method, cv=3).fit(X, y)
        np.testing.assert_allclose(ref.predict_proba(X).sum(axis=1), 1.0)


def test_clone_and_cross_validation():
    X, y = make_classification(n_samples=300, random_state=0)
    model = CalibratedModel(LogisticRegression(C=0.5), method="isotonic", cv=3)
    twin = clone(model)
    assert twin.get_params()["model__C"] == 0.5 and twin.method == "isotonic"
    scores = cross_val_score(model, X, y, cv=3, scoring="neg_log_loss")
    assert np.all(np.isfinite(scores))


def test_bad_input_gives_clear_errors(data):
    X, y = data
    with pytest.raises(ValueError, match="method must be one of"):
        CalibratedModel(LogisticRegression(), method="beta").fit(X, y)
    with pytest.raises(NotFittedError):
        CalibratedModel(LogisticRegression(), cv="prefit").fit(X, y)
    fitted = LogisticRegression().fit(X, y)
    with pytest.raises(ValueError, match="labels the model was not fitted on"):
        CalibratedModel(fitted, cv="prefit").fit(X, y + 7)
    with pytest.raises(ValueError, match="target y is None"):
        CalibratedModel(fitted, cv="prefit").fit(X, None)
    with pytest.raises(ValueError, match="NaN"):
        CalibratedModel(fitted, cv="prefit").fit(X, np.where(y == 0, np.nan, y))
    with pytest.raises(NotFittedError):
        CalibratedModel(LogisticRegression()).predict_proba(X)


@parametrize_with_checks([CalibratedModel(LogisticRegression(), cv=2)])
def test_sklearn_compatible(estimator, check):
    check(estimator)
