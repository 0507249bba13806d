"""``LogisticRegression``: the scikit-learn face of logistica.

The estimator only translates parameters and data into
:class:`~logistica.objective.Problem` objects, hands them to a registered
solver and turns each :class:`~logistica.solvers.Solution` back into fitted
attributes. Nothing numerical lives here.
"""

from __future__ import annotations

import numpy as np
from scipy.special import expit, log_expit, log_softmax, softmax
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.extmath import safe_sparse_dot
from sklearn.utils.validation import check_is_fitted

from . import solvers
from ._validation import (
    check_class_weight,
    check_offset,
    check_sample_weight,
    check_scalar_param,
    encode_targets,
    validate_X,
    validate_X_y,
)
from .inference.separation import warn_if_separated
from .objective import BinomialLoss, MultinomialLoss, Problem, make_penalty

__all__ = ["LogisticRegression"]

# estimator-api: stable


class LogisticRegression(ClassifierMixin, BaseEstimator):
    """Regularized logistic regression: binary, multinomial (softmax) or one-vs-rest.

    Minimises scikit-learn's objective
    ``C·Σᵢ sᵢ·logloss_i + (1 - l1_ratio)/2·‖w‖² + l1_ratio·‖w‖₁``
    (the intercept is never penalized), so coefficients compare one for one
    with ``sklearn.linear_model.LogisticRegression``.

    Parameters
    ----------
    C : float, default=1.0
        Inverse regularisation strength; ``np.inf`` fits without a penalty.
    l1_ratio : float, default=0.0
        Elastic-net mix: ``0`` is L2 (ridge), ``1`` is L1 (lasso).
    fit_intercept : bool, default=True
        Whether to fit an intercept.
    solver : str, default="auto"
        ``"newton"``, ``"lbfgs"``, ``"gd"`` or any registered solver, or
        ``"auto"`` to pick one from the problem's shape (see ``solver_``).
    multi_class : {"multinomial", "ovr"}, default="multinomial"
        For more than two classes: one softmax model, or one binary model per class.
        Two classes always use the binomial model.
    class_weight : dict, "balanced" or None, default=None
        Weights multiplying ``sample_weight`` per class; ``"balanced"`` uses
        ``n_samples / (n_classes · count(class))``.
    tol : float, default=1e-6
        Stop when the largest gradient entry (sub-gradient with L1) has shrunk by
        this factor relative to its value at zero coefficients. The same measure
        for every solver.
    max_iter : int, optional
        Iteration budget; each solver's own default when omitted (newton 100,
        lbfgs 1000, gd 10000).
    warm_start : bool, default=False
        Start from the previous fit's coefficients when refitting.
    verbose : int, default=0
        Print solver progress (``1``: log-spaced iterations, ``2``: every iteration).
    solver_options : dict, optional
        Options for the chosen solver, e.g. ``{"learning_rate": 0.5}`` for ``"gd"``.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Class labels, sorted.
    coef_ : ndarray of shape (1, n_features) or (n_classes, n_features)
        Coefficients (one row for binary problems).
    intercept_ : ndarray of shape (1,) or (n_classes,)
        Intercepts (zeros when ``fit_intercept=False``).
    n_iter_ : ndarray of shape (1,) or (n_classes,)
        Iterations per solved problem (one per class for one-vs-rest).
    converged_ : bool
        Whether every solved problem met ``tol``.
    loss_history_ : ndarray, or list of ndarray for one-vs-rest
        Objective after each iteration, scaled as ``Σ s̃ᵢℓᵢ + penalty/(C·Σsᵢ)``
        (sample weights normalised to sum to one), the start point first.
    solver_ : str
        The solver used (what ``"auto"`` chose).
    n_features_in_ : int
        Number of features seen in ``fit``.
    feature_names_in_ : ndarray of str
        Feature names, when ``X`` had string column names.

    Examples
    --------
    >>> from logistica import LogisticRegression
    >>> from logistica.datasets import load_breast_cancer
    >>> X, y = load_breast_cancer()
    >>> model = LogisticRegression(C=0.1).fit((X - X.mean()) / X.std(), y)
    >>> model.solver_, bool(model.converged_)
    ('newton', True)
    """

    def __init__(
        self,
        C: float = 1.0,
        *,
        l1_ratio: float = 0.0,
        fit_intercept: bool = True,
        solver: str = "auto",
        multi_class: str = "multinomial",
        class_weight=None,
        tol: float = 1e-6,
        max_iter: int | None = None,
        warm_start: bool = False,
        verbose: int = 0,
        solver_options: dict | None = None,
    ) -> None:
        self.C = C
        self.l1_ratio = l1_ratio
        self.fit_intercept = fit_intercept
        self.solver = solver
        self.multi_class = multi_class
        self.class_weight = class_weight
        self.tol = tol
        self.max_iter = max_iter
        self.warm_start = warm_start
        self.verbose = verbose
        self.solver_options = solver_options

    # -- fitting ----------------------------------------------------------------------
    def _check_params(self) -> None:
        check_scalar_param("C", self.C, lower=0, lower_open=True, allow_inf=True)
        check_scalar_param("l1_ratio", self.l1_ratio, lower=0, upper=1)
        check_scalar_param("tol", self.tol, lower=0, lower_open=True)
        if self.max_iter is not None:
            check_scalar_param("max_iter", self.max_iter, lower=1, integer=True)
        if self.multi_class not in ("multinomial", "ovr"):
            raise ValueError(
                f"multi_class must be 'multinomial' or 'ovr', got {self.multi_class!r}"
            )
        if self.solver != "auto" and self.solver not in solvers.available():
            raise ValueError(
                f"unknown solver {self.solver!r}; choose 'auto' or one of {solvers.available()}"
            )

    def _problems(self, X, codes, n_classes, sample_weight, offset) -> list[Problem]:
        """One problem for binary and multinomial fits, one per class for one-vs-rest."""
        penalty = make_penalty(self.C, self.l1_ratio, float(sample_weight.sum()))

        def problem(y, loss, off):
            return Problem(X, y, loss, penalty, sample_weight, off, self.fit_intercept)

        if n_classes == 2:
            return [problem(codes.astype(np.float64), BinomialLoss(), offset)]
        if self.multi_class == "multinomial":
            return [problem(codes, MultinomialLoss(n_classes), offset)]
        return [
            problem((codes == k).astype(np.float64), BinomialLoss(), offset)
            for k in range(n_classes)
        ]

    def fit(self, X, y, sample_weight=None, offset=None) -> LogisticRegression:
        """Fit the model.

        Parameters
        ----------
        X : array-like or sparse matrix of shape (n_samples, n_features)
            Training data; pandas column names become ``feature_names_in_``.
        y : array-like of shape (n_samples,)
            Class labels of any type (strings, integers, booleans).
        sample_weight : array-like of shape (n_samples,), optional
            Non-negative weights per sample.
        offset : array-like of shape (n_samples,) or (n_samples, n_classes), optional
            Known term added to the linear predictor (e.g. log-exposure).

        Returns
        -------
        self : LogisticRegression
        """
        self._check_params()
        warm = self.warm_start and hasattr(self, "coef_")
        previous = (self.classes_, self._packed_coefs()) if warm else None
        X, y = validate_X_y(self, X, y)
        classes, codes = encode_targets(y)
        sample_weight = check_sample_weight(sample_weight, X.shape[0])
        sample_weight = sample_weight * check_class_weight(self.class_weight, classes, y)
        if not sample_weight.sum() > 0:
            raise ValueError("sample_weight × class_weight sums to zero; nothing to fit")
        n_outputs = len(classes) if len(classes) > 2 and self.multi_class == "multinomial" else 1
        offset = check_offset(offset, X.shape[0], n_outputs)
        problems = self._problems(X, codes, len(classes), sample_weight, offset)
        name = solvers.choose(problems[0]) if self.solver == "auto" else self.solver
        starts = [None] * len(problems)
        if previous is not None and np.array_equal(previous[0], classes):
            starts = [c if c.shape == (p.n_coef,) else None for c, p in zip(
                previous[1], problems, strict=False)]
        solutions = [
            solvers.solve(
                problem,
                name,
                start,
                tol=self.tol,
                max_iter=self.max_iter,
                verbose=self.verbose,
                options=self.solver_options,
            )
            for problem, start in zip(problems, starts, strict=True)
        ]
        self.classes_ = classes
        self.solver_ = name
        self._set_coefs(problems, solutions, X.shape[1])
        self.n_iter_ = np.array([s.n_iter for s in solutions], dtype=np.int32)
        self.converged_ = all(s.converged for s in solutions)
        histories = [np.asarray(s.history) for s in solutions]
        self.loss_history_ = histories[0] if len(histories) == 1 else histories
        for problem, solution in zip(problems, solutions, strict=True):
            warn_if_separated(problem, solution.coef)
        return self

    def _set_coefs(self, problems, solutions, n_features: int) -> None:
        coefs, intercepts = [], []
        for problem, solution in zip(problems, solutions, strict=True):
            W, b = problem.split(solution.coef)
            coefs.append(np.atleast_2d(W.T))
            intercepts.append(np.atleast_1d(np.asarray(b, dtype=np.float64)))
        self.coef_ = np.vstack(coefs).reshape(-1, n_features)
        intercept = np.concatenate(intercepts)
        self.intercept_ = np.broadcast_to(intercept, (self.coef_.shape[0],)).copy()

    def _packed_coefs(self) -> list[np.ndarray]:
        """Fitted coefficients in the solvers' flat layout, one per solved problem."""
        rows = [self.coef_.T]
        if self.fit_intercept:
            rows.append(self.intercept_[None, :])
        full = np.vstack(rows)
        if len(self.classes_) > 2 and self.multi_class == "ovr":
            return [full[:, k].copy() for k in range(full.shape[1])]
        return [full.ravel() if full.shape[1] > 1 else full[:, 0].copy()]

    # -- prediction -------------------------------------------------------------------
    def decision_function(self, X, offset=None) -> np.ndarray:
        """Linear predictor: shape (n_samples,) for binary, (n_samples, n_classes) otherwise.

        Parameters
        ----------
        X : array-like or sparse matrix of shape (n_samples, n_features)
        offset : array-like, optional
            The same kind of offset as passed to ``fit``.
        """
        check_is_fitted(self)
        X = validate_X(self, X)
        scores = safe_sparse_dot(X, self.coef_.T, dense_output=True) + self.intercept_
        offset = check_offset(offset, X.shape[0], scores.shape[1])
        if offset is not None:
            scores = scores + offset
        return scores[:, 0] if scores.shape[1] == 1 else scores

    def predict_log_proba(self, X, offset=None) -> np.ndarray:
        """Log-probabilities of each class, computed without ``log(0)``."""
        scores = self.decision_function(X, offset)
        if scores.ndim == 1:
            return np.column_stack([log_expit(-scores), log_expit(scores)])
        if self.multi_class == "ovr":
            log_p = log_expit(scores)
            return log_p - np.logaddexp.reduce(log_p, axis=1, keepdims=True)
        return log_softmax(scores, axis=1)

    def predict_proba(self, X, offset=None) -> np.ndarray:
        """Probability of each class, shape (n_samples, n_classes)."""
        scores = self.decision_function(X, offset)
        if scores.ndim == 1:
            p = expit(scores)
            return np.column_stack([1.0 - p, p])
        if self.multi_class == "ovr":
            p = expit(scores)
            return p / p.sum(axis=1, keepdims=True)
        return softmax(scores, axis=1)

    def predict(self, X, offset=None) -> np.ndarray:
        """Most probable class label for each row of ``X``."""
        scores = self.decision_function(X, offset)
        index = (scores > 0).astype(np.intp) if scores.ndim == 1 else scores.argmax(axis=1)
        return self.classes_[index]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags
