"""Warm-started regularization path: one fit per ``C``, from strong to weak regularization.

With an L1 part (``l1_ratio > 0``) the default grid starts at the smallest
``C`` for which every penalized coefficient is zero, computed from the
gradient at the null model (:meth:`ElasticNet.alpha_max`), and spans
``1/min_ratio`` from there, as glmnet does. Each fit starts from the previous
solution, so a path costs a few fits, not ``n_Cs``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property

import numpy as np
from sklearn.utils.validation import check_X_y

from . import solvers
from ._validation import (
    check_Cs,
    check_fit_weights,
    check_offset,
    check_penalty_factor,
    check_scalar_param,
    check_targets,
    encode_targets,
)
from .objective import Problem, make_loss, make_penalty
from .objective.design import Design, StandardizedDesign
from .solvers.cd import null_model

__all__ = ["OneVsRestPath", "PathResult", "logistic_path", "make_path", "path_result"]


@dataclass(frozen=True)
class PathResult:
    """Coefficients along a regularization path.

    Attributes
    ----------
    Cs : ndarray of shape (n_Cs,)
        Inverse regularization strengths, increasing (strongest regularization first).
    coefs : ndarray of shape (n_Cs, n_rows, n_features)
        Coefficients on the original scale of ``X``; ``n_rows`` is 1 for binary
        problems and the number of classes otherwise (as ``coef_``).
    intercepts : ndarray of shape (n_Cs, n_rows)
        Intercepts (zeros without one).
    n_nonzero : ndarray of shape (n_Cs,)
        Number of nonzero coefficients (intercept excluded).
    n_iter : ndarray of shape (n_Cs,)
        Solver iterations per ``C`` (0 where the null model is the solution).
    converged : ndarray of shape (n_Cs,)
        Whether each fit met ``tol``.
    classes : ndarray
        Class labels, sorted.
    l1_ratio : float
        Elastic-net mix of the path.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> X, y = load_iris(return_X_y=True)
    >>> result = logistic_path(X, y, Cs=3, l1_ratio=1.0, standardize=True)
    >>> result.Cs.shape, result.coefs.shape, result.n_nonzero.tolist()
    ((3,), (3, 3, 4), [0, 7, 7])
    """

    Cs: np.ndarray
    coefs: np.ndarray
    intercepts: np.ndarray
    n_nonzero: np.ndarray
    n_iter: np.ndarray
    converged: np.ndarray
    classes: np.ndarray
    l1_ratio: float


class PathProblem:
    """Data of a path, standardized once; makes the :class:`Problem` for each ``C``.

    Parameters
    ----------
    X : ndarray or sparse matrix, validated
    codes : ndarray of int
        Class codes ``0..n_classes-1``.
    n_classes : int
    sample_weight : ndarray
        Non-negative weights (class weights folded in), divided by ``weight_scale``.
    l1_ratio : float
    fit_intercept : bool
    penalty_factor : ndarray or None
    standardize : bool
        Fit on standardized columns (centred only when dense with an intercept).
    weight_scale : float, default=1.0
        What ``sample_weight`` was divided by (:func:`check_fit_weights`); every
        ``C`` is multiplied by it, so the objective is unchanged.
    offset : ndarray, optional
        Known term of the linear predictor, validated (:func:`check_offset`).
    """

    def __init__(
        self, X, codes, n_classes, sample_weight, l1_ratio, fit_intercept, penalty_factor,
        standardize, weight_scale=1.0, offset=None,
    ) -> None:  # fmt: skip
        self.loss = make_loss(n_classes)
        self.y = codes.astype(np.float64) if n_classes == 2 else codes
        self.sample_weight = sample_weight
        self.total_weight = float(sample_weight.sum())
        self.weight_scale = float(weight_scale)
        self.l1_ratio = float(l1_ratio)
        self.fit_intercept = bool(fit_intercept)
        self.penalty_factor = penalty_factor
        self.offset = offset
        design = Design(X)
        if standardize:
            center = fit_intercept and not design.is_sparse
            design = StandardizedDesign.from_data(design, sample_weight / self.total_weight, center)
        self.design = design

    def problem(self, C: float) -> Problem:
        """The fit at ``C`` (all fits share the design and its caches)."""
        C = float(C) * self.weight_scale
        penalty = make_penalty(C, self.l1_ratio, self.total_weight, self.penalty_factor)
        return Problem(
            self.design, self.y, self.loss, penalty, self.sample_weight, self.offset,
            fit_intercept=self.fit_intercept,
        )  # fmt: skip

    @cached_property
    def _template(self) -> Problem:
        return self.problem(1.0)

    @cached_property
    def null_coef(self) -> np.ndarray:
        """Solution for every ``C <= C_min``: penalized coefficients zero, the rest optimal."""
        return null_model(self._template)

    @cached_property
    def C_min(self) -> float:
        """Largest ``C`` at which every penalized coefficient is zero (0 without L1 part).

        ``1 / (alpha_max·Σsᵢ)`` with ``alpha_max`` from the gradient at the null model.
        """
        if self.l1_ratio == 0.0:
            return 0.0
        problem = self._template
        _, grad, _ = problem.value_grad(self.null_coef)
        alpha_max = problem.penalty.alpha_max(problem.split(grad)[0])
        if not alpha_max > 0:
            return 0.0
        return 1.0 / (alpha_max * self.total_weight) / self.weight_scale

    def grid(self, n_Cs: int, min_ratio: float | None) -> np.ndarray:
        """``n_Cs`` log-spaced values of ``C``, increasing.

        From ``C_min`` over ``1/min_ratio`` (default 1e4, or 1e2 when there are
        more features than samples) with an L1 part; ``10⁻⁴..10⁴`` otherwise.
        """
        return _grid(self.C_min, self.design, n_Cs, min_ratio)

    def run(self, Cs, solver="auto", tol=1e-6, max_iter=None, verbose=0) -> dict:
        """Fit every ``C`` of the increasing grid ``Cs`` with warm starts."""
        coef = None
        out = {"coef": [], "n_iter": [], "converged": []}
        for C in Cs:
            problem = self.problem(float(C))
            if self.C_min >= C:
                coef, n_iter, converged = self.null_coef, 0, True
            else:
                solution = solvers.solve(
                    problem, solver, coef, tol=tol, max_iter=max_iter, verbose=verbose
                )
                coef, n_iter, converged = solution.coef, solution.n_iter, solution.converged
            out["coef"].append(coef)
            out["n_iter"].append(n_iter)
            out["converged"].append(converged)
        return out

    def unpack(self, coef: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``(coef_, intercept_)`` on the original scale from a flat solution."""
        W, b = self._template.split(coef)
        if isinstance(self.design, StandardizedDesign):
            W, b = self.design.to_original(W, b)
        W = np.atleast_2d(np.asarray(W).T)
        return W, np.broadcast_to(np.asarray(b, dtype=np.float64), (W.shape[0],)).copy()


