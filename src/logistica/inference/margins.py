"""Marginal effects of a fitted logit: average, at representative values, discrete changes.

The effect of feature ``j`` on the probability of class ``c`` at a row ``x`` is

    dydx: ∂p_c/∂x_j = p_c·(β_cj - Σ_k p_k β_kj)      (binary: p(1-p)·β_j)
    eydx: (∂p_c/∂x_j) / p_c          dyex: (∂p_c/∂x_j)·x_j
    eyex: (∂p_c/∂x_j)·x_j / p_c

with the reference class's slopes at zero. ``at="overall"`` averages the
per-row effects over the sample (with the frequency weights), ``"mean"`` and
``"median"`` evaluate them at one representative row, and a dict fixes some
features at given values in every row before averaging (Stata's
``margins, at()``). With ``dummy=True`` a 0/1 column's effect is the discrete
change ``p(x_j = 1) - p(x_j = 0)`` (the log ratio for ``eydx``); the levels
of a categorical formula term change together, each against the reference
level. These are statsmodels' ``get_margeff`` conventions (a binary model
reports the effects on ``P(y = 1)``, a multinomial model those on every class).

Standard errors come from the delta method, ``J Σ Jᵀ`` with the covariance
``Σ`` of the parameters (whatever its ``cov_type``) and the Jacobian ``J`` of
the effects, computed by complex-step differentiation: exact to rounding, one
evaluation of the effects per parameter.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy import stats

from ._model import FittedLikelihood

__all__ = ["METHODS", "MarginalEffects", "marginal_effects", "probabilities"]

#: The effect scales: ``d`` derivative, ``e`` elasticity, of ``y`` with respect to ``x``.
METHODS = ("dydx", "eyex", "dyex", "eydx")
_AT = ("overall", "mean", "median")
_CHUNK = 4096
_STEP = 1e-20  # complex step: no cancellation, so any tiny step is exact


@dataclass(frozen=True)
class MarginalEffects:
    """Marginal effects with delta-method standard errors.

    Attributes
    ----------
    frame : DataFrame
        Columns ``effect``, ``std_err``, ``z``, ``p_value``, ``ci_lower``,
        ``ci_upper``; one row per feature (binary: effects on ``P(y = 1)``), or
        per ``(class, feature)`` (multinomial).
    cov : ndarray
        Covariance of the effects, rows in the order of ``frame``.
    at, method : str
        Where and on which scale the effects are evaluated.
    dummy : bool
        Whether 0/1 columns have discrete-change effects.
    alpha : float
        Level of the intervals.

    Examples
    --------
    >>> import numpy as np
    >>> from logistica import LogisticRegression
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(200, 2)); y = (X[:, 0] + rng.logistic(size=200) > 0).astype(int)
    >>> me = LogisticRegression(C=np.inf).fit(X, y).summarize(X, y).marginal_effects()
    >>> list(me.frame.columns[:3]), bool(me.frame.loc["x0", "p_value"] < 1e-3)
    (['effect', 'std_err', 'z'], True)
    """

    frame: pd.DataFrame
    cov: np.ndarray
    at: str
    method: str
    dummy: bool
    alpha: float

    @property
    def effects(self) -> pd.Series:
        """The effects alone."""
        return self.frame["effect"]

    def as_text(self) -> str:
        """A plain-text table, as statsmodels' ``get_margeff().summary()``.

        Examples
        --------
        >>> import numpy as np
        >>> from logistica import LogisticRegression
        >>> from logistica.inference import summarize
        >>> rng = np.random.default_rng(0)
        >>> X = rng.normal(size=(200, 2)); y = (X[:, 0] + rng.logistic(size=200) > 0).astype(int)
        >>> res = summarize(LogisticRegression(C=np.inf).fit(X, y), X, y)
        >>> print(res.marginal_effects().as_text())  # doctest: +NORMALIZE_WHITESPACE
                Marginal effects (dydx, at=overall)
        ===================================================
               dydx  std err       z  P>|z|  [0.025  0.975]
        ---------------------------------------------------
        x0   0.2231    0.026   8.545  0.000   0.172   0.274
        x1  -0.0077    0.031  -0.244  0.807  -0.069   0.054
        ===================================================
        """
        from .summary import _number

        lo, hi = f"[{self.alpha / 2:g}", f"{1 - self.alpha / 2:g}]"
        headers = [self.method, "std err", "z", "P>|z|", lo, hi]
        decimals = [4, 3, 3, -3, 3, 3]
        labels = [" ".join(map(str, np.atleast_1d(label))) for label in self.frame.index]
        cells = [
            [_number(v, d) for v in self.frame[col]]
            for col, d in zip(self.frame.columns, decimals, strict=True)
        ]
        width_label = max(map(len, labels))
        widths = [max(len(h), *map(len, col)) + 2 for h, col in zip(headers, cells, strict=True)]
        width = width_label + sum(widths)
        rule = "=" * width
        head = "".ljust(width_label) + "".join(
            h.rjust(w) for h, w in zip(headers, widths, strict=True)
        )
        rows = [
            label.ljust(width_label)
            + "".join(col[i].rjust(w) for col, w in zip(cells, widths, strict=True))
            for i, label in enumerate(labels)
        ]
        title = f"Marginal effects ({self.method}, at={self.at})".center(width)
        return "\n".join([title, rule, head, "-" * width, *rows, rule])

    def as_html(self) -> str:
        """HTML rendering of :attr:`frame`.

        Examples
        --------
        >>> import numpy as np
        >>> from logistica import LogisticRegression
        >>> from logistica.inference import summarize
        >>> rng = np.random.default_rng(0)
        >>> X = rng.normal(size=(200, 2)); y = (X[:, 0] + rng.logistic(size=200) > 0).astype(int)
        >>> res = summarize(LogisticRegression(C=np.inf).fit(X, y), X, y)
        >>> res.marginal_effects().as_html().splitlines()[0]
        '<div class="logistica-margins"><h4>Marginal effects (dydx, at=overall)</h4>'
        """
        title = html.escape(f"Marginal effects ({self.method}, at={self.at})")
        table = self.frame.to_html(float_format=lambda v: f"{v:.4g}", border=0)
        return f'<div class="logistica-margins"><h4>{title}</h4>\n{table}</div>'

    def __str__(self) -> str:
        return self.as_text()

    def _repr_html_(self) -> str:
        return self.as_html()


def _dense(X) -> np.ndarray:
    return np.asarray(X.toarray() if sp.issparse(X) else X, dtype=np.float64)


def probabilities(fit: FittedLikelihood, params: np.ndarray, X, offset=None) -> np.ndarray:
    """Class probabilities of rows ``X`` at parameters ``params`` (complex-step safe).

    Parameters
    ----------
    fit : FittedLikelihood
        The model (for its layout).
    params : ndarray of shape (n_params,)
        Parameters in inference order; may be complex.
    X : ndarray of shape (m, n_features)
        Feature rows.
    offset : ndarray of shape (m,) or (m, K), optional
        Offset of the rows.

    Returns
    -------
    ndarray of shape (m, K)
        One column per class (two for a binary model).
    """
    coef = params.reshape(fit.n_equations, -1)
    intercept, slopes = (coef[:, 0], coef[:, 1:]) if fit.problem.fit_intercept else (0.0, coef)
    eta = X @ slopes.T + intercept
    eta = np.column_stack([np.zeros(eta.shape[0]), eta])
    if offset is not None:
        eta = eta + (offset if np.ndim(offset) == 2 else np.column_stack([0 * offset, offset]))
    exp = np.exp(eta - eta.real.max(axis=1, keepdims=True))
    return exp / exp.sum(axis=1, keepdims=True)


def _slopes(fit: FittedLikelihood, params: np.ndarray) -> np.ndarray:
    """Slopes of every class, shape (K, n_features), the reference class's at zero."""
    coef = params.reshape(fit.n_equations, -1)
    slopes = coef[:, 1:] if fit.problem.fit_intercept else coef
    return np.vstack([np.zeros((1, slopes.shape[1]), dtype=slopes.dtype), slopes])


