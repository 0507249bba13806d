"""Explanations: contributions add up exactly to the decision function."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from logistica import LogisticRegression, LogisticRegressionCV
from logistica.explain import (
    baseline_log_odds,
    contributions,
    global_importance,
    resolve_feature_names,
    top_contributions,
)


@pytest.fixture(scope="module")
def binary():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(120, 4)) * [1.0, 10.0, 0.1, 3.0] + [0.0, 50.0, -2.0, 1.0]
    z = X @ [1.0, 0.1, -5.0, 0.3] - 5.0 + 10 + rng.logistic(size=120)
    return X, (z > np.median(z)).astype(int)


@pytest.fixture(scope="module")
def three_class():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(150, 3))
    y = np.argmax(X @ rng.normal(size=(3, 3)) + rng.gumbel(size=(150, 3)), axis=1)
    return X, np.array(["a", "b", "c"])[y]


def _check_additive(model, X, baseline=None):
    values = contributions(model, X, baseline)
    base = model.feature_mean_ if baseline is None else np.asarray(baseline, dtype=float)
    if hasattr(model, "feature_names_in_"):
        base_row = pd.DataFrame([base], columns=model.feature_names_in_)
    else:
        base_row = base[None, :]
    start = model.decision_function(base_row)[0]
    np.testing.assert_allclose(baseline_log_odds(model, baseline), start, rtol=1e-12)
    expected = model.decision_function(X) - start
    np.testing.assert_allclose(values.sum(axis=-1), expected, rtol=1e-10, atol=1e-10)
    return values


def test_binary_sums_to_decision_function(binary):
    X, y = binary
    model = LogisticRegression().fit(X, y)
    values = _check_additive(model, X)
    assert values.shape == X.shape
    np.testing.assert_allclose(values, (X - X.mean(axis=0)) * model.coef_[0])


def test_feature_mean_is_the_weighted_training_mean(binary):
    X, y = binary
    w = np.random.default_rng(2).uniform(0.5, 2.0, size=len(y))
    model = LogisticRegression().fit(X, y, sample_weight=w)
    np.testing.assert_allclose(model.feature_mean_, np.average(X, axis=0, weights=w))


@pytest.mark.parametrize("multi_class", ["multinomial", "ovr"])
def test_multiclass_one_row_per_class(three_class, multi_class):
    X, y = three_class
    model = LogisticRegression(multi_class=multi_class).fit(X, y)
    values = _check_additive(model, X)
    assert values.shape == (X.shape[0], 3, X.shape[1])


def test_standardized_fit_is_explained_in_the_data_units(binary):
    X, y = binary
    model = LogisticRegression(C=0.5, standardize=True).fit(X, y)
    _check_additive(model, X)
    _check_additive(model, X, baseline=np.zeros(X.shape[1]))


@pytest.mark.parametrize("fmt", ["csr", "csc"])
def test_sparse_rows_with_a_dense_baseline(binary, fmt):
    X, y = binary
    Xs = sp.random(120, 4, density=0.4, format=fmt, random_state=0) + sp.csr_matrix(X[:, :4] > 0)
    Xs = Xs.asformat(fmt)
    model = LogisticRegression(standardize=True).fit(Xs, y)
    values = _check_additive(model, Xs)
    np.testing.assert_allclose(values, contributions(model, Xs.toarray()))


def test_dataframe_names_and_a_given_baseline(binary):
    X, y = binary
    frame = pd.DataFrame(X, columns=["age", "income", "dose", "bmi"])
    model = LogisticRegression().fit(frame, y)
    baseline = frame.median().to_numpy()
    _check_additive(model, frame, baseline)
    top = top_contributions(model, frame.iloc[:3], k=2, baseline=baseline)
    assert len(top) == 3 and all(len(row) == 2 for row in top)
    values = contributions(model, frame.iloc[:3], baseline)
    for row, pairs in zip(values, top, strict=True):
        order = np.argsort(-np.abs(row))[:2]
        assert [name for name, _ in pairs] == [frame.columns[j] for j in order]
        np.testing.assert_allclose([v for _, v in pairs], row[order])


def test_top_contributions_of_the_predicted_class(three_class):
    X, y = three_class
    model = LogisticRegression().fit(X, y)
    top = top_contributions(model, X[:5], k=10, feature_names=["u", "v", "w"])
    predicted = np.searchsorted(model.classes_, model.predict(X[:5]))
    values = contributions(model, X[:5])
    for i, pairs in enumerate(top):
        assert len(pairs) == 3
        row = dict(pairs)
        np.testing.assert_allclose([row[n] for n in "uvw"], values[i, predicted[i]])


def test_global_importance_is_sorted_mean_absolute_contribution(three_class):
    X, y = three_class
    model = LogisticRegression().fit(X, y)
    importance = global_importance(model, X)
    expected = np.abs(contributions(model, X)).mean(axis=0).sum(axis=0)
    assert importance.name == "importance"
    assert list(importance.values) == sorted(importance.values, reverse=True)
    np.testing.assert_allclose(importance[["x0", "x1", "x2"]].to_numpy(), expected)


def test_cv_model_uses_its_refitted_mean(binary):
    X, y = binary
    model = LogisticRegressionCV(Cs=3, cv=3).fit(X, y)
    _check_additive(model, X)


def test_errors_name_the_problem(binary):
    X, y = binary
    model = LogisticRegression().fit(X, y)
    with pytest.raises(ValueError, match="baseline must have shape"):
        contributions(model, X, baseline=[0.0, 1.0])
    with pytest.raises(ValueError, match="NaN"):
        contributions(model, X, baseline=[np.nan, 0, 0, 0])
    with pytest.raises(ValueError, match="k must be"):
        top_contributions(model, X, k=0)
    with pytest.raises(ValueError, match="3 names"):
        resolve_feature_names(model, ["a", "b", "c"])
    with pytest.raises(ValueError, match="features"):
        contributions(model, X[:, :3])
