"""Numerical torture cases, each with its documented outcome (issue 18).

Every case ends in one of three ways, asserted here: a finite result that is
correct (checked against an independent reference: the KKT conditions in NumPy,
an equivalent well-scaled fit, or a closed form), a named warning
(``ConvergenceWarning``, ``SeparationWarning``), or a ``ValueError`` naming the
problem. ``RuntimeWarning`` is an error in this suite (pyproject), so no overflow
or invalid operation passes silently.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given
from hypothesis import strategies as st
from scipy.special import logit

from _reference import kkt_violation
from _strategies import SOLVERS
from logistica import ConvergenceWarning, LogisticRegression, SeparationWarning

DETERMINISTIC = [s for s in SOLVERS if s != "sgd"]
SPARSE_SOLVERS = ["newton", "lbfgs", "trust-ncg", "gd", "cd"]


def data(n=40, d=3, seed=0, K=2):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d))
    score = X @ rng.standard_normal((d, K))
    y = (score.argmax(axis=1) + (rng.random(n) < 0.25)) % K  # overlapping classes
    y[:K] = np.arange(K)
    return X, y


def fit(X, y, solver="lbfgs", sample_weight=None, **params):
    params.setdefault("tol", 1e-10)
    params.setdefault("max_iter", 50_000)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model = LogisticRegression(solver=solver, **params).fit(X, y, sample_weight=sample_weight)
    assert np.all(np.isfinite(model.coef_)) and np.all(np.isfinite(model.intercept_))
    return model, [w.category for w in caught]


def assert_optimal(model, X, y, C, sample_weight=None, bound=1e-7):
    K = len(model.classes_)
    codes = np.searchsorted(model.classes_, y)
    with np.errstate(invalid="ignore"):
        violation = kkt_violation(
            np.asarray(X.todense() if sp.issparse(X) else X, dtype=np.float64),
            codes if K > 2 else codes.astype(float), model.coef_, model.intercept_, C, 0.0,
            sample_weight,
        )  # fmt: skip
    assert violation < bound, violation


def assert_same_predictions(a, b, Xa, Xb=None, atol=1e-7):
    Xb = Xa if Xb is None else Xb
    np.testing.assert_allclose(a.predict_proba(Xa), b.predict_proba(Xb), rtol=0, atol=atol)


# -- magnitudes ------------------------------------------------------------------------
@pytest.mark.parametrize("solver", DETERMINISTIC)
@given(log_scale=st.integers(0, 6))
def test_huge_linear_predictor_is_fitted_as_the_unscaled_data(solver, log_scale):
    """|Xw| up to 1e6 at the start: unpenalized MLE is equivariant, so coef scales by 1/a."""
    X, y = data()
    scale = 10.0**log_scale
    reference, _ = fit(X, y, "newton", C=np.inf)
    model, warned = fit(X * scale, y, solver, C=np.inf)
    assert model.converged_ and not warned
    np.testing.assert_allclose(model.coef_ * scale, reference.coef_, rtol=1e-5)
    scores = model.decision_function(X * scale * 1e6)  # far out: saturated, finite
    assert np.all(np.isfinite(scores)) and np.all(np.isfinite(model.predict_proba(X * 1e12)))


@pytest.mark.parametrize("solver", ["newton", "lbfgs", "cd"])
@pytest.mark.parametrize("magnitude", [1e20, 1e37])
def test_float32_with_large_magnitudes(solver, magnitude):
    """float32 near its overflow (3.4e38) fits like the float64 data it rounds to."""
    X, y = data()
    X32 = (X * magnitude).astype(np.float32)
    model, warned = fit(X32, y, solver, C=np.inf)
    reference, _ = fit(X32.astype(np.float64) / magnitude, y, "newton", C=np.inf)
    assert model.converged_ and not warned
    np.testing.assert_allclose(model.coef_ * magnitude, reference.coef_, rtol=1e-5)


# -- rank deficiency, tiny and wide data -----------------------------------------------
@pytest.mark.parametrize("solver", DETERMINISTIC)
@pytest.mark.parametrize("C", [1.0, np.inf])
def test_constant_and_duplicated_columns(solver, C):
    """Unpenalized, the coefficients of a duplicated column are not identified; the fit
    still converges to an optimum (the predictions of the reduced design); penalized, the
    unique L2 optimum splits the weight equally between the two copies."""
    X, y = data()
    wide = np.column_stack([X, np.full(len(y), 5.0), X[:, 0]])
    reduced, _ = fit(X, y, "newton", C=C)
    model, warned = fit(wide, y, solver, C=C)
    assert model.converged_ and not warned
    if not np.isfinite(C):
        assert_same_predictions(model, reduced, wide, X, atol=1e-6)
    else:
        assert_optimal(model, wide, y, C)
        assert abs(model.coef_[0, 3]) < 1e-7  # a constant column is the intercept's job
        np.testing.assert_allclose(model.coef_[0, 0], model.coef_[0, 4], rtol=1e-6)


@pytest.mark.parametrize("solver", SOLVERS)
def test_two_samples(solver):
    X, y = np.array([[0.0], [1.0]]), np.array([0, 1])
    model, _ = fit(X, y, solver, C=1.0, max_iter=None if solver == "sgd" else 50_000)
    if solver != "sgd":
        assert_optimal(model, X, y, 1.0)
    assert list(model.predict(X)) == [0, 1]
    with pytest.warns(SeparationWarning, match="completely separated"):
        LogisticRegression(solver=solver, C=np.inf).fit(X, y)


@pytest.mark.parametrize("solver", DETERMINISTIC)
@pytest.mark.parametrize("K", [2, 3])
def test_many_more_features_than_samples(solver, K):
    X, y = data(n=12, d=400, K=K)
    # gd's line search meets rounding before 1e-10 here (it warns so): 1e-8 is its limit
    model, _ = fit(X, y, solver, C=0.5, tol=1e-8 if solver == "gd" else 1e-10)
    assert model.converged_
    assert_optimal(model, X, y, 0.5, bound=1e-6)
    with pytest.warns(SeparationWarning):
        LogisticRegression(solver=solver, C=np.inf, max_iter=100).fit(X, y)


# -- separation ------------------------------------------------------------------------
def separated(K: int, quasi: bool):
    rng = np.random.default_rng(1)
    centres = np.array([[6.0, 0.0], [-6.0, 0.0], [0.0, 9.0]])[:K]
    X = np.vstack([rng.standard_normal((10, 2)) + c for c in centres])
    y = np.repeat(np.arange(K), 10)
    if quasi:  # two tied rows of different classes on the boundary
        X, y = np.vstack([X, [[0.0, -30.0], [0.0, -30.0]]]), np.r_[y, 0, 1]
    return X, y


@pytest.mark.parametrize("solver", SOLVERS)
@pytest.mark.parametrize(("K", "quasi"), [(2, False), (2, True), (3, False)])
def test_separated_classes_warn_and_stay_finite(solver, K, quasi):
    X, y = separated(K, quasi)
    kind = "quasi-completely" if quasi else "completely"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        with pytest.warns(SeparationWarning, match=f"classes are {kind} separated"):
            model = LogisticRegression(solver=solver, C=np.inf).fit(X, y)
    proba = model.predict_proba(X)
    assert np.all(np.isfinite(model.coef_)) and np.all(np.isfinite(proba))
    separable = slice(None, 10 * K)
    assert np.all(model.predict(X[separable]) == y[separable])


@pytest.mark.parametrize("solver", DETERMINISTIC)
def test_class_with_a_single_sample(solver):
    X, y = data(K=3)
    y = np.where(y == 2, 0, y)
    y[-1] = 2
    model, _ = fit(X, y, solver, C=1.0)
    assert model.converged_
    assert_optimal(model, X, y, 1.0, bound=1e-6)


@pytest.mark.parametrize("solver", DETERMINISTIC)
def test_hundred_classes_with_three_samples_each(solver):
    rng = np.random.default_rng(2)
    X, y = rng.standard_normal((300, 5)), np.repeat(np.arange(100), 3)
    model, _ = fit(X, y, solver, C=1.0, tol=1e-8)
    assert model.coef_.shape == (100, 5) and model.converged_
    assert_optimal(model, X, y, 1.0, bound=1e-5)
    np.testing.assert_allclose(model.predict_proba(X).sum(axis=1), 1.0)


# -- extreme C, weights ----------------------------------------------------------------
@pytest.mark.parametrize("solver", DETERMINISTIC)
def test_extreme_C(solver):
    X, y = data()
    tiny, _ = fit(X, y, solver, C=1e-12)
    # ‖w‖ ~ C: the intercept alone fits the class frequency
    assert np.abs(tiny.coef_).max() < 1e-10
    np.testing.assert_allclose(tiny.intercept_[0], logit(y.mean()), rtol=1e-6)
    huge, _ = fit(X, y, solver, C=1e12)
    unpenalized, _ = fit(X, y, "newton", C=np.inf)
    np.testing.assert_allclose(huge.coef_, unpenalized.coef_, rtol=1e-6)


@pytest.mark.parametrize("solver", ["newton", "lbfgs", "cd"])
@given(magnitude=st.integers(-300, 300), seed=st.integers(0, 1000))
def test_weights_of_any_magnitude(solver, magnitude, seed):
    """Weights ``s·10^m`` with ``C·10^-m`` are the same objective up to a constant
    factor: the same fit for every ``m`` in -300 … 300, and optimal."""
    X, y = data()
    base = np.random.default_rng(seed).uniform(0.5, 2.0, len(y))
    model, _ = fit(X, y, solver, sample_weight=base * 10.0**magnitude, C=10.0**-magnitude)
    assert model.converged_
    reference, _ = fit(X, y, "newton", sample_weight=base, C=1.0)
    np.testing.assert_allclose(model.coef_, reference.coef_, rtol=1e-6)
    assert_optimal(model, X, y, 1.0, sample_weight=base, bound=1e-7)


@pytest.mark.parametrize("solver", ["newton", "lbfgs", "cd"])
def test_weights_spanning_300_decades(solver):
    """Rows weighted 1e-150 beside rows weighted 1e150 count for nothing (1e-300 of the
    objective): the fit equals the fit on the heavy rows alone."""
    X, y = data(n=60)
    heavy = np.arange(len(y)) % 2 == 0
    weights = np.where(heavy, 1e150, 1e-150)
    model, _ = fit(X, y, solver, sample_weight=weights, C=1e-150)
    alone, _ = fit(X[heavy], y[heavy], "newton", C=1.0)
    np.testing.assert_allclose(model.coef_, alone.coef_, rtol=1e-6)


@pytest.mark.parametrize("solver", ["newton", "lbfgs", "cd"])
def test_zero_weights_drop_samples_and_a_lone_weighted_class_is_refused(solver):
    X, y = data()
    weights = np.ones(len(y))
    weights[::3] = 0.0
    model, _ = fit(X, y, solver, sample_weight=weights, C=1.0)
    dropped, _ = fit(X[weights > 0], y[weights > 0], solver, C=1.0)
    np.testing.assert_allclose(model.coef_, dropped.coef_, rtol=1e-7)
    only_one = np.zeros(len(y))
    only_one[0] = 1.0
    with pytest.raises(ValueError, match="all the weight on a single class"):
        LogisticRegression(solver=solver).fit(X, y, sample_weight=only_one)
    with pytest.raises(ValueError, match="ratio of the largest to the smallest"):
        LogisticRegression(solver=solver).fit(X, y, sample_weight=np.r_[1e-301, weights[1:]])
