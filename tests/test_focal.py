"""FocalLoss: values, gradient, stability, and LogisticRegression(loss="focal")."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import minimize
from scipy.special import expit
from sklearn.datasets import make_classification
from sklearn.utils.estimator_checks import parametrize_with_checks

from logistica import LogisticRegression
from logistica.objective import BinomialLoss
from logistica.objective.focal import FocalLoss


@pytest.fixture(scope="module")
def raw_data():
    rng = np.random.default_rng(0)
    z = rng.normal(size=200) * 4.0
    y = (rng.random(200) < 0.4).astype(float)
    weight = rng.uniform(0.1, 2.0, 200)
    return z, y, weight


def _focal_reference(z, y, gamma):
    """-(1 - p_t)^γ log p_t, straight from the definition (moderate z only)."""
    p = 1.0 / (1.0 + np.exp(-z))
    p_true = np.where(y == 1, p, 1 - p)
    return -((1 - p_true) ** gamma) * np.log(p_true)


@pytest.mark.parametrize("gamma", [0.5, 1.0, 2.0, 5.0])
def test_value_matches_the_definition(raw_data, gamma):
    z, y, weight = raw_data
    expected = weight @ _focal_reference(z, y, gamma)
    assert FocalLoss(gamma).value(z, y, weight) == pytest.approx(expected, rel=1e-12)
    value, _ = FocalLoss(gamma).value_and_residual(z, y, weight)
    assert value == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("gamma", [0.25, 1.0, 2.0, 3.5])
def test_residual_is_the_derivative_by_finite_differences(raw_data, gamma):
    z, y, weight = raw_data
    loss = FocalLoss(gamma)
    _, residual = loss.value_and_residual(z, y, weight)
    h = 1e-5
    for i in range(z.size):  # the loss is a sum over samples: differentiate each term
        term = [loss.value(z[i : i + 1] + d, y[i : i + 1], weight[i : i + 1]) for d in (h, -h)]
        assert residual[i] == pytest.approx((term[0] - term[1]) / (2 * h), rel=1e-6, abs=1e-9)


def test_gamma_zero_is_the_binomial_loss_exactly(raw_data):
    z, y, weight = raw_data
    focal, binomial = FocalLoss(0.0), BinomialLoss()
    assert focal.value(z, y, weight) == binomial.value(z, y, weight)
    value, residual = focal.value_and_residual(z, y, weight)
    ref_value, ref_residual = binomial.value_and_residual(z, y, weight)
    assert value == ref_value
    np.testing.assert_array_equal(residual, ref_residual)
    np.testing.assert_array_equal(focal.predict_proba(z), binomial.predict_proba(z))


def test_small_gamma_is_close_to_the_binomial_loss(raw_data):
    z, y, weight = raw_data
    value, residual = FocalLoss(1e-9).value_and_residual(z, y, weight)
    ref_value, ref_residual = BinomialLoss().value_and_residual(z, y, weight)
    assert value == pytest.approx(ref_value, rel=1e-7)
    np.testing.assert_allclose(residual, ref_residual, atol=1e-7)


@pytest.mark.parametrize("gamma", [0.5, 2.0])
def test_stable_for_huge_raw_predictions(gamma):
    z = np.array([-1e6, -1e3, -40.0, 0.0, 40.0, 1e3, 1e6])
    ones = np.ones_like(z)
    for y in (0.0, 1.0):
        target = np.full_like(z, y)
        value, residual = FocalLoss(gamma).value_and_residual(z, target, ones)
        assert np.isfinite(value) and np.all(np.isfinite(residual))
        per_sample = np.array(
            [FocalLoss(gamma).value(z[i : i + 1], target[i : i + 1], ones[:1]) for i in range(7)]
        )
        wrong = (2 * y - 1) * z < 0  # confidently wrong: loss ≈ |z|, residual ≈ ∓1
        np.testing.assert_allclose(
            per_sample[wrong & (np.abs(z) >= 1e3)], np.abs(z)[wrong & (np.abs(z) >= 1e3)]
        )
        np.testing.assert_allclose(np.abs(residual[wrong & (np.abs(z) >= 40)]), 1.0)
        assert np.all(per_sample[~wrong & (np.abs(z) >= 1e3)] == 0.0)
        assert np.all(residual[~wrong & (np.abs(z) >= 1e3)] == 0.0)


def test_not_convex_so_no_hessian(raw_data):
    z, _, weight = raw_data
    loss = FocalLoss(2.0)
    # The finite-difference curvature of a badly misclassified sample is negative.
    z0, h = np.array([-3.0]), 1e-4
    one, w = np.array([1.0]), np.array([1.0])
    curvature = (
        loss.value(z0 + h, one, w) - 2 * loss.value(z0, one, w) + loss.value(z0 - h, one, w)
    ) / h**2
    assert curvature < 0
    for call in (
        lambda: loss.hessian_state(z, weight),
        lambda: loss.hessian_product(None, z),
        lambda: loss.gram_weights(None),
    ):
        with pytest.raises(NotImplementedError, match="solver='lbfgs'"):
            call()


@pytest.mark.parametrize("gamma", [-1.0, np.nan, np.inf, "2"])
def test_bad_gamma(gamma):
    with pytest.raises(ValueError, match="gamma"):
        FocalLoss(gamma)


@pytest.fixture(scope="module")
def imbalanced():
    X, y = make_classification(
        n_samples=1500, n_features=5, weights=[0.85], flip_y=0.05, random_state=0
    )
    return X, y


def _focal_objective_fit(X, y, gamma, C):
    """scikit-learn's convention, 0.5·‖w‖² + C·Σ focal loss, minimised by SciPy from scratch."""
    Xb = np.column_stack([X, np.ones(len(X))])

    def objective(theta):
        z = Xb @ theta
        p = expit(z)
        p_true = np.where(y == 1, p, 1 - p)
        return 0.5 * theta[:-1] @ theta[:-1] - C * np.sum((1 - p_true) ** gamma * np.log(p_true))

    return minimize(objective, np.zeros(Xb.shape[1]), method="BFGS", options={"gtol": 1e-9}).x


