"""``LogisticRegressionCV``: cross-validation over ``Cs × l1_ratios`` on warm-started paths.

Each (fold, ``l1_ratio``) pair fits one regularization path
(:class:`~logistica.path.PathProblem`) on the training rows and scores every
``C`` on the held-out rows with any scikit-learn scorer, sample weights
included; pairs run in parallel threads (the compiled kernels and BLAS release
the GIL). With an L1 part the grid of ``C`` is computed once on all the data,
starting where every penalized coefficient is zero, so all folds share it.
The chosen point is the best mean score (``selection="min"``, i.e. minimal
loss) or, glmnet's ``lambda.1se`` rule, the strongest regularization whose
mean score is within one standard error of the best (``selection="1se"``).
The model is then refitted on all the data.
"""

from __future__ import annotations

import numpy as np
from joblib import Parallel, delayed
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.metrics import check_scoring, log_loss, make_scorer
from sklearn.model_selection import check_cv
from sklearn.utils.validation import check_is_fitted

from ._validation import (
    check_Cs,
    check_fit_weights,
    check_penalty_factor,
    check_sample_weight,
    check_scalar_param,
    encode_targets,
    validate_X,
    validate_X_y,
)
from .estimators import LogisticRegression
from .path import PathProblem, logistic_path

__all__ = ["LogisticRegressionCV", "one_se_index"]


def one_se_index(mean_score: np.ndarray, sem: np.ndarray) -> int:
    """The one-standard-error rule on a grid of increasing ``C``.

    Index of the smallest ``C`` (strongest regularization) whose mean score is
    within one standard error of the best one.

    Examples
    --------
    >>> one_se_index(np.array([0.80, 0.88, 0.90, 0.89]), np.array([0.01, 0.01, 0.02, 0.01]))
    1
    """
    best = int(np.argmax(mean_score))
    return int(np.flatnonzero(mean_score >= mean_score[best] - sem[best])[0])


_SELECTIONS = ("min", "1se")


