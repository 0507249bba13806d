"""The ``cd`` solver: L1 / elastic-net optima against scikit-learn's saga and NumPy KKT checks."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.datasets import load_digits, load_wine
from sklearn.linear_model import LogisticRegression as SkLogisticRegression

from _reference import kkt_violation, objective
from logistica import LogisticRegression
from logistica.objective import BinomialLoss, MultinomialLoss, Problem, make_penalty
from logistica.solvers import choose, solve
from logistica.solvers._cd_kernels import gram_cd
from logistica.solvers.cd import _support_newton, null_model


def _saga(X, y, C, l1_ratio, max_iter=100_000):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # saga's own convergence chatter
        model = SkLogisticRegression(
            C=C, l1_ratio=l1_ratio, solver="saga", tol=1e-10, max_iter=max_iter
        ).fit(X, y)
    return model.coef_, model.intercept_


def _assert_matches_saga(X, y, C, l1_ratio, ours, saga):
    """Objective within 1e-8 relative (either way) and the same support."""
    f_ours = objective(X, y, ours.coef_, ours.intercept_, C, l1_ratio)
    f_saga = objective(X, y, *saga, C, l1_ratio)
    assert f_ours <= f_saga * (1 + 1e-8)
    assert f_saga <= f_ours * (1 + 1e-8)
    np.testing.assert_array_equal(ours.coef_ != 0, saga[0] != 0)


@pytest.mark.parametrize("l1_ratio", [1.0, 0.5])
def test_binary_matches_saga_on_breast_cancer(cancer, l1_ratio):
    X, y = cancer
    C = 0.1
    ours = LogisticRegression(C=C, l1_ratio=l1_ratio, solver="cd", tol=1e-10).fit(X, y)
    _assert_matches_saga(X, y, C, l1_ratio, ours, _saga(X, y, C, l1_ratio))
    assert kkt_violation(X, y, ours.coef_, ours.intercept_, C, l1_ratio) < 1e-8


@pytest.mark.slow
def test_multinomial_elastic_net_matches_saga_on_digits():
    X, y = load_digits(return_X_y=True)
    X = X / 16.0
    C, l1_ratio = 0.05, 0.5
    ours = LogisticRegression(C=C, l1_ratio=l1_ratio, solver="cd", tol=1e-10).fit(X, y)
    saga = _saga(X, y, C, l1_ratio)
    f_ours = objective(X, y, ours.coef_, ours.intercept_, C, l1_ratio)
    f_saga = objective(X, y, *saga, C, l1_ratio)
    assert abs(f_ours - f_saga) <= 1e-8 * f_saga
    np.testing.assert_array_equal(ours.coef_ != 0, saga[0] != 0)
    assert kkt_violation(X, y, ours.coef_, ours.intercept_, C, l1_ratio) < 1e-8


def _sparse_problem(n=2000, d=5000, density=0.005, seed=0):
    rng = np.random.default_rng(seed)
    X = sp.random(n, d, density=density, format="csr", random_state=seed)
    X.data = 1.0 + rng.random(X.nnz)
    beta = np.zeros(d)
    beta[:50] = 3 * rng.standard_normal(50)
    y = (rng.random(n) < 1 / (1 + np.exp(-(X @ beta)))).astype(int)
    return X, y


@pytest.mark.slow
def test_sparse_wide_l1_matches_saga():
    X, y = _sparse_problem()
    C = 0.2
    ours = LogisticRegression(C=C, l1_ratio=1.0, solver="cd", tol=1e-10).fit(X, y)
    assert 20 < np.count_nonzero(ours.coef_) < 500
    _assert_matches_saga(X, y, C, 1.0, ours, _saga(X, y, C, 1.0))
    assert kkt_violation(X, y, ours.coef_, ours.intercept_, C, 1.0) < 1e-8


@pytest.mark.parametrize("fmt", ["dense", "sparse", "float32"])
@pytest.mark.parametrize("n_classes", [2, 3])
def test_kkt_holds_with_weights_and_penalty_factors(fmt, n_classes):
    rng = np.random.default_rng(n_classes)
    X = rng.standard_normal((300, 12)) * rng.uniform(0.5, 3, 12) + rng.uniform(-2, 2, 12)
    y = (X[:, :3] @ np.array([1.0, -1.0, 0.5]) + rng.logistic(size=300) > 0).astype(int)
    if n_classes == 3:
        y = y + (X[:, 3] > 1)
    weight = rng.uniform(0.2, 2.0, 300)
    factor = np.r_[0.0, rng.uniform(0.5, 2.0, 11)]
    data = {"dense": X, "sparse": sp.csr_matrix(X), "float32": X.astype(np.float32)}[fmt]
    C, l1_ratio = 0.05, 0.7
    model = LogisticRegression(
        C=C, l1_ratio=l1_ratio, solver="cd", tol=1e-10, penalty_factor=factor
    ).fit(data, y, sample_weight=weight)
    Xf = X.astype(np.float32).astype(np.float64) if fmt == "float32" else X
    violation = kkt_violation(Xf, y, model.coef_, model.intercept_, C, l1_ratio, weight, factor)
    assert violation < 1e-8
    assert np.all(model.coef_[:, 0] != 0)  # unpenalized feature
    assert np.any(model.coef_ == 0)  # exact zeros


def test_without_intercept_and_pure_l2_matches_newton(cancer):
    X, y = cancer
    l1 = LogisticRegression(C=0.1, l1_ratio=1.0, fit_intercept=False, tol=1e-10).fit(X, y)
    assert l1.solver_ == "cd"
    assert np.all(l1.intercept_ == 0)
    assert kkt_violation(X, y, l1.coef_, l1.intercept_, 0.1, 1.0, fit_intercept=False) < 1e-8
    ridge_cd = LogisticRegression(C=0.1, solver="cd", tol=1e-10).fit(X, y)
    ridge_newton = LogisticRegression(C=0.1, solver="newton", tol=1e-10).fit(X, y)
    np.testing.assert_allclose(ridge_cd.coef_, ridge_newton.coef_, rtol=1e-7, atol=1e-9)


def test_unscaled_multinomial_converges():
    """Columns with means in the hundreds: the centred working-set basis keeps CD fast."""
    X, y = load_wine(return_X_y=True)
    model = LogisticRegression(C=0.5, l1_ratio=1.0, solver="cd", tol=1e-8).fit(X, y)
    assert model.converged_ and model.n_iter_[0] < 50
    assert kkt_violation(X, y, model.coef_, model.intercept_, 0.5, 1.0) < 1e-7


@pytest.mark.parametrize("C", [0.03, 0.05])
def test_tight_tolerance_is_reached_where_steps_are_judged_in_rounding_noise(C):
    """Near the optimum the predicted decrease falls below rounding and may come out
    with either sign: the unit step is still taken while the exact gradient improves,
    so tol=1e-10 is reached (it stopped at 1.7e-10 with "no decrease" before)."""
    from logistica.exceptions import ConvergenceWarning

    rng = np.random.default_rng(0)
    X = rng.normal(size=(3000, 4)) * [1, 5, 0.2, 1] + [0, 3, 0, 10]
    y = (X @ [1, -0.2, 2, 0.3] - 3 + rng.logistic(size=3000) > 0).astype(int)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        model = LogisticRegression(C=C, l1_ratio=1.0, solver="cd", tol=1e-10).fit(X, y)
    assert kkt_violation(X, y, model.coef_, model.intercept_, C, 1.0) < 1e-9


def test_dense_and_sparse_agree(cancer):
    X, y = cancer
    dense = LogisticRegression(C=0.2, l1_ratio=0.9, solver="cd", tol=1e-10).fit(X, y)
    sparse = LogisticRegression(C=0.2, l1_ratio=0.9, solver="cd", tol=1e-10).fit(
        sp.csc_matrix(X), y
    )
    np.testing.assert_allclose(dense.coef_, sparse.coef_, rtol=1e-6, atol=1e-9)


def test_auto_picks_cd_for_l1_only():
    X = np.random.default_rng(0).standard_normal((50, 3))
    y = (X[:, 0] > 0).astype(float)
    assert choose(Problem(X, y, BinomialLoss(), make_penalty(1.0, 0.5, 50))) == "cd"
    assert choose(Problem(X, y, BinomialLoss(), make_penalty(1.0, 0.0, 50))) != "cd"


def test_warm_start_from_the_optimum_stops_at_once(cancer):
    X, y = cancer
    problem = Problem(X, y.astype(float), BinomialLoss(), make_penalty(0.1, 1.0, len(y)))
    first = solve(problem, "cd", tol=1e-8)
    again = solve(problem, "cd", first.coef, tol=1e-8)
    assert again.n_iter == 0 and again.converged


def test_null_model_is_optimal_for_the_free_coefficients():
    X, y = load_wine(return_X_y=True)
    X = (X - X.mean(0)) / X.std(0)
    problem = Problem(
        X, y, MultinomialLoss(3), make_penalty(1.0, 1.0, len(y), np.r_[0.0, np.ones(12)])
    )
    coef = null_model(problem)
    full = coef.reshape(problem.coef_shape)
    assert np.all(full[1:-1] == 0) and np.all(full[0] != 0)
    grad = problem.value_grad(coef)[1].reshape(problem.coef_shape)
    assert np.abs(grad[[0, -1]]).max() < 1e-9


@pytest.mark.parametrize("C", [0.1, 1.0])
def test_correlated_columns_converge_with_few_newton_steps(C):
    # Every column shares one common factor (pairwise correlation 0.3): coordinate
    # descent zigzags, small coordinate moves add up to a large KKT violation, and
    # a model solved "until no coordinate moves much" stalls the outer loop (this
    # problem ran out of its 40 iterations before; it now takes 12). With C=1 the
    # support is 376 of 400 features: the working set is read from X in place.
    rng = np.random.default_rng(0)
    n, d = 2000, 400
    X = np.sqrt(0.7) * rng.standard_normal((n, d)) + np.sqrt(0.3) * rng.standard_normal((n, 1))
    beta = np.zeros(d)
    beta[rng.choice(d, 150, replace=False)] = rng.choice([-0.4, 0.4], 150)
    y = (rng.random(n) < 1 / (1 + np.exp(-X @ beta))).astype(int)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a ConvergenceWarning fails the test
        ours = LogisticRegression(C=C, l1_ratio=1.0, solver="cd", max_iter=40).fit(X, y)
    assert kkt_violation(X, y, ours.coef_, ours.intercept_, C, 1.0) < 1e-6
    saga = _saga(X, y, C, 1.0)
    f_saga = objective(X, y, *saga, C, 1.0)
    assert objective(X, y, ours.coef_, ours.intercept_, C, 1.0) <= f_saga * (1 + 1e-8)


def test_feature_sign_step_moves_to_the_first_zero_crossing():
    """The orthant minimiser flips a sign: the step stops where that coordinate hits zero."""
    rng = np.random.default_rng(3)
    A = rng.standard_normal((50, 6)) + 2.0 * rng.standard_normal((50, 1))  # correlated
    gram = A.T @ A / 50
    l2, l1 = np.zeros(6), np.full(6, 0.05)
    coef = np.array([0.3, -0.2, 0.1, 0.0, 0.4, -0.1])
    grad = gram @ coef - A.T @ rng.standard_normal(50) / 50

    def model(step):
        return grad @ step + 0.5 * step @ gram @ step + l1 @ np.abs(coef + step)

    step, crossings = np.zeros(6), 0
    for _ in range(20):  # as in the solver: a few CD epochs, then a feature-sign step
        gram_cd(gram, grad, coef, l1, l2, step, 1, 0.0)
        new, exact = _support_newton(gram, l2, grad, coef, l1, step)
        assert model(new) <= model(step) + 1e-15  # the step is never wasted
        dropped = np.sum((coef + step != 0) & (coef + new == 0))
        assert dropped <= 1  # it stops at the first zero crossing
        crossings += dropped
        step = new
        if exact:
            break
    assert exact and crossings >= 1
    # the exact answer satisfies the model's optimality conditions (NumPy, independent)
    partial = grad + gram @ step
    free = coef + step != 0
    np.testing.assert_allclose(partial[free], -l1[free] * np.sign((coef + step)[free]), atol=1e-12)
    assert np.all(np.abs(partial[~free]) <= l1[~free] + 1e-12)
