"""``summarize``: from a fitted estimator and its training data to :class:`~.results.Results`."""

from __future__ import annotations

from ._model import from_estimator
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
    """
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
    return Results(fit, cov_type, groups)
