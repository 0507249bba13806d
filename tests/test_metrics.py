"""Calibration errors, Brier decomposition, Hosmer–Lemeshow, KS, lift and bootstrap.

Every reference value is computed in the test: a direct NumPy formula,
scikit-learn (calibration_curve, brier_score_loss, roc_auc_score) or SciPy
(chi2, ks_2samp).
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats
from sklearn.calibration import calibration_curve
from sklearn.metrics import brier_score_loss, roc_auc_score

from logistica.metrics import (
    bootstrap_ci,
    brier_decomposition,
    expected_calibration_error,
    hosmer_lemeshow,
    ks_statistic,
    lift_table,
    maximum_calibration_error,
    reliability_curve,
)


@pytest.fixture(scope="module")
def binary():
    """Fixed, slightly over-confident binary forecasts."""
    rng = np.random.default_rng(0)
    truth = rng.uniform(0.02, 0.98, 2000)
    y = (rng.random(2000) < truth).astype(int)
    p = np.clip(0.5 + 1.3 * (truth - 0.5), 0.0, 1.0)
    return y, p


@pytest.fixture(scope="module")
def multiclass():
    rng = np.random.default_rng(1)
    logits = rng.normal(size=(1500, 4)) * 2.0
    proba = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    y = np.array([rng.choice(4, p=row) for row in np.sqrt(proba) / np.sqrt(proba).sum(1)[:, None]])
    return y, proba


def _reference_bins(outcome, prob, edges):
    """(weight, gap) per non-empty right-closed bin, by explicit masks."""
    rows = []
    for m in range(len(edges) - 1):
        lo, hi = edges[m], edges[m + 1]
        mask = (prob <= hi) & ((prob > lo) | (m == 0))
        if mask.any():
            rows.append((mask.mean(), abs(outcome[mask].mean() - prob[mask].mean())))
    return np.array(rows)


def _reference_ece(outcome, prob, edges):
    rows = _reference_bins(outcome, prob, edges)
    return float(rows[:, 0] @ rows[:, 1])


@pytest.mark.parametrize("n_bins", [5, 10, 15])
def test_ece_mce_uniform_bins_match_direct_formula(binary, n_bins):
    y, p = binary
    edges = np.linspace(0, 1, n_bins + 1)
    assert expected_calibration_error(y, p, n_bins=n_bins) == pytest.approx(
        _reference_ece(y, p, edges), abs=1e-12
    )
    assert maximum_calibration_error(y, p, n_bins=n_bins) == pytest.approx(
        _reference_bins(y, p, edges)[:, 1].max(), abs=1e-12
    )


def test_ece_quantile_bins_match_direct_formula(binary):
    y, p = binary
    edges = np.percentile(p, np.linspace(0, 100, 11))
    ece = expected_calibration_error(y, p, n_bins=10, strategy="quantile")
    assert ece == pytest.approx(_reference_ece(y, p, edges), abs=1e-12)
    # Equal-mass bins hold (about) n / 10 samples each.
    counts = reliability_curve(y, p, n_bins=10, strategy="quantile")["count"]
    assert counts.min() >= 190 and counts.max() <= 210


def test_ece_on_a_hand_computed_example():
    y = np.array([0, 1, 1, 0, 1, 1])
    p = np.array([0.05, 0.15, 0.55, 0.65, 0.95, 0.85])
    # bins of width 0.5: {0.05, 0.15} -> |0.5 - 0.1| ; {0.55, 0.65, 0.95, 0.85} -> |0.75 - 0.75|
    assert expected_calibration_error(y, p, n_bins=2) == pytest.approx(2 / 6 * 0.4)
    assert maximum_calibration_error(y, p, n_bins=2) == pytest.approx(0.4)


def test_two_column_probabilities_are_the_positive_class(binary):
    y, p = binary
    two = np.column_stack([1 - p, p])
    assert expected_calibration_error(y, two) == expected_calibration_error(y, p)
    assert hosmer_lemeshow(y, two) == hosmer_lemeshow(y, p)


def test_top_label_and_classwise_multiclass_match_direct_formula(multiclass):
    y, proba = multiclass
    edges = np.linspace(0, 1, 11)
    correct = (proba.argmax(1) == y).astype(float)
    top = _reference_ece(correct, proba.max(1), edges)
    assert expected_calibration_error(y, proba) == pytest.approx(top, abs=1e-12)
    classwise = np.mean(
        [_reference_ece((y == k).astype(float), proba[:, k], edges) for k in range(4)]
    )
    assert expected_calibration_error(y, proba, multiclass="classwise") == pytest.approx(
        classwise, abs=1e-12
    )
    worst = max(
        _reference_bins((y == k).astype(float), proba[:, k], edges)[:, 1].max() for k in range(4)
    )
    assert maximum_calibration_error(y, proba, multiclass="classwise") == pytest.approx(worst)


@pytest.mark.parametrize("strategy", ["uniform", "quantile"])
def test_reliability_curve_matches_sklearn_calibration_curve(binary, strategy):
    y, p = binary
    curve = reliability_curve(y, p, n_bins=8, strategy=strategy)
    prob_true, prob_pred = calibration_curve(y, p, n_bins=8, strategy=strategy)
    filled = curve[curve["count"] > 0]
    np.testing.assert_allclose(filled["observed_frequency"], prob_true, atol=1e-12)
    np.testing.assert_allclose(filled["mean_predicted"], prob_pred, atol=1e-12)
    assert curve["count"].sum() == len(y)
    assert len(curve) == 8
    np.testing.assert_allclose(curve["center"], (curve["lower"] + curve["upper"]) / 2)


def test_reliability_curve_classwise_has_one_curve_per_class(multiclass):
    y, proba = multiclass
    curve = reliability_curve(y, proba, n_bins=5, multiclass="classwise")
    assert sorted(curve["class"].unique()) == [0, 1, 2, 3]
    assert (curve.groupby("class")["count"].sum() == len(y)).all()


def test_brier_decomposition_is_exact_with_one_bin_per_forecast():
    rng = np.random.default_rng(3)
    p = rng.choice([0.1, 0.25, 0.4, 0.7, 0.9], size=3000)
    y = (rng.random(3000) < np.clip(p + 0.05, 0, 1)).astype(int)
    d = brier_decomposition(y, p, n_bins=None)
    assert d.brier == pytest.approx(brier_score_loss(y, p))
    assert d.reliability - d.resolution + d.uncertainty == pytest.approx(d.brier, abs=1e-12)
    # Components by a direct formula over the distinct forecasts.
    base = y.mean()
    rel = sum((p == v).mean() * (v - y[p == v].mean()) ** 2 for v in np.unique(p))
    res = sum((p == v).mean() * (y[p == v].mean() - base) ** 2 for v in np.unique(p))
    assert d.reliability == pytest.approx(rel)
    assert d.resolution == pytest.approx(res)
    assert d.uncertainty == pytest.approx(base * (1 - base))


def test_binned_brier_decomposition_matches_direct_formula(binary):
    y, p = binary
    d = brier_decomposition(y, p, n_bins=10)
    rel = res = 0.0
    for lo in np.arange(10) / 10:
        m = (p <= lo + 0.1) & ((p > lo) | (lo == 0))
        if not m.any():
            continue
        rel += m.mean() * (p[m].mean() - y[m].mean()) ** 2
        res += m.mean() * (y[m].mean() - y.mean()) ** 2
    assert (d.reliability, d.resolution) == pytest.approx((rel, res))
    # Binning leaves only the within-bin spread of the forecasts unexplained.
    assert d.reliability - d.resolution + d.uncertainty == pytest.approx(d.brier, abs=5e-3)


def test_hosmer_lemeshow_matches_hand_computation():
    # Four risk groups of 25: forecast p_g and observed events O_g.
    table = [(0.1, 25, 5), (0.3, 25, 6), (0.5, 25, 14), (0.7, 25, 16)]
    y, p = [], []
    for prob, n, events in table:
        y += [1] * events + [0] * (n - events)
        p += [prob] * n
    statistic = sum((o - n * q) ** 2 / (n * q * (1 - q)) for q, n, o in table)
    result = hosmer_lemeshow(np.array(y), np.array(p), n_groups=4)
    assert result.statistic == pytest.approx(statistic)
    assert result.df == 2
    assert result.pvalue == pytest.approx(stats.chi2.sf(statistic, 2))


def test_hosmer_lemeshow_on_a_well_specified_model_does_not_reject(binary):
    rng = np.random.default_rng(7)
    p = rng.uniform(0.05, 0.95, 5000)
    y = (rng.random(5000) < p).astype(int)
    assert hosmer_lemeshow(y, p).pvalue > 0.01
    y_over, p_over = binary  # over-confident forecasts are rejected
    assert hosmer_lemeshow(y_over, p_over).pvalue < 1e-6


def test_ks_statistic_matches_scipy_two_sample_ks(binary):
    y, p = binary
    score = p + np.random.default_rng(0).normal(0, 0.05, p.size)
    ref = stats.ks_2samp(score[y == 1], score[y == 0]).statistic
    assert ks_statistic(y, score) == pytest.approx(ref)


def test_lift_table_by_decile():
    rng = np.random.default_rng(5)
    score = rng.random(1000)
    y = (rng.random(1000) < score**2).astype(int)
    table = lift_table(y, score)
    assert len(table) == 10 and table["n"].sum() == 1000
    top = np.argsort(-score)[:100]
    assert table.loc[0, "positives"] == y[top].sum()
    assert table.loc[0, "lift"] == pytest.approx(y[top].mean() / y.mean())
    assert table["gain"].iloc[-1] == pytest.approx(1.0)
    assert table["cumulative_lift"].iloc[-1] == pytest.approx(1.0)
    assert (np.diff(table["min_score"]) < 0).all()
    np.testing.assert_allclose(table["gain"], np.cumsum(table["positives"]) / y.sum(), atol=1e-12)


def test_bootstrap_ci_of_auc_and_of_ece(binary):
    y, p = binary
    res = bootstrap_ci(roc_auc_score, y, p, n_boot=300, random_state=0)
    assert res.estimate == pytest.approx(roc_auc_score(y, p))
    assert res.low < res.estimate < res.high
    assert res == bootstrap_ci(roc_auc_score, y, p, n_boot=300, random_state=0)
    # Hanley–McNeil standard error of the AUC, as an independent order of magnitude.
    auc, n1, n0 = res.estimate, y.sum(), (1 - y).sum()
    q1, q2 = auc / (2 - auc), 2 * auc**2 / (1 + auc)
    se = np.sqrt(
        (auc * (1 - auc) + (n1 - 1) * (q1 - auc**2) + (n0 - 1) * (q2 - auc**2)) / (n1 * n0)
    )
    assert 0.7 * se < res.std_error < 1.3 * se
    ece = bootstrap_ci(expected_calibration_error, y, p, n_boot=100, random_state=1, n_bins=5)
    assert ece.estimate == pytest.approx(expected_calibration_error(y, p, n_bins=5))


@pytest.mark.parametrize(
    ("y_true", "y_prob", "message"),
    [
        ([0, 1, 1], [0.2, 1.3, 0.5], r"in \[0, 1\]"),
        ([0, 1, 1], [-0.1, 0.3, 0.5], r"in \[0, 1\]"),
        ([0, 1, 1], [0.2, np.nan, 0.5], "NaN"),
        ([0, 1, np.nan], [0.2, 0.3, 0.5], "y_true contains NaN"),
        ([1, 1, 1], [0.2, 0.3, 0.5], "single class"),
        ([0, 1, 1], [0.2, 0.3], "different lengths"),
        ([0, 2, 2], [0.2, 0.3, 0.5], "encoded 0/1"),
        ([0, 1, 1], [[0.2, 0.3], [0.5, 0.5], [0.1, 0.9]], "sum to 1"),
    ],
)
def test_bad_input_gives_clear_errors(y_true, y_prob, message):
    for metric in (expected_calibration_error, maximum_calibration_error, brier_decomposition):
        with pytest.raises(ValueError, match=message):
            metric(y_true, y_prob)


def test_bad_multiclass_input_gives_clear_errors():
    with pytest.raises(ValueError, match=r"integer codes 0\.\.2"):
        expected_calibration_error([0, 1, 5], np.full((3, 3), 1 / 3))
    with pytest.raises(ValueError, match="different lengths"):
        expected_calibration_error([0, 1], np.full((3, 3), 1 / 3))
    with pytest.raises(ValueError, match="1 or 2 columns"):
        brier_decomposition([0, 1, 1], np.full((3, 3), 1 / 3))


def test_bad_parameters_give_clear_errors(binary):
    y, p = binary
    with pytest.raises(ValueError, match="strategy"):
        expected_calibration_error(y, p, strategy="equal")
    with pytest.raises(ValueError, match="n_bins"):
        expected_calibration_error(y, p, n_bins=0)
    with pytest.raises(ValueError, match="multiclass"):
        expected_calibration_error(y, p, multiclass="macro")
    with pytest.raises(ValueError, match="at least 3 groups"):
        hosmer_lemeshow([0, 1, 0, 1], [0.2, 0.2, 0.7, 0.7])
    with pytest.raises(ValueError, match="single class"):
        ks_statistic([1, 1], [0.3, 0.4])
    with pytest.raises(ValueError, match="different lengths"):
        lift_table([0, 1, 1], [0.3, 0.4])
    with pytest.raises(ValueError, match="n_groups"):
        lift_table([0, 1, 1], [0.3, 0.4, 0.5], n_groups=5)
    with pytest.raises(ValueError, match="n_boot"):
        bootstrap_ci(roc_auc_score, y, p, n_boot=0)
    with pytest.raises(ValueError, match="confidence"):
        bootstrap_ci(roc_auc_score, y, p, confidence=95)
