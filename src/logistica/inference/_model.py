"""A fitted estimator seen as a likelihood: problem, estimate and parameter layout.

Inference works in statsmodels' parametrisation: for a binary model the
parameters are ``[intercept, features...]``; for a multinomial model they are
those of each non-reference class relative to the first class (class ``k``
minus class ``0``), class by class, each ``[intercept, features...]``. The
multinomial problem keeps its ``K`` columns with the first one fixed at zero,
which removes the class-shift null space of the centred fit.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property
from typing import NamedTuple

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.utils.validation import check_is_fitted, column_or_1d

from .._validation import check_class_weight, check_offset, check_sample_weight, validate_X
from ..objective import Problem, make_loss
from ..objective.firth import FirthProblem
from ._score import check_score_vanishes

__all__ = ["FittedLikelihood", "Term", "from_estimator"]


class Term(NamedTuple):
    """A term of a formula: its name, its factors, and the features it spans.

    Attributes
    ----------
    name : str
        As the formula writes it (``"C(region)"``, ``"x1:x2"``).
    factors : frozenset of str
        The variables it multiplies (one for a main effect).
    columns : tuple of int
        Positions of its columns among the features (the intercept excluded).
    """

    name: str
    factors: frozenset
    columns: tuple[int, ...]


@dataclass(frozen=True, eq=False)
class FittedLikelihood:
    """The pieces inference needs: an unpenalized (or Firth) problem and its estimate.

    Attributes
    ----------
    problem : Problem
        Loss, float64 design, targets, frequency weights and offset; no penalty
        (a :class:`FirthProblem` for Firth fits).
    coef : ndarray
        The estimate in the problem's flat layout (reference class zeroed).
    feature_names : tuple of str
        One name per column of ``X``.
    classes : ndarray
        Class labels; the first is the reference.
    penalized : bool
        Whether the estimator was fitted with a penalty (finite ``C``).
    response : str
        Name of the target.
    terms : tuple of Term
        The formula's terms (intercept excluded), for models fitted by
        :func:`logistica.formula.logit`; empty otherwise.
    """

    problem: Problem
    coef: np.ndarray
    feature_names: tuple[str, ...]
    classes: np.ndarray
    penalized: bool
    response: str = "y"
    terms: tuple[Term, ...] = ()

    @property
    def firth(self) -> bool:
        """Whether the estimate maximises Firth's penalized likelihood."""
        return isinstance(self.problem, FirthProblem)

    @property
    def is_multinomial(self) -> bool:
        """Whether there are more than two classes."""
        return self.problem.is_multinomial

    @property
    def n_equations(self) -> int:
        """Number of linear predictors with parameters: ``K - 1`` (1 for binary)."""
        return max(self.problem.n_outputs - 1, 1)

    @cached_property
    def row_order(self) -> np.ndarray:
        """Problem rows in parameter order: the intercept row first, then the features."""
        rows = np.arange(self.problem.n_features)
        return np.r_[self.problem.n_features, rows] if self.problem.fit_intercept else rows

    @cached_property
    def index(self) -> np.ndarray:
        """Flat problem position of every parameter (class by class, intercept first)."""
        K = self.problem.n_outputs
        if K == 1:
            return self.row_order
        return (self.row_order[None, :] * K + np.arange(1, K)[:, None]).ravel()

    @property
    def n_params(self) -> int:
        """Number of estimated parameters."""
        return self.index.size

    @property
    def n_intercepts(self) -> int:
        """Number of intercept parameters (``K - 1``, 1, or 0 without intercept)."""
        return self.n_equations if self.problem.fit_intercept else 0

    @cached_property
    def intercept_mask(self) -> np.ndarray:
        """Boolean mask of the intercept parameters."""
        mask = np.zeros((self.n_equations, self.row_order.size), dtype=bool)
        mask[:, 0] = self.problem.fit_intercept
        return mask.ravel()

    @property
    def nobs(self) -> float:
        """Number of observations: the sum of the (frequency) weights."""
        return self.problem.total_weight

    @property
    def params(self) -> np.ndarray:
        """The estimate in parameter order."""
        return self.coef[self.index]

    @cached_property
    def term_names(self) -> list[str]:
        """Names of one equation's parameters: ``"intercept"`` then the features."""
        return (["intercept"] if self.problem.fit_intercept else []) + list(self.feature_names)

    @cached_property
    def labels(self) -> pd.Index:
        """Parameter labels: feature names, or ``(class, feature)`` pairs for multinomial."""
        if not self.is_multinomial:
            return pd.Index(self.term_names, name="feature")
        return pd.MultiIndex.from_product(
            [list(self.classes[1:]), self.term_names], names=["class", "feature"]
        )

    def loglik(self, coef: np.ndarray | None = None) -> float:
        """Log-likelihood (Firth: penalized log-likelihood) at ``coef`` (the estimate)."""
        coef = self.coef if coef is None else coef
        return -self.nobs * self.problem.value_from_raw(coef, self.problem.raw(coef))


