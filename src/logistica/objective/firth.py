"""Firth's bias-reduced logistic regression: the likelihood penalized by Jeffreys' prior.

Firth (1993) maximises ``ℓ(β) + ½·log det I(β)``, where ``I(β) = Aᵀ diag(wᵢ pᵢ(1-pᵢ)) A``
is the Fisher information of the design ``A = [X, 1]``. The estimates exist even
when the classes are separated, and their first-order bias vanishes.

Unlike an elastic net, this penalty depends on the data through ``I(β)``, so it
cannot be a function of the coefficients alone (:mod:`.penalty`). It is therefore
an objective of its own, :class:`FirthProblem`: a :class:`~.problem.Problem` whose
value and gradient include the Jeffreys term. The shared line search evaluates
loss + penalty only, so the problem declares the ``"firth"`` solver (Fisher
scoring with step halving on this objective, the modified-score iterations of
Heinze and Schemper's ``logistf``) as the only one allowed to minimise it. Each
value costs one Gram product (the information) and each gradient one more pass
over ``X`` (the leverages), instead of the plain loss's single pass.

For ``K > 2`` classes, :class:`MultinomialFirthProblem` (Kosmidis and Firth,
2011) penalizes the multinomial likelihood by ``½·log det I(β)`` of the
identifiable baseline-category parametrisation ``γₖ = βₖ - β_r`` (``k ≠ r``).
Changing the reference class ``r`` is a linear map of determinant ±1, so the
penalty does not depend on it, and it is invariant to the class shifts of
logistica's symmetric ``K``-vector parametrisation: the objective is a function
of ``γ`` alone, minimised by the same solver.
"""

from __future__ import annotations

from functools import cached_property

import numpy as np
from scipy import linalg
from scipy.special import expit

from .design import Design
from .loss import BinomialLoss, Loss, MultinomialLoss
from .penalty import ElasticNet
from .problem import Problem

__all__ = ["FirthProblem", "MultinomialFirthProblem", "row_quadratic_forms"]


def row_quadratic_forms(design: Design, fit_intercept: bool, cholesky: np.ndarray) -> np.ndarray:
    """``qᵢ = aᵢᵀ G⁻¹ aᵢ`` for every row ``aᵢ`` of ``[X, 1]``, given ``G = L Lᵀ``.

    The hat values of a logistic fit are ``hᵢ = wᵢ pᵢ(1-pᵢ) qᵢ`` with ``G`` the
    Fisher information. Costs one product of ``X`` with a (d × d) matrix, which
    holds an (n × d) temporary.

    Parameters
    ----------
    design : Design
        The design ``X``.
    fit_intercept : bool
        Whether ``aᵢ`` ends with a 1 (the last row and column of ``G``).
    cholesky : ndarray of shape (d, d)
        Lower-triangular Cholesky factor ``L`` of ``G``.

    Examples
    --------
    >>> import numpy as np
    >>> from logistica.objective import Design
    >>> X = np.array([[1.0], [-1.0]])
    >>> row_quadratic_forms(Design(X), True, np.linalg.cholesky(2 * np.eye(2)))
    array([1., 1.])
    """
    z = _rows_times(design, fit_intercept, _triangular_inverse(cholesky).T)
    return np.einsum("ij,ij->i", z, z)


def _triangular_inverse(cholesky: np.ndarray) -> np.ndarray:
    """``L⁻¹`` of a lower-triangular ``L`` (``solve_triangular`` is ~1000x slower)."""
    inverse, _ = linalg.lapack.dtrtri(cholesky, lower=1)
    return inverse


def _rows_times(design: Design, fit_intercept: bool, matrix: np.ndarray) -> np.ndarray:
    """``[X, 1] @ matrix`` (the ones column only with an intercept): one pass over ``X``."""
    z = design.matvec(matrix[: design.n_features])
    if fit_intercept:
        z += matrix[-1]
    return z