def _grid(C_min: float, design: Design, n_Cs: int, min_ratio: float | None) -> np.ndarray:
    """The default grid of :meth:`PathProblem.grid` from ``C_min`` (0: no L1 part)."""
    if C_min == 0.0:
        return np.logspace(-4, 4, n_Cs)
    if min_ratio is None:
        min_ratio = 1e-4 if design.n_samples > design.n_features else 1e-2
    return C_min * np.logspace(0, -math.log10(min_ratio), n_Cs)


class OneVsRestPath:
    """One binary :class:`PathProblem` per class (class ``k`` against the rest).

    The same interface as :class:`PathProblem`: a solution is the tuple of the
    binary solutions, and the grid starts where every class's penalized
    coefficients are zero (the smallest of their ``C_min``).

    Parameters
    ----------
    X, codes, n_classes, sample_weight, l1_ratio, fit_intercept, penalty_factor, standardize, \
weight_scale, offset
        As for :class:`PathProblem`; ``offset`` has shape (n_samples,) and enters
        every binary problem.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> X, y = load_iris(return_X_y=True)
    >>> path = OneVsRestPath(X, y, 3, np.ones(150), 1.0, True, None, True)
    >>> len(path.paths), bool(path.C_min > 0)
    (3, True)
    """

    def __init__(self, X, codes, n_classes, *args, **kwargs) -> None:
        self.paths = [
            PathProblem(X, (codes == k).astype(np.intp), 2, *args, **kwargs)
            for k in range(n_classes)
        ]

    @property
    def C_min(self) -> float:
        """Largest ``C`` at which every penalized coefficient of every class is zero."""
        return min(path.C_min for path in self.paths)

    def grid(self, n_Cs: int, min_ratio: float | None) -> np.ndarray:
        """``n_Cs`` increasing values of ``C``, as :meth:`PathProblem.grid`.

        Examples
        --------
        >>> from sklearn.datasets import load_iris
        >>> X, y = load_iris(return_X_y=True)
        >>> path = OneVsRestPath(X, y, 3, np.ones(150), 1.0, True, None, True)
        >>> grid = path.grid(4, min_ratio=1e-2)
        >>> bool(np.isclose(grid[0], path.C_min)), bool(np.isclose(grid[-1] / grid[0], 100.0))
        (True, True)
        """
        return _grid(self.C_min, self.paths[0].design, n_Cs, min_ratio)

    def run(self, Cs, solver="auto", tol=1e-6, max_iter=None, verbose=0) -> dict:
        """Each class's warm-started path; per ``C`` the tuple of their solutions.

        Examples
        --------
        >>> from sklearn.datasets import load_iris
        >>> X, y = load_iris(return_X_y=True)
        >>> path = OneVsRestPath(X, y, 3, np.ones(150), 1.0, True, None, True)
        >>> fits = path.run(path.grid(3, None))
        >>> len(fits["coef"]), len(fits["coef"][0]), all(fits["converged"])
        (3, 3, True)
        """
        fits = [path.run(Cs, solver, tol, max_iter, verbose) for path in self.paths]
        return {
            "coef": list(zip(*(fit["coef"] for fit in fits), strict=True)),
            "n_iter": np.sum([fit["n_iter"] for fit in fits], axis=0).tolist(),
            "converged": np.all([fit["converged"] for fit in fits], axis=0).tolist(),
        }

    def unpack(self, coef: tuple) -> tuple[np.ndarray, np.ndarray]:
        """``(coef_, intercept_)`` with one row per class.

        Examples
        --------
        >>> from sklearn.datasets import load_iris
        >>> X, y = load_iris(return_X_y=True)
        >>> path = OneVsRestPath(X, y, 3, np.ones(150), 1.0, True, None, True)
        >>> fits = path.run(path.grid(3, None))
        >>> coef, intercept = path.unpack(fits["coef"][-1])
        >>> coef.shape, intercept.shape
        ((3, 4), (3,))
        """
        rows = [path.unpack(c) for path, c in zip(self.paths, coef, strict=True)]
        return np.vstack([W for W, _ in rows]), np.concatenate([b for _, b in rows])


