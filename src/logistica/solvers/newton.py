"""Newton / IRLS: a Cholesky (or conjugate-gradient) solve and a Wolfe line search.

Each iteration costs two passes over ``X`` (the gradient and ``X @ step``) plus
one Hessian. On tall data the Hessian is estimated from a fixed random row
subsample: it only shapes the step, while the exact float64 gradient decides
optimality, so the solution is as accurate as with the full Hessian
(PERFORMANCE.md: 0.29 s instead of 0.64 s on 200k×100). If the subsampled
steps stop contracting the gradient fast enough, the solver takes four times
as many rows, and eventually all of them. A singular Hessian (unpenalized
collinear columns, separation) falls back to a minimum-norm eigen-solve.

When forming the Hessian costs more than the steps it saves (multinomial
losses need K(K+1)/2 Gram products; a Gram on all rows of a problem with more
than a few dozen coefficients costs tens of passes over X), the Newton system
is solved inexactly by conjugate gradients on
Hessian-vector products of the subsample, to a relative residual that tightens
as the gradient shrinks (Eisenstat & Walker's forcing term).
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np
from scipy import linalg

from .._blas import blas_threads_for
from ..objective.problem import Problem
from ._linesearch import line_search
from ._registry import register
from .base import Progress, Solution, Solver

__all__ = ["Newton", "newton_direction"]

#: Largest number of coefficients for which "auto" forms dense Hessians.
AUTO_MAX_COEF = 1000
#: Models this small, or Grams this cheap (multiply-adds, ~1 ms), always get a
#: factorised Hessian: cheap, and its steps converge quadratically to full precision.
_CHOLESKY_ALWAYS = 16
_GRAM_ALWAYS = 2e7
#: A Gram costing up to this many passes over the data is formed and factorised.
_GRAM_PASSES = 8


def newton_direction(hessian: np.ndarray, grad: np.ndarray) -> np.ndarray:
    """Solve ``H d = -g``: Cholesky, or a minimum-norm eigen-solve when ``H`` is singular.

    Examples
    --------
    >>> import numpy as np
    >>> newton_direction(np.diag([2.0, 4.0]), np.array([2.0, 4.0]))
    array([-1., -1.])
    """
    with blas_threads_for(hessian.shape[0] ** 3 / 3):
        return _newton_direction(hessian, grad)


def _newton_direction(hessian: np.ndarray, grad: np.ndarray) -> np.ndarray:
    eps = np.finfo(np.float64).eps
    try:
        factor = linalg.cho_factor(hessian, lower=True, check_finite=False)
        pivots = np.diag(factor[0]) ** 2
        # a tiny pivot means a (numerically) singular Hessian: its step would be noise
        if pivots.min() > hessian.shape[0] * eps * np.max(np.diag(hessian)):
            direction = -linalg.cho_solve(factor, grad, check_finite=False)
            if np.all(np.isfinite(direction)):
                return direction
    except linalg.LinAlgError:
        pass
    eigval, eigvec = linalg.eigh(hessian, check_finite=False)
    cutoff = max(eigval[-1], 0.0) * hessian.shape[0] * eps
    keep = eigval > cutoff
    return -(eigvec[:, keep] @ ((eigvec[:, keep].T @ grad) / eigval[keep]))


def conjugate_gradient(hessp, grad: np.ndarray, rtol: float, max_iter: int) -> np.ndarray:
    """Approximately solve ``H d = -g`` by conjugate gradients, from ``d = 0``.

    Stops when ``‖H d + g‖ <= rtol·‖g‖``, after ``max_iter`` products, or on
    non-positive curvature (returning the last iterate, or ``-g`` if none).

    Examples
    --------
    >>> import numpy as np
    >>> H = np.diag([1.0, 10.0])
    >>> conjugate_gradient(lambda v: H @ v, np.array([1.0, 1.0]), 1e-12, 10)
    array([-1. , -0.1])
    """
    direction = np.zeros_like(grad)
    residual = -grad
    search = residual.copy()
    rr = float(residual @ residual)
    target = rtol * rtol * rr
    for _ in range(max_iter):
        product = hessp(search)
        curvature = float(search @ product)
        if curvature <= 0:
            break
        alpha = rr / curvature
        direction += alpha * search
        residual -= alpha * product
        rr_new = float(residual @ residual)
        if rr_new <= target:
            break
        search = residual + (rr_new / rr) * search
        rr = rr_new
    return direction if np.any(direction) else -grad


@register
class Newton(Solver):
    """Newton's method (IRLS) on the full Hessian ``XᵀWX``.

    Options
    -------
    linear_solver : {"auto", "cholesky", "cg"}, default="auto"
        How Newton systems are solved: forming the Hessian and factorising it,
        or conjugate gradients on Hessian-vector products. ``"auto"`` factorises
        when the model has at most 16 coefficients or the Hessian (on its row
        subsample, in float32) costs at most ~8 passes over the data or ~2e7
        multiply-adds, and uses
        CG otherwise (multinomial with many classes, more than 1000
        coefficients, and most problems with fewer than ~200k rows).
    hessian_rows : "auto", int or None, default="auto"
        Rows used to estimate the Hessian. ``"auto"``: with Cholesky,
        ``max(20_000, 40·n_coef)`` rows in float32 when the data has at least
        eight times as many; with CG, ``max(10_000, 10·n_coef)`` rows when the
        data has at least four times as many. ``None`` always uses all rows.

    Examples
    --------
    >>> import numpy as np
    >>> from logistica.objective import BinomialLoss, L2, Problem
    >>> X = np.array([[0.0], [1.0], [2.0], [3.0]]); y = np.array([0.0, 1.0, 0.0, 1.0])
    >>> sol = Newton().solve(Problem(X, y, BinomialLoss(), L2(0.1)), tol=1e-10)
    >>> sol.converged, sol.n_iter < 10
    (True, True)
    """

    name = "newton"
    option_defaults: ClassVar[dict[str, Any]] = {"linear_solver": "auto", "hessian_rows": "auto"}
    needs_hessian = True
    default_max_iter = 100
    advice = "increase max_iter; if the classes are separated, use C < inf"

    @classmethod
    def auto_priority(cls, problem: Problem) -> float | None:
        if not cls.supports(problem):
            return None
        solver = cls()
        if solver._hessian_too_costly(problem) and not problem.design.is_sparse:
            # CG on a row subsample beats L-BFGS (100k×100, 10 classes: 11 iterations,
            # 0.65 s vs 26 iterations, 1.0 s); on all rows of a wide or many-class
            # dense problem its products cost too much.
            return 2.0 if solver._hessian_rows(problem, cg=True) is not None else None
        # Sparse data: a product costs what the stored entries do, and Newton-CG on all
        # rows beat trust-ncg 1.4-3× and L-BFGS up to 9× (100k×50k text-like, C=1:
        # binary 0.19 vs 0.49 vs 0.65 s; 5 classes 3.6 vs 11.4 vs 31.8 s; raw counts
        # 0.43 vs 0.59 vs 0.58 s; 200k×300 at 5% density 0.25 vs 0.43 vs 0.29 s).
        return 2.0

    @staticmethod
    def _gram_blocks(problem: Problem) -> int:
        """Gram products in one Hessian: K(K+1)/2 for a multinomial loss, else 1."""
        return problem.n_outputs * (problem.n_outputs + 1) // 2

    def _hessian_too_costly(self, problem: Problem) -> bool:
        """Forming the Hessian at all would cost more than ~2000·d Gram entries."""
        gram_cost = self._gram_blocks(problem) * problem.n_features**2
        return problem.n_coef > AUTO_MAX_COEF or gram_cost > 2000 * problem.n_features

    def _uses_cg(self, problem: Problem) -> bool:
        choice = self.options["linear_solver"]
        if choice not in ("auto", "cholesky", "cg"):
            raise ValueError(f"linear_solver must be 'auto', 'cholesky' or 'cg', got {choice!r}")
        if choice != "auto":
            return choice == "cg"
        if self._hessian_too_costly(problem):
            return True
        # A Gram of m rows costs m·p² multiply-adds at GEMM speed; a Hessian-vector
        # product two passes over the data at memory speed, ~5-15 of them per step.
        # Measured (benchmarks: 5k-200k rows, 20-500 coefficients, collinear, badly
        # scaled and nearly separated data): CG is as fast or up to 5x faster unless
        # the Gram costs under ~8 passes over the data (a float32 row subsample of a
        # tall problem) or under ~1 ms.
        rows = self._hessian_rows(problem, cg=False)
        width = problem.n_features + problem.fit_intercept
        gram = self._gram_blocks(problem) * width**2 * (0.5 * rows if rows else problem.n_samples)
        passes = problem.n_samples * problem.n_coef
        small = problem.n_coef <= _CHOLESKY_ALWAYS or gram <= _GRAM_ALWAYS
        return not small and gram > _GRAM_PASSES * passes

    def _hessian_rows(self, problem: Problem, cg: bool) -> int | None:
        rows = self.options["hessian_rows"]
        if rows != "auto":
            return rows
        if cg:
            rows = max(10_000, 10 * problem.n_coef)
            return rows if problem.n_samples >= 4 * rows else None
        rows = max(20_000, 40 * problem.n_coef)
        return rows if problem.n_samples >= 8 * rows else None

    def _direction(self, hessian, raw, grad, optimality: float, cg: bool) -> np.ndarray:
        if not cg:
            return newton_direction(hessian.matrix(raw), grad)
        rtol = min(0.5, max(0.01, np.sqrt(optimality)))
        return conjugate_gradient(hessian.operator(raw), grad, rtol, max_iter=50)

    def _solve(
        self, problem: Problem, coef: np.ndarray, progress: Progress, max_iter: int
    ) -> Solution:
        cg = self._uses_cg(problem)
        rows = self._hessian_rows(problem, cg)

        def sampled_hessian(rows: int | None):
            # float32 halves the Gram cost; CG's products are cheap and stay float64
            return problem.hessian_model(
                max_rows=rows, dtype=np.float32 if rows and not cg else None
            )

        hessian = sampled_hessian(rows)
        value, grad, raw = problem.value_grad(coef)
        if progress.record(0, coef, value, grad):
            return progress.solution(coef, 0)
        message = ""
        n_iter = 0
        for n_iter in range(1, max_iter + 1):
            previous = progress.last_optimality
            direction = self._direction(hessian, raw, grad, previous, cg)
            slope = float(grad @ direction)
            if not slope < 0:
                direction, slope = -grad, -float(grad @ grad)
            result = line_search(problem, coef, raw, value, direction, slope)
            if result.step == 0.0:
                message = "line search found no acceptable step (floating-point limit)"
                break
            coef = coef + result.step * direction
            raw += result.step * result.raw_direction
            value = result.value
            grad = problem.grad_from_residual(coef, result.residual)
            if progress.record(n_iter, coef, value, grad):
                break
            # full Newton steps that barely contract: the subsample is too coarse here,
            # so take four times as many rows (all of them once that is most); going
            # straight to all rows made CG's products 100x dearer on 1M rows (11.9 s
            # instead of 7.0 s for 1M×100 with 10 classes)
            if (
                hessian.is_subsampled
                and result.step == 1.0
                and progress.last_optimality > 0.5 * previous
            ):
                rows = 4 * rows if 8 * rows <= problem.n_samples else None
                hessian = sampled_hessian(rows)
        return progress.solution(coef, n_iter, message)
