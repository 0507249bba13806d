"""From reduced statistics to an ordinary fitted :class:`~logistica.LogisticRegression`.

Shared by :func:`~logistica.outofcore.fit_files` and the Dask backend: the
estimator's parameters become a driver-side problem (penalty, units,
``standardize``), :func:`~._newton.solve_chunked` runs, and the solution turns
into the estimator's usual attributes through its own ``_set_coefs``.
"""

from __future__ import annotations

import warnings

import numpy as np

from .._validation import check_class_weight, check_penalty_factor
from ..estimators import LogisticRegression
from ..exceptions import ConvergenceWarning
from ..objective import Problem, make_loss, make_penalty
from ..objective.design import StandardizedDesign
from ..solvers.newton import AUTO_MAX_COEF
from ._chunk import Moments, Terms
from ._newton import Evaluate, MomentsDesign, affine, solve_chunked

__all__ = [
    "check_supported",
    "chunked_method",
    "class_multipliers",
    "fit_reduced",
    "hessian_fraction",
    "sample_rows",
    "sample_start",
]


def sample_rows(batch_size: int, n_coef: int) -> int:
    """Rows of the sample whose in-memory fit starts the exact passes.

    As many as the in-memory Newton's Hessian sample (``max(20_000,
    40·n_coef)``), but never more than a batch: the sample must not raise
    the memory a chunked fit needs.

    Examples
    --------
    >>> sample_rows(65_536, 101), sample_rows(1_000, 101)
    (20000, 1000)
    """
    return min(int(batch_size), max(20_000, 40 * n_coef))


def sample_start(
    model: LogisticRegression, X, y, sample_weight, offset, n_classes: int, share: float
) -> np.ndarray | None:
    """Raw-unit coefficients of ``model``'s problem fitted in memory on a row sample.

    The sample's weights are divided by ``share``, its share of the total
    weight, so that its objective estimates the full one (the same balance of
    loss and penalty); its optimum is then within sampling error of the full
    one, and Newton from there needs fewer passes over the data than from zero.
    The exact passes alone decide the result. ``y`` holds class codes
    (``0..n_classes-1``) and ``sample_weight`` the ``class_weight`` already.

    Returns None when the sample misses a class or its fit does not converge
    (e.g. separated classes when ``C=inf``): the passes then start from zero.

    Examples
    --------
    >>> rng = np.random.default_rng(0); X = rng.normal(size=(500, 2))
    >>> y = (X[:, 0] + rng.logistic(size=500) > 0).astype(float)
    >>> sample_start(LogisticRegression(), X, y, np.ones(500), None, 2, 0.1).shape
    (3,)
    """
    if share <= 0 or np.unique(y).size < n_classes:
        return None
    sub = LogisticRegression(
        C=model.C, l1_ratio=model.l1_ratio, fit_intercept=model.fit_intercept,
        standardize=model.standardize, penalty_factor=model.penalty_factor,
        tol=max(model.tol, 1e-6),
    )  # fmt: skip
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sub.fit(X, y, sample_weight=sample_weight / share, offset=offset)
    if not sub.converged_:
        return None
    rows = [sub.coef_.T, sub.intercept_[None, :]] if model.fit_intercept else [sub.coef_.T]
    return np.vstack(rows).ravel()


def hessian_fraction(model: LogisticRegression, n_rows: int, n_coef: int) -> float:
    """Share of the rows whose ``XᵀWX`` shapes Newton steps.

    Four times the in-memory Newton's sample (``max(20_000, 40·n_coef)`` rows,
    :class:`~logistica.solvers.newton.Newton`'s ``hessian_rows="auto"``) when
    the data hold at least eight times as many, else all rows (``1.0``, exact
    float64). Larger than in memory because every chunked iteration pays a
    pass (a graph submission) on top of its arithmetic: a sample of 20,000 rows
    took 7 iterations where the exact Hessian took 4 (200k×100), and was slower.

    Examples
    --------
    >>> hessian_fraction(LogisticRegression(), 2_000_000, 101)
    0.04
    >>> hessian_fraction(LogisticRegression(), 200_000, 101)
    1.0
    """
    rows = 4 * max(20_000, 40 * n_coef)
    return rows / n_rows if n_rows >= 8 * rows else 1.0


def chunked_method(model: LogisticRegression, n_coef: int) -> str:
    """The chunked solver: the model's, or for ``"auto"`` L-BFGS when the problem is
    smooth and has more than ``AUTO_MAX_COEF`` coefficients, Newton otherwise.

    Examples
    --------
    >>> chunked_method(LogisticRegression(), 101), chunked_method(LogisticRegression(), 1010)
    ('newton', 'lbfgs')
    >>> chunked_method(LogisticRegression(l1_ratio=1.0), 1010)
    'newton'
    """
    if model.solver != "auto":
        return model.solver
    smooth = make_penalty(float(model.C), model.l1_ratio, 1.0, None).is_smooth
    return "lbfgs" if n_coef > AUTO_MAX_COEF and smooth else "newton"


