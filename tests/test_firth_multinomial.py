"""Bias-reduced multinomial logistic regression (Kosmidis and Firth, 2011).

The reference is written here with NumPy: the multinomial log-likelihood in the
baseline-category parametrisation (class 0 as the baseline, ``K - 1`` coefficient
vectors) plus ``½·log det`` of its Fisher information ``Σᵢ sᵢ aᵢaᵢᵀ ⊗ Vᵢ``,
maximised by SciPy.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from scipy.optimize import minimize
from scipy.special import log_softmax, softmax

from logistica import LogisticRegression
from logistica.exceptions import SeparationWarning
from logistica.objective import BinomialLoss, MultinomialLoss
from logistica.objective.firth import FirthProblem, MultinomialFirthProblem
from logistica.solvers import get, solve


def penalized_loglik(theta, A, y, weights, K):
    """ℓ(θ) + ½·log det I(θ) for baseline-category coefficients θ of shape (p, K-1)."""
    theta = theta.reshape(A.shape[1], K - 1)
    raw = np.column_stack([np.zeros(len(y)), A @ theta])
    loglik = np.sum(weights * log_softmax(raw, axis=1)[np.arange(len(y)), y])
    proba = softmax(raw, axis=1)[:, 1:]
    V = np.einsum("ij,jk->ijk", proba, np.eye(K - 1)) - np.einsum("ij,ik->ijk", proba, proba)
    information = np.einsum("i,ir,is,ijk->rjsk", weights, A, A, V).reshape(theta.size, -1)
    return loglik + 0.5 * np.linalg.slogdet(information)[1]


def scipy_fit(A, y, weights, K):
    """Maximise the penalized likelihood with BFGS on central-difference gradients."""

    def negative(theta):
        return -penalized_loglik(theta, A, y, weights, K)

    def gradient(theta, h=1e-6):
        return np.array(
            [
                (negative(theta + h * e) - negative(theta - h * e)) / (2 * h)
                for e in np.eye(len(theta))
            ]
        )

    fit = minimize(
        negative,
        np.zeros(A.shape[1] * (K - 1)),
        jac=gradient,
        method="BFGS",
        options={"gtol": 1e-9},
    )
    return fit.x.reshape(A.shape[1], K - 1), -fit.fun


def baseline(model):
    """The estimator's coefficients relative to class 0, rows (intercept, features)."""
    full = np.vstack([model.intercept_[None, :], model.coef_.T])
    return full[:, 1:] - full[:, :1]


def small_data(seed=0, n=40, K=3):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 2))
    logits = X @ rng.normal(size=(2, K)) * 1.5
    y = np.array([rng.choice(K, p=p) for p in softmax(logits, axis=1)])
    return X, y, rng.uniform(0.5, 2.0, n)


def separated_data():
    rng = np.random.default_rng(3)
    x = np.r_[rng.uniform(-3, -1, 10), rng.uniform(-0.5, 0.5, 10), rng.uniform(1, 3, 10)]
    return np.column_stack([x, rng.normal(size=30)]), np.repeat([0, 1, 2], 10)


@pytest.mark.parametrize("fit_intercept", [True, False])
def test_gradient_matches_finite_differences(fit_intercept):
    X, y, weights = small_data(1, K=4)
    offset = np.random.default_rng(2).normal(size=(len(y), 4)) * 0.3
    problem = FirthProblem(X, y, MultinomialLoss(4), None, weights, offset, fit_intercept)
    assert isinstance(problem, MultinomialFirthProblem)
    rng = np.random.default_rng(3)
    for _ in range(3):
        coef = rng.normal(size=problem.n_coef)
        _, grad, _ = problem.value_grad(coef)
        h = 1e-6
        numeric = [
            (problem.value_grad(coef + h * e)[0] - problem.value_grad(coef - h * e)[0]) / (2 * h)
            for e in np.eye(problem.n_coef)
        ]
        np.testing.assert_allclose(grad, numeric, rtol=1e-6, atol=1e-9)


