"""Class weights, King–Zeng prior correction and the imbalanced-learn integration."""

from __future__ import annotations

import sys

import numpy as np
import pytest
from imblearn.over_sampling import SMOTE
from imblearn.pipeline import Pipeline
from sklearn.datasets import make_classification
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression as SkLogisticRegression
from sklearn.model_selection import cross_val_score
from sklearn.utils.class_weight import compute_sample_weight

from logistica import LogisticRegression
from logistica.imbalance import make_resampled_pipeline, prior_correction


@pytest.fixture(scope="module")
def imbalanced():
    return make_classification(
        n_samples=2000, n_features=5, weights=[0.92], flip_y=0.02, random_state=0
    )


def test_balanced_class_weight_is_balanced_sample_weight(imbalanced):
    X, y = imbalanced
    weighted = LogisticRegression(class_weight="balanced", tol=1e-10).fit(X, y)
    by_hand = LogisticRegression(tol=1e-10).fit(
        X, y, sample_weight=compute_sample_weight("balanced", y)
    )
    np.testing.assert_allclose(weighted.coef_, by_hand.coef_, rtol=1e-7)
    np.testing.assert_allclose(weighted.intercept_, by_hand.intercept_, rtol=1e-7)
    reference = SkLogisticRegression(class_weight="balanced", tol=1e-12, max_iter=10_000).fit(X, y)
    np.testing.assert_allclose(weighted.coef_, reference.coef_, rtol=1e-5, atol=1e-7)
    # The intercept's score equation: weighted mean probability = weighted share of positives,
    # 0.5 when balanced (the data's prevalence without weights).
    weight = compute_sample_weight("balanced", y)
    assert np.average(weighted.predict_proba(X)[:, 1], weights=weight) == pytest.approx(0.5)
    plain = LogisticRegression().fit(X, y)
    assert plain.predict_proba(X)[:, 1].mean() == pytest.approx(y.mean())
    assert weighted.intercept_[0] > plain.intercept_[0]


def test_prior_correction_recovers_the_population_intercept():
    # A known population model with rare positives, then a case-control sample.
    rng = np.random.default_rng(0)
    X = rng.normal(size=(400_000, 2))
    beta, intercept = np.array([1.0, -0.7]), -4.0
    y = (rng.random(len(X)) < 1 / (1 + np.exp(-(X @ beta + intercept)))).astype(int)
    cases = np.flatnonzero(y == 1)
    controls = rng.choice(np.flatnonzero(y == 0), size=cases.size, replace=False)
    sample = np.concatenate([cases, controls])
    model = LogisticRegression(C=np.inf).fit(X[sample], y[sample])
    assert abs(model.intercept_[0] - intercept) > 2.0  # biased by the 50 % sampling
    corrected = prior_correction(model, y[sample].mean(), y.mean())
    assert corrected.intercept_[0] == pytest.approx(intercept, abs=0.1)
    np.testing.assert_allclose(corrected.coef_, model.coef_)  # slopes are untouched
    np.testing.assert_allclose(corrected.coef_[0], beta, atol=0.1)
    assert corrected is not model and model.intercept_[0] != corrected.intercept_[0]


def test_corrected_probabilities_follow_bayes_rule(imbalanced):
    X, y = imbalanced
    model = LogisticRegression().fit(X, y)
    train, population = 0.3, 0.02
    p = model.predict_proba(X)[:, 1]
    odds = p / (1 - p) * (population / (1 - population)) / (train / (1 - train))
    corrected = prior_correction(model, train, population)
    np.testing.assert_allclose(corrected.predict_proba(X)[:, 1], odds / (1 + odds), rtol=1e-10)


def test_multinomial_prior_correction_reweights_by_prevalence_ratio():
    X, y = make_classification(
        n_samples=600, n_features=5, n_informative=3, n_classes=3, random_state=0
    )
    model = LogisticRegression().fit(X, y)
    train = np.bincount(y) / len(y)
    population = np.array([0.7, 0.2, 0.1])
    reweighted = model.predict_proba(X) * population / train
    expected = reweighted / reweighted.sum(axis=1, keepdims=True)
    corrected = prior_correction(model, train, population)
    np.testing.assert_allclose(corrected.predict_proba(X), expected, rtol=1e-10)
    sklearn_model = SkLogisticRegression().fit(X, y)  # scikit-learn's estimator too
    reweighted = sklearn_model.predict_proba(X) * population / train
    np.testing.assert_allclose(
        prior_correction(sklearn_model, train, population).predict_proba(X),
        reweighted / reweighted.sum(axis=1, keepdims=True),
        rtol=1e-10,
    )


@pytest.mark.parametrize("sampler", ["smote", "under", "over"])
def test_resampled_pipeline_fits_on_balanced_data(imbalanced, sampler):
    X, y = imbalanced
    pipe = make_resampled_pipeline(LogisticRegression(), sampler, random_state=0)
    assert isinstance(pipe, Pipeline)
    pipe.fit(X, y)
    _, y_resampled = pipe.named_steps["sampler"].fit_resample(X, y)
    assert y_resampled.mean() == pytest.approx(0.5)
    assert np.all(np.isfinite(cross_val_score(pipe, X, y, cv=3, scoring="roc_auc")))
    # The model saw 50 % positives; prior correction restores the data's prevalence.
    corrected = prior_correction(pipe, 0.5, y.mean())
    assert corrected[-1].intercept_[0] < pipe[-1].intercept_[0]
    assert corrected.predict_proba(X)[:, 1].mean() == pytest.approx(y.mean(), abs=0.02)


def test_resampled_pipeline_accepts_a_sampler_and_its_parameters():
    pipe = make_resampled_pipeline(LogisticRegression(), "smote", k_neighbors=3, random_state=1)
    assert pipe.named_steps["sampler"].k_neighbors == 3
    own = SMOTE(sampling_strategy=0.5, random_state=0)
    assert make_resampled_pipeline(LogisticRegression(), own).named_steps["sampler"] is own


def test_missing_extra_names_the_install_command(monkeypatch):
    monkeypatch.setitem(sys.modules, "imblearn.pipeline", None)
    with pytest.raises(ImportError, match=r'pip install "logistica\[imbalance\]"'):
        make_resampled_pipeline(LogisticRegression())


def test_bad_input_gives_clear_errors(imbalanced):
    X, y = imbalanced
    model = LogisticRegression().fit(X, y)
    with pytest.raises(ValueError, match="strictly between 0 and 1"):
        prior_correction(model, 0.5, 0.0)
    with pytest.raises(ValueError, match="strictly between 0 and 1"):
        prior_correction(model, 1.2, 0.1)
    with pytest.raises(ValueError, match="population_prevalence must be a number"):
        prior_correction(model, 0.5, [0.2, 0.3, 0.5])
    with pytest.raises(ValueError, match="must sum to 1"):
        prior_correction(model, [0.5, 0.6], [0.9, 0.1])
    with pytest.raises(NotFittedError):
        prior_correction(LogisticRegression(), 0.5, 0.1)
    with pytest.raises(ValueError, match="unknown sampler 'adasyn'"):
        make_resampled_pipeline(LogisticRegression(), "adasyn")
    with pytest.raises(ValueError, match="fit_resample"):
        make_resampled_pipeline(LogisticRegression(), object())
