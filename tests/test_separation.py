"""Separation detection by linear programming, and the warning ``fit`` raises."""

from __future__ import annotations

import time
import warnings

import numpy as np
import pandas as pd
import pytest

from logistica import LogisticRegression, SeparationWarning
from logistica.inference import detect_separation
from logistica.objective import BinomialLoss, MultinomialLoss, Problem


def _binary(X, y, sample_weight=None):
    return Problem(
        np.asarray(X, dtype=float),
        np.asarray(y, dtype=float),
        BinomialLoss(),
        sample_weight=sample_weight,
    )


@pytest.fixture
def rng():
    return np.random.default_rng(3)


def test_complete_separation_names_the_separating_feature(rng):
    signal = np.r_[rng.uniform(-3, -0.2, 40), rng.uniform(0.2, 3, 40)]
    X = np.column_stack([rng.normal(size=80), signal, rng.normal(size=80) * 100])
    y = np.r_[np.zeros(40), np.ones(40)]
    report = detect_separation(_binary(X, y), ["noise", "dose", "big_noise"])
    assert report.kind == "complete" and report.separated
    assert report.features == ("dose",)
    assert report.n_separated == 80
    assert report.direction[1] > 0 and report.direction[0] == report.direction[2] == 0


def test_quasi_complete_separation_by_a_dummy(rng):
    # every member of the group has y = 1; the rest overlap
    group = np.zeros(100)
    group[:12] = 1
    y = (rng.random(100) < 0.5).astype(float)
    y[:12] = 1
    X = np.column_stack([rng.normal(size=100), group, rng.normal(size=100)])
    report = detect_separation(_binary(X, y), ["a", "group", "b"])
    assert report.kind == "quasi-complete"
    assert report.features == ("group",)
    assert report.n_separated == 12
    assert "quasi-completely separated by group" in report.message()


def test_quasi_complete_separation_with_a_tie():
    x = np.array([-3.0, -2.0, -1.0, 0.0, 0.0, 1.0, 2.0, 3.0])
    y = np.array([0.0, 0.0, 0.0, 0.0, 1.0, 1.0, 1.0, 1.0])
    report = detect_separation(_binary(x[:, None], y))
    assert report.kind == "quasi-complete" and report.features == ("x0",)
    assert report.n_separated == 6


def test_overlapping_data_are_not_separated(rng):
    X = rng.normal(size=(300, 4))
    y = (X[:, 0] + rng.logistic(size=300) > 0).astype(float)
    report = detect_separation(_binary(X, y))
    assert report.kind == "none" and not report.separated and report.features == ()


def test_zero_weight_rows_are_ignored():
    x = np.array([-2.0, -1.0, 1.0, 2.0, 3.0])
    y = np.array([0.0, 0.0, 1.0, 1.0, 0.0])  # the last row overlaps...
    assert not detect_separation(_binary(x[:, None], y)).separated
    weights = np.array([1.0, 1.0, 1.0, 1.0, 0.0])  # ...unless it weighs nothing
    assert detect_separation(_binary(x[:, None], y, weights)).kind == "complete"


def test_multinomial_separation_of_one_class(rng):
    X = rng.normal(size=(150, 3))
    y = rng.integers(0, 2, 150)
    y[X[:, 2] > 1.0] = 2  # class 2 is exactly "x2 > 1"
    problem = Problem(X, y, MultinomialLoss(3))
    report = detect_separation(problem, ["a", "b", "c"])
    assert report.kind == "quasi-complete" and report.features == ("c",)
    assert report.direction.shape == (3, 2)
    overlap = Problem(X, rng.integers(0, 3, 150), MultinomialLoss(3))
    assert not detect_separation(overlap).separated


