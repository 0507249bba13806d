"""Sample weights of any magnitude give the optimum of the weighted objective.

References come from ``scipy.optimize.minimize`` on scikit-learn's objective
``½‖w‖² + C·Σ sᵢ ℓᵢ`` written here, divided by ``C·max(s)`` (the same minimiser,
with values of order one that BFGS can handle).
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import minimize
from scipy.special import expit, log_expit

from logistica import LogisticRegression, LogisticRegressionCV
from logistica.path import logistic_path


@pytest.fixture(scope="module")
def problem():
    rng = np.random.default_rng(3)
    n = 300
    X = rng.standard_normal((n, 2))
    y = (rng.random(n) < expit(X @ [1.0, -0.5] + 0.3)).astype(int)
    return X, y, rng.uniform(0.5, 2.0, n)


def scipy_fit(X, y, s, C):
    """Minimiser of ``½‖w‖² + C·Σ sᵢ ℓᵢ`` (intercept unpenalized)."""
    m = s.max()
    A = np.column_stack([X, np.ones(len(y))])

    def objective(p):
        z = A @ p
        loss = -(y * log_expit(z) + (1 - y) * log_expit(-z))
        value = 0.5 * p[:-1] @ p[:-1] / (C * m) + (s / m) @ loss
        grad = A.T @ ((s / m) * (expit(z) - y))
        grad[:-1] += p[:-1] / (C * m)
        return value, grad

    result = minimize(objective, np.zeros(A.shape[1]), jac=True, method="BFGS",
                      options={"gtol": 1e-13, "maxiter": 10_000})  # fmt: skip
    return result.x


@pytest.mark.parametrize("solver", ["newton", "lbfgs", "cd"])
@pytest.mark.parametrize(
    ("magnitudes", "C"),
    [
        ((1e140, 1.0, 1e-140), 1e-140),  # 280 decades, the penalty matters
        ((1e307,), 1e-307),  # the sum overflows float64, the penalty matters
        ((1e307,), 1.0),  # the sum overflows, the penalty is negligible
        ((1e-300,), 1e300),  # tiny weights
    ],
    ids=["280 decades", "overflowing sum", "overflowing sum, C=1", "tiny"],
)
def test_extreme_weights_match_scipy(problem, solver, magnitudes, C):
    X, y, base = problem
    s = base * np.resize(magnitudes, len(y))
    model = LogisticRegression(C=C, solver=solver, tol=1e-10).fit(X, y, sample_weight=s)
    expected = scipy_fit(X, y, s, C)
    np.testing.assert_allclose(np.r_[model.coef_[0], model.intercept_], expected, rtol=1e-6)


def test_weights_all_equal_and_huge_fit_like_no_weights(problem):
    X, y, _ = problem
    huge = LogisticRegression(C=np.inf, tol=1e-10).fit(X, y, sample_weight=np.full(len(y), 1e307))
    plain = LogisticRegression(C=np.inf, tol=1e-10).fit(X, y)
    np.testing.assert_allclose(huge.coef_, plain.coef_, rtol=1e-8)
    np.testing.assert_allclose(huge.intercept_, plain.intercept_, rtol=1e-8)


def test_path_and_cv_take_overflowing_weights(problem):
    """The path's grid of ``C`` scales with the weights; its fits are the estimator's."""
    X, y, base = problem
    scale = 1e307
    plain = logistic_path(X, y, Cs=4, l1_ratio=1.0, sample_weight=base)
    huge = logistic_path(X, y, Cs=4, l1_ratio=1.0, sample_weight=base * scale, tol=1e-10)
    np.testing.assert_allclose(huge.Cs * scale, plain.Cs, rtol=1e-10)
    C = huge.Cs[-1]
    model = LogisticRegression(C=C, l1_ratio=1.0, tol=1e-10).fit(X, y, sample_weight=base * scale)
    np.testing.assert_allclose(huge.coefs[-1], model.coef_, rtol=1e-5, atol=1e-8)
    cv = LogisticRegressionCV(Cs=3, cv=3).fit(X, y, sample_weight=base * scale)
    assert np.all(np.isfinite(cv.coef_)) and np.all(np.isfinite(cv.scores_))


def test_weights_beyond_float64_are_refused_not_silently_wrong(problem):
    """The reviewer's case: log-uniform weights over 1e-300..1e300."""
    X, y, _ = problem
    s = 10.0 ** np.random.default_rng(0).uniform(-300, 300, len(y))
    with pytest.raises(ValueError, match="ratio of the largest to the smallest"):
        LogisticRegression().fit(X, y, sample_weight=s)
