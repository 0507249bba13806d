"""Marginal effects against statsmodels' get_margeff and direct NumPy formulas."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy import stats
from scipy.special import expit

from logistica import LogisticRegression
from logistica.inference import summarize

RTOL = 1e-8


@pytest.fixture(scope="module")
def spector():
    data = sm.datasets.spector.load_pandas()
    X, y = data.exog, data.endog
    model = LogisticRegression(C=np.inf, tol=1e-10).fit(X, y)
    reference = sm.Logit(y, sm.add_constant(X)).fit(disp=0, method="newton", tol=1e-12)
    return X, y, summarize(model, X, y), reference


@pytest.fixture(scope="module")
def anes():
    data = sm.datasets.anes96.load_pandas().data
    X = data[["logpopul", "selfLR", "age", "educ", "income"]].copy()
    X["college"] = (X["educ"] > 4).astype(float)
    y = data["PID"]
    model = LogisticRegression(C=np.inf, tol=1e-10).fit(X, y)
    reference = sm.MNLogit(y, sm.add_constant(X)).fit(disp=0, method="newton", tol=1e-12)
    return X, y, summarize(model, X, y), reference


def _close(actual, expected, rtol=RTOL, atol=1e-12):
    np.testing.assert_allclose(np.asarray(actual), np.asarray(expected), rtol=rtol, atol=atol)


CASES = [
    (at, method, dummy)
    for at in ("overall", "mean", "median")
    for method in ("dydx", "eyex", "dyex", "eydx")
    for dummy in (False, True)
    if not (dummy and (method in ("eyex", "dyex") or at == "median"))
]


@pytest.mark.parametrize(("at", "method", "dummy"), CASES)
def test_binary_effects_match_statsmodels(spector, at, method, dummy):
    _, _, res, ref = spector
    ours = res.marginal_effects(at=at, method=method, dummy=dummy)
    theirs = ref.get_margeff(at=at, method=method, dummy=dummy)
    _close(ours.frame["effect"], theirs.margeff)
    _close(ours.frame["std_err"], theirs.margeff_se)
    if at != "median":  # PSI's median is 0: a zero elasticity, z = 0/0
        frame = theirs.summary_frame()
        _close(ours.frame["p_value"], frame["Pr(>|z|)"], rtol=1e-6)
        _close(ours.frame[["ci_lower", "ci_upper"]], frame.iloc[:, 4:6])
    _close(ours.cov, theirs.margeff_cov, atol=1e-14)


def test_effects_at_fixed_values_match_statsmodels_atexog(spector):
    _, _, res, ref = spector
    ours = res.marginal_effects(at={"GPA": 3.0, "PSI": 1})
    theirs = ref.get_margeff(at="overall", atexog={1: 3.0, 3: 1.0})
    _close(ours.frame["effect"], theirs.margeff)
    _close(ours.frame["std_err"], theirs.margeff_se)
    at_mean = res.marginal_effects(at="mean", dummy=True)
    _close(at_mean.frame["effect"], ref.get_margeff(at="mean", dummy=True).margeff)


@pytest.mark.parametrize("at", ["overall", "mean"])
@pytest.mark.parametrize("method", ["dydx", "eydx"])
@pytest.mark.parametrize("dummy", [False, True])
def test_multinomial_effects_match_statsmodels_mnlogit(anes, at, method, dummy):
    X, _, res, ref = anes
    ours = res.marginal_effects(at=at, method=method, dummy=dummy)
    theirs = ref.get_margeff(at=at, method=method, dummy=dummy)
    assert ours.frame.index.names == ["class", "feature"]
    assert len(ours.frame) == len(res.classes) * X.shape[1]
    # statsmodels: (features, classes); ours: class by class
    _close(ours.frame["effect"], theirs.margeff.T.ravel(), rtol=1e-9)
    _close(ours.frame["std_err"], theirs.margeff_se.T.ravel(), rtol=1e-9)
    if method == "dydx":  # probabilities sum to one: effects on all classes sum to zero
        _close(ours.frame["effect"].groupby(level="feature").sum(), 0.0, atol=1e-12)


def test_multinomial_dummy_effect_is_a_discrete_change(anes):
    X, _, res, _ = anes
    model_params = res.params.to_numpy()
    ours = res.marginal_effects(dummy=True).frame["effect"].xs("college", level="feature")

    def probs(frame):
        eta = sm.add_constant(frame, has_constant="add").to_numpy() @ model_params
        eta = np.column_stack([np.zeros(len(frame)), eta])
        p = np.exp(eta - eta.max(axis=1, keepdims=True))
        return p / p.sum(axis=1, keepdims=True)

    change = probs(X.assign(college=1.0)) - probs(X.assign(college=0.0))
    _close(ours, change.mean(axis=0), rtol=1e-10)
    derivative = res.marginal_effects().frame["effect"].xs("college", level="feature")
    assert not np.allclose(ours, derivative)


def test_categorical_formula_term_changes_levels_together():
    pytest.importorskip("formulaic")
    from logistica.formula import logit

    rng = np.random.default_rng(3)
    n = 600
    data = pd.DataFrame({"x": rng.normal(size=n), "region": rng.choice(list("abc"), n)})
    shift = data["region"].map({"a": 0.0, "b": 0.8, "c": -0.6})
    data["y"] = (data["x"] + shift + rng.logistic(size=n) > 0).astype(int)
    res = logit("y ~ x + C(region)", data).summarize()
    ours = res.marginal_effects(dummy=True).frame
    theta = res.params.to_numpy()
    cov = res.cov_params().to_numpy()

    def level_effects(theta):
        base = theta[0] + theta[1] * data["x"].to_numpy()
        p_ref = expit(base)
        return np.array(
            [np.mean(expit(base + theta[2]) - p_ref), np.mean(expit(base + theta[3]) - p_ref)]
        )

    _close(ours["effect"].iloc[1:], level_effects(theta), rtol=1e-10)
    # delta method with a central-difference Jacobian written here
    h = 1e-6
    jac = np.column_stack(
        [(level_effects(theta + h * e) - level_effects(theta - h * e)) / (2 * h) for e in np.eye(4)]
    )
    _close(ours["std_err"].iloc[1:], np.sqrt(np.diag(jac @ cov @ jac.T)), rtol=1e-6)


def test_frequency_weights_equal_repeated_rows(spector):
    X, y, _, _ = spector
    counts = np.random.default_rng(0).integers(1, 4, size=len(y))
    weighted = LogisticRegression(C=np.inf, tol=1e-12).fit(X, y, sample_weight=counts)
    Xr, yr = X.loc[X.index.repeat(counts)], y.loc[y.index.repeat(counts)]
    repeated = LogisticRegression(C=np.inf, tol=1e-12).fit(Xr, yr)
    for at in ("overall", "mean", "median"):
        a = summarize(weighted, X, y, sample_weight=counts).marginal_effects(at=at).frame
        b = summarize(repeated, Xr, yr).marginal_effects(at=at).frame
        _close(a, b, rtol=1e-6)


def test_robust_covariance_propagates(spector):
    X, y, _, _ = spector
    model = LogisticRegression(C=np.inf, tol=1e-10).fit(X, y)
    robust = summarize(model, X, y, cov_type="HC0").marginal_effects()
    theirs = sm.Logit(y, sm.add_constant(X)).fit(disp=0, cov_type="HC0").get_margeff()
    _close(robust.frame["std_err"], theirs.margeff_se, rtol=1e-6)
    z = robust.frame["effect"] / robust.frame["std_err"]
    _close(robust.frame["p_value"], 2 * stats.norm.sf(np.abs(z)))


def test_text_and_html_rendering(spector, anes):
    text = str(spector[2].marginal_effects())
    assert "dydx" in text and "GPA" in text and "P>|z|" in text
    assert "logistica-margins" in spector[2].marginal_effects()._repr_html_()
    assert "selfLR" in str(anes[2].marginal_effects(at="mean"))


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"method": "dyxd"}, "method must be"),
        ({"at": "zero"}, "at must be"),
        ({"at": {"nope": 1.0}}, "unknown feature"),
        ({"at": {"GPA": np.nan}}, "finite"),
        ({"method": "eyex", "dummy": True}, "0/1 columns"),
        ({"alpha": 1.5}, "alpha"),
    ],
)
def test_bad_arguments(spector, kwargs, match):
    with pytest.raises(ValueError, match=match):
        spector[2].marginal_effects(**kwargs)
