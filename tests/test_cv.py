"""LogisticRegressionCV: grid over Cs × l1_ratios, weighted scoring, min and 1-SE selection."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import log_loss
from sklearn.model_selection import StratifiedKFold
from sklearn.utils.estimator_checks import check_estimator

from logistica import LogisticRegression
from logistica.cv import LogisticRegressionCV

_CV_SAMPLE_WEIGHT = (
    "folds of repeated rows differ from folds of weighted rows, as for scikit-learn's "
    "LogisticRegressionCV"
)


@pytest.mark.slow
def test_passes_check_estimator():
    check_estimator(
        LogisticRegressionCV(),
        expected_failed_checks={
            "check_sample_weight_equivalence_on_dense_data": _CV_SAMPLE_WEIGHT,
            "check_sample_weight_equivalence_on_sparse_data": _CV_SAMPLE_WEIGHT,
        },
    )


def test_one_standard_error_rule_picks_stronger_regularization(cancer):
    X, y = cancer
    kwargs = {"Cs": 12, "l1_ratios": [1.0], "cv": StratifiedKFold(5, shuffle=True, random_state=0)}
    best = LogisticRegressionCV(selection="min", **kwargs).fit(X, y)
    one_se = LogisticRegressionCV(selection="1se", **kwargs).fit(X, y)
    assert one_se.C_ < best.C_  # they differ on this problem ...
    results = one_se.cv_results_
    i = int(np.argmax(results["mean_test_score"]))
    assert best.best_index_ == i
    # ... and 1-SE is the smallest C within one standard error of the best
    within = (
        results["mean_test_score"] >= results["mean_test_score"][i] - results["sem_test_score"][i]
    )
    assert results["param_C"][within].min() == one_se.C_
    assert np.count_nonzero(one_se.coef_) <= np.count_nonzero(best.coef_)


def test_sample_weight_is_used_in_fitting_and_scoring(wine):
    X, y = wine
    weight = np.random.default_rng(0).uniform(0.1, 3.0, len(y))
    folds = list(StratifiedKFold(3).split(X, y))
    model = LogisticRegressionCV(Cs=3, l1_ratios=[0.5], cv=folds, tol=1e-10)
    model.fit(X, y, sample_weight=weight)
    for f, (train, test) in enumerate(folds):
        for j, C in enumerate(model.Cs_[0]):
            single = LogisticRegression(C=C, l1_ratio=0.5, tol=1e-10)
            single.fit(X[train], y[train], sample_weight=weight[train])
            expected = -log_loss(y[test], single.predict_proba(X[test]), sample_weight=weight[test])
            assert model.scores_[0, j, f] == pytest.approx(expected, rel=1e-5)


def test_results_layout_refit_and_parallel_agree(cancer):
    X, y = cancer
    kwargs = {"Cs": 4, "l1_ratios": [0.0, 1.0], "cv": 3}
    model = LogisticRegressionCV(**kwargs).fit(X, y)
    results = model.cv_results_
    assert model.Cs_.shape == (2, 4) and model.scores_.shape == (2, 4, 3)
    for key in ("mean_test_score", "std_test_score", "sem_test_score", "rank_test_score"):
        assert results[key].shape == (8,)
    np.testing.assert_allclose(
        results["sem_test_score"], model.scores_.std(axis=2, ddof=1).ravel() / np.sqrt(3)
    )
    assert results["params"][model.best_index_] == {"C": model.C_, "l1_ratio": model.l1_ratio_}
    assert model.Cs_[1, 0] < model.Cs_[1, 1] and results["mean_n_nonzero"][4] == 0
    refit = LogisticRegression(C=model.C_, l1_ratio=model.l1_ratio_).fit(X, y)
    np.testing.assert_allclose(model.coef_, refit.coef_)
    threaded = LogisticRegressionCV(n_jobs=2, **kwargs).fit(X, y)
    np.testing.assert_allclose(threaded.scores_, model.scores_)


def test_any_scorer_and_progress_bar(cancer, capsys):
    X, y = cancer
    model = LogisticRegressionCV(Cs=3, scoring="roc_auc", verbose=1).fit(X, y)
    assert np.all(model.scores_ > 0.9)
    assert "cross-validating" in capsys.readouterr().out


def test_multinomial_standardized_elastic_net(wine):
    X, y = wine
    X = X * np.geomspace(1, 100, X.shape[1])
    model = LogisticRegressionCV(Cs=5, l1_ratios=[0.5, 1.0], standardize=True).fit(X, y)
    assert model.coef_.shape == (3, X.shape[1])
    assert model.score(X, y) > 0.9


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"selection": "best"}, "selection"),
        ({"Cs": 0}, "Cs"),
        ({"Cs": [1.0, -1.0]}, "Cs"),
        ({"l1_ratios": [0.5, 1.5]}, "l1_ratios"),
        ({"l1_ratios": []}, "l1_ratios"),
        ({"penalty_factor": [1.0, 1.0]}, "penalty_factor"),
    ],
)
def test_bad_parameters_raise_clear_errors(cancer, kwargs, match):
    X, y = cancer
    with pytest.raises(ValueError, match=match):
        LogisticRegressionCV(**kwargs).fit(X, y)
