"""Regularization paths: grid from the computed C_min, warm starts, agreement with single fits."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
import scipy.sparse as sp

from _reference import kkt_violation
from logistica import LogisticRegression
from logistica.path import PathResult, logistic_path


@pytest.mark.parametrize("dataset", ["cancer", "wine"])
@pytest.mark.parametrize("l1_ratio", [1.0, 0.5])
def test_first_C_is_all_zero_and_the_next_is_not(dataset, l1_ratio, request):
    X, y = request.getfixturevalue(dataset)
    path = logistic_path(X, y, Cs=6, l1_ratio=l1_ratio)
    assert path.n_nonzero[0] == 0 and np.all(path.coefs[0] == 0)
    assert path.n_nonzero[1] > 0
    assert np.all(np.diff(path.Cs) > 0)
    assert path.Cs[-1] / path.Cs[0] == pytest.approx(1e4)  # n > d: glmnet's 1e-4 ratio
    # the null model at C_min is optimal (independent NumPy KKT check)
    assert kkt_violation(X, y, path.coefs[0], path.intercepts[0], path.Cs[0], l1_ratio) < 1e-8


def test_path_matches_independent_fits_and_kkt(cancer):
    X, y = cancer
    path = logistic_path(X, y, Cs=5, l1_ratio=0.8, tol=1e-10)
    assert path.converged.all() and path.n_iter[0] == 0
    for C, coef, intercept in zip(path.Cs[1:], path.coefs[1:], path.intercepts[1:], strict=True):
        single = LogisticRegression(C=C, l1_ratio=0.8, tol=1e-10).fit(X, y)
        np.testing.assert_allclose(coef, single.coef_, rtol=1e-6, atol=1e-8)
        np.testing.assert_allclose(intercept, single.intercept_, rtol=1e-6, atol=1e-8)
        assert kkt_violation(X, y, coef, intercept, C, 0.8) < 1e-8


def test_multinomial_sparse_path_shapes_and_warm_start_savings(wine):
    X, y = wine
    path = logistic_path(sp.csr_matrix(X), y, Cs=8, l1_ratio=1.0)
    assert path.coefs.shape == (8, 3, X.shape[1])
    assert path.intercepts.shape == (8, 3)
    assert list(path.classes) == [0, 1, 2]
    assert np.all(np.diff(path.n_nonzero) >= 0)  # support grows as regularization weakens
    cold = [
        LogisticRegression(C=C, l1_ratio=1.0, solver="cd").fit(X, y).n_iter_[0] for C in path.Cs[1:]
    ]
    assert path.n_iter[1:].sum() < sum(cold)


def test_explicit_Cs_are_sorted_and_l2_grid_is_fixed(cancer):
    X, y = cancer
    path = logistic_path(X, y, Cs=[1.0, 0.01, 0.1], l1_ratio=1.0)
    np.testing.assert_array_equal(path.Cs, [0.01, 0.1, 1.0])
    ridge = logistic_path(X, y, Cs=3)
    np.testing.assert_allclose(ridge.Cs, [1e-4, 1.0, 1e4])
    assert ridge.n_nonzero.tolist() == [30, 30, 30]


def test_unpenalized_features_stay_in_the_null_model(cancer):
    X, y = cancer
    factor = np.r_[0.0, 0.0, np.ones(X.shape[1] - 2)]
    path = logistic_path(X, y, Cs=4, l1_ratio=1.0, penalty_factor=factor)
    assert np.all(path.coefs[0][:, :2] != 0) and np.all(path.coefs[0][:, 2:] == 0)
    assert np.count_nonzero(path.coefs[1][:, 2:]) > 0
    kkt = kkt_violation(
        X, y, path.coefs[0], path.intercepts[0], path.Cs[0], 1.0, penalty_factor=factor
    )
    assert kkt < 1e-8


def test_standardized_path_reports_the_original_scale(cancer):
    X, y = cancer
    raw = X * np.linspace(1, 100, X.shape[1]) + 7.0
    scaled = logistic_path(raw, y, Cs=4, l1_ratio=1.0, standardize=True)
    plain = logistic_path(X, y, Cs=4, l1_ratio=1.0)  # X is already standardized
    np.testing.assert_allclose(scaled.Cs, plain.Cs, rtol=1e-9)
    for k in range(4):
        np.testing.assert_allclose(
            raw @ scaled.coefs[k].T + scaled.intercepts[k],
            X @ plain.coefs[k].T + plain.intercepts[k],
            atol=1e-6,
        )


@pytest.mark.parametrize("l1_ratio", [0.0, 1.0])
def test_one_vs_rest_and_offset_paths_match_single_fits(wine, l1_ratio):
    X, y = wine
    offset = np.random.default_rng(0).normal(0.0, 0.5, len(y))
    path = logistic_path(X, y, Cs=4, l1_ratio=l1_ratio, multi_class="ovr", offset=offset, tol=1e-10)
    assert path.coefs.shape == (4, 3, X.shape[1])
    if l1_ratio > 0:  # starts where every class's coefficients are zero
        assert path.n_nonzero[0] == 0 and path.n_nonzero[1] > 0
    for C, coef, intercept in zip(path.Cs[1:], path.coefs[1:], path.intercepts[1:], strict=True):
        single = LogisticRegression(C=C, l1_ratio=l1_ratio, multi_class="ovr", tol=1e-10)
        single.fit(X, y, offset=offset)
        np.testing.assert_allclose(coef, single.coef_, rtol=1e-5, atol=1e-7)
        np.testing.assert_allclose(intercept, single.intercept_, rtol=1e-5, atol=1e-7)


def test_result_is_a_frozen_dataclass(cancer):
    X, y = cancer
    path = logistic_path(X[:100], y[:100], Cs=2, l1_ratio=1.0)
    assert isinstance(path, PathResult)
    with pytest.raises(dataclasses.FrozenInstanceError):
        path.Cs = None


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"Cs": 0}, "Cs"),
        ({"Cs": [0.1, -1.0]}, "Cs"),
        ({"l1_ratio": 2.0}, "l1_ratio"),
        ({"penalty_factor": [1.0]}, "penalty_factor"),
        ({"min_ratio": 0.0}, "min_ratio"),
        ({"multi_class": "ova"}, "multi_class"),
        ({"offset": np.zeros(3)}, "offset"),
    ],
)
def test_bad_input_raises_clear_errors(cancer, kwargs, match):
    X, y = cancer
    with pytest.raises(ValueError, match=match):
        logistic_path(X, y, **kwargs)
