"""Input formats that must fit exactly as their plain float64 equivalent, or be refused
with a ValueError naming the problem (issue 18)."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from test_torture import SPARSE_SOLVERS, data, fit

from logistica import ConvergenceWarning, LogisticRegression


def unsorted(matrix):
    matrix = sp.csr_matrix(matrix, copy=True)
    for i in range(matrix.shape[0]):
        a, b = matrix.indptr[i], matrix.indptr[i + 1]
        matrix.indices[a:b] = matrix.indices[a:b][::-1].copy()
        matrix.data[a:b] = matrix.data[a:b][::-1].copy()
    matrix.has_sorted_indices = False
    return matrix


def explicit_zeros(matrix):
    matrix = sp.csr_matrix(np.where(matrix == 0, 1.0, matrix))
    matrix.data[::3] = 0.0  # stored zeros
    return matrix


def int64_indices(matrix):
    matrix = sp.csr_matrix(matrix, copy=True)
    matrix.indices, matrix.indptr = matrix.indices.astype(np.int64), matrix.indptr.astype(np.int64)
    return matrix


@pytest.mark.parametrize("solver", SPARSE_SOLVERS)
@pytest.mark.parametrize("make", [unsorted, explicit_zeros, int64_indices, sp.csc_matrix])
def test_sparse_variants_fit_as_dense(solver, make):
    X, y = data()
    X[:4] = 0.0  # empty rows
    X = np.column_stack([X, np.zeros(len(y))])  # an empty column
    A = make(X)
    dense = A.toarray()
    model, _ = fit(A, y, solver, C=1.0)
    reference, _ = fit(dense, y, "newton", C=1.0)
    np.testing.assert_allclose(model.coef_, reference.coef_, rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(model.predict_proba(A), reference.predict_proba(dense), atol=1e-8)


@pytest.mark.parametrize("solver", ["newton", "lbfgs", "cd"])
@pytest.mark.parametrize("standardize", [False, True])
def test_non_contiguous_and_read_only_arrays(solver, standardize):
    X, y = data()
    wide = np.repeat(X, 2, axis=1)[:, ::2]  # a strided view
    frozen, frozen_y = X.copy(), y.copy()
    frozen.setflags(write=False)
    frozen_y.setflags(write=False)
    reference, _ = fit(X, y, solver, standardize=standardize)
    for X_in, y_in in [(wide, y), (frozen, frozen_y), (np.asfortranarray(X), y)]:
        model, _ = fit(X_in, y_in, solver, standardize=standardize)
        np.testing.assert_array_equal(X_in, X)  # never written to
        np.testing.assert_allclose(model.coef_, reference.coef_, rtol=1e-8, atol=1e-12)


def test_pandas_nullable_dtypes():
    X, y = data()
    frame = pd.DataFrame({
        "count": pd.array(np.round(X[:, 0] * 3), dtype="Int64"),
        "value": pd.array(X[:, 1], dtype="Float64"),
        "flag": pd.array(X[:, 2] > 0, dtype="boolean"),
    })  # fmt: skip
    plain = frame.astype(float).to_numpy()
    model, _ = fit(frame, y)
    reference, _ = fit(plain, y)
    np.testing.assert_allclose(model.coef_, reference.coef_, rtol=1e-10)
    assert list(model.feature_names_in_) == ["count", "value", "flag"]
    frame.loc[3, "value"] = pd.NA
    with pytest.raises(ValueError, match="Input X contains NaN"):
        LogisticRegression().fit(frame, y)


@pytest.mark.parametrize(
    "make",
    [
        lambda y: pd.Series(pd.Categorical(np.where(y == 1, "yes", "no"))),
        lambda y: pd.array(y, dtype="Int64"),
        lambda y: pd.array(y == 1, dtype="boolean"),
    ],
    ids=["categorical", "Int64", "boolean"],
)
def test_pandas_targets(make):
    X, y = data()
    target = make(y)
    model, _ = fit(X, target)
    reference, _ = fit(X, y)
    np.testing.assert_allclose(model.coef_, reference.coef_, rtol=1e-10)
    np.testing.assert_array_equal(model.classes_, np.unique(np.asarray(target)))


@pytest.mark.parametrize(
    "make",
    [
        lambda y: np.array([*np.where(y[:-1] == 1, "a", "b"), None], dtype=object),
        lambda y: np.r_[y[:-1].astype(float), np.nan],
        lambda y: pd.array([*y[:-1], None], dtype="Int64"),
        lambda y: pd.Series(pd.Categorical([*np.where(y[:-1] == 1, "a", "b"), None])),
    ],
    ids=["None", "NaN", "pd.NA", "categorical NaN"],
)
def test_missing_labels_are_refused_by_position(make):
    X, y = data()
    with pytest.raises(ValueError, match=f"missing labels.*1 of {len(y)} rows, first at position"):
        LogisticRegression().fit(X, make(y))


@pytest.mark.parametrize("solver", ["newton", "lbfgs", "trust-ncg", "gd", "cd", "sgd"])
@pytest.mark.parametrize(("tol", "max_iter"), [(1e-300, 5), (1e300, None), (1e-6, 1)])
def test_tolerance_and_budget_extremes(solver, tol, max_iter):
    """An unreachable tol or one iteration: a ConvergenceWarning and a finite model; a huge
    tol: converged at once, no warning."""
    X, y = data(K=3)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model = LogisticRegression(solver=solver, tol=tol, max_iter=max_iter).fit(X, y)
    warned = [w for w in caught if issubclass(w.category, ConvergenceWarning)]
    assert np.all(np.isfinite(model.coef_)) and np.all(np.isfinite(model.predict_proba(X)))
    if tol > 1:
        assert model.converged_ and not warned
    else:
        assert not model.converged_ and warned
        assert "did not converge" in str(warned[0].message)
