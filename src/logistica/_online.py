"""``LogisticRegression.partial_fit``: one SGD pass per call, the optimiser state kept.

The pass is :func:`logistica.solvers._sgd.sgd_epoch`, the loop of
``solver="sgd"``; its :class:`~logistica.solvers._sgd.SGDState` (iterate, step
counter and schedule position, moments, weighted Polyak–Ruppert average,
random generator) lives on the model between calls, so schedules run on
across calls and nothing restarts. The objective is scikit-learn's on all the
samples seen so far, ``C·Σ sᵢℓᵢ + pen(w)``: each call's problem divides the
penalty by the running total weight, so after one pass over a data set the
penalty is exactly the one ``fit`` uses.

The state lives in the model's coordinates (no per-batch standardization,
which would change units from call to call): standardize a badly scaled
stream beforehand.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sklearn.utils.validation import validate_data

from ._validation import (
    _DTYPES,
    check_class_weight,
    check_penalty_factor,
    check_sample_weight,
    check_targets,
)
from .objective import BinomialLoss, Design, MultinomialLoss, Problem, make_penalty
from .objective.focal import FocalLoss
from .solvers import get
from .solvers._sgd import SGDConfig, SGDState, sgd_epoch
from .solvers.base import Solution
from .solvers.sgd import polish

__all__ = ["OnlineState", "partial_fit"]


@dataclass
class OnlineState:
    """What ``partial_fit`` keeps on the model between calls."""

    sgd: list[SGDState]  # one per solved problem (one per class for one-vs-rest)
    total_weight: float
    n_calls: int
    coef: np.ndarray  # the ``coef_`` array it set: another object means ``fit`` ran since


def check_supported(model) -> bool:
    """Whether ``model`` can learn online; raise ``AttributeError`` saying why not.

    Used through :func:`sklearn.utils.metaestimators.available_if`, so that
    ``hasattr(model, "partial_fit")`` is false for such settings (scikit-learn's
    checks and meta-estimators then do not try it) while calling it explains.
    """
    if model.firth:
        raise AttributeError(
            "partial_fit does not support firth=True (Firth's penalty needs all rows)"
        )
    if model.standardize:
        raise AttributeError(
            "partial_fit does not support standardize=True (column moments need all rows); "
            "standardize the stream beforehand, e.g. with StandardScaler.partial_fit"
        )
    if model.class_weight == "balanced":
        raise AttributeError(
            "class_weight='balanced' needs the class counts of all the data; pass a dict to "
            "partial_fit instead"
        )
    return True


def _check_classes(model, classes, fitted: bool) -> np.ndarray:
    if not fitted:
        if classes is None:
            raise ValueError(
                "classes must be given on the first call to partial_fit: the labels of all "
                "the classes the stream will contain, e.g. classes=np.unique(y_all)"
            )
        classes = np.unique(np.asarray(classes))
        if classes.size < 2:
            raise ValueError(f"classes must hold at least two labels, got {classes.tolist()}")
        return classes
    if classes is not None and not np.array_equal(np.unique(np.asarray(classes)), model.classes_):
        raise ValueError(
            f"classes={np.unique(np.asarray(classes)).tolist()} differs from the classes of "
            f"the previous calls, {model.classes_.tolist()}"
        )
    return model.classes_


def partial_fit(model, X, y, classes=None, sample_weight=None):
    """One SGD pass over ``(X, y)``, continuing from the model's state; returns the model.

    See :meth:`logistica.LogisticRegression.partial_fit`.
    """
    model._check_params()
    fitted = hasattr(model, "classes_")
    classes = _check_classes(model, classes, fitted)
    y = check_targets(y)
    X, y = validate_data(model, X, y, accept_sparse=["csr", "csc"], dtype=_DTYPES, reset=not fitted)
    unknown = np.setdiff1d(np.unique(y), classes)
    if unknown.size:
        raise ValueError(
            f"y contains label(s) {unknown.tolist()} not among the classes "
            f"{classes.tolist()} given on the first call to partial_fit"
        )
    codes = np.searchsorted(classes, y)
    weight = check_sample_weight(sample_weight, X.shape[0])
    weight = weight * check_class_weight(model.class_weight, classes, y, weight)
    state = getattr(model, "_online_state", None)
    if state is not None and state.coef is not getattr(model, "coef_", None):
        state = None  # fit ran since: start over from its coefficients
    total = (0.0 if state is None else state.total_weight) + float(weight.sum())
    if total <= 0:
        raise ValueError("the samples seen so far all have zero weight; nothing to fit")
    problems = _problems(model, X, codes, len(classes), weight, total)
    options = model.solver_options if model.solver == "sgd" else None
    solver = get("sgd", **(options or {}))  # refuses unknown options
    config = SGDConfig.from_options(solver.options)
    if state is None:
        starts = model._packed_coefs() if fitted else [p.zero_coef() for p in problems]
        starts = [
            c if c.shape == (p.n_coef,) else p.zero_coef()
            for c, p in zip(starts, problems, strict=False)
        ]
        sgd = [SGDState.start(p, c, config) for p, c in zip(problems, starts, strict=True)]
        state = OnlineState(sgd, 0.0, 0, None)
    horizon = float(config.horizon or model.max_iter or solver.default_max_iter)
    solutions = [
        _one_pass(problem, sgd, config, horizon, model, state.n_calls, k, weight.sum() > 0)
        for k, (problem, sgd) in enumerate(zip(problems, state.sgd, strict=True))
    ]
    _set_attributes(model, problems, solutions, classes, X, weight, state, total)
    return model


def _one_pass(problem, sgd, config, horizon, model, n_calls: int, k: int, active: bool):
    """One epoch over the batch, then the batch's objective and optimality at the result."""
    if active:
        sgd_epoch(problem, sgd, config, horizon=horizon)
    coef = sgd.iterate
    value, grad, _ = problem.value_grad(coef)
    if not problem.penalty.is_smooth:
        coef, value, grad = polish(problem, coef, grad, sgd.smoothness)
    optimality = problem.optimality(coef, grad)
    previous = getattr(model, "loss_history_", None) if n_calls else None
    if isinstance(previous, list):
        previous = previous[k] if k < len(previous) else None
    history = [*(() if previous is None else np.atleast_1d(previous)[:n_calls]), value]
    return Solution(
        coef=coef.copy(),
        n_iter=n_calls + 1,
        converged=bool(optimality <= model.tol),
        optimality=optimality,
        history=tuple(history),
        solver="sgd",
    )


