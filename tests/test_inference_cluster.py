"""Two-way clustered covariance (Cameron–Gelbach–Miller) against a direct NumPy formula."""

from __future__ import annotations

import numpy as np
import pytest
import statsmodels.api as sm
from scipy.special import expit

from logistica import LogisticRegression
from logistica.inference import summarize


def _one_way(scores, bread, labels, n, k):
    _, codes = np.unique(labels, axis=0, return_inverse=True)
    codes = codes.ravel()
    G = codes.max() + 1
    sums = np.zeros((G, scores.shape[1]))
    np.add.at(sums, codes, scores)
    return G / (G - 1) * (n - 1) / (n - k) * bread @ sums.T @ sums @ bread


def test_two_way_cluster_matches_cgm_formula():
    data = sm.datasets.spector.load_pandas()
    X, y = data.exog, data.endog
    rng = np.random.default_rng(0)
    groups = np.column_stack([rng.integers(0, 6, len(y)), rng.integers(0, 5, len(y))])
    model = LogisticRegression(C=np.inf, tol=1e-12).fit(X, y)
    res = summarize(model, X, y, cov_type="cluster", groups=groups)
    A = sm.add_constant(X).to_numpy()
    theta = res.params.to_numpy()
    p = expit(A @ theta)
    bread = np.linalg.inv(A.T @ (A * (p * (1 - p))[:, None]))
    scores = A * (y.to_numpy() - p)[:, None]
    n, k = A.shape
    expected = (
        _one_way(scores, bread, groups[:, 0], n, k)
        + _one_way(scores, bread, groups[:, 1], n, k)
        - _one_way(scores, bread, groups, n, k)
    )
    np.testing.assert_allclose(res.cov_params().to_numpy(), expected, rtol=1e-7)
    one = summarize(model, X, y, cov_type="cluster", groups=groups[:, 0]).cov_params()
    np.testing.assert_allclose(
        one.to_numpy(), _one_way(scores, bread, groups[:, 0], n, k), rtol=1e-7
    )


def test_two_way_cluster_multinomial_runs_and_is_symmetric():
    data = sm.datasets.anes96.load_pandas().data
    X, y = data[["selfLR", "age", "educ"]], data["vote"].astype(int) + 2 * (data["PID"] > 3)
    groups = np.column_stack([data["income"].to_numpy(), data["educ"].to_numpy()])
    res = summarize(LogisticRegression(C=np.inf).fit(X, y), X, y, cov_type="cluster", groups=groups)
    cov = res.cov_params().to_numpy()
    np.testing.assert_allclose(cov, cov.T, rtol=1e-12)
    assert np.all(np.isfinite(res.bse.to_numpy()))


def test_bad_two_way_groups():
    data = sm.datasets.spector.load_pandas()
    X, y = data.exog, data.endog
    model = LogisticRegression(C=np.inf).fit(X, y)
    with pytest.raises(ValueError, match="at least two"):
        summarize(model, X, y, cov_type="cluster", groups=np.zeros((len(y), 2)))
    with pytest.raises(ValueError, match="two-way"):
        summarize(model, X, y, cov_type="cluster", groups=np.zeros((len(y), 3)))
