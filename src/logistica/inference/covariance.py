"""Covariance of the estimates: Fisher information, sandwich HC0–HC3, cluster-robust.

Every matrix here is in the inference parametrisation of
:class:`~._model.FittedLikelihood` (intercept first; multinomial: non-reference
classes, class by class) and is built from the design's blocked Gram kernel,
so no (n × d) temporary is formed except for the hat values of HC2/HC3.

Sample weights are frequency weights: a row of weight 3 counts as three
identical observations, in the meat and in ``n`` alike.

Small-sample conventions
------------------------
``HC0``
    ``I⁻¹ (Σᵢ wᵢ sᵢsᵢᵀ) I⁻¹`` with per-observation scores ``sᵢ``: statsmodels'
    ``cov_type="HC0"``. (statsmodels' ``Logit``/``MNLogit`` return this same
    matrix for ``"HC1"``, ``"HC2"`` and ``"HC3"``: it applies no correction
    outside linear models.)
``HC1``
    ``HC0 · n/(n - k)``: R sandwich's ``vcovHC(type="HC1")``, statsmodels'
    ``cov_white_simple(use_correction=True)``.
``HC2``, ``HC3``
    Binary: scores divided by ``√(1 - hᵢ)`` or ``(1 - hᵢ)`` with the hat
    values ``hᵢ = pᵢ(1-pᵢ)·aᵢᵀI⁻¹aᵢ`` of the weighted fit, as R sandwich's
    ``vcovHC`` for a ``glm``. Multinomial: the residual vector of the
    non-reference classes is multiplied by ``Vᵢ^½ (I - Hᵢ)^(-½) Vᵢ^-½``
    (HC2, Kauermann–Carroll) or ``Vᵢ^½ (I - Hᵢ)⁻¹ Vᵢ^-½`` (HC3, Mancl–DeRouen),
    ``Hᵢ`` the (K-1 × K-1) hat block of observation ``i``
    (see :mod:`._leverage`); with two classes both reduce to the binary ones.
``cluster``
    ``G/(G-1) · (n-1)/(n-k)`` times the sandwich of cluster score sums:
    statsmodels' default (``use_correction=True``, CRV1), and Stata's.
    Two-way clustering (``groups`` of shape (n, 2)) is Cameron, Gelbach and
    Miller's ``V₁ + V₂ - V₁₂``: one-way matrices on each dimension and on
    their intersection, each with its own correction. It need not be
    positive semi-definite in small samples.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy import linalg

from ..exceptions import InferenceWarning
from ._leverage import adjusted_residuals
from ._model import FittedLikelihood

__all__ = [
    "COV_TYPES",
    "SINGULAR_RTOL",
    "covariance",
    "fisher_information",
    "invert_information",
    "parameter_names",
]

#: The covariance types :func:`covariance` accepts.
COV_TYPES = ("nonrobust", "HC0", "HC1", "HC2", "HC3", "cluster")


def _assemble(fit: FittedLikelihood, blocks: list[tuple[int, int]], grams) -> np.ndarray:
    """Place Gram blocks ``(k, l)`` (problem class numbers) in parameter order."""
    order = fit.row_order
    first = 1 if fit.is_multinomial else 0
    n_eq, rows = fit.n_equations, order.size
    out = np.zeros((n_eq, rows, n_eq, rows))
    for (k, other), gram in zip(blocks, grams, strict=True):
        block = gram[np.ix_(order, order)]
        out[k - first, :, other - first, :] = block
        out[other - first, :, k - first, :] = block.T
    return out.reshape(fit.n_params, fit.n_params)


def _weighted_gram(fit: FittedLikelihood, weights: list[tuple[int, int, np.ndarray]]):
    """``Σᵢ hₖₗ,ᵢ aᵢaᵢᵀ`` for the parameter blocks (reference-class blocks dropped)."""
    first = 1 if fit.is_multinomial else 0
    kept = [(k, other, h) for k, other, h in weights if k >= first]
    design = fit.problem.design
    grams = design.gram([h for *_, h in kept], fit.problem.fit_intercept)
    return _assemble(fit, [(k, other) for k, other, _ in kept], grams)


def fisher_information(fit: FittedLikelihood, raw: np.ndarray | None = None) -> np.ndarray:
    """Expected (= observed, for the logit link) information ``Σᵢ wᵢ aᵢaᵢᵀ ⊗ Var(yᵢ)``.

    Parameters
    ----------
    fit : FittedLikelihood
        The model.
    raw : ndarray, optional
        Linear predictor to evaluate at; the estimate's by default.

    Returns
    -------
    ndarray of shape (n_params, n_params)
        The information of the log-likelihood (not of the normalised objective).

    Examples
    --------
    >>> import numpy as np
    >>> from logistica import LogisticRegression
    >>> from logistica.inference._model import from_estimator
    >>> X = np.array([[0.0], [1.0], [2.0], [3.0]]); y = [0, 1, 0, 1]
    >>> fit = from_estimator(LogisticRegression(C=np.inf).fit(X, y), X, y)
    >>> fisher_information(fit).shape
    (2, 2)
    """
    problem = fit.problem
    raw = problem.raw(fit.coef) if raw is None else raw
    state = problem.loss.hessian_state(raw, problem.sample_weight)
    return _weighted_gram(fit, problem.loss.gram_weights(state)) * problem.total_weight


#: An eigenvalue of the unit-diagonal information below this fraction of the largest
#: counts as zero: far above the rounding noise of the Gram sums (an exactly
#: duplicated column gives ~1e-16), far below what real, if ill-conditioned, data
#: give (a column with mean 2000 and SD 1 against the intercept: ~2.5e-7).
SINGULAR_RTOL = 1e-11
#: Null-space loading above which a parameter is named as collinear.
_LOADING = 1e-6


def _unit_diagonal(information: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``D⁻½ I D⁻½`` and ``D⁻½`` for ``D = diag(I)``: the information free of column units.

    Parameters without information (zero diagonal) keep a zero row and column.
    """
    diagonal = np.diag(information).copy()
    usable = np.isfinite(diagonal) & (diagonal > 0)
    inv_root = np.where(usable, 1.0 / np.sqrt(np.where(usable, diagonal, 1.0)), 0.0)
    return information * inv_root[:, None] * inv_root[None, :], inv_root


