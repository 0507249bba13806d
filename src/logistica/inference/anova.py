"""Tests of formula terms: type II and type III likelihood-ratio and Wald tests.

Each term of a formula fit (a categorical variable is one term, all its
levels — and, for a multinomial model, all classes — at once) is tested as R's
``car::Anova`` does for a ``glm``:

type III
    The term against the full model without it, whatever else the model has:
    LR ``2·(ℓ(full) - ℓ(full - term))``; Wald test of the term's parameters with
    this object's covariance (any ``cov_type``).
type II
    The term after all the others that do not contain it (marginality): with
    ``H`` the terms that contain it (its interactions), LR
    ``2·(ℓ(full - H) - ℓ(full - H - term))``; the Wald test of the term in the
    model ``full - H``, with that model's Fisher information (this object's
    covariance when ``H`` is empty).

Sub-models are constrained refits of the full problem (the dropped parameters
held at zero), so the data and weights are the fit's.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from ._model import FittedLikelihood, Term
from .covariance import fisher_information, invert_information
from .hypothesis import wald_test
from .profile import refit

__all__ = ["anova"]


def _mask(fit: FittedLikelihood, terms: list[Term]) -> np.ndarray:
    """Parameters (all equations) of the features of ``terms``."""
    width = fit.row_order.size
    mask = np.zeros((fit.n_equations, width), dtype=bool)
    for term in terms:
        mask[:, [j + fit.problem.fit_intercept for j in term.columns]] = True
    return mask.ravel()


def _submodel(fit: FittedLikelihood, dropped: np.ndarray) -> tuple[float, np.ndarray]:
    """Log-likelihood and estimate with the ``dropped`` parameters at zero."""
    if not dropped.any():
        return fit.loglik(), fit.coef
    start = fit.coef.copy()
    start[fit.index[dropped]] = 0.0
    return refit(fit, dropped, start)


def _wald(fit: FittedLikelihood, coef, dropped, tested, cov) -> float:
    """Wald statistic of the ``tested`` parameters in the model without ``dropped``."""
    free = ~dropped
    if cov is None:
        information = fisher_information(fit, fit.problem.raw(coef))[np.ix_(free, free)]
        cov = invert_information(information)
    params = coef[fit.index][free]
    R = np.eye(free.sum())[tested[free]]
    return wald_test(params, cov, R).statistic


def anova(fit: FittedLikelihood, cov: np.ndarray, typ: int = 2) -> pd.DataFrame:
    """Likelihood-ratio and Wald tests of every formula term.

    Parameters
    ----------
    fit : FittedLikelihood
        A model fitted by :func:`logistica.formula.logit`, unpenalized (or Firth).
    cov : ndarray of shape (n_params, n_params)
        Covariance of the full model's parameters (for the Wald tests of the
        full model).
    typ : {2, 3}, default=2
        Type II (marginality respected) or type III tests.

    Returns
    -------
    DataFrame
        One row per term: ``df``, ``lr_chi2``, ``lr_p_value``, ``wald_chi2``,
        ``wald_p_value``.

    Raises
    ------
    ValueError
        For a model without formula terms, a penalized fit, or a ``typ`` other
        than 2 or 3.
    """
    if typ not in (2, 3):
        raise ValueError(f"typ must be 2 or 3, got {typ!r}")
    if not fit.terms:
        raise ValueError("anova tests formula terms: fit the model with logistica.formula.logit")
    if fit.penalized:
        raise ValueError("anova needs an unpenalized (or Firth) fit; refit with C=np.inf")
    rows = {}
    for term in fit.terms:
        higher = [] if typ == 3 else [t for t in fit.terms if t.factors > term.factors]
        outer = _mask(fit, higher)
        tested = _mask(fit, [term])
        loglik, coef = _submodel(fit, outer)
        smaller, _ = _submodel(fit, outer | tested)
        lr = max(2.0 * (loglik - smaller), 0.0)
        wald = _wald(fit, coef, outer, tested, None if outer.any() else cov)
        df = int(tested.sum())
        rows[term.name] = {
            "df": df,
            "lr_chi2": lr,
            "lr_p_value": float(stats.chi2.sf(lr, df)),
            "wald_chi2": wald,
            "wald_p_value": float(stats.chi2.sf(wald, df)),
        }
    frame = pd.DataFrame.from_dict(rows, orient="index")
    frame.index.name = "term"
    return frame
