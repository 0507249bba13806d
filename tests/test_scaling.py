"""Never silently wrong on data in natural units (issue 9).

The maximum-likelihood estimate is equivariant under rescaling and shifting a
column: a fit on ``x·a + c`` has coefficient ``β/a`` and an intercept that
absorbs the shift. Every solver must reproduce that to its tolerance, or warn.
References are statsmodels' ``Logit`` on standardized columns and SciPy's
``minimize`` on objectives written here.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
import statsmodels.api as sm
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import minimize
from scipy.special import expit, log_expit
from sklearn.base import BaseEstimator, ClassifierMixin

from logistica import LogisticRegression
from logistica.calibration import CalibratedModel
from logistica.exceptions import ConvergenceWarning
from logistica.objective import BinomialLoss, Design, ElasticNet, Problem, make_penalty
from logistica.objective.design import StandardizedDesign
from logistica.solvers import get, solve

UNPENALIZED_SOLVERS = ["newton", "lbfgs", "trust-ncg", "gd", "cd"]


def logistic_data(seed: int, n: int = 600, d: int = 3):
    rng = np.random.default_rng(seed)
    Z = rng.standard_normal((n, d))
    Z[:, 1:] += 0.4 * Z[:, :-1]
    beta = rng.uniform(-1.0, 1.0, d)
    y = (rng.random(n) < expit(0.3 + Z @ beta)).astype(int)
    return Z, y


def statsmodels_standardized(Z, y):
    """MLE in the units of the standardized columns (intercept first)."""
    Zs = (Z - Z.mean(axis=0)) / Z.std(axis=0)
    return sm.Logit(y, sm.add_constant(Zs)).fit(disp=0, method="newton", tol=1e-12).params


def in_standardized_units(model, X):
    """Fitted (intercept, coefficients) mapped to the standardized columns of X."""
    mean, std = X.mean(axis=0), X.std(axis=0)
    coef = model.coef_[0] * std
    return np.r_[model.intercept_[0] + model.coef_[0] @ mean, coef]


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 10_000),
    log_scales=st.lists(st.floats(-8, 8), min_size=3, max_size=3),
    shifts=st.lists(st.floats(-5, 5), min_size=3, max_size=3),
    solver=st.sampled_from(UNPENALIZED_SOLVERS),
)
def test_unpenalized_fit_is_equivariant_to_column_units(seed, log_scales, shifts, solver):
    Z, y = logistic_data(seed)
    scales = 10.0 ** np.asarray(log_scales)
    # shifts are in units of the column's spread times a large factor: up to 1e5 sds
    X = Z * scales + np.asarray(shifts) ** 7 * scales
    reference = statsmodels_standardized(Z, y)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model = LogisticRegression(C=np.inf, solver=solver, tol=1e-9, max_iter=20_000).fit(X, y)
    warned = any(issubclass(w.category, ConvergenceWarning) for w in caught)
    if warned:
        assert not model.converged_
        return
    assert model.converged_
    np.testing.assert_allclose(
        in_standardized_units(model, X), reference, rtol=1e-6, atol=1e-6 * np.abs(reference).max()
    )


@pytest.mark.parametrize("solver", ["auto", "newton", "lbfgs", "trust-ncg", "gd", "cd"])
@pytest.mark.parametrize("tol", [1e-6, 1e-10])
def test_income_in_cents(solver, tol):
    """The issue's example: an income column in cents beside an age column."""
    rng = np.random.default_rng(0)
    n = 2000
    income = rng.normal(5e6, 2e6, n)
    age = rng.uniform(20, 70, n)
    y = (rng.random(n) < expit(-3 + 4e-7 * income + 0.03 * age)).astype(int)
    X = np.column_stack([income, age])
    reference = sm.Logit(y, sm.add_constant(X)).fit(disp=0, method="newton", tol=1e-12).params
    if solver == "gd" and tol == 1e-10:
        # gd's directional derivative -‖g‖² is at the rounding level near 1e-10: whether
        # it gets there depends on the last bits of the loss, but it converges or says why
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", ConvergenceWarning)
            model = LogisticRegression(C=np.inf, solver=solver, tol=tol).fit(X, y)
        if not model.converged_:
            assert any("floating-point limit" in str(w.message) for w in caught)
            return
    model = LogisticRegression(C=np.inf, solver=solver, tol=tol, max_iter=20_000).fit(X, y)
    assert model.converged_
    # the default tol promises ~sqrt(tol) relative accuracy of the estimates at worst
    accuracy = 1e-4 if tol == 1e-6 else 1e-7
    np.testing.assert_allclose(np.r_[model.intercept_, model.coef_[0]], reference, rtol=accuracy)


