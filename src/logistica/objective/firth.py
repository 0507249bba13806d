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
"""

from __future__ import annotations

import numpy as np
from scipy import linalg
from scipy.special import expit

from .design import Design
from .loss import BinomialLoss, Loss
from .penalty import ElasticNet
from .problem import Problem

__all__ = ["FirthProblem", "row_quadratic_forms"]


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
    inverse, _ = linalg.lapack.dtrtri(cholesky, lower=1)  # solve_triangular is ~1000x slower
    inverse_t = inverse.T
    z = design.matvec(inverse_t[: design.n_features])
    if fit_intercept:
        z += inverse_t[-1]
    return np.einsum("ij,ij->i", z, z)


class FirthProblem(Problem):
    """A binomial :class:`Problem` whose objective adds Firth's Jeffreys-prior penalty.

    The objective is the plain one minus ``½·log det I(β) / Σsᵢ`` (sample weights
    act as frequency weights in ``I``), i.e. the penalized log-likelihood divided
    by ``-Σsᵢ``, plus any elastic-net penalty. Takes the same parameters as
    :class:`Problem`; the loss must be :class:`BinomialLoss`.

    Raises
    ------
    ValueError
        For a non-binomial loss, or when the Fisher information at zero
        coefficients is singular (collinear columns).

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
        if not isinstance(loss, BinomialLoss):
            raise ValueError(
                "Firth's bias reduction is implemented for the binomial log-loss only; "
                f"got the {getattr(loss, 'name', type(loss).__name__)!r} loss "
                "(for more than two classes use multi_class='ovr')"
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
        # d(½ log det I)/dβ = Σ hᵢ (½ - pᵢ) aᵢ with hat values hᵢ = s̃ᵢ pᵢ(1-pᵢ) aᵢᵀ(I/Σs)⁻¹aᵢ.
        hat = state.weights * row_quadratic_forms(self.design, self.fit_intercept, factor)
        residual -= hat * (0.5 - expit(raw)) / self.total_weight
        W, _ = self.split(coef)
        value += self.penalty.value(W) - half_logdet / self.total_weight
        return value, self.grad_from_residual(coef, residual)
