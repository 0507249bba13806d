"""``Results``: an immutable, lazily computed summary of a fitted logistic regression.

Names follow statsmodels (``params``, ``bse``, ``tvalues``, ``pvalues``,
``conf_int``, ``llf``, ``llnull``, ``prsquared``, ``llr_pvalue``, ...), so code
written for ``statsmodels.Logit`` results reads the same. Every quantity is a
cached property computed on first access: asking for ``bse`` costs one Gram
product, never a null-model fit or a separation check.
"""

from __future__ import annotations

import warnings
from functools import cached_property

import numpy as np
import pandas as pd
from scipy import stats

from ..exceptions import InferenceWarning
from ._model import FittedLikelihood
from .anova import anova
from .bootstrap import INTERVALS, BootstrapDraws
from .covariance import check_cov_type, check_groups, covariance
from .diagnostics import condition_number, variance_inflation_factors
from .hypothesis import (
    ChiSquareTest,
    check_nested,
    linear_hypothesis,
    parameter_positions,
    t_test,
    wald_test,
)
from .influence import Influence, influence
from .margins import MarginalEffects, marginal_effects
from .prediction import predict_with_ci
from .profile import profile_conf_int, refit
from .separation import SeparationReport, detect_separation
from .summary import Summary, build_summary

__all__ = ["Results"]