def _problems(model, X, codes, n_classes: int, weight, total: float) -> list[Problem]:
    """The batch's problems: one (binary, multinomial) or one per class (one-vs-rest)."""
    factor = check_penalty_factor(model.penalty_factor, X.shape[1])
    penalty = make_penalty(float(model.C), model.l1_ratio, total, factor)
    if weight.sum() <= 0:  # a batch of zero-weight rows: keep the problems well defined
        weight = np.ones_like(weight)
    binary = FocalLoss(model.focal_gamma) if model.loss == "focal" else BinomialLoss()

    def problem(y, loss):
        return Problem(X, y, loss, penalty, weight, None, model.fit_intercept)

    if n_classes == 2:
        return [problem(codes.astype(np.float64), binary)]
    if model.multi_class == "multinomial":
        return [problem(codes, MultinomialLoss(n_classes))]
    return [problem((codes == k).astype(np.float64), binary) for k in range(n_classes)]


def _set_attributes(model, problems, solutions, classes, X, weight, state, total) -> None:
    previous_total = total - float(weight.sum())
    mean = Design(X).rmatvec(weight)
    if previous_total > 0 and hasattr(model, "feature_mean_"):
        mean = mean + previous_total * model.feature_mean_
    model.classes_ = classes
    model.solver_ = "sgd"
    model._set_coefs(problems, solutions, X.shape[1])
    model.feature_mean_ = mean / total
    model.n_iter_ = np.array([s.n_iter for s in solutions], dtype=np.int32)
    model.converged_ = all(s.converged for s in solutions)
    histories = [np.asarray(s.history) for s in solutions]
    model.loss_history_ = histories[0] if len(histories) == 1 else histories
    state.total_weight = total
    state.n_calls += 1
    state.coef = model.coef_
    model._online_state = state