def _reference_coef(model, fit_intercept: bool) -> np.ndarray:
    """The estimator's coefficients in the problem layout, relative to the first class."""
    rows = [np.asarray(model.coef_, dtype=np.float64).T]
    if fit_intercept:
        rows.append(np.asarray(model.intercept_, dtype=np.float64)[None, :])
    full = np.vstack(rows)
    if full.shape[1] == 1:
        return full[:, 0].copy()
    return (full - full[:, :1]).ravel()


def _encode(classes: np.ndarray, y, n_samples: int) -> np.ndarray:
    y = column_or_1d(y, warn=True)
    if y.shape[0] != n_samples:
        raise ValueError(f"y has {y.shape[0]} samples but X has {n_samples}")
    codes = np.clip(np.searchsorted(classes, y), 0, len(classes) - 1)
    unseen = classes[codes] != y
    if np.any(unseen):
        raise ValueError(
            f"y contains labels not seen in fit: {sorted(set(y[unseen].tolist()))[:5]}; "
            f"the model's classes are {classes.tolist()}"
        )
    return codes


def from_estimator(model, X, y, sample_weight=None, offset=None) -> FittedLikelihood:
    """Rebuild the likelihood of a fitted ``LogisticRegression`` on ``(X, y)``.

    Class weights are folded into the weights exactly as ``fit`` does. The
    score of the fitted objective must vanish on these data (see
    :mod:`._score`): other data than the training data are refused.

    Raises
    ------
    ValueError
        For one-vs-rest models with more than two classes, non-likelihood losses,
        and data that do not match the model (names, shapes, labels, or data on
        which the estimate is not the fit's optimum).
    """
    check_is_fitted(model)
    if getattr(model, "loss", "log") != "log":
        raise ValueError(
            f"inference needs a likelihood: this model was fitted with loss={model.loss!r}; "
            "refit with loss='log'"
        )
    classes = model.classes_
    if len(classes) > 2 and model.multi_class != "multinomial":
        raise ValueError(
            f"inference is defined for binary and multinomial models; this model is "
            f"multi_class={model.multi_class!r} with {len(classes)} classes. Refit with "
            "multi_class='multinomial', or summarize one binary model per class"
        )
    X = validate_X(model, X)
    X = X.astype(np.float64, copy=False) if sp.issparse(X) else np.asarray(X, dtype=np.float64)
    n = X.shape[0]
    codes = _encode(classes, y, n)
    weights = check_sample_weight(sample_weight, n)
    weights = weights * check_class_weight(model.class_weight, classes, classes[codes], weights)
    offset = check_offset(offset, n, len(classes) if len(classes) > 2 else 1)
    if hasattr(model, "_problems"):  # the problems fit solved, rebuilt on these data
        fitted = model._problems(X, codes, len(classes), weights, offset)
        check_score_vanishes(model, fitted, model._packed_coefs())
    targets = codes if len(classes) > 2 else codes.astype(np.float64)
    kind = FirthProblem if getattr(model, "firth", False) else Problem
    problem = kind(X, targets, make_loss(len(classes)), None, weights, offset, model.fit_intercept)
    names = getattr(model, "feature_names_in_", None)
    names = [f"x{j}" for j in range(X.shape[1])] if names is None else names
    return FittedLikelihood(
        problem=problem,
        coef=_reference_coef(model, model.fit_intercept),
        feature_names=tuple(str(name) for name in names),
        classes=classes,
        penalized=not math.isinf(model.C),
        response=str(getattr(y, "name", None) or "y"),
        terms=_formula_terms(model, names),
    )


def _formula_terms(model, names) -> tuple[Term, ...]:
    """The terms of a formula-fitted model whose columns are these features."""
    spec = getattr(getattr(model, "design_", None), "spec", None)
    if spec is None:
        return ()
    position = {str(name): j for j, name in enumerate(names)}
    columns = list(spec.column_names)
    terms = []
    for term, indices in spec.term_indices.items():
        kept = [position.get(str(columns[i])) for i in indices]
        if str(term) == "1" or any(j is None for j in kept):
            continue
        factors = frozenset(str(factor) for factor in term.factors)
        terms.append(Term(str(term), factors, tuple(kept)))
    return tuple(terms)
