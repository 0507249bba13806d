"""HC2/HC3 for multinomial models against a direct NumPy formula (no logistica code).

The reference builds, per observation, the (m × P) design block ``Aᵢ = I_m ⊗ aᵢᵀ``,
the covariance ``Vᵢ = diag(p) - ppᵀ`` of the non-reference class indicators, the
(non-symmetric) hat block ``Vᵢ Aᵢ I⁻¹ Aᵢᵀ`` and the corrected residuals of
Mancl & DeRouen (HC3, ``(I - Vᵢ Aᵢ I⁻¹ Aᵢᵀ)⁻¹ rᵢ``) and Kauermann & Carroll (HC2,
``Vᵢ^½ (I - Hᵢ)^-½ Vᵢ^-½ rᵢ`` with the symmetric ``Hᵢ``, matrix powers by ``eigh``).
Probabilities come from statsmodels' ``MNLogit`` fit.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy import linalg

from logistica import LogisticRegression
from logistica.inference import summarize


@pytest.fixture(scope="module")
def anes():
    data = sm.datasets.anes96.load_pandas().data
    X, y = data[["logpopul", "selfLR", "age", "educ", "income"]], data["PID"]
    # 3 classes keep the reference loop fast and the blocks non-trivial
    y = pd.Series(np.digitize(y, [2, 4]), name="PID")
    model = LogisticRegression(C=np.inf, tol=1e-12).fit(X, y)
    reference = sm.MNLogit(y, sm.add_constant(X)).fit(disp=0, method="newton", tol=1e-12)
    return X, y, model, reference


def _power(S, exponent):
    """Power of a symmetric positive-definite matrix by its eigendecomposition."""
    value, vector = linalg.eigh(S)
    return (vector * value**exponent) @ vector.T


def _reference_bse(exog, y, probs, kind, weights=None):
    n, p = exog.shape
    K = probs.shape[1]
    m = K - 1
    w = np.ones(n) if weights is None else weights
    onehot = np.eye(K)[y][:, 1:]
    blocks = [np.kron(np.eye(m), exog[i][None, :]) for i in range(n)]
    variances = [np.diag(probs[i, 1:]) - np.outer(probs[i, 1:], probs[i, 1:]) for i in range(n)]
    information = sum(w[i] * blocks[i].T @ variances[i] @ blocks[i] for i in range(n))
    bread = np.linalg.inv(information)
    meat = np.zeros_like(information)
    for i in range(n):
        A, V, r = blocks[i], variances[i], onehot[i] - probs[i, 1:]
        if kind == "HC3":
            r = np.linalg.solve(np.eye(m) - V @ A @ bread @ A.T, r)
        elif kind == "HC2":
            root = _power(V, 0.5)
            hat = root @ A @ bread @ A.T @ root
            r = root @ _power(np.eye(m) - hat, -0.5) @ np.linalg.solve(root, r)
        score = A.T @ r
        meat += w[i] * np.outer(score, score)
    return np.sqrt(np.diag(bread @ meat @ bread)).reshape(m, p).T


@pytest.mark.parametrize("kind", ["HC0", "HC2", "HC3"])
def test_multinomial_hc2_hc3_match_a_direct_formula(anes, kind):
    X, y, model, ref = anes
    exog = sm.add_constant(X).to_numpy()
    probs = ref.predict(sm.add_constant(X))
    expected = _reference_bse(exog, y.to_numpy(), np.asarray(probs), kind)
    actual = summarize(model, X, y, cov_type=kind).bse
    np.testing.assert_allclose(actual.to_numpy(), expected, rtol=1e-6)


def test_multinomial_hc3_exceeds_hc0_and_hc2(anes):
    X, y, model, _ = anes
    se = {k: summarize(model, X, y, cov_type=k).bse.to_numpy() for k in ("HC0", "HC2", "HC3")}
    assert np.all(se["HC0"] < se["HC2"]) and np.all(se["HC2"] < se["HC3"])


def test_two_class_multinomial_equals_the_binary_hc2_hc3():
    data = sm.datasets.spector.load_pandas()
    X, y = data.exog, data.endog
    binary = LogisticRegression(C=np.inf, tol=1e-12).fit(X, y)
    exog = sm.add_constant(X).to_numpy()
    probs = np.asarray(sm.Logit(y, exog).fit(disp=0, tol=1e-12).predict(exog))
    probs = np.column_stack([1 - probs, probs])
    for kind in ("HC2", "HC3"):
        expected = _reference_bse(exog, y.to_numpy().astype(int), probs, kind)[:, 0]
        np.testing.assert_allclose(summarize(binary, X, y, cov_type=kind).bse, expected, rtol=1e-6)


def test_multinomial_hc3_with_frequency_weights_equals_repeated_rows(anes):
    X, y, _, _ = anes
    counts = np.arange(len(y)) % 3 + 1
    weighted = LogisticRegression(C=np.inf, tol=1e-12).fit(X, y, sample_weight=counts)
    rows = np.repeat(np.arange(len(y)), counts)
    repeated = LogisticRegression(C=np.inf, tol=1e-12).fit(X.iloc[rows], y.iloc[rows])
    for kind in ("HC2", "HC3"):
        a = summarize(weighted, X, y, sample_weight=counts, cov_type=kind).bse
        b = summarize(repeated, X.iloc[rows], y.iloc[rows], cov_type=kind).bse
        np.testing.assert_allclose(a.to_numpy(), b.to_numpy(), rtol=1e-6)
