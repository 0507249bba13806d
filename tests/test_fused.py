"""Small inputs take NumPy, large ones the compiled kernels: both give the same numbers."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
import scipy.sparse as sp
from scipy.special import expit, log_softmax, softmax

from logistica.objective import _fused, _kernels


@pytest.fixture
def data():
    rng = np.random.default_rng(0)
    n = 300
    raw = rng.standard_normal(n) * 5
    raw[:4] = [800.0, -800.0, 1e300, -1e300]  # no overflow, no nan
    return raw, (rng.random(n) < 0.5).astype(float), rng.random(n)


def test_binomial_numpy_equals_kernel_and_scipy(data):
    raw, y, w = data
    value, residual = _fused.binomial_value_residual(raw, y, w)
    kernel_residual = np.empty_like(raw)
    kernel_value = _kernels.binomial_value_residual(raw, y, w, kernel_residual)
    np.testing.assert_allclose(value, kernel_value, rtol=1e-13)
    np.testing.assert_allclose(residual, kernel_residual, rtol=1e-13, atol=1e-300)
    assert np.isfinite(value)
    tail = slice(4, None)  # away from ±1e300, SciPy's formula is exact too
    tail_value, _ = _fused.binomial_value_residual(raw[tail], y[tail], w[tail])
    loss = np.logaddexp(0.0, raw[tail]) - y[tail] * raw[tail]
    np.testing.assert_allclose(tail_value, w[tail] @ loss, rtol=1e-12)
    np.testing.assert_allclose(residual, w * (expit(raw) - y), rtol=1e-13, atol=1e-300)


def test_multinomial_numpy_equals_kernel_and_scipy(data):
    rng = np.random.default_rng(1)
    raw = rng.standard_normal((200, 4)) * 5
    raw[0] = [700.0, -700.0, 0.0, 1.0]
    y = rng.integers(0, 4, 200)
    w = rng.random(200)
    value, residual = _fused.multinomial_value_residual(raw, y, w)
    kernel_residual = np.empty_like(raw)
    kernel_value = _kernels.multinomial_value_residual(raw, y.astype(np.intp), w, kernel_residual)
    np.testing.assert_allclose(value, kernel_value, rtol=1e-13)
    np.testing.assert_allclose(residual, kernel_residual, rtol=1e-13, atol=1e-300)
    np.testing.assert_allclose(value, -w @ log_softmax(raw, axis=1)[np.arange(200), y], rtol=1e-12)
    onehot = np.eye(4)[y]
    np.testing.assert_allclose(residual, w[:, None] * (softmax(raw, axis=1) - onehot), atol=1e-15)


@pytest.mark.parametrize("order", ["C", "F"])
def test_moments_numpy_equals_kernels_for_both_sizes(order):
    rng = np.random.default_rng(2)
    for n in (50, 2 * _fused.COMPILED_MIN):  # NumPy, then the compiled path
        X = np.asarray(
            rng.standard_normal((n, 3)) * [1.0, 1e3, 1e-3] + [0.0, 1e6, -5.0], order=order
        )
        w = rng.random(n)
        w /= w.sum()
        shift = X[:10].mean(axis=0)
        m1, m2 = _fused.shifted_moments(X, w, shift)
        np.testing.assert_allclose(m1, w @ (X - shift), rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(m2, w @ (X - shift) ** 2, rtol=1e-9)


def test_large_inputs_take_the_compiled_kernel():
    rng = np.random.default_rng(3)
    n = _fused.COMPILED_MIN
    raw, y, w = rng.standard_normal(n), (rng.random(n) < 0.5).astype(float), np.ones(n)
    value, residual = _fused.binomial_value_residual(raw, y, w)
    np.testing.assert_allclose(value, w @ (np.logaddexp(0, raw) - y * raw), rtol=1e-12)
    np.testing.assert_allclose(residual, expit(raw) - y, atol=1e-15)


@pytest.mark.parametrize("fmt", ["csr", "csc"])
@pytest.mark.parametrize("n_outputs", [None, 3])
def test_sparse_squared_product_equals_the_dense_formula(fmt, n_outputs):
    rng = np.random.default_rng(4)
    for n in (40, 2 * _fused.COMPILED_MIN):  # NumPy, then the compiled path
        X = sp.random(n, 30, density=0.1, format=fmt, random_state=rng)
        H = rng.random(n) if n_outputs is None else rng.random((n, n_outputs))
        expected = X.multiply(X).T @ H
        np.testing.assert_allclose(_fused.sparse_sq_rmatvec(X, H), expected, rtol=1e-12)


@pytest.mark.parametrize("fmt", ["csr", "csc"])
def test_sparse_moments_equal_dense_weighted_moments(fmt):
    rng = np.random.default_rng(5)
    for n in (40, 2 * _fused.COMPILED_MIN):  # NumPy, then the compiled path
        X = sp.random(n, 20, density=0.1, format=fmt, random_state=rng)
        X.data += 1e4  # stored entries far from the mean: cancellation would show
        w = rng.random(n)
        w /= w.sum()
        mean, var = _fused.sparse_moments(X, w)
        dense = X.toarray()
        expected_mean = w @ dense
        np.testing.assert_allclose(mean, expected_mean, rtol=1e-12)
        np.testing.assert_allclose(var, w @ (dense - expected_mean) ** 2, rtol=1e-9)


def test_import_and_a_small_fit_do_not_load_numba():
    # Importing numba and loading a first kernel cost ~0.5 s: a cold start of its own.
    code = (
        "import sys, numpy as np, logistica\n"
        "rng = np.random.default_rng(0)\n"
        "X = rng.standard_normal((500, 20)); y = (X[:, 0] > 0).astype(int)\n"
        "logistica.LogisticRegression().fit(X, y).predict_proba(X)\n"
        "logistica.LogisticRegression(solver='lbfgs').fit(X, y)\n"
        "print('numba' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_focal_compiled_path_equals_the_numpy_path_chunk_by_chunk():
    rng = np.random.default_rng(6)
    n = 2 * _fused.COMPILED_MIN
    raw = rng.standard_normal(n) * 6
    y = (rng.random(n) < 0.5).astype(float)
    w = rng.random(n)
    value, residual = _fused.focal_value_residual(raw, y, w, 1.5)  # compiled
    chunks = [
        _fused.focal_value_residual(raw[s], y[s], w[s], 1.5)  # NumPy, below the size cut
        for s in (
            slice(0, n // 4),
            slice(n // 4, n // 2),
            slice(n // 2, 3 * n // 4),
            slice(3 * n // 4, n),
        )
    ]
    np.testing.assert_allclose(value, sum(v for v, _ in chunks), rtol=1e-12)
    np.testing.assert_allclose(
        residual, np.concatenate([r for _, r in chunks]), rtol=1e-10, atol=1e-300
    )


@pytest.mark.parametrize("n_outputs", [None, 3])
def test_float32_products_equal_float64_products_of_the_same_numbers(n_outputs):
    """The compiled float32 products read X in place and sum in float64: equal to NumPy's
    float64 products of the upcast matrix to rounding, through Design for C-ordered data."""
    from logistica.objective.design import Design

    rng = np.random.default_rng(7)
    X = rng.standard_normal((30_000, 7)).astype(np.float32) * 1e3
    shape = (7,) if n_outputs is None else (7, n_outputs)
    W = rng.standard_normal(shape)
    R = rng.standard_normal((30_000, *shape[1:]))
    X64 = X.astype(np.float64)
    design = Design(X)
    assert design._compiled_float32
    np.testing.assert_allclose(design.matvec(W), X64 @ W, rtol=1e-12, atol=1e-9)
    np.testing.assert_allclose(design.rmatvec(R), X64.T @ R, rtol=1e-12, atol=1e-9)
    fortran = Design(np.asfortranarray(X))  # strided rows: the blocked float64 path
    assert not fortran._compiled_float32
    np.testing.assert_allclose(fortran.matvec(W), design.matvec(W), rtol=1e-12, atol=1e-9)