def _cholesky_inverse(scaled: np.ndarray) -> np.ndarray | None:
    """``scaled⁻¹`` when the factorisation succeeds and is clearly well-conditioned."""
    factor, status = linalg.lapack.dpotrf(scaled, lower=1, clean=1)
    if status != 0:
        return None
    one_norm = float(np.max(np.sum(np.abs(scaled), axis=0)))
    rcond, status = linalg.lapack.dpocon(factor, one_norm, uplo="L")
    # the 1-norm estimate may be off by a factor ~ k from the eigenvalue ratio
    if status != 0 or not rcond > 100 * scaled.shape[0] * SINGULAR_RTOL:
        return None
    # I⁻¹ = L⁻ᵀL⁻¹ via LAPACK's triangular inverse: SciPy's cho_solve with many
    # right-hand sides is orders of magnitude slower under threaded OpenBLAS.
    inverse_factor, status = linalg.lapack.dtrtri(factor, lower=1)
    inverse = inverse_factor.T @ inverse_factor
    return inverse if status == 0 and np.all(np.isfinite(inverse)) else None


def invert_information(information: np.ndarray, names=None) -> np.ndarray:
    """Inverse of a symmetric positive-definite information matrix, rank checked.

    The check is on the information scaled to a unit diagonal, so the units of
    the columns do not matter: it is singular when its smallest eigenvalue is
    below :data:`SINGULAR_RTOL` times its largest. A Cholesky factorisation with
    a clearly good condition estimate settles most cases; otherwise the
    eigenvalues decide. A singular information (collinear columns, or
    separation) is inverted by the pseudo-inverse of the scaled matrix, with an
    :class:`InferenceWarning` naming the parameters in its null space.

    Parameters
    ----------
    information : ndarray of shape (k, k)
        The Fisher information.
    names : sequence of str, optional
        One name per parameter, for the warning; ``p0, p1, ...`` by default.

    Returns
    -------
    ndarray of shape (k, k)

    Examples
    --------
    >>> import numpy as np
    >>> invert_information(np.diag([4.0, 0.5]))
    array([[0.25, 0.  ],
           [0.  , 2.  ]])
    """
    scaled, inv_root = _unit_diagonal(information)
    inverse = _cholesky_inverse(scaled) if np.all(inv_root > 0) else None
    if inverse is None:
        eigval, eigvec = linalg.eigh(scaled)
        kept = eigval > SINGULAR_RTOL * max(eigval[-1], 0.0)
        if kept.all():
            inverse = (eigvec / eigval) @ eigvec.T
        else:
            inverse = (eigvec[:, kept] / eigval[kept]) @ eigvec[:, kept].T
            _warn_singular(eigvec[:, ~kept], int(kept.sum()), names)
    return inverse * inv_root[:, None] * inv_root[None, :]


