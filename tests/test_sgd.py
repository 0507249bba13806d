"""solver="sgd", partial_fit and stream_fit (issue 14): fixed seeds against newton's optimum."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from sklearn.utils.estimator_checks import parametrize_with_checks

from logistica import LogisticRegression, stream_fit
from logistica.exceptions import ConvergenceWarning
from logistica.objective import BinomialLoss, MultinomialLoss, Problem, make_penalty
from logistica.objective._kernels import focal_value_residual
from logistica.objective.focal import FocalLoss
from logistica.solvers import solve
from logistica.solvers._sgd import SGDConfig, SGDState, kernel_data, sgd_epoch


def _problem(n_classes: int, sparse: bool, C: float = 1.0, l1_ratio: float = 0.0, seed=0):
    rng = np.random.default_rng(seed)
    n, d = 2000, 20
    if sparse:
        X = sp.random(n, d, density=0.3, random_state=seed, format="csr")
        X.data = rng.standard_normal(X.data.size)
    else:
        X = rng.standard_normal((n, d))
    beta = rng.standard_normal((d, n_classes if n_classes > 2 else 1)) / 2
    z = X @ beta
    if n_classes == 2:
        y = (rng.random(n) < 1 / (1 + np.exp(-z[:, 0]))).astype(float)
        loss = BinomialLoss()
    else:
        p = np.exp(z - z.max(axis=1, keepdims=True))
        p /= p.sum(axis=1, keepdims=True)
        y = (p.cumsum(axis=1) > rng.random((n, 1))).argmax(axis=1)
        loss = MultinomialLoss(n_classes)
    return Problem(X, y, loss, make_penalty(C, l1_ratio, n))


def _quiet_solve(problem, solver, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return solve(problem, solver, **kwargs)


@pytest.mark.parametrize("sparse", [False, True], ids=["dense", "sparse"])
@pytest.mark.parametrize("n_classes", [2, 5])
def test_averaged_sgd_reaches_newtons_optimum(n_classes, sparse):
    problem = _problem(n_classes, sparse)
    optimum = solve(problem, "newton", tol=1e-10).history[-1]
    result = _quiet_solve(problem, "sgd", tol=1e-12, max_iter=20, options={"random_state": 0})
    assert result.n_iter == 20 and len(result.history) == 21
    assert (result.history[-1] - optimum) / abs(optimum) <= 1e-3


def test_l1_recovers_the_exact_support():
    rng = np.random.default_rng(1)
    X = rng.standard_normal((2000, 30))
    beta = np.zeros(30)
    beta[:4] = [2.0, -2.0, 1.5, -1.5]
    y = (rng.random(2000) < 1 / (1 + np.exp(-X @ beta))).astype(float)
    # well separated: inactive gradients at most half the L1 strength at the optimum
    problem = Problem(X, y, BinomialLoss(), make_penalty(0.02, 1.0, 2000))
    exact = solve(problem, "cd", tol=1e-10).coef[:30]
    result = _quiet_solve(problem, "sgd", tol=1e-12, max_iter=30, options={"random_state": 0})
    np.testing.assert_array_equal(result.coef[:30] != 0, exact != 0)
    assert np.count_nonzero(exact) == 4


def test_float32_is_not_copied_to_float64_and_matches():
    problem64 = _problem(2, False)
    X32 = problem64.design.X.astype(np.float32)
    problem32 = Problem(X32, problem64.y, BinomialLoss(), problem64.penalty)
    options = {"random_state": 0}
    a = _quiet_solve(problem32, "sgd", max_iter=3, options=options)
    b = _quiet_solve(Problem(X32.astype(np.float64), problem64.y, BinomialLoss(),
                             problem64.penalty), "sgd", max_iter=3, options=options)  # fmt: skip
    assert problem32.design.X.dtype == np.float32
    np.testing.assert_allclose(a.coef, b.coef, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize(
    "options",
    [
        {"optimizer": "adam", "learning_rate": 0.01},
        {"momentum": 0.9, "nesterov": True, "schedule": "cosine", "warmup": 1.0},
        {"schedule": "step", "step_epochs": 3},
        {"batch_size": 10_000, "schedule": "constant", "average": False},
    ],
)
def test_optimisers_and_schedules_make_progress(options):
    problem = _problem(2, False)
    optimum = solve(problem, "newton", tol=1e-10).history[-1]
    result = _quiet_solve(problem, "sgd", max_iter=10, options={"random_state": 0, **options})
    assert (result.history[-1] - optimum) / abs(optimum) <= 5e-2


def test_history_per_batch_and_early_stopping():
    problem = _problem(2, False)
    per_batch = _quiet_solve(problem, "sgd", max_iter=2,
                             options={"history": "batch", "batch_size": 100})  # fmt: skip
    assert len(per_batch.history) == 2 * 20
    stopped = _quiet_solve(problem, "sgd", max_iter=200,
                           options={"early_stopping": True, "random_state": 0})  # fmt: skip
    assert stopped.n_iter < 200 and "early stopping" in stopped.message


def test_bad_options_are_refused():
    problem = _problem(2, False)
    with pytest.raises(ValueError, match="unknown option"):
        solve(problem, "sgd", options={"learning_rte": 0.1})
    with pytest.raises(ValueError, match="'optimizer' must be"):
        solve(problem, "sgd", options={"optimizer": "rmsprop"})
    with pytest.raises(ValueError, match="'batch_size' must be"):
        solve(problem, "sgd", options={"batch_size": 0})


def _data(n_classes=3, n=600, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, 4))
    y = np.argmax(X[:, :n_classes] + rng.standard_normal((n, n_classes)), axis=1)
    return X, y


@pytest.mark.parametrize("n_classes", [2, 3])
def test_partial_fit_stream_equals_fit(n_classes):
    X, y = _data(n_classes)
    options = {"batch_size": 50, "shuffle": False, "learning_rate": 0.5, "epoch_samples": 600}
    fitted = LogisticRegression(C=np.inf, solver="sgd", max_iter=3, solver_options=options)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        fitted.fit(X, y)
    streamed = LogisticRegression(C=np.inf, solver="sgd", solver_options=options)
    for _ in range(3):
        for rows in np.array_split(np.arange(600), 12):
            streamed.partial_fit(X[rows], y[rows], classes=np.unique(y))
    np.testing.assert_allclose(streamed.coef_, fitted.coef_, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(streamed.intercept_, fitted.intercept_, rtol=1e-10, atol=1e-12)
    assert streamed.n_iter_[0] == 36


def test_partial_fit_with_penalty_and_shuffling_equals_fit_for_one_pass():
    X, y = _data(2)
    options = {"batch_size": 32, "random_state": 3}
    fitted = LogisticRegression(C=0.5, solver="sgd", max_iter=1, solver_options=options)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        fitted.fit(X, y)
    streamed = LogisticRegression(C=0.5, solver="sgd", solver_options=options)
    streamed.partial_fit(X, y, classes=[0, 1])
    np.testing.assert_allclose(streamed.coef_, fitted.coef_, rtol=1e-10)


def test_partial_fit_keeps_the_schedule_and_continues_a_fit():
    X, y = _data(2)
    model = LogisticRegression(solver="sgd", solver_options={"random_state": 0})
    model.partial_fit(X[:300], y[:300], classes=[0, 1])
    steps = model._online_state.sgd[0].n_steps
    model.partial_fit(X[300:], y[300:])
    assert model._online_state.sgd[0].n_steps == 2 * steps  # the counter runs on
    warm = LogisticRegression(warm_start=True).fit(X, y)
    before = warm.coef_.copy()
    warm.partial_fit(X, y)  # continues from the fitted optimum: stays near it
    np.testing.assert_allclose(warm.coef_, before, atol=0.3)
    assert warm._online_state.sgd[0].n_steps == 10  # a fresh schedule after fit


def test_partial_fit_bad_calls():
    X, y = _data(3)
    model = LogisticRegression(solver="sgd")
    with pytest.raises(ValueError, match="classes must be given on the first call"):
        model.partial_fit(X, y)
    model.partial_fit(X, y, classes=[0, 1, 2])
    with pytest.raises(ValueError, match=r"label\(s\) \[7\] not among the classes"):
        model.partial_fit(X[:2], np.array([0, 7]))
    with pytest.raises(ValueError, match="differs from the classes"):
        model.partial_fit(X, y, classes=[0, 1, 2, 3])
    with pytest.raises(ValueError, match="features"):
        model.partial_fit(X[:, :3], y)


def test_stream_fit_reads_dataframe_chunks_and_tuples():
    X, y = _data(2, n=1000)
    frame = pd.DataFrame(X, columns=list("abcd")).assign(label=y)
    chunks = (frame.iloc[i : i + 250] for i in range(0, 1000, 250))
    model = stream_fit(LogisticRegression(solver="sgd"), chunks, classes=[0, 1], target="label")
    assert model.n_iter_[0] == 4 and model.score(frame[list("abcd")], y) > 0.7
    assert list(model.feature_names_in_) == list("abcd")
    tuples = [(X[i : i + 500], y[i : i + 500]) for i in (0, 500)]
    assert stream_fit(LogisticRegression(), tuples, classes=[0, 1], progress=False).n_iter_[0] == 2
    with pytest.raises(ValueError, match="target="):
        stream_fit(LogisticRegression(), [frame], classes=[0, 1])


@parametrize_with_checks([LogisticRegression(solver="sgd", max_iter=300)])
def test_sklearn_compatible_with_sgd(estimator, check):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        check(estimator)


def test_partial_fit_one_vs_rest():
    X, y = _data(3)
    model = LogisticRegression(multi_class="ovr", solver="sgd")
    for rows in np.array_split(np.arange(600), 3):
        model.partial_fit(X[rows], y[rows], classes=[0, 1, 2])
    assert model.coef_.shape == (3, 4) and model.n_iter_.tolist() == [3, 3, 3]
    assert len(model.loss_history_) == 3 and len(model.loss_history_[0]) == 3


@pytest.mark.parametrize(
    ("params", "reason"),
    [
        ({"standardize": True}, "standardize=True"),
        ({"firth": True}, "firth=True"),
        ({"class_weight": "balanced"}, "class_weight='balanced'"),
    ],
)
def test_partial_fit_is_absent_where_it_cannot_work(params, reason):
    model = LogisticRegression(**params)
    assert not hasattr(model, "partial_fit")  # scikit-learn's checks then skip it
    with pytest.raises(AttributeError) as caught:
        model.partial_fit(np.eye(2), [0, 1], classes=[0, 1])
    assert reason in str(caught.value.__cause__)  # the reason is chained to the error


def _epochs(problem, n_epochs=3, **options):
    config = SGDConfig(random_state=0, **options)
    state = SGDState.start(problem, problem.zero_coef(), config)
    for _ in range(n_epochs):
        sgd_epoch(problem, state, config)
    return state


@pytest.mark.parametrize(
    ("n_classes", "options"),
    [
        (2, {"batch_size": 7}),  # lazy steps on CSR data: the average caught up exactly
        (2, {"batch_size": 5, "average": 1.5, "history": "batch"}),
        (4, {"batch_size": 9, "momentum": 0.5}),  # dense steps on CSR data
        (4, {"batch_size": 9, "optimizer": "adam", "learning_rate": 0.05}),
    ],
)
def test_compiled_epochs_on_csr_rows_equal_dense_rows(n_classes, options):
    rng = np.random.default_rng(4)
    X = sp.random(300, 40, density=0.1, random_state=4, format="csr")
    y = rng.integers(0, n_classes, 300)
    loss = BinomialLoss() if n_classes == 2 else MultinomialLoss(n_classes)
    y = y.astype(float) if n_classes == 2 else y
    offset = rng.standard_normal(300 if n_classes == 2 else (300, n_classes)) / 4
    weight = rng.random(300)
    penalty = make_penalty(np.inf if n_classes == 2 else 0.1, 0.0 if n_classes == 2 else 0.5, 300)
    sparse_run = _epochs(Problem(X, y, loss, penalty, weight, offset), **options)
    dense_run = _epochs(Problem(X.toarray(), y, loss, penalty, weight, offset), **options)
    assert kernel_data(Problem(X, y, loss, penalty), SGDConfig(**options)).lazy_l2.size == (
        40 if not penalty.alpha and "momentum" not in options and "optimizer" not in options else 0
    )
    np.testing.assert_allclose(sparse_run.iterate, dense_run.iterate, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(sparse_run.batch_values, dense_run.batch_values, rtol=1e-9)
    assert sparse_run.n_averaged == dense_run.n_averaged > 0


def test_lazy_l2_is_unbiased_and_reaches_the_optimum():
    problem = _problem(2, True, C=0.01)  # a strong L2 part, applied column by column
    assert kernel_data(problem, SGDConfig()).lazy_l2.size == problem.n_features
    optimum = solve(problem, "newton", tol=1e-10).history[-1]
    result = _quiet_solve(problem, "sgd", tol=1e-12, max_iter=20)
    assert (result.history[-1] - optimum) / abs(optimum) <= 1e-3


def test_focal_kernel_matches_the_focal_loss():
    rng = np.random.default_rng(0)
    raw, y, weight = rng.standard_normal(50) * 5, (rng.random(50) < 0.5) * 1.0, rng.random(50)
    residual = np.empty(50)
    value = focal_value_residual(raw, y, weight, residual, 1.5)
    expected_value, expected_residual = FocalLoss(1.5).value_and_residual(raw, y, weight)
    np.testing.assert_allclose(value, expected_value, rtol=1e-12)
    np.testing.assert_allclose(residual, expected_residual, rtol=1e-10, atol=1e-15)
    X, y = _data(2)
    model = LogisticRegression(solver="sgd", loss="focal", focal_gamma=1.5)
    assert model.partial_fit(X, y, classes=[0, 1]).score(X, y) > 0.6


def test_float32_rows_are_read_in_place():
    problem = _problem(5, False)
    X32 = problem.design.X.astype(np.float32)
    prepared = kernel_data(Problem(X32, problem.y, problem.loss, problem.penalty), SGDConfig())
    assert prepared.X is X32