class LogisticRegressionCV(ClassifierMixin, BaseEstimator):
    """Logistic regression with ``C`` (and ``l1_ratio``) chosen by cross-validation.

    Parameters
    ----------
    Cs : int or array-like, default=10
        Grid size or values of ``C``. An int gives, with an L1 part, ``Cs``
        log-spaced values from the smallest ``C`` at which all penalized
        coefficients are zero over ``1/min_ratio``; without one, ``10⁻⁴..10⁴``.
    l1_ratios : sequence of float, default=(0.0,)
        Elastic-net mixes to try, each in ``[0, 1]``.
    selection : {"min", "1se"}, default="min"
        ``"min"``: the grid point with the best mean score. ``"1se"``: for the
        best ``l1_ratio``, the smallest ``C`` (strongest regularization) whose
        mean score is within one standard error of the best.
    cv : int, cross-validation generator or iterable, optional
        Stratified 5-fold by default (scikit-learn's ``check_cv``).
    scoring : str or callable, optional
        Any scikit-learn scorer; default: the negative log-loss over all the
        classes (also on folds missing some). Sample weights are passed to it.
    fit_intercept : bool, default=True
    class_weight : dict, "balanced" or None, optional
        Computed once on all the data and carried into every fold.
    penalty_factor : array-like of shape (n_features,), optional
        Per-feature penalty multipliers (``0``: unpenalized).
    standardize : bool, default=False
        Standardize columns inside each fit (moments of the training rows).
    min_ratio : float, optional
        Span of the default L1 grid (see :func:`~logistica.path.logistic_path`).
    solver : str, default="auto"
    tol : float, default=1e-6
    max_iter : int, optional
    n_jobs : int, optional
        Threads over (fold, ``l1_ratio``) pairs; ``-1`` uses all cores.
    verbose : int, default=0
        Show a progress bar (rich) over the fits.

    Attributes
    ----------
    C_ : float
        Chosen ``C``.
    l1_ratio_ : float
        Chosen ``l1_ratio``.
    Cs_ : ndarray of shape (n_l1_ratios, n_Cs)
        The grid of ``C`` for each ``l1_ratio`` (increasing).
    l1_ratios_ : ndarray of shape (n_l1_ratios,)
    scores_ : ndarray of shape (n_l1_ratios, n_Cs, n_folds)
        Held-out score of every fit.
    cv_results_ : dict of ndarray
        Per grid point (``l1_ratio``-major): ``param_C``, ``param_l1_ratio``,
        ``params``, ``split{k}_test_score``, ``mean_test_score``,
        ``std_test_score``, ``sem_test_score`` (standard error of the mean over
        folds), ``rank_test_score`` and ``mean_n_nonzero``.
    best_index_ : int
        Index of the chosen point in ``cv_results_``.
    estimator_ : LogisticRegression
        The model refitted on all the data at ``C_`` and ``l1_ratio_``.
    path_ : PathResult
        The regularization path on all the data over ``Cs_`` at ``l1_ratio_``
        (as glmnet's ``cv.glmnet`` keeps ``glmnet.fit``), for
        :func:`logistica.plots.plot_regularization_path`.
    coef_, intercept_, classes_, n_iter_ : ndarray
        Those of ``estimator_``.
    n_features_in_ : int
    feature_names_in_ : ndarray of str

    Examples
    --------
    >>> from sklearn.datasets import load_breast_cancer
    >>> X, y = load_breast_cancer(return_X_y=True)
    >>> model = LogisticRegressionCV(Cs=5, l1_ratios=[1.0], selection="1se", standardize=True)
    >>> model = model.fit(X, y)
    >>> bool(model.C_ <= model.Cs_[0, model.scores_.mean(axis=2)[0].argmax()])
    True
    """

    def __init__(
        self,
        Cs=10,
        *,
        l1_ratios=(0.0,),
        selection: str = "min",
        cv=None,
        scoring=None,
        fit_intercept: bool = True,
        class_weight=None,
        penalty_factor=None,
        standardize: bool = False,
        min_ratio: float | None = None,
        solver: str = "auto",
        tol: float = 1e-6,
        max_iter: int | None = None,
        n_jobs: int | None = None,
        verbose: int = 0,
    ) -> None:
        self.Cs = Cs
        self.l1_ratios = l1_ratios
        self.selection = selection
        self.cv = cv
        self.scoring = scoring
        self.fit_intercept = fit_intercept
        self.class_weight = class_weight
        self.penalty_factor = penalty_factor
        self.standardize = standardize
        self.min_ratio = min_ratio
        self.solver = solver
        self.tol = tol
        self.max_iter = max_iter
        self.n_jobs = n_jobs
        self.verbose = verbose

    def _check_params(self) -> tuple[int | np.ndarray, np.ndarray]:
        if self.selection not in _SELECTIONS:
            raise ValueError(f"selection must be one of {_SELECTIONS}, got {self.selection!r}")
        l1_ratios = np.atleast_1d(np.asarray(self.l1_ratios, dtype=np.float64))
        if l1_ratios.ndim != 1 or l1_ratios.size == 0:
            raise ValueError(f"l1_ratios must be a non-empty sequence, got {self.l1_ratios!r}")
        for l1_ratio in l1_ratios:
            check_scalar_param("l1_ratios", float(l1_ratio), lower=0, upper=1)
        if self.min_ratio is not None:
            check_scalar_param("min_ratio", self.min_ratio, lower=0, upper=1, lower_open=True)
        return check_Cs(self.Cs), l1_ratios

    def _estimator(self, C: float = 1.0, l1_ratio: float = 0.0) -> LogisticRegression:
        return LogisticRegression(
            C=C, l1_ratio=l1_ratio, fit_intercept=self.fit_intercept, solver=self.solver,
            class_weight=self.class_weight, tol=self.tol, max_iter=self.max_iter,
            standardize=self.standardize, penalty_factor=self.penalty_factor,
        )  # fmt: skip

    def fit(self, X, y, sample_weight=None) -> LogisticRegressionCV:
        """Cross-validate the grid, choose ``C_`` and ``l1_ratio_``, refit on all the data.

        Parameters
        ----------
        X : array-like or sparse matrix of shape (n_samples, n_features)
            Training data.
        y : array-like of shape (n_samples,)
            Class labels.
        sample_weight : array-like of shape (n_samples,), optional
            Used both in fitting and in scoring.

        Returns
        -------
        self : LogisticRegressionCV
        """
        Cs, l1_ratios = self._check_params()
        X, y = validate_X_y(self, X, y)
        classes, codes = encode_targets(y)
        weight, scale = check_fit_weights(sample_weight, self.class_weight, classes, codes)
        # Scores are weighted averages: the same exact power-of-two scale keeps them finite.
        given_weight = None if sample_weight is None else check_sample_weight(
            sample_weight, X.shape[0]
        ) / scale  # fmt: skip
        factor = check_penalty_factor(self.penalty_factor, X.shape[1])
        folds = list(check_cv(self.cv, y, classifier=True).split(X, y))
        scorer = check_scoring(self, scoring=self.scoring) if self.scoring else make_scorer(
            log_loss, greater_is_better=False, response_method="predict_proba", labels=classes
        )  # fmt: skip

        def spec(rows, l1_ratio):
            return PathProblem(
                X[rows], codes[rows], len(classes), weight[rows], l1_ratio,
                self.fit_intercept, factor, self.standardize, scale,
            )  # fmt: skip

        everything = np.arange(X.shape[0])
        grids = np.array([
            spec(everything, r).grid(Cs, self.min_ratio) if isinstance(Cs, int) else np.sort(Cs)
            for r in l1_ratios
        ])  # fmt: skip
        context = _FoldContext(X, y, classes, spec, scorer, given_weight, self)
        jobs = [(f, i) for f in range(len(folds)) for i in range(len(l1_ratios))]
        results = _run(context, folds, grids, l1_ratios, jobs, self.n_jobs, self.verbose)
        scores = np.empty((len(l1_ratios), grids.shape[1], len(folds)))
        nonzero = np.empty_like(scores)
        for (f, i), (fold_scores, fold_nonzero) in zip(jobs, results, strict=True):
            scores[i, :, f], nonzero[i, :, f] = fold_scores, fold_nonzero
        self._set_results(grids, l1_ratios, scores, nonzero)
        self.estimator_ = self._estimator(self.C_, self.l1_ratio_).fit(X, y, sample_weight)
        for name in ("coef_", "intercept_", "classes_", "n_iter_", "solver_", "feature_mean_"):
            setattr(self, name, getattr(self.estimator_, name))
        self.path_ = logistic_path(
            X, y, Cs=self.Cs_[self.best_index_ // grids.shape[1]], l1_ratio=self.l1_ratio_,
            fit_intercept=self.fit_intercept, sample_weight=sample_weight,
            class_weight=self.class_weight, penalty_factor=self.penalty_factor,
            standardize=self.standardize, solver=self.solver, tol=self.tol,
            max_iter=self.max_iter,
        )  # fmt: skip
        return self

    def _set_results(self, grids, l1_ratios, scores, nonzero) -> None:
        """Fill ``cv_results_`` and choose the grid point."""
        n_folds = scores.shape[2]
        mean = scores.mean(axis=2)
        std = scores.std(axis=2, ddof=1) if n_folds > 1 else np.zeros_like(mean)
        sem = std / np.sqrt(n_folds)
        best = np.unravel_index(np.argmax(mean), mean.shape)
        i, j = best
        if self.selection == "1se":
            j = one_se_index(mean[i], sem[i])
        self.Cs_, self.l1_ratios_, self.scores_ = grids, l1_ratios, scores
        self.C_, self.l1_ratio_ = float(grids[i, j]), float(l1_ratios[i])
        self.best_index_ = int(i * grids.shape[1] + j)
        flat_mean = mean.ravel()
        results = {
            "param_C": grids.ravel(),
            "param_l1_ratio": np.repeat(l1_ratios, grids.shape[1]),
            "mean_test_score": flat_mean,
            "std_test_score": std.ravel(),
            "sem_test_score": sem.ravel(),
            "rank_test_score": (np.argsort(np.argsort(-flat_mean, kind="stable")) + 1),
            "mean_n_nonzero": nonzero.mean(axis=2).ravel(),
        }
        results["params"] = [
            {"C": float(c), "l1_ratio": float(r)}
            for c, r in zip(results["param_C"], results["param_l1_ratio"], strict=True)
        ]
        for f in range(n_folds):
            results[f"split{f}_test_score"] = scores[:, :, f].ravel()
        self.cv_results_ = results

    # -- prediction: the refitted model -------------------------------------------------
    def decision_function(self, X) -> np.ndarray:
        """Linear predictor of the refitted model."""
        check_is_fitted(self)
        return self.estimator_.decision_function(validate_X(self, X))

    def predict_proba(self, X) -> np.ndarray:
        """Class probabilities of the refitted model."""
        check_is_fitted(self)
        return self.estimator_.predict_proba(validate_X(self, X))

    def predict_log_proba(self, X) -> np.ndarray:
        """Log-probabilities of the refitted model."""
        check_is_fitted(self)
        return self.estimator_.predict_log_proba(validate_X(self, X))

    def predict(self, X) -> np.ndarray:
        """Most probable class of the refitted model."""
        check_is_fitted(self)
        return self.estimator_.predict(validate_X(self, X))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags


class _FoldContext:
    """What every (fold, ``l1_ratio``) job needs: data, path factory, scorer, settings."""

    def __init__(self, X, y, classes, spec, scorer, sample_weight, owner) -> None:
        self.X, self.y, self.classes, self.spec = X, y, classes, spec
        self.scorer, self.sample_weight, self.owner = scorer, sample_weight, owner

    def run(self, train, test, grid, l1_ratio) -> tuple[np.ndarray, np.ndarray]:
        """Fit the path on ``train``; score each ``C`` on ``test``; count nonzeros."""
        owner = self.owner
        path = self.spec(train, l1_ratio)
        fits = path.run(grid, owner.solver, owner.tol, owner.max_iter)
        model = owner._estimator(l1_ratio=l1_ratio)
        model.classes_, model.n_features_in_ = self.classes, self.X.shape[1]
        kwargs = {} if self.sample_weight is None else {"sample_weight": self.sample_weight[test]}
        scores, nonzero = [], []
        for coef in fits["coef"]:
            model.coef_, model.intercept_ = path.unpack(coef)
            scores.append(self.scorer(model, self.X[test], self.y[test], **kwargs))
            nonzero.append(np.count_nonzero(model.coef_))
        return np.array(scores), np.array(nonzero)


def _run(context, folds, grids, l1_ratios, jobs, n_jobs, verbose) -> list:
    """Run the jobs in threads, with a rich progress bar when ``verbose``."""
    tasks = (
        delayed(context.run)(folds[f][0], folds[f][1], grids[i], l1_ratios[i]) for f, i in jobs
    )
    parallel = Parallel(n_jobs=n_jobs, prefer="threads", return_as="generator")
    if not verbose:
        return list(parallel(tasks))
    from rich.progress import Progress

    results = []
    with Progress(transient=False) as progress:
        bar = progress.add_task("cross-validating paths", total=len(jobs))
        for result in parallel(tasks):
            results.append(result)
            progress.advance(bar)
    return results