def _warn_singular(null_space: np.ndarray, rank: int, names) -> None:
    k = null_space.shape[0]
    names = [f"p{j}" for j in range(k)] if names is None else [str(n) for n in names]
    loading = np.sqrt(np.sum(null_space**2, axis=1))
    involved = list(dict.fromkeys(names[j] for j in np.flatnonzero(loading > _LOADING)))
    warnings.warn(
        f"the Fisher information is singular (rank {rank} of {k}): {', '.join(involved)} "
        "are not identified: collinear columns (a duplicated column, or one that is a "
        "linear combination of others and the intercept), or separated classes. Standard "
        "errors use the pseudo-inverse and are not reliable for them; drop one of the "
        "collinear columns.",
        InferenceWarning,
        stacklevel=4,
    )


def parameter_names(fit: FittedLikelihood) -> list[str]:
    """One name per parameter: its feature (or ``"intercept"``), whatever the class."""
    return [str(label[-1] if isinstance(label, tuple) else label) for label in fit.labels]


def _score_residuals(fit: FittedLikelihood, raw: np.ndarray) -> np.ndarray:
    """``yᵢ - pᵢ`` per observation (per class for multinomial), zero where ``wᵢ = 0``."""
    problem = fit.problem
    _, residual = problem.loss.value_and_residual(raw, problem.y, problem.sample_weight)
    sw = problem.sample_weight if residual.ndim == 1 else problem.sample_weight[:, None]
    return -np.divide(residual, sw, out=np.zeros_like(residual), where=sw > 0)


def _meat(fit: FittedLikelihood, raw, cov_type: str, bread) -> np.ndarray:
    """``Σᵢ wᵢ sᵢsᵢᵀ`` for HC0–HC3, as Gram products weighted by residual products."""
    problem = fit.problem
    residual = _score_residuals(fit, raw)
    if fit.is_multinomial:
        residual = residual[:, 1:]
    if cov_type in ("HC2", "HC3"):
        power = 0.5 if cov_type == "HC2" else 1.0
        residual = adjusted_residuals(fit, raw, bread, residual, power)
    weight = problem.sample_weight * problem.total_weight
    if not fit.is_multinomial:
        return _weighted_gram(fit, [(0, 0, weight * residual**2)])
    m = residual.shape[1]
    blocks = [
        (k + 1, other + 1, weight * residual[:, k] * residual[:, other])
        for k in range(m)
        for other in range(k, m)
    ]
    return _weighted_gram(fit, blocks)


def _cluster_scores(fit: FittedLikelihood, raw, codes: np.ndarray, n_groups: int) -> np.ndarray:
    """Score sums per cluster, shape (n_groups, n_params)."""
    problem = fit.problem
    weight = problem.sample_weight * problem.total_weight
    scores = _score_residuals(fit, raw).reshape(problem.n_samples, -1) * weight[:, None]
    rows = np.arange(problem.n_samples)
    parts = []
    for k in range(1 if fit.is_multinomial else 0, scores.shape[1]):
        indicator = sp.csr_matrix((scores[:, k], (codes, rows)), shape=(n_groups, rows.size))
        sums = indicator @ problem.design.X
        sums = sums.toarray() if sp.issparse(sums) else np.asarray(sums)
        if problem.fit_intercept:
            sums = np.column_stack([sums, np.bincount(codes, scores[:, k], n_groups)])
        parts.append(sums[:, fit.row_order])
    return np.hstack(parts)


