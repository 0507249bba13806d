"""``TabularModel``: from raw table rows to a decision, as one scikit-learn classifier.

The chain is ``schema → steps → linear model → calibrator → decision``:

1. the **schema** (:mod:`~logistica.tabular.schema`) names the required
   columns and their kinds; scoring checks them (extra columns are ignored);
2. one **step** per column (:mod:`~logistica.tabular.steps`) turns it into
   design columns: numeric columns imputed then standardized, categorical
   columns one-hot encoded (missing as a level, rare levels pooled, unseen
   levels all-zero), booleans as 0/1;
3. the **linear model**: :class:`~logistica.LogisticRegression`, or with
   ``cv=k`` a :class:`~logistica.LogisticRegressionCV` choosing ``C`` by the
   one-standard-error rule;
4. an optional **calibrator** (:class:`~logistica.calibration.CalibratedModel`);
5. an optional **decision rule**
   (:class:`~logistica.thresholds.ThresholdClassifier`): a fixed or tuned
   threshold for binary targets, a cost matrix for multiclass ones.

Every part is a plain, documented object, so the fitted chain is data and
:func:`logistica.save` writes it without pickle.
"""

from __future__ import annotations

import warnings
from datetime import datetime, timezone

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.frozen import FrozenEstimator
from sklearn.utils.validation import check_is_fitted

from .._fingerprint import data_fingerprint
from ..calibration import CalibratedModel
from ..cv import LogisticRegressionCV
from ..estimators import LogisticRegression
from ..exceptions import UnseenLevelWarning
from ..explain import contributions
from ..thresholds import ThresholdClassifier
from .schema import check_frame, infer_schema
from .steps import fit_step

__all__ = ["TabularModel", "linear_part"]

_CALIBRATIONS = (None, "sigmoid", "isotonic", "temperature")


def linear_part(model) -> LogisticRegression | LogisticRegressionCV:
    """The linear model at the core of a chain (tabular model, threshold, calibration).

    Fitted wrappers are unwrapped through their fitted part (``estimator_``,
    ``model_``), unfitted ones through their parameter.

    Examples
    --------
    >>> lr = LogisticRegression()
    >>> linear_part(ThresholdClassifier(CalibratedModel(lr), threshold=0.3)) is lr
    True
    """
    while not isinstance(model, LogisticRegression | LogisticRegressionCV):
        if isinstance(model, ThresholdClassifier):
            model = getattr(model, "estimator_", model.estimator)
        elif isinstance(model, CalibratedModel):
            model = getattr(model, "model_", model.model)
        elif isinstance(model, FrozenEstimator):
            model = model.estimator
        elif isinstance(model, TabularModel):
            model = model.model_
        else:
            raise ValueError(f"no logistic regression inside {type(model).__name__}")
    return model


