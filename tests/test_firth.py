"""Firth's bias-reduced logistic regression: finite, maximal, and O(1/n) from ML."""

from __future__ import annotations

import numpy as np
import pytest
import statsmodels.api as sm
from scipy import stats
from scipy.optimize import brentq, minimize

from logistica import LogisticRegression
from logistica.inference import summarize
from logistica.objective import BinomialLoss, MultinomialLoss
from logistica.objective.firth import FirthProblem, MultinomialFirthProblem
from logistica.objective.focal import FocalLoss


def penalized_loglik(theta, A, y):
    """ℓ(θ) + ½·log det I(θ), written out for the tests (A has the intercept column)."""
    z = A @ theta
    p = 1 / (1 + np.exp(-z))
    information = A.T @ (A * (p * (1 - p))[:, None])
    return np.sum(y * z - np.logaddexp(0, z)) + 0.5 * np.linalg.slogdet(information)[1]


def _theta(model):
    return np.r_[model.intercept_, model.coef_[0]]


@pytest.fixture(scope="module")
def separated():
    rng = np.random.default_rng(5)
    x = np.r_[rng.uniform(-3, -0.1, 25), rng.uniform(0.1, 3, 25)]
    X = np.column_stack([x, rng.normal(size=50)])
    return X, np.r_[np.zeros(25), np.ones(25)]


def test_finite_estimates_under_complete_and_quasi_separation(separated):
    X, y = separated
    model = LogisticRegression(C=np.inf, firth=True, tol=1e-10).fit(X, y)
    assert model.solver_ == "firth" and model.converged_
    assert np.all(np.isfinite(model.coef_)) and np.abs(model.coef_).max() < 20
    quasi = X.copy()
    quasi[:2, 0] = 0.0
    y_quasi = y.copy()
    y_quasi[1] = 1.0  # a tie at x = 0 across the classes
    model = LogisticRegression(C=np.inf, firth=True, tol=1e-10).fit(quasi, y_quasi)
    assert np.all(np.isfinite(model.coef_)) and model.converged_


def test_estimate_maximises_the_penalized_likelihood(separated):
    X, y = separated
    model = LogisticRegression(C=np.inf, firth=True, tol=1e-10).fit(X, y)
    A = np.column_stack([np.ones(len(y)), X])
    theta = _theta(model)
    h = 1e-5
    gradient = [
        (penalized_loglik(theta + h * e, A, y) - penalized_loglik(theta - h * e, A, y)) / (2 * h)
        for e in np.eye(theta.size)
    ]
    np.testing.assert_allclose(gradient, 0.0, atol=1e-6)
    best = penalized_loglik(theta, A, y)
    rng = np.random.default_rng(0)
    for step in rng.normal(size=(20, theta.size)) * 1e-2:
        assert penalized_loglik(theta + step, A, y) < best
    np.testing.assert_allclose(summarize(model, X, y).llf, best, rtol=1e-10)


def test_differs_from_ml_by_the_first_order_bias():
    # Firth (1993): θ_ML - θ_Firth ≈ b(θ) = -I⁻¹ Σᵢ hᵢ(½ - pᵢ) aᵢ, the O(1/n) bias of ML
    data = sm.datasets.spector.load_pandas()
    rng = np.random.default_rng(1)
    n = 4000
    X = rng.normal(size=(n, 3))
    y = (rng.random(n) < 1 / (1 + np.exp(-(X @ [1.0, -0.7, 0.4] + 0.3)))).astype(float)
    ml = LogisticRegression(C=np.inf, tol=1e-10).fit(X, y)
    firth = LogisticRegression(C=np.inf, firth=True, tol=1e-10).fit(X, y)
    A = np.column_stack([np.ones(n), X])
    p = 1 / (1 + np.exp(-(A @ _theta(ml))))
    information = A.T @ (A * (p * (1 - p))[:, None])
    hat = p * (1 - p) * np.einsum("ij,ij->i", A @ np.linalg.inv(information), A)
    bias = -np.linalg.solve(information, A.T @ (hat * (0.5 - p)))
    difference = _theta(ml) - _theta(firth)
    np.testing.assert_allclose(difference, bias, rtol=0.05, atol=1e-5)
    assert np.linalg.norm(_theta(firth)[1:]) < np.linalg.norm(_theta(ml)[1:])  # shrinkage
    # on small data the shrinkage is visible coefficient by coefficient
    small = LogisticRegression(C=np.inf, firth=True).fit(data.exog, data.endog)
    small_ml = sm.Logit(data.endog, sm.add_constant(data.exog)).fit(disp=0)
    assert np.all(np.abs(small.coef_[0]) < np.abs(small_ml.params.to_numpy()[1:]))


def test_profile_interval_uses_the_penalized_likelihood(separated):
    X, y = separated
    model = LogisticRegression(C=np.inf, firth=True, tol=1e-10).fit(X, y)
    res = summarize(model, X, y)
    lower, upper = res.conf_int(method="profile", cols=["x0"]).iloc[0]
    A = np.column_stack([np.ones(len(y)), X])
    theta = _theta(model)
    best = penalized_loglik(theta, A, y)

    def lr(b):  # constrained refit of ℓ* with θ₁ = b (penalty of the full model, as logistf)
        def negative(free):
            return -penalized_loglik(np.insert(free, 1, b), A, y)

        fit = minimize(negative, np.delete(theta, 1), method="BFGS", options={"gtol": 1e-10})
        return 2 * (best + fit.fun) - stats.chi2.ppf(0.95, 1)

    np.testing.assert_allclose(
        [lower, upper],
        [
            brentq(lr, theta[1] - 5, theta[1], xtol=1e-10),
            brentq(lr, theta[1], theta[1] + 30, xtol=1e-10),
        ],
        rtol=1e-7,
    )
    assert np.isfinite(lower) and np.isfinite(upper) and lower > 0


def test_firth_needs_a_log_loss_and_its_solver(separated):
    X, y = separated
    with pytest.raises(ValueError, match="binomial log-loss only"):
        FirthProblem(X, y, FocalLoss(2.0))
    # more than two classes: the multinomial model (tests/test_firth_multinomial.py)
    assert isinstance(
        FirthProblem(X, np.arange(50) % 3, MultinomialLoss(3)), MultinomialFirthProblem
    )
    with pytest.raises(ValueError, match="solver='auto' or 'firth'"):
        LogisticRegression(firth=True, solver="lbfgs").fit(X, y)
    with pytest.raises(ValueError, match="full-rank"):
        FirthProblem(np.column_stack([X[:, 0], X[:, 0]]), y, BinomialLoss())
    ovr = LogisticRegression(C=np.inf, firth=True, multi_class="ovr").fit(X, np.arange(50) % 3)
    assert ovr.solver_ == "firth" and ovr.coef_.shape == (3, 2)


def test_other_solvers_refuse_a_firth_problem():
    from logistica.objective import BinomialLoss
    from logistica.objective.firth import FirthProblem
    from logistica.solvers import get

    X = np.array([[0.0], [1.0], [2.0], [3.0]])
    problem = FirthProblem(X, np.array([0.0, 0.0, 1.0, 1.0]), BinomialLoss())
    for name in ("newton", "lbfgs", "gd"):
        with pytest.raises(ValueError, match="can only be solved by solver 'firth'"):
            get(name).solve(problem)
