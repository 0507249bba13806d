"""Proximal Newton with coordinate descent and working sets (glmnet / newGLMNET / skglm).

The outer loop computes the full gradient once (one pass over ``X``), which
gives both the shared stopping rule and, feature by feature, the violation of
the optimality (KKT) conditions. The working set is the current support, the
unpenalized features and the worst violators, growing with the support as in
skglm. On that set, proximal Newton steps minimise the exact second-order
model of the smooth part plus the L1 term by cyclic coordinate descent
(compiled loops in :mod:`._cd_kernels`) and take a backtracking step on the
true objective, reusing ``X d`` so the line search costs no pass over ``X``.

Two ways to run coordinate descent on the model:

- *covariance mode* (dense binomial problems, working sets up to ``gram_max``):
  form the working set's weighted Gram matrix with one BLAS product, after
  which a coordinate update costs O(|working set|), not a pass over a column.
  Between rounds of epochs, feature-sign steps (an exact solve on the current
  orthant, or a move to its first zero crossing) finish what coordinate
  descent on correlated columns would zigzag through;
- *naive mode* (sparse data, multinomial models, larger working sets): keep
  ``X d`` up to date, two passes over one column per coordinate update.

The multinomial model keeps every class coupling of the softmax Hessian, so
the iterates converge to the true optimum. Inactive coefficients are exact zeros.
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np
from scipy import linalg

from .._blas import blas_threads_for
from ..objective.design import ColumnBlock, Design
from ..objective.loss import MultinomialLoss
from ..objective.penalty import min_norm_subgradient
from ..objective.problem import Problem
from ._registry import register
from .base import Progress, Solution, Solver

__all__ = ["CoordinateDescent", "null_model"]

# The compiled loops (._cd_kernels) are imported where they run: importing numba
# costs ~0.3 s, which ``import logistica`` and L2 fits do not pay.

#: Working sets are solved to this fraction of the violation left outside them.
_INNER_FRACTION = 0.3
#: Coordinate descent solves each Newton model to this fraction of the violation.
_MODEL_FRACTION = 0.1
#: Covariance-mode epochs between attempts to solve the model exactly on its support.
_SUPPORT_EPOCHS = 20
#: A Gram matrix is recomputed when a step shrank the violation by less than this
#: (20k×2000 correlated, best of 3: 0.1 → 0.25, C=0.1 5.47 → 4.89 s, C=0.01 0.87 →
#: 0.71 s; carrying a stale matrix to new working sets, bordered by the added
#: columns, did not pay: 4.68 → 4.93 s at C=0.1).
_REFRESH = 0.25
#: Working sets larger than 1/this of the features are read from the design in place
#: (copies of two successive sets, and a float32 one, then stay below ~0.5× X).
_VIEW_FRACTION = 5
_EPS = np.finfo(np.float64).eps
#: Predicted decreases below this fraction of the objective are rounding noise.
_NOISE = 1e3 * _EPS


@register
class CoordinateDescent(Solver):
    """Proximal Newton / coordinate descent for L1, elastic-net and L2 penalties.

    One iteration is one proximal Newton step on the working set; the full
    gradient (one pass over ``X``) is computed whenever the working set changes.

    Options
    -------
    working_set : int, default=100
        Smallest working-set size; it grows to twice the support.
    max_epochs : int, default=50
        Coordinate-descent epochs per Newton step at most.
    gram_max : int, default=4000
        Largest working set solved in covariance mode (dense binomial problems,
        and never more columns than rows).

    Examples
    --------
    >>> import numpy as np
    >>> from logistica.objective import BinomialLoss, L1, Problem
    >>> X = np.array([[1.0, 0.0], [-1.0, 1.0], [1.0, 2.0], [-1.0, 3.0], [0.0, 1.5]])
    >>> y = np.array([0.0, 0.0, 1.0, 1.0, 0.0])
    >>> sol = CoordinateDescent().solve(Problem(X, y, BinomialLoss(), L1(0.1)), tol=1e-10)
    >>> sol.converged, float(sol.coef[0])
    (True, 0.0)
    """

    name = "cd"
    option_defaults: ClassVar[dict[str, Any]] = {
        "max_epochs": 50,
        "gram_max": 4000,
        "working_set": 100,
    }
    needs_hessian = True
    supports_l1 = True
    default_max_iter = 200
    advice = "increase max_iter or standardize the features"

    @classmethod
    def auto_priority(cls, problem: Problem) -> float | None:
        if problem.penalty.is_smooth or not cls.supports(problem):
            return None
        return 3.0

    @classmethod
    def supports(cls, problem: Problem) -> bool:
        multinomial_ok = not problem.is_multinomial or isinstance(problem.loss, MultinomialLoss)
        return multinomial_ok and super().supports(problem)

    def check(self, problem: Problem) -> None:
        super().check(problem)
        if not self.supports(problem):
            raise ValueError(f"solver 'cd' does not support the loss {problem.loss.name!r}")

    def _solve(
        self, problem: Problem, coef: np.ndarray, progress: Progress, max_iter: int
    ) -> Solution:
        model = _ProximalNewton(problem, self.options["max_epochs"], self.options["gram_max"])
        min_size = int(self.options["working_set"])
        tol = progress.tol * problem.optimality_scale
        value, grad, raw = problem.value_grad(coef)
        n_iter, message = 0, ""
        stop = progress.record(0, coef, value, grad)
        while not stop and n_iter < max_iter:
            ws, outside = model.working_set(coef, grad, min_size)
            inner_tol = max(0.5 * tol, _INNER_FRACTION * outside)
            steps, coef, raw, value = model.solve_working_set(
                ws, coef, raw, value, inner_tol, max_iter - n_iter
            )
            n_iter += steps
            value, grad = problem.value_grad_from_raw(coef, raw)
            stop = progress.record(n_iter, coef, value, grad)
            if steps == 0 and not stop:
                message = "no decrease on the working set (limit of floating-point precision)"
                break
        return progress.solution(coef, n_iter, message)


def null_model(problem: Problem, tol: float = 1e-10) -> np.ndarray:
    """The null model: penalized coefficients at zero, the others optimal.

    The unpenalized features (penalty factor ``0``) and the intercept are fitted
    by proximal Newton on exactly those coordinates. The result is the solution
    for every ``alpha >= problem.penalty.alpha_max(gradient at it)``.

    Parameters
    ----------
    problem : Problem
        Any problem; only its data, weights, offset and penalty factors matter.
    tol : float, default=1e-10
        Scale-free optimality reached on the free coordinates.

    Returns
    -------
    ndarray
        Flat coefficients in the problem's layout.

    Examples
    --------
    >>> import numpy as np
    >>> from logistica.objective import BinomialLoss, L1, Problem
    >>> problem = Problem(np.eye(4), np.array([0.0, 1.0, 1.0, 1.0]), BinomialLoss(), L1(1.0))
    >>> np.round(null_model(problem), 4)  # the intercept is logit(3/4)
    array([0.    , 0.    , 0.    , 0.    , 1.0986])
    """
    factor = problem.penalty.penalty_factor
    free = np.flatnonzero(factor == 0) if factor is not None else np.empty(0, dtype=np.intp)
    coef = problem.zero_coef()
    raw = problem.raw(coef)
    value = problem.value_from_raw(coef, raw)
    model = _ProximalNewton(problem, 50, CoordinateDescent.option_defaults["gram_max"])
    tol = tol * problem.optimality_scale
    _, coef, _, _ = model.solve_working_set(free, coef, raw, value, tol, max_steps=200)
    return coef


class _ProximalNewton:
    """Working sets and proximal Newton steps for one problem."""

    def __init__(self, problem: Problem, max_epochs: int, gram_max: int) -> None:
        self.problem = problem
        self.max_epochs = int(max_epochs)
        self.gram_max = int(gram_max)
        d = problem.n_features
        penalty = problem.penalty
        self.l1 = np.broadcast_to(penalty.l1_strength(np.empty(d)), (d,)).astype(np.float64)
        self.l2 = np.broadcast_to(penalty.l2_strength(np.empty(d)), (d,)).astype(np.float64)
        self.n_classes = problem.n_outputs
        self._cache: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
        self._means: np.ndarray | None = None
        self._gram: tuple[np.ndarray, np.ndarray] | None = None  # (working set, its Gram)

    # -- working sets -----------------------------------------------------------------
    def working_set(
        self, coef: np.ndarray, grad: np.ndarray, min_size: int
    ) -> tuple[np.ndarray, float]:
        """Support, unpenalized features and the worst KKT violators (largest over classes).

        Returns the working set and the largest violation among features left out.
        """
        problem = self.problem
        d = problem.n_features
        residual = np.abs(problem.optimality_residual(coef, grad).reshape(problem.coef_shape))
        scores = residual[:d].reshape(d, -1).max(axis=1)
        W, _ = problem.split(coef)
        keep = (W != 0).reshape(d, -1).any(axis=1) | (self.l1 == 0)
        n_keep, n_violating = int(keep.sum()), int(np.count_nonzero(scores[~keep]))
        size = min(d, max(min_size, min(2 * n_keep, n_keep + n_violating)))
        ranked = np.where(keep, np.inf, scores)
        ws = np.sort(np.argpartition(-ranked, size - 1)[:size]) if size < d else np.arange(d)
        outside = np.delete(scores, ws)
        return ws, float(outside.max()) if outside.size else 0.0

    def _column_means(self) -> np.ndarray:
        """Sample-weighted column means (computed once)."""
        if self._means is None:
            self._means = self.problem.design.rmatvec(self.problem.sample_weight)
        return self._means

    def _columns(self, ws: np.ndarray, copy: bool) -> tuple[ColumnBlock | None, np.ndarray]:
        """Working-set columns (None unless ``copy``) and the means subtracted from them.

        With an intercept the model is solved in the basis ``(x - μ, 1)``
        (sample-weighted means), whose intercept absorbs ``-μᵀd``: the same
        minimiser, but coordinate descent no longer zigzags between the
        intercept and uncentred columns (large means, or text-like data).
        Dense columns are centred in the copy; sparse ones stay sparse and the
        binomial kernel centres them implicitly (the multinomial sparse kernel
        does not). Dense columns already gathered are reused, not gathered again.
        Without ``copy`` (large dense working sets) the columns are not gathered.
        """
        problem = self.problem
        design = problem.design
        if design.is_sparse or not copy:
            means = np.zeros(len(ws))
            if problem.fit_intercept and not (design.is_sparse and problem.is_multinomial):
                means = self._column_means()[ws]
            return (design.columns(ws) if copy else None), means
        n = design.n_samples
        data, means = np.empty((len(ws), n)), np.zeros(len(ws))
        fresh = np.ones(len(ws), dtype=bool)
        if self._cache is not None:
            index, cached, cached_means = self._cache
            pos = np.minimum(np.searchsorted(index, ws), len(index) - 1)
            fresh = index[pos] != ws
            data[~fresh] = cached[pos[~fresh]]
            means[~fresh] = cached_means[pos[~fresh]]
        if fresh.any():
            new = design.columns(ws[fresh]).data.reshape(-1, n)
            if problem.fit_intercept:
                means[fresh] = new @ problem.sample_weight
                new -= means[fresh, None]
            data[fresh] = new
        self._cache = (ws, data, means)
        indptr = np.arange(len(ws) + 1, dtype=np.int64) * n
        return ColumnBlock(indptr, np.empty(0, dtype=np.int32), data.ravel(), True), means

    # -- proximal Newton on a working set ---------------------------------------------
    def solve_working_set(self, ws, coef, raw, value, inner_tol, max_steps):
        """Proximal Newton steps on ``ws`` until its KKT violation is ``<= inner_tol``."""
        problem = self.problem
        design = problem.design
        # (a Gram matrix larger than the columns, m > n, is singular: no exact model solves)
        gram = (
            not design.is_sparse
            and not problem.is_multinomial
            and len(ws) <= min(self.gram_max, problem.n_samples)
        )
        # Gathering columns from C-ordered data is a strided copy (0.4 s for 20k×1500):
        # large working sets are read in place, at the price of products over all columns.
        copy = not gram or _VIEW_FRACTION * len(ws) < problem.n_features
        cols, means = self._columns(ws, copy)
        # The Gram matrix only shapes the step: float32 halves its cost (PERFORMANCE.md);
        # the exact gradient keeps the limit exact.
        block = curvature = None
        if gram and copy:
            block = Design(cols.data.reshape(len(ws), problem.n_samples).T)
            curvature = Design(block.X.astype(np.float32))
        elif gram:
            block = curvature = _WorkingColumns(design, ws, means)
        steps, previous, noisy = 0, np.inf, np.inf
        hessian = self._reused_gram(ws) if gram else None
        while steps < max_steps:
            local = self._local(cols, means, block, ws, coef, raw)
            if local["violation"] <= inner_tol:
                break
            # Reuse the Gram matrix while the steps it shapes contract the violation fast.
            fresh = gram and (hessian is None or local["violation"] > _REFRESH * previous)
            if fresh:
                with blas_threads_for(problem.n_samples * len(ws) ** 2):
                    (hessian,) = curvature.gram(
                        [local["state"].weights], problem.fit_intercept, dtype=np.float32
                    )
                self._gram = (ws, hessian)
            if gram:
                previous = local["violation"]
                step, step_b = self._gram_step(hessian, ws, local)
                raw_step = block.matvec(step[:, 0]) + step_b[0]
            else:
                step, step_b, raw_step = self._naive_step(cols, ws, local)
            direction, slope = self._direction(ws, local, step, step_b, means)
            # Predicted decreases below rounding: objective values cannot judge the step,
            # nor can the sign of the slope, so take the unit step while the exact
            # gradient keeps improving.
            in_noise = abs(slope) <= _NOISE * abs(value)
            step_size, new_value = 0.0, value
            if (slope < 0 or in_noise) and not (in_noise and local["violation"] >= noisy):
                step_size, new_value = _backtrack(
                    problem, coef, raw, value, direction, raw_step, slope, in_noise
                )
            if step_size == 0.0:
                if gram and not fresh:  # a stale Gram matrix failed: try a fresh one
                    hessian = None
                    continue
                break
            noisy = local["violation"] if in_noise else np.inf
            coef = coef + step_size * direction
            raw = raw + step_size * raw_step
            value = new_value
            steps += 1
        return steps, coef, raw, value

    def _reused_gram(self, ws: np.ndarray) -> np.ndarray | None:
        """The last Gram matrix restricted to ``ws`` when it covers ``ws``, else None.

        Late working sets are subsets of earlier ones (the support settles): the
        stale Gram matrix shapes the first step, and the contraction test above
        replaces it when it no longer serves (20k×2000, C=0.1: 2 of 14 saved).
        """
        if self._gram is None:
            return None
        index, hessian = self._gram
        pos = np.minimum(np.searchsorted(index, ws), len(index) - 1)
        if not np.array_equal(index[pos], ws):
            return None
        if self.problem.fit_intercept:
            pos = np.r_[pos, len(index)]
        return hessian[np.ix_(pos, pos)]

    def _local(self, cols, means, block, ws, coef, raw) -> dict:
        """Model gradient and curvature (centred basis) and KKT violation on the working set."""
        problem = self.problem
        loss = problem.loss
        _, residual = loss.value_and_residual(raw, problem.y, problem.sample_weight)
        state = loss.hessian_state(raw, problem.sample_weight)
        if problem.is_multinomial:
            curvature = (state.weights[:, None] * state.proba * (1.0 - state.proba)).T
        else:
            curvature = state.weights[None, :]
        local = {"state": state, "curv_b": curvature.sum(axis=1)}
        grad_b = residual.sum(axis=0) if problem.fit_intercept else np.zeros(self.n_classes)
        if block is not None:
            grad = block.rmatvec(residual)[:, None]
        else:
            from ._cd_kernels import column_grad_curvature

            grad, diag, first = column_grad_curvature(
                cols.indptr, cols.indices, cols.data, cols.dense,
                np.ascontiguousarray(residual.T).reshape(self.n_classes, -1),
                np.ascontiguousarray(curvature),
            )  # fmt: skip
            if not cols.dense:  # implicitly centred columns (zero means: no-op)
                grad -= means[:, None] * grad_b
                diag += means[:, None] * (means[:, None] * local["curv_b"] - 2 * first)
            local.update(diag=diag, first=first, kernel_means=means * (not cols.dense))
        W, _ = problem.split(coef)
        W_ws = np.ascontiguousarray(W[ws].reshape(len(ws), self.n_classes))
        grad += self.l2[ws, None] * W_ws
        subgrad = min_norm_subgradient(W_ws, grad + means[:, None] * grad_b, self.l1[ws, None])
        violation = max(float(np.max(np.abs(subgrad), initial=0.0)), float(np.max(np.abs(grad_b))))
        local.update(grad=grad, grad_b=np.atleast_1d(grad_b), W=W_ws, violation=violation)
        return local

    def _gram_step(self, gram, ws, local):
        """Covariance-mode coordinate descent (binomial): step and intercept step."""
        from ._cd_kernels import gram_cd

        m = len(ws)
        fit = int(self.problem.fit_intercept)
        grad = np.r_[local["grad"][:, 0], local["grad_b"][:fit]]
        coef = np.r_[local["W"][:, 0], np.zeros(fit)]
        l1 = np.r_[self.l1[ws], np.zeros(fit)]
        l2 = np.r_[self.l2[ws], np.zeros(fit)]
        step = np.zeros(m + fit)
        tol = _MODEL_FRACTION * local["violation"]
        # Epochs cost O(m²) here, not passes over X: allow many — ~5·10⁷ flops, or a
        # tenth of what forming the Gram matrix cost (n·m²). Large correlated supports
        # need them: 20k×2000, C=0.03, 639 non-zeros: 33 → 15 iterations (9.8 → 7.5 s).
        gram_share = self.problem.n_samples // 10
        budget = max(self.max_epochs, min(1000, max(int(5e7 / (m + fit) ** 2), gram_share)))
        # Coordinate descent zigzags on correlated columns: after each round, a
        # feature-sign step (O(m³/3), a few epochs' cost) solves the model on the
        # current orthant or moves to its first zero crossing. Solving the orthant
        # only when its signs held stalled for 20k×2000 at C=0.1 (1467 non-zeros).
        chunk = min(budget, _SUPPORT_EPOCHS)
        while budget > 0:
            epochs = gram_cd(gram, grad, coef, l1, l2, step, min(chunk, budget), tol)
            budget -= epochs
            step, exact = _support_newton(gram, l2, grad, coef, l1, step)
            if exact or epochs < chunk:
                break
        return step[:m, None], np.r_[step[m:], np.zeros(1 - fit)]

    def _naive_step(self, cols, ws, local):
        """Naive-mode coordinate descent: step (m, K), intercept step (K,) and ``X d``."""
        from ._cd_kernels import binomial_cd, multinomial_cd

        problem = self.problem
        n, m, K = problem.n_samples, len(ws), self.n_classes
        fit = float(problem.fit_intercept)
        block = (cols.indptr, cols.indices, cols.data, cols.dense)
        common = (self.l1[ws], self.l2[ws], local["diag"])
        step = np.zeros((m, K))
        tol = _MODEL_FRACTION * local["violation"]
        state = local["state"]
        if problem.is_multinomial:
            raw_step = np.zeros((K, n))
            step_b = np.zeros(K)
            intercept = np.r_[fit, np.column_stack([local["grad_b"], local["curv_b"]]).ravel()]
            multinomial_cd(
                *block, state.weights, np.ascontiguousarray(state.proba.T), local["grad"],
                local["W"], *common, step, raw_step, intercept, step_b, self.max_epochs, tol,
            )  # fmt: skip
            return step, step_b, raw_step.T
        raw_step = np.zeros(n)
        intercept = np.array([fit, local["grad_b"][0], local["curv_b"][0], 0.0])
        binomial_cd(
            *block, state.weights, local["grad"], local["W"], *common, local["first"],
            local["kernel_means"], step, raw_step, intercept, self.max_epochs, tol,
        )  # fmt: skip
        return step, intercept[3:], raw_step

    def _direction(self, ws, local, step, step_b, means):
        """Flat direction (original basis) and the proximal-Newton slope ``gᵀd + Δ(L1)``."""
        problem = self.problem
        direction = np.zeros((problem.coef_shape[0], self.n_classes))
        direction[ws] = step
        if problem.fit_intercept:
            direction[-1] = step_b - means @ step
        W = local["W"]
        l1_change = np.sum(self.l1[ws, None] * (np.abs(W + step) - np.abs(W)))
        slope = float(np.sum(local["grad"] * step) + local["grad_b"] @ step_b + l1_change)
        return direction.ravel(), slope


class _WorkingColumns:
    """The centred working-set columns ``X[:, ws] - μ``, read from the design in place."""

    def __init__(self, design: Design, ws: np.ndarray, means: np.ndarray) -> None:
        self.design, self.ws, self.means = design, ws, means

    def matvec(self, step: np.ndarray) -> np.ndarray:
        full = np.zeros(self.design.n_features)
        full[self.ws] = step
        return self.design.matvec(full) - self.means @ step

    def rmatvec(self, residual: np.ndarray) -> np.ndarray:
        return self.design.rmatvec(residual)[self.ws] - self.means * residual.sum()

    def gram(self, weights: list[np.ndarray], intercept: bool, dtype=None) -> list[np.ndarray]:
        return self.design.gram(weights, intercept, self.ws, self.means, dtype)


def _support_newton(gram, l2, grad, coef, l1, step):
    """A feature-sign step on the model: its minimiser on the current orthant, or towards it.

    With the signs ``σ`` of the free coordinates ``A`` of ``coef + step`` fixed,
    the model ``gᵀd + ½dᵀHd + Σ l1|w + d|`` (``H = gram + diag(l2)``) is
    quadratic: ``H_AA d_A = -(g + l1σ + H d)_A`` with the other coordinates at
    ``-w``. If no sign flips on the way, the solution is the new step; else the
    step moves towards it as far as the first coordinate reaching zero, which
    leaves the support (Lee et al., 2007, feature-sign search). Either way the
    model decreases, and coordinate descent can carry on from the result.

    Returns
    -------
    step : ndarray
        The new step (the old one when the system is not positive definite).
    exact : bool
        True when the step minimises the model: signs kept and the zero
        coordinates within their optimality conditions.
    """
    target = coef + step
    free = (target != 0) | (l1 == 0)
    fixed_step = np.where(free, 0.0, -coef)
    sign = np.sign(target)
    rhs = -(grad + l1 * sign + gram @ fixed_step + l2 * fixed_step)[free]
    system = gram[np.ix_(free, free)].astype(np.float64)
    system[np.diag_indices_from(system)] += l2[free]
    try:
        with blas_threads_for(np.count_nonzero(free) ** 3 / 3):
            factor = linalg.cho_factor(system, overwrite_a=True, check_finite=False)
        candidate = fixed_step.copy()
        candidate[free] = linalg.cho_solve(factor, rhs, check_finite=False)
    except linalg.LinAlgError:
        return step, False
    if not np.all(np.isfinite(candidate)):
        return step, False
    new = coef + candidate
    flipped = free & (l1 > 0) & (np.sign(new) != sign)
    if np.any(flipped):
        # first crossing of zero on the segment target → new, which stays in the orthant
        reach = target[flipped] / (target[flipped] - new[flipped])
        first = np.argmin(reach)
        moved = step + reach[first] * (candidate - step)
        leaving = np.flatnonzero(flipped)[first]
        moved[leaving] = -coef[leaving]
        return moved, False
    partial = grad + gram @ candidate + l2 * candidate
    exact = not np.any(np.abs(partial[~free]) > l1[~free] * (1 + 1e-9))
    return candidate, exact


def _backtrack(problem, coef, raw, value, direction, raw_step, slope, unit=False, max_halvings=30):
    """Armijo backtracking for proximal Newton: ``F(w + t·d) <= F(w) + 10⁻⁴·t·Δ``.

    ``Δ`` (``slope``) includes the change of the L1 term over the full step
    (Tseng and Yun, 2009). Trials cost element-wise work only, on
    ``raw + t·X d``; decreases at rounding level are accepted near the optimum,
    and with ``unit`` the unit step is taken whenever its value is finite.
    """
    slack = 8 * _EPS * abs(value)
    step = 1.0
    for _ in range(max_halvings):
        with np.errstate(over="ignore", invalid="ignore"):
            trial = problem.value_from_raw(coef + step * direction, raw + step * raw_step)
        if np.isfinite(trial) and (unit or trial <= value + 1e-4 * step * slope + slack):
            return step, trial
        step *= 0.5
    return 0.0, value
