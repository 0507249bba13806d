"""Influence measures against statsmodels' GLM(Binomial) ``get_influence`` on the Spector data."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest
import statsmodels.api as sm

from logistica import LogisticRegression, plots
from logistica.inference import Influence, summarize

RTOL = 1e-6


@pytest.fixture(scope="module")
def spector():
    data = sm.datasets.spector.load_pandas()
    X, y = data.exog, data.endog
    model = LogisticRegression(C=np.inf, tol=1e-12).fit(X, y)
    glm = sm.GLM(y, sm.add_constant(X), family=sm.families.Binomial()).fit(tol=1e-13)
    return X, y, model, glm


def _close(actual, expected, rtol=RTOL, atol=1e-10):
    np.testing.assert_allclose(np.asarray(actual), np.asarray(expected), rtol=rtol, atol=atol)


def test_influence_matches_statsmodels_glm(spector):
    X, y, model, glm = spector
    infl = summarize(model, X, y).influence()
    ref = glm.get_influence()
    assert isinstance(infl, Influence)
    _close(infl.hat_matrix_diag, ref.hat_matrix_diag)
    _close(infl.resid_pearson, glm.resid_pearson)
    _close(infl.resid_deviance, glm.resid_deviance)
    _close(infl.resid_studentized, ref.resid_studentized)
    _close(infl.cooks_distance, ref.cooks_distance[0])
    _close(infl.dfbeta, ref.d_params)
    _close(infl.dfbetas, ref.dfbetas)
    assert list(infl.dfbetas.columns) == ["intercept", "GPA", "TUCE", "PSI"]
    frame = infl.frame
    assert frame.shape == (len(y), 5 + 4)
    _close(frame["dfbetas_PSI"], ref.dfbetas[:, 3])
    # robust covariance types do not change the (model-based) measures
    _close(summarize(model, X, y, cov_type="HC1").influence().dfbetas, ref.dfbetas)


def test_hat_values_sum_to_the_number_of_parameters(spector):
    X, y, model, _ = spector
    assert summarize(model, X, y).influence().hat_matrix_diag.sum() == pytest.approx(4, rel=1e-9)


def test_frequency_weights_give_the_measures_of_one_copy(spector):
    # A row of weight w is w identical rows: compare with statsmodels on the repeated data.
    X, y, _, _ = spector
    counts = np.arange(len(y)) % 3 + 1
    weighted = LogisticRegression(C=np.inf, tol=1e-12).fit(X, y, sample_weight=counts)
    rows = np.repeat(np.arange(len(y)), counts)
    first = np.r_[0, np.cumsum(counts)[:-1]]
    exog = sm.add_constant(X).iloc[rows]
    glm = sm.GLM(y.iloc[rows], exog, family=sm.families.Binomial()).fit(tol=1e-13)
    ref = glm.get_influence()
    infl = summarize(weighted, X, y, sample_weight=counts).influence()
    _close(infl.hat_matrix_diag, ref.hat_matrix_diag[first])
    _close(infl.resid_pearson, glm.resid_pearson.to_numpy()[first])
    _close(infl.resid_deviance, glm.resid_deviance.to_numpy()[first])
    _close(infl.cooks_distance, ref.cooks_distance[0][first])
    _close(infl.dfbetas, ref.dfbetas[first])
    # statsmodels' freq_weights report the leverage of all the copies together
    freq = sm.GLM(y, sm.add_constant(X), family=sm.families.Binomial(), freq_weights=counts)
    _close(counts * infl.hat_matrix_diag, freq.fit(tol=1e-13).get_influence().hat_matrix_diag)


def test_offset_enters_the_probabilities(spector):
    X, y, _, _ = spector
    offset = np.linspace(-1, 1, len(y))
    model = LogisticRegression(C=np.inf, tol=1e-12).fit(X, y, offset=offset)
    glm = sm.GLM(y, sm.add_constant(X), family=sm.families.Binomial(), offset=offset).fit(tol=1e-13)
    infl = summarize(model, X, y, offset=offset).influence()
    _close(infl.resid_deviance, glm.resid_deviance)
    _close(infl.cooks_distance, glm.get_influence().cooks_distance[0])


def test_multinomial_influence_is_refused():
    data = sm.datasets.anes96.load_pandas().data
    X, y = data[["logpopul", "selfLR"]], np.digitize(data["PID"], [2, 4])
    res = summarize(LogisticRegression(C=np.inf).fit(X, y), X, y)
    with pytest.raises(ValueError, match="binary models only"):
        res.influence()


def test_plot_influence_draws_leverage_against_residuals(spector):
    X, y, model, glm = spector
    ref = glm.get_influence()
    fig, ax = plt.subplots()
    assert plots.plot_influence(summarize(model, X, y), ax=ax, n_labels=3) is ax
    points = ax.collections[0]
    _close(points.get_offsets()[:, 0], ref.hat_matrix_diag)
    _close(points.get_offsets()[:, 1], ref.resid_studentized)
    sizes = points.get_sizes()
    cooks = ref.cooks_distance[0]
    assert np.argmax(sizes) == np.argmax(cooks)
    assert np.all(np.diff(sizes[np.argsort(cooks)]) >= -1e-9)  # area grows with Cook's D
    labelled = {int(text.get_text()) for text in ax.texts}
    assert labelled == set(np.argsort(-cooks)[:3].tolist())
    assert ax.get_xlabel() == "leverage (hat value)"
    assert ax.get_ylabel() == "studentized Pearson residual"
    plt.close(fig)
