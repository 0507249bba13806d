"""Detection of complete and quasi-complete separation by linear programming.

The maximum-likelihood estimate fails to exist exactly when some direction
``d ≠ 0`` never lowers the margin of any observation: ``aᵢᵀ(d_{yᵢ} - d_k) ≥ 0``
for every observation ``i`` and every other class ``k`` (binary: ``ỹᵢ aᵢᵀd ≥ 0``
with ``ỹ = ±1``), with at least one strict inequality (Albert & Anderson, 1984;
Konis, 2007). Along such a direction the likelihood increases for ever. One
linear program finds the *sparsest* such direction (least L1 norm over
standardised features, intercepts free), which names the features to blame;
infeasibility proves that the estimate exists. A second program tells complete
separation (every margin can be made positive) from quasi-complete.

Given a fit, two cheaper proofs of overlap come first (this is what ``fit``
runs, so an unpenalized fit of overlapping data stays cheap):

1. By Stiemke's lemma the data overlap iff some ``λ > 0`` has ``Mᵀλ = 0``,
   where the rows of ``M`` are the margin directions above. The score of the
   likelihood is ``Mᵀλ`` with ``λᵢₖ = wᵢ pᵢₖ > 0``; moving ``λ`` by the Newton
   step ``δ = H⁻¹·score`` (``H`` from a row subsample is enough) cancels the
   score, and ``λ`` stays positive when ``1 + c(zᵢₖ - Σₗ pᵢₗ zᵢₗ) > 0`` for
   ``zᵢ = aᵢᵀδ``. Near a finite optimum ``δ`` is tiny, so this holds with a wide
   margin: one pass over the data and a small Gram matrix prove the overlap.
2. Otherwise the program runs on the few hundred observations closest to the
   fitted decision boundary: removing observations can only create separation,
   never remove it, so an infeasible subset proves that the full data overlap.

Only when both fail are the full data checked.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy import linalg
from scipy.optimize import linprog

from ..exceptions import SeparationWarning
from ..objective.firth import FirthProblem
from ..objective.loss import BinomialLoss, MultinomialLoss
from ..objective.problem import Problem

__all__ = ["SeparationReport", "detect_separation", "warn_if_separated"]

_SCREEN_ROWS = 200  # rows of the first screening LP (times 4 per retry)
_CERTIFICATE_ROWS = 2000  # rows of the Hessian of the overlap certificate
_CERTIFICATE_MAX_COEF = 1000  # above this, no dense Hessian (as the Newton solver's "auto")
_TOL = 1e-9


@dataclass(frozen=True)
class SeparationReport:
    """Outcome of :func:`detect_separation`.

    Attributes
    ----------
    kind : {"none", "quasi-complete", "complete"}
        ``"complete"``: some direction gives every observation a positive
        margin; ``"quasi-complete"``: only some of them, the rest tie at zero.
    features : tuple of str
        Features with a non-zero coefficient in the sparsest separating
        direction (empty when there is no separation).
    direction : ndarray or None
        That direction, on the features' original scale: shape (n_features,),
        or (n_features, n_classes - 1) relative to the first class.
    n_separated : int
        Observations predicted perfectly along ``direction``.

    Examples
    --------
    >>> SeparationReport("none").separated
    False
    """

    kind: str
    features: tuple[str, ...] = ()
    direction: np.ndarray | None = None
    n_separated: int = 0

    @property
    def separated(self) -> bool:
        """Whether the classes are (quasi-)completely separated."""
        return self.kind != "none"

    def message(self) -> str:
        """A sentence explaining the separation and what to do about it."""
        blame = ", ".join(self.features) if self.features else "the intercept(s)"
        return (
            f"the classes are {self.kind}ly separated by {blame} ({self.n_separated} "
            "observations predicted perfectly): the maximum-likelihood estimate does not "
            "exist, so these coefficients diverge and their standard errors are "
            "meaningless. Use a penalty (finite C), firth=True, or drop or merge the "
            "separating features."
        )


def _margin_matrix(X, codes: np.ndarray, n_classes: int, fit_intercept: bool):
    """Sparse rows ``aᵢᵀ(d_{yᵢ} - d_k)`` over variables ``[d₁ | … | d_{K-1}]``.

    Each block ``d_c`` holds the standardised feature coefficients then the
    intercept; ``d₀ = 0`` is the reference. Returns the matrix, the feature
    scales and, for every row of the matrix, the observation it comes from.
    """
    X = sp.csr_matrix(X, dtype=np.float64)
    scale = np.asarray(abs(X).max(axis=0).todense()).ravel()
    scale[scale == 0] = 1.0
    A = X @ sp.diags(1.0 / scale)
    if fit_intercept:
        A = sp.hstack([A, np.ones((X.shape[0], 1))], format="csr")
    zero = sp.csr_matrix(A.shape)
    own = [sp.diags((codes == c).astype(np.float64)) @ A for c in range(1, n_classes)]
    rows, observations = [], []
    for other in range(n_classes):
        keep = codes != other
        blocks = [own[c - 1] - (A if c == other else zero) for c in range(1, n_classes)]
        rows.append(sp.hstack(blocks, format="csr")[keep])
        observations.append(np.flatnonzero(keep))
    return sp.vstack(rows, format="csr"), scale, np.concatenate(observations)


def _sparsest_direction(M) -> np.ndarray | None:
    """Least-L1 direction with all margins ``M d ≥ 0`` summing to at least 1, or None."""
    n_var = M.shape[1]
    # d = u - v, u, v >= 0: minimise Σ(u + v) subject to -M(u - v) <= 0, -Σ M(u - v) <= -1.
    A = sp.hstack([M, -M], format="csr")
    A_ub = sp.vstack([-A, -sp.csr_matrix(A.sum(axis=0))], format="csr")
    b_ub = np.r_[np.zeros(M.shape[0]), -1.0]
    result = linprog(np.ones(2 * n_var), A_ub=A_ub, b_ub=b_ub, bounds=(0, None), method="highs")
    if result.status != 0:
        return None
    direction = result.x[:n_var] - result.x[n_var:]
    margins = M @ direction
    if margins.min() < -1e-6 * max(margins.max(), 1.0):
        return None  # "feasible" only within the solver's tolerance
    return direction


def _is_complete(M) -> bool:
    """Whether some bounded direction makes every margin strictly positive."""
    n_var = M.shape[1]
    # Maximise s subject to M d >= s, |d| <= 1, s <= 1.
    A_ub = sp.hstack([-M, np.ones((M.shape[0], 1))], format="csr")
    c = np.r_[np.zeros(n_var), -1.0]
    bounds = [(-1.0, 1.0)] * n_var + [(None, 1.0)]
    result = linprog(c, A_ub=A_ub, b_ub=np.zeros(M.shape[0]), bounds=bounds, method="highs")
    return result.status == 0 and -result.fun > _TOL


def _margins_of(problem: Problem, rows: np.ndarray):
    """:func:`_margin_matrix` of the observations ``rows``."""
    codes = problem.y[rows].astype(np.intp)
    n_classes = max(problem.n_outputs, 2)
    return _margin_matrix(problem.design.X[rows], codes, n_classes, problem.fit_intercept)


def _check_rows(problem: Problem, rows: np.ndarray, names) -> SeparationReport:
    n_classes = max(problem.n_outputs, 2)
    M, scale, observation = _margins_of(problem, rows)
    direction = _sparsest_direction(M)
    if direction is None:
        return SeparationReport("none")
    blocks = direction.reshape(n_classes - 1, -1)
    coef = (blocks[:, : problem.n_features] / scale).T
    size = np.abs(blocks).max()
    involved = np.flatnonzero(np.abs(blocks[:, : problem.n_features]).max(axis=0) > _TOL * size)
    margins = M @ direction
    return SeparationReport(
        kind="complete" if _is_complete(M) else "quasi-complete",
        features=tuple(names[j] for j in involved),
        direction=coef[:, 0] if n_classes == 2 else coef,
        n_separated=int(np.unique(observation[margins > _TOL * size]).size),
    )


def _certified_overlap(problem: Problem, coef: np.ndarray) -> bool:
    """Stiemke certificate of overlap from one Newton step at ``coef`` (module notes, 1).

    Only the log-likelihood's score and information qualify, so other losses and
    penalized problems get no certificate (the LP decides); neither do problems
    too wide for a dense Hessian.
    """
    likelihood = isinstance(problem.loss, BinomialLoss | MultinomialLoss)
    if problem.penalty.alpha > 0 or not likelihood or problem.n_coef > _CERTIFICATE_MAX_COEF:
        return False
    raw = problem.raw(coef)
    _, residual = problem.loss.value_and_residual(raw, problem.y, problem.sample_weight)
    grad = problem.grad_from_residual(coef, residual)
    hessian = problem.hessian_model(max_rows=max(_CERTIFICATE_ROWS, 20 * problem.n_coef))
    try:
        factor = linalg.cho_factor(hessian.matrix(raw), lower=True, check_finite=False)
    except linalg.LinAlgError:
        return False
    dW, db = problem.split(-linalg.cho_solve(factor, grad, check_finite=False))
    z = hessian.design.matvec(dW) + db
    rows = np.arange(problem.n_samples) if hessian.rows is None else hessian.rows
    used = problem.sample_weight[rows] > 0
    scale = 1.0 / problem.sample_weight[rows].sum()  # the subsample's weights are rescaled
    proba = problem.loss.predict_proba(raw[rows])
    z = np.column_stack([np.zeros_like(z), z]) if z.ndim == 1 else z
    centred = z - np.einsum("ik,ik->i", proba, z)[:, None]
    slack = 1.0 + scale * centred
    slack[np.arange(rows.size), problem.y[rows].astype(np.intp)] = np.inf  # k = yᵢ: no row
    return bool(np.all(np.isfinite(z)) and np.all(slack[used] > 0.5))


def _boundary_order(problem: Problem, coef: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """``rows`` sorted by the absolute fitted margin, nearest to the boundary first."""
    raw = problem.raw(coef)[rows]
    y = problem.y[rows].astype(np.intp)
    if raw.ndim == 1:
        margin = np.abs(raw)
    else:
        own = raw[np.arange(rows.size), y]
        raw[np.arange(rows.size), y] = -np.inf
        margin = np.abs(own - raw.max(axis=1))
    return rows[np.argsort(margin, kind="stable")]


def detect_separation(
    problem: Problem, feature_names=None, coef: np.ndarray | None = None
) -> SeparationReport:
    """Whether the data of ``problem`` are (quasi-)completely separated, and by what.

    Parameters
    ----------
    problem : Problem
        Design, targets and weights (observations of zero weight are ignored;
        offsets and penalties do not matter).
    feature_names : sequence of str, optional
        Names of the columns of ``X``; ``x0, x1, ...`` by default.
    coef : ndarray, optional
        A fit of ``problem``. When given, small subsets of the observations
        nearest its decision boundary are checked first (see the module notes).

    Returns
    -------
    SeparationReport

    Examples
    --------
    >>> import numpy as np
    >>> from logistica.objective import BinomialLoss, Problem
    >>> X = np.array([[-2.0, 1.0], [-1.0, -1.0], [0.0, 1.0], [0.0, 1.0], [1.0, 1.0]])
    >>> y = np.array([0.0, 0.0, 0.0, 1.0, 1.0])
    >>> report = detect_separation(Problem(X, y, BinomialLoss()), ["age", "dose"])
    >>> report.kind, report.features
    ('quasi-complete', ('age',))
    """
    names = (
        [f"x{j}" for j in range(problem.n_features)]
        if feature_names is None
        else list(feature_names)
    )
    rows = np.flatnonzero(problem.sample_weight > 0)
    if coef is not None:
        if _certified_overlap(problem, coef):
            return SeparationReport("none")
        ordered = _boundary_order(problem, coef, rows)
        size = max(_SCREEN_ROWS, 10 * problem.n_coef)
        while size < rows.size:
            if _sparsest_direction(_margins_of(problem, np.sort(ordered[:size]))[0]) is None:
                return SeparationReport("none")
            size *= 4
    return _check_rows(problem, rows, names)


def warn_if_separated(problem: Problem, coef: np.ndarray, feature_names=None) -> None:
    """Emit a :class:`SeparationWarning` when an unpenalized fit's data are separated.

    Penalized and Firth fits have finite estimates whatever the data, so they
    are not checked.

    Examples
    --------
    >>> import warnings
    >>> import numpy as np
    >>> from logistica.objective import BinomialLoss, Problem
    >>> X = np.array([[-1.0], [1.0]]); y = np.array([0.0, 1.0])
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     warn_if_separated(Problem(X, y, BinomialLoss()), np.array([30.0, 0.0]))
    >>> caught[0].category.__name__
    'SeparationWarning'
    """
    if problem.penalty.alpha > 0 or isinstance(problem, FirthProblem):
        return
    report = detect_separation(problem, feature_names, coef)
    if report.separated:
        warnings.warn(report.message(), SeparationWarning, stacklevel=3)
