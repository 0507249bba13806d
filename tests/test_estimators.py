"""LogisticRegression against scikit-learn and statsmodels, and as a scikit-learn citizen."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
import statsmodels.api as sm
from sklearn.base import clone
from sklearn.calibration import CalibratedClassifierCV
from sklearn.linear_model import LogisticRegression as SkLogisticRegression
from sklearn.model_selection import GridSearchCV, TunedThresholdClassifierCV
from sklearn.multiclass import OneVsRestClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.estimator_checks import parametrize_with_checks

from logistica import ConvergenceWarning, LogisticRegression, SeparationWarning

TOL = {"newton": 1e-10, "lbfgs": 1e-10}


def _sklearn(C, **kwargs):
    """scikit-learn's reference: newton-cholesky run to its tightest tolerance."""
    return SkLogisticRegression(C=C, tol=1e-12, max_iter=10_000, solver="newton-cholesky", **kwargs)


def _assert_same_fit(ours, ref, rtol=1e-6):
    scale = max(np.abs(ref.coef_).max(), np.abs(ref.intercept_).max())
    np.testing.assert_allclose(ours.coef_, ref.coef_, rtol=rtol, atol=rtol * scale)
    np.testing.assert_allclose(ours.intercept_, ref.intercept_, rtol=rtol, atol=rtol * scale)


@pytest.mark.parametrize("solver", ["newton", "lbfgs"])
@pytest.mark.parametrize("C", [0.01, 1.0, 100.0])
def test_binary_matches_sklearn(cancer, solver, C):
    X, y = cancer
    ours = LogisticRegression(C=C, solver=solver, tol=TOL[solver], max_iter=20_000).fit(X, y)
    _assert_same_fit(ours, _sklearn(C).fit(X, y))
    assert ours.converged_ and ours.solver_ == solver


@pytest.mark.parametrize("solver", ["newton", "lbfgs"])
def test_unpenalized_binary_matches_sklearn(cancer, solver):
    # the full breast-cancer data is separable; ten features are not
    X, y = cancer[0][:, :10], cancer[1]
    ours = LogisticRegression(C=np.inf, solver=solver, tol=TOL[solver], max_iter=20_000)
    with warnings.catch_warnings():
        warnings.simplefilter("error", SeparationWarning)
        ours.fit(X, y)
    _assert_same_fit(ours, _sklearn(np.inf).fit(X, y))


def test_full_cancer_data_is_separable_and_says_so(cancer):
    X, y = cancer
    with pytest.warns(SeparationWarning, match="completely separated"):
        model = LogisticRegression(C=np.inf).fit(X, y)
    assert np.all(np.isfinite(model.coef_)) and not np.isnan(model.loss_history_).any()


@pytest.mark.parametrize("solver", ["newton", "lbfgs"])
@pytest.mark.parametrize("data", ["wine", "iris"])
@pytest.mark.parametrize("C", [0.1, 10.0])
def test_multinomial_matches_sklearn(request, solver, data, C):
    X, y = request.getfixturevalue(data)
    ours = LogisticRegression(C=C, solver=solver, tol=TOL[solver], max_iter=20_000).fit(X, y)
    ref = _sklearn(C).fit(X, y)
    _assert_same_fit(ours, ref, rtol=2e-6)
    np.testing.assert_allclose(ours.predict_proba(X), ref.predict_proba(X), atol=1e-7)


def test_one_vs_rest_matches_sklearn(wine):
    X, y = wine
    ours = LogisticRegression(C=0.5, multi_class="ovr", tol=1e-10).fit(X, y)
    ref = OneVsRestClassifier(_sklearn(0.5)).fit(X, y)
    np.testing.assert_allclose(
        ours.coef_, np.vstack([e.coef_ for e in ref.estimators_]), rtol=1e-6, atol=1e-8
    )
    np.testing.assert_allclose(ours.predict_proba(X), ref.predict_proba(X), atol=1e-8)
    assert ours.n_iter_.shape == (3,) and len(ours.loss_history_) == 3


