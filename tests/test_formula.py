"""Formula interface: statsmodels' names, statsmodels' numbers, no data for summarize()."""

from __future__ import annotations

import sys

import numpy as np
import pandas as pd
import pytest
import statsmodels.formula.api as smf

from logistica import LogisticRegression
from logistica.formula import FormulaDesign, design_matrix, logit

# The fixture has two rows with a missing x2: logit drops them and says so (tested below).
pytestmark = pytest.mark.filterwarnings("ignore:logit dropped:UserWarning")


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(7)
    n = 400
    frame = pd.DataFrame(
        {
            "x1": rng.normal(size=n),
            "x2": rng.normal(size=n),
            "region": rng.choice(["a", "b", "c"], n),
            "flag": rng.random(n) > 0.5,
        }
    )
    signal = frame.x1 - 0.5 * frame.x2 + (frame.region == "b") + 0.5 * frame.x1 * frame.x2
    frame["y"] = (signal + rng.logistic(size=n) > 0).astype(int)
    frame["party"] = np.where(
        signal + rng.logistic(size=n) > 0.5, "R", np.where(rng.random(n) < 0.5, "D", "I")
    )
    frame.loc[[3, 10], "x2"] = np.nan  # rows with missing values are dropped, as in statsmodels
    return frame


FORMULA = "y ~ x1 + C(region) + x1:x2 + flag"


def test_names_and_estimates_match_statsmodels(data):
    model = logit(FORMULA, data, tol=1e-10)
    ref = smf.logit(FORMULA, data).fit(disp=0, method="newton", tol=1e-12)
    res = model.summarize()
    names = ["intercept", "x1", "C(region)[T.b]", "C(region)[T.c]", "flag[T.True]", "x1:x2"]
    assert list(res.params.index) == names
    assert list(model.feature_names_in_) == names[1:]
    expected = ref.params.rename({"Intercept": "intercept"})[names]
    np.testing.assert_allclose(res.params, expected, rtol=1e-6)
    np.testing.assert_allclose(
        res.bse, ref.bse.rename({"Intercept": "intercept"})[names], rtol=1e-6
    )
    np.testing.assert_allclose(res.llf, ref.llf, rtol=1e-10)
    assert res.nobs == ref.nobs == len(data) - 2
    assert isinstance(model, LogisticRegression) and model.formula_ == FORMULA
    assert isinstance(model.design_, FormulaDesign)


def test_summarize_without_data_accepts_options(data):
    model = logit(FORMULA, data)
    groups = data["region"].to_numpy()[model.design_.X.index]
    res = model.summarize(cov_type="cluster", groups=groups)
    assert res.cov_type == "cluster" and "C(region)[T.b]" in str(res.summary())


def test_no_intercept_multinomial_and_caller_scope(data):
    def double(x):
        return 2 * x

    model = logit("y ~ double(x1) - 1", data)
    assert not model.fit_intercept and list(model.feature_names_in_) == ["double(x1)"]
    multi = logit("party ~ x1 + x2", data)
    res = multi.summarize()
    assert list(res.params.columns) == ["I", "R"] and list(multi.classes_) == ["D", "I", "R"]


def test_design_matrix_of_new_data_predicts(data):
    model = logit(FORMULA, data)
    new = data.dropna().head(5)
    np.testing.assert_allclose(
        model.predict_proba(design_matrix(model, new)),
        model.predict_proba(model.design_.X.loc[new.index]),
    )
    with pytest.raises(ValueError, match=r"not fitted by logistica\.formula\.logit"):
        design_matrix(LogisticRegression(), new)


def test_weights_and_offset_follow_the_kept_rows(data):
    weights = np.arange(len(data)) % 3 + 1.0
    model = logit("y ~ x1 + x2", data, sample_weight=weights, C=1.0)
    kept = model.design_
    assert kept.sample_weight.shape == (len(data) - 2,)
    np.testing.assert_array_equal(kept.sample_weight, weights[data.x2.notna().to_numpy()])
    with pytest.raises(ValueError, match="sample_weight has 3 rows"):
        logit("y ~ x1", data, sample_weight=[1.0, 2.0, 3.0])


def test_bad_formulas(data):
    with pytest.raises(ValueError, match="no response"):
        logit("~ x1", data)
    with pytest.raises(ValueError, match="no term besides the intercept"):
        logit("y ~ 1", data)


def test_missing_formulaic_says_what_to_install(data, monkeypatch):
    monkeypatch.setitem(sys.modules, "formulaic", None)
    with pytest.raises(ImportError, match=r'pip install "logistica\[formula\]"'):
        logit(FORMULA, data)


def test_fit_says_which_rows_it_dropped(data):
    with pytest.warns(UserWarning, match=r"dropped 2 of 400 rows .* 'x2' \(2 rows\)"):
        model = logit(FORMULA, data)
    assert len(model.design_.X) == len(data) - 2


def test_new_data_with_missing_values_is_refused_by_column(data):
    model = logit(FORMULA, data)
    new = data.dropna().head(3).copy()
    new.loc[new.index[1], "x1"] = np.nan
    new.loc[new.index[2], "region"] = None
    with pytest.raises(ValueError, match=r"missing values in 'region' \(1 rows\), 'x1' \(1 rows\)"):
        model.predict_proba(design_matrix(model, new))
    kept = design_matrix(model, new, na_action="drop")
    assert kept.index.tolist() == new.index[:1].tolist()
    with pytest.raises(ValueError, match="na_action must be one of"):
        design_matrix(model, new, na_action="ignore")


def test_new_data_with_an_unseen_category_is_refused(data):
    model = logit(FORMULA, data)
    new = data.dropna().head(3).copy()
    new["region"] = ["a", "b", "z"]
    with pytest.raises(ValueError, match=r"does not match the fitted formula.*'z'"):
        design_matrix(model, new)
