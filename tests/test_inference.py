"""Results against statsmodels' Logit and MNLogit on the data sets statsmodels ships."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy import stats
from scipy.optimize import brentq, minimize
from statsmodels.stats import sandwich_covariance as sw
from statsmodels.stats.outliers_influence import variance_inflation_factor

from logistica import LogisticRegression
from logistica.exceptions import InferenceWarning
from logistica.inference import (
    ChiSquareTest,
    Results,
    condition_number,
    summarize,
    variance_inflation_factors,
)

RTOL = 1e-6


@pytest.fixture(scope="module")
def spector():
    data = sm.datasets.spector.load_pandas()
    X, y = data.exog, data.endog
    model = LogisticRegression(C=np.inf, tol=1e-10).fit(X, y)
    reference = sm.Logit(y, sm.add_constant(X)).fit(disp=0, method="newton", tol=1e-12)
    return X, y, model, reference


@pytest.fixture(scope="module")
def anes():
    data = sm.datasets.anes96.load_pandas().data
    X, y = data[["logpopul", "selfLR", "age", "educ", "income"]], data["PID"]
    model = LogisticRegression(C=np.inf, tol=1e-10).fit(X, y)
    reference = sm.MNLogit(y, sm.add_constant(X)).fit(disp=0, method="newton", tol=1e-12)
    return X, y, model, reference


def _close(actual, expected, rtol=RTOL):
    np.testing.assert_allclose(np.asarray(actual), np.asarray(expected), rtol=rtol, atol=0)


# -- parity with statsmodels --------------------------------------------------------
def test_binary_results_match_statsmodels_logit(spector):
    X, y, model, ref = spector
    res = summarize(model, X, y)
    assert list(res.params.index) == ["intercept", "GPA", "TUCE", "PSI"]
    for name in ("params", "bse", "tvalues", "pvalues"):
        _close(getattr(res, name), getattr(ref, name))
    _close(res.conf_int(), ref.conf_int())
    _close(res.conf_int(alpha=0.1), ref.conf_int(alpha=0.1))
    _close(res.cov_params(), ref.cov_params())
    for name in ("llf", "llnull", "aic", "bic", "prsquared", "llr", "llr_pvalue", "df_model"):
        _close(getattr(res, name), getattr(ref, name))
    assert res.df_resid == ref.df_resid and res.nobs == ref.nobs
    _close(res.deviance, -2 * ref.llf)


def test_multinomial_results_match_statsmodels_mnlogit(anes):
    X, y, model, ref = anes
    res = summarize(model, X, y)
    assert list(res.params.columns) == list(model.classes_[1:])
    assert list(res.params.index) == ["intercept", *X.columns]
    for name in ("params", "bse", "tvalues", "pvalues"):
        _close(getattr(res, name), getattr(ref, name))
    _close(res.cov_params(), ref.cov_params())
    _close(res.conf_int(), ref.conf_int())
    for name in ("llf", "aic", "bic", "prsquared", "llr", "df_model"):
        _close(getattr(res, name), getattr(ref, name))
    _close(res.llnull, ref.llnull, rtol=1e-9)
    _close(res.llr_pvalue, ref.llr_pvalue, rtol=1e-5)  # 1e-102: ulp-level llf noise


def test_robust_covariances_match_statsmodels_logit(spector):
    X, y, model, ref = spector
    exog = sm.add_constant(X)
    hc0 = sm.Logit(y, exog).fit(disp=0, method="newton", tol=1e-12, cov_type="HC0")
    _close(summarize(model, X, y, cov_type="HC0").bse, hc0.bse)
    # statsmodels' Logit applies no correction for "HC1"; n/(n-k) is cov_white_simple's
    hc1 = np.sqrt(np.diag(sw.cov_white_simple(ref, use_correction=True)))
    _close(summarize(model, X, y, cov_type="HC1").bse, hc1)
    groups = np.arange(len(y)) % 7
    cluster = sm.Logit(y, exog).fit(
        disp=0, method="newton", tol=1e-12, cov_type="cluster", cov_kwds={"groups": groups}
    )
    res = summarize(model, X, y, cov_type="cluster", groups=groups)
    _close(res.bse, cluster.bse)
    _close(res.pvalues, cluster.pvalues)


def test_robust_covariances_match_statsmodels_mnlogit(anes):
    X, y, model, _ = anes
    exog = sm.add_constant(X)
    hc0 = sm.MNLogit(y, exog).fit(disp=0, method="newton", tol=1e-12, cov_type="HC0")
    _close(summarize(model, X, y, cov_type="HC0").bse, hc0.bse)
    groups = np.asarray(X["age"] // 10)
    cluster = sm.MNLogit(y, exog).fit(
        disp=0, method="newton", tol=1e-12, cov_type="cluster", cov_kwds={"groups": groups}
    )
    _close(summarize(model, X, y, cov_type="cluster", groups=groups).bse, cluster.bse)


@pytest.mark.parametrize("cov_type, power", [("HC2", 1), ("HC3", 2)])
def test_hc2_hc3_follow_r_sandwich(spector, cov_type, power):
    # vcovHC(glm, type=...): bread · Σ xᵢxᵢᵀ (yᵢ - pᵢ)² / (1 - hᵢ)^power · bread
    X, y, model, ref = spector
    glm = sm.GLM(y, sm.add_constant(X), family=sm.families.Binomial()).fit(tol=1e-12)
    hat = glm.get_influence().hat_matrix_diag
    exog = sm.add_constant(X).to_numpy()
    resid = (y - glm.mu).to_numpy()
    meat = exog.T @ (exog * (resid**2 / (1 - hat) ** power)[:, None])
    bread = ref.cov_params().to_numpy()
    expected = np.sqrt(np.diag(bread @ meat @ bread))
    _close(summarize(model, X, y, cov_type=cov_type).bse, expected)


def test_offset_matches_statsmodels(spector):
    X, y, _, _ = spector
    offset = np.linspace(-1, 1, len(y))
    model = LogisticRegression(C=np.inf, tol=1e-10).fit(X, y, offset=offset)
    ref = sm.Logit(y, sm.add_constant(X), offset=offset).fit(disp=0, method="newton", tol=1e-12)
    res = summarize(model, X, y, offset=offset)
    _close(res.params, ref.params)
    _close(res.bse, ref.bse)
    _close(res.llf, ref.llf)
    _close(res.llnull, ref.llnull)


def test_frequency_weights_equal_repeated_rows(spector):
    X, y, _, _ = spector
    counts = np.arange(len(y)) % 3 + 1
    weighted = LogisticRegression(C=np.inf, tol=1e-10).fit(X, y, sample_weight=counts)
    rows = np.repeat(np.arange(len(y)), counts)
    Xr, yr = X.iloc[rows], y.iloc[rows]
    repeated = LogisticRegression(C=np.inf, tol=1e-10).fit(Xr, yr)
    groups = np.arange(len(y)) % 5
    for cov_type, g in [
        ("nonrobust", None),
        ("HC0", None),
        ("HC1", None),
        ("HC3", None),
        ("cluster", groups),
    ]:
        a = summarize(weighted, X, y, sample_weight=counts, cov_type=cov_type, groups=g)
        b = summarize(repeated, Xr, yr, cov_type=cov_type, groups=None if g is None else g[rows])
        _close(a.bse, b.bse)
        for name in ("llf", "llnull", "aic", "bic", "nobs"):
            _close(getattr(a, name), getattr(b, name))


def test_profile_intervals_solve_the_likelihood_ratio_equation(spector):
    X, y, model, ref = spector
    res = summarize(model, X, y)
    profile = res.conf_int(alpha=0.05, method="profile")
    exog = sm.add_constant(X).to_numpy()
    cutoff = stats.chi2.ppf(0.95, 1)

    def constrained_llf(j, b):  # maximise over the other coefficients with θⱼ = b
        rest, offset = np.delete(exog, j, axis=1), b * exog[:, j]

        def negative(theta):
            z = rest @ theta + offset
            p = 1 / (1 + np.exp(-z))
            hessian = rest.T @ (rest * (p * (1 - p))[:, None])
            return np.sum(np.logaddexp(0, z) - y * z), rest.T @ (p - y), hessian

        fit = minimize(
            lambda t: negative(t)[:2],
            np.delete(ref.params.to_numpy(), j),
            jac=True,
            hess=lambda t: negative(t)[2],
            method="trust-exact",
            options={"gtol": 1e-10},
        )
        return -fit.fun

    for j in range(exog.shape[1]):
        estimate, se = ref.params.iloc[j], ref.bse.iloc[j]

        def lr(b, j=j):
            return 2 * (ref.llf - constrained_llf(j, b)) - cutoff

        lower = brentq(lr, estimate - 4 * se, estimate, xtol=1e-12)
        upper = brentq(lr, estimate, estimate + 4 * se, xtol=1e-12)
        _close(profile.iloc[j], [lower, upper], rtol=1e-7)


def test_multinomial_profile_interval_solves_the_lr_equation(anes):
    X, y, model, ref = anes
    res = summarize(model, X, y)
    label = (model.classes_[2], "selfLR")
    lower, upper = res.conf_int(method="profile", cols=[label]).iloc[0]
    exog = sm.add_constant(X).to_numpy()
    codes = np.searchsorted(model.classes_, y)
    onehot = np.eye(len(model.classes_))[codes]
    k_exog, n_eq = exog.shape[1], len(model.classes_) - 1
    spot = 1 * k_exog + 2  # class 2 (second non-reference), feature "selfLR"

    def negative_llf(free, b):
        theta = np.insert(free, spot, b).reshape(n_eq, k_exog)
        raw = np.column_stack([np.zeros(len(y)), exog @ theta.T])
        logp = raw - np.logaddexp.reduce(raw, axis=1, keepdims=True)
        grad = (exog.T @ (np.exp(logp) - onehot)[:, 1:]).T.ravel()
        return -np.sum(onehot * logp), np.delete(grad, spot)

    start = np.delete(ref.params.to_numpy().T.ravel(), spot)

    def lr(b):
        fit = minimize(
            negative_llf, start, args=(b,), jac=True, method="BFGS", options={"gtol": 1e-9}
        )
        return 2 * (ref.llf + fit.fun) - stats.chi2.ppf(0.95, 1)

    estimate, se = ref.params.iloc[2, 1], ref.bse.iloc[2, 1]
    _close(
        [lower, upper],
        [
            brentq(lr, estimate - 5 * se, estimate, xtol=1e-12),
            brentq(lr, estimate, estimate + 5 * se, xtol=1e-12),
        ],
        rtol=1e-7,
    )


def test_odds_ratios_exponentiate_the_intervals(spector, anes):
    for X, y, model, _ in (spector, anes):
        res = summarize(model, X, y)
        odds = res.odds_ratios(alpha=0.1)
        _close(odds["odds_ratio"], np.exp(res.params.to_numpy().T.ravel()))
        _close(odds[["lower", "upper"]], np.exp(res.conf_int(alpha=0.1)))


# -- tests ------------------------------------------------------------------------------
def test_wald_test_matches_statsmodels(spector):
    X, y, model, ref = spector
    res = summarize(model, X, y)
    R = np.array([[0, 1, 0, 0], [0, 0, 1, -1.0]])
    expected = ref.wald_test((R, [1.0, 0.0]), scalar=True)
    test = res.wald_test(R, q=[1.0, 0.0])
    assert isinstance(test, ChiSquareTest) and test.df == 2
    _close(test.statistic, expected.statistic)
    _close(test.pvalue, expected.pvalue)
    by_name = res.wald_test(["GPA", "PSI"])
    _close(by_name.statistic, ref.wald_test("GPA = 0, PSI = 0", scalar=True).statistic)
    single = res.wald_test("TUCE")
    _close(single.pvalue, ref.pvalues["TUCE"])


def test_multinomial_wald_test_by_feature_covers_every_class(anes):
    X, y, model, ref = anes
    res = summarize(model, X, y)
    test = res.wald_test("educ")
    assert test.df == len(model.classes_) - 1
    one = res.wald_test([(model.classes_[3], "educ")])
    _close(one.pvalue, ref.pvalues.loc["educ"].iloc[2])


def test_lr_test_between_nested_models(spector):
    X, y, model, ref = spector
    small_model = LogisticRegression(C=np.inf, tol=1e-10).fit(X[["GPA"]], y)
    small_ref = sm.Logit(y, sm.add_constant(X[["GPA"]])).fit(disp=0)
    full, small = summarize(model, X, y), summarize(small_model, X[["GPA"]], y)
    test = full.lr_test(small)
    assert test.df == 2 and small.lr_test(full) == test
    _close(test.statistic, 2 * (ref.llf - small_ref.llf))
    _close(test.pvalue, stats.chi2.sf(2 * (ref.llf - small_ref.llf), 2))
    other = LogisticRegression(C=np.inf).fit(X[["TUCE"]], y).summarize(X[["TUCE"]], y)
    with pytest.raises(ValueError, match="not nested"):
        summarize(
            LogisticRegression(C=np.inf).fit(X[["GPA", "PSI"]], y), X[["GPA", "PSI"]], y
        ).lr_test(other)


# -- diagnostics and summary ------------------------------------------------------------
def test_vif_and_condition_number_match_statsmodels(anes):
    X, y, model, _ = anes
    exog = sm.add_constant(X).to_numpy()
    expected = [variance_inflation_factor(exog, j) for j in range(1, exog.shape[1])]
    _close(summarize(model, X, y).vif(), expected)
    _close(variance_inflation_factors(X), expected)
    assert list(variance_inflation_factors(X).index) == list(X.columns)
    _close(condition_number(X, scaled=False), np.linalg.cond(exog))
    scaled = exog / np.linalg.norm(exog, axis=0)
    _close(condition_number(X), np.linalg.cond(scaled))


def test_collinear_feature_gets_infinite_vif():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(100, 3))
    X[:, 2] = X[:, 0] - 2 * X[:, 1]
    vif = variance_inflation_factors(np.column_stack([X, rng.normal(size=100)]))
    assert np.all(np.isinf(vif[:3])) and np.isfinite(vif[3])


def test_summary_renders_text_frame_and_html(spector):
    X, y, model, _ = spector
    summary = summarize(model, X, y).summary(alpha=0.1)
    text = str(summary)
    for piece in (
        "Logistic Regression Results",
        "GPA",
        "P>|z|",
        "[0.05",
        "0.95]",
        "VIF",
        "Pseudo R-squ.",
        "LLR p-value",
    ):
        assert piece in text
    assert list(summary.frame.columns) == [
        "coef",
        "std_err",
        "z",
        "p_value",
        "ci_lower",
        "ci_upper",
        "odds_ratio",
        "or_lower",
        "or_upper",
        "vif",
    ]
    assert np.isnan(summary.frame.loc["intercept", "vif"])
    page = summary.as_html()
    assert page.startswith('<div class="logistica-summary">') and "<table" in page
    assert summary._repr_html_() == page


def test_multinomial_summary_has_one_table_per_class(anes):
    X, y, model, _ = anes
    text = str(summarize(model, X, y).summary())
    assert text.count("std err") == len(model.classes_) - 1


def test_summary_warns_about_collinearity():
    rng = np.random.default_rng(2)
    X = pd.DataFrame(rng.normal(size=(300, 2)), columns=["a", "b"])
    X["c"] = X["a"] + 0.05 * rng.normal(size=300)
    y = (X["a"] + rng.logistic(size=300) > 0).astype(int)
    notes = summarize(LogisticRegression(C=np.inf).fit(X, y), X, y).summary().notes
    assert any("VIF > 10 for a, c" in note for note in notes)
    assert any("condition number" in note for note in notes)


def test_penalized_fit_warns_and_refuses_profile_intervals(spector):
    X, y, _, _ = spector
    model = LogisticRegression(C=1.0).fit(X, y)
    with pytest.warns(InferenceWarning, match="penalty"):
        res = summarize(model, X, y)
    assert "Penalized fit" in res.summary().notes[0]
    with pytest.raises(ValueError, match="profile-likelihood"):
        res.conf_int(method="profile")


def test_results_are_immutable_and_cached(spector):
    X, y, model, _ = spector
    res = model.summarize(X, y)
    assert isinstance(res, Results) and res.bse is res.bse
    with pytest.raises(AttributeError):
        res.cov_type = "HC0"
    with pytest.raises(AttributeError):
        del res.cov_type


def test_summarize_needs_no_penalty_warning_for_unpenalized_fits(spector):
    X, y, model, _ = spector
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        summarize(model, X, y).summary()


# -- bad input --------------------------------------------------------------------------
@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"cov_type": "HC9"}, "unknown cov_type 'HC9'"),
        ({"cov_type": "cluster"}, "needs groups"),
        ({"cov_type": "cluster", "groups": np.zeros(5)}, r"groups has shape \(5,\)"),
        ({"cov_type": "HC0", "groups": np.zeros(32)}, "only used with cov_type='cluster'"),
        ({"cov_type": "cluster", "groups": np.zeros(32)}, "at least two distinct groups"),
    ],
)
def test_bad_covariance_arguments(spector, kwargs, match):
    X, y, model, _ = spector
    with pytest.raises(ValueError, match=match):
        summarize(model, X, y, **kwargs)


def test_bad_hypotheses(spector):
    X, y, model, _ = spector
    res = summarize(model, X, y)
    with pytest.raises(ValueError, match=r"R has shape \(1, 3\), expected \(n_restrictions, 4\)"):
        res.wald_test(np.ones((1, 3)))
    with pytest.raises(ValueError, match="unknown parameter 'age'"):
        res.wald_test(["GPA", "age"])
    with pytest.raises(ValueError, match=r"q has shape \(2,\), expected \(1,\)"):
        res.wald_test(np.ones(4), q=[0.0, 1.0])
    with pytest.raises(ValueError, match="linearly dependent"):
        res.wald_test(np.ones((2, 4)))
    with pytest.raises(ValueError, match="unknown parameter"):
        res.conf_int(cols=["nope"])
    with pytest.raises(ValueError, match="method must be"):
        res.conf_int(method="bootstrap")


def test_bad_models_and_data(spector, anes):
    X, y, model, _ = spector
    with pytest.raises(ValueError, match="multi_class='ovr'"):
        Xa, ya, _, _ = anes
        ovr = LogisticRegression(C=np.inf, multi_class="ovr").fit(Xa, ya)
        summarize(ovr, Xa, ya)
    with pytest.raises(ValueError, match="loss='focal'"):
        summarize(LogisticRegression(loss="focal").fit(X, y), X, y)
    with pytest.raises(ValueError, match="labels not seen in fit"):
        summarize(model, X, y + 2)
    with pytest.raises(ValueError, match="feature names"):
        summarize(model, X[["GPA", "TUCE"]], y)
    with pytest.raises(ValueError, match="both X and y"):
        summarize(model, X)
    with pytest.raises(ValueError, match="training data X and y"):
        model.summarize()


@pytest.mark.parametrize("cov_type", ["nonrobust", "HC1", "HC3", "cluster"])
def test_sparse_and_float32_designs_give_the_dense_results(spector, cov_type):
    import scipy.sparse as sp

    X, y, model, _ = spector
    groups = np.arange(len(y)) % 4 if cov_type == "cluster" else None
    plain = LogisticRegression(C=np.inf, tol=1e-10).fit(X.to_numpy(), y)
    dense = summarize(plain, X.to_numpy(), y, cov_type=cov_type, groups=groups)
    _close(dense.bse, summarize(model, X, y, cov_type=cov_type, groups=groups).bse)
    for data in (sp.csr_matrix(X.to_numpy()), X.to_numpy().astype(np.float32)):
        other = summarize(plain, data, y, cov_type=cov_type, groups=groups)
        _close(other.bse, dense.bse, rtol=1e-6 if data.dtype == np.float64 else 1e-5)
