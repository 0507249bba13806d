"""``summarize``: from a fitted estimator and its training data to :class:`~.results.Results`."""

from __future__ import annotations

from ._model import from_estimator
from .bootstrap import bootstrap_coefficients
from .results import Results

__all__ = ["summarize"]


def summarize(
    model,
    X=None,
    y=None,
    *,
    cov_type: str = "nonrobust",
    groups=None,
    sample_weight=None,
    offset=None,
    method: str = "analytic",
    n_boot: int = 1000,
    random_state=None,
    n_jobs: int | None = None,
) -> Results:
    """Inference for a fitted binary or multinomial ``LogisticRegression``.

    Parameters
    ----------
    model : LogisticRegression
        A fitted model (one-vs-rest models with more than two classes are refused).
    X : array-like or sparse matrix of shape (n_samples, n_features), optional
        The training data. May be omitted, with ``y``, for a model fitted by
        :func:`logistica.formula.logit`, which keeps its design.
    y : array-like of shape (n_samples,), optional
        The training labels.
    cov_type : {"nonrobust", "HC0", "HC1", "HC2", "HC3", "cluster"}, default="nonrobust"
        Covariance of the estimates.
    groups : array-like of shape (n_samples,) or (n_samples, 2), optional
        Cluster labels, required by ``cov_type="cluster"``; two columns for
        two-way (Cameron–Gelbach–Miller) clustering.
    sample_weight : array-like of shape (n_samples,), optional
        The weights used in ``fit`` (frequency weights; the model's
        ``class_weight`` is applied on top, as in ``fit``).
    offset : array-like, optional
        The offset used in ``fit``.
    method : {"analytic", "bootstrap"}, default="analytic"
        ``"analytic"``: covariance from the Fisher information (``cov_type``).
        ``"bootstrap"``: refit a clone of the model on ``n_boot`` resamples of
        the rows; standard errors are the bootstrap's, intervals BCa (or
        ``conf_int(method="percentile")``). For penalized fits, whose
        information-based standard errors are invalid; the intervals are for
        the penalized coefficients at this ``C`` (see
        :mod:`logistica.inference.bootstrap`).
    n_boot : int, default=1000
        Number of bootstrap resamples.
    random_state : int, Generator or None
        Seed of the bootstrap.
    n_jobs : int, optional
        joblib workers for the bootstrap refits; ``-1`` uses all cores.

    Returns
    -------
    Results

    Raises
    ------
    ValueError
        For unknown ``cov_type``, missing or mismatched ``groups``, data that do
        not match the model, or a model without a likelihood.

    Examples
    --------
    >>> import numpy as np
    >>> from logistica import LogisticRegression
    >>> from logistica.datasets import load_breast_cancer
    >>> X, y = load_breast_cancer()
    >>> X = X[["mean radius", "mean texture"]]
    >>> res = summarize(LogisticRegression(C=np.inf).fit(X, y), X, y, cov_type="HC1")
    >>> res.bse.index.tolist()
    ['intercept', 'mean radius', 'mean texture']
    >>> boot = summarize(LogisticRegression(C=0.01).fit(X, y), X, y, method="bootstrap",
    ...                  n_boot=50, random_state=0)
    >>> boot.cov_type, boot.conf_int().columns.tolist()
    ('bootstrap', ['lower', 'upper'])
    """
    if method not in ("analytic", "bootstrap"):
        raise ValueError(f"method must be 'analytic' or 'bootstrap', got {method!r}")
    if X is None and y is None:
        kept = getattr(model, "design_", None)
        if kept is None:
            raise ValueError(
                "summarize needs the training data X and y (only models fitted with "
                "logistica.formula.logit keep their design)"
            )
        X, y = kept.X, kept.y
        sample_weight = kept.sample_weight if sample_weight is None else sample_weight
        offset = kept.offset if offset is None else offset
    elif X is None or y is None:
        raise ValueError("pass both X and y, or neither (for a formula-fitted model)")
    fit = from_estimator(model, X, y, sample_weight, offset)
    if method == "analytic":
        return Results(fit, cov_type, groups)
    if cov_type != "nonrobust" or groups is not None:
        raise ValueError("method='bootstrap' gives its own covariance: leave cov_type and groups")
    draws = bootstrap_coefficients(
        model, X, y, fit, sample_weight=sample_weight, offset=offset,
        n_boot=n_boot, random_state=random_state, n_jobs=n_jobs,
    )  # fmt: skip
    return Results(fit, bootstrap=draws)
