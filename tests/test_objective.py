"""Loss, penalty, design kernels and problem: values, gradients, Hessians, stability."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from scipy.optimize import approx_fprime
from sklearn.metrics import log_loss

from logistica.objective import (
    L1,
    L2,
    BinomialLoss,
    Design,
    ElasticNet,
    MultinomialLoss,
    NoPenalty,
    Problem,
    make_loss,
    make_penalty,
)

RNG = np.random.default_rng(0)


def _binary_problem(fmt="dense", penalty=None, offset=False, intercept=True):
    X = RNG.standard_normal((80, 5))
    y = (RNG.random(80) < 0.4).astype(float)
    sw = RNG.uniform(0.2, 2.0, 80)
    off = RNG.standard_normal(80) if offset else None
    X = _format(X, fmt)
    return Problem(X, y, BinomialLoss(), penalty or L2(0.05), sw, off, intercept)


def _multi_problem(fmt="dense", penalty=None, offset=False, intercept=True):
    X = RNG.standard_normal((90, 4))
    y = RNG.integers(0, 3, 90)
    sw = RNG.uniform(0.2, 2.0, 90)
    off = RNG.standard_normal((90, 3)) if offset else None
    return Problem(_format(X, fmt), y, MultinomialLoss(3), penalty or L2(0.05), sw, off, intercept)


def _format(X, fmt):
    return {
        "dense": lambda: X,
        "fortran": lambda: np.asfortranarray(X),
        "float32": lambda: X.astype(np.float32),
        "csr": lambda: sp.csr_matrix(X),
        "csc": lambda: sp.csc_matrix(X),
    }[fmt]()


FORMATS = ["dense", "fortran", "float32", "csr", "csc"]


@pytest.mark.parametrize("make", [_binary_problem, _multi_problem])
@pytest.mark.parametrize("offset", [False, True])
@pytest.mark.parametrize("intercept", [False, True])
def test_gradient_matches_finite_differences(make, offset, intercept):
    problem = make(offset=offset, intercept=intercept)
    coef = RNG.standard_normal(problem.n_coef) * 0.3
    value, grad, _ = problem.value_grad(coef)
    numeric = approx_fprime(coef, lambda w: problem.value_grad(w)[0], 1e-7)
    np.testing.assert_allclose(grad, numeric, rtol=1e-5, atol=1e-7)
    assert value == pytest.approx(problem.value_from_raw(coef, problem.raw(coef)))


@pytest.mark.parametrize("make", [_binary_problem, _multi_problem])
def test_hessian_matrix_and_operator_match_gradient_differences(make):
    problem = make()
    coef = RNG.standard_normal(problem.n_coef) * 0.3
    raw = problem.raw(coef)
    model = problem.hessian_model()
    hessp = model.operator(raw)
    numeric = np.column_stack(
        [
            (problem.value_grad(coef + 1e-6 * e)[1] - problem.value_grad(coef - 1e-6 * e)[1]) / 2e-6
            for e in np.eye(problem.n_coef)
        ]
    )
    operator = np.column_stack([hessp(e) for e in np.eye(problem.n_coef)])
    np.testing.assert_allclose(operator, numeric, rtol=1e-5, atol=1e-8)
    matrix = model.matrix(raw)
    if problem.is_multinomial:
        # the matrix adds curvature only along class shifts, where the gradient vanishes
        K = problem.n_outputs
        null = np.kron(np.eye(problem.coef_shape[0]), np.ones((K, 1)) / np.sqrt(K))
        projector = np.eye(problem.n_coef) - null @ null.T
        np.testing.assert_allclose(
            projector @ matrix @ projector, projector @ numeric @ projector, rtol=1e-5, atol=1e-8
        )
        assert np.linalg.eigvalsh(matrix).min() > 0
    else:
        np.testing.assert_allclose(matrix, numeric, rtol=1e-5, atol=1e-8)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("make", [_binary_problem, _multi_problem])
def test_every_design_format_gives_the_same_objective(fmt, make):
    global RNG
    RNG = np.random.default_rng(1)
    reference = make("dense")
    RNG = np.random.default_rng(1)
    problem = make(fmt)
    coef = np.linspace(-0.5, 0.5, problem.n_coef)
    v_ref, g_ref, raw_ref = reference.value_grad(coef)
    value, grad, raw = problem.value_grad(coef)
    tol = 1e-6 if fmt == "float32" else 1e-12
    assert value == pytest.approx(v_ref, rel=tol)
    np.testing.assert_allclose(grad, g_ref, rtol=tol, atol=tol)
    np.testing.assert_allclose(
        problem.hessian_model().matrix(raw),
        reference.hessian_model().matrix(raw_ref),
        rtol=1e-5 if fmt == "float32" else 1e-10,
        atol=1e-7,
    )


def test_float32_products_are_accumulated_in_float64():
    X = RNG.standard_normal((5000, 3)).astype(np.float32)
    design = Design(X)
    w = np.array([1.0, -2.0, 0.5])
    np.testing.assert_allclose(design.matvec(w), X.astype(np.float64) @ w, rtol=1e-14)
    r = RNG.standard_normal(5000)
    np.testing.assert_allclose(design.rmatvec(r), X.astype(np.float64).T @ r, rtol=1e-12)


def test_gram_signed_weights_and_intercept_match_numpy():
    X = RNG.standard_normal((5000, 4))  # more rows than one block
    h = RNG.standard_normal(5000)
    A = np.column_stack([X, np.ones(5000)])
    (gram,) = Design(X).gram([h], intercept=True)
    np.testing.assert_allclose(gram, A.T @ (A * h[:, None]), rtol=1e-10, atol=1e-10)
    (positive,) = Design(X).gram([np.abs(h)], intercept=False)
    np.testing.assert_allclose(positive, X.T @ (X * np.abs(h)[:, None]), rtol=1e-10)


def test_binomial_loss_matches_sklearn_log_loss():
    z = RNG.standard_normal(200) * 3
    y = (RNG.random(200) < 0.5).astype(float)
    sw = RNG.uniform(0.5, 1.5, 200)
    p = 1 / (1 + np.exp(-z))
    expected = log_loss(y, p, sample_weight=sw) * sw.sum()
    assert BinomialLoss().value(z, y, sw) == pytest.approx(expected, rel=1e-12)


def test_multinomial_loss_matches_sklearn_log_loss():
    z = RNG.standard_normal((200, 4)) * 3
    y = RNG.integers(0, 4, 200)
    sw = RNG.uniform(0.5, 1.5, 200)
    p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    expected = log_loss(y, p, sample_weight=sw) * sw.sum()
    assert MultinomialLoss(4).value(z, y, sw) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("scale", [1e6, 1e300])
def test_losses_are_finite_for_huge_raw_predictions(scale):
    z = np.array([-scale, -1.0, 0.0, 1.0, scale])
    y = np.array([1.0, 0.0, 1.0, 1.0, 0.0])
    sw = np.ones(5)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        value, residual = BinomialLoss().value_and_residual(z, y, sw)
        state = BinomialLoss().hessian_state(z, sw)
        mvalue, mresidual = MultinomialLoss(3).value_and_residual(
            np.column_stack([z, -z, 0 * z]), np.array([0, 1, 2, 0, 1]), sw
        )
    for array in (value, residual, state.weights, mvalue, mresidual):
        assert np.all(np.isfinite(array))
    # two wrong-sided huge margins plus the three moderate terms, written out by hand
    expected = 2 * scale + 2 * np.log1p(np.exp(-1.0)) + np.log(2.0)
    assert value == pytest.approx(expected, rel=1e-15)


def test_penalties_follow_sklearn_convention():
    w = np.array([1.0, -2.0, 0.0])
    assert NoPenalty().value(w) == 0.0
    assert L2(0.5).value(w) == pytest.approx(0.25 * 5)
    assert L1(0.5).value(w) == pytest.approx(1.5)
    en = ElasticNet(0.5, 0.3, penalty_factor=[1.0, 0.0, 2.0])
    assert en.value(w) == pytest.approx(0.5 * (0.3 * 1 + 0.35 * 1))
    assert isinstance(make_penalty(np.inf, 0.0, 10.0), NoPenalty)
    assert make_penalty(2.0, 0.0, 10.0).alpha == pytest.approx(1 / 20)
    np.testing.assert_allclose(L1(1.0).prox(np.array([3.0, -0.5]), 1.0), [2.0, 0.0])


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"alpha": -1.0}, "alpha"),
        ({"alpha": 1.0, "l1_ratio": 1.5}, "l1_ratio"),
        ({"alpha": 1.0, "penalty_factor": [-1.0]}, "penalty_factor"),
    ],
)
def test_penalty_rejects_bad_parameters(kwargs, match):
    with pytest.raises(ValueError, match=match):
        ElasticNet(**kwargs)


def test_optimality_is_scale_free_and_zero_at_optimum():
    problem = _binary_problem()
    assert problem.optimality(problem.zero_coef(), problem.value_grad(problem.zero_coef())[1]) == 1
    grad = np.zeros(problem.n_coef)
    assert problem.optimality(np.ones(problem.n_coef), grad) == 0.0


def test_subsampled_hessian_is_an_unbiased_rescaled_estimate():
    X = RNG.standard_normal((4000, 3))
    y = (RNG.random(4000) < 0.5).astype(float)
    problem = Problem(X, y, BinomialLoss(), L2(0.01))
    raw = problem.raw(problem.zero_coef())
    full = problem.hessian_model().matrix(raw)
    sub = problem.hessian_model(max_rows=2000, dtype=np.float32)
    assert sub.is_subsampled
    np.testing.assert_allclose(sub.matrix(raw), full, rtol=0.15, atol=0.01)


def test_make_loss_needs_two_classes():
    with pytest.raises(ValueError, match="two classes"):
        make_loss(1)