class FirthProblem(Problem):
    """A :class:`Problem` whose objective adds Firth's Jeffreys-prior penalty.

    The objective is the plain one minus ``½·log det I(β) / Σsᵢ`` (sample weights
    act as frequency weights in ``I``), i.e. the penalized log-likelihood divided
    by ``-Σsᵢ``, plus any elastic-net penalty. Takes the same parameters as
    :class:`Problem`; the loss must be :class:`BinomialLoss` or
    :class:`MultinomialLoss` (then a :class:`MultinomialFirthProblem` is built).

    Raises
    ------
    ValueError
        For another loss, or when the Fisher information at zero coefficients is
        singular (collinear columns).

    Examples
    --------
    >>> import numpy as np
    >>> from logistica.solvers import solve
    >>> X = np.array([[-2.0], [-1.0], [1.0], [2.0]]); y = np.array([0.0, 0.0, 1.0, 1.0])
    >>> solution = solve(FirthProblem(X, y, BinomialLoss()), tol=1e-10)
    >>> bool(np.all(np.isfinite(solution.coef)))  # finite although y is separated
    True
    """

    dedicated_solver = "firth"
    #: The loss whose Jeffreys term the class implements.
    loss_type: type[Loss] = BinomialLoss

    def __new__(cls, *args, **kwargs) -> FirthProblem:
        # One constructor for both models (inference rebuilds a fit's problem this way).
        loss = kwargs.get("loss", args[2] if len(args) > 2 else None)
        if cls is FirthProblem and isinstance(loss, MultinomialLoss):
            cls = MultinomialFirthProblem
        return super().__new__(cls)

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
        if not isinstance(loss, self.loss_type):
            raise ValueError(
                "Firth's bias reduction is implemented for the binomial log-loss only "
                "(and the multinomial one, by MultinomialFirthProblem); got the "
                f"{getattr(loss, 'name', type(loss).__name__)!r} loss"
            )
        super().__init__(X, y, loss, penalty, sample_weight, offset, fit_intercept)
        information = self._information(self.raw(self.zero_coef()))[0]
        units = np.sqrt(np.diag(information))
        units[units == 0] = 1.0
        # the rank is judged on the correlation scale, whatever the units of the columns
        eigval = linalg.eigvalsh(information / np.outer(units, units))
        if not eigval[0] > 1e-10 * eigval[-1]:
            raise ValueError(
                "Firth's penalty needs a full-rank design: the Fisher information is "
                "singular (constant or collinear columns)"
            )

    def _information(self, raw: np.ndarray):
        """Fisher information divided by ``Σsᵢ``, and the loss curvature it comes from."""
        state = self.loss.hessian_state(raw, self.sample_weight)
        (gram,) = self.design.gram([state.weights], self.fit_intercept)
        return gram, state

    def _jeffreys(self, raw: np.ndarray):
        """``½·log det I``, the Cholesky factor of ``I/Σsᵢ`` (None if singular), curvature."""
        gram, state = self._information(raw)
        try:
            factor = linalg.cholesky(gram, lower=True, check_finite=False)
        except linalg.LinAlgError:
            return -np.inf, None, state
        diagonal = np.diag(factor)
        if not np.all(diagonal > 0):
            return -np.inf, None, state
        dim = gram.shape[0]
        half_logdet = float(np.sum(np.log(diagonal)) + 0.5 * dim * np.log(self.total_weight))
        return half_logdet, factor, state

    def _jeffreys_gradient(self, raw: np.ndarray, factor: np.ndarray, state) -> np.ndarray:
        """Derivative of ``½·log det I`` with respect to the linear predictor ``raw``.

        ``Σ hᵢ (½ - pᵢ)`` per row, with the hat values
        ``hᵢ = s̃ᵢ pᵢ(1-pᵢ) aᵢᵀ(I/Σs)⁻¹aᵢ``.
        """
        hat = state.weights * row_quadratic_forms(self.design, self.fit_intercept, factor)
        return hat * (0.5 - expit(raw))

    def jeffreys_penalty(self, raw: np.ndarray) -> float:
        """``½·log det I(β)`` at the point whose linear predictor is ``raw``."""
        return self._jeffreys(raw)[0]

    def value_from_raw(self, coef: np.ndarray, raw: np.ndarray) -> float:
        return super().value_from_raw(coef, raw) - self.jeffreys_penalty(raw) / self.total_weight

    def value_grad_from_raw(self, coef: np.ndarray, raw: np.ndarray) -> tuple[float, np.ndarray]:
        half_logdet, factor, state = self._jeffreys(raw)
        if factor is None:
            return np.inf, np.full(self.n_coef, np.nan)
        value, residual = self.loss.value_and_residual(raw, self.y, self.sample_weight)
        residual -= self._jeffreys_gradient(raw, factor, state) / self.total_weight
        W, _ = self.split(coef)
        value += self.penalty.value(W) - half_logdet / self.total_weight
        return value, self.grad_from_residual(coef, residual)


