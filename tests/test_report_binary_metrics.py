"""The report's vectorized binary metrics and curve bands equal scikit-learn's."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from sklearn import metrics as skm

from logistica.metrics import bootstrap_ci, stratified_rows
from logistica.report.binary_metrics import binary_metrics
from logistica.report.statistics import pr_band, roc_band


def _sklearn(y: np.ndarray, s: np.ndarray, t: float) -> dict:
    d = (s >= t).astype(int)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return {
            "accuracy": skm.accuracy_score(y, d),
            "balanced_accuracy": skm.balanced_accuracy_score(y, d),
            "precision": skm.precision_score(y, d, zero_division=0),
            "recall": skm.recall_score(y, d, zero_division=0),
            "f1": skm.f1_score(y, d, zero_division=0),
            "roc_auc": skm.roc_auc_score(y, s),
            "pr_auc": skm.average_precision_score(y, s),
            "log_loss": skm.log_loss(y, s, labels=[0, 1]),
            "brier": skm.brier_score_loss(y, s),
        }


def _data(seed: int, n: int, ties: bool):
    rng = np.random.default_rng(seed)
    y = (rng.uniform(size=n) < rng.uniform(0.1, 0.9)).astype(int)
    y[:2] = [0, 1]
    s = rng.beta(2, 2, n) * 0.6 + 0.4 * y * rng.uniform(size=n)
    if ties:  # heavy ties, exact 0 and 1 (log-loss clipping), scores at the threshold
        s = np.round(s * 8) / 8
        s[rng.integers(0, n, 3)] = [0.0, 1.0, 0.5]
    return y, s


@pytest.mark.parametrize("ties", [False, True])
@pytest.mark.parametrize("seed", range(6))
def test_equal_sklearn_on_random_data(seed, ties):
    y, s = _data(seed, [7, 40, 143, 500, 31, 2][seed] + 2, ties)
    for t in (0.5, 0.3, 1.1):  # 1.1: nothing decided positive (zero_division)
        rows = stratified_rows(y, 5, np.random.default_rng(seed))
        got = binary_metrics(y[rows], s[rows], t)
        for b, r in enumerate(rows):
            for key, value in _sklearn(y[r], s[r], t).items():
                assert got[key][b] == pytest.approx(value, rel=1e-12, abs=1e-15), (key, t)


def test_bootstrap_intervals_equal_bootstrap_ci():
    y, s = _data(3, 120, ties=True)
    rows = stratified_rows(y, 50, np.random.default_rng(7))
    got = binary_metrics(y[rows], s[rows], 0.5)["roc_auc"]
    reference = bootstrap_ci(skm.roc_auc_score, y, s, n_boot=50, random_state=7)
    assert np.quantile(got, 0.025) == pytest.approx(reference.low, rel=1e-12)
    assert np.quantile(got, 0.975) == pytest.approx(reference.high, rel=1e-12)


def _reference_bands(y, s, n_boot, seed):
    grid = np.linspace(0.0, 1.0, 101)
    roc, pr = [], []
    for r in stratified_rows(y, n_boot, np.random.default_rng(seed)):
        fpr, tpr, _ = skm.roc_curve(y[r], s[r])
        roc.append(np.interp(grid, fpr, tpr))
        precision, recall, _ = skm.precision_recall_curve(y[r], s[r])
        pr.append(np.interp(grid, recall[::-1], np.maximum.accumulate(precision)[::-1]))
    return [np.quantile(c, [0.025, 0.975], axis=0) for c in (roc, pr)]


@pytest.mark.parametrize("ties", [False, True])
def test_bands_equal_sklearn_curves(ties):
    y, s = _data(1, 90, ties)
    roc, pr = _reference_bands(y, s, 40, 0)
    for band, (low, high) in ((roc_band(y, s, 40), roc), (pr_band(y, s, 40), pr)):
        np.testing.assert_allclose(band.low, low, rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(band.high, high, rtol=1e-12, atol=1e-15)
