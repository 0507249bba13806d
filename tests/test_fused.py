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


def _sparse_with_gaps(fmt: str, dtype, n: int = 300, d: int = 40, seed: int = 8):
    """A signed sparse matrix with empty rows and columns (rows with no stored entries)."""
    rng = np.random.default_rng(seed)
    X = sp.random(n, d, density=0.1, format="lil", random_state=rng)
    X[:, [0, 7, d - 1]] = 0.0  # empty columns, first and last included
    X[[0, 5, 6, n - 1]] = 0.0  # empty rows, first and last included
    X = X.asformat(fmt)
    X.eliminate_zeros()
    X.data = (X.data - 0.5) * 1e3
    return X.astype(dtype)


@pytest.mark.parametrize("fmt", ["csr", "csc"])
@pytest.mark.parametrize("n_outputs", [None, 3])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_sparse_products_equal_float64_products_of_the_upcast_matrix(fmt, n_outputs, dtype):
    X = _sparse_with_gaps(fmt, dtype)
    assert np.diff(X.tocsr().indptr)[[0, 5, 6, -1]].sum() == 0  # rows with no stored entries
    rng = np.random.default_rng(9)
    W = rng.standard_normal((X.shape[1],) if n_outputs is None else (X.shape[1], n_outputs))
    R = rng.standard_normal((X.shape[0], *W.shape[1:]))
    dense = X.toarray().astype(np.float64)
    product, transposed = _fused.float32_product(X, W), _fused.float32_product(X, R, True)
    assert product.dtype == transposed.dtype == np.float64
    np.testing.assert_allclose(product, dense @ W, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(transposed, dense.T @ R, rtol=1e-12, atol=1e-12)
    assert not transposed[[0, 7, -1]].any() and not product[[0, 5, 6, -1]].any()


@pytest.mark.parametrize("fmt", ["csr", "csc"])
@pytest.mark.parametrize("n", [40, _fused.COMPILED_MIN])  # SciPy, then the compiled path
def test_sparse_gram_equals_the_dense_formula(fmt, n):
    rng = np.random.default_rng(10)
    X = sp.random(n, 30, density=0.1, format=fmt, random_state=rng, dtype=np.float32)
    # every slice stored twice, halved, the second copy reversed: unsorted, repeated indices
    slice_of = np.repeat(np.arange(X.indptr.size - 1), np.diff(X.indptr))
    start, stop, p = X.indptr[slice_of], X.indptr[slice_of + 1], np.arange(X.nnz)
    order = np.empty(2 * X.nnz, dtype=np.intp)
    order[start + p], order[stop + p] = p, start + stop - 1 - p
    X = type(X)((X.data[order] / 2, X.indices[order], 2 * X.indptr), shape=X.shape)
    assert not X.has_canonical_format
    h = rng.standard_normal(n)  # signed, as for off-diagonal multinomial blocks
    dense = X.toarray().astype(np.float64)
    expected = dense.T @ (h[:, None] * dense)
    gram = _fused.sparse_gram(X, h)
    np.testing.assert_allclose(gram, expected, rtol=1e-12, atol=1e-13 * np.abs(expected).max())


@pytest.mark.parametrize("fmt", ["csr", "csc"])
@pytest.mark.parametrize("n", [400, 4 * _fused.COMPILED_MIN // 30])  # SciPy, then compiled
def test_float32_sparse_design_is_read_in_place_and_equals_the_float64_design(fmt, n):
    from logistica.objective.design import Design, StandardizedDesign

    rng = np.random.default_rng(11)
    X = sp.random(n, 30, density=0.1, format=fmt, dtype=np.float32, random_state=rng)
    X.data = (X.data - 0.3) * 1e2
    design, reference = Design(X), Design(X.astype(np.float64))
    assert design.X.dtype == np.float32 and design.X.data is X.data
    assert design._compiled_float32 == (X.nnz >= _fused.COMPILED_MIN)
    W, R, H = rng.standard_normal(30), rng.standard_normal((n, 3)), rng.random(n)
    w = H / H.sum()

    def same(a, b):
        assert a.dtype == np.float64
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12 * np.abs(b).max())

    same(design.matvec(W), reference.matvec(W))
    same(design.rmatvec(R), reference.rmatvec(R))
    same(design.sq_rmatvec(H), reference.sq_rmatvec(H))
    for ours, theirs in zip(design.weighted_moments(w), reference.weighted_moments(w), strict=True):
        same(ours, theirs)
    same(design.gram([H - 0.5], intercept=True)[0], reference.gram([H - 0.5], intercept=True)[0])
    same(design.columns(np.array([2, 9])).data, reference.columns(np.array([2, 9])).data)
    rows = np.arange(0, n, 3)
    assert design.take(rows).X.dtype == np.float32
    same(design.take(rows).rmatvec(R[rows]), reference.take(rows).rmatvec(R[rows]))
    scaled = StandardizedDesign.from_data(design, w, center=False)
    scaled_reference = StandardizedDesign.from_data(reference, w, center=False)
    same(scaled.matvec(W), scaled_reference.matvec(W))
    same(scaled.rmatvec(R), scaled_reference.rmatvec(R))
    same(scaled.sq_rmatvec(H), scaled_reference.sq_rmatvec(H))
    same(scaled.gram([H], intercept=True)[0], scaled_reference.gram([H], intercept=True)[0])
    assert scaled.X.data is X.data


def test_float32_sparse_fit_equals_the_float64_fit():
    """Both fits optimise the same objective on the same values, with float64 products."""
    import logistica
    from logistica.objective.design import Design

    rng = np.random.default_rng(12)
    X = sp.random(3000, 1000, density=0.02, format="csr", dtype=np.float32, random_state=0)
    assert Design(X)._compiled_float32  # the compiled products, not SciPy's
    beta = rng.standard_normal(1000) * 2
    y = (rng.random(3000) < expit(X @ beta - (X @ beta).mean())).astype(int)
    single = logistica.LogisticRegression(C=1.0).fit(X, y)
    double = logistica.LogisticRegression(C=1.0).fit(X.astype(np.float64), y)
    np.testing.assert_allclose(single.coef_, double.coef_, rtol=1e-8, atol=1e-10)
    np.testing.assert_allclose(single.intercept_, double.intercept_, rtol=1e-8, atol=1e-10)
    np.testing.assert_allclose(single.feature_mean_, double.feature_mean_, rtol=1e-12)


def test_float32_sparse_fit_needs_less_extra_memory_than_the_data():
    """The products read float32 values in place: SciPy's upcast copies of X made a
    float32 sparse fit's extra peak 3–5× the matrix; now the solver's vectors dominate."""
    import tracemalloc

    import logistica

    rng = np.random.default_rng(13)
    n, d = 50_000, 20_000
    X = sp.random(n, d, density=30 / d, format="csr", dtype=np.float32, random_state=rng)
    beta = np.zeros(d)
    beta[:500] = rng.standard_normal(500) * 4
    y = (rng.random(n) < expit(X @ beta - (X @ beta).mean())).astype(int)
    size = X.data.nbytes + X.indices.nbytes + X.indptr.nbytes
    logistica.LogisticRegression(C=1.0).fit(X, y)  # loads numba and its kernels, untraced
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        logistica.LogisticRegression(C=1.0).fit(X, y)
        extra = tracemalloc.get_traced_memory()[1] - before
    finally:
        tracemalloc.stop()
    assert extra < 1.0 * size, f"extra peak {extra / size:.2f} × the size of X"


def test_threaded_float32_products_equal_numpy_and_honour_blas_limits():
    """Large float32 products run on row blocks in threads, no more than BLAS may use."""
    from threadpoolctl import threadpool_limits

    from logistica.objective import _fused

    rng = np.random.default_rng(11)
    X = rng.standard_normal((20_011, 101)).astype(np.float32)  # above _THREADED_MIN
    assert X.size >= _fused._THREADED_MIN
    W, R = rng.standard_normal((101, 3)), rng.standard_normal((20_011, 3))
    exact = X.astype(np.float64)
    np.testing.assert_allclose(_fused.float32_product(X, W), exact @ W, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(
        _fused.float32_product(X, R, transpose=True), exact.T @ R, rtol=1e-12, atol=1e-10
    )
    with threadpool_limits(1):
        assert len(_fused._row_blocks(X)) == 1
    with threadpool_limits(2):
        blocks = _fused._row_blocks(X)
        assert len(blocks) == 2 and blocks[0].stop == blocks[1].start


@pytest.mark.parametrize("n", [1, 3, 4, 7, 8, 9, 13, 35])
@pytest.mark.parametrize("n_outputs", [1, 2])
def test_float32_kernels_cover_every_row_whatever_the_row_count(n, n_outputs):
    """The kernels take rows four (X·W) and eight (XᵀR) at a time: the rows left over
    count too."""
    from logistica.objective import _kernels

    rng = np.random.default_rng(n)
    X = rng.standard_normal((n, 5)).astype(np.float32)
    W, R = rng.standard_normal((5, n_outputs)), rng.standard_normal((n, n_outputs))
    exact = X.astype(np.float64)
    out = np.full((n, n_outputs), np.nan)
    _kernels.float32_matvec(X, np.ascontiguousarray(W.T), out)
    np.testing.assert_allclose(out, exact @ W, rtol=1e-12, atol=1e-12)
    total = np.zeros((n_outputs, 5))
    _kernels.float32_rmatvec(X, R, total)
    np.testing.assert_allclose(total, (exact.T @ R).T, rtol=1e-12, atol=1e-12)


def test_own_threads_limits_blas_and_keeps_the_callers_thread_count():
    """Inside own_threads BLAS runs on one thread and the product kernels keep the count
    BLAS had before; a user's threadpoolctl limit of one thread still holds for them."""
    from threadpoolctl import threadpool_limits

    from logistica._blas import blas_threads, own_threads, product_threads

    with threadpool_limits(2):
        before = blas_threads()  # 2, or 1 on a one-core machine
        with own_threads():
            assert blas_threads() == 1
            assert product_threads() == before
        assert blas_threads() == before
    with threadpool_limits(1), own_threads():
        assert product_threads() == 1