@pytest.mark.parametrize("solver", ["newton", "lbfgs"])
def test_sample_weight_and_balanced_class_weight_match_sklearn(cancer, solver):
    X, y = cancer
    sw = np.random.default_rng(0).uniform(0.1, 3.0, len(y))
    ours = LogisticRegression(C=0.3, solver=solver, tol=TOL[solver], class_weight="balanced")
    ref = _sklearn(0.3, class_weight="balanced")
    _assert_same_fit(ours.fit(X, y, sample_weight=sw), ref.fit(X, y, sample_weight=sw))


def test_multinomial_weights_match_sklearn(wine):
    X, y = wine
    sw = np.random.default_rng(1).uniform(0.1, 3.0, len(y))
    ours = LogisticRegression(C=1.0, tol=1e-10, class_weight={0: 2.0, 2: 0.5})
    ref = SkLogisticRegression(C=1.0, tol=1e-12, max_iter=20_000, class_weight={0: 2.0, 2: 0.5})
    _assert_same_fit(ours.fit(X, y, sample_weight=sw), ref.fit(X, y, sample_weight=sw), 2e-6)


@pytest.mark.parametrize("solver", ["newton", "lbfgs"])
def test_float32_input_gives_the_float64_optimum(cancer, solver):
    X, y = cancer
    X32 = X.astype(np.float32)
    ours = LogisticRegression(C=1.0, solver=solver, tol=TOL[solver]).fit(X32, y)
    # the optimum for the data as given: the float32 values, exactly representable in float64
    _assert_same_fit(ours, _sklearn(1.0).fit(X32.astype(np.float64), y))


@pytest.mark.parametrize("fmt", [sp.csr_matrix, sp.csc_matrix, np.asfortranarray])
def test_sparse_and_fortran_inputs_match_dense(cancer, fmt):
    X, y = cancer
    dense = LogisticRegression(tol=1e-10, solver="newton").fit(X, y)
    other = LogisticRegression(tol=1e-10, solver="newton").fit(fmt(X), y)
    _assert_same_fit(other, dense, rtol=1e-8)


def test_unpenalized_fit_matches_statsmodels_logit():
    data = sm.datasets.spector.load_pandas()
    X, y = data.exog, data.endog
    ref = sm.Logit(y, sm.add_constant(X)).fit(disp=0, method="newton", tol=1e-12)
    ours = LogisticRegression(C=np.inf, tol=1e-10).fit(X, y)
    np.testing.assert_allclose(ours.intercept_[0], ref.params["const"], rtol=1e-7)
    np.testing.assert_allclose(ours.coef_[0], ref.params[X.columns], rtol=1e-7)
    p = ours.predict_proba(X)[:, 1]
    llf = np.sum(y * np.log(p) + (1 - y) * np.log1p(-p))
    assert llf == pytest.approx(ref.llf, rel=1e-10)


def test_offset_matches_statsmodels_glm():
    rng = np.random.default_rng(5)
    X = rng.standard_normal((400, 3))
    offset = rng.uniform(-1, 1, 400)
    y = (rng.random(400) < 1 / (1 + np.exp(-(X @ [0.5, -1, 0.2] + offset)))).astype(int)
    ref = sm.GLM(y, sm.add_constant(X), family=sm.families.Binomial(), offset=offset).fit(tol=1e-12)
    ours = LogisticRegression(C=np.inf, tol=1e-10).fit(X, y, offset=offset)
    np.testing.assert_allclose(ours.coef_[0], ref.params[1:], rtol=1e-7)
    np.testing.assert_allclose(
        ours.predict_proba(X, offset=offset)[:, 1], ref.fittedvalues, rtol=1e-8
    )


