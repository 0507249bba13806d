"""Newton (and L-BFGS) on reduced sums: one pass over the data per iteration.

The data live elsewhere — in files read batch by batch, in Dask partitions —
and are reached only through ``evaluate(base, direction, steps, fraction)``,
one pass (one graph submission) that returns the summed :class:`~._chunk.Terms`:
the loss and its gradient at ``base + t·direction`` for each trial step ``t``
and ``XᵀWX`` at the first one, from all rows or from a fixed random
``fraction`` of them in float32: it only shapes the step, the exact float64
gradient decides optimality. The trial steps are the caller's choice; both
:func:`~logistica.outofcore.fit_files` and the Dask backend evaluate the full
step alone (:data:`FULL_STEP`), whose pass already brings the next gradient
and Hessian, and backtrack with another pass only when the step is rejected.
When no trial passes, quadratic interpolation proposes the next ones.

Everything else happens here, on d×d matrices: the penalty, the change to the
model's units (``standardize``), the Newton direction
(:func:`~logistica.solvers.newton.newton_direction`, solved in standardized
units), the proximal-Newton step for L1 by coordinate descent on the reduced
quadratic model (:func:`~logistica.solvers._cd_kernels.gram_cd`), the stopping
rule (:class:`~logistica.solvers.base.Progress`, the shared scale-free
optimality measure) and the Armijo test on the trial values.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ..objective.design import Design
from ..objective.problem import Problem
from ..solvers.base import Progress, Solution
from ..solvers.newton import newton_direction
from ._chunk import Terms

__all__ = ["FULL_STEP", "MomentsDesign", "affine", "solve_chunked"]

#: Trial steps per pass: the full step alone. Its pass brings the next iteration's
#: gradient and ``XᵀWX`` too, so an accepted step (nearly all of them) costs one pass
#: and one ``X @ w`` per chunk; a rejected one, a pass more. Trying 1, ½ and ¼ in the
#: same pass costs the loss and gradient at three points for nothing on accepted
#: steps (Dask, 1M×100 binary on 2 workers: 6.2 s with three, 5.5 s with one).
FULL_STEP = np.array([1.0])
_ARMIJO = 1e-4
_EPS = np.finfo(np.float64).eps

Evaluate = Callable[[np.ndarray, np.ndarray, np.ndarray, float], Terms]


class MomentsDesign(Design):
    """A design known only by its weighted column moments (no rows).

    It gives a driver-side :class:`~logistica.objective.Problem` its layout,
    its :attr:`~logistica.objective.Problem.column_scaling` and, wrapped in a
    :class:`~logistica.objective.design.StandardizedDesign`, ``standardize``.

    Examples
    --------
    >>> import numpy as np
    >>> MomentsDesign(np.array([1.0]), np.array([4.0])).weighted_moments(None)
    (array([1.]), array([4.]))
    """

    def __init__(self, mean: np.ndarray, var: np.ndarray) -> None:
        super().__init__(np.empty((0, mean.size)))
        self._mean, self._var = mean, var

    def weighted_moments(self, sample_weight) -> tuple[np.ndarray, np.ndarray]:
        return self._mean, self._var


def affine(center: np.ndarray, scale: np.ndarray, fit_intercept: bool, n_outputs: int):
    """Matrix taking coefficients of the columns ``(x - center)/scale`` to those of ``x``.

    Flat layout of :class:`~logistica.objective.Problem`: features then the
    intercept, each row holding ``n_outputs`` values.

    Examples
    --------
    >>> affine(np.array([1.0]), np.array([2.0]), True, 1) @ np.array([2.0, 0.0])
    array([ 1., -1.])
    """
    d = center.size
    rows = d + fit_intercept
    A = np.zeros((rows, rows))
    A[np.arange(d), np.arange(d)] = 1.0 / scale
    if fit_intercept:
        A[d, :d] = -center / scale
        A[d, d] = 1.0
    return np.kron(A, np.eye(n_outputs)) if n_outputs > 1 else A


@dataclass
class _Point:
    coef: np.ndarray
    value: float
    grad: np.ndarray
    hessian: np.ndarray | None
    raw_hessian: np.ndarray | None


class _Driver:
    def __init__(self, problem: Problem, to_raw: np.ndarray, total_weight: float) -> None:
        self.problem = problem
        self.to_raw = to_raw
        self.total = total_weight
        mean, scale = problem.column_scaling
        self.precondition = affine(mean, scale, problem.fit_intercept, problem.n_outputs)
        d, K = problem.n_features, problem.n_outputs
        l1 = np.zeros(problem.coef_shape[0])
        l1[:d] = np.broadcast_to(problem.penalty.l1_strength(np.empty(d)), (d,)) / scale
        self.l1_units = np.repeat(l1, K)

    def point(self, coef: np.ndarray, terms: Terms, index: int = 0) -> _Point:
        """The point of trial step ``index``; the Hessian sample is scaled to all rows."""
        problem = self.problem
        W, _ = problem.split(coef)
        value = terms.trials[index] / self.total + problem.penalty.value(W)
        grad = (self.to_raw.T @ terms.grads[index]) / self.total
        grad = grad.reshape(problem.coef_shape)
        grad[: problem.n_features] += problem.penalty.smooth_gradient(W)
        hessian = raw_hessian = None
        if terms.hessian is not None and terms.hessian_weight > 0:
            hessian = terms.hessian / terms.hessian_weight
            if problem.is_multinomial and not problem.penalty.is_smooth:
                hessian = _without_class_shift(hessian, problem.n_outputs)
            hessian = self.to_raw.T @ hessian @ self.to_raw
            diagonal = np.zeros(problem.coef_shape)
            diagonal[: problem.n_features] = problem.penalty.smooth_hessian_diagonal(
                problem.n_features
            ).reshape(-1, *([1] * (diagonal.ndim - 1)))
            hessian[np.diag_indices_from(hessian)] += diagonal.ravel()
            # exact only from all rows, at this very point (the first trial step)
            if index == 0 and terms.hessian_weight >= self.total * (1 - 1e-12):
                raw_hessian = terms.hessian
        return _Point(coef, value, grad.ravel(), hessian, raw_hessian)

    def objective(self, coef: np.ndarray, loss_sum: float) -> float:
        W, _ = self.problem.split(coef)
        return loss_sum / self.total + self.problem.penalty.value(W)

    def newton(self, point: _Point, violation: float) -> tuple[np.ndarray, float, np.ndarray]:
        """Newton (or proximal-Newton) direction, its predicted decrease ``Δ``, the full step."""
        P = self.precondition
        H = np.ascontiguousarray(P.T @ point.hessian @ P)
        g = P.T @ point.grad
        penalty = self.problem.penalty
        if penalty.is_smooth:
            direction = P @ newton_direction(H, g)
            return direction, float(point.grad @ direction), point.coef + direction
        from ..solvers._cd_kernels import gram_cd  # compiled: numba is imported here

        coef_units = np.linalg.solve(P, point.coef)
        step = np.zeros_like(g)
        gram_cd(H, g, coef_units, self.l1_units, np.zeros_like(g), step, 1000, 1e-3 * violation)
        # the full step's point, from the exact zeros coordinate descent left in it
        target = P @ (coef_units + step)
        if self.problem.is_multinomial:
            target = self._best_shifts(target)
        direction = target - point.coef
        W, _ = self.problem.split(point.coef)
        D, _ = self.problem.split(direction)
        l1_change = (penalty.value(W + D) - penalty.smooth_value(W + D)) - (
            penalty.value(W) - penalty.smooth_value(W)
        )
        return direction, float(point.grad @ direction) + l1_change, target

    def _best_shifts(self, coef: np.ndarray) -> np.ndarray:
        """Shift each feature row across classes to the penalty's best representative.

        The softmax loss does not change when a row gains the same value in every
        class; the penalty does. Coordinate descent crawls along such flat
        valleys, so the exact minimiser over the shift is taken row by row.
        """
        from ..solvers._cd_kernels import _best_shift

        problem = self.problem
        full = coef.reshape(problem.coef_shape).copy()
        d = problem.n_features
        l1 = np.broadcast_to(problem.penalty.l1_strength(np.empty(d)), (d,))
        l2 = np.broadcast_to(problem.penalty.l2_strength(np.empty(d)), (d,))
        for j in range(d):
            full[j] += _best_shift(np.ascontiguousarray(full[j]), float(l2[j]), float(l1[j]))
        return full.ravel()


def _without_class_shift(hessian: np.ndarray, n_classes: int) -> np.ndarray:
    """Remove the curvature a multinomial Hessian gets along the class-shift directions.

    :meth:`~logistica.objective.HessianModel.matrix` adds ``c·(I ⊗ J/K)`` so that
    smooth Newton systems are definite; the loss itself is flat along those
    shifts (``H (v ⊗ 1) = 0``), so ``c`` is the row sum of one class block.
    An L1 penalty is not shift-invariant: its proximal-Newton model must be
    the exact one, flat along the shifts.
    """
    shift = float(hessian[0, :n_classes].sum())
    rows = hessian.shape[0] // n_classes
    return hessian - np.kron(np.eye(rows), np.full((n_classes, n_classes), shift / n_classes))


class _LBFGS:
    """Two-loop recursion in preconditioned units (smooth problems)."""

    def __init__(self, precondition: np.ndarray, memory: int = 10) -> None:
        self.P = precondition
        self.P_inv = np.linalg.inv(precondition)
        self.memory = memory
        self.pairs: list[tuple[np.ndarray, np.ndarray, float]] = []

    def update(self, step: np.ndarray, grad_change: np.ndarray) -> None:
        s, y = self.P_inv @ step, self.P.T @ grad_change
        sy = float(s @ y)
        if sy > _EPS * float(np.sqrt((s @ s) * (y @ y))):
            self.pairs = [*self.pairs[-(self.memory - 1) :], (s, y, 1.0 / sy)]

    def direction(self, grad: np.ndarray) -> np.ndarray:
        q = self.P.T @ grad
        alphas = []
        for s, y, rho in reversed(self.pairs):
            alpha = rho * float(s @ q)
            q = q - alpha * y
            alphas.append(alpha)
        if self.pairs:
            s, y, _ = self.pairs[-1]
            q = q * float(s @ y) / float(y @ y)
        else:
            q = q / max(float(np.max(np.abs(q))), 1.0)
        for (s, y, rho), alpha in zip(self.pairs, reversed(alphas), strict=True):
            q = q + s * (alpha - rho * float(y @ q))
        return -(self.P @ q)


def solve_chunked(
    evaluate: Evaluate,
    problem: Problem,
    to_raw: np.ndarray,
    total_weight: float,
    start: Terms,
    *,
    method: str = "newton",
    tol: float = 1e-6,
    max_iter: int = 100,
    verbose: int = 0,
    callback: Callable[[np.ndarray], object] | None = None,
    hessian_fraction: float = 1.0,
    final_hessian: bool = False,
    steps: np.ndarray = FULL_STEP,
    coef0: np.ndarray | None = None,
) -> tuple[Solution, np.ndarray | None]:
    """Minimise ``problem``'s objective, reaching the data only through ``evaluate``.

    Parameters
    ----------
    evaluate : callable
        ``evaluate(base, direction, steps, hessian_fraction) -> Terms``: one pass
        over the data at raw-unit coefficients (see :func:`~._chunk.chunk_terms`).
    problem : Problem
        Driver-side problem (a :class:`MomentsDesign`, possibly standardized):
        layout, penalty and the units of the optimality measure.
    to_raw : ndarray
        Matrix taking the problem's coefficients to raw-unit ones.
    total_weight : float
        ``Σ sᵢ``: the sums of :class:`~._chunk.Terms` are divided by it.
    start : Terms
        The sums at zero coefficients (from the setup pass): the objective and
        gradient at zero give the optimality measure its scale. Newton starts
        from them when they hold ``XᵀWX`` and there is no ``coef0``.
    method : {"newton", "lbfgs"}, default="newton"
        Newton with ``XᵀWX`` (proximal Newton with an L1 part), or L-BFGS.
    tol, max_iter, verbose, callback
        As for every solver (:meth:`logistica.solvers.Solver.solve`).
    hessian_fraction : float, default=1.0
        Share of the rows whose ``XᵀWX`` (float32) shapes Newton steps; below 1
        the sample is scaled to all rows, and the solver switches to the exact
        Hessian when full steps stop contracting the optimality measure by half
        (as :class:`~logistica.solvers.newton.Newton` does in memory).
    final_hessian : bool, default=False
        Return the exact ``XᵀWX`` at the solution: the pass predicted to be the
        last accumulates it from all rows, or one more pass does.
    steps : ndarray, default=FULL_STEP
        Trial steps evaluated in each pass, largest first; when none passes the
        Armijo test, the next pass tries them scaled down.
    coef0 : ndarray, optional
        Starting coefficients in the problem's units (e.g. the fit of a row
        sample): one pass evaluates them, and Newton goes on from there.

    Returns
    -------
    solution : Solution
        Coefficients in the problem's units and the usual diagnostics.
    raw_hessian : ndarray or None
        The unpenalized ``Σ sᵢ ∂²ℓᵢ`` in raw units at the last Newton point.
    """
    driver = _Driver(problem, to_raw, total_weight)
    newton = method == "newton"
    exact = not newton or hessian_fraction >= 1.0
    point = driver.point(problem.zero_coef(), start)
    zero_residual = problem.optimality_residual(point.coef, point.grad)
    problem.optimality_scale = float(np.max(np.abs(zero_residual))) or 1.0

    def share() -> float:
        """Share of the rows of the next pass's ``XᵀWX`` (none for L-BFGS)."""
        return 0.0 if not newton else 1.0 if exact else hessian_fraction

    if coef0 is not None or (newton and point.hessian is None):
        coef = point.coef if coef0 is None else np.asarray(coef0, dtype=np.float64)
        point = driver.point(coef, evaluate(to_raw @ coef, 0 * coef, steps[:1], share()))
    progress = Progress(problem, f"{method} (chunked)", tol, verbose, callback)
    lbfgs = None if newton else _LBFGS(driver.precondition)
    message, n_iter, previous = "", 0, None
    stop = progress.record(0, point.coef, point.value, point.grad)
    while not stop and n_iter < max_iter:
        current = progress.last_optimality
        violation = current * problem.optimality_scale
        if newton:
            direction, decrease, target = driver.newton(point, violation)
        else:
            direction = lbfgs.direction(point.grad)
            decrease, target = float(point.grad @ direction), point.coef + direction
        # a predicted decrease within rounding of the value is no evidence of ascent
        # (proximal Newton near the optimum): the Armijo test, with its slack, decides
        if not decrease < 10 * _EPS * abs(point.value):
            message = "no descent direction (limit of floating-point precision)"
            break
        fraction = share()
        # the pass expected to be the last one brings the exact Hessian (for inference)
        if newton and final_hessian and previous and current * current / previous <= tol:
            fraction = 1.0
        found = _line_search(evaluate, driver, point, to_raw, direction, decrease, fraction, steps)
        if found is None:
            message = "line search found no acceptable step (floating-point limit)"
            break
        terms, tried, index = found
        step = float(tried[index])
        n_iter += 1
        new = driver.point(target if step == 1.0 else point.coef + step * direction, terms, index)
        if lbfgs is not None:
            lbfgs.update(new.coef - point.coef, new.grad - point.grad)
        point, previous = new, current
        stop = progress.record(n_iter, point.coef, point.value, point.grad)
        # full steps that barely contract: the Hessian sample is too coarse here
        if not exact and step == 1.0 and progress.last_optimality > 0.5 * current:
            exact = True
    raw_hessian = point.raw_hessian
    if newton and final_hessian and raw_hessian is None:  # one more pass, for inference
        zero = np.zeros_like(point.coef)
        raw_hessian = evaluate(to_raw @ point.coef, zero, FULL_STEP, 1.0).hessian
    return progress.solution(point.coef, n_iter, message), raw_hessian


def _line_search(evaluate, driver, point, to_raw, direction, decrease, fraction, pattern):
    """Armijo test on trial steps evaluated together: one pass, a few more if none passes.

    Returns ``(terms, steps, index)`` of the first accepted step, or None.
    """
    base, raw_direction = to_raw @ point.coef, to_raw @ direction
    slack = 10 * _EPS * abs(point.value)
    pattern = np.asarray(pattern, dtype=np.float64)
    steps = pattern
    while steps[0] > 1e-10:
        terms = evaluate(base, raw_direction, steps, fraction)
        values = [driver.objective(point.coef + t * direction, v)
                  for t, v in zip(steps, terms.trials, strict=True)]  # fmt: skip
        for index, (t, value) in enumerate(zip(steps, values, strict=True)):
            if value <= point.value + _ARMIJO * t * decrease + slack:
                return terms, steps, index
        # minimum of the quadratic through f(0), f'(0) and the smallest trial
        t, value = steps[-1], values[-1]
        curvature = value - point.value - decrease * t
        guess = -decrease * t * t / (2 * curvature) if curvature > 0 else t / 10
        steps = np.clip(guess, t / 10, t / 2) * (pattern / pattern[0])
    return None