def test_fit_warns_with_the_feature_names(rng):
    X = pd.DataFrame({"age": rng.normal(size=60), "dose": np.r_[-np.ones(30), np.ones(30)]})
    X["dose"] += rng.uniform(-0.5, 0.5, 60)
    y = np.r_[np.zeros(30), np.ones(30)]
    with pytest.warns(SeparationWarning, match="completely separated by dose"):
        LogisticRegression(C=np.inf).fit(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("error", SeparationWarning)
        LogisticRegression(C=1.0).fit(X, y)  # penalized: finite estimates, no check
        LogisticRegression(C=np.inf, firth=True).fit(X, y)


def test_summary_reports_separation(rng):
    x = np.r_[rng.uniform(-2, 0, 20), rng.uniform(0, 2, 20)]
    X = pd.DataFrame({"x": x, "z": rng.normal(size=40)})
    y = (x > 0).astype(int)
    with pytest.warns(SeparationWarning):
        model = LogisticRegression(C=np.inf).fit(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = model.summarize(X, y)
        notes = res.summary().notes
    assert res.separation.features == ("x",)
    assert any("completely separated by x" in note for note in notes)


def test_screening_keeps_large_overlapping_fits_cheap(rng):
    X = rng.normal(size=(50_000, 20))
    y = (X @ rng.normal(size=20) * 0.3 + rng.logistic(size=50_000) > 0).astype(float)
    problem = _binary(X, y)
    model = LogisticRegression(C=np.inf).fit(X, y)
    coef = np.r_[model.coef_[0], model.intercept_]
    start = time.perf_counter()
    assert not detect_separation(problem, coef=coef).separated
    assert time.perf_counter() - start < 1.0


def test_screening_falls_back_to_the_full_data(rng):
    # near the boundary the data overlap only in a few far-away rows: the subsets
    # separate, the full data do not, and the answer must be "none"
    X = rng.normal(size=(3000, 2))
    y = (X[:, 0] > 0).astype(float)
    y[np.argsort(X[:, 0])[:2]] = 1.0  # two overlapping points deep in class 0
    problem = _binary(X, y)
    coef = np.array([50.0, 0.0, 0.0])
    assert not detect_separation(problem, coef=coef).separated
    y2 = (X[:, 0] > 0).astype(float)
    assert detect_separation(_binary(X, y2), coef=coef).kind == "complete"


def test_a_converged_fit_proves_overlap_without_any_lp(rng, monkeypatch):
    import logistica.inference.separation as separation

    def no_lp(*args, **kwargs):
        raise AssertionError("the overlap certificate should have made the LP unnecessary")

    monkeypatch.setattr(separation, "linprog", no_lp)
    X = rng.normal(size=(5000, 8))
    y = (X @ rng.normal(size=8) + rng.logistic(size=5000) > 0).astype(int)
    LogisticRegression(C=np.inf).fit(X, y)  # runs warn_if_separated
    multi = (X[:, 0] + rng.logistic(size=5000) > 0).astype(int) + (X[:, 1] > 0)
    LogisticRegression(C=np.inf).fit(X, multi)


def test_profile_intervals_of_a_separated_ml_fit_are_not_finite(rng):
    from logistica.exceptions import InferenceWarning

    x = np.r_[rng.uniform(-3, -0.1, 20), rng.uniform(0.1, 3, 20)]
    X = np.column_stack([x, rng.normal(size=40)])
    y = (x > 0).astype(int)
    with pytest.warns(SeparationWarning):
        model = LogisticRegression(C=np.inf).fit(X, y)
    res = model.summarize(X, y)
    with pytest.warns(InferenceWarning, match="firth=True"):
        bounds = res.conf_int(method="profile", cols=["x0"]).iloc[0]
    assert not np.all(np.isfinite(bounds))


def test_complete_separation_counts_every_observation():
    # the sparsest direction (x alone) ties the y = 0 row at zero; a shifted
    # intercept makes both margins positive: complete, 2 of 2 predicted perfectly
    X = np.array([[0.0], [1.0]])
    y = np.array([0.0, 1.0])
    report = detect_separation(_binary(X, y))
    assert report.kind == "complete" and report.n_separated == 2
    assert "(2 observations predicted perfectly)" in report.message()
    X3 = np.array([[0.0], [1.0], [1.0], [3.0]])
    y3 = np.array([0.0, 1.0, 1.0, 1.0])
    assert detect_separation(_binary(X3, y3)).n_separated == 4


def test_in_fit_check_certifies_complete_separation_without_any_lp(rng, monkeypatch):
    import logistica.inference._overlap as overlap
    import logistica.inference.separation as separation

    def no_lp(*args, **kwargs):
        raise AssertionError("the fitted coefficients certify the separation")

    monkeypatch.setattr(separation, "linprog", no_lp)
    monkeypatch.setattr(separation, "LP_MAX_ENTRIES", 10)
    monkeypatch.setattr(overlap, "LP_MAX_ENTRIES", 10)
    X = rng.normal(size=(400, 3))
    y = (X[:, 0] + 0.5 * X[:, 1] > 0).astype(int)
    with pytest.warns(SeparationWarning, match="classifies all 400 observations correctly"):
        model = LogisticRegression(C=np.inf).fit(X, y)
    # the certificate is a proof: the fitted scores order every pair of classes
    scores = model.decision_function(X)
    assert np.all((scores > 0) == (y == 1))


def test_in_fit_check_says_when_it_was_skipped(rng, monkeypatch):
    import logistica.inference._overlap as overlap
    import logistica.inference.separation as separation

    def no_lp(*args, **kwargs):
        raise AssertionError("the problem is too large for the in-fit linear program")

    monkeypatch.setattr(separation, "linprog", no_lp)
    monkeypatch.setattr(separation, "LP_MAX_ENTRIES", 10)
    monkeypatch.setattr(overlap, "LP_MAX_ENTRIES", 10)
    monkeypatch.setattr(overlap, "certified_overlap", lambda *args: False)
    monkeypatch.setattr(separation, "certified_overlap", lambda *args: False)
    X = rng.normal(size=(300, 3))
    y = (X[:, 0] + rng.logistic(size=300) > 0).astype(int)
    with pytest.warns(SeparationWarning, match="could not verify.*detect_separation"):
        LogisticRegression(C=np.inf).fit(X, y)


def test_overlap_certificate_budget_follows_the_data_size():
    from logistica.inference._overlap import overlap_certificate_affordable

    rng = np.random.default_rng(0)
    tall = _binary(rng.normal(size=(20_000, 20)), rng.integers(0, 2, 20_000))
    assert overlap_certificate_affordable(tall)
    import scipy.sparse as sp

    wide = sp.random(2000, 3000, density=0.005, format="csr", random_state=0)
    assert not overlap_certificate_affordable(
        Problem(wide, rng.integers(0, 2, 2000).astype(float), BinomialLoss())
    )


def test_a_report_of_overlap_says_so():
    from logistica.inference import SeparationReport

    assert SeparationReport("none").message() == (
        "the classes overlap: the maximum-likelihood estimate exists."
    )
