"""The benchmark harness (benchmarks/, never run in CI) still imports and measures correctly.

One contender fits a tiny problem in-process; its gap is checked against a SciPy optimum of
the harness's own objective, and that objective against scikit-learn's log-loss.
"""

import sys
from pathlib import Path

import numpy as np
from scipy.optimize import minimize
from sklearn.metrics import log_loss

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # benchmarks/ is not installed

from benchmarks import contenders, problems
from benchmarks.objective import relative_gap, sklearn_objective


def _tiny(n_classes=2):
    spec = problems.Spec("tiny", "tiny", "dense_gaussian", 400, 6, 0.5, n_classes=n_classes)
    return spec, *problems.make(spec)


def test_objective_matches_sklearn_log_loss():
    _, X, y = _tiny(n_classes=3)
    rng = np.random.default_rng(1)
    coef, intercept = rng.standard_normal((3, 6)), rng.standard_normal(3)
    Z = X @ coef.T + intercept
    proba = np.exp(Z - Z.max(axis=1, keepdims=True))
    proba /= proba.sum(axis=1, keepdims=True)
    expected = 0.5 * log_loss(y, proba, normalize=False) + 0.5 * (0.7 * np.sum(coef**2))
    expected += 0.3 * np.sum(np.abs(coef))
    # C = 0.5 multiplies the loss; l1_ratio = 0.3 splits the penalty
    assert np.isclose(sklearn_objective(X, y, coef, intercept, 0.5, 0.3), expected, rtol=1e-12)
    assert np.isclose(
        sklearn_objective(X, y, coef, intercept, np.inf), log_loss(y, proba, normalize=False)
    )


def test_one_contender_gap_against_scipy_reference():
    spec, X, y = _tiny()

    def value_grad(theta):
        w, b = theta[:-1], theta[-1]
        p = 1 / (1 + np.exp(-(X @ w + b)))
        grad = np.r_[spec.C * X.T @ (p - y) + w, spec.C * np.sum(p - y)]
        return sklearn_objective(X, y, w[None, :], [b], spec.C), grad

    optimum = minimize(
        value_grad,
        np.zeros(7),
        jac=True,
        method="L-BFGS-B",
        options={"gtol": 1e-12, "ftol": 0, "maxiter": 10_000},
    )
    f_star = optimum.fun
    contender = contenders.get("sklearn lbfgs")
    assert contender.applies(spec) is None
    for setting, bound in (("tight", 1e-9), ("default", 1e-4)):
        result = contender.fit(X, y, spec, *contender.tols[setting])
        assert result.coef.shape == (1, 6) and result.intercept.shape == (1,)
        value = sklearn_objective(X, y, result.coef, result.intercept, spec.C)
        assert relative_gap(value, f_star) <= bound
        assert np.allclose(result.coef.ravel(), optimum.x[:-1], atol=1e-3)
    assert np.isclose(relative_gap(f_star * (1 + 1e-6), f_star), 1e-6)
    assert relative_gap(f_star * (1 - 1e-9), f_star) == 0.0  # below f*: rounding, floored


def test_every_problem_and_reference_is_registered():
    for spec in problems.PROBLEMS.values():
        quick = spec.shrunk(quick=True)
        assert quick.n < spec.n and np.isclose(quick.C * quick.n, spec.C * spec.n)
        name, setting = contenders.reference_for(spec)
        assert not name.startswith("logistica")
        assert contenders.get(name).applies(spec) is None and setting in contenders.get(name).tols