def dummy_groups(fit: FittedLikelihood, X: np.ndarray) -> list[tuple[int, ...]]:
    """Groups of 0/1 columns whose effects are discrete changes.

    A categorical formula term's columns form one group (its levels change
    together); every other 0/1 column is a group of its own.
    """
    binary = np.all((X == 0) | (X == 1), axis=0)
    groups, grouped = [], set()
    for term in fit.terms:
        cols = list(term.columns)
        if len(cols) > 1 and binary[cols].all() and np.all(X[:, cols].sum(axis=1) <= 1):
            groups.append(tuple(cols))
            grouped.update(cols)
    groups += [(j,) for j in np.flatnonzero(binary) if j not in grouped]
    return groups


def _row_effects(fit, params, X, offset, method, groups) -> np.ndarray:
    """Per-row effects, shape (m, n_features, n_outputs)."""
    p = probabilities(fit, params, X, offset)
    slopes = _slopes(fit, params)
    me = p[:, None, :] * (slopes.T[None, :, :] - (p @ slopes)[:, :, None])
    if method in ("eyex", "eydx"):
        me = me / p[:, None, :]
    if method in ("eyex", "dyex"):
        me = me * X[:, :, None]
    for group in groups:
        base = X.copy()
        base[:, list(group)] = 0.0
        p0 = probabilities(fit, params, base, offset)
        for j in group:
            level = base.copy()
            level[:, j] = 1.0
            p1 = probabilities(fit, params, level, offset)
            me[:, j, :] = np.log(p1 / p0) if method == "eydx" else p1 - p0
    return me if fit.is_multinomial else me[:, :, 1:]


