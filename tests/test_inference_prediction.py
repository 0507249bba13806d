"""Results.predict with intervals: statsmodels' get_prediction, and a NumPy delta method."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy import stats
from scipy.special import expit

from logistica import LogisticRegression
from logistica.inference import summarize


@pytest.fixture(scope="module")
def spector():
    data = sm.datasets.spector.load_pandas()
    X, y = data.exog, data.endog
    return X, y, LogisticRegression(C=np.inf, tol=1e-10).fit(X, y)


@pytest.fixture(scope="module")
def anes():
    data = sm.datasets.anes96.load_pandas().data
    X, y = data[["selfLR", "age", "educ"]], data["vote"].astype(int) + 2 * (data["PID"] > 3)
    return X, y, LogisticRegression(C=np.inf, tol=1e-10).fit(X, y)


def _close(actual, expected, rtol=1e-7):
    np.testing.assert_allclose(np.asarray(actual), np.asarray(expected), rtol=rtol, atol=1e-12)


@pytest.mark.parametrize("cov_type", ["nonrobust", "HC0", "cluster"])
@pytest.mark.parametrize("which", ["prob", "linear"])
def test_binary_predictions_match_statsmodels(spector, cov_type, which):
    X, y, model = spector
    groups = np.arange(len(y)) % 8
    kwargs = {"groups": groups} if cov_type == "cluster" else {}
    res = summarize(model, X, y, cov_type=cov_type, **kwargs)
    sm_kwargs = {"cov_kwds": {"groups": groups}} if cov_type == "cluster" else {}
    ref = sm.Logit(y, sm.add_constant(X)).fit(
        disp=0, method="newton", tol=1e-12, cov_type=cov_type, **sm_kwargs
    )
    new = X.iloc[::3] + 0.25
    ours = res.predict(new, ci=0.9, which=which)
    theirs = ref.get_prediction(
        sm.add_constant(new, has_constant="add"), which="mean" if which == "prob" else which
    ).summary_frame(alpha=0.1)
    _close(ours["predicted"], theirs["predicted"])
    _close(ours["std_err"], theirs["se"], rtol=1e-6)
    _close(ours[["ci_lower", "ci_upper"]], theirs[["ci_lower", "ci_upper"]], rtol=1e-6)
    assert ours.index.equals(new.index)
    if which == "prob":
        _close(ours["predicted"], model.predict_proba(new)[:, 1])


def _softmax_probs(theta, A, n_eq):
    eta = np.column_stack([np.zeros(A.shape[0]), A @ theta.reshape(n_eq, -1).T])
    p = np.exp(eta - eta.max(axis=1, keepdims=True))
    return p / p.sum(axis=1, keepdims=True)


@pytest.mark.parametrize("cov_type", ["nonrobust", "HC1"])
def test_multinomial_probabilities_by_the_delta_method(anes, cov_type):
    X, y, model = anes
    res = summarize(model, X, y, cov_type=cov_type)
    new = X.iloc[::10]
    ours = res.predict(new, ci=0.95)
    assert list(ours.index.names) == ["row", "class"]
    cov = res.cov_params().to_numpy()
    theta = res.params.to_numpy().T.ravel()
    n_eq = len(res.classes) - 1
    A = sm.add_constant(new, has_constant="add").to_numpy()
    p = _softmax_probs(theta, A, n_eq)
    h = 1e-6
    columns = [
        (_softmax_probs(theta + h * e, A, n_eq) - _softmax_probs(theta - h * e, A, n_eq)).ravel()
        / (2 * h)
        for e in np.eye(theta.size)
    ]
    jac = np.column_stack(columns)
    se = np.sqrt(np.einsum("ij,jk,ik->i", jac, cov, jac))
    _close(ours["predicted"], p.ravel())
    _close(ours["predicted"], model.predict_proba(new).ravel(), rtol=1e-9)
    _close(ours["std_err"], se, rtol=1e-5)
    # the interval of logit(p) (delta method) mapped back through the logistic function
    z = stats.norm.ppf(0.975)
    logit, half = np.log(p / (1 - p)).ravel(), z * se / (p * (1 - p)).ravel()
    _close(ours["ci_lower"], expit(logit - half), rtol=1e-5)
    _close(ours["ci_upper"], expit(logit + half), rtol=1e-5)
    assert np.all((ours["ci_lower"] > 0) & (ours["ci_upper"] < 1))


def test_multinomial_linear_predictors_match_statsmodels_mnlogit(anes):
    X, y, model = anes
    res = summarize(model, X, y)
    ref = sm.MNLogit(y, sm.add_constant(X)).fit(disp=0, method="newton", tol=1e-12)
    new = X.iloc[::7]
    ours = res.predict(new, which="linear")
    A = sm.add_constant(new, has_constant="add").to_numpy()
    params = ref.params.to_numpy()  # (terms, K - 1)
    cov = ref.cov_params().to_numpy()  # class by class
    width = A.shape[1]
    se = np.column_stack(
        [
            np.sqrt(
                np.einsum(
                    "ij,jk,ik->i",
                    A,
                    cov[k * width : (k + 1) * width, k * width : (k + 1) * width],
                    A,
                )
            )
            for k in range(params.shape[1])
        ]
    )
    _close(ours["predicted"], (A @ params).ravel(), rtol=1e-6)
    _close(ours["std_err"], se.ravel(), rtol=1e-5)
    assert list(ours.index.get_level_values("class").unique()) == list(model.classes_[1:])


def test_dataframe_columns_are_matched_by_name_and_offset_shifts(spector):
    X, y, model = spector
    res = summarize(model, X, y)
    shuffled = X[["PSI", "GPA", "TUCE"]]
    _close(res.predict(shuffled), res.predict(X.to_numpy()))
    linear = res.predict(X, which="linear")
    shifted = res.predict(X, which="linear", offset=np.full(len(X), 0.5))
    _close(shifted["predicted"], linear["predicted"] + 0.5)
    _close(shifted["std_err"], linear["std_err"])


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"which": "odds"}, "which must be"),
        ({"ci": 95}, "confidence level"),
        ({"X": np.ones((2, 2))}, "expected"),
        ({"X": pd.DataFrame({"a": [1.0], "b": [2.0]})}, "lacks"),
        ({"X": np.full((1, 3), np.nan)}, "NaN"),
        ({"offset": np.ones(5)}, "offset"),
    ],
)
def test_bad_arguments(spector, kwargs, match):
    X, y, model = spector
    kwargs = {"X": X.iloc[:3], **kwargs}
    with pytest.raises(ValueError, match=match):
        summarize(model, X, y).predict(**kwargs)
