"""Results.anova against LR tests of sub-models refitted by statsmodels in the test."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.formula.api as smf
from scipy import stats

from logistica import LogisticRegression
from logistica.inference import summarize

pytest.importorskip("formulaic")
from logistica.formula import logit


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(7)
    n = 800
    frame = pd.DataFrame(
        {"x": rng.normal(size=n), "z": rng.normal(size=n), "r": rng.choice(list("abc"), n)}
    )
    eta = 0.6 * frame.x - 0.4 * frame.z + 0.3 * frame.x * frame.z
    eta += frame.r.map({"a": 0.0, "b": 0.7, "c": -0.3})
    frame["y"] = (eta + rng.logistic(size=n) > 0).astype(int)
    frame["k"] = np.where(eta + rng.logistic(size=n) > 0.5, 2, np.where(frame.z > 0, 1, 0))
    return frame


def _llf(formula, frame):
    return smf.logit(formula, frame).fit(disp=0, method="newton", tol=1e-12).llf


FULL = "y ~ x + z + C(r) + x:z"


def test_type3_lr_and_wald(data):
    res = logit(FULL, data, tol=1e-10).summarize()
    table = res.anova(type=3)
    assert list(table.index) == ["x", "z", "C(r)", "x:z"]
    assert table.loc["C(r)", "df"] == 2
    full = _llf(FULL, data)
    without = {
        "x": "y ~ z + C(r) + x:z",
        "z": "y ~ x + C(r) + x:z",
        "C(r)": "y ~ x + z + x:z",
        "x:z": "y ~ x + z + C(r)",
    }
    ref = smf.logit(FULL, data).fit(disp=0, method="newton", tol=1e-12)
    wald = {
        "x": "x = 0",
        "z": "z = 0",
        "C(r)": "C(r)[T.b] = 0, C(r)[T.c] = 0",
        "x:z": "x:z = 0",
    }
    for term, formula in without.items():
        lr = 2 * (full - _llf(formula, data))
        np.testing.assert_allclose(table.loc[term, "lr_chi2"], lr, rtol=1e-6)
        np.testing.assert_allclose(
            table.loc[term, "lr_p_value"], stats.chi2.sf(lr, table.loc[term, "df"]), rtol=1e-5
        )
        expected = ref.wald_test(wald[term], scalar=True).statistic
        np.testing.assert_allclose(table.loc[term, "wald_chi2"], expected, rtol=1e-6)


def test_type2_respects_marginality(data):
    table = logit(FULL, data, tol=1e-10).summarize().anova(type=2)
    main = "y ~ x + z + C(r)"
    pairs = {
        "x": (main, "y ~ z + C(r)"),
        "z": (main, "y ~ x + C(r)"),
        "C(r)": (FULL, "y ~ x + z + x:z"),
        "x:z": (FULL, main),
    }
    for term, (larger, smaller) in pairs.items():
        lr = 2 * (_llf(larger, data) - _llf(smaller, data))
        np.testing.assert_allclose(table.loc[term, "lr_chi2"], lr, rtol=1e-6)
    sub = smf.logit(main, data).fit(disp=0, method="newton", tol=1e-12)
    np.testing.assert_allclose(
        table.loc["x", "wald_chi2"], sub.wald_test("x = 0", scalar=True).statistic, rtol=1e-6
    )


def test_multinomial_term_covers_every_class(data):
    res = logit("k ~ x + C(r)", data, tol=1e-10).summarize()
    table = res.anova(type=3)
    assert table.loc["C(r)", "df"] == 2 * 2
    full = smf.mnlogit("k ~ x + C(r)", data).fit(disp=0, method="newton", tol=1e-12).llf
    small = smf.mnlogit("k ~ x", data).fit(disp=0, method="newton", tol=1e-12).llf
    np.testing.assert_allclose(table.loc["C(r)", "lr_chi2"], 2 * (full - small), rtol=1e-6)


def test_anova_refusals(data):
    X, y = data[["x", "z"]], data["y"]
    res = summarize(LogisticRegression(C=np.inf).fit(X, y), X, y)
    with pytest.raises(ValueError, match="formula"):
        res.anova()
    with pytest.raises(ValueError, match="typ must be"):
        logit("y ~ x", data).summarize().anova(type=1)
    with pytest.warns(Warning), pytest.raises(ValueError, match="unpenalized"):
        logit("y ~ x", data, C=1.0).summarize().anova()
