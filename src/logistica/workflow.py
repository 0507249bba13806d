"""The main job on a table, as plain functions: decide, split, evaluate, explain, report.

These are the steps behind ``logistica fit``, ``evaluate``, ``summary``,
``tune-threshold`` and ``demo``, without any terminal output, so the command
line, the demo and Python users compose the same pieces:

- :func:`decision_params`: the :class:`~logistica.TabularModel` parameters of
  a decision rule (recall or precision floor, costs, F1, fixed threshold);
- :func:`split`: a stratified held-out test split;
- :func:`evaluate`: metrics with stratified-bootstrap 95% intervals, and the
  expected calibration error;
- :func:`coefficient_table`: coefficients and odds ratios of the linear model,
  with standard errors when an inference node is given;
- :func:`write_report`: :func:`logistica.report.build` for a ``TabularModel``;
- :func:`fit_tabular_files`: a ``TabularModel`` fitted on files too large for
  memory (its linear model by :func:`logistica.fit_files`).

Examples
--------
>>> decision_params(recall_at_least=0.99)["threshold_constraint"]
{'recall': 0.99}
"""

from __future__ import annotations

import copy
import warnings
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats
from sklearn.model_selection import train_test_split

from .cv import LogisticRegressionCV
from .estimators import LogisticRegression
from .metrics import bootstrap_ci, expected_calibration_error
from .tabular import TabularModel, linear_part
from .thresholds import ThresholdClassifier

__all__ = [
    "METRICS",
    "coefficient_table",
    "decision_params",
    "decision_threshold",
    "evaluate",
    "fit_inference",
    "fit_tabular_files",
    "split",
    "write_report",
]

#: Metric keys of :func:`evaluate`, and whether lower is better.
METRICS = {
    "roc_auc": False,
    "pr_auc": False,
    "accuracy": False,
    "balanced_accuracy": False,
    "precision": False,
    "recall": False,
    "f1": False,
    "log_loss": True,
    "brier": True,
    "ece": True,
}


def decision_params(
    *,
    recall_at_least: float | None = None,
    precision_at_least: float | None = None,
    cost_fp: float | None = None,
    cost_fn: float | None = None,
    optimize: str | None = None,
    threshold: float | None = None,
) -> dict:
    """``TabularModel`` parameters of one decision rule (binary targets).

    Parameters
    ----------
    recall_at_least : float, optional
        Maximise precision subject to ``recall >= recall_at_least``.
    precision_at_least : float, optional
        Maximise recall subject to ``precision >= precision_at_least``.
    cost_fp, cost_fn : float, optional
        Costs of a false positive and a false negative (both or neither):
        minimise the expected cost.
    optimize : str, optional
        A metric of :func:`logistica.thresholds.threshold_curve` to maximise (``"f1"``).
    threshold : float, optional
        A fixed threshold on the positive-class probability.

    Returns
    -------
    dict
        ``threshold``, ``threshold_objective``, ``threshold_constraint`` and
        ``cost_matrix`` (empty when no rule is asked for).

    Raises
    ------
    ValueError
        When more than one rule is given, or only one of the two costs.

    Examples
    --------
    >>> decision_params(cost_fp=1, cost_fn=5)["cost_matrix"]
    [[0.0, 1.0], [5.0, 0.0]]
    """
    if (cost_fp is None) != (cost_fn is None):
        raise ValueError("give both --cost-fp and --cost-fn, or neither")
    rules = {
        "recall-at-least": recall_at_least,
        "precision-at-least": precision_at_least,
        "cost-fp/--cost-fn": cost_fp,
        "optimize": optimize,
        "threshold": threshold,
    }
    given = [name for name, value in rules.items() if value is not None]
    if len(given) > 1:
        raise ValueError(f"choose one decision rule, got --{' and --'.join(given)}")
    if recall_at_least is not None:
        return {
            "threshold_objective": "precision",
            "threshold_constraint": {"recall": float(recall_at_least)},
        }
    if precision_at_least is not None:
        return {
            "threshold_objective": "recall",
            "threshold_constraint": {"precision": float(precision_at_least)},
        }
    if cost_fp is not None:
        return {"cost_matrix": [[0.0, float(cost_fp)], [float(cost_fn), 0.0]]}
    if optimize is not None:
        return {"threshold_objective": optimize}
    if threshold is not None:
        if not 0.0 <= threshold <= 1.0:
            raise ValueError(f"threshold must be a probability in [0, 1], got {threshold}")
        return {"threshold": float(threshold)}
    return {}