@pytest.mark.parametrize("solver", ["newton", "lbfgs", "trust-ncg"])
def test_tiny_units(solver):
    """A column scaled by 1e-7 (and one by 1e7) is fitted as the unscaled data."""
    Z, y = logistic_data(3)
    X = Z * np.array([1e-7, 1e7, 1.0])
    model = LogisticRegression(C=np.inf, solver=solver, tol=1e-10).fit(X, y)
    assert model.converged_
    reference = statsmodels_standardized(Z, y)
    np.testing.assert_allclose(in_standardized_units(model, X), reference, rtol=1e-7)


def test_penalized_fit_on_unscaled_data_meets_kkt():
    """L2 and elastic-net fits on wildly scaled columns reach SciPy's optimum."""
    Z, y = logistic_data(5, n=300)
    X = Z * np.array([1e4, 1e-3, 1.0]) + np.array([1e5, 0.0, 3.0])
    C = 0.5

    def objective(params):
        w, b = params[:-1], params[-1]
        z = X @ w + b
        return C * float(np.sum(-y * log_expit(z) - (1 - y) * log_expit(-z))) + 0.5 * w @ w

    def gradient(params):
        w, b = params[:-1], params[-1]
        r = C * (expit(X @ w + b) - y)
        return np.r_[X.T @ r + w, r.sum()]

    # the reference optimizer works on standardized columns to converge, then maps back
    mean, std = X.mean(axis=0), X.std(axis=0)

    def to_original(p):
        return np.r_[p[:-1] / std, p[-1] - mean @ (p[:-1] / std)]

    def jacobian_back(g):
        return np.r_[g[:-1] / std - mean / std * g[-1], g[-1]]

    result = minimize(
        lambda p: (objective(to_original(p)), jacobian_back(gradient(to_original(p)))),
        np.zeros(4),
        jac=True,
        method="L-BFGS-B",
        options={"gtol": 1e-12, "ftol": 1e-15, "maxiter": 10_000},
    )
    reference = to_original(result.x)
    for solver in ["newton", "lbfgs", "trust-ncg", "gd"]:
        model = LogisticRegression(C=C, solver=solver, tol=1e-10, max_iter=50_000).fit(X, y)
        assert model.converged_, solver
        np.testing.assert_allclose(
            np.r_[model.coef_[0], model.intercept_],
            reference,
            rtol=1e-5,
            err_msg=solver,
        )


def test_optimality_is_invariant_to_units_and_origin():
    Z, y = logistic_data(7, n=200)
    scales, shifts = np.array([1e6, 1e-6, 3.0]), np.array([-4e8, 2e-5, 10.0])
    a = Problem(Z, y.astype(float), BinomialLoss())
    b = Problem(Z * scales + shifts, y.astype(float), BinomialLoss())
    rng = np.random.default_rng(1)
    coef = rng.normal(size=4) * 0.3
    mapped = np.r_[coef[:3] / scales, coef[3] - shifts @ (coef[:3] / scales)]
    opt_a = a.optimality(coef, a.value_grad(coef)[1])
    opt_b = b.optimality(mapped, b.value_grad(mapped)[1])
    assert opt_a == pytest.approx(opt_b, rel=1e-6)


def test_sparse_and_dense_share_the_measure():
    rng = np.random.default_rng(2)
    X = sp.random(200, 30, density=0.1, format="csr", random_state=2) * 1e4
    y = (rng.random(200) < 0.3).astype(float)
    dense = Problem(X.toarray(), y, BinomialLoss(), make_penalty(1.0, 0.0, 200))
    sparse = Problem(X, y, BinomialLoss(), make_penalty(1.0, 0.0, 200))
    coef = rng.normal(size=31) * 1e-4
    np.testing.assert_allclose(
        dense.optimality(coef, dense.value_grad(coef)[1]),
        sparse.optimality(coef, sparse.value_grad(coef)[1]),
        rtol=1e-10,
    )


def test_standardized_problem_has_the_same_objective():
    rng = np.random.default_rng(3)
    X = rng.normal(size=(50, 3)) * [1e3, 1e-3, 1.0] + [5e3, 0.0, 1.0]
    y = (rng.random(50) < 0.5).astype(float)
    problem = Problem(X, y, BinomialLoss(), ElasticNet(0.01, l1_ratio=0.3))
    work = problem.standardized()
    assert work is not None
    coef = rng.normal(size=4)
    np.testing.assert_allclose(
        work.value_grad(coef)[0], problem.value_grad(work.coef_to_parent(coef))[0], rtol=1e-12
    )
    np.testing.assert_allclose(work.coef_from_parent(work.coef_to_parent(coef)), coef)


def test_well_scaled_problems_are_solved_as_they_are():
    rng = np.random.default_rng(4)
    X = rng.standard_normal((100, 3))
    problem = Problem(X, (X[:, 0] > 0).astype(float), BinomialLoss(), make_penalty(1, 0, 100))
    assert problem.standardized() is None


