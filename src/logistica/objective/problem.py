"""A logistic-regression fit as an optimization problem, described once for all solvers.

The objective is scikit-learn's divided by ``C·Σ sᵢ``::

    f(w, b) = Σᵢ s̃ᵢ ℓ(xᵢᵀw + b + oᵢ, yᵢ) + penalty(w),    s̃ᵢ = sᵢ / Σ sᵢ,

which has the same minimiser and well-scaled values. Coefficients travel as one
flat float64 vector: for ``K`` outputs it is the C-ordered ravel of a
``(n_features + fit_intercept, K)`` array whose last row is the intercept
(``K = 1`` for the binomial loss, flattened to ``(n_features + fit_intercept,)``).
"""

from __future__ import annotations

import copy
from functools import cached_property
from typing import ClassVar

import numpy as np

from .design import Design, StandardizedDesign
from .loss import BinomialLoss, Loss, MultinomialLoss
from .penalty import ElasticNet, NoPenalty

__all__ = ["HessianModel", "Problem", "make_loss"]


class Problem:
    """Design, targets, weights, offset and penalty of one fit.

    Parameters
    ----------
    X : ndarray or sparse matrix of shape (n_samples, n_features)
        Validated design matrix (float32 or float64).
    y : ndarray of shape (n_samples,)
        Encoded targets: ``{0., 1.}`` for the binomial loss, integer codes
        ``0..K-1`` for the multinomial loss.
    loss : Loss
        :class:`BinomialLoss` or :class:`MultinomialLoss` (or a compatible loss).
    penalty : ElasticNet, optional
        Defaults to no penalty. Its ``alpha`` refers to the normalised objective.
    sample_weight : ndarray of shape (n_samples,), optional
        Non-negative weights (class weights already folded in); normalised here.
    offset : ndarray of shape (n_samples,) or (n_samples, K), optional
        Fixed term added to the linear predictor.
    fit_intercept : bool, default=True
        Whether the problem has an (unpenalized) intercept.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.array([[0.0], [1.0], [2.0], [3.0]]); y = np.array([0.0, 0.0, 1.0, 1.0])
    >>> problem = Problem(X, y, BinomialLoss())
    >>> value, grad, _ = problem.value_grad(problem.zero_coef())
    >>> round(value, 6), grad.shape
    (0.693147, (2,))
    """

    #: Name of the only solver that can minimise this problem. Subclasses that change
    #: the objective beyond loss + penalty (Firth's) set it: the shared line search
    #: evaluates loss + penalty only, so every other solver must refuse them.
    dedicated_solver: ClassVar[str | None] = None

    def __init__(
        self,
        X,
        y: np.ndarray,
        loss: Loss,
        penalty: ElasticNet | None = None,
        sample_weight: np.ndarray | None = None,
        offset: np.ndarray | None = None,
        fit_intercept: bool = True,
    ) -> None:
        self.design = X if isinstance(X, Design) else Design(X)
        self.y = y
        self.loss = loss
        self.penalty = NoPenalty() if penalty is None else penalty
        n = self.design.n_samples
        sw = np.ones(n) if sample_weight is None else np.asarray(sample_weight, np.float64)
        # normalise by the largest weight first: the sum of huge weights must not overflow
        largest = float(sw.max()) if n else 1.0
        sw = sw / largest if largest > 0 else sw
        total = float(sw.sum())
        self.total_weight = largest * total
        self.sample_weight = sw / total
        self.offset = offset
        self.fit_intercept = bool(fit_intercept)
        self.n_outputs = loss.n_outputs
        self.n_features = self.design.n_features
        rows = self.n_features + self.fit_intercept
        self.coef_shape = (rows,) if self.n_outputs == 1 else (rows, self.n_outputs)
        self.n_coef = rows * self.n_outputs

    # -- layout -----------------------------------------------------------------------
    @property
    def n_samples(self) -> int:
        """Number of rows of the design."""
        return self.design.n_samples

    @property
    def is_multinomial(self) -> bool:
        """Whether the loss has one raw prediction per class."""
        return self.n_outputs > 1

    def zero_coef(self) -> np.ndarray:
        """All-zero flat coefficient vector.

        Examples
        --------
        >>> X = np.array([[0.0], [1.0], [2.0], [3.0]]); y = np.array([0.0, 0.0, 1.0, 1.0])
        >>> Problem(X, y, BinomialLoss()).zero_coef()
        array([0., 0.])
        """
        return np.zeros(self.n_coef)

    def split(self, coef: np.ndarray) -> tuple[np.ndarray, np.ndarray | float]:
        """Views ``(W, b)`` of a flat coefficient vector; ``b`` is 0 without intercept.

        Examples
        --------
        >>> X = np.array([[0.0], [1.0], [2.0], [3.0]]); y = np.array([0.0, 0.0, 1.0, 1.0])
        >>> W, b = Problem(X, y, BinomialLoss()).split(np.array([2.0, -3.0]))
        >>> W, float(b)
        (array([2.]), -3.0)
        """
        full = coef.reshape(self.coef_shape)
        if self.fit_intercept:
            return full[:-1], full[-1]
        return full, 0.0

    def center_classes(self, coef: np.ndarray) -> np.ndarray:
        """Remove the class-shift null space of the multinomial parametrisation.

        Adding the same vector to every class leaves the probabilities unchanged;
        centring across classes picks the representative with the smallest norm.
        With an L1 part the penalty is not shift-invariant (its optimum is not
        centred), so only the intercept row is centred then: a warm start stays
        where it was.

        Examples
        --------
        >>> X = np.array([[0.0], [1.0], [2.0], [3.0]]); y = np.array([0, 1, 2, 2])
        >>> problem = Problem(X, y, MultinomialLoss(3))
        >>> problem.center_classes(np.arange(6.0))
        array([-1.,  0.,  1., -1.,  0.,  1.])
        """
        if not self.is_multinomial:
            return coef
        full = coef.reshape(self.coef_shape)
        rows = slice(None) if self.penalty.is_smooth else slice(self.n_features, None)
        full = full.copy()
        full[rows] -= full[rows].mean(axis=1, keepdims=True)
        return full.ravel()

    # -- objective --------------------------------------------------------------------
    def raw(self, coef: np.ndarray) -> np.ndarray:
        """Linear predictor ``X @ W + b + offset`` (one pass over ``X``).

        Examples
        --------
        >>> X = np.array([[0.0], [1.0], [2.0], [3.0]]); y = np.array([0.0, 0.0, 1.0, 1.0])
        >>> Problem(X, y, BinomialLoss()).raw(np.array([2.0, -3.0]))
        array([-3., -1.,  1.,  3.])
        """
        raw = self.raw_direction(coef)
        if self.offset is not None:
            raw += self.offset
        return raw

    def raw_direction(self, direction: np.ndarray) -> np.ndarray:
        """``X @ dW + db``: how the linear predictor moves along ``direction``.

        Examples
        --------
        >>> X = np.array([[0.0], [1.0], [2.0], [3.0]]); y = np.array([0.0, 0.0, 1.0, 1.0])
        >>> Problem(X, y, BinomialLoss()).raw_direction(np.array([0.0, 1.0]))
        array([1., 1., 1., 1.])
        """
        W, b = self.split(direction)
        # zero weights (every fit's start) need no pass over X
        raw = self.design.matvec(W) if W.any() else np.zeros((self.n_samples, *W.shape[1:]))
        if self.fit_intercept:
            raw += b
        return raw

    def value_from_raw(self, coef: np.ndarray, raw: np.ndarray) -> float:
        """Objective at ``coef`` given its linear predictor ``raw`` (no pass over ``X``).

        Examples
        --------
        >>> X = np.array([[0.0], [1.0], [2.0], [3.0]]); y = np.array([0.0, 0.0, 1.0, 1.0])
        >>> problem = Problem(X, y, BinomialLoss())
        >>> coef = np.array([2.0, -3.0])
        >>> round(problem.value_from_raw(coef, problem.raw(coef)), 6)
        0.180925
        """
        W, _ = self.split(coef)
        return self.loss.value(raw, self.y, self.sample_weight) + self.penalty.value(W)

    def grad_from_residual(self, coef: np.ndarray, residual: np.ndarray) -> np.ndarray:
        """Smooth gradient from the loss residual (one pass over ``X``).

        Examples
        --------
        >>> X = np.array([[0.0], [1.0], [2.0], [3.0]]); y = np.array([0.0, 0.0, 1.0, 1.0])
        >>> problem = Problem(X, y, BinomialLoss())
        >>> problem.grad_from_residual(problem.zero_coef(), np.array([0.5, -0.5, 0.5, -0.5]))
        array([-1.,  0.])
        """
        W, _ = self.split(coef)
        grad = np.empty(self.coef_shape)
        grad[: self.n_features] = self.design.rmatvec(residual)
        grad[: self.n_features] += self.penalty.smooth_gradient(W)
        if self.fit_intercept:
            grad[-1] = residual.sum(axis=0)
        return grad.ravel()

    def value_grad_from_raw(self, coef: np.ndarray, raw: np.ndarray) -> tuple[float, np.ndarray]:
        """Objective and smooth gradient at ``coef`` given ``raw`` (one pass over ``X``).

        Examples
        --------
        >>> X = np.array([[0.0], [1.0], [2.0], [3.0]]); y = np.array([0.0, 0.0, 1.0, 1.0])
        >>> problem = Problem(X, y, BinomialLoss())
        >>> coef = np.array([2.0, -3.0])
        >>> value, grad = problem.value_grad_from_raw(coef, problem.raw(coef))
        >>> round(value, 6), grad.round(4)
        (0.180925, array([-0.1028,  0.    ]))
        """
        value, residual = self.loss.value_and_residual(raw, self.y, self.sample_weight)
        W, _ = self.split(coef)
        value += self.penalty.value(W)
        return value, self.grad_from_residual(coef, residual)

    def value_grad(self, coef: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
        """Objective, smooth gradient and linear predictor at ``coef`` (two passes).

        Examples
        --------
        >>> X = np.array([[0.0], [1.0], [2.0], [3.0]]); y = np.array([0.0, 0.0, 1.0, 1.0])
        >>> problem = Problem(X, y, BinomialLoss())
        >>> value, grad, raw = problem.value_grad(np.array([2.0, -3.0]))
        >>> round(value, 6), grad.round(4), raw
        (0.180925, array([-0.1028,  0.    ]), array([-3., -1.,  1.,  3.]))
        """
        raw = self.raw(coef)
        value, grad = self.value_grad_from_raw(coef, raw)
        return value, grad, raw

    # -- optimality -------------------------------------------------------------------
    @cached_property
    def column_scaling(self) -> tuple[np.ndarray, np.ndarray]:
        """Centre and scale of each column: the units of the optimality measure.

        The centre is the weighted mean with an intercept, zero without. The scale
        is ``sqrt(spread² + 4·l2ⱼ)``: the spread of the column (weighted standard
        deviation with an intercept, root mean square without) or, when the L2
        penalty's curvature ``l2ⱼ`` dominates it (rare sparse columns), the
        penalty's — twice the square root of the objective's curvature along the
        centred column at ``p = ½``. Constant unpenalized columns get scale 1.
        Two passes over ``X``, shared by problems on the same design.
        """
        mean, var = self.design.weighted_moments(self.sample_weight)
        if not self.fit_intercept:
            var, mean = var + mean**2, np.zeros_like(mean)
        l2 = self.penalty.l2_strength(np.empty(self.n_features))
        scale = np.sqrt(var + 4.0 * np.broadcast_to(l2, var.shape))
        tiny = scale <= 10 * np.finfo(np.float64).eps * np.maximum(np.abs(mean), 1.0)
        scale[tiny] = 1.0
        return mean, scale

    def optimality_residual(self, coef: np.ndarray, grad: np.ndarray) -> np.ndarray:
        """Minimum-norm subgradient in standardized units (flat), zero exactly at the optimum.

        It is the minimum-norm subgradient of the same objective written in the
        coefficients of the standardized columns ``(x - centre)/scale`` (see
        :attr:`column_scaling`): feature entries ``(gⱼ - centreⱼ·g_b)/scaleⱼ``
        after the L1 part, the intercept's ``g_b`` unchanged. Rescaling or
        shifting a column therefore leaves it unchanged.

        Examples
        --------
        >>> X = np.array([[0.0], [1.0], [2.0], [3.0]]); y = np.array([0.0, 0.0, 1.0, 1.0])
        >>> problem = Problem(X, y, BinomialLoss())
        >>> _, grad, _ = problem.value_grad(problem.zero_coef())
        >>> problem.optimality_residual(problem.zero_coef(), grad).round(4)
        array([-0.4472,  0.    ])
        """
        W, _ = self.split(coef)
        mean, scale = self.column_scaling
        residual = grad.reshape(self.coef_shape).copy()
        features = residual[: self.n_features]
        if self.is_multinomial:
            mean, scale = mean[:, None], scale[:, None]
        if self.fit_intercept:
            features -= mean * residual[-1]
        residual[: self.n_features] = self.penalty.optimality_residual(W, features) / scale
        return residual.ravel()

    @cached_property
    def optimality_scale(self) -> float:
        """Largest optimality residual at ``coef = 0``: the reference for ``tol``."""
        zero = self.zero_coef()
        raw = np.zeros((self.n_samples, self.n_outputs) if self.is_multinomial else self.n_samples)
        if self.offset is not None:
            raw = raw + self.offset
        _, grad = self.value_grad_from_raw(zero, raw)
        scale = float(np.max(np.abs(self.optimality_residual(zero, grad))))
        return scale if scale > 0 else 1.0

    def optimality(self, coef: np.ndarray, grad: np.ndarray) -> float:
        """Scale-free optimality: ``max|subgradient(coef)| / max|subgradient(0)|``.

        Both subgradients are taken in standardized units
        (:meth:`optimality_residual`), so the measure is invariant to the units
        and the origin of every column; it is the one measure that stops every
        solver, so ``tol`` means the same for each.

        Examples
        --------
        >>> X = np.array([[0.0], [1.0], [2.0], [3.0]]); y = np.array([0.0, 0.0, 1.0, 1.0])
        >>> problem = Problem(X, y, BinomialLoss())
        >>> _, grad, _ = problem.value_grad(problem.zero_coef())
        >>> problem.optimality(problem.zero_coef(), grad)
        1.0
        """
        residual = self.optimality_residual(coef, grad)
        return float(np.max(np.abs(residual))) / self.optimality_scale

    # -- reparametrisation ------------------------------------------------------------
    def standardized(self) -> Problem | None:
        """The same problem on standardized columns, or ``None`` when already well scaled.

        Solvers minimise the returned problem, whose design is
        ``(x - centre)/scale`` (:attr:`column_scaling`; sparse columns are only
        scaled) and whose penalty is rewritten for the new coefficients
        (:meth:`ElasticNet.in_units`): the objective is the same function, so
        its optimum maps back exactly (:meth:`coef_to_parent`), but its
        conditioning no longer depends on the units of the data. Columns count
        as well scaled when their scales lie in [0.1, 10] and their centres
        within one scale of zero.

        Examples
        --------
        >>> X = np.array([[0.0], [1.0], [2.0], [3.0]]); y = np.array([0.0, 0.0, 1.0, 1.0])
        >>> work = Problem(1000 * X + 5000, y, BinomialLoss()).standardized()
        >>> center, scale = work.reparametrisation
        >>> center, scale.round(2)
        (array([6500.]), array([1118.03]))
        """
        mean, scale = self.column_scaling
        center = np.zeros_like(mean) if self.design.is_sparse else mean
        if np.all(np.abs(center) <= scale) and np.all((scale >= 0.1) & (scale <= 10.0)):
            return None
        # the reference value at zero is the same in both units: compute it once, here,
        # so the copy inherits it and the final check on the parent reuses it
        _ = self.optimality_scale
        work = copy.copy(self)
        design = self.design
        if isinstance(design, StandardizedDesign):  # compose with the existing standardization
            work.design = StandardizedDesign(
                design.base, design.mean + design.scale * center, design.scale * scale
            )
        else:
            work.design = StandardizedDesign(design, center, scale)
        work.penalty = self.penalty.in_units(scale)
        work.column_scaling = ((mean - center) / scale, np.ones_like(scale))
        work.reparametrisation = (center, scale)
        return work

    #: ``(centre, scale)`` of a problem made by :meth:`standardized`, relative to its parent.
    reparametrisation: tuple[np.ndarray, np.ndarray] | None = None

    def coef_to_parent(self, coef: np.ndarray) -> np.ndarray:
        """Coefficients of a :meth:`standardized` problem in its parent's units.

        Examples
        --------
        >>> X = np.array([[0.0], [1.0], [2.0], [3.0]]); y = np.array([0.0, 0.0, 1.0, 1.0])
        >>> parent = Problem(1000 * X + 5000, y, BinomialLoss())
        >>> work = parent.standardized()
        >>> coef = np.array([1.0, 0.5])
        >>> bool(np.allclose(parent.raw(work.coef_to_parent(coef)), work.raw(coef)))
        True
        """
        center, scale = self.reparametrisation
        full = coef.reshape(self.coef_shape).copy()
        if self.is_multinomial:
            center, scale = center[:, None], scale[:, None]
        full[: self.n_features] /= scale
        if self.fit_intercept:
            full[-1] -= np.sum(center * full[: self.n_features], axis=0)
        return full.ravel()

    def coef_from_parent(self, coef: np.ndarray) -> np.ndarray:
        """Inverse of :meth:`coef_to_parent`.

        Examples
        --------
        >>> X = np.array([[0.0], [1.0], [2.0], [3.0]]); y = np.array([0.0, 0.0, 1.0, 1.0])
        >>> work = Problem(1000 * X + 5000, y, BinomialLoss()).standardized()
        >>> work.coef_from_parent(work.coef_to_parent(np.array([1.0, 0.0]))).round(12)
        array([1., 0.])
        """
        center, scale = self.reparametrisation
        full = coef.reshape(self.coef_shape).copy()
        if self.is_multinomial:
            center, scale = center[:, None], scale[:, None]
        if self.fit_intercept:
            full[-1] += np.sum(center * full[: self.n_features], axis=0)
        full[: self.n_features] *= scale
        return full.ravel()

    # -- curvature --------------------------------------------------------------------
    def hessian_model(self, max_rows: int | None = None, dtype=None, seed: int = 0) -> HessianModel:
        """Hessian of the smooth part, exact or estimated from a random row subsample.

        Parameters
        ----------
        max_rows : int, optional
            Use at most this many rows, drawn once at random (without replacement).
        dtype : numpy dtype, optional
            Precision of a subsample's Gram products (float32 halves their cost);
            the full data keeps its own dtype.
        seed : int, default=0
            Seed of the row draw.

        Examples
        --------
        >>> X = np.array([[0.0], [1.0], [2.0], [3.0]]); y = np.array([0.0, 0.0, 1.0, 1.0])
        >>> problem = Problem(X, y, BinomialLoss())
        >>> problem.hessian_model().is_subsampled, problem.hessian_model(max_rows=2).is_subsampled
        (False, True)
        """
        rows = None
        if max_rows is not None and max_rows < self.n_samples:
            rng = np.random.default_rng(seed)
            rows = np.sort(rng.choice(self.n_samples, size=max_rows, replace=False))
        return HessianModel(self, rows=rows, dtype=dtype)


class HessianModel:
    """Hessian of the smooth objective from all rows or a fixed row subsample.

    A subsample's weights are rescaled to the total weight of the data, so it is
    an unbiased estimate of the full Hessian; solvers use it only to shape steps,
    never to decide optimality.

    Examples
    --------
    >>> X = np.array([[0.0], [1.0], [2.0], [3.0]]); y = np.array([0.0, 0.0, 1.0, 1.0])
    >>> hessian = HessianModel(Problem(X, y, BinomialLoss()))
    >>> hessian.matrix(np.zeros(4))
    array([[0.875, 0.375],
           [0.375, 0.25 ]])
    """

    def __init__(self, problem: Problem, rows: np.ndarray | None = None, dtype=None) -> None:
        self.problem = problem
        self.rows = rows
        if rows is None:
            self.design = problem.design
            self.sample_weight = problem.sample_weight
        else:
            self.design = problem.design.take(rows, dtype=dtype)
            sw = problem.sample_weight[rows]
            total = sw.sum()
            self.sample_weight = sw / total if total > 0 else sw
        self.penalty_diagonal = problem.penalty.smooth_hessian_diagonal(problem.n_features)

    @property
    def is_subsampled(self) -> bool:
        """Whether the Hessian is estimated from a subsample of the rows."""
        return self.rows is not None

    def _state(self, raw: np.ndarray):
        if self.rows is not None:
            raw = raw[self.rows]
        return self.problem.loss.hessian_state(raw, self.sample_weight)

    def matrix(self, raw: np.ndarray) -> np.ndarray:
        """Dense Hessian (n_coef × n_coef) at the point whose linear predictor is ``raw``.

        For the multinomial loss the class-shift directions, along which the
        loss is flat and the gradient vanishes, get the Hessian's mean curvature
        so that the matrix is positive definite without changing Newton steps.

        Examples
        --------
        >>> X = np.array([[0.0], [1.0], [2.0], [3.0]]); y = np.array([0.0, 0.0, 1.0, 1.0])
        >>> Problem(X, y, BinomialLoss()).hessian_model().matrix(np.zeros(4))
        array([[0.875, 0.375],
               [0.375, 0.25 ]])
        """
        problem = self.problem
        blocks = problem.loss.gram_weights(self._state(raw))
        grams = self.design.gram([h for _, _, h in blocks], problem.fit_intercept)
        rows, K = problem.n_features + problem.fit_intercept, problem.n_outputs
        hess = np.zeros((rows, K, rows, K))
        for (k, other, _), gram in zip(blocks, grams, strict=True):
            hess[:, k, :, other] = gram
            hess[:, other, :, k] = gram.T
        hess = hess.reshape(problem.n_coef, problem.n_coef)
        diag = np.zeros((rows, K))
        diag[: problem.n_features] = self.penalty_diagonal[:, None]
        hess[np.diag_indices_from(hess)] += diag.ravel()
        if problem.is_multinomial:
            shift = np.trace(hess) / problem.n_coef
            hess += np.kron(np.eye(rows), np.full((K, K), shift / K))
        return hess

    def operator(self, raw: np.ndarray):
        """Return ``v -> H @ v`` (two passes over the Hessian's rows per product).

        Examples
        --------
        >>> X = np.array([[0.0], [1.0], [2.0], [3.0]]); y = np.array([0.0, 0.0, 1.0, 1.0])
        >>> hessp = Problem(X, y, BinomialLoss()).hessian_model().operator(np.zeros(4))
        >>> hessp(np.array([1.0, 0.0]))
        array([0.875, 0.375])
        """
        problem = self.problem
        state = self._state(raw)
        design = self.design
        fit_intercept = problem.fit_intercept
        n_features = problem.n_features
        penalty_diagonal = self.penalty_diagonal
        if problem.is_multinomial:
            penalty_diagonal = penalty_diagonal[:, None]

        def hessp(vector: np.ndarray) -> np.ndarray:
            V, vb = problem.split(vector)
            raw_dir = design.matvec(V)
            if fit_intercept:
                raw_dir += vb
            weighted = problem.loss.hessian_product(state, raw_dir)
            out = np.empty(problem.coef_shape)
            out[:n_features] = design.rmatvec(weighted) + penalty_diagonal * V
            if fit_intercept:
                out[-1] = weighted.sum(axis=0)
            return out.ravel()

        return hessp

    def diagonal(self, raw: np.ndarray) -> np.ndarray:
        """Diagonal of the Hessian (flat layout), e.g. to precondition conjugate gradients.

        One pass over the squared design (``Design.sq_rmatvec``) with the diagonal
        curvature blocks of the loss.

        Examples
        --------
        >>> X = np.array([[0.0], [1.0], [2.0], [3.0]]); y = np.array([0.0, 0.0, 1.0, 1.0])
        >>> Problem(X, y, BinomialLoss()).hessian_model().diagonal(np.zeros(4))
        array([0.875, 0.25 ])
        """
        problem = self.problem
        blocks = problem.loss.gram_weights(self._state(raw))
        h = np.column_stack([w for k, other, w in blocks if k == other])
        if not problem.is_multinomial:
            h = h[:, 0]
        out = np.empty(problem.coef_shape)
        penalty = self.penalty_diagonal
        if problem.is_multinomial:
            penalty = penalty[:, None]
        out[: problem.n_features] = self.design.sq_rmatvec(h) + penalty
        if problem.fit_intercept:
            out[-1] = h.sum(axis=0)
        return out.ravel()


def make_loss(n_classes: int) -> Loss:
    """The loss for ``n_classes`` classes: binomial for two, multinomial above.

    Examples
    --------
    >>> make_loss(2).name, make_loss(4).name
    ('binomial', 'multinomial')
    """
    if n_classes < 2:
        raise ValueError(f"a logistic loss needs at least two classes, got {n_classes}")
    return BinomialLoss() if n_classes == 2 else MultinomialLoss(n_classes)