class TabularModel(ClassifierMixin, BaseEstimator):
    """Logistic regression on a raw DataFrame: preprocessing, fit, calibration, decision.

    Parameters
    ----------
    C : float, default=1.0
        Inverse regularization strength of the linear model (ignored with ``cv``).
    l1_ratio : float, default=0.0
        Elastic-net mix (``1``: lasso).
    cv : int, optional
        Choose ``C`` by ``cv``-fold cross-validation over ``Cs`` with the
        one-standard-error rule (:class:`~logistica.LogisticRegressionCV`).
    Cs : int or array-like, default=10
        The grid of ``C`` when ``cv`` is set.
    class_weight : dict, "balanced" or None, optional
    solver : str, default="auto"
    tol : float, default=1e-6
    max_iter : int, optional
    multi_class : {"multinomial", "ovr"}, default="multinomial"
        Ignored with ``cv``, which fits multinomial models.
    calibration : {None, "sigmoid", "isotonic", "temperature"}, default=None
        Recalibrate the probabilities by cross-fitting (``calibration_cv`` folds).
    calibration_cv : int, default=5
    threshold : float, optional
        Fixed decision threshold on the positive class's probability (binary).
    threshold_objective : str, optional
        Tune the threshold by cross-validation (``threshold_cv`` folds) for this
        objective of :func:`~logistica.thresholds.tune_threshold`, under
        ``threshold_constraint``.
    threshold_constraint : dict, optional
        E.g. ``{"recall": 0.9}``.
    cost_matrix : array-like of shape (n_classes, n_classes), optional
        Decide by least expected cost (``cost[i][j]``: truth ``i``, decision ``j``).
    threshold_cv : int, default=5
    numeric_impute : {"median", "mean"}, default="median"
        Fill value of missing numbers.
    min_frequency : int or float, optional
        Levels seen fewer times (or, below 1, in a smaller fraction of rows)
        share one ``<other>`` column.
    handle_unknown : {"zero", "error"}, default="zero"
        Levels unseen in training: all-zero one-hot columns (the column's
        baseline contribution) with an :class:`~logistica.exceptions.UnseenLevelWarning`
        counting them, or a ``ValueError``.

    Attributes
    ----------
    schema_ : list of ColumnSchema
        The required columns and their kinds.
    steps_ : list of NumericStep, OneHotStep or BooleanStep
        One fitted step per column, in schema order.
    feature_names_ : list of str
        Names of the design columns (``"city=Paris"``, ``"city=<missing>"``, ...).
    model_ : classifier
        The fitted chain on the design: linear model, possibly wrapped by a
        ``CalibratedModel`` and then a ``ThresholdClassifier``.
    classes_ : ndarray
        Class labels.
    training_ : dict
        ``n_rows``, ``fitted_at`` (UTC, ISO 8601) and ``data_fingerprint``.
    n_features_in_ : int
        Number of input columns used.
    feature_names_in_ : ndarray of str
        Their names.

    Examples
    --------
    >>> frame = pd.DataFrame({"x": [0.1, 1.3, None, 2.5, 0.7, 3.1],
    ...                       "city": ["a", "b", "a", None, "b", "a"]})
    >>> model = TabularModel().fit(frame, [0, 0, 1, 1, 0, 1])
    >>> model.feature_names_
    ['x', 'city=a', 'city=b', 'city=<missing>']
    >>> model.predict_proba(frame.head(2)).shape
    (2, 2)
    """

    def __init__(
        self,
        C: float = 1.0,
        *,
        l1_ratio: float = 0.0,
        cv: int | None = None,
        Cs=10,
        class_weight=None,
        solver: str = "auto",
        tol: float = 1e-6,
        max_iter: int | None = None,
        multi_class: str = "multinomial",
        calibration: str | None = None,
        calibration_cv: int = 5,
        threshold: float | None = None,
        threshold_objective: str | None = None,
        threshold_constraint: dict | None = None,
        cost_matrix=None,
        threshold_cv: int = 5,
        numeric_impute: str = "median",
        min_frequency: float | None = None,
        handle_unknown: str = "zero",
    ) -> None:
        self.C = C
        self.l1_ratio = l1_ratio
        self.cv = cv
        self.Cs = Cs
        self.class_weight = class_weight
        self.solver = solver
        self.tol = tol
        self.max_iter = max_iter
        self.multi_class = multi_class
        self.calibration = calibration
        self.calibration_cv = calibration_cv
        self.threshold = threshold
        self.threshold_objective = threshold_objective
        self.threshold_constraint = threshold_constraint
        self.cost_matrix = cost_matrix
        self.threshold_cv = threshold_cv
        self.numeric_impute = numeric_impute
        self.min_frequency = min_frequency
        self.handle_unknown = handle_unknown

    # -- the chain ------------------------------------------------------------------
    def _chain(self):
        if self.calibration not in _CALIBRATIONS:
            raise ValueError(
                f"calibration must be one of {_CALIBRATIONS}, got {self.calibration!r}"
            )
        common = {"class_weight": self.class_weight, "solver": self.solver, "tol": self.tol,
                  "max_iter": self.max_iter}  # fmt: skip
        if self.cv is not None:
            model = LogisticRegressionCV(
                Cs=self.Cs, l1_ratios=(self.l1_ratio,), selection="1se", cv=self.cv, **common
            )
        else:
            model = LogisticRegression(
                self.C, l1_ratio=self.l1_ratio, multi_class=self.multi_class, **common
            )
        if self.calibration is not None:
            model = CalibratedModel(model, method=self.calibration, cv=self.calibration_cv)
        decides = self.threshold is not None or self.threshold_objective is not None
        if decides or self.cost_matrix is not None:
            model = ThresholdClassifier(
                model,
                threshold=self.threshold,
                objective=self.threshold_objective,
                constraint=self.threshold_constraint,
                cost_matrix=self.cost_matrix,
                cv=self.threshold_cv,
            )
        return model

    def fit(self, X: pd.DataFrame, y, sample_weight=None) -> TabularModel:
        """Infer the schema, fit the steps and then the chain on the design.

        Parameters
        ----------
        X : pandas.DataFrame
            Training table; every column is used.
        y : array-like of shape (n_samples,)
            Class labels.
        sample_weight : array-like of shape (n_samples,), optional
            Weights of the linear model's fit (the steps use unweighted statistics).

        Returns
        -------
        self : TabularModel

        Raises
        ------
        ValueError
            For a date/time, mixed or empty column, or any invalid parameter.

        Examples
        --------
        >>> frame = pd.DataFrame({"x": [0.1, 1.3, None, 2.5, 0.7, 3.1],
        ...                       "city": ["a", "b", "a", None, "b", "a"]})
        >>> model = TabularModel().fit(frame, [0, 0, 1, 1, 0, 1])
        >>> [step.type for step in model.steps_], model.classes_.tolist()
        (['numeric', 'one_hot'], [0, 1])
        """
        self.schema_ = infer_schema(X)
        options = {"numeric_impute": self.numeric_impute, "min_frequency": self.min_frequency,
                   "handle_unknown": self.handle_unknown}  # fmt: skip
        self.steps_ = [fit_step(X[s.name], s.name, s.kind, **options) for s in self.schema_]
        self.feature_names_ = [name for step in self.steps_ for name in step.feature_names]
        self.n_features_in_ = len(self.schema_)
        self.feature_names_in_ = np.array([s.name for s in self.schema_], dtype=object)
        design = self._design(X, warn=False)
        fit_params = {} if sample_weight is None else {"sample_weight": sample_weight}
        self.model_ = self._chain().fit(design, y, **fit_params)
        self.classes_ = self.model_.classes_
        self.training_ = {
            "n_rows": int(X.shape[0]),
            "fitted_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "data_fingerprint": data_fingerprint(X[list(self.feature_names_in_)], y, sample_weight),
        }
        return self

    # -- preprocessing --------------------------------------------------------------
    def _design(self, X, warn: bool = True) -> np.ndarray:
        frame = check_frame(X, self.schema_)
        blocks, unseen = [], {}
        for step in self.steps_:
            block, count = step.transform(frame[step.column])
            blocks.append(block)
            if count:
                unseen[step.column] = count
        if unseen and warn:
            warnings.warn(
                f"levels unseen in training (scored as all-zero one-hot columns, the "
                f"baseline contribution), rows per column: {unseen}",
                UnseenLevelWarning,
                stacklevel=3,
            )
        return np.hstack(blocks) if blocks else np.empty((frame.shape[0], 0))

    def transform(self, X: pd.DataFrame) -> pd.DataFrame:
        """The design matrix the linear model sees, with ``feature_names_`` as columns.

        Parameters
        ----------
        X : pandas.DataFrame
            Rows with the schema's columns.

        Examples
        --------
        >>> frame = pd.DataFrame({"x": [0.1, 1.3, None, 2.5, 0.7, 3.1],
        ...                       "city": ["a", "b", "a", None, "b", "a"]})
        >>> model = TabularModel().fit(frame, [0, 0, 1, 1, 0, 1])
        >>> model.transform(frame.head(2)).round(3)
               x  city=a  city=b  city=<missing>
        0 -1.373     1.0     0.0             0.0
        1 -0.196     0.0     1.0             0.0
        """
        check_is_fitted(self, "steps_")
        return pd.DataFrame(self._design(X), index=X.index, columns=self.feature_names_)

    def unseen_counts(self, X: pd.DataFrame) -> dict[str, int]:
        """Rows per categorical column whose level (or missing value) training never saw.

        Parameters
        ----------
        X : pandas.DataFrame
            Rows with the schema's columns.

        Examples
        --------
        >>> frame = pd.DataFrame({"x": [0.1, 1.3, None, 2.5, 0.7, 3.1],
        ...                       "city": ["a", "b", "a", None, "b", "a"]})
        >>> model = TabularModel().fit(frame, [0, 0, 1, 1, 0, 1])
        >>> model.unseen_counts(pd.DataFrame({"x": [1.0, 2.0], "city": ["z", "a"]}))
        {'city': 1}
        """
        check_is_fitted(self, "steps_")
        frame = check_frame(X, self.schema_)
        counts = {s.column: s.transform(frame[s.column])[1] for s in self.steps_}
        return {column: count for column, count in counts.items() if count}

    # -- prediction -----------------------------------------------------------------
    @property
    def linear_model_(self) -> LogisticRegression | LogisticRegressionCV:
        """The fitted linear model inside the chain."""
        check_is_fitted(self, "model_")
        return linear_part(self.model_)

    def decision_function(self, X: pd.DataFrame) -> np.ndarray:
        """Linear predictor of the (uncalibrated) linear model.

        Parameters
        ----------
        X : pandas.DataFrame
            Rows with the schema's columns.

        Examples
        --------
        >>> frame = pd.DataFrame({"x": [0.1, 1.3, None, 2.5, 0.7, 3.1],
        ...                       "city": ["a", "b", "a", None, "b", "a"]})
        >>> model = TabularModel().fit(frame, [0, 0, 1, 1, 0, 1])
        >>> model.decision_function(frame.head(2)).round(3)
        array([-0.969, -0.706])
        """
        check_is_fitted(self, "model_")
        return self.linear_model_.decision_function(self._design(X))

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        """Class probabilities (calibrated when ``calibration`` is set).

        Parameters
        ----------
        X : pandas.DataFrame
            Rows with the schema's columns.

        Examples
        --------
        >>> frame = pd.DataFrame({"x": [0.1, 1.3, None, 2.5, 0.7, 3.1],
        ...                       "city": ["a", "b", "a", None, "b", "a"]})
        >>> model = TabularModel().fit(frame, [0, 0, 1, 1, 0, 1])
        >>> model.predict_proba(frame.head(2)).round(3)
        array([[0.725, 0.275],
               [0.669, 0.331]])
        """
        check_is_fitted(self, "model_")
        return self.model_.predict_proba(self._design(X))

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        """Decisions: the threshold or cost matrix when set, else the most probable class.

        Parameters
        ----------
        X : pandas.DataFrame
            Rows with the schema's columns.

        Examples
        --------
        >>> frame = pd.DataFrame({"x": [0.1, 1.3, None, 2.5, 0.7, 3.1],
        ...                       "city": ["a", "b", "a", None, "b", "a"]})
        >>> model = TabularModel().fit(frame, [0, 0, 1, 1, 0, 1])
        >>> model.predict(frame)
        array([0, 0, 1, 1, 0, 1])
        """
        check_is_fitted(self, "model_")
        return self.model_.predict(self._design(X))

    def explain(self, rows: pd.DataFrame, k: int | None = None):
        """Contributions of each original column to the log-odds of each row.

        A column's contribution is the sum of ``coef·(x − baseline)`` over its
        design columns (:func:`logistica.explain.contributions`, baseline: the
        training mean of the design), so a row's contributions add up to its
        decision function minus the baseline's. Binary models: the positive
        class's log-odds; multiclass: the predicted class's linear predictor.

        Parameters
        ----------
        rows : pandas.DataFrame
            Rows to explain.
        k : int, optional
            Return only the ``k`` largest contributions (in absolute value) per row.

        Returns
        -------
        pandas.DataFrame or list of list of (str, float)
            Without ``k``: one column per input column, indexed like ``rows``.
            With ``k``: per row, ``(column, contribution)`` pairs, largest first.

        Examples
        --------
        >>> frame = pd.DataFrame({"x": [0.1, 1.3, None, 2.5, 0.7, 3.1],
        ...                       "city": ["a", "b", "a", None, "b", "a"]})
        >>> model = TabularModel().fit(frame, [0, 0, 1, 1, 0, 1])
        >>> model.explain(frame.head(2)).round(3)
               x   city
        0 -1.320  0.304
        1 -0.189 -0.564
        """
        linear = self.linear_model_
        design = self._design(rows)
        values = contributions(linear, design)
        if values.ndim == 3:
            predicted = np.asarray(linear.decision_function(design)).argmax(axis=1)
            values = values[np.arange(values.shape[0]), predicted]
        widths = [len(step.feature_names) for step in self.steps_]
        ends = np.cumsum(widths)
        blocks = zip(ends, widths, strict=True)
        summed = np.column_stack([values[:, e - w : e].sum(axis=1) for e, w in blocks])
        frame = pd.DataFrame(summed, index=rows.index, columns=list(self.feature_names_in_))
        if k is None:
            return frame
        if not (isinstance(k, int | np.integer) and k >= 1):
            raise ValueError(f"k must be a positive integer, got {k!r}")
        order = np.argsort(-np.abs(summed), axis=1, kind="stable")[:, :k]
        return [
            [(frame.columns[j], float(row[j])) for j in row_order]
            for row, row_order in zip(summed, order, strict=True)
        ]

    def baseline_decision(self) -> np.ndarray:
        """Decision function at the baseline (the design's training mean).

        ``explain(rows).sum(axis=1) + baseline_decision()`` equals
        ``decision_function(rows)`` for binary models.

        Examples
        --------
        >>> frame = pd.DataFrame({"x": [0.1, 1.3, None, 2.5, 0.7, 3.1],
        ...                       "city": ["a", "b", "a", None, "b", "a"]})
        >>> model = TabularModel().fit(frame, [0, 0, 1, 1, 0, 1])
        >>> total = model.explain(frame).sum(axis=1) + model.baseline_decision()
        >>> bool(np.allclose(total, model.decision_function(frame)))
        True
        """
        linear = self.linear_model_
        mean = getattr(linear, "feature_mean_", None)
        if mean is None:
            mean = linear.estimator_.feature_mean_
        return np.asarray(linear.decision_function(np.asarray(mean)[None, :]))[0]