def split(X: pd.DataFrame, y: pd.Series, test_size: float, random_state: int = 0) -> tuple:
    """A stratified train/test split; ``test_size=0`` keeps every row for training.

    Returns
    -------
    tuple
        ``(X_train, X_test, y_train, y_test)``; the test parts are ``None``
        when ``test_size`` is 0.

    Examples
    --------
    >>> frame = pd.DataFrame({"x": np.arange(8.0)}); y = pd.Series([0, 1] * 4)
    >>> X_train, X_test, y_train, y_test = split(frame, y, test_size=0.25)
    >>> len(X_train), len(X_test), sorted(y_test)
    (6, 2, [0, 1])
    >>> split(frame, y, test_size=0)[1] is None
    True
    """
    if not 0.0 <= test_size < 1.0:
        raise ValueError(f"test size must be in [0, 1), got {test_size}")
    if test_size == 0:
        return X, None, y, None
    counts = y.value_counts()
    stratify = y if counts.min() >= 2 else None
    return train_test_split(X, y, test_size=test_size, stratify=stratify, random_state=random_state)


def decision_threshold(model) -> float | None:
    """The threshold on the positive-class probability a binary model decides with.

    ``None`` for multiclass models and cost-matrix decisions without a threshold.

    Examples
    --------
    >>> frame = pd.DataFrame({"x": [0.1, 1.3, 0.2, 2.5, 0.7, 3.1]})
    >>> decision_threshold(TabularModel().fit(frame, [0, 0, 1, 1, 0, 1]))
    0.5
    >>> decision_threshold(TabularModel(threshold=0.3).fit(frame, [0, 0, 1, 1, 0, 1]))
    0.3
    """
    chain = model.model_ if isinstance(model, TabularModel) else model
    if len(chain.classes_) != 2:
        return None
    if isinstance(chain, ThresholdClassifier):
        return chain.threshold_
    return 0.5


def _codes(y, classes: np.ndarray) -> np.ndarray:
    y = np.asarray(y)
    labels = np.asarray(classes)
    if labels.dtype.kind in "OUS":
        y, labels = y.astype(str), labels.astype(str)
    unknown = sorted(set(np.unique(y).tolist()) - set(labels.tolist()))
    if unknown:
        raise ValueError(
            f"the target holds labels the model never saw: {unknown[:5]}; "
            f"its classes are {labels.tolist()}"
        )
    return np.searchsorted(labels, y)