@pytest.mark.parametrize(
    "labels", [np.array(["no", "yes"]), np.array([False, True]), np.array([-1, 7])]
)
def test_labels_of_any_type(synthetic, labels):
    X, y = synthetic
    model = LogisticRegression().fit(X, labels[y])
    np.testing.assert_array_equal(model.classes_, labels)
    assert set(model.predict(X)) <= set(labels.tolist())
    assert model.score(X, labels[y]) > 0.6


def test_feature_names_and_predict_methods_agree(synthetic):
    X, y = synthetic
    frame = pd.DataFrame(X, columns=[f"x{i}" for i in range(X.shape[1])])
    model = LogisticRegression().fit(frame, y)
    np.testing.assert_array_equal(model.feature_names_in_, frame.columns)
    proba = model.predict_proba(frame)
    np.testing.assert_allclose(np.exp(model.predict_log_proba(frame)), proba, rtol=1e-12)
    np.testing.assert_array_equal(model.predict(frame), proba.argmax(axis=1))


def test_log_proba_is_finite_for_extreme_scores(synthetic):
    X, y = synthetic
    model = LogisticRegression().fit(X, y)
    log_p = model.predict_log_proba(X * 1e6)
    assert np.all(np.isfinite(log_p))


def test_huge_features_give_finite_loss():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((100, 2)) * 1e6
    y = (X[:, 0] + 1e6 * rng.standard_normal(100) > 0).astype(int)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        warnings.simplefilter("ignore", ConvergenceWarning)
        model = LogisticRegression(C=1.0).fit(X, y)
    assert np.all(np.isfinite(model.loss_history_)) and np.all(np.isfinite(model.coef_))


def test_warm_start_reuses_the_previous_solution(cancer):
    X, y = cancer
    model = LogisticRegression(C=1.0, solver="lbfgs", warm_start=True).fit(X, y)
    first = model.n_iter_[0]
    model.fit(X, y)
    assert model.n_iter_[0] < first


def test_gd_teaching_solver_has_history_and_verbose(capsys, synthetic):
    X, y = synthetic
    model = LogisticRegression(solver="gd", verbose=1).fit(X, y)
    assert model.converged_ and len(model.loss_history_) == model.n_iter_[0] + 1
    assert np.all(np.diff(model.loss_history_) <= 1e-15)
    assert "[gd] iter" in capsys.readouterr().out


def test_auto_records_its_choice(synthetic):
    X, y = synthetic
    assert LogisticRegression().fit(X, y).solver_ == "newton"
    assert LogisticRegression().fit(sp.csr_matrix(X), y).solver_ == "newton"


def test_works_inside_sklearn_tools(synthetic):
    X, y = synthetic
    pipe = make_pipeline(StandardScaler(), LogisticRegression())
    search = GridSearchCV(pipe, {"logisticregression__C": [0.1, 1.0]}, cv=3).fit(X, y)
    assert search.best_score_ > 0.6
    calibrated = CalibratedClassifierCV(LogisticRegression(), cv=3).fit(X, y)
    assert calibrated.predict_proba(X).shape == (len(y), 2)
    tuned = TunedThresholdClassifierCV(LogisticRegression(), scoring="f1", cv=3).fit(X, y)
    assert 0 < tuned.best_threshold_ < 1
    assert clone(LogisticRegression(C=3.0)).get_params()["C"] == 3.0


@parametrize_with_checks([LogisticRegression(), LogisticRegression(multi_class="ovr")])
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)


def test_ovr_in_parallel_threads_equals_sequential_and_still_warns():
    from logistica.exceptions import ConvergenceWarning

    rng = np.random.default_rng(0)
    X = rng.standard_normal((300, 4))
    y = rng.integers(0, 4, 300)
    one = LogisticRegression(multi_class="ovr").fit(X, y)
    two = LogisticRegression(multi_class="ovr", n_jobs=2).fit(X, y)
    np.testing.assert_array_equal(one.coef_, two.coef_)
    with pytest.warns(ConvergenceWarning):
        LogisticRegression(multi_class="ovr", n_jobs=2, solver="gd", max_iter=1).fit(X, y)
