"""Chi-square tests of linear hypotheses: Wald tests and likelihood-ratio tests."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import linalg, stats

__all__ = ["ChiSquareTest", "parameter_positions", "restriction_matrix", "wald_test"]


@dataclass(frozen=True)
class ChiSquareTest:
    """A test statistic with a chi-square reference distribution.

    Attributes
    ----------
    name : str
        ``"wald"`` or ``"likelihood ratio"``.
    statistic : float
        The chi-square statistic.
    df : int
        Degrees of freedom (number of restrictions).
    pvalue : float
        ``P(χ²_df > statistic)``.

    Examples
    --------
    >>> ChiSquareTest("wald", 3.84, 1, 0.05)
    ChiSquareTest(name='wald', statistic=3.84, df=1, pvalue=0.05)
    """

    name: str
    statistic: float
    df: int
    pvalue: float

    def __str__(self) -> str:
        return f"{self.name} test: chi2({self.df}) = {self.statistic:.4f}, p = {self.pvalue:.4g}"


def _is_names(spec) -> bool:
    if isinstance(spec, str | tuple):
        return True
    return (
        isinstance(spec, Sequence | pd.Index)
        and len(spec) > 0
        and all(isinstance(item, str | tuple) for item in spec)
    )


def parameter_positions(labels: pd.Index, names) -> np.ndarray:
    """Positions of the parameters called ``names``.

    A feature name selects that feature's parameter in every equation (all
    non-reference classes of a multinomial model); a ``(class, feature)`` pair
    selects one parameter.

    Raises
    ------
    ValueError
        For a name that is not a parameter.

    Examples
    --------
    >>> import pandas as pd
    >>> parameter_positions(pd.Index(["intercept", "age", "dose"]), ["dose"])
    array([2])
    """
    names = [names] if isinstance(names, str | tuple) else list(names)
    features = labels.get_level_values(-1)
    positions = []
    for name in names:
        if isinstance(name, tuple) and isinstance(labels, pd.MultiIndex):
            hits = np.flatnonzero(labels == name)
        else:
            hits = np.flatnonzero(features == name)
        if hits.size == 0:
            known = list(dict.fromkeys(features))
            raise ValueError(f"unknown parameter {name!r}; the parameters are {known}")
        positions.extend(hits.tolist())
    return np.asarray(positions, dtype=np.intp)


def restriction_matrix(R, labels: pd.Index) -> np.ndarray:
    """The matrix of a hypothesis ``R θ = q``, given as a matrix, a row, or parameter names.

    Names mean "these parameters are zero" (one row each).

    Raises
    ------
    ValueError
        For a matrix whose number of columns is not the number of parameters,
        or unknown names.

    Examples
    --------
    >>> import pandas as pd
    >>> restriction_matrix(["dose"], pd.Index(["intercept", "age", "dose"]))
    array([[0., 0., 1.]])
    """
    n_params = len(labels)
    if _is_names(R):
        positions = parameter_positions(labels, R)
        return np.eye(n_params)[positions]
    matrix = np.atleast_2d(np.asarray(R, dtype=np.float64))
    if matrix.ndim != 2 or matrix.shape[1] != n_params or matrix.shape[0] == 0:
        raise ValueError(
            f"R has shape {np.shape(R)}, expected (n_restrictions, {n_params}): one column "
            f"per parameter, in the order {list(labels)}"
        )
    if not np.all(np.isfinite(matrix)):
        raise ValueError("R contains NaN or inf")
    return matrix


def wald_test(params: np.ndarray, covariance: np.ndarray, R: np.ndarray, q=None) -> ChiSquareTest:
    """Wald test of ``R θ = q``: ``(Rθ - q)ᵀ (R Σ Rᵀ)⁻¹ (Rθ - q) ~ χ²_r``.

    Parameters
    ----------
    params : ndarray of shape (k,)
        Estimates.
    covariance : ndarray of shape (k, k)
        Their covariance.
    R : ndarray of shape (r, k)
        Restriction matrix (see :func:`restriction_matrix`).
    q : array-like of shape (r,), optional
        Right-hand side; zeros by default.

    Raises
    ------
    ValueError
        For a ``q`` of the wrong length or linearly dependent restrictions.

    Examples
    --------
    >>> import numpy as np
    >>> wald_test(np.array([2.0, 0.5]), np.eye(2), np.array([[1.0, 0.0]])).statistic
    4.0
    """
    q = np.zeros(R.shape[0]) if q is None else np.atleast_1d(np.asarray(q, dtype=np.float64))
    if q.shape != (R.shape[0],):
        raise ValueError(f"q has shape {q.shape}, expected ({R.shape[0]},): one per row of R")
    gap = R @ params - q
    middle = R @ covariance @ R.T
    eigval = linalg.eigvalsh(middle)
    if not eigval[0] > 1e-12 * eigval[-1]:
        raise ValueError(
            "the restrictions are linearly dependent (R Σ Rᵀ is singular); drop redundant rows"
        )
    statistic = float(gap @ np.linalg.solve(middle, gap))
    df = R.shape[0]
    return ChiSquareTest("wald", statistic, df, float(stats.chi2.sf(statistic, df)))