def evaluate(
    model, X, y, *, n_boot: int = 200, random_state: int = 0, computed: dict | None = None
) -> dict[str, dict]:
    """Metrics of a fitted model on labelled data, each with a bootstrap 95% interval.

    Binary models: precision, recall, F1 and accuracy at the model's decision
    threshold (:func:`decision_threshold`), the ranking metrics on the
    positive-class probability. Multiclass models: macro averages.

    Parameters
    ----------
    model : fitted classifier
        E.g. a :class:`~logistica.TabularModel`.
    X : DataFrame or array-like
        Rows to score.
    y : array-like
        Their labels.
    n_boot : int, default=200
        Bootstrap replicates (stratified by class).
    computed : dict, optional
        The same metrics already computed on the same data (a report's
        ``data["metrics"]["metrics"]``, see :func:`logistica.report.read_data`):
        only the calibration error is added.
    random_state : int, default=0
        Seed of the bootstrap.

    Returns
    -------
    dict
        Metric key (see :data:`METRICS`) → ``estimate``, ``low``, ``high``, ``std_error``.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> frame = pd.DataFrame({"x": rng.normal(size=60)})
    >>> y = (frame["x"] + rng.normal(size=60) > 0).astype(int)
    >>> metrics = evaluate(TabularModel().fit(frame, y), frame, y, n_boot=20)
    >>> list(metrics)[:3], sorted(metrics["roc_auc"])
    (['roc_auc', 'pr_auc', 'accuracy'], ['estimate', 'high', 'low', 'std_error'])
    """
    from .report.evaluation import metric_table

    classes = np.asarray(model.classes_)
    codes = _codes(y, classes)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        proba = np.asarray(model.predict_proba(X), dtype=np.float64)
    binary = proba.shape[1] == 2
    threshold = decision_threshold(model)
    if computed is None:
        decide_at = 0.5 if threshold is None else threshold
        table = metric_table(codes, proba, decide_at, n_boot, random_state)["metrics"]
    else:
        table = dict(computed)
    forecast = proba[:, 1] if binary else proba
    ece = bootstrap_ci(
        expected_calibration_error, codes, forecast, n_boot=n_boot, random_state=random_state
    )
    table["ece"] = ece._asdict()
    return {key: table[key] for key in METRICS if key in table}


def fit_inference(model: TabularModel, X: pd.DataFrame, y):
    """:func:`logistica.summarize` of the linear model on its design, or ``None``.

    Inference is a by-product: it is skipped (``None``) when the model cannot
    support it (e.g. a lasso fit, or an unconverged one).

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> frame = pd.DataFrame({"x": rng.normal(size=60), "z": rng.normal(size=60)})
    >>> y = (frame["x"] + rng.normal(size=60) > 0).astype(int)
    >>> results = fit_inference(TabularModel(C=np.inf).fit(frame, y), frame, y)
    >>> type(results).__name__
    'Results'
    >>> fit_inference(TabularModel(C=1.0).fit(frame, y), frame, y) is None  # penalized
    True
    """
    linear = linear_part(model)
    fitted = linear.estimator_ if isinstance(linear, LogisticRegressionCV) else linear
    from .exceptions import InferenceWarning

    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            results = fitted.summarize(model._design(X, warn=False), np.asarray(y))
            results.cov_params()
    except (ValueError, np.linalg.LinAlgError):
        return None
    if any(issubclass(w.category, InferenceWarning) for w in caught):
        return None  # e.g. one-hot columns of every level beside the intercept
    return results


def coefficient_table(model: TabularModel, inference: dict | None = None) -> pd.DataFrame:
    """Coefficients and odds ratios of the linear model, by design column.

    Numeric columns are standardized by the model, so their odds ratio is per
    standard deviation; one-hot columns compare a level with the baseline.

    Parameters
    ----------
    model : TabularModel
        A fitted model.
    inference : dict, optional
        A model file's ``inference`` node (``names``, ``covariance``): adds
        ``std_err``, ``z``, ``p_value`` and the 95% interval of the odds ratio.

    Returns
    -------
    DataFrame
        Indexed by term (``"Intercept"`` then ``feature_names_``); columns
        ``coef`` and ``odds_ratio`` (one block per class for multinomial models,
        with a ``class`` column).

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> frame = pd.DataFrame({"x": rng.normal(size=60), "city": rng.choice(["a", "b"], size=60)})
    >>> y = (frame["x"] + rng.normal(size=60) > 0).astype(int)
    >>> table = coefficient_table(TabularModel().fit(frame, y))
    >>> table.index.tolist(), table.columns.tolist()
    (['Intercept', 'x', 'city=a', 'city=b'], ['class', 'coef', 'odds_ratio'])
    """
    linear = linear_part(model)
    fitted = linear.estimator_ if isinstance(linear, LogisticRegressionCV) else linear
    names = ["Intercept", *model.feature_names_]
    coef = np.column_stack([np.ravel(fitted.intercept_)[:, None], np.atleast_2d(fitted.coef_)])
    classes = list(map(str, fitted.classes_))
    blocks = [classes[1]] if coef.shape[0] == 1 else classes
    frames = []
    for k, label in enumerate(blocks):
        frame = pd.DataFrame({"class": label, "coef": coef[k]}, index=pd.Index(names, name="term"))
        frame["odds_ratio"] = np.exp(frame["coef"])
        frames.append(frame)
    table = pd.concat(frames)
    if inference is not None and coef.shape[0] == 1 and len(inference["names"]) == len(names):
        cov = np.asarray(inference["covariance"], dtype=np.float64)
        se = np.sqrt(np.clip(np.diag(cov), 0.0, None))
        z = table["coef"].to_numpy() / se
        table["std_err"], table["z"] = se, z
        table["p_value"] = 2 * stats.norm.sf(np.abs(z))
        table["or_lower"] = np.exp(table["coef"] - 1.959964 * se)
        table["or_upper"] = np.exp(table["coef"] + 1.959964 * se)
    return table


