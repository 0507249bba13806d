"""LogisticRegressionCV: grid over Cs × l1_ratios, weighted scoring, min and 1-SE selection."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import log_loss
from sklearn.model_selection import GroupKFold, StratifiedGroupKFold, StratifiedKFold
from sklearn.utils.class_weight import compute_class_weight
from sklearn.utils.estimator_checks import check_estimator

from logistica import LogisticRegression
from logistica.cv import LogisticRegressionCV, one_se_index

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


def _manual_scores(X, y, folds, Cs, l1_ratio=0.0, fit=None, proba=None):
    """Held-out -log-loss of one logistica fit per (C, fold), written out in the test."""
    classes = np.unique(y)
    scores = np.empty((len(Cs), len(folds)))
    for f, (train, test) in enumerate(folds):
        for j, C in enumerate(Cs):
            model = fit(C, l1_ratio, train)
            p = model.predict_proba(X[test]) if proba is None else proba(model, test)
            scores[j, f] = -log_loss(y[test], p, labels=classes)
    return scores


def _uneven_folds(y, seed=0):
    """Three folds whose class proportions differ a lot (so do their training rows')."""
    rng = np.random.default_rng(seed)
    zeros, ones = rng.permutation(np.flatnonzero(y == 0)), rng.permutation(np.flatnonzero(y == 1))
    tests = [
        np.concatenate([zeros[:100], ones[:20]]),
        np.concatenate([zeros[100:120], ones[20:170]]),
        np.concatenate([zeros[120:], ones[170:]]),
    ]
    everything = np.arange(len(y))
    return [(np.setdiff1d(everything, t), np.sort(t)) for t in tests]


def test_balanced_class_weight_is_computed_inside_each_fold(cancer):
    X, y = cancer
    folds = _uneven_folds(y)
    Cs, classes = [0.01, 0.1, 1.0], np.array([0, 1])
    model = LogisticRegressionCV(Cs=Cs, cv=folds, class_weight="balanced", tol=1e-10).fit(X, y)

    def fit_with(weights_of):
        def fit(C, l1_ratio, train):
            weights = dict(zip(classes.tolist(), weights_of(train), strict=True))
            single = LogisticRegression(C=C, l1_ratio=l1_ratio, class_weight=weights, tol=1e-10)
            return single.fit(X[train], y[train])

        return fit

    fold_local = fit_with(
        lambda train: compute_class_weight("balanced", classes=classes, y=y[train])
    )
    expected = _manual_scores(X, y, folds, Cs, fit=fold_local)
    np.testing.assert_allclose(model.scores_[0], expected, rtol=1e-6)
    # weights computed once on all the data give other scores: this test would catch them
    on_all = fit_with(lambda train: compute_class_weight("balanced", classes=classes, y=y))
    leaked = _manual_scores(X, y, folds, Cs, fit=on_all)
    assert np.max(np.abs(leaked - model.scores_[0]) / np.abs(leaked)) > 1e-3
    # the refit uses the weights of all the data, as LogisticRegression does
    refit = LogisticRegression(C=model.C_, class_weight="balanced", tol=1e-10).fit(X, y)
    np.testing.assert_allclose(model.coef_, refit.coef_, rtol=1e-6)


def test_groups_give_group_k_fold_for_an_int_cv(cancer):
    X, y = cancer
    groups = np.arange(len(y)) // 7
    model = LogisticRegressionCV(Cs=3, cv=4).fit(X, y, groups=groups)
    folds = list(GroupKFold(4).split(X, y, groups))
    explicit = LogisticRegressionCV(Cs=3, cv=folds).fit(X, y)
    np.testing.assert_array_equal(model.scores_, explicit.scores_)
    for train, test in folds:
        assert not set(groups[train]) & set(groups[test])
    # a splitter object receives the groups too
    splitter = StratifiedGroupKFold(3)
    by_splitter = LogisticRegressionCV(Cs=3, cv=splitter).fit(X, y, groups=groups)
    folds = list(splitter.split(X, y, groups))
    np.testing.assert_array_equal(
        by_splitter.scores_, LogisticRegressionCV(Cs=3, cv=folds).fit(X, y).scores_
    )
    with pytest.raises(ValueError, match="inconsistent"):
        LogisticRegressionCV(Cs=3, cv=3).fit(X, y, groups=groups[:-1])


@pytest.mark.parametrize("l1_ratio", [0.0, 1.0])
def test_one_vs_rest_matches_fits_per_fold(wine, l1_ratio):
    X, y = wine
    folds = list(StratifiedKFold(3, shuffle=True, random_state=0).split(X, y))
    model = LogisticRegressionCV(
        Cs=4, l1_ratios=[l1_ratio], cv=folds, multi_class="ovr", tol=1e-10
    ).fit(X, y)

    def fit(C, l1_ratio, train):
        single = LogisticRegression(C=C, l1_ratio=l1_ratio, multi_class="ovr", tol=1e-10)
        return single.fit(X[train], y[train])

    expected = _manual_scores(X, y, folds, model.Cs_[0], l1_ratio, fit=fit)
    np.testing.assert_allclose(model.scores_[0], expected, rtol=1e-5)
    assert model.coef_.shape == model.path_.coefs.shape[1:] == (3, X.shape[1])
    if l1_ratio > 0:  # the grid starts where every class's coefficients are zero
        assert model.cv_results_["mean_n_nonzero"][0] == 0 and model.path_.n_nonzero[1] > 0
    refit = LogisticRegression(C=model.C_, l1_ratio=l1_ratio, multi_class="ovr", tol=1e-10)
    np.testing.assert_allclose(model.predict_proba(X), refit.fit(X, y).predict_proba(X), atol=1e-6)


def test_offset_enters_the_fits_and_the_scored_predictions(cancer):
    X, y = cancer
    offset = np.random.default_rng(1).normal(0.0, 1.0, len(y))
    folds = list(StratifiedKFold(3).split(X, y))
    model = LogisticRegressionCV(Cs=3, l1_ratios=[0.5], cv=folds, tol=1e-10)
    model.fit(X, y, offset=offset)

    def fit(C, l1_ratio, train):
        single = LogisticRegression(C=C, l1_ratio=l1_ratio, tol=1e-10)
        return single.fit(X[train], y[train], offset=offset[train])

    expected = _manual_scores(
        X, y, folds, model.Cs_[0], 0.5, fit=fit,
        proba=lambda m, test: m.predict_proba(X[test], offset[test]),
    )  # fmt: skip
    np.testing.assert_allclose(model.scores_[0], expected, rtol=1e-5)
    refit = LogisticRegression(C=model.C_, l1_ratio=0.5, tol=1e-10).fit(X, y, offset=offset)
    np.testing.assert_allclose(model.predict_proba(X, offset), refit.predict_proba(X, offset))
    with pytest.raises(ValueError, match="offset"):
        model.fit(X, y, offset=offset[:-1])


def test_one_standard_error_rule_over_the_whole_grid(cancer):
    X, y = cancer
    Cs = np.logspace(-3, 1, 9)
    model = LogisticRegressionCV(
        Cs=Cs, l1_ratios=[1.0, 0.5, 0.0], selection="1se",
        cv=StratifiedKFold(5, shuffle=True, random_state=2),
    ).fit(X, y)  # fmt: skip
    # direct computation on the stored scores
    scores = model.scores_
    mean = scores.mean(axis=2)
    sem = scores.std(axis=2, ddof=1) / np.sqrt(scores.shape[2])
    best = np.unravel_index(np.argmax(mean), mean.shape)
    candidates = [
        (model.Cs_[i, j], -model.l1_ratios_[i], i, j)
        for i in range(mean.shape[0])
        for j in range(mean.shape[1])
        if mean[i, j] >= mean[best] - sem[best]
    ]
    C, neg_ratio, i, j = min(candidates)
    assert (model.C_, model.l1_ratio_) == (C, -neg_ratio)
    assert model.best_index_ == i * len(Cs) + j
    assert model.Cs_[best] > model.C_  # the best point is less regularized
    # on this problem the rule leaves the best point's l1_ratio and breaks a tie in C
    assert model.l1_ratio_ != model.l1_ratios_[best[0]]
    assert sum(candidate[0] == C for candidate in candidates) > 1
    # ties in C go to the larger l1_ratio
    flat = np.zeros((3, 2))
    assert one_se_index(flat, flat, np.ones((3, 2)), np.array([0.0, 1.0, 0.5])) == 2
    assert one_se_index(flat, flat, np.array([[1.0, 2.0], [0.5, 3.0], [1.0, 2.0]]), [0, 1, 2]) == 2
