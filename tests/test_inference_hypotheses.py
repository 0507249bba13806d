"""String hypotheses in wald_test and t_test, against statsmodels."""

from __future__ import annotations

import numpy as np
import pytest
import statsmodels.api as sm

from logistica import LogisticRegression
from logistica.inference import summarize
from logistica.inference._constraints import parse_constraints


@pytest.fixture(scope="module")
def spector():
    data = sm.datasets.spector.load_pandas()
    X, y = data.exog, data.endog
    model = LogisticRegression(C=np.inf, tol=1e-10).fit(X, y)
    reference = sm.Logit(y, sm.add_constant(X)).fit(disp=0, method="newton", tol=1e-12)
    return summarize(model, X, y), reference


def _close(actual, expected, rtol=1e-7):
    np.testing.assert_allclose(np.asarray(actual), np.asarray(expected), rtol=rtol, atol=1e-12)


HYPOTHESES = [
    "GPA = PSI",
    "GPA + 2*TUCE = 1, PSI = 0",
    "GPA - TUCE/2 = 0.5*PSI",
    "2*(GPA - 1) = PSI, TUCE",
    "-GPA + 3 = -PSI",
]


@pytest.mark.parametrize("hypothesis", HYPOTHESES)
def test_string_wald_tests_match_statsmodels(spector, hypothesis):
    res, ref = spector
    ours = res.wald_test(hypothesis)
    theirs = ref.wald_test(hypothesis, scalar=True)
    assert ours.df == hypothesis.count(",") + 1
    _close(ours.statistic, theirs.statistic)
    _close(ours.pvalue, theirs.pvalue)


@pytest.mark.parametrize("hypothesis", HYPOTHESES)
def test_string_t_tests_match_statsmodels(spector, hypothesis):
    res, ref = spector
    ours = res.t_test(hypothesis, alpha=0.1)
    theirs = ref.t_test(hypothesis).summary_frame(alpha=0.1)
    _close(ours["coef"], theirs["coef"])
    _close(ours["std_err"], theirs["std err"])
    _close(ours["z"], theirs["z"])
    _close(ours["p_value"], theirs["P>|z|"])
    _close(ours[["ci_lower", "ci_upper"]], theirs[["Conf. Int. Low", "Conf. Int. Upp."]])
    assert len(ours) == hypothesis.count(",") + 1


def test_matrix_and_name_forms_still_work(spector):
    res, ref = spector
    R = np.array([[0, 1, 0, -1.0]])
    _close(res.wald_test(R).statistic, res.wald_test("GPA = PSI").statistic)
    _close(res.t_test("PSI")["p_value"], ref.pvalues["PSI"])
    assert list(res.t_test(["GPA", "PSI"]).index) == ["GPA", "PSI"]
    assert list(res.t_test(R).index) == ["c0"]


def test_multinomial_parameters_are_feature_class():
    data = sm.datasets.anes96.load_pandas().data
    X, y = data[["selfLR", "age", "educ"]], data["vote"].astype(int) + 2 * (data["PID"] > 3)
    res = summarize(LogisticRegression(C=np.inf, tol=1e-10).fit(X, y), X, y)
    ref = sm.MNLogit(y, sm.add_constant(X)).fit(disp=0, method="newton", tol=1e-12)
    test = res.wald_test("educ[1] = educ[2], age[3] = 0")
    k = X.shape[1] + 1  # statsmodels: class by class, [const, features]
    R = np.zeros((2, 3 * k))
    R[0, 0 * k + 3], R[0, 1 * k + 3], R[1, 2 * k + 2] = 1, -1, 1
    theirs = ref.wald_test(R, scalar=True)
    _close(test.statistic, theirs.statistic, rtol=1e-6)
    with pytest.raises(ValueError, match="unknown parameter"):
        res.wald_test("educ = 0, selfLR[9] = 1")


def test_names_with_spaces_and_brackets():
    names = ["intercept", "mean radius", "C(region)[T.b]", "x1", "x10"]
    R, q, parts = parse_constraints("mean radius + C(region)[T.b] = 2, x10 = 3*x1", names)
    assert R.tolist() == [[0, 1, 1, 0, 0], [0, 0, 0, -3, 1]]
    assert q.tolist() == [2.0, 0.0]
    assert parts[1] == "x10 = 3 * x1"


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("GPA * PSI = 0", "not linear"),
        ("GPA / PSI = 0", "nonzero numbers"),
        ("GPA / 0 = 1", "nonzero numbers"),
        ("2 = 1", "no parameter"),
        ("GPA = = 1", "expected a number"),
        ("(GPA = 1", "unbalanced"),
        ("GPA = 1 PSI", "unexpected"),
        ("GPA + age = 0", "unknown parameter 'age'"),
        ("__import__('os')", "unknown parameter"),
        ("   ", "empty"),
    ],
)
def test_bad_strings(spector, text, match):
    with pytest.raises(ValueError, match=match):
        spector[0].wald_test(text)


def test_string_with_q_is_refused(spector):
    with pytest.raises(ValueError, match="do not pass q"):
        spector[0].wald_test("GPA = 1", q=[1.0])