def _named_design(model: TabularModel, X: pd.DataFrame) -> tuple:
    """A copy of the fitted chain whose linear model knows the design's column names."""
    chain = copy.deepcopy(model.model_)
    names = np.asarray(model.feature_names_, dtype=object)
    node = chain
    while node is not None:  # the fitted wrappers down to the linear model(s)
        if isinstance(node, LogisticRegression | LogisticRegressionCV):
            node.feature_names_in_ = names
        node = next((getattr(node, a) for a in ("estimator_", "model_") if hasattr(node, a)), None)
    return chain, model.transform(X)


def write_report(
    model: TabularModel,
    X_test: pd.DataFrame,
    y_test,
    path: str | Path,
    *,
    X_train: pd.DataFrame | None = None,
    y_train=None,
    title: str | None = None,
    n_boot: int = 200,
) -> Path:
    """:func:`logistica.report.build` for a :class:`~logistica.TabularModel`.

    The report sees the fitted chain on the design matrix, with the design's
    column names (``"age"``, ``"city=Paris"``).

    Returns
    -------
    pathlib.Path

    Examples
    --------
    >>> import tempfile
    >>> rng = np.random.default_rng(0)
    >>> frame = pd.DataFrame({"x": rng.normal(size=60)})
    >>> y = (frame["x"] + rng.normal(size=60) > 0).astype(int)
    >>> model = TabularModel().fit(frame, y)
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = write_report(model, frame, y, Path(tmp) / "report.html", n_boot=10)
    ...     path.name, path.stat().st_size > 0
    ('report.html', True)
    """
    from . import report

    chain, design_test = _named_design(model, X_test)
    design_train = None if X_train is None else model.transform(X_train)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return report.build(
            chain,
            design_test,
            np.asarray(y_test),
            path,
            X_train=design_train,
            y_train=None if y_train is None else np.asarray(y_train),
            title=title,
            n_boot=n_boot,
        )