def check_groups(groups, n_samples: int) -> tuple[np.ndarray, int]:
    """Integer cluster codes of ``groups`` and the number of clusters.

    ``groups`` of shape (n_samples, 2) (two-way clustering) is checked column
    by column; its codes are those of the intersection clusters.

    Raises
    ------
    ValueError
        For a wrong shape, missing values, or fewer than two clusters.
    """
    values = np.asarray(groups)
    if values.ndim == 2 and values.shape == (n_samples, 2):
        for column in values.T:
            check_groups(column, n_samples)
        pairs = [check_groups(column, n_samples)[0] for column in values.T]
        _, codes = np.unique(np.column_stack(pairs), axis=0, return_inverse=True)
        return codes.ravel(), int(codes.max()) + 1
    if values.ndim != 1 or values.shape[0] != n_samples:
        raise ValueError(
            f"groups has shape {values.shape}, expected ({n_samples},): one cluster label "
            f"per row of X (or ({n_samples}, 2) for two-way clustering)"
        )
    if np.any(pd.isna(values)):
        raise ValueError("groups contains missing values")
    _, codes = np.unique(values, return_inverse=True)
    n_groups = int(codes.max()) + 1
    if n_groups < 2:
        raise ValueError("cov_type='cluster' needs at least two distinct groups")
    return codes.ravel(), n_groups


def _one_way(fit: FittedLikelihood, raw, bread, codes: np.ndarray, n_groups: int) -> np.ndarray:
    """CRV1 cluster-robust covariance for one clustering."""
    n, k = fit.nobs, fit.n_params
    scores = _cluster_scores(fit, raw, codes, n_groups)
    correction = n_groups / (n_groups - 1) * (n - 1) / (n - k)
    return correction * (bread @ (scores.T @ scores) @ bread)


def _cluster_covariance(fit: FittedLikelihood, raw, bread, groups) -> np.ndarray:
    """One-way, or two-way (Cameron–Gelbach–Miller) cluster-robust covariance."""
    n_samples = fit.problem.n_samples
    codes, n_groups = check_groups(groups, n_samples)
    if np.ndim(groups) == 1:
        return _one_way(fit, raw, bread, codes, n_groups)
    columns = np.asarray(groups).T
    first, second = (_one_way(fit, raw, bread, *check_groups(c, n_samples)) for c in columns)
    return first + second - _one_way(fit, raw, bread, codes, n_groups)


def covariance(fit: FittedLikelihood, cov_type: str = "nonrobust", groups=None) -> np.ndarray:
    """Covariance matrix of the parameters.

    Parameters
    ----------
    fit : FittedLikelihood
        The model.
    cov_type : {"nonrobust", "HC0", "HC1", "HC2", "HC3", "cluster"}, default="nonrobust"
        See the module notes for the conventions.
    groups : array-like of shape (n_samples,) or (n_samples, 2), optional
        Cluster labels; required by (and only used with) ``"cluster"``. Two
        columns: two-way clustering.

    Returns
    -------
    ndarray of shape (n_params, n_params)

    Raises
    ------
    ValueError
        For an unknown ``cov_type``, or ``"cluster"`` without valid ``groups``.

    Examples
    --------
    >>> import numpy as np
    >>> from logistica import LogisticRegression
    >>> from logistica.inference._model import from_estimator
    >>> X = np.array([[0.0], [1.0], [2.0], [3.0], [4.0]]); y = [0, 1, 0, 1, 1]
    >>> fit = from_estimator(LogisticRegression(C=np.inf).fit(X, y), X, y)
    >>> bool(np.all(np.diag(covariance(fit, "HC1")) > 0))
    True
    """
    check_cov_type(cov_type, groups, fit)
    raw = fit.problem.raw(fit.coef)
    information = fisher_information(fit, raw)
    bread = invert_information(information, parameter_names(fit))
    if cov_type == "nonrobust":
        return bread
    if cov_type == "cluster":
        cov = _cluster_covariance(fit, raw, bread, groups)
    else:
        n, k = fit.nobs, fit.n_params
        meat = _meat(fit, raw, cov_type, bread)
        correction = n / (n - k) if cov_type == "HC1" else 1.0
        cov = correction * (bread @ meat @ bread)
    # products of symmetric matrices are symmetric only up to rounding: make it exact
    return (cov + cov.T) / 2


def check_cov_type(cov_type: str, groups, fit: FittedLikelihood) -> None:
    """Raise a ``ValueError`` for an unknown or inapplicable ``cov_type``."""
    if cov_type not in COV_TYPES:
        raise ValueError(f"unknown cov_type {cov_type!r}; choose one of {list(COV_TYPES)}")
    if cov_type == "cluster" and groups is None:
        raise ValueError("cov_type='cluster' needs groups: one cluster label per row of X")
    if cov_type != "cluster" and groups is not None:
        raise ValueError(f"groups is only used with cov_type='cluster', not {cov_type!r}")