def test_objective_is_the_penalized_likelihood_whatever_the_reference_class():
    X, y, weights = small_data(2)
    problem = MultinomialFirthProblem(X, y, MultinomialLoss(3), sample_weight=weights)
    A = np.column_stack([np.ones(len(y)), X])
    coef = np.random.default_rng(4).normal(size=problem.n_coef)
    full = coef.reshape(3, 3)  # rows (features, intercept), one column per class
    theta = np.vstack([full[-1], full[:-1]])
    theta = theta[:, 1:] - theta[:, :1]
    expected = penalized_loglik(theta.ravel(), A, y, weights, 3)
    value, grad, _ = problem.value_grad(coef)
    np.testing.assert_allclose(-weights.sum() * value, expected, rtol=1e-12)
    for reference in range(3):  # the class-shift-invariant objective does not depend on it
        problem.reference_class = reference
        other_value, other_grad, _ = problem.value_grad(coef)
        np.testing.assert_allclose(other_value, value, rtol=1e-13)
        np.testing.assert_allclose(other_grad, grad, rtol=1e-9, atol=1e-13)
    np.testing.assert_allclose(grad.reshape(3, 3).sum(axis=1), 0.0, atol=1e-13)


@pytest.mark.parametrize("case", ["weighted", "separated"])
def test_agrees_with_scipy_on_the_penalized_likelihood(case):
    if case == "weighted":
        X, y, weights = small_data(0)
    else:
        X, y = separated_data()
        weights = np.ones(len(y))
    model = LogisticRegression(C=np.inf, firth=True, tol=1e-10).fit(X, y, sample_weight=weights)
    assert model.solver_ == "firth" and model.converged_
    A = np.column_stack([np.ones(len(y)), X])
    theta, best = scipy_fit(A, y, weights, 3)
    np.testing.assert_allclose(baseline(model), theta, atol=1e-6)
    np.testing.assert_allclose(
        penalized_loglik(baseline(model).ravel(), A, y, weights, 3), best, rtol=1e-10
    )
    np.testing.assert_allclose(model.coef_.sum(axis=0), 0.0, atol=1e-10)  # centred classes


def test_two_classes_equal_binary_firth():
    X, y, weights = small_data(5, K=2)
    binary = solve(
        FirthProblem(X, y.astype(float), BinomialLoss(), sample_weight=weights), tol=1e-12
    )
    problem = MultinomialFirthProblem(X, y, MultinomialLoss(2), sample_weight=weights)
    multinomial = solve(problem, tol=1e-12).coef.reshape(3, 2)
    np.testing.assert_allclose(multinomial[:, 1] - multinomial[:, 0], binary.coef, atol=1e-9)


def test_separated_classes_have_finite_estimates():
    X, y = separated_data()
    with pytest.warns(SeparationWarning):
        LogisticRegression(C=np.inf).fit(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model = LogisticRegression(C=np.inf, firth=True).fit(X, y)
    assert model.converged_ and np.all(np.isfinite(model.coef_))
    assert np.abs(baseline(model)).max() < 20


def test_equivariant_to_the_units_of_the_columns():
    X, y, _ = small_data(6)
    model = LogisticRegression(C=np.inf, firth=True, tol=1e-10).fit(X, y)
    scaled = LogisticRegression(C=np.inf, firth=True, tol=1e-10).fit(
        X * [1e3, 1e-3] + [20.0, -1e-3], y
    )
    np.testing.assert_allclose(
        baseline(scaled)[1:] * [[1e3], [1e-3]], baseline(model)[1:], rtol=1e-6
    )


def test_only_the_firth_solver_takes_it():
    X, y, _ = small_data(7)
    problem = FirthProblem(X, y, MultinomialLoss(3))
    for name in ("newton", "lbfgs"):
        with pytest.raises(ValueError, match="can only be solved by solver 'firth'"):
            get(name).solve(problem)
    with pytest.raises(ValueError, match="full-rank"):
        FirthProblem(np.column_stack([X[:, 0], X[:, 0]]), y, MultinomialLoss(3))
