"""L1 / elastic-net penalty pieces: alpha_max, subgradients, penalty factors, parameter checks."""

from __future__ import annotations

import math

import numpy as np
import pytest

from _reference import kkt_violation
from logistica import LogisticRegression
from logistica._validation import check_Cs, check_penalty_factor
from logistica.objective import (
    L1,
    L2,
    BinomialLoss,
    ElasticNet,
    MultinomialLoss,
    Problem,
    make_penalty,
)
from logistica.objective.penalty import min_norm_subgradient
from logistica.solvers.cd import null_model


def test_min_norm_subgradient_entry_by_entry():
    coef = np.array([0.0, 0.0, 2.0, -1.0])
    grad = np.array([0.5, -3.0, 1.0, 1.0])
    expected = np.array([0.0, -2.0, 2.0, 0.0])  # |0.5| <= 1; -3 + 1; 1 + 1; 1 - 1
    np.testing.assert_array_equal(min_norm_subgradient(coef, grad, 1.0), expected)


def test_alpha_max_special_cases():
    grad = np.array([[0.3, -0.6], [0.1, 0.2]])
    assert ElasticNet(1.0, 0.5).alpha_max(grad) == pytest.approx(1.2)
    assert math.isinf(L2(1.0).alpha_max(grad))
    assert L1(1.0, penalty_factor=[0.0, 0.0]).alpha_max(grad) == 0.0
    # a factor of 2 halves what that feature needs, 0 removes it
    assert L1(1.0, penalty_factor=[2.0, 0.0]).alpha_max(grad) == pytest.approx(0.3)


@pytest.mark.parametrize("n_classes", [2, 3])
@pytest.mark.parametrize("l1_ratio", [1.0, 0.3])
def test_alpha_max_is_exactly_where_the_first_coefficient_enters(wine, n_classes, l1_ratio):
    X, y = wine
    y = y if n_classes == 3 else (y == 1).astype(int)
    target = y if n_classes == 3 else y.astype(float)
    loss = MultinomialLoss(3) if n_classes == 3 else BinomialLoss()
    factor = np.r_[0.0, np.ones(X.shape[1] - 1)]
    problem = Problem(X, target, loss, make_penalty(1.0, l1_ratio, len(y), factor))
    null = null_model(problem)
    W_grad, _ = problem.split(problem.value_grad(null)[1])
    alpha_max = problem.penalty.alpha_max(W_grad)
    C_max = 1 / (alpha_max * len(y))
    coef, intercept = _sklearn_layout(problem, null)
    # at C_max the null model satisfies the KKT conditions (NumPy check) ...
    assert kkt_violation(X, y, coef, intercept, C_max, l1_ratio, penalty_factor=factor) < 1e-8
    # ... and just above it some penalized coefficient enters
    fit = LogisticRegression(C=C_max * 1.01, l1_ratio=l1_ratio, penalty_factor=factor).fit(X, y)
    assert np.count_nonzero(fit.coef_[:, 1:]) > 0
    at = LogisticRegression(C=C_max * 0.999, l1_ratio=l1_ratio, penalty_factor=factor).fit(X, y)
    assert np.count_nonzero(at.coef_[:, 1:]) == 0


def _sklearn_layout(problem, flat):
    W, b = problem.split(flat)
    return np.atleast_2d(W.T), np.atleast_1d(b)


@pytest.mark.parametrize(
    ("factor", "match"),
    [([1.0, 2.0], "shape"), ([1.0, -1.0, 1.0], "negative"), ([1.0, np.nan, 1.0], "NaN")],
)
def test_penalty_factor_is_validated(factor, match):
    with pytest.raises(ValueError, match=match):
        check_penalty_factor(factor, 3)
    X = np.random.default_rng(0).standard_normal((20, 3))
    y = np.arange(20) % 2
    with pytest.raises(ValueError, match="penalty_factor"):
        LogisticRegression(penalty_factor=factor).fit(X, y)


@pytest.mark.parametrize("l1_ratio", [-0.1, 1.5, np.nan])
def test_l1_ratio_outside_unit_interval_is_rejected(l1_ratio):
    X = np.random.default_rng(0).standard_normal((20, 3))
    with pytest.raises(ValueError, match="l1_ratio"):
        LogisticRegression(l1_ratio=l1_ratio).fit(X, np.arange(20) % 2)


@pytest.mark.parametrize("Cs", [0, -3, [1.0, 0.0], [np.inf], [], [[1.0]], "many", True])
def test_invalid_Cs_are_rejected(Cs):
    with pytest.raises(ValueError, match="Cs"):
        check_Cs(Cs)


def test_unpenalized_feature_matches_an_unpenalized_fit(cancer):
    """A factor of 0 on every feature gives the maximum-likelihood fit."""
    X, y = cancer
    X = X[:, :4]
    free = LogisticRegression(C=0.01, l1_ratio=1.0, penalty_factor=np.zeros(4), tol=1e-10)
    mle = LogisticRegression(C=np.inf, tol=1e-10)
    np.testing.assert_allclose(free.fit(X, y).coef_, mle.fit(X, y).coef_, rtol=1e-6)
