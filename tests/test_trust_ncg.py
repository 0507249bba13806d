"""Trust-region Newton-CG: same optimum as newton / lbfgs, on dense and sparse data."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from _reference import kkt_violation
from logistica import LogisticRegression
from logistica.objective import L2, BinomialLoss, Problem, make_penalty
from logistica.solvers import choose, solve
from logistica.solvers.trust_ncg import steihaug_cg


@pytest.mark.parametrize("fmt", ["dense", "sparse"])
@pytest.mark.parametrize("dataset", ["cancer", "wine"])
def test_reaches_the_newton_optimum(dataset, fmt, request):
    X, y = request.getfixturevalue(dataset)
    data = sp.csr_matrix(X) if fmt == "sparse" else X
    model = LogisticRegression(C=0.5, solver="trust-ncg", tol=1e-10).fit(data, y)
    newton = LogisticRegression(C=0.5, solver="newton", tol=1e-10).fit(X, y)
    assert model.converged_
    # the gradient vanishes at its solution (independent NumPy gradient) ...
    assert kkt_violation(X, y, model.coef_, model.intercept_, 0.5, 0.0) < 1e-9
    # ... which is newton's
    np.testing.assert_allclose(model.predict_proba(X), newton.predict_proba(X), atol=1e-8)


def test_matches_lbfgs_on_a_wide_sparse_problem():
    rng = np.random.default_rng(0)
    X = sp.random(300, 2000, density=0.01, format="csr", random_state=0)
    y = (rng.random(300) < 0.4).astype(int)
    weight = rng.uniform(0.5, 2, 300)
    ours = LogisticRegression(C=2.0, solver="trust-ncg", tol=1e-10).fit(X, y, sample_weight=weight)
    lbfgs = LogisticRegression(C=2.0, solver="lbfgs", tol=1e-10).fit(X, y, sample_weight=weight)
    assert kkt_violation(X, y, ours.coef_, ours.intercept_, 2.0, 0.0, weight) < 1e-9
    np.testing.assert_allclose(ours.coef_, lbfgs.coef_, atol=1e-6)


def test_unscaled_data_and_warm_start(cancer):
    X, y = cancer
    X = X * np.geomspace(1, 1000, X.shape[1])
    problem = Problem(X, y.astype(float), BinomialLoss(), make_penalty(1.0, 0.0, len(y)))
    solution = solve(problem, "trust-ncg", tol=1e-10)
    assert solution.converged
    again = solve(problem, "trust-ncg", solution.coef, tol=1e-10)
    assert again.n_iter == 0


def test_rejects_l1_and_is_never_chosen_by_auto():
    """Newton-CG is faster on the sparse problems trust-ncg was once picked for."""
    X = sp.random(100, 50, density=0.1, format="csr", random_state=0)
    y = (np.arange(100) % 2).astype(float)
    assert choose(Problem(X, y, BinomialLoss(), L2(0.1))) == "newton"
    with pytest.raises(ValueError, match="L1"):
        solve(Problem(X, y, BinomialLoss(), make_penalty(1.0, 1.0, 100)), "trust-ncg")


def test_steihaug_stops_on_the_boundary():
    H = np.diag([1.0, 10.0])
    g = np.array([-10.0, -10.0])
    step, residual, _ = steihaug_cg(lambda v: H @ v, g, 1.0, np.ones(2), 1e-12, 10)
    assert np.linalg.norm(step) == pytest.approx(1.0)
    np.testing.assert_allclose(residual, -g - H @ step)