def _weighted_median(X: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Column medians with frequency weights (the midpoint when a half-weight is hit)."""
    order = np.argsort(X, axis=0, kind="stable")
    out = np.empty(X.shape[1])
    for j in range(X.shape[1]):
        values, cum = X[order[:, j], j], np.cumsum(weights[order[:, j]])
        half = 0.5 * cum[-1]
        low = np.searchsorted(cum, half * (1 - 1e-12))
        high = np.searchsorted(cum, half * (1 + 1e-12), side="right")
        out[j] = 0.5 * (values[low] + values[min(high, values.size - 1)])
    return out


def _evaluation_rows(fit: FittedLikelihood, at) -> tuple[np.ndarray, np.ndarray | None, np.ndarray]:
    """Rows, their offset and weights (summing to one) at which effects are averaged."""
    problem = fit.problem
    X, offset, weights = _dense(problem.design.X), problem.offset, problem.sample_weight
    if isinstance(at, dict):
        X = X.copy()
        names = list(fit.feature_names)
        for name, value in at.items():
            if name not in names:
                raise ValueError(f"at has unknown feature {name!r}; the features are {names}")
            if not np.isfinite(float(value)):
                raise ValueError(f"at[{name!r}] must be finite, got {value!r}")
            X[:, names.index(name)] = float(value)
        return X, offset, weights
    if at == "overall":
        return X, offset, weights
    if at == "mean":
        point = weights @ X
    elif at == "median":
        point = _weighted_median(X, weights)
    else:
        raise ValueError(f"at must be one of {list(_AT)} or a dict of feature values, got {at!r}")
    offset = None if offset is None else np.atleast_1d(weights @ offset)[None]
    if offset is not None and not fit.is_multinomial:
        offset = offset[:, 0]
    return point[None, :], offset, np.ones(1)


def _average_effects(fit, params, rows, method, groups) -> np.ndarray:
    """Weighted average of the per-row effects, flattened in the frame's order."""
    X, offset, weights = rows
    total = 0.0
    for start in range(0, X.shape[0], _CHUNK):
        part = slice(start, start + _CHUNK)
        chunk_offset = None if offset is None else offset[part]
        me = _row_effects(fit, params, X[part], chunk_offset, method, groups)
        total = total + np.tensordot(weights[part], me, axes=(0, 0))
    return np.asarray(total).T.ravel()


def marginal_effects(
    fit: FittedLikelihood,
    cov: np.ndarray,
    at="overall",
    method: str = "dydx",
    dummy: bool = False,
    alpha: float = 0.05,
) -> MarginalEffects:
    """Marginal effects of every feature with delta-method inference.

    Parameters
    ----------
    fit : FittedLikelihood
        The model.
    cov : ndarray of shape (n_params, n_params)
        Covariance of the parameters.
    at : {"overall", "mean", "median"} or dict, default="overall"
        Average over the sample, or evaluate at the (weighted) mean or median
        row; a dict ``{feature: value}`` fixes those features in every row and
        averages over the sample.
    method : {"dydx", "eyex", "dyex", "eydx"}, default="dydx"
        Derivative or elasticity of the probability (see the module notes).
    dummy : bool, default=False
        Discrete changes for 0/1 columns (and categorical formula terms).
    alpha : float, default=0.05
        One minus the confidence level.

    Returns
    -------
    MarginalEffects

    Raises
    ------
    ValueError
        For an unknown ``at`` or ``method``, ``dummy=True`` with ``"eyex"`` or
        ``"dyex"`` (a 0/1 column has no elasticity), or ``alpha`` outside (0, 1).
    """
    if method not in METHODS:
        raise ValueError(f"method must be one of {list(METHODS)}, got {method!r}")
    if dummy and method in ("eyex", "dyex"):
        raise ValueError(f"method={method!r} has no meaning for 0/1 columns; use dummy=False")
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must be in (0, 1), got {alpha!r}")
    rows = _evaluation_rows(fit, at)
    groups = dummy_groups(fit, _dense(fit.problem.design.X)) if dummy else []
    params = fit.params.astype(np.complex128)
    effects = _average_effects(fit, params, rows, method, groups).real
    jacobian = np.empty((effects.size, params.size))
    for m in range(params.size):
        step = params.copy()
        step[m] += 1j * _STEP
        jacobian[:, m] = _average_effects(fit, step, rows, method, groups).imag / _STEP
    cov_effects = jacobian @ cov @ jacobian.T
    se = np.sqrt(np.clip(np.diag(cov_effects), 0.0, None))
    with np.errstate(divide="ignore", invalid="ignore"):  # a zero effect at x = 0: 0/0
        z = effects / se
    half = stats.norm.ppf(1 - alpha / 2) * se
    if fit.is_multinomial:
        index = pd.MultiIndex.from_product(
            [list(fit.classes), list(fit.feature_names)], names=["class", "feature"]
        )
    else:
        index = pd.Index(list(fit.feature_names), name="feature")
    frame = pd.DataFrame(
        {
            "effect": effects,
            "std_err": se,
            "z": z,
            "p_value": 2 * stats.norm.sf(np.abs(z)),
            "ci_lower": effects - half,
            "ci_upper": effects + half,
        },
        index=index,
    )
    label = "dict" if isinstance(at, dict) else str(at)
    return MarginalEffects(frame, cov_effects, label, method, bool(dummy), alpha)
