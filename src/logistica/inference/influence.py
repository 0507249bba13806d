"""Influence and residuals of a binary fit: leverage, residuals, Cook's distance, DFBETAS.

The definitions are those of statsmodels' ``GLMInfluence`` for a binomial GLM
(and of R's ``influence.measures`` for a ``glm``):

- hat values ``hᵢ = pᵢ(1-pᵢ)·aᵢᵀI⁻¹aᵢ`` (see :mod:`._leverage`);
- Pearson residuals ``(yᵢ - pᵢ)/√(pᵢ(1-pᵢ))``;
- deviance residuals ``sign(yᵢ - pᵢ)·√(-2 log Lᵢ)``;
- studentized (internally, Pearson) residuals ``rᴾᵢ/√(1 - hᵢ)``;
- Cook's distance ``(rᴾᵢ)²·hᵢ / (P·(1 - hᵢ)²)``;
- DFBETA, the one-step change of the estimate when the row is deleted,
  ``I⁻¹aᵢ(yᵢ - pᵢ)/(1 - hᵢ)`` (sign: full fit minus the fit without the row),
  and DFBETAS, DFBETA divided by the model-based standard errors.

Sample weights are frequency weights: every quantity is that of one copy of
the row (deleting one of its copies), the same as on the data with the row
repeated (statsmodels' GLM with ``freq_weights`` reports ``wᵢ·hᵢ``, the
leverage of all the copies together). ``I`` is the Fisher information, so
Firth and penalized fits get these measures at their estimate, with the
information of the likelihood.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.special import expit

from ._leverage import design_product, hat_values
from ._model import FittedLikelihood

__all__ = ["Influence", "influence"]


@dataclass(frozen=True)
class Influence:
    """Per-observation influence measures of a binary logistic fit.

    Attributes
    ----------
    hat_matrix_diag : ndarray of shape (n_samples,)
        Leverage of each row.
    resid_pearson, resid_deviance, resid_studentized : ndarray of shape (n_samples,)
        Pearson, deviance and studentized Pearson residuals.
    cooks_distance : ndarray of shape (n_samples,)
        Cook's distance.
    dfbeta : DataFrame of shape (n_samples, n_params)
        One-step change of every parameter when the row is deleted.
    dfbetas : DataFrame of shape (n_samples, n_params)
        ``dfbeta`` over the (model-based) standard errors.

    Examples
    --------
    >>> import numpy as np
    >>> from logistica import LogisticRegression
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(100, 2)); y = (X[:, 0] + rng.logistic(size=100) > 0).astype(int)
    >>> infl = LogisticRegression(C=np.inf).fit(X, y).summarize(X, y).influence()
    >>> round(float(infl.hat_matrix_diag.sum()), 6)  # the number of parameters
    3.0
    >>> list(infl.frame.columns)[:3]
    ['hat', 'resid_pearson', 'resid_deviance']
    """

    hat_matrix_diag: np.ndarray
    resid_pearson: np.ndarray
    resid_deviance: np.ndarray
    resid_studentized: np.ndarray
    cooks_distance: np.ndarray
    dfbeta: pd.DataFrame
    dfbetas: pd.DataFrame

    @property
    def frame(self) -> pd.DataFrame:
        """All measures, one row per observation (DFBETAS prefixed ``dfbetas_``)."""
        columns = pd.DataFrame(
            {
                "hat": self.hat_matrix_diag,
                "resid_pearson": self.resid_pearson,
                "resid_deviance": self.resid_deviance,
                "resid_studentized": self.resid_studentized,
                "cooks_distance": self.cooks_distance,
            },
            index=self.dfbetas.index,
        )
        return pd.concat([columns, self.dfbetas.add_prefix("dfbetas_")], axis=1)


def influence(fit: FittedLikelihood, bread: np.ndarray) -> Influence:
    """The :class:`Influence` measures of a binary fit.

    Parameters
    ----------
    fit : FittedLikelihood
        The model.
    bread : ndarray of shape (n_params, n_params)
        The inverse Fisher information (the model-based covariance).

    Returns
    -------
    Influence

    Raises
    ------
    ValueError
        For a multinomial model (its residuals are vectors, not scalars).
    """
    if fit.is_multinomial:
        raise ValueError(
            "influence measures are defined here for binary models only; for a "
            "multinomial model, summarize one binary model per class against the reference"
        )
    problem = fit.problem
    raw = problem.raw(fit.coef)
    y = problem.y
    p = expit(raw)
    residual = y - p
    hat = hat_values(fit, raw, bread)
    pearson = residual / np.sqrt(p * (1.0 - p))
    # -log Lᵢ = log(1 + e^η) - yη, without overflow
    deviance = np.sign(residual) * np.sqrt(2.0 * np.maximum(np.logaddexp(0.0, raw) - y * raw, 0))
    studentized = pearson / np.sqrt(1.0 - hat)
    cooks = studentized**2 * hat / ((1.0 - hat) * fit.n_params)
    dfbeta = design_product(fit, bread) * (residual / (1.0 - hat))[:, None]
    labels = list(fit.labels)
    rows = pd.RangeIndex(problem.n_samples, name="row")
    dfbeta_frame = pd.DataFrame(dfbeta, index=rows, columns=labels)
    return Influence(
        hat_matrix_diag=hat,
        resid_pearson=pearson,
        resid_deviance=deviance,
        resid_studentized=studentized,
        cooks_distance=cooks,
        dfbeta=dfbeta_frame,
        dfbetas=dfbeta_frame / np.sqrt(np.diag(bread)),
    )
