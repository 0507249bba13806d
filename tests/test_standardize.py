"""``standardize=True``: same predictions as StandardScaler + fit, original-scale coefficients."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.preprocessing import StandardScaler
from sklearn.utils.estimator_checks import check_estimator

from logistica import LogisticRegression
from logistica.objective.design import Design, StandardizedDesign


def _units(X):
    """Give the columns very different scales and offsets."""
    return X * np.geomspace(0.01, 1000, X.shape[1]) + np.linspace(-50, 50, X.shape[1])


@pytest.mark.parametrize("l1_ratio", [0.0, 0.5, 1.0])
@pytest.mark.parametrize("dataset", ["cancer", "wine"])
def test_matches_standard_scaler_pipeline(dataset, l1_ratio, request):
    X, y = request.getfixturevalue(dataset)
    X = _units(X)
    weight = np.random.default_rng(1).uniform(0.5, 2.0, len(y))
    model = LogisticRegression(C=0.3, l1_ratio=l1_ratio, standardize=True, tol=1e-10)
    model.fit(X, y, sample_weight=weight)
    scaler = StandardScaler().fit(X, sample_weight=weight)
    reference = LogisticRegression(C=0.3, l1_ratio=l1_ratio, tol=1e-10)
    reference.fit(scaler.transform(X), y, sample_weight=weight)
    np.testing.assert_allclose(
        model.predict_proba(X), reference.predict_proba(scaler.transform(X)), atol=1e-8
    )
    np.testing.assert_allclose(model.coef_standardized_, reference.coef_, atol=1e-7)
    # original scale: coef = coef_std / scale, intercept absorbs the centring
    np.testing.assert_allclose(model.coef_, reference.coef_ / scaler.scale_, atol=1e-7)
    np.testing.assert_allclose(
        model.intercept_,
        reference.intercept_ - (reference.coef_ / scaler.scale_) @ scaler.mean_,
        atol=1e-6,
    )
    np.testing.assert_array_equal(model.coef_ == 0, model.coef_standardized_ == 0)


def test_sparse_is_scaled_not_centred(wine):
    X, y = wine
    X = sp.csr_matrix(np.abs(_units(X)) * (np.random.default_rng(0).random(X.shape) < 0.5))
    model = LogisticRegression(C=0.3, l1_ratio=0.5, standardize=True, tol=1e-10).fit(X, y)
    scaler = StandardScaler(with_mean=False).fit(X)
    reference = LogisticRegression(C=0.3, l1_ratio=0.5, tol=1e-10).fit(scaler.transform(X), y)
    np.testing.assert_allclose(
        model.predict_proba(X), reference.predict_proba(scaler.transform(X)), atol=1e-8
    )


def test_without_intercept_only_scales(cancer):
    X, y = cancer
    X = _units(X)
    model = LogisticRegression(C=0.3, standardize=True, fit_intercept=False).fit(X, y)
    scaler = StandardScaler(with_mean=False).fit(X)
    reference = LogisticRegression(C=0.3, fit_intercept=False).fit(scaler.transform(X), y)
    np.testing.assert_allclose(model.coef_, reference.coef_ / scaler.scale_, rtol=1e-5)


def test_design_folds_moments_into_products_without_copying():
    rng = np.random.default_rng(0)
    X = _units(rng.standard_normal((200, 6)))
    X[:, 2] = 3.0  # constant column: scale 1, as StandardScaler
    weight = rng.random(200)
    weight /= weight.sum()
    design = StandardizedDesign.from_data(X, weight, center=True)
    assert design.X is X
    mean = weight @ X
    scale = np.sqrt(weight @ (X - mean) ** 2)
    scale[2] = 1.0
    np.testing.assert_allclose(design.scale, scale)
    Xs = (X - mean) / scale
    W, R, h = rng.standard_normal((6, 3)), rng.standard_normal((200, 3)), rng.random(200)
    np.testing.assert_allclose(design.matvec(W), Xs @ W, atol=1e-10)
    np.testing.assert_allclose(design.rmatvec(R), Xs.T @ R, atol=1e-9)
    np.testing.assert_allclose(design.sq_rmatvec(R), (Xs**2).T @ R, atol=1e-8)
    ones = np.column_stack([Xs, np.ones(200)])
    np.testing.assert_allclose(design.gram([h], True)[0], ones.T @ (ones * h[:, None]), atol=1e-8)
    block = design.columns(np.array([4, 1]))
    np.testing.assert_allclose(block.data.reshape(2, -1), Xs[:, [4, 1]].T, atol=1e-12)
    W0, b0 = design.to_original(W, np.zeros(3))
    np.testing.assert_allclose(X @ W0 + b0, Xs @ W, atol=1e-9)


def test_sparse_moments_match_dense():
    X = sp.random(300, 5, density=0.3, format="csr", random_state=0) * 10
    weight = np.full(300, 1 / 300)
    mean, scale = Design(X).column_moments(weight, center=True)
    dense_mean, dense_scale = Design(X.toarray()).column_moments(weight, center=True)
    np.testing.assert_allclose(mean, dense_mean)
    np.testing.assert_allclose(scale, dense_scale)


def test_warm_start_keeps_the_standardized_solution(cancer):
    X, y = cancer
    model = LogisticRegression(C=0.2, l1_ratio=1.0, standardize=True, warm_start=True)
    first = model.fit(_units(X), y).coef_.copy()
    assert model.fit(_units(X), y).n_iter_[0] == 0
    np.testing.assert_array_equal(model.coef_, first)


def test_standardized_estimator_passes_check_estimator():
    check_estimator(LogisticRegression(standardize=True, l1_ratio=0.5))