def make_path(
    X, codes, n_classes, sample_weight, l1_ratio, fit_intercept, penalty_factor, standardize,
    weight_scale=1.0, offset=None, multi_class="multinomial",
) -> PathProblem | OneVsRestPath:  # fmt: skip
    """The path of a multinomial (or binary) fit, or one-vs-rest with more than 2 classes.

    Arguments as for :class:`PathProblem`, plus ``multi_class`` in
    ``{"multinomial", "ovr"}``.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> X, y = load_iris(return_X_y=True)
    >>> weights = np.ones(150)
    >>> type(make_path(X, y, 3, weights, 1.0, True, None, True)).__name__
    'PathProblem'
    >>> type(make_path(X, y, 3, weights, 1.0, True, None, True, multi_class="ovr")).__name__
    'OneVsRestPath'
    """
    kind = OneVsRestPath if multi_class == "ovr" and n_classes > 2 else PathProblem
    return kind(
        X, codes, n_classes, sample_weight, l1_ratio, fit_intercept, penalty_factor,
        standardize, weight_scale, offset,
    )  # fmt: skip


def path_result(path, grid: np.ndarray, fits: dict, classes, l1_ratio: float) -> PathResult:
    """The :class:`PathResult` of ``fits = path.run(grid, ...)``.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> X, y = load_iris(return_X_y=True)
    >>> path = make_path(X, y, 3, np.ones(150), 1.0, True, None, True, multi_class="ovr")
    >>> grid = path.grid(3, None)
    >>> result = path_result(path, grid, path.run(grid), np.unique(y), l1_ratio=1.0)
    >>> result.coefs.shape, int(result.n_nonzero[0])
    ((3, 3, 4), 0)
    """
    coefs, intercepts = zip(*(path.unpack(c) for c in fits["coef"]), strict=True)
    coefs = np.array(coefs)
    return PathResult(
        Cs=grid,
        coefs=coefs,
        intercepts=np.array(intercepts),
        n_nonzero=np.count_nonzero(coefs.reshape(len(grid), -1), axis=1),
        n_iter=np.array(fits["n_iter"]),
        converged=np.array(fits["converged"]),
        classes=classes,
        l1_ratio=float(l1_ratio),
    )


