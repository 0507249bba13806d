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

Given a fit, cheaper proofs come first (:mod:`._overlap`): a fitted linear
predictor that classifies every observation correctly proves complete
separation, and one Newton step proves overlap (Stiemke's lemma). Then the
program runs on the few hundred observations closest to the fitted decision
boundary: removing observations can only create separation, never remove it,
so an infeasible subset proves that the full data overlap. Only when all these
fail are the full data checked.

The check inside ``fit`` (:func:`warn_if_separated`) keeps its cost a small
fraction of the fit's: the overlap certificate only within a work budget, the
linear programs only up to :data:`~._overlap.LP_MAX_ENTRIES` stored entries.
When that leaves the question open it says so in a :class:`SeparationWarning`,
and :func:`detect_separation` (``Results.separation``) gives the full answer.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.optimize import linprog

from ..exceptions import SeparationWarning
from ..objective.firth import FirthProblem
from ..objective.problem import Problem
from ._overlap import (
    LP_MAX_ENTRIES,
    certified_overlap,
    lp_entries,
    overlap_certificate_affordable,
    separates,
)

__all__ = ["SeparationReport", "detect_separation", "warn_if_separated"]

_SCREEN_ROWS = 200  # rows of the first screening LP (times 4 per retry)
_TOL = 1e-9
_ADVICE = "Use a penalty (finite C), firth=True, or drop or merge the separating features."


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
        direction (empty when there is no separation, or when it was proved
        from the fitted coefficients without the linear program).
    direction : ndarray or None
        That direction, on the features' original scale: shape (n_features,),
        or (n_features, n_classes - 1) relative to the first class.
    n_separated : int
        Observations that some separating direction predicts perfectly (every
        margin of theirs positive); all of them under complete separation.
    certificate : {"linear program", "fitted coefficients"}
        How the answer was proved: the fitted linear predictor classifying
        every observation correctly proves complete separation on its own.

    Examples
    --------
    >>> SeparationReport("none").separated
    False
    """

    kind: str
    features: tuple[str, ...] = ()
    direction: np.ndarray | None = None
    n_separated: int = 0
    certificate: str = "linear program"

    @property
    def separated(self) -> bool:
        """Whether the classes are (quasi-)completely separated."""
        return self.kind != "none"

    def message(self) -> str:
        """A sentence explaining the separation and what to do about it.

        Examples
        --------
        >>> from logistica.objective import BinomialLoss, Problem
        >>> X = np.array([[-2.0, 1.0], [-1.0, -1.0], [0.0, 1.0], [0.0, 1.0], [1.0, 1.0]])
        >>> y = np.array([0.0, 0.0, 0.0, 1.0, 1.0])
        >>> report = detect_separation(Problem(X, y, BinomialLoss()), ["age", "dose"])
        >>> print(report.message())  # doctest: +ELLIPSIS
        the classes are quasi-completely separated by age (3 observations predicted perfectly): ...
        """
        if not self.separated:
            return "the classes overlap: the maximum-likelihood estimate exists."
        consequence = (
            "the maximum-likelihood estimate does not exist, so these coefficients "
            "diverge and their standard errors are meaningless."
        )
        if self.certificate == "fitted coefficients":
            return (
                f"the classes are completely separated: the fitted linear predictor "
                f"classifies all {self.n_separated} observations correctly, so "
                f"{consequence} The linear program naming the fewest separating features "
                "was skipped to keep the check cheap; model.summarize(X, y).separation "
                f"(logistica.inference.detect_separation) runs it. {_ADVICE}"
            )
        blame = ", ".join(self.features) if self.features else "the intercept(s)"
        return (
            f"the classes are {self.kind}ly separated by {blame} ({self.n_separated} "
            f"observations predicted perfectly): {consequence} {_ADVICE}"
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


def _separable_rows(M) -> np.ndarray:
    """Rows of ``M`` that some direction with all margins ``M d ≥ 0`` makes positive.

    Two such directions add up to one that makes the union of their rows
    positive, so the largest such set exists. One program finds it: maximise
    ``Σ tᵢ`` over ``0 ≤ tᵢ ≤ 1`` and ``tᵢ ≤ (M d)ᵢ``; scaling ``d`` up puts
    ``tᵢ = 1`` on every row of that set. (The sparsest direction need not be
    positive on all of them: it ties some margins at zero.)
    """
    n_rows, n_var = M.shape
    A_ub = sp.hstack([-M, sp.identity(n_rows, format="csr")], format="csr")
    c = np.r_[np.zeros(n_var), -np.ones(n_rows)]
    bounds = [(None, None)] * n_var + [(0.0, 1.0)] * n_rows
    result = linprog(c, A_ub=A_ub, b_ub=np.zeros(n_rows), bounds=bounds, method="highs")
    if result.status != 0:
        return np.zeros(n_rows, dtype=bool)
    return result.x[n_var:] > 0.5


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
    separable = _separable_rows(M)
    # an observation is predicted perfectly when all its margins can be positive
    tied = np.bincount(observation, weights=~separable, minlength=problem.n_samples)
    return SeparationReport(
        kind="complete" if separable.all() else "quasi-complete",
        features=tuple(names[j] for j in involved),
        direction=coef[:, 0] if n_classes == 2 else coef,
        n_separated=int(np.sum(tied[rows] == 0)),
    )


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


def _screened_overlap(
    problem: Problem, coef: np.ndarray, rows: np.ndarray, max_entries: float
) -> bool:
    """Whether a subset of the observations nearest the boundary provably overlaps.

    Subsets grow fourfold from a few hundred rows while their margin matrix
    stays within ``max_entries`` stored entries.
    """
    ordered = _boundary_order(problem, coef, rows)
    size = max(_SCREEN_ROWS, 10 * problem.n_coef)
    while size < rows.size and lp_entries(problem, size) <= max_entries:
        if _sparsest_direction(_margins_of(problem, np.sort(ordered[:size]))[0]) is None:
            return True
        size *= 4
    return False


def _names(problem: Problem, feature_names) -> list[str]:
    if feature_names is None:
        return [f"x{j}" for j in range(problem.n_features)]
    return list(feature_names)


def detect_separation(
    problem: Problem, feature_names=None, coef: np.ndarray | None = None
) -> SeparationReport:
    """Whether the data of ``problem`` are (quasi-)completely separated, and by what.

    This is the full check: whatever the size of the problem, a linear program
    decides when the cheaper proofs do not (see the module notes).

    Parameters
    ----------
    problem : Problem
        Design, targets and weights (observations of zero weight are ignored;
        offsets and penalties do not matter).
    feature_names : sequence of str, optional
        Names of the columns of ``X``; ``x0, x1, ...`` by default.
    coef : ndarray, optional
        A fit of ``problem``. When given, an overlap certificate and small
        subsets of the observations nearest its decision boundary are tried
        first (see the module notes).

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
    rows = np.flatnonzero(problem.sample_weight > 0)
    if coef is not None and not separates(problem, coef, rows):
        if overlap_certificate_affordable(problem) and certified_overlap(problem, coef):
            return SeparationReport("none")
        if _screened_overlap(problem, coef, rows, np.inf):
            return SeparationReport("none")
    return _check_rows(problem, rows, _names(problem, feature_names))


def _skipped_message(problem: Problem, n_rows: int) -> str:
    return (
        "could not verify that the maximum-likelihood estimate exists (that the classes "
        "are not separated): the quick certificates were inconclusive, and the exact "
        f"linear-programming check was skipped because its margin matrix would hold "
        f"~{lp_entries(problem, n_rows):.3g} entries (the check inside fit runs it up to "
        f"{LP_MAX_ENTRIES:g}, to cost a small fraction of the fit). If the classes are "
        "separated, the coefficients diverge and their standard errors are meaningless. "
        "model.summarize(X, y).separation (logistica.inference.detect_separation) runs "
        "the full check; a penalty (finite C) or firth=True always gives finite estimates."
    )


def _check_in_fit(problem: Problem, coef: np.ndarray, names) -> SeparationReport | str:
    """The bounded check of :func:`warn_if_separated`: a report, or why it was skipped."""
    rows = np.flatnonzero(problem.sample_weight > 0)
    small = lp_entries(problem, rows.size) <= LP_MAX_ENTRIES
    if separates(problem, coef, rows):
        if small:
            return _check_rows(problem, rows, names)
        W, b = problem.split(coef)
        if hasattr(problem.design, "to_original"):  # a standardized design
            W, _ = problem.design.to_original(W, b)
        direction = W if W.ndim == 1 else W[:, 1:] - W[:, :1]
        return SeparationReport(
            "complete",
            direction=direction,
            n_separated=rows.size,
            certificate="fitted coefficients",
        )
    if overlap_certificate_affordable(problem) and certified_overlap(problem, coef):
        return SeparationReport("none")
    if _screened_overlap(problem, coef, rows, LP_MAX_ENTRIES):
        return SeparationReport("none")
    if small:
        return _check_rows(problem, rows, names)
    return _skipped_message(problem, rows.size)


def warn_if_separated(problem: Problem, coef: np.ndarray, feature_names=None) -> None:
    """Emit a :class:`SeparationWarning` when an unpenalized fit's data are separated.

    Penalized and Firth fits have finite estimates whatever the data, so they
    are not checked. The check's cost stays a small fraction of the fit's (see
    the module notes); when that budget cannot settle the question, the
    warning says so and points to :func:`detect_separation`.

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
    outcome = _check_in_fit(problem, coef, _names(problem, feature_names))
    if isinstance(outcome, str):
        warnings.warn(outcome, SeparationWarning, stacklevel=3)
    elif outcome.separated:
        warnings.warn(outcome.message(), SeparationWarning, stacklevel=3)
