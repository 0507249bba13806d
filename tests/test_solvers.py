"""Solvers: same optimum for all, shared stopping rule, registry, warnings, edge cases."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import scipy.sparse as sp

from logistica import ConvergenceWarning
from logistica import solvers as registry
from logistica.objective import L2, BinomialLoss, MultinomialLoss, NoPenalty, Problem
from logistica.solvers import Solver, choose, get, solve

SMOOTH_SOLVERS = ["newton", "lbfgs", "gd"]


def _problem(kind, sparse, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((300, 8))
    X[rng.random(X.shape) < 0.5] = 0.0
    if kind == "binomial":
        y = (rng.random(300) < 1 / (1 + np.exp(-X @ rng.standard_normal(8)))).astype(float)
        loss = BinomialLoss()
    else:
        y = (X[:, :3] + rng.standard_normal((300, 3))).argmax(axis=1)
        loss = MultinomialLoss(3)
    return Problem(sp.csr_matrix(X) if sparse else X, y, loss, L2(1 / 300))


@pytest.mark.parametrize("kind", ["binomial", "multinomial"])
@pytest.mark.parametrize("sparse", [False, True])
def test_every_solver_reaches_the_same_optimum(kind, sparse):
    problem = _problem(kind, sparse)
    tol = 1e-7
    solutions = {name: solve(problem, name, tol=tol, max_iter=50_000) for name in SMOOTH_SOLVERS}
    reference = solutions["newton"].coef
    for name, solution in solutions.items():
        assert solution.converged, name
        # optimality recomputed here from the gradient, independently of the solver
        _, grad, _ = problem.value_grad(solution.coef)
        assert np.max(np.abs(grad)) <= tol * problem.optimality_scale * (1 + 1e-9), name
        np.testing.assert_allclose(solution.coef, reference, atol=1e-4, err_msg=name)
        assert solution.history[-1] == pytest.approx(min(solution.history), rel=1e-12)


def test_newton_converges_quadratically():
    solution = solve(_problem("binomial", False), "newton", tol=1e-12)
    assert solution.converged and solution.n_iter <= 8


def test_newton_subsampled_hessian_reaches_the_exact_optimum():
    rng = np.random.default_rng(3)
    X = rng.standard_normal((40_000, 5))
    y = (rng.random(40_000) < 1 / (1 + np.exp(-X @ np.arange(1.0, 6.0) / 3))).astype(float)
    problem = Problem(X, y, BinomialLoss(), L2(1e-4))
    sub = get("newton", hessian_rows=2000).solve(problem, tol=1e-10)
    full = get("newton", hessian_rows=None).solve(problem, tol=1e-10)
    assert sub.converged and full.converged
    np.testing.assert_allclose(sub.coef, full.coef, rtol=1e-7, atol=1e-9)


def test_newton_survives_a_singular_hessian():
    rng = np.random.default_rng(1)
    x = rng.standard_normal((200, 2))
    X = np.column_stack([x, x[:, 0]])  # duplicated column, no penalty
    y = (rng.random(200) < 1 / (1 + np.exp(-x @ [1.0, -1.0]))).astype(float)
    solution = solve(Problem(X, y, BinomialLoss(), NoPenalty()), "newton", tol=1e-10)
    assert solution.converged and np.all(np.isfinite(solution.coef))
    reduced = solve(Problem(x, y, BinomialLoss(), NoPenalty()), "newton", tol=1e-10)
    np.testing.assert_allclose(solution.coef[0] + solution.coef[2], reduced.coef[0], rtol=1e-7)
    np.testing.assert_allclose(solution.coef[0], solution.coef[2], rtol=1e-7)  # minimum norm


def test_gd_fixed_learning_rate_and_verbose_loss(capsys):
    problem = _problem("binomial", False)
    solution = get("gd", learning_rate=2.0).solve(problem, tol=1e-5, verbose=2)
    assert solution.converged
    out = capsys.readouterr().out
    assert "[gd] iter     1  objective" in out
    assert np.all(np.diff(solution.history) <= 1e-15)  # monotone for a stable step


def test_gd_reports_divergence_of_a_too_large_learning_rate():
    problem = _problem("binomial", False)
    with pytest.warns(ConvergenceWarning, match="diverged|did not converge"):
        solution = get("gd", learning_rate=1e6).solve(problem, max_iter=200)
    assert not solution.converged


def test_gd_rejects_a_bad_learning_rate():
    with pytest.raises(ValueError, match="learning_rate"):
        get("gd", learning_rate=-1.0).solve(_problem("binomial", False))


def test_convergence_warning_names_solver_and_distance():
    with pytest.warns(
        ConvergenceWarning, match=r"solver 'lbfgs' did not converge in 2 .*optimality"
    ):
        solution = solve(_problem("binomial", False), "lbfgs", max_iter=2)
    assert not solution.converged and solution.n_iter == 2
    assert len(solution.history) == 3


def test_registry_and_auto_policy():
    assert {"newton", "lbfgs", "gd"} <= set(registry.available())
    assert choose(_problem("binomial", False)) == "newton"
    # sparse: Newton's products cost the stored entries (CG when the Hessian is large)
    assert choose(_problem("binomial", True)) == "newton"
    assert choose(_problem("multinomial", True)) == "newton"
    wide = Problem(np.zeros((10, 2000)), np.r_[np.zeros(5), np.ones(5)], BinomialLoss(), L2(1.0))
    assert choose(wide) != "newton"  # dense, wide, too few rows for a Hessian sample
    wide_sparse = Problem(sp.csr_matrix(wide.design.X), wide.y, BinomialLoss(), L2(1.0))
    assert choose(wide_sparse) == "newton"
    with pytest.raises(ValueError, match="unknown solver 'nope'"):
        get("nope")


def test_solver_checks_its_declarations():
    class SmoothBinaryOnly(Solver):
        name = "test-smooth-binary-only"
        supports_multinomial = False

    with pytest.raises(ValueError, match="multinomial"):
        SmoothBinaryOnly().solve(_problem("multinomial", False))
    with pytest.raises(ValueError, match="coef0 has shape"):
        get("lbfgs").solve(_problem("binomial", False), np.zeros(3))


def test_callback_sees_every_iterate():
    seen = []
    solution = solve(_problem("binomial", False), "newton", callback=seen.append)
    assert len(seen) == solution.n_iter + 1


@pytest.mark.parametrize("name", SMOOTH_SOLVERS)
def test_no_runtime_warnings_on_extreme_scales(name):
    rng = np.random.default_rng(0)
    X = rng.standard_normal((200, 3)) * 1e6
    y = (rng.random(200) < 0.5).astype(float)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        warnings.simplefilter("ignore", ConvergenceWarning)
        solution = solve(Problem(X, y, BinomialLoss(), L2(1.0)), name, max_iter=200)
    assert np.all(np.isfinite(solution.coef)) and np.all(np.isfinite(solution.history))


def test_newton_cg_on_a_subsample_matches_cholesky_on_all_rows():
    rng = np.random.default_rng(4)
    X = rng.standard_normal((20_000, 6))
    y = (X[:, :4] + rng.standard_normal((20_000, 4))).argmax(axis=1)
    problem = Problem(X, y, MultinomialLoss(4), L2(1e-4))
    cg = get("newton", linear_solver="cg", hessian_rows=2000).solve(problem, tol=1e-10)
    exact = get("newton", linear_solver="cholesky", hessian_rows=None).solve(problem, tol=1e-10)
    assert cg.converged and exact.converged
    np.testing.assert_allclose(cg.coef, exact.coef, rtol=1e-7, atol=1e-9)


def test_auto_prefers_subsampled_newton_cg_for_tall_multinomial_data():
    y = np.arange(45_000) % 10
    tall = Problem(np.zeros((45_000, 100)), y, MultinomialLoss(10), L2(1.0))
    short = Problem(np.zeros((2_000, 100)), y[:2000], MultinomialLoss(10), L2(1.0))
    assert choose(tall) == "newton"
    assert choose(short) == "lbfgs"


def test_auto_linear_solver_factorises_only_cheap_hessians():
    """Cholesky for tiny models, cheap Grams and float32-subsampled tall data; CG
    where the Gram would cost more than ~8 passes over the data."""
    newton = get("newton")

    def uses_cg(n, d):
        return newton._uses_cg(Problem(np.zeros((n, d)), np.arange(n) % 2, BinomialLoss(), L2(1.0)))

    assert not uses_cg(100_000, 10)  # 11 coefficients
    assert not uses_cg(900, 48)  # Gram of 2.2e6 multiply-adds
    assert not uses_cg(200_000, 100)  # float32 Gram of 20k rows: 5 passes
    assert uses_cg(50_000, 200)  # Gram on all rows: 201 passes
    assert uses_cg(20_000, 300)


def test_newton_cg_on_all_rows_reaches_the_cholesky_optimum_on_collinear_data():
    rng = np.random.default_rng(5)
    X = rng.standard_normal((6_000, 40))
    for j in range(1, 40):  # neighbouring columns correlated 0.98, scales 0.01 to 100
        X[:, j] = 0.98 * X[:, j - 1] + 0.2 * X[:, j]
    X *= np.logspace(-2, 2, 40)
    y = (rng.random(6_000) < 1 / (1 + np.exp(-(X / X.std(0)) @ rng.standard_normal(40)))) * 1.0
    problem = Problem(X, y, BinomialLoss(), NoPenalty())
    cg = get("newton", linear_solver="cg").solve(problem, tol=1e-9)
    exact = get("newton", linear_solver="cholesky").solve(problem, tol=1e-9)
    assert cg.converged and exact.converged and cg.n_iter <= 20
    _, grad, _ = problem.value_grad(cg.coef)
    assert problem.optimality(cg.coef, grad) <= 1e-9
    assert cg.history[-1] == pytest.approx(exact.history[-1], rel=1e-12)


def test_a_too_coarse_hessian_sample_grows_fourfold_not_to_all_rows(monkeypatch):
    """A subsample whose steps contract the gradient by less than half is replaced by
    one four times larger (all rows only once that would be most of them)."""
    rng = np.random.default_rng(6)
    n, d, k = 100_000, 30, 6
    X = rng.standard_normal((n, d))
    y = np.argmax(X @ rng.standard_normal((d, k)) + rng.gumbel(size=(n, k)), axis=1)
    problem = Problem(X, y, MultinomialLoss(k), L2(1e-3))
    sizes = []
    original = Problem.hessian_model

    def spy(self, *args, **kwargs):
        sizes.append(kwargs.get("max_rows"))
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Problem, "hessian_model", spy)
    solution = get("newton", linear_solver="cg", hessian_rows=1000).solve(problem, tol=1e-8)
    assert solution.converged
    assert sizes[:2] == [1000, 4000] and None not in sizes


def test_newton_rejects_an_unknown_linear_solver():
    with pytest.raises(ValueError, match="linear_solver"):
        get("newton", linear_solver="qr").solve(_problem("binomial", False))


def test_blas_threads_limited_only_where_a_limit_matters():
    """One BLAS thread for mid-size work; tiny work skips the (12 ms) controller scan."""
    from threadpoolctl import threadpool_info

    from logistica import _blas

    _blas._controller.cache_clear()
    with _blas.blas_threads_for(1e3):  # OpenBLAS runs this on one thread by itself
        assert _blas._controller.cache_info().currsize == 0
    with _blas.blas_threads_for(1e6):
        blas = [p for p in threadpool_info() if p["user_api"] == "blas"]
        assert blas and all(p["num_threads"] == 1 for p in blas)
    default = {p["filepath"]: p["num_threads"] for p in threadpool_info()}
    with _blas.blas_threads_for(1e9):
        assert {p["filepath"]: p["num_threads"] for p in threadpool_info()} == default