def test_focal_fit_matches_an_independent_minimisation(imbalanced):
    X, y = imbalanced
    model = LogisticRegression(loss="focal", focal_gamma=2.0, C=0.5, tol=1e-10).fit(X, y)
    theta = _focal_objective_fit(X, y, 2.0, 0.5)
    np.testing.assert_allclose(model.coef_[0], theta[:-1], rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(model.intercept_[0], theta[-1], rtol=1e-4, atol=1e-5)
    assert model.solver_ == "lbfgs"  # "auto" never picks Newton for the focal loss


def test_focal_with_gamma_zero_is_the_log_loss_fit(imbalanced):
    X, y = imbalanced
    focal = LogisticRegression(loss="focal", focal_gamma=0.0, solver="lbfgs", tol=1e-10).fit(X, y)
    log = LogisticRegression(solver="lbfgs", tol=1e-10).fit(X, y)
    np.testing.assert_allclose(focal.coef_, log.coef_, rtol=1e-12)


def test_gradient_descent_and_lbfgs_agree(imbalanced):
    X, y = imbalanced
    lbfgs = LogisticRegression(loss="focal", solver="lbfgs", tol=1e-8).fit(X, y)
    gd = LogisticRegression(loss="focal", solver="gd", tol=1e-8).fit(X, y)
    np.testing.assert_allclose(gd.coef_, lbfgs.coef_, rtol=1e-5, atol=1e-6)


def test_focal_one_vs_rest_for_multiclass():
    X, y = make_classification(
        n_samples=600, n_features=5, n_informative=3, n_classes=3, random_state=0
    )
    model = LogisticRegression(loss="focal", multi_class="ovr").fit(X, y)
    assert model.coef_.shape == (3, 5) and model.score(X, y) > 0.6


def test_focal_errors_are_clear(imbalanced):
    X, y = imbalanced
    with pytest.raises(ValueError, match=r"'newton' needs second derivatives.*'focal'"):
        LogisticRegression(loss="focal", solver="newton").fit(X, y)
    with pytest.raises(ValueError, match="binary targets only"):
        LogisticRegression(loss="focal").fit(X[:300], np.arange(300) % 3)
    with pytest.raises(ValueError, match="loss must be 'log' or 'focal'"):
        LogisticRegression(loss="hinge").fit(X, y)
    with pytest.raises(ValueError, match="needs l1_ratio=0"):
        LogisticRegression(loss="focal", l1_ratio=0.5).fit(X, y)
    with pytest.raises(ValueError, match="focal_gamma"):
        LogisticRegression(loss="focal", focal_gamma=-1.0).fit(X, y)


@parametrize_with_checks([LogisticRegression(loss="focal", multi_class="ovr")])
def test_focal_estimator_is_sklearn_compatible(estimator, check):
    check(estimator)