def fit_tabular_files(
    paths,
    target: str,
    *,
    features: list[str] | None = None,
    sample_rows: int = 10_000,
    batch_size: int = 65_536,
    progress: bool | None = None,
    **params,
) -> TabularModel:
    """A :class:`~logistica.TabularModel` fitted on Parquet/CSV files without loading them.

    The same model file, predictions and reports as an in-memory fit, built in
    three steps that never hold more than one column or one batch of rows:

    1. the schema (column kinds) is inferred from the first ``sample_rows`` rows;
    2. each column's preprocessing step (imputation value, standardization,
       levels) is fitted on that whole column, read alone;
    3. the linear model is fitted exactly by :func:`logistica.fit_files`, each
       batch encoded by the fitted steps.

    Only what streams is supported: a fixed ``C`` (no cross-validation), no
    calibration and no tuned threshold (they need held-out predictions in
    memory); the training fingerprint is not computed (``None`` in the file).

    Parameters
    ----------
    paths : str, path or list of paths
        A file, a directory, a glob pattern or a list of files.
    target : str
        The label column.
    features : list of str, optional
        Feature columns (default: every column but the target).
    sample_rows, batch_size : int
        Rows for the schema inference; rows per batch of the fit.
    progress : bool, optional
        Progress bars on stderr (default: when it is a terminal).
    **params
        :class:`~logistica.TabularModel` parameters: ``C``, ``l1_ratio``,
        ``solver``, ``class_weight``, ``tol``, ``max_iter``, ``numeric_impute``,
        ``min_frequency``, ``handle_unknown``.

    Returns
    -------
    TabularModel
        Fitted; its linear model also has ``fit_stats_`` (passes, bytes scanned).

    Raises
    ------
    ValueError
        For cross-validation, calibration or threshold parameters.

    Examples
    --------
    >>> import tempfile
    >>> rng = np.random.default_rng(0)
    >>> frame = pd.DataFrame({"x": rng.normal(size=60), "city": rng.choice(["a", "b"], size=60)})
    >>> frame["y"] = (frame["x"] + rng.normal(size=60) > 0).astype(int)
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     frame.to_parquet(Path(tmp) / "part-0.parquet")
    ...     model = fit_tabular_files(tmp, "y", progress=False)
    >>> model.feature_names_, model.training_["n_rows"]
    (['x', 'city=a', 'city=b'], 60)
    """
    from .outofcore import fit_files
    from .outofcore._reader import dataset as open_dataset
    from .tabular import infer_schema
    from .tabular.steps import fit_step

    model = TabularModel(**{"cv": None, **params})
    streamed = ("cv", "calibration", "threshold", "threshold_objective", "cost_matrix")
    given = [name for name in streamed if getattr(model, name) is not None]
    if given:
        raise ValueError(
            f"out-of-core fits support a fixed C without {', '.join(given)}: those need "
            "held-out predictions in memory"
        )
    dataset = open_dataset(paths, None)
    columns = [c for c in dataset.schema.names if c != target] if features is None else features
    missing = sorted(set([*columns, target]) - set(dataset.schema.names))
    if missing:
        raise ValueError(f"columns {missing} are not in the data; columns: {dataset.schema.names}")
    head = dataset.head(sample_rows, columns=list(columns)).to_pandas()
    model.schema_ = infer_schema(head)
    options = {"numeric_impute": model.numeric_impute, "min_frequency": model.min_frequency,
               "handle_unknown": model.handle_unknown}  # fmt: skip
    model.steps_ = [
        fit_step(dataset.to_table(columns=[s.name]).column(0).to_pandas(), s.name, s.kind,
                 **options)
        for s in model.schema_
    ]  # fmt: skip
    model.feature_names_ = [name for step in model.steps_ for name in step.feature_names]
    model.n_features_in_ = len(model.schema_)
    model.feature_names_in_ = np.array([s.name for s in model.schema_], dtype=object)
    linear_params = model._chain().get_params(deep=False)
    linear = fit_files(
        paths, target, list(model.feature_names_in_), batch_size=batch_size, progress=progress,
        design=lambda frame: model._design(frame, warn=False), design_names=model.feature_names_,
        **{k: v for k, v in linear_params.items() if k in ("C", "l1_ratio", "multi_class",
           "class_weight", "solver", "tol", "max_iter")},
    )  # fmt: skip
    del linear.feature_names_in_  # the chain sees design arrays, as after TabularModel.fit
    model.model_ = linear
    model.classes_ = linear.classes_
    model.training_ = {
        "n_rows": int(linear.fit_stats_["rows"]),
        "fitted_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "data_fingerprint": None,
    }
    return model