def check_supported(model: LogisticRegression) -> str:
    """Validate the estimator's parameters for a chunked fit; return the method.

    Raises
    ------
    ValueError
        For options the chunked fits do not support (Firth, focal loss,
        one-vs-rest, warm starts) or a solver other than ``auto``, ``newton``
        and ``lbfgs``.
    """
    model._check_params()
    unsupported = {
        "firth": model.firth,
        "loss='focal'": model.loss != "log",
        "multi_class='ovr'": model.multi_class != "multinomial",
        "warm_start": model.warm_start,
    }
    named = [name for name, used in unsupported.items() if used]
    if named:
        raise ValueError(
            f"out-of-core and Dask fits do not support {', '.join(named)}; "
            "fit in memory with logistica.LogisticRegression for those"
        )
    if model.solver not in ("auto", "newton", "lbfgs"):
        raise ValueError(
            f"out-of-core and Dask fits use solver 'newton' or 'lbfgs' (or 'auto'), "
            f"got {model.solver!r}"
        )
    return model.solver


def class_multipliers(model: LogisticRegression, classes, class_totals) -> np.ndarray:
    """Per-class weight multipliers from ``class_weight`` and the classes' total weights.

    Raises
    ------
    ValueError
        When fewer than two classes keep a positive total weight.
    """
    totals = np.asarray(class_totals, dtype=np.float64)
    multipliers = check_class_weight(model.class_weight, classes, classes, totals)
    weighted = totals * multipliers
    if np.count_nonzero(weighted > 0) < 2 or np.any(weighted <= 0):
        empty = [classes[k] for k in np.flatnonzero(weighted <= 0)]
        raise ValueError(
            f"classes {empty} have zero total weight (sample_weight × class_weight); "
            "drop their rows, or give them weight"
        )
    return multipliers


def _driver_problem(model, n_features: int, n_classes: int, moments: Moments):
    """Driver-side problem in the model's units, and the matrix to raw units."""
    loss = make_loss(n_classes)
    factor = check_penalty_factor(model.penalty_factor, n_features)
    penalty = make_penalty(float(model.C), model.l1_ratio, moments.weight, factor)
    design = MomentsDesign(moments.mean, moments.var)
    to_raw = np.eye((n_features + model.fit_intercept) * loss.n_outputs)
    if model.standardize:
        design = StandardizedDesign.from_data(design, None, center=model.fit_intercept)
        to_raw = affine(design.mean, design.scale, model.fit_intercept, loss.n_outputs)
    problem = Problem(design, np.empty(0), loss, penalty, None, None, model.fit_intercept)
    return problem, to_raw


def fit_reduced(
    model: LogisticRegression,
    evaluate: Evaluate,
    *,
    classes: np.ndarray,
    moments: Moments,
    start: Terms,
    feature_names,
    callback=None,
    fraction: float = 1.0,
    raw_start: np.ndarray | None = None,
) -> tuple[LogisticRegression, np.ndarray | None]:
    """Solve with reduced sums and set ``model``'s fitted attributes.

    ``fraction`` is the share of rows of the Hessian sample (as in ``start``);
    ``raw_start`` raw-unit starting coefficients (:func:`sample_start`).
    Binary Newton fits end with the exact ``XᵀWX`` (``fisher_information_``).

    Returns the model and the unpenalized ``Σ sᵢ ∂²ℓᵢ`` (raw units) at the solution.
    """
    n_features = moments.mean.size
    problem, to_raw = _driver_problem(model, n_features, len(classes), moments)
    method = chunked_method(model, problem.n_coef)
    if method == "lbfgs" and not problem.penalty.is_smooth:
        raise ValueError("solver 'lbfgs' does not support L1 penalties; use 'newton' or 'auto'")
    max_iter = model.max_iter or (100 if method == "newton" else 1000)
    solution, raw_hessian = solve_chunked(
        evaluate, problem, to_raw, moments.weight, start,
        method=method, tol=model.tol, max_iter=max_iter, verbose=model.verbose,
        callback=callback, hessian_fraction=fraction, final_hessian=len(classes) == 2,
        coef0=None if raw_start is None else np.linalg.solve(to_raw, raw_start),
    )  # fmt: skip
    if not solution.converged:
        warnings.warn(
            f"chunked {method} did not converge in {solution.n_iter} iterations "
            f"({solution.message}): optimality {solution.optimality:.2e} > tol {model.tol:.1e}. "
            "To fix it: increase max_iter; if the classes are separated, use C < inf.",
            ConvergenceWarning,
            stacklevel=3,
        )
    model.classes_ = np.asarray(classes)
    model.n_features_in_ = n_features
    if feature_names is not None:
        model.feature_names_in_ = np.asarray([str(n) for n in feature_names], dtype=object)
    elif hasattr(model, "feature_names_in_"):
        del model.feature_names_in_
    model.solver_ = method
    model._set_coefs([problem], [solution], n_features)
    model.feature_mean_ = moments.mean.copy()
    model.n_iter_ = np.array([solution.n_iter], dtype=np.int32)
    model.converged_ = solution.converged
    model.loss_history_ = np.asarray(solution.history)
    model.optimality_ = solution.optimality
    if raw_hessian is not None and len(classes) == 2:
        model.fisher_information_ = raw_hessian
    return model, raw_hessian