class Results:
    """Standard errors, tests and fit statistics of a fitted ``LogisticRegression``.

    Build it with :func:`summarize` (or ``model.summarize(X, y)``). Parameters
    are ordered ``intercept`` then the features; a multinomial model has one
    column (one block of parameters) per class other than the first, relative
    to the first class, as statsmodels' ``MNLogit``.

    Parameters
    ----------
    fit : FittedLikelihood
        The model's likelihood and estimate.
    cov_type : {"nonrobust", "HC0", "HC1", "HC2", "HC3", "cluster"}, default="nonrobust"
        Covariance of the estimates (see :mod:`logistica.inference.covariance`).
    groups : array-like of shape (n_samples,) or (n_samples, 2), optional
        Cluster labels for ``cov_type="cluster"``; two columns for two-way clustering.
    bootstrap : BootstrapDraws, optional
        Refitted coefficients of a bootstrap (``summarize(..., method="bootstrap")``):
        the covariance is theirs (``cov_type`` becomes ``"bootstrap"``) and
        intervals default to BCa (see :mod:`logistica.inference.bootstrap`).

    Examples
    --------
    >>> import numpy as np
    >>> from logistica import LogisticRegression
    >>> from logistica.inference import summarize
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(200, 2)); y = (X[:, 0] + rng.logistic(size=200) > 0).astype(int)
    >>> res = summarize(LogisticRegression(C=np.inf).fit(X, y), X, y)
    >>> list(res.params.index), bool(res.pvalues["x0"] < 0.001)
    (['intercept', 'x0', 'x1'], True)
    """

    def __init__(
        self,
        fit: FittedLikelihood,
        cov_type: str = "nonrobust",
        groups=None,
        bootstrap: BootstrapDraws | None = None,
    ) -> None:
        check_cov_type(cov_type, groups, fit)
        if groups is not None:
            check_groups(groups, fit.problem.n_samples)
        if bootstrap is not None:
            if cov_type != "nonrobust":
                raise ValueError(
                    f"a bootstrap gives its own covariance; cov_type={cov_type!r} does not apply"
                )
            cov_type = "bootstrap"
        elif fit.penalized:
            warnings.warn(
                "the model was fitted with a penalty (finite C): these standard errors, "
                "tests and intervals treat the estimates as maximum-likelihood ones and "
                "ignore the penalty's bias (shrinkage toward zero). For valid inference fit "
                "with C=np.inf, or firth=True.",
                InferenceWarning,
                stacklevel=3,
            )
        object.__setattr__(self, "_fit", fit)
        object.__setattr__(self, "cov_type", cov_type)
        object.__setattr__(self, "_groups", groups)
        object.__setattr__(self, "bootstrap", bootstrap)
        object.__setattr__(self, "_profiles", {})

    def __setattr__(self, name, value):
        raise AttributeError(f"Results is immutable; cannot set {name!r}")

    def __delattr__(self, name):
        raise AttributeError(f"Results is immutable; cannot delete {name!r}")

    def __repr__(self) -> str:
        kind = "multinomial" if self._fit.is_multinomial else "binary"
        return f"<logistica Results: {kind} logit, {self.n_params} parameters, {self.cov_type}>"

    # -- layout ------------------------------------------------------------------------
    @property
    def feature_names(self) -> tuple[str, ...]:
        """Names of the features (without the intercept)."""
        return self._fit.feature_names

    @property
    def classes(self) -> np.ndarray:
        """Class labels; the first is the reference of a multinomial model."""
        return self._fit.classes

    @property
    def n_params(self) -> int:
        """Number of estimated parameters."""
        return self._fit.n_params

    @property
    def nobs(self) -> float:
        """Number of observations (the sum of the frequency weights)."""
        return self._fit.nobs

    @property
    def df_model(self) -> int:
        """Parameters besides the intercepts (statsmodels' ``df_model``)."""
        return self.n_params - self._fit.n_intercepts

    @property
    def df_resid(self) -> float:
        """``nobs`` minus the number of parameters."""
        return self.nobs - self.n_params

    @property
    def method(self) -> str:
        """How the estimates were obtained."""
        if self._fit.firth:
            return "Firth (penalized ML)"
        return "penalized" if self._fit.penalized else "MLE"

    def _frame(self, values: np.ndarray) -> pd.Series | pd.DataFrame:
        """Series over the parameters (binary) or terms × classes DataFrame (multinomial)."""
        fit = self._fit
        if not fit.is_multinomial:
            return pd.Series(values, index=fit.labels)
        table = values.reshape(fit.n_equations, -1).T
        columns = pd.Index(list(fit.classes[1:]), name="class")
        return pd.DataFrame(table, index=pd.Index(fit.term_names, name="feature"), columns=columns)

    # -- estimates ---------------------------------------------------------------------
    @cached_property
    def _params(self) -> np.ndarray:
        return self._fit.params

    @cached_property
    def _cov(self) -> np.ndarray:
        if self.bootstrap is not None:
            return self.bootstrap.covariance()
        return covariance(self._fit, self.cov_type, self._groups)

    @cached_property
    def _bse(self) -> np.ndarray:
        return np.sqrt(np.diag(self._cov))

    @cached_property
    def params(self) -> pd.Series | pd.DataFrame:
        """Estimated coefficients."""
        return self._frame(self._params)

    @cached_property
    def bse(self) -> pd.Series | pd.DataFrame:
        """Standard errors."""
        return self._frame(self._bse)

    @cached_property
    def tvalues(self) -> pd.Series | pd.DataFrame:
        """z-statistics ``params / bse`` (statsmodels' name)."""
        return self._frame(self._params / self._bse)

    @cached_property
    def pvalues(self) -> pd.Series | pd.DataFrame:
        """Two-sided p-values of the z-statistics."""
        return self._frame(2 * stats.norm.sf(np.abs(self._params / self._bse)))

    def cov_params(self) -> pd.DataFrame:
        """Covariance matrix of the parameters, labelled.

        Examples
        --------
        >>> from logistica import LogisticRegression
        >>> from logistica.inference import summarize
        >>> rng = np.random.default_rng(0)
        >>> X = rng.normal(size=(200, 2)); y = (X[:, 0] + rng.logistic(size=200) > 0).astype(int)
        >>> res = summarize(LogisticRegression(C=np.inf).fit(X, y), X, y)
        >>> res.cov_params().round(4)  # doctest: +NORMALIZE_WHITESPACE
        feature    intercept      x0      x1
        feature
        intercept     0.0253  0.0040 -0.0003
        x0            0.0040  0.0386 -0.0009
        x1           -0.0003 -0.0009  0.0245
        """
        labels = self._fit.labels
        return pd.DataFrame(self._cov, index=labels, columns=labels)

    def _positions(self, cols) -> np.ndarray:
        if cols is None:
            return np.arange(self.n_params)
        if all(isinstance(c, int | np.integer) for c in np.atleast_1d(cols)):
            positions = np.atleast_1d(np.asarray(cols, dtype=np.intp))
            if np.any((positions < 0) | (positions >= self.n_params)):
                raise ValueError(f"cols must be in [0, {self.n_params}), got {cols!r}")
            return positions
        return parameter_positions(self._fit.labels, cols)

    def conf_int(self, alpha: float = 0.05, method: str | None = None, cols=None) -> pd.DataFrame:
        """Confidence intervals at level ``1 - alpha``.

        Parameters
        ----------
        alpha : float, default=0.05
            One minus the confidence level.
        method : {"wald", "profile", "percentile", "bca"}, optional
            ``"wald"`` (the default): ``θ ± z·SE`` with this object's covariance.
            ``"profile"``: profile likelihood, as R's ``confint`` for a ``glm``
            (unpenalized or Firth fits; model-based, whatever ``cov_type``).
            ``"percentile"``, ``"bca"`` (the default with a bootstrap):
            bootstrap intervals, for results of ``summarize(..., method="bootstrap")``.
        cols : sequence of str or int, optional
            Parameters to compute (names as in :meth:`wald_test`, or positions).

        Returns
        -------
        DataFrame
            Columns ``lower`` and ``upper``, one row per parameter.

        Examples
        --------
        >>> from logistica import LogisticRegression
        >>> from logistica.inference import summarize
        >>> rng = np.random.default_rng(0)
        >>> X = rng.normal(size=(200, 2)); y = (X[:, 0] + rng.logistic(size=200) > 0).astype(int)
        >>> res = summarize(LogisticRegression(C=np.inf).fit(X, y), X, y)
        >>> res.conf_int().round(3)  # doctest: +NORMALIZE_WHITESPACE
                   lower  upper
        feature
        intercept -0.180  0.443
        x0         0.724  1.495
        x1        -0.345  0.269
        """
        if not 0 < alpha < 1:
            raise ValueError(f"alpha must be in (0, 1), got {alpha!r}")
        positions = self._positions(cols)
        method = self._interval_method(method)
        if method == "wald":
            half = stats.norm.ppf(1 - alpha / 2) * self._bse[positions]
            bounds = np.column_stack(
                [self._params[positions] - half, self._params[positions] + half]
            )
        elif method == "profile":
            key = (alpha, tuple(positions))
            if key not in self._profiles:
                self._profiles[key] = profile_conf_int(self._fit, alpha, positions)
            bounds = self._profiles[key]
        elif method in INTERVALS and self.bootstrap is not None:
            bounds = self.bootstrap.interval(alpha, method)[positions]
        else:
            raise ValueError(
                f"method must be 'wald', 'profile', or with a bootstrap 'percentile' or "
                f"'bca', got {method!r}"
            )
        return pd.DataFrame(bounds, index=self._fit.labels[positions], columns=["lower", "upper"])

    def _interval_method(self, method: str | None) -> str:
        """The interval method asked for, or the default (BCa with a bootstrap, else Wald)."""
        if method is None:
            return "wald" if self.bootstrap is None else "bca"
        return method

    def odds_ratios(self, alpha: float = 0.05, method: str | None = None) -> pd.DataFrame:
        """Odds ratios ``exp(θ)`` with their confidence intervals.

        For a multinomial model these are relative-risk ratios of each class
        against the first one.

        Returns
        -------
        DataFrame
            Columns ``odds_ratio``, ``lower``, ``upper``.

        Examples
        --------
        >>> from logistica import LogisticRegression
        >>> from logistica.inference import summarize
        >>> rng = np.random.default_rng(0)
        >>> X = rng.normal(size=(200, 2)); y = (X[:, 0] + rng.logistic(size=200) > 0).astype(int)
        >>> res = summarize(LogisticRegression(C=np.inf).fit(X, y), X, y)
        >>> res.odds_ratios().round(3)  # doctest: +NORMALIZE_WHITESPACE
                   odds_ratio  lower  upper
        feature
        intercept       1.141  0.835  1.558
        x0              3.033  2.063  4.459
        x1              0.963  0.708  1.308
        """
        bounds = np.exp(self.conf_int(alpha, method))
        bounds.insert(0, "odds_ratio", np.exp(self._params))
        return bounds

    # -- likelihood --------------------------------------------------------------------
    @cached_property
    def llf(self) -> float:
        """Log-likelihood at the estimate (Firth fits: the penalized log-likelihood)."""
        return self._fit.loglik()

    @cached_property
    def llnull(self) -> float:
        """Log-likelihood of the model with intercepts (and offset) only.

        Without an intercept the null model is the offset alone (``β = 0``), as in
        R's ``glm``; statsmodels fits a constant even then.
        """
        fit = self._fit
        return refit(fit, ~fit.intercept_mask, fit.problem.zero_coef())[0]

    @property
    def deviance(self) -> float:
        """``-2·llf`` (the saturated model of 0/1 data has likelihood 1)."""
        return -2.0 * self.llf

    @property
    def null_deviance(self) -> float:
        """``-2·llnull``."""
        return -2.0 * self.llnull

    @property
    def aic(self) -> float:
        """Akaike's information criterion ``-2·llf + 2k``."""
        return -2.0 * self.llf + 2.0 * self.n_params

    @property
    def bic(self) -> float:
        """Schwarz's criterion ``-2·llf + k·log(nobs)``."""
        return -2.0 * self.llf + self.n_params * np.log(self.nobs)

    @property
    def prsquared(self) -> float:
        """McFadden's pseudo-R² ``1 - llf/llnull``."""
        return 1.0 - self.llf / self.llnull

    @property
    def prsquared_adj(self) -> float:
        """McFadden's adjusted pseudo-R² ``1 - (llf - k)/llnull``, ``k`` parameters."""
        return 1.0 - (self.llf - self.n_params) / self.llnull

    @property
    def llr(self) -> float:
        """Likelihood-ratio statistic against the null model."""
        return 2.0 * (self.llf - self.llnull)

    @property
    def llr_pvalue(self) -> float:
        """p-value of :attr:`llr` on ``df_model`` degrees of freedom."""
        return float(stats.chi2.sf(self.llr, self.df_model))

    # -- tests -------------------------------------------------------------------------
    def wald_test(self, R, q=None) -> ChiSquareTest:
        """Wald test of the linear hypothesis ``R θ = q``.

        Parameters
        ----------
        R : array-like of shape (r, n_params) or (n_params,), names, or str
            The restrictions, columns in the order of :meth:`cov_params`; or
            parameter names meaning "these are zero": a feature name (all its
            parameters, in every class of a multinomial model), or a
            ``(class, feature)`` pair; or a string of constraints as in
            statsmodels, ``"GPA = PSI"``, ``"x1 + 2*x2 = 1, x3 = 0"`` (the
            parameters of a multinomial model are written ``feature[class]``).
        q : array-like of shape (r,), optional
            Right-hand side, zeros by default (a string carries its own).

        Returns
        -------
        ChiSquareTest

        Examples
        --------
        >>> from logistica import LogisticRegression
        >>> from logistica.inference import summarize
        >>> rng = np.random.default_rng(0)
        >>> X = rng.normal(size=(200, 2)); y = (X[:, 0] + rng.logistic(size=200) > 0).astype(int)
        >>> res = summarize(LogisticRegression(C=np.inf).fit(X, y), X, y)
        >>> print(res.wald_test("x1"))
        wald test: chi2(1) = 0.0594, p = 0.8075
        """
        matrix, q, _ = linear_hypothesis(R, q, self._fit.labels)
        return wald_test(self._params, self._cov, matrix, q)

    def t_test(self, R, q=None, alpha: float = 0.05) -> pd.DataFrame:
        """One z-test per restriction of ``R θ = q`` (``R`` and ``q`` as in :meth:`wald_test`).

        Returns
        -------
        DataFrame
            ``coef`` (``Rθ``), ``std_err``, ``z``, ``p_value``, ``ci_lower``,
            ``ci_upper``, one row per restriction.

        Examples
        --------
        >>> from logistica import LogisticRegression
        >>> from logistica.inference import summarize
        >>> rng = np.random.default_rng(0)
        >>> X = rng.normal(size=(200, 2)); y = (X[:, 0] + rng.logistic(size=200) > 0).astype(int)
        >>> res = summarize(LogisticRegression(C=np.inf).fit(X, y), X, y)
        >>> table = res.t_test("x0 - x1 = 0")
        >>> table[["coef", "std_err", "z"]].round(3)  # doctest: +NORMALIZE_WHITESPACE
                      coef  std_err      z
        hypothesis
        x0 - x1 = 0  1.148    0.255  4.501
        """
        matrix, q, rows = linear_hypothesis(R, q, self._fit.labels)
        return t_test(self._params, self._cov, matrix, q, rows, alpha)

    def lr_test(self, other: Results) -> ChiSquareTest:
        """Likelihood-ratio test between this model and a nested one, fitted on the same data.

        The model with fewer parameters is the restricted one.

        Raises
        ------
        ValueError
            When the models are not nested, not fitted on the same data, or penalized.

        Examples
        --------
        >>> from logistica import LogisticRegression
        >>> from logistica.inference import summarize
        >>> rng = np.random.default_rng(0)
        >>> X = rng.normal(size=(200, 2)); y = (X[:, 0] + rng.logistic(size=200) > 0).astype(int)
        >>> res = summarize(LogisticRegression(C=np.inf).fit(X, y), X, y)
        >>> restricted = summarize(LogisticRegression(C=np.inf).fit(X[:, :1], y), X[:, :1], y)
        >>> print(res.lr_test(restricted))
        likelihood ratio test: chi2(1) = 0.0595, p = 0.8072
        """
        if not isinstance(other, Results):
            raise ValueError(f"lr_test needs another Results, got {type(other).__name__}")
        full, small = (self, other) if self.n_params > other.n_params else (other, self)
        check_nested(full._fit, small._fit)
        statistic = 2.0 * (full.llf - small.llf)
        df = full.n_params - small.n_params
        return ChiSquareTest("likelihood ratio", statistic, df, float(stats.chi2.sf(statistic, df)))

    def anova(self, type: int = 2) -> pd.DataFrame:
        """Likelihood-ratio and Wald tests of every term of a formula fit (``car::Anova``).

        Parameters
        ----------
        type : {2, 3}, default=2
            Type II (each term after the others that do not contain it) or III
            (each term last). A categorical variable is one term.

        Returns
        -------
        DataFrame
            Per term: ``df``, ``lr_chi2``, ``lr_p_value``, ``wald_chi2``,
            ``wald_p_value``. See :mod:`logistica.inference.anova`.

        Examples
        --------
        >>> import pandas as pd
        >>> from logistica import logit
        >>> rng = np.random.default_rng(0)
        >>> data = pd.DataFrame({"x": rng.normal(size=200), "region": rng.choice(["a", "b"], 200)})
        >>> data["y"] = (data["x"] + rng.logistic(size=200) > 0).astype(int)
        >>> res = logit("y ~ x + C(region)", data).summarize()
        >>> res.anova().round(3)  # doctest: +NORMALIZE_WHITESPACE
                   df  lr_chi2  lr_p_value  wald_chi2  wald_p_value
        term
        x           1   54.699       0.000     38.253         0.000
        C(region)   1    1.130       0.288      1.123         0.289
        """
        return anova(self._fit, self._cov, type)

    # -- diagnostics -------------------------------------------------------------------
    def vif(self) -> pd.Series:
        """Variance inflation factor of every feature (see :mod:`.diagnostics`).

        Examples
        --------
        >>> from logistica import LogisticRegression
        >>> from logistica.inference import summarize
        >>> rng = np.random.default_rng(0)
        >>> X = rng.normal(size=(200, 2)); y = (X[:, 0] + rng.logistic(size=200) > 0).astype(int)
        >>> res = summarize(LogisticRegression(C=np.inf).fit(X, y), X, y)
        >>> res.vif().round(3).tolist()
        [1.003, 1.003]
        """
        problem = self._fit.problem
        values = variance_inflation_factors(
            problem.design,
            fit_intercept=problem.fit_intercept,
            sample_weight=problem.sample_weight,
        )
        return pd.Series(values, index=pd.Index(self.feature_names, name="feature"), name="VIF")

    @cached_property
    def condition_number(self) -> float:
        """Scaled (Belsley) condition number of the design, intercept included."""
        problem = self._fit.problem
        return condition_number(
            problem.design, fit_intercept=problem.fit_intercept, sample_weight=problem.sample_weight
        )

    @cached_property
    def separation(self) -> SeparationReport:
        """Whether the data are (quasi-)completely separated (an LP check)."""
        fit = self._fit
        return detect_separation(fit.problem, fit.feature_names, fit.coef)

    def influence(self) -> Influence:
        """Leverage, residuals, Cook's distance and DFBETAS of every row (binary models).

        As statsmodels' ``GLM(...).fit().get_influence()`` for a binomial GLM,
        whatever this object's ``cov_type`` (DFBETAS use the model-based
        standard errors). See :mod:`logistica.inference.influence`.

        Returns
        -------
        Influence
            Arrays ``hat_matrix_diag``, ``resid_pearson``, ``resid_deviance``,
            ``resid_studentized``, ``cooks_distance``; DataFrames ``dfbeta`` and
            ``dfbetas``; ``.frame`` with all of them.

        Examples
        --------
        >>> from logistica import LogisticRegression
        >>> from logistica.inference import summarize
        >>> rng = np.random.default_rng(0)
        >>> X = rng.normal(size=(200, 2)); y = (X[:, 0] + rng.logistic(size=200) > 0).astype(int)
        >>> res = summarize(LogisticRegression(C=np.inf).fit(X, y), X, y)
        >>> influence = res.influence()
        >>> influence.cooks_distance.shape, influence.dfbetas.shape
        ((200,), (200, 3))
        """
        return self._influence

    @cached_property
    def _influence(self) -> Influence:
        bread = self._cov if self.cov_type == "nonrobust" else covariance(self._fit)
        return influence(self._fit, bread)

    def marginal_effects(
        self, at="overall", method: str = "dydx", dummy: bool = False, alpha: float = 0.05
    ) -> MarginalEffects:
        """Marginal effects with delta-method standard errors (statsmodels' ``get_margeff``).

        Parameters
        ----------
        at : {"overall", "mean", "median"} or dict, default="overall"
            Average effects over the sample, effects at the mean or median row,
            or averages with some features fixed (``{"GPA": 3.0}``).
        method : {"dydx", "eyex", "dyex", "eydx"}, default="dydx"
            Derivative (``d``) or elasticity (``e``) of the probability.
        dummy : bool, default=False
            Discrete changes ``p(1) - p(0)`` for 0/1 columns; a categorical
            formula term's levels each against the reference level.
        alpha : float, default=0.05
            For the intervals.

        Returns
        -------
        MarginalEffects
            ``.frame`` (effect, std_err, z, p_value, ci_lower, ci_upper); prints as
            a table. See :mod:`logistica.inference.margins`.

        Examples
        --------
        >>> from logistica import LogisticRegression
        >>> from logistica.inference import summarize
        >>> rng = np.random.default_rng(0)
        >>> X = rng.normal(size=(200, 2)); y = (X[:, 0] + rng.logistic(size=200) > 0).astype(int)
        >>> res = summarize(LogisticRegression(C=np.inf).fit(X, y), X, y)
        >>> res.marginal_effects().frame["effect"].round(3).tolist()
        [0.223, -0.008]
        """
        return marginal_effects(self._fit, self._cov, at, method, dummy, alpha)

    def predict(self, X, ci: float = 0.95, which: str = "prob", offset=None) -> pd.DataFrame:
        """Predictions with standard errors and confidence intervals (any ``cov_type``).

        Parameters
        ----------
        X : array-like, DataFrame or sparse matrix of shape (n_rows, n_features)
            Rows to predict (a DataFrame's columns are matched by name).
        ci : float, default=0.95
            Confidence level.
        which : {"prob", "linear"}, default="prob"
            Probabilities (intervals of the log-odds, transformed), or linear
            predictors.
        offset : array-like, optional
            Offset of the rows.

        Returns
        -------
        DataFrame
            ``predicted``, ``std_err``, ``ci_lower``, ``ci_upper``; multinomial
            models have one row per ``(row, class)``. See
            :mod:`logistica.inference.prediction`.

        Examples
        --------
        >>> from logistica import LogisticRegression
        >>> from logistica.inference import summarize
        >>> rng = np.random.default_rng(0)
        >>> X = rng.normal(size=(200, 2)); y = (X[:, 0] + rng.logistic(size=200) > 0).astype(int)
        >>> res = summarize(LogisticRegression(C=np.inf).fit(X, y), X, y)
        >>> res.predict(X[:2]).round(3)  # doctest: +NORMALIZE_WHITESPACE
           predicted  std_err  ci_lower  ci_upper
        0      0.569    0.041     0.488     0.646
        1      0.698    0.045     0.603     0.779
        """
        return predict_with_ci(self._fit, self._cov, X, ci, which, offset)

    def summary(self, alpha: float = 0.05, method: str | None = None) -> Summary:
        """The coefficient table with fit statistics and warnings.

        Parameters
        ----------
        alpha : float, default=0.05
            For the confidence intervals.
        method : {"wald", "profile", "percentile", "bca"}, optional
            How the intervals (of coefficients and odds ratios) are computed;
            as in :meth:`conf_int` (Wald, or BCa with a bootstrap, by default).

        Returns
        -------
        Summary
            Prints as text; ``.frame`` is a DataFrame; ``.as_html()`` is HTML.

        Examples
        --------
        >>> from logistica import LogisticRegression
        >>> from logistica.inference import summarize
        >>> rng = np.random.default_rng(0)
        >>> X = rng.normal(size=(200, 2)); y = (X[:, 0] + rng.logistic(size=200) > 0).astype(int)
        >>> res = summarize(LogisticRegression(C=np.inf).fit(X, y), X, y)
        >>> print(res.summary().as_text().splitlines()[0].strip())
        Logistic Regression Results
        """
        return build_summary(self, alpha, self._interval_method(method))
