"""``LogisticRegressionCV``: cross-validation over ``Cs × l1_ratios`` on warm-started paths.

Each (fold, ``l1_ratio``) pair fits one regularization path
(:func:`~logistica.path.make_path`: multinomial, or one binary path per class
for one-vs-rest) on the training rows and scores every ``C`` on the held-out
rows with any scikit-learn scorer, sample weights (and offsets) included; pairs
run in parallel threads (the compiled kernels and BLAS release the GIL).
Everything learned from the data is learned on the training rows only:
``class_weight="balanced"`` weights and the moments of ``standardize`` are
computed inside each fold. With an L1 part the grid of ``C`` is computed once
on all the data, starting where every penalized coefficient is zero, so all
folds share it. The chosen point is the best mean score (``selection="min"``,
i.e. minimal loss) or, glmnet's ``lambda.1se`` rule over the whole grid, the
most regularized model whose mean score is within one standard error of the
best (``selection="1se"``, :func:`one_se_index`). The model is then refitted on
all the data.
"""

from __future__ import annotations

import numbers

import numpy as np
from joblib import Parallel, delayed
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.metrics import check_scoring, log_loss, make_scorer
from sklearn.model_selection import GroupKFold, check_cv
from sklearn.utils.validation import check_consistent_length, check_is_fitted, column_or_1d

from ._validation import (
    check_Cs,
    check_fit_weights,
    check_offset,
    check_penalty_factor,
    check_sample_weight,
    check_scalar_param,
    encode_targets,
    validate_X,
    validate_X_y,
)
from .estimators import LogisticRegression
from .path import make_path, path_result

__all__ = ["LogisticRegressionCV", "one_se_index"]


