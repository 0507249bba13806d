"""``LogisticRegression``: the scikit-learn face of logistica.

The estimator only translates parameters and data into
:class:`~logistica.objective.Problem` objects, hands them to a registered
solver and turns each :class:`~logistica.solvers.Solution` back into fitted
attributes. Nothing numerical lives here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import scipy.sparse as sp
from joblib import Parallel, delayed
from scipy.special import expit, log_expit, log_softmax, softmax
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.extmath import safe_sparse_dot
from sklearn.utils.metaestimators import available_if
from sklearn.utils.validation import check_is_fitted

from . import solvers
from ._validation import (
    check_fit_weights,
    check_offset,
    check_penalty_factor,
    check_scalar_param,
    encode_targets,
    validate_X,
    validate_X_y,
)
from .inference.separation import warn_if_separated
from .objective import BinomialLoss, Design, MultinomialLoss, Problem, make_penalty
from .objective.design import StandardizedDesign
from .objective.firth import FirthProblem
from .objective.focal import FocalLoss

if TYPE_CHECKING:
    from .inference.results import Results

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
        ``"newton"``, ``"lbfgs"``, ``"cd"`` (proximal Newton / coordinate descent,
        the one for L1 and elastic-net), ``"trust-ncg"`` (sparse or wide L2),
        ``"gd"``, ``"sgd"`` (mini-batch SGD or Adam, epochs as iterations; see
        :meth:`partial_fit`) or any registered solver, or ``"auto"`` to pick one from the
        problem's shape (see ``solver_``).
    multi_class : {"multinomial", "ovr"}, default="multinomial"
        For more than two classes: one softmax model, or one binary model per class.
        Two classes always use the binomial model.
    class_weight : dict, "balanced" or None, default=None
        Weights multiplying ``sample_weight`` per class; ``"balanced"`` uses
        ``n_samples / (n_classes · count(class))``. Dict values must be finite
        and ``>= 0``. Every class in ``y`` must keep a positive total weight
        (``sample_weight × class_weight`` summed over its samples): with a
        zero-weight class the likelihood has no finite optimum (its intercept
        runs to −∞), so ``fit`` raises a ``ValueError`` naming the class —
        or the single-class error when only one class has weight left. Drop
        the class's samples from the data instead.
    tol : float, default=1e-6
        Stop when the largest gradient entry (sub-gradient with L1), taken in the
        units of standardized columns ``(x - mean)/scale``, has shrunk by this
        factor relative to its value at zero coefficients. The same measure for
        every solver, and the same whatever the units or origin of a column
        (income in cents, a dose times 1e-7): the fit is equivariant to them.
        When a solver stops short of it, a ``ConvergenceWarning`` says why.
    max_iter : int, optional
        Iteration budget; each solver's own default when omitted (newton 100,
        lbfgs 1000, gd 10000).
    warm_start : bool, default=False
        Start from the previous fit's coefficients when refitting.
    verbose : int, default=0
        Print solver progress (``1``: log-spaced iterations, ``2``: every iteration).
    solver_options : dict, optional
        Options for the chosen solver, e.g. ``{"learning_rate": 0.5}`` for ``"gd"``.
    loss : {"log", "focal"}, default="log"
        ``"log"``: the log-loss (maximum likelihood). ``"focal"``: the focal loss
        ``-(1 - p_t)^γ·log p_t`` (Lin et al., 2017), which down-weights
        well-classified samples; binary targets or ``multi_class="ovr"`` only. It
        is not convex and has no Hessian, so it needs a first-order solver
        (``"auto"`` picks ``"lbfgs"``; ``"newton"`` raises), and its probabilities
        are usually worth recalibrating (:mod:`logistica.calibration`).
    focal_gamma : float, default=2.0
        Focusing parameter ``γ >= 0`` of the focal loss (``0`` is the log-loss).
    firth : bool, default=False
        Firth's bias-reduced logistic regression: maximise the likelihood penalized
        by Jeffreys' prior, ``ℓ(β) + ½·log det I(β)``. The estimates are finite even
        when the classes are separated and lose their O(1/n) bias. Binary,
        multinomial (Kosmidis and Firth's bias-reduced multinomial model, the
        penalty taken on the identifiable baseline-category coefficients) and
        one-vs-rest; ``loss="log"`` only, fitted by the ``"firth"`` solver (what
        ``"auto"`` picks); usually with ``C=np.inf``, and then ``summarize`` gives
        ``logistf``'s profile-likelihood intervals.
    standardize : bool, default=False
        Fit on internally standardized columns, ``(x - mean)/std`` with
        weighted moments (sparse ``X``, or no intercept: scaled only, never
        densified, never copied), so the penalty treats features alike whatever
        their units. ``coef_`` and ``intercept_`` are reported on the original
        scale; ``coef_standardized_`` holds the fitted standardized ones.
        Equivalent to ``StandardScaler`` followed by this estimator.
    penalty_factor : array-like of shape (n_features,), optional
        Non-negative multipliers of the penalty per feature (glmnet's
        ``penalty.factor``): ``0`` leaves a feature unpenalized, ``2`` doubles
        its penalty. Default: all ones.
    n_jobs : int, optional
        Threads fitting the per-class problems of ``multi_class="ovr"`` in
        parallel (``-1``: all cores); ``None`` fits them one after another. The
        heavy products release the GIL, and warnings reach the caller as usual.

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
    coef_standardized_, intercept_standardized_ : ndarray or None
        With ``standardize=True``, the coefficients and intercepts of the
        standardized columns (what the penalty acted on); ``None`` otherwise.
    n_features_in_ : int
        Number of features seen in ``fit``.
    feature_names_in_ : ndarray of str
        Feature names, when ``X`` had string column names.
    feature_mean_ : ndarray of shape (n_features,)
        Weighted mean of the training columns (sample and class weights), the
        default baseline of :func:`logistica.explain.contributions`.

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
        loss: str = "log",
        focal_gamma: float = 2.0,
        firth: bool = False,
        standardize: bool = False,
        penalty_factor=None,
        n_jobs: int | None = None,
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
        self.loss = loss
        self.focal_gamma = focal_gamma
        self.firth = firth
        self.standardize = standardize
        self.penalty_factor = penalty_factor
        self.n_jobs = n_jobs

    # -- fitting ----------------------------------------------------------------------
    def _check_params(self) -> None:
        check_scalar_param("C", self.C, lower=0, lower_open=True, allow_inf=True)
        check_scalar_param("l1_ratio", self.l1_ratio, lower=0, upper=1)
        check_scalar_param("tol", self.tol, lower=0, lower_open=True)
        if self.max_iter is not None:
            check_scalar_param("max_iter", self.max_iter, lower=1, integer=True)
        if self.loss not in ("log", "focal"):
            raise ValueError(f"loss must be 'log' or 'focal', got {self.loss!r}")
        check_scalar_param("focal_gamma", self.focal_gamma, lower=0)
        if self.loss == "focal" and self.l1_ratio > 0:
            raise ValueError(
                "loss='focal' needs l1_ratio=0: its solvers (lbfgs, gd) do not handle L1 penalties"
            )
        if self.multi_class not in ("multinomial", "ovr"):
            raise ValueError(
                f"multi_class must be 'multinomial' or 'ovr', got {self.multi_class!r}"
            )
        if self.firth and (self.loss != "log" or self.solver not in ("auto", "firth")):
            raise ValueError(
                "firth=True needs loss='log' and solver='auto' or 'firth' (other solvers do "
                f"not evaluate Firth's penalty); got loss={self.loss!r}, solver={self.solver!r}"
            )
        if self.solver != "auto" and self.solver not in solvers.available():
            raise ValueError(
                f"unknown solver {self.solver!r}; choose 'auto' or one of {solvers.available()}"
            )

    def _problems(
        self, X, codes, n_classes, sample_weight, offset, weight_scale=1.0
    ) -> list[Problem]:
        """One problem for binary and multinomial fits, one per class for one-vs-rest.

        ``sample_weight`` is the true weight divided by ``weight_scale`` (see
        :func:`~logistica._validation.check_fit_weights`); ``C·weight_scale`` keeps
        the objective unchanged.
        """
        factor = check_penalty_factor(self.penalty_factor, self.n_features_in_)
        C = float(self.C) * weight_scale
        penalty = make_penalty(C, self.l1_ratio, float(sample_weight.sum()), factor)
        if self.standardize:
            sparse_or_uncentred = sp.issparse(X) or not self.fit_intercept
            X = StandardizedDesign.from_data(
                X, sample_weight / sample_weight.sum(), center=not sparse_or_uncentred
            )

        def problem(y, loss, off):
            kind = FirthProblem if self.firth else Problem
            return kind(X, y, loss, penalty, sample_weight, off, self.fit_intercept)

        def binary_loss():
            return FocalLoss(self.focal_gamma) if self.loss == "focal" else BinomialLoss()

        if n_classes == 2:
            return [problem(codes.astype(np.float64), binary_loss(), offset)]
        if self.multi_class == "multinomial":
            if self.loss == "focal":
                raise ValueError(
                    f"loss='focal' supports binary targets only, got {n_classes} classes; "
                    "use multi_class='ovr' for one focal model per class"
                )
            return [problem(codes, MultinomialLoss(n_classes), offset)]
        return [
            problem((codes == k).astype(np.float64), binary_loss(), offset)
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
            Non-negative weights per sample. Any magnitude is accepted as long as
            the largest is at most ``1e300`` times the smallest positive one
            (beyond that float64 cannot carry the small ones; a ``ValueError``
            says so); weights whose sum overflows float64 are rescaled
            internally, exactly, with ``C`` rescaled to match.
        offset : array-like of shape (n_samples,) or (n_samples, n_classes), optional
            Known term added to the linear predictor (e.g. log-exposure).

        Returns
        -------
        self : LogisticRegression

        Raises
        ------
        ValueError
            For invalid labels (missing, mixed strings and numbers, continuous),
            invalid weights, or a class with zero total weight.

        Examples
        --------
        >>> X = np.arange(6.0).reshape(-1, 1); y = np.array([0, 0, 1, 0, 1, 1])
        >>> model = LogisticRegression().fit(X, y)
        >>> model.coef_.round(3), model.intercept_.round(3), model.converged_, model.solver_
        (array([[0.767]]), array([-1.918]), True, 'newton')
        """
        self._check_params()
        warm = self.warm_start and hasattr(self, "coef_")
        previous = (self.classes_, self._packed_coefs()) if warm else None
        X, y = validate_X_y(self, X, y)
        classes, codes = encode_targets(y)
        sample_weight, weight_scale = check_fit_weights(
            sample_weight, self.class_weight, classes, codes
        )
        n_outputs = len(classes) if len(classes) > 2 and self.multi_class == "multinomial" else 1
        offset = check_offset(offset, X.shape[0], n_outputs)
        problems = self._problems(X, codes, len(classes), sample_weight, offset, weight_scale)
        name = solvers.choose(problems[0]) if self.solver == "auto" else self.solver
        starts = [None] * len(problems)
        if previous is not None and np.array_equal(previous[0], classes):
            starts = [
                c if c.shape == (p.n_coef,) else None
                for c, p in zip(previous[1], problems, strict=False)
            ]
        calls = [
            (problem, name, start, self.tol, self.max_iter, self.verbose, self.solver_options)
            for problem, start in zip(problems, starts, strict=True)
        ]
        if self.n_jobs is None or len(calls) == 1:
            # in the caller's thread, so that warnings point at the user's call to fit
            solutions = [_solve(*call) for call in calls]
        else:
            solutions = Parallel(n_jobs=self.n_jobs, prefer="threads")(
                delayed(_solve)(*call) for call in calls
            )
        self.classes_ = classes
        self.solver_ = name
        self._set_coefs(problems, solutions, X.shape[1])
        self.feature_mean_ = Design(X).rmatvec(sample_weight / sample_weight.sum())
        self.n_iter_ = np.array([s.n_iter for s in solutions], dtype=np.int32)
        self.converged_ = all(s.converged for s in solutions)
        histories = [np.asarray(s.history) for s in solutions]
        self.loss_history_ = histories[0] if len(histories) == 1 else histories
        for problem, solution in zip(problems, solutions, strict=True):
            warn_if_separated(problem, solution.coef, getattr(self, "feature_names_in_", None))
        return self

    @available_if(lambda self: _online_supported(self))
    def partial_fit(self, X, y, classes=None, sample_weight=None) -> LogisticRegression:
        """One pass of mini-batch SGD over ``(X, y)``, continuing from the previous calls.

        The optimiser's state (iterate, step counter and schedule position,
        moments, averaged iterate, random generator) is kept between calls: it is
        the loop of ``fit`` with ``solver="sgd"``, and a stream of calls equals
        that fit over the same batches when ``solver_options`` fix
        ``learning_rate`` and ``epoch_samples`` (otherwise estimated from the
        first batch) and the penalty is the same (see below). Options come from
        ``solver_options`` when ``solver="sgd"``. The objective is scikit-learn's
        on all the samples seen so far: the penalty is divided by their running
        total weight, so it matches ``fit``'s once the data set has been seen
        once. After a ``fit``, it continues from the fitted coefficients (with a
        fresh schedule).

        Parameters
        ----------
        X : array-like or sparse matrix of shape (n_samples, n_features)
            A batch of rows (no per-batch standardization: scale the stream beforehand).
        y : array-like of shape (n_samples,)
            Their labels, all among ``classes``.
        classes : array-like, optional
            Every label of the stream; required on the first call.
        sample_weight : array-like of shape (n_samples,), optional
            Non-negative weights per sample.

        Returns
        -------
        self : LogisticRegression

        Raises
        ------
        AttributeError
            With ``firth=True``, ``standardize=True`` or ``class_weight="balanced"``,
            which need all the data at once (``hasattr(model, "partial_fit")`` is
            false then).

        Examples
        --------
        >>> import numpy as np
        >>> from logistica import LogisticRegression
        >>> rng = np.random.default_rng(0); X = rng.standard_normal((300, 2))
        >>> y = (X[:, 0] > 0).astype(int)
        >>> model = LogisticRegression(solver="sgd", solver_options={"random_state": 0})
        >>> for rows in np.array_split(np.arange(300), 3):
        ...     model = model.partial_fit(X[rows], y[rows], classes=[0, 1])
        >>> model.n_iter_.tolist(), model.score(X, y) > 0.9
        ([3], True)
        """
        from ._online import partial_fit

        return partial_fit(self, X, y, classes=classes, sample_weight=sample_weight)

    def _set_coefs(self, problems, solutions, n_features: int) -> None:
        scales = {"": ([], []), "_standardized": ([], [])}
        for problem, solution in zip(problems, solutions, strict=True):
            W, b = problem.split(solution.coef)
            if self.standardize:
                scales["_standardized"][0].append(np.atleast_2d(W.T))
                scales["_standardized"][1].append(np.atleast_1d(np.asarray(b, dtype=np.float64)))
                W, b = problem.design.to_original(W, b)
            scales[""][0].append(np.atleast_2d(W.T))
            scales[""][1].append(np.atleast_1d(np.asarray(b, dtype=np.float64)))
        self.coef_standardized_ = self.intercept_standardized_ = None
        for suffix, (coefs, intercepts) in scales.items():
            if coefs:
                # C order, as a loaded model file has it: the same layout takes the same
                # BLAS path, so predictions after save/load are bit-identical (issue 18)
                coef = np.ascontiguousarray(np.vstack(coefs).reshape(-1, n_features))
                intercept = np.broadcast_to(np.concatenate(intercepts), (coef.shape[0],)).copy()
                setattr(self, f"coef{suffix}_", coef)
                setattr(self, f"intercept{suffix}_", intercept)

    def _packed_coefs(self) -> list[np.ndarray]:
        """Fitted coefficients in the solvers' flat layout, one per solved problem."""
        standardized = self.standardize and getattr(self, "coef_standardized_", None) is not None
        coef, intercept = (
            (self.coef_standardized_, self.intercept_standardized_)
            if standardized
            else (self.coef_, self.intercept_)
        )
        rows = [coef.T]
        if self.fit_intercept:
            rows.append(intercept[None, :])
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
            Data with the features seen in ``fit``.
        offset : array-like, optional
            The same kind of offset as passed to ``fit``.

        Examples
        --------
        >>> X = np.arange(6.0).reshape(-1, 1); y = np.array([0, 0, 1, 0, 1, 1])
        >>> model = LogisticRegression().fit(X, y)
        >>> model.decision_function(X[:2]).round(3)
        array([-1.918, -1.151])
        """
        if "coef_" not in vars(self):
            check_is_fitted(self)
        X = validate_X(self, X)
        scores = safe_sparse_dot(X, self.coef_.T, dense_output=True) + self.intercept_
        if scores.shape[1] == 1:
            scores = scores[:, 0]
        offset = check_offset(offset, X.shape[0], scores.shape[1] if scores.ndim == 2 else 1)
        return scores if offset is None else scores + offset

    def predict_log_proba(self, X, offset=None) -> np.ndarray:
        """Log-probabilities of each class, computed without ``log(0)``.

        Examples
        --------
        >>> X = np.arange(6.0).reshape(-1, 1); y = np.array([0, 0, 1, 0, 1, 1])
        >>> model = LogisticRegression().fit(X, y)
        >>> model.predict_log_proba(X[:2]).round(3)
        array([[-0.137, -2.055],
               [-0.275, -1.426]])
        """
        scores = self.decision_function(X, offset)
        if scores.ndim == 1:
            return np.column_stack([log_expit(-scores), log_expit(scores)])
        if self.multi_class == "ovr":
            log_p = log_expit(scores)
            return log_p - np.logaddexp.reduce(log_p, axis=1, keepdims=True)
        return log_softmax(scores, axis=1)

    def predict_proba(self, X, offset=None) -> np.ndarray:
        """Probability of each class, shape (n_samples, n_classes).

        Examples
        --------
        >>> X = np.arange(6.0).reshape(-1, 1); y = np.array([0, 0, 1, 0, 1, 1])
        >>> model = LogisticRegression().fit(X, y)
        >>> model.predict_proba(X[:2]).round(3)
        array([[0.872, 0.128],
               [0.76 , 0.24 ]])
        """
        scores = self.decision_function(X, offset)
        if scores.ndim == 1:
            p = expit(scores)
            return np.column_stack([1.0 - p, p])
        if self.multi_class == "ovr":
            p = expit(scores)
            return p / p.sum(axis=1, keepdims=True)
        return softmax(scores, axis=1)

    def predict(self, X, offset=None) -> np.ndarray:
        """Most probable class label for each row of ``X``.

        Examples
        --------
        >>> X = np.arange(6.0).reshape(-1, 1); y = np.array([0, 0, 1, 0, 1, 1])
        >>> model = LogisticRegression().fit(X, y)
        >>> model.predict(X)
        array([0, 0, 0, 1, 1, 1])
        """
        scores = self.decision_function(X, offset)
        index = (scores > 0).astype(np.intp) if scores.ndim == 1 else scores.argmax(axis=1)
        return self.classes_[index]

    # -- inference --------------------------------------------------------------------
    def summarize(self, X=None, y=None, **kwargs) -> Results:
        """Standard errors, tests and summary table: :func:`logistica.inference.summarize`.

        Parameters
        ----------
        X : array-like or sparse matrix of shape (n_samples, n_features), optional
            The training data; omit it (and ``y``) for a model fitted by
            :func:`logistica.formula.logit`, which keeps its design.
        y : array-like of shape (n_samples,), optional
            The training labels.
        **kwargs
            ``cov_type``, ``groups``, ``sample_weight``, ``offset``.

        Returns
        -------
        logistica.inference.Results

        Examples
        --------
        >>> import numpy as np
        >>> from logistica import LogisticRegression
        >>> X = np.array([[0.0], [1.0], [2.0], [3.0], [4.0], [5.0]]); y = [0, 1, 0, 1, 0, 1]
        >>> res = LogisticRegression(C=np.inf).fit(X, y).summarize(X, y)
        >>> res.params.index.tolist()
        ['intercept', 'x0']
        """
        from .inference.build import summarize

        return summarize(self, X, y, **kwargs)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags


def _online_supported(model: LogisticRegression) -> bool:
    from ._online import check_supported

    return check_supported(model)


def _solve(problem, name, start, tol, max_iter, verbose, options):
    """One solver run with the estimator's settings (a picklable task for joblib)."""
    return solvers.solve(
        problem, name, start, tol=tol, max_iter=max_iter, verbose=verbose, options=options
    )
