"""Chi-square tests of linear hypotheses: Wald tests and likelihood-ratio tests."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from scipy import linalg, stats

from ._constraints import parse_constraints

if TYPE_CHECKING:
    from ._model import FittedLikelihood

__all__ = [
    "ChiSquareTest",
    "check_nested",
    "constraint_names",
    "linear_hypothesis",
    "parameter_positions",
    "restriction_matrix",
    "t_test",
    "wald_test",
]


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


def constraint_names(labels: pd.Index) -> list[str]:
    """Names of the parameters in hypothesis strings: ``feature``, or ``feature[class]``.

    Examples
    --------
    >>> import pandas as pd
    >>> constraint_names(pd.MultiIndex.from_product([[1, 2], ["intercept", "age"]]))
    ['intercept[1]', 'age[1]', 'intercept[2]', 'age[2]']
    """
    if isinstance(labels, pd.MultiIndex):
        return [f"{feature}[{label}]" for label, feature in labels]
    return [str(label) for label in labels]


def linear_hypothesis(R, q, labels: pd.Index) -> tuple[np.ndarray, np.ndarray | None, list[str]]:
    """``(R, q, row names)`` of a hypothesis given as a matrix, names, or a string.

    A string other than a parameter name is parsed as constraints
    (``"x1 + 2*x2 = 1, x3 = 0"``; multinomial parameters are ``feature[class]``)
    and carries its own right-hand side.

    Raises
    ------
    ValueError
        For a string hypothesis with a separate ``q``, and what
        :func:`restriction_matrix` and the parser refuse.

    Examples
    --------
    >>> import pandas as pd
    >>> R, q, rows = linear_hypothesis("age = 2*dose", None, pd.Index(["intercept", "age", "dose"]))
    >>> R.tolist(), q.tolist(), rows
    ([[0.0, 1.0, -2.0]], [0.0], ['age = 2 * dose'])
    """
    features = set(map(str, labels.get_level_values(-1)))
    if isinstance(R, str) and R not in features:
        if q is not None:
            raise ValueError("a string hypothesis carries its right-hand side; do not pass q")
        matrix, rhs, parts = parse_constraints(R, constraint_names(labels))
        return matrix, rhs, parts
    matrix = restriction_matrix(R, labels)
    if _is_names(R):
        rows = [str(labels[j]) for j in parameter_positions(labels, R)]
    else:
        rows = [f"c{i}" for i in range(matrix.shape[0])]
    return matrix, q, rows


def t_test(
    params: np.ndarray, covariance: np.ndarray, R: np.ndarray, q=None, rows=None, alpha=0.05
) -> pd.DataFrame:
    """One z-test per row of ``R θ = q`` (statsmodels' ``t_test`` for a discrete model).

    Returns
    -------
    DataFrame
        Per restriction: ``coef`` (``Rθ``), ``std_err``, ``z`` (``(Rθ - q)/SE``),
        ``p_value``, and the ``1 - alpha`` interval ``ci_lower``, ``ci_upper`` of ``Rθ``.

    Examples
    --------
    >>> import numpy as np
    >>> t_test(np.array([2.0, 0.5]), np.eye(2), np.array([[1.0, -1.0]]))["z"].round(4).tolist()
    [1.0607]
    """
    q = np.zeros(R.shape[0]) if q is None else np.atleast_1d(np.asarray(q, dtype=np.float64))
    if q.shape != (R.shape[0],):
        raise ValueError(f"q has shape {q.shape}, expected ({R.shape[0]},): one per row of R")
    value = R @ params
    se = np.sqrt(np.einsum("ij,jk,ik->i", R, covariance, R))
    z = (value - q) / se
    half = stats.norm.ppf(1 - alpha / 2) * se
    return pd.DataFrame(
        {
            "coef": value,
            "std_err": se,
            "z": z,
            "p_value": 2 * stats.norm.sf(np.abs(z)),
            "ci_lower": value - half,
            "ci_upper": value + half,
        },
        index=pd.Index(rows if rows is not None else range(R.shape[0]), name="hypothesis"),
    )


def check_nested(full: FittedLikelihood, small: FittedLikelihood) -> None:
    """Raise a ``ValueError`` unless ``small`` is nested in ``full``, on the same data.

    Both must be unpenalized fits (or both Firth fits) of the same observations
    and classes, ``small`` with a subset of ``full``'s terms: what a
    likelihood-ratio test between them needs.
    """
    if full.n_params == small.n_params:
        raise ValueError("the models have as many parameters: an LR test needs nested models")
    same_data = (
        full.problem.n_samples == small.problem.n_samples
        and np.isclose(full.nobs, small.nobs)
        and np.array_equal(full.classes, small.classes)
        and np.array_equal(full.problem.y, small.problem.y)
    )
    if not same_data:
        raise ValueError("the models were not fitted on the same observations and classes")
    missing = set(small.feature_names) - set(full.feature_names)
    if missing or (small.problem.fit_intercept and not full.problem.fit_intercept):
        raise ValueError(
            f"the models are not nested: the smaller one has terms the larger lacks "
            f"({sorted(missing) or ['intercept']})"
        )
    if full.penalized or small.penalized or full.firth != small.firth:
        raise ValueError(
            "an LR test needs two unpenalized fits (or two Firth fits); refit with C=np.inf"
        )