def one_se_index(
    mean_score: np.ndarray,
    sem: np.ndarray,
    Cs: np.ndarray | None = None,
    l1_ratios: np.ndarray | None = None,
) -> int:
    """The one-standard-error rule over a grid of ``C`` (and ``l1_ratio``).

    Among the grid points whose mean score is at least the best mean score minus
    the standard error of that best point, the most regularized one: the
    smallest ``C`` (``1/C`` scales the whole penalty, whatever the mix), ties
    broken towards the larger ``l1_ratio`` (the sparser model).

    Parameters
    ----------
    mean_score, sem : ndarray of shape (n_Cs,) or (n_l1_ratios, n_Cs)
        Mean held-out score (higher is better) and its standard error.
    Cs : ndarray of the same shape, optional
        The value of ``C`` at each point; by default the columns are taken to
        be in increasing ``C``.
    l1_ratios : ndarray of shape (n_l1_ratios,), optional
        The ``l1_ratio`` of each row (needed with more than one row).

    Returns
    -------
    int
        Flat (row-major, ``l1_ratio``-major) index of the chosen point; on a
        1-D grid, the index of its ``C``.

    Examples
    --------
    >>> one_se_index(np.array([0.80, 0.88, 0.90, 0.89]), np.array([0.01, 0.01, 0.02, 0.01]))
    1
    >>> mean = np.array([[0.80, 0.89, 0.90], [0.89, 0.90, 0.91]])
    >>> Cs = np.array([[0.1, 1.0, 10.0], [0.1, 1.0, 10.0]])
    >>> int(one_se_index(mean, np.full((2, 3), 0.02), Cs, np.array([0.0, 1.0])))  # C=0.1, L1
    3
    """
    mean = np.atleast_2d(mean_score)
    sem = np.broadcast_to(np.atleast_2d(sem), mean.shape)
    n_rows, n_Cs = mean.shape
    Cs = np.broadcast_to(np.arange(n_Cs) if Cs is None else np.atleast_2d(Cs), mean.shape)
    if l1_ratios is None:
        if n_rows > 1:
            raise ValueError("one_se_index needs l1_ratios for a grid with several rows")
        l1_ratios = np.zeros(1)
    ratio = np.broadcast_to(np.asarray(l1_ratios, dtype=np.float64)[:, None], mean.shape)
    best = int(np.argmax(mean))
    within = np.flatnonzero(mean.ravel() >= mean.flat[best] - sem.flat[best])
    # lexsort: last key first -> smallest C, then largest l1_ratio, then first index
    order = np.lexsort((within, -ratio.ravel()[within], Cs.ravel()[within]))
    return int(within[order[0]])


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
        ``"min"``: the grid point with the best mean score. ``"1se"``: the
        one-standard-error rule over the whole ``(C, l1_ratio)`` grid
        (:func:`one_se_index`): among the points whose mean score is within one
        standard error (of the best point's mean) of the best, the most
        regularized one, i.e. the smallest ``C``; points with equal ``C`` go to
        the larger ``l1_ratio``.
    cv : int, cross-validation generator or iterable, optional
        Stratified 5-fold by default (scikit-learn's ``check_cv``). With
        ``groups`` passed to :meth:`fit`, an int (or ``None``: 5) means
        ``GroupKFold(cv)``: no group has rows on both sides of a split; a
        splitter object gets ``groups`` in its ``split`` (``GroupKFold``,
        ``StratifiedGroupKFold``, ``LeaveOneGroupOut``, ... use them).
    scoring : str or callable, optional
        Any scikit-learn scorer; default: the negative log-loss over all the
        classes (also on folds missing some). Sample weights are passed to it.
    fit_intercept : bool, default=True
    multi_class : {"multinomial", "ovr"}, default="multinomial"
        With more than two classes, one multinomial model or one binary model
        per class (as :class:`~logistica.LogisticRegression`); every fold fits
        the same kind.
    class_weight : dict, "balanced" or None, optional
        ``"balanced"`` is recomputed inside each fold from its training rows
        (their labels and sample weights), then on all the data for the refit;
        so the held-out rows never inform the weights. A dict applies as is.
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
        multi_class: str = "multinomial",
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
        self.multi_class = multi_class
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
        if self.multi_class not in ("multinomial", "ovr"):
            raise ValueError(
                f"multi_class must be 'multinomial' or 'ovr', got {self.multi_class!r}"
            )
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
            multi_class=self.multi_class, class_weight=self.class_weight, tol=self.tol,
            max_iter=self.max_iter, standardize=self.standardize,
            penalty_factor=self.penalty_factor,
        )  # fmt: skip

    def fit(self, X, y, sample_weight=None, *, offset=None, groups=None) -> LogisticRegressionCV:
        """Cross-validate the grid, choose ``C_`` and ``l1_ratio_``, refit on all the data.

        Parameters
        ----------
        X : array-like or sparse matrix of shape (n_samples, n_features)
            Training data.
        y : array-like of shape (n_samples,)
            Class labels.
        sample_weight : array-like of shape (n_samples,), optional
            Used both in fitting and in scoring.
        offset : array-like of shape (n_samples,) or (n_samples, n_classes), optional
            Known term of the linear predictor (as for
            :meth:`LogisticRegression.fit <logistica.LogisticRegression.fit>`):
            the training rows' part enters each fit, the held-out rows' part
            their scored predictions.
        groups : array-like of shape (n_samples,), optional
            Group labels for group-aware folds (see ``cv``): an int ``cv``
            becomes ``GroupKFold(cv)``.

        Returns
        -------
        self : LogisticRegressionCV

        Examples
        --------
        >>> from sklearn.datasets import make_classification
        >>> X, y = make_classification(n_samples=60, n_features=4, random_state=0)
        >>> model = LogisticRegressionCV(Cs=4, cv=3).fit(X, y)
        >>> model.Cs_.shape, model.scores_.shape, bool(model.C_ in model.Cs_)
        ((1, 4), (1, 4, 3), True)
        """
        Cs, l1_ratios = self._check_params()
        X, y = validate_X_y(self, X, y)
        classes, codes = encode_targets(y)
        multinomial = len(classes) > 2 and self.multi_class == "multinomial"
        offset = check_offset(offset, X.shape[0], len(classes) if multinomial else 1)
        weights = _FoldWeights(sample_weight, self.class_weight, classes, codes)
        # Scores are weighted averages: the same exact power-of-two scale keeps them finite.
        scale = weights.scale
        given_weight = None if sample_weight is None else check_sample_weight(
            sample_weight, X.shape[0]
        ) / scale  # fmt: skip
        factor = check_penalty_factor(self.penalty_factor, X.shape[1])
        folds = self._folds(X, y, groups)
        scorer = check_scoring(self, scoring=self.scoring) if self.scoring else make_scorer(
            log_loss, greater_is_better=False, response_method="predict_proba", labels=classes
        )  # fmt: skip

        def spec(rows, l1_ratio):
            weight, weight_scale = weights(rows)
            return make_path(
                X[rows], codes[rows], len(classes), weight, l1_ratio, self.fit_intercept,
                factor, self.standardize, weight_scale, None if offset is None else offset[rows],
                self.multi_class,
            )  # fmt: skip

        everything = np.arange(X.shape[0])
        grids = np.array([
            spec(everything, r).grid(Cs, self.min_ratio) if isinstance(Cs, int) else np.sort(Cs)
            for r in l1_ratios
        ])  # fmt: skip
        context = _FoldContext(X, y, classes, spec, scorer, given_weight, offset, self)
        jobs = [(f, i) for f in range(len(folds)) for i in range(len(l1_ratios))]
        results = _run(context, folds, grids, l1_ratios, jobs, self.n_jobs, self.verbose)
        scores = np.empty((len(l1_ratios), grids.shape[1], len(folds)))
        nonzero = np.empty_like(scores)
        for (f, i), (fold_scores, fold_nonzero) in zip(jobs, results, strict=True):
            scores[i, :, f], nonzero[i, :, f] = fold_scores, fold_nonzero
        self._set_results(grids, l1_ratios, scores, nonzero)
        self.estimator_ = self._estimator(self.C_, self.l1_ratio_).fit(
            X, y, sample_weight, offset=offset
        )
        for name in ("coef_", "intercept_", "classes_", "n_iter_", "solver_", "feature_mean_"):
            setattr(self, name, getattr(self.estimator_, name))
        path, grid = spec(everything, self.l1_ratio_), self.Cs_[self.best_index_ // grids.shape[1]]
        fits = path.run(grid, self.solver, self.tol, self.max_iter)
        self.path_ = path_result(path, grid, fits, classes, self.l1_ratio_)
        return self

    def _folds(self, X, y, groups) -> list:
        """The (train, test) splits: ``GroupKFold`` for an int ``cv`` with ``groups``."""
        cv = self.cv
        if groups is not None:
            groups = column_or_1d(groups)
            check_consistent_length(X, groups)
            if cv is None or isinstance(cv, numbers.Integral):
                cv = GroupKFold(5 if cv is None else cv)
        return list(check_cv(cv, y, classifier=True).split(X, y, groups))

    def _set_results(self, grids, l1_ratios, scores, nonzero) -> None:
        """Fill ``cv_results_`` and choose the grid point."""
        n_folds = scores.shape[2]
        mean = scores.mean(axis=2)
        std = scores.std(axis=2, ddof=1) if n_folds > 1 else np.zeros_like(mean)
        sem = std / np.sqrt(n_folds)
        flat = np.argmax(mean) if self.selection == "min" else one_se_index(
            mean, sem, grids, l1_ratios
        )  # fmt: skip
        i, j = np.unravel_index(flat, mean.shape)
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
    def decision_function(self, X, offset=None) -> np.ndarray:
        """Linear predictor of the refitted model (``offset``: as passed to :meth:`fit`).

        Examples
        --------
        >>> from sklearn.datasets import make_classification
        >>> X, y = make_classification(n_samples=60, n_features=4, random_state=0)
        >>> model = LogisticRegressionCV(Cs=4, cv=3).fit(X, y)
        >>> model.decision_function(X[:2]).round(3)
        array([ 0.731, -1.71 ])
        """
        check_is_fitted(self)
        return self.estimator_.decision_function(validate_X(self, X), offset)

    def predict_proba(self, X, offset=None) -> np.ndarray:
        """Class probabilities of the refitted model (``offset``: as passed to :meth:`fit`).

        Examples
        --------
        >>> from sklearn.datasets import make_classification
        >>> X, y = make_classification(n_samples=60, n_features=4, random_state=0)
        >>> model = LogisticRegressionCV(Cs=4, cv=3).fit(X, y)
        >>> model.predict_proba(X[:2]).round(3)
        array([[0.325, 0.675],
               [0.847, 0.153]])
        """
        check_is_fitted(self)
        return self.estimator_.predict_proba(validate_X(self, X), offset)

    def predict_log_proba(self, X, offset=None) -> np.ndarray:
        """Log-probabilities of the refitted model (``offset``: as passed to :meth:`fit`).

        Examples
        --------
        >>> from sklearn.datasets import make_classification
        >>> X, y = make_classification(n_samples=60, n_features=4, random_state=0)
        >>> model = LogisticRegressionCV(Cs=4, cv=3).fit(X, y)
        >>> model.predict_log_proba(X[:2]).round(3)
        array([[-1.124, -0.393],
               [-0.166, -1.876]])
        """
        check_is_fitted(self)
        return self.estimator_.predict_log_proba(validate_X(self, X), offset)

    def predict(self, X, offset=None) -> np.ndarray:
        """Most probable class of the refitted model (``offset``: as passed to :meth:`fit`).

        Examples
        --------
        >>> from sklearn.datasets import make_classification
        >>> X, y = make_classification(n_samples=60, n_features=4, random_state=0)
        >>> model = LogisticRegressionCV(Cs=4, cv=3).fit(X, y)
        >>> model.predict(X[:4])
        array([1, 0, 0, 0])
        """
        check_is_fitted(self)
        return self.estimator_.predict(validate_X(self, X), offset)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags


class _FoldWeights:
    """Fit weights of any subset of the rows: ``sample_weight × class_weight``.

    ``"balanced"`` class weights are computed from the subset's own labels and
    sample weights (over the classes present in it); other class weights do not
    depend on the rows and are computed once.
    """

    def __init__(self, sample_weight, class_weight, classes, codes) -> None:
        self.weight, self.scale = check_fit_weights(sample_weight, class_weight, classes, codes)
        self.balanced = isinstance(class_weight, str) and class_weight == "balanced"
        self.classes, self.codes = classes, codes
        self.sample_weight = None if sample_weight is None else check_sample_weight(
            sample_weight, codes.shape[0]
        )  # fmt: skip

    def __call__(self, rows: np.ndarray) -> tuple[np.ndarray, float]:
        """``(weight, scale)`` of ``rows``, as :func:`check_fit_weights` returns them."""
        if not self.balanced:
            return self.weight[rows], self.scale
        present, local = np.unique(self.codes[rows], return_inverse=True)
        sample_weight = None if self.sample_weight is None else self.sample_weight[rows]
        return check_fit_weights(sample_weight, "balanced", self.classes[present], local)


class _WithOffset(ClassifierMixin, BaseEstimator):
    """A fitted model whose predictions on the scored rows add their known offset."""

    def __init__(self, model, offset) -> None:
        self.model = model
        self.offset = offset

    @property
    def classes_(self) -> np.ndarray:
        return self.model.classes_

    def decision_function(self, X) -> np.ndarray:
        return self.model.decision_function(X, self.offset)

    def predict_proba(self, X) -> np.ndarray:
        return self.model.predict_proba(X, self.offset)

    def predict_log_proba(self, X) -> np.ndarray:
        return self.model.predict_log_proba(X, self.offset)

    def predict(self, X) -> np.ndarray:
        return self.model.predict(X, self.offset)


class _FoldContext:
    """What every (fold, ``l1_ratio``) job needs: data, path factory, scorer, settings."""

    def __init__(self, X, y, classes, spec, scorer, sample_weight, offset, owner) -> None:
        self.X, self.y, self.classes, self.spec = X, y, classes, spec
        self.scorer, self.sample_weight, self.offset = scorer, sample_weight, offset
        self.owner = owner

    def run(self, train, test, grid, l1_ratio) -> tuple[np.ndarray, np.ndarray]:
        """Fit the path on ``train``; score each ``C`` on ``test``; count nonzeros."""
        owner = self.owner
        path = self.spec(train, l1_ratio)
        fits = path.run(grid, owner.solver, owner.tol, owner.max_iter)
        model = owner._estimator(l1_ratio=l1_ratio)
        model.classes_, model.n_features_in_ = self.classes, self.X.shape[1]
        kwargs = {} if self.sample_weight is None else {"sample_weight": self.sample_weight[test]}
        scored = model if self.offset is None else _WithOffset(model, self.offset[test])
        scores, nonzero = [], []
        for coef in fits["coef"]:
            model.coef_, model.intercept_ = path.unpack(coef)
            scores.append(self.scorer(scored, self.X[test], self.y[test], **kwargs))
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