class MultinomialFirthProblem(FirthProblem):
    """Bias-reduced multinomial logistic regression (Kosmidis and Firth, 2011).

    The multinomial likelihood penalized by ``½·log det I(γ)``, the Fisher
    information of the baseline-category coefficients ``γₖ = βₖ - β_r``
    (``k ≠ r``): ``I = Σᵢ sᵢ aᵢaᵢᵀ ⊗ Vᵢ`` with ``Vᵢ = diag(πᵢ) - πᵢπᵢᵀ`` over
    the ``K - 1`` non-reference classes. The penalty is the same for every
    reference class ``r`` (the maps between them have determinant ±1); the
    heaviest class is used. Coefficients keep
    logistica's symmetric ``K``-column layout, in which the objective is flat
    along class shifts. Build it directly or as ``FirthProblem(..., loss=MultinomialLoss(K))``.

    Its gradient, with ``Mᵢₖₗ = (aᵢ ⊗ eₖ)ᵀ I⁻¹ (aᵢ ⊗ eₗ)``, is
    ``∂(½ log det I)/∂ηᵢₖ = ½ sᵢ πᵢₖ (Mᵢₖₖ - Σⱼ πᵢⱼ Mᵢⱼⱼ - 2(Mᵢπᵢ)ₖ + 2πᵢᵀMᵢπᵢ)``
    for the linear predictor ``ηᵢₖ = aᵢᵀγₖ`` (``K = 2`` gives the binary
    ``hᵢ(½ - pᵢ)``); the reference column gets minus their sum. It costs ``K - 1``
    products of ``X`` with a ``(d, d(K-1))`` matrix and an ``(n, K-1, d(K-1))``
    temporary: meant for the small or separated data Firth's method is for.

    Examples
    --------
    >>> import numpy as np
    >>> from logistica.solvers import solve
    >>> X = np.array([[-3.0], [-2.0], [0.0], [0.5], [2.0], [3.0]]); y = np.array([0, 0, 1, 1, 2, 2])
    >>> solution = solve(FirthProblem(X, y, MultinomialLoss(3)), tol=1e-10)
    >>> solution.solver, bool(np.all(np.isfinite(solution.coef)))  # separated, yet finite
    ('firth', True)
    """

    loss_type = MultinomialLoss

    @cached_property
    def reference_class(self) -> int:
        """The baseline class ``r`` of the penalty's parametrisation (the heaviest)."""
        totals = np.bincount(
            np.asarray(self.y, dtype=np.intp), weights=self.sample_weight, minlength=self.n_outputs
        )
        return int(np.argmax(totals))

    @property
    def _kept_classes(self) -> np.ndarray:
        return np.delete(np.arange(self.n_outputs), self.reference_class)

    def _information(self, raw: np.ndarray):
        """Fisher information of ``γ`` over ``Σsᵢ``; layout ``(row, class)``, C order."""
        state = self.loss.hessian_state(raw, self.sample_weight)
        position = {int(k): j for j, k in enumerate(self._kept_classes)}
        blocks = [
            (position[k], position[other], h)
            for k, other, h in self.loss.gram_weights(state)
            if k in position and other in position
        ]
        grams = self.design.gram([h for _, _, h in blocks], self.fit_intercept)
        rows, m = self.n_features + self.fit_intercept, self.n_outputs - 1
        information = np.zeros((rows, m, rows, m))
        for (k, other, _), gram in zip(blocks, grams, strict=True):
            information[:, k, :, other] = gram
            information[:, other, :, k] = gram.T
        return information.reshape(rows * m, rows * m), state

    def _jeffreys_gradient(self, raw: np.ndarray, factor: np.ndarray, state) -> np.ndarray:
        kept = self._kept_classes
        rows, m = self.n_features + self.fit_intercept, kept.size
        inverse = _triangular_inverse(factor).reshape(-1, rows, m)
        # images[i, k] = L⁻¹(aᵢ ⊗ eₖ), so that Mᵢ = images[i] images[i]ᵀ
        images = np.stack(
            [_rows_times(self.design, self.fit_intercept, inverse[:, :, k].T) for k in range(m)],
            axis=1,
        )
        quad = images @ images.transpose(0, 2, 1)
        proba = state.proba[:, kept]
        diagonal = np.einsum("ikk->ik", quad)
        quad_proba = np.einsum("ikl,il->ik", quad, proba)
        inner = np.sum(proba * (2.0 * quad_proba - diagonal), axis=1, keepdims=True)
        gradient = np.zeros(raw.shape)
        gradient[:, kept] = (0.5 * state.weights[:, None] * proba) * (
            diagonal - 2.0 * quad_proba + inner
        )
        gradient[:, self.reference_class] = -gradient[:, kept].sum(axis=1)
        return gradient
