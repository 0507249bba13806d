"""Inference refuses what it cannot answer: singular information, data other than the fit's."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy.special import expit

from logistica import LogisticRegression
from logistica.exceptions import ConvergenceWarning, InferenceWarning
from logistica.inference import summarize
from logistica.inference.covariance import invert_information


@pytest.fixture
def rng():
    return np.random.default_rng(11)


def _data(rng, n=400):
    X = pd.DataFrame(rng.normal(size=(n, 3)), columns=["a", "b", "c"])
    y = (X["a"] - 0.5 * X["b"] + rng.logistic(size=n) > 0).astype(int)
    return X, y


# -- item 3: singular Fisher information ------------------------------------------------
def test_duplicated_column_is_flagged_and_named(rng):
    X, y = _data(rng)
    X["a_again"] = X["a"]
    assert np.linalg.matrix_rank(sm.add_constant(X).to_numpy()) == 4  # independent check
    model = LogisticRegression(C=np.inf).fit(X, y)
    res = summarize(model, X, y)
    with pytest.warns(InferenceWarning, match=r"singular \(rank 4 of 5\): a, a_again are"):
        bse = res.bse
    assert np.all(np.isfinite(bse)) and bse.max() < 10  # not rounding noise (~1e7)


def test_linear_combination_is_flagged_with_every_column_involved(rng):
    X, y = _data(rng)
    X["d"] = X["a"] - 2 * X["b"] + 3
    model = LogisticRegression(C=np.inf).fit(X, y)
    with pytest.warns(InferenceWarning, match=r"rank 4 of 5\): intercept, a, b, d are"):
        summarize(model, X, y).bse  # noqa: B018


@pytest.mark.filterwarnings("ignore::statsmodels.tools.sm_exceptions.ConvergenceWarning")
def test_wildly_different_units_are_not_singular(rng):
    n = 2000
    income = rng.normal(5e6, 2e6, n)  # cents
    tiny = rng.normal(size=n) * 1e-7
    age = rng.uniform(20, 70, n)
    eta = 0.4 * (income - 5e6) / 2e6 + 0.5 * tiny / 1e-7 - 0.02 * (age - 45)
    y = (rng.random(n) < expit(eta)).astype(float)
    exog = np.column_stack([np.ones(n), income, tiny, age])
    reference = sm.Logit(y, exog).fit(disp=0, method="newton", tol=1e-12)
    # the information at statsmodels' MLE, by the textbook formula XᵀWX
    p = expit(exog @ reference.params)
    information = (exog * (p * (1 - p))[:, None]).T @ exog
    with warnings.catch_warnings():
        warnings.simplefilter("error", InferenceWarning)
        covariance = invert_information(information)
    np.testing.assert_allclose(covariance, reference.cov_params(), rtol=1e-6)


# -- item 10: summarize on other data than the fit's -------------------------------------
def test_subset_of_rows_or_flipped_labels_are_refused(rng):
    X, y = _data(rng, n=1000)
    model = LogisticRegression(C=np.inf).fit(X, y)
    summarize(model, X, y)  # the training data pass
    with pytest.raises(ValueError, match=r"score .* does not vanish"):
        summarize(model, X.iloc[:500], y.iloc[:500])
    with pytest.raises(ValueError, match="not a subset of the rows"):
        summarize(model, X, 1 - y)
    with pytest.raises(ValueError, match="does not vanish"):
        summarize(model, X, y, sample_weight=rng.uniform(0.1, 3.0, len(y)))


@pytest.mark.parametrize(
    "params",
    [
        {"C": np.inf, "standardize": True},
        {"C": 0.5, "standardize": True},
        {"C": 0.05, "l1_ratio": 1.0},
        {"C": 0.3, "l1_ratio": 0.5, "standardize": True},
        {"C": np.inf, "firth": True},
        {"C": np.inf, "multi_class": "ovr"},
        {"C": np.inf, "class_weight": "balanced"},
    ],
)
def test_training_data_pass_for_every_kind_of_fit(rng, params):
    X, y = _data(rng)
    X["big"] = rng.normal(5e6, 2e6, len(y))  # units must not matter
    X["shifted"] = rng.normal(size=len(y)) + 2000.0
    model = LogisticRegression(tol=1e-8, max_iter=1000, **params).fit(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", InferenceWarning)  # penalized fits warn
        summarize(model, X, y)
        with pytest.raises(ValueError, match="does not vanish"):
            summarize(model, X, 1 - y)


def test_weights_and_offset_must_be_the_fits(rng):
    X, y = _data(rng)
    weight = rng.uniform(0.5, 2.0, len(y))
    offset = rng.normal(size=len(y))
    model = LogisticRegression(C=np.inf).fit(X, y, sample_weight=weight, offset=offset)
    summarize(model, X, y, sample_weight=weight, offset=offset)
    with pytest.raises(ValueError, match="does not vanish"):
        summarize(model, X, y, sample_weight=weight)
    with pytest.raises(ValueError, match="does not vanish"):
        summarize(model, X, y, offset=offset)


def test_multinomial_subset_is_refused(rng):
    X = rng.normal(size=(900, 3))
    y = np.argmax(X @ rng.normal(size=(3, 3)) + rng.gumbel(size=(900, 3)), axis=1)
    model = LogisticRegression(C=np.inf).fit(X, y)
    summarize(model, X, y)
    with pytest.raises(ValueError, match="does not vanish"):
        summarize(model, X[:300], y[:300])


def test_unconverged_fit_warns_instead_of_refusing(rng):
    X, y = _data(rng)
    with pytest.warns(ConvergenceWarning):
        model = LogisticRegression(C=np.inf, solver="gd", max_iter=2).fit(X, y)
    assert not model.converged_
    with pytest.warns(InferenceWarning, match="did not converge"):
        summarize(model, X.iloc[:200], y.iloc[:200])
