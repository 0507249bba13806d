"""Outputs are probabilities, predictions follow them, fits are optimal (issue 18).

Optimality is checked by the KKT conditions written in NumPy in
``tests/_reference.py``, never by the solver's own measure; all solvers agree
with Newton's solution; a saved-and-loaded model predicts bit for bit the same.
"""

from __future__ import annotations

import tempfile
import warnings
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import example, given
from hypothesis import strategies as st
from scipy.special import expit, softmax
from test_invariances import assert_same_fit, fit

import logistica
from _reference import kkt_violation
from _strategies import SOLVERS, problems
from logistica import LogisticRegression

solvers = pytest.mark.parametrize("solver", SOLVERS)
#: Largest KKT violation (relative to the gradient at zero) at each solver's tol.
KKT_BOUND = {"gd": 1e-7, "sgd": 1e-5}


@st.composite
def fitted_models(draw):
    """A fitted model (any solver, binary/multinomial/ovr, maybe extreme) and rows to score."""
    data = draw(problems())
    solver = draw(st.sampled_from(SOLVERS))
    multi_class = draw(st.sampled_from(["multinomial", "ovr"]))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # convergence and separation are not the point here
        model = LogisticRegression(
            C=draw(st.sampled_from([1e-3, 1.0, 1e3])), solver=solver, multi_class=multi_class,
            max_iter=200, standardize=draw(st.booleans()),
        ).fit(data.X, data.y, sample_weight=data.sample_weight)  # fmt: skip
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    # rows far out (|Xw| up to ~1e6) as well as typical ones
    scale = 10.0 ** draw(st.integers(0, 6))
    X = rng.standard_normal((draw(st.integers(1, 20)), data.X.shape[1])) * scale
    return model, X


@given(case=fitted_models())
def test_probabilities_predictions_and_scores_agree(case):
    model, X = case
    proba = model.predict_proba(X)
    assert np.all(np.isfinite(proba)) and np.all((proba >= 0) & (proba <= 1))
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=0, atol=1e-12)
    scores = model.decision_function(X)
    assert np.all(np.isfinite(scores))
    log_proba = model.predict_log_proba(X)
    assert np.all(log_proba <= 0) and not np.any(np.isnan(log_proba))
    # binary predict_proba is (1 - p, p) like scikit-learn's: the complement of a p near 1 is
    # exact only to 1e-16 absolute, where predict_log_proba keeps full relative precision
    np.testing.assert_allclose(np.exp(log_proba), proba, rtol=1e-12, atol=1e-15)
    predicted = model.predict(X)
    if scores.ndim == 1:
        np.testing.assert_allclose(proba[:, 1], expit(scores), rtol=1e-12)
        np.testing.assert_array_equal(predicted, model.classes_[(scores > 0).astype(int)])
    else:
        expected = softmax(scores, axis=1) if model.multi_class == "multinomial" else None
        if expected is None:
            p = expit(scores)
            expected = p / p.sum(axis=1, keepdims=True)
        np.testing.assert_allclose(proba, expected, rtol=1e-10, atol=1e-300)
        np.testing.assert_array_equal(predicted, model.classes_[scores.argmax(axis=1)])
    # the predicted class is a most probable one (ties in probability may round either way)
    chosen = proba[np.arange(len(X)), np.searchsorted(model.classes_, predicted)]
    np.testing.assert_allclose(chosen, proba.max(axis=1), rtol=1e-12, atol=0)


@solvers
@given(data=problems(l1=True), sparse=st.booleans())
def test_solution_meets_the_kkt_conditions(solver, data, sparse):
    if data.l1_ratio > 0 and solver != "cd":
        data.l1_ratio = 0.0
    X = sp.csr_matrix(data.X) if sparse else data.X
    if sparse and solver == "newton":
        sparse = False  # newton takes sparse input too, through its own kernels
    model = fit(solver, data, X=X)
    K = data.n_classes
    coef, intercept = model.coef_, model.intercept_
    with np.errstate(invalid="ignore", divide="ignore"):
        violation = kkt_violation(
            data.X, data.y if K > 2 else data.y.astype(float), coef, intercept, data.C,
            data.l1_ratio, data.sample_weight,
        )  # fmt: skip
    if np.isnan(violation):  # 0/0: zero is optimal and the fit is exactly zero
        violation = 0.0
    assert violation < KKT_BOUND.get(solver, 1e-8), violation


@given(data=problems(l1=True))
def test_all_solvers_agree(data):
    reference = fit("cd" if data.l1_ratio > 0 else "newton", data)
    for solver in SOLVERS:
        if data.l1_ratio > 0 and solver != "cd":
            continue
        model = fit(solver, data)
        assert_same_fit(reference, model, solver)


def _fortran_ordered_coef_case():
    """Found by this test: a multinomial ``coef_`` came out of ``fit`` in Fortran order,
    the loaded one in C order, and one row scored through BLAS differed by one ulp."""
    rng = np.random.default_rng(72)
    X, y = rng.standard_normal((20, 3)), rng.integers(0, 3, 20)
    y[:3] = [0, 1, 2]
    return LogisticRegression().fit(X, y), rng.standard_normal((1, 3))


@given(case=fitted_models())
@example(case=_fortran_ordered_coef_case())
def test_saved_and_loaded_model_predicts_bit_identically(case):
    model, X = case
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "model.json"
        logistica.save(model, path)
        loaded = logistica.load(path)
    np.testing.assert_array_equal(loaded.classes_, model.classes_)
    for method in ("decision_function", "predict_proba", "predict_log_proba", "predict"):
        np.testing.assert_array_equal(getattr(loaded, method)(X), getattr(model, method)(X))