def logistic_path(
    X,
    y,
    *,
    Cs: int | np.ndarray = 10,
    l1_ratio: float = 0.0,
    fit_intercept: bool = True,
    sample_weight: np.ndarray | None = None,
    class_weight=None,
    penalty_factor: np.ndarray | None = None,
    standardize: bool = False,
    min_ratio: float | None = None,
    solver: str = "auto",
    tol: float = 1e-6,
    max_iter: int | None = None,
    verbose: int = 0,
    multi_class: str = "multinomial",
    offset: np.ndarray | None = None,
) -> PathResult:
    """Fit logistic regression along a grid of ``C``, warm-starting each fit from the last.

    Binary problems use the binomial loss, more classes the multinomial one (or,
    with ``multi_class="ovr"``, one binary path per class).

    Parameters
    ----------
    X : array-like or sparse matrix of shape (n_samples, n_features)
        Training data.
    y : array-like of shape (n_samples,)
        Class labels.
    Cs : int or array-like, default=10
        Number of grid points, or the values of ``C`` (fitted in increasing order).
    l1_ratio : float, default=0.0
        Elastic-net mix in ``[0, 1]``; with ``l1_ratio > 0`` the default grid
        starts where all penalized coefficients are zero.
    fit_intercept : bool, default=True
        Whether to fit an (unpenalized) intercept.
    sample_weight : array-like of shape (n_samples,), optional
        Non-negative weights per sample.
    class_weight : dict, "balanced" or None, optional
        Weights multiplying ``sample_weight`` per class.
    penalty_factor : array-like of shape (n_features,), optional
        Non-negative per-feature multipliers of the penalty; ``0`` leaves a
        feature unpenalized.
    standardize : bool, default=False
        Fit on weighted-standardized columns (sparse: scaled only); the
        coefficients are returned on the original scale.
    min_ratio : float, optional
        Ratio of the smallest to the largest regularization of the default L1
        grid (glmnet's ``lambda.min.ratio``): 1e-4, or 1e-2 for wide data.
    solver : str, default="auto"
        Registered solver for each fit (``"auto"``: ``cd`` with an L1 part).
    tol : float, default=1e-6
        Scale-free optimality at which each fit stops.
    max_iter : int, optional
        Iteration budget per fit.
    verbose : int, default=0
        Solver progress printing.
    multi_class : {"multinomial", "ovr"}, default="multinomial"
        With more than two classes: one multinomial path, or one binary path
        per class (``coefs`` has one row per class either way).
    offset : array-like of shape (n_samples,) or (n_samples, n_classes), optional
        Known term added to the linear predictor of every fit (as
        :meth:`LogisticRegression.fit <logistica.LogisticRegression.fit>` takes it).

    Returns
    -------
    PathResult

    Examples
    --------
    >>> from sklearn.datasets import load_breast_cancer
    >>> X, y = load_breast_cancer(return_X_y=True)
    >>> path = logistic_path(X, y, Cs=5, l1_ratio=1.0, standardize=True)
    >>> path.n_nonzero.tolist()[0], bool(path.n_nonzero[1] > 0)
    (0, True)
    """
    X, y = check_X_y(
        X, check_targets(y), accept_sparse=["csr", "csc"], dtype=[np.float64, np.float32]
    )
    check_scalar_param("l1_ratio", l1_ratio, lower=0, upper=1)
    check_scalar_param("tol", tol, lower=0, lower_open=True)
    if min_ratio is not None:
        check_scalar_param("min_ratio", min_ratio, lower=0, upper=1, lower_open=True)
    Cs = check_Cs(Cs)
    if multi_class not in ("multinomial", "ovr"):
        raise ValueError(f"multi_class must be 'multinomial' or 'ovr', got {multi_class!r}")
    classes, codes = encode_targets(y)
    weight, scale = check_fit_weights(sample_weight, class_weight, classes, codes)
    factor = check_penalty_factor(penalty_factor, X.shape[1])
    multinomial = len(classes) > 2 and multi_class == "multinomial"
    offset = check_offset(offset, X.shape[0], len(classes) if multinomial else 1)
    spec = make_path(
        X, codes, len(classes), weight, l1_ratio, fit_intercept, factor, standardize, scale,
        offset, multi_class,
    )  # fmt: skip
    grid = spec.grid(Cs, min_ratio) if isinstance(Cs, int) else np.sort(Cs)
    fits = spec.run(grid, solver, tol, max_iter, verbose)
    return path_result(spec, grid, fits, classes, l1_ratio)