def test_penalty_in_other_units():
    penalty = ElasticNet(0.3, l1_ratio=0.4, penalty_factor=[1.0, 2.0, 0.0])
    scale = np.array([10.0, 1e-3, 5.0])
    w = np.array([0.5, -2.0, 7.0])
    rescaled = penalty.in_units(scale)
    assert rescaled.value(w * scale) == pytest.approx(penalty.value(w))
    # the smooth gradient is the chain rule of the original's
    np.testing.assert_allclose(
        rescaled.smooth_gradient(w * scale), penalty.smooth_gradient(w) / scale
    )


def test_standardized_gram_matches_numpy():
    rng = np.random.default_rng(5)
    X = rng.normal(size=(5000, 4)) + np.array([1e6, 0, -3, 0])
    h = rng.uniform(0.1, 0.3, 5000)
    mean, scale = X.mean(axis=0), X.std(axis=0)
    (gram,) = StandardizedDesign(X, mean, scale).gram([h], intercept=True)
    A = np.column_stack([(X - mean) / scale, np.ones(5000)])
    np.testing.assert_allclose(gram, A.T @ (A * h[:, None]), rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize("order", ["C", "F"])
def test_gram_of_shifted_columns_in_float32_keeps_centred_digits(order):
    """A float32 Gram of a column subset is shifted in float64 first (means of 1e6)."""
    rng = np.random.default_rng(7)
    X = np.asarray(rng.normal(size=(5000, 6)) + 1e6 * np.arange(6), order=order)
    h = rng.uniform(0.1, 0.3, 5000)
    columns = np.array([1, 4, 5])
    shift = X[:, columns].mean(axis=0)
    (gram,) = Design(X).gram([h], True, columns=columns, shift=shift, dtype=np.float32)
    A = np.column_stack([X[:, columns] - shift, np.ones(5000)])
    np.testing.assert_allclose(gram, A.T @ (A * h[:, None]), rtol=1e-5, atol=1e-3)
    mean, scale = X.mean(axis=0), X.std(axis=0)
    shift = np.array([0.5, -0.2, 0.1])
    (gram,) = StandardizedDesign(X, mean, scale).gram([h], False, columns=columns, shift=shift)
    A = (X[:, columns] - mean[columns]) / scale[columns] - shift
    np.testing.assert_allclose(gram, A.T @ (A * h[:, None]), rtol=1e-10, atol=1e-6)


def test_platt_scaling_is_affine_invariant_in_the_score():
    """Scores of size 1e7 calibrate like the same scores in small units (issue 9.2)."""
    rng = np.random.default_rng(6)
    score = rng.normal(size=2000)
    y = (rng.random(2000) < expit(1.5 * score - 0.5)).astype(int)

    class Scorer(ClassifierMixin, BaseEstimator):
        """A fitted base model returning ``a·score + c`` from column 0."""

        def __init__(self, a=1.0, c=0.0):
            self.a, self.c = a, c

        def fit(self, X, y):
            self.classes_ = np.array([0, 1])
            return self

        def decision_function(self, X):
            return self.a * X[:, 0] + self.c

        def predict(self, X):
            return (self.decision_function(X) > 0).astype(int)

    X = score[:, None]
    small = CalibratedModel(Scorer(1.0, 0.0).fit(X, y), method="sigmoid", cv="prefit").fit(X, y)
    large = CalibratedModel(Scorer(1e7, 3e7).fit(X, y), method="sigmoid", cv="prefit").fit(X, y)
    np.testing.assert_allclose(large.predict_proba(X), small.predict_proba(X), atol=1e-8)

    # and both are Platt's fit: SciPy on Platt's smoothed targets
    positives = y.sum()
    target = np.where(y > 0, (positives + 1) / (positives + 2), 1 / (len(y) - positives + 2))

    def loss(params):
        z = params[0] * score + params[1]
        return -np.sum(target * log_expit(z) + (1 - target) * log_expit(-z))

    a, b = minimize(loss, np.zeros(2), method="BFGS", options={"gtol": 1e-10}).x
    np.testing.assert_allclose(small.predict_proba(X)[:, 1], expit(a * score + b), atol=1e-6)


def test_unknown_solver_option_is_refused():
    with pytest.raises(ValueError, match=r"unknown option\(s\) 'memroy'.*'memory'"):
        LogisticRegression(solver="lbfgs", solver_options={"memroy": 5}).fit(
            np.eye(4), [0, 1, 0, 1]
        )
    with pytest.raises(ValueError, match="valid options: none"):
        get("firth", step=1)


def test_a_solver_that_stops_short_warns():
    Z, y = logistic_data(8)
    X = Z * [1e8, 1e-8, 1.0]
    problem = Problem(X, y.astype(float), BinomialLoss())
    with pytest.warns(ConvergenceWarning, match="did not converge"):
        solution = solve(problem, "gd", tol=1e-12, max_iter=3)
    assert not solution.converged
