"""What a model file says about its model: training metadata, inference, golden rows.

Golden rows are a few input rows stored with the probabilities the saved model
gave them; loading recomputes them and refuses a model that disagrees (beyond
``GOLDEN_RTOL``/``GOLDEN_ATOL``, room for another BLAS's summation order).
Unless given, they are synthesized from the model (no training row is stored):
for arrays, the training mean and three fixed pseudo-random rows; for a
:class:`~logistica.TabularModel`, rows built from each step's parameters
(centre, centre + one scale, missing values, a rare or unseen level).
"""

from __future__ import annotations

import platform
import warnings
from importlib import metadata

import numpy as np
import pandas as pd

from .._fingerprint import data_fingerprint
from ..cv import LogisticRegressionCV
from ..exceptions import ModelFileError
from ..tabular import TabularModel, linear_part
from ..tabular.steps import BooleanStep, NumericStep
from ._encoding import decode_array, encode_array, encode_value, require

__all__ = [
    "check_golden",
    "covariance_node",
    "golden_node",
    "library_versions",
    "training_node",
]

GOLDEN_RTOL, GOLDEN_ATOL = 1e-7, 1e-10
_LIBRARIES = ("logistica", "numpy", "scipy", "scikit-learn", "pandas", "jsonschema")


def library_versions() -> dict[str, str]:
    """Versions of Python and of the libraries a model's predictions depend on."""
    versions = {"python": platform.python_version()}
    for name in _LIBRARIES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "unknown"
    return versions


def _cv_summary(linear) -> dict | None:
    if not isinstance(linear, LogisticRegressionCV):
        return None
    best = linear.best_index_
    return {
        "C": encode_value(linear.C_),
        "l1_ratio": encode_value(linear.l1_ratio_),
        "selection": linear.selection,
        "n_folds": int(linear.scores_.shape[2]),
        "mean_test_score": encode_value(linear.cv_results_["mean_test_score"][best]),
        "sem_test_score": encode_value(linear.cv_results_["sem_test_score"][best]),
    }


def training_node(model, training_data=None, test_metrics=None) -> dict:
    """Rows, date, solver, iterations, convergence, CV summary, test metrics, fingerprint."""
    linear = linear_part(model)
    fitted = linear.estimator_ if isinstance(linear, LogisticRegressionCV) else linear
    info = {"n_rows": None, "fitted_at": None, "data_fingerprint": None}
    if isinstance(model, TabularModel):
        info.update(model.training_)
    if training_data is not None:
        X, *rest = training_data
        info["n_rows"] = int(np.shape(X)[0])
        info["data_fingerprint"] = data_fingerprint(X, *rest)
    metrics = None
    if test_metrics is not None:
        metrics = {str(name): encode_value(float(value)) for name, value in test_metrics.items()}
    return {
        **info,
        "solver": str(fitted.solver_),
        "n_iter": [int(n) for n in np.ravel(fitted.n_iter_)],
        "converged": bool(fitted.converged_),
        "cv": _cv_summary(linear),
        "test_metrics": metrics,
        "library_versions": library_versions(),
    }


def covariance_node(results) -> dict | None:
    """Covariance of the estimates from :func:`logistica.summarize` results, if given."""
    if results is None:
        return None
    cov = results.cov_params()
    return {
        "cov_type": str(results.cov_type),
        "names": [str(name) for name in cov.index],
        "covariance": encode_array(cov.to_numpy(dtype=np.float64)),
    }


# -- golden rows -----------------------------------------------------------------------
def _synthetic_table(model: TabularModel) -> pd.DataFrame:
    columns = {}
    for step in model.steps_:
        if isinstance(step, NumericStep):
            columns[step.column] = [step.mean, step.mean + step.scale, None, step.mean - step.scale]
        elif isinstance(step, BooleanStep):
            columns[step.column] = [False, True, None, True]
        else:
            levels = step.levels or step.infrequent or ["<unseen>"]
            refuses = step.handle_unknown == "error"
            odd = step.infrequent[0] if step.infrequent else "<unseen level>"
            if refuses and not step.infrequent:
                odd = levels[len(levels) // 2]  # the policy refuses unseen levels
            missing = None if step.missing_level or not refuses else levels[0]
            columns[step.column] = [levels[0], levels[-1], missing, odd]
    return pd.DataFrame(columns)


def _inputs(model, rows):
    """Golden input rows (given or synthesized) as the model takes them."""
    if isinstance(model, TabularModel):
        frame = _synthetic_table(model) if rows is None else rows
        return frame[list(model.feature_names_in_)].reset_index(drop=True)
    linear = linear_part(model)
    if rows is None:
        mean = getattr(linear, "feature_mean_", None)
        if mean is None and isinstance(linear, LogisticRegressionCV):
            mean = getattr(linear.estimator_, "feature_mean_", None)
        p = linear.n_features_in_
        random = np.random.default_rng(20240611).standard_normal((3, p))
        rows = np.vstack([np.zeros((1, p)) if mean is None else mean[None, :], random])
    rows = np.asarray(rows, dtype=np.float64)
    names = getattr(linear, "feature_names_in_", None)
    return rows if names is None else pd.DataFrame(rows, columns=list(names))


def _table_node(frame: pd.DataFrame) -> list[dict]:
    def plain(value):
        if value is None or (not isinstance(value, str) and pd.isna(value)):
            return None
        if isinstance(value, bool | np.bool_):
            return bool(value)
        return value if isinstance(value, str) else encode_value(float(value))

    return [{"name": c, "values": [plain(v) for v in frame[c].tolist()]} for c in frame.columns]


def golden_node(model, rows=None) -> dict:
    """Golden inputs and the model's probabilities for them."""
    inputs = _inputs(model, rows)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        proba = model.predict_proba(inputs)
    if isinstance(inputs, pd.DataFrame) and isinstance(model, TabularModel):
        node = {"kind": "table", "columns": _table_node(inputs)}
    else:
        node = {"kind": "array", "data": encode_array(np.asarray(inputs, dtype=np.float64))}
    return {"inputs": node, "proba": encode_array(proba)}


def _read_inputs(model, node, where: str):
    kind = require(node, "kind", str, where)
    if kind == "array":
        linear = linear_part(model)
        data = decode_array(node.get("data"), f"{where}.data",
                            shape=(None, linear.n_features_in_), finite=True)  # fmt: skip
        names = getattr(linear, "feature_names_in_", None)
        return data if names is None else pd.DataFrame(data, columns=list(names))
    if kind != "table" or not isinstance(model, TabularModel):
        raise ModelFileError(f"{where}.kind: {kind!r} does not fit a {type(model).__name__}")
    columns = require(node, "columns", list, where)
    table = {}
    for column in columns:
        values = require(column, "values", list, f"{where}.columns")
        table[require(column, "name", str, f"{where}.columns")] = pd.Series(values, dtype=object)
    kinds = {s.name: s.kind for s in model.schema_}
    for name, values in table.items():
        if kinds.get(name) == "numeric":
            table[name] = pd.to_numeric(values, errors="coerce").astype(np.float64)
    return pd.DataFrame(table)


def check_golden(model, node, where: str = "golden") -> None:
    """Recompute the golden rows' probabilities; refuse a model that disagrees."""
    inputs = _read_inputs(model, require(node, "inputs", dict, where), f"{where}.inputs")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        proba = np.asarray(model.predict_proba(inputs), dtype=np.float64)
    expected = decode_array(node.get("proba"), f"{where}.proba", shape=proba.shape)
    if not np.allclose(proba, expected, rtol=GOLDEN_RTOL, atol=GOLDEN_ATOL, equal_nan=False):
        worst = float(np.nanmax(np.abs(proba - expected))) if proba.size else 0.0
        raise ModelFileError(
            f"{where}: the loaded model's probabilities differ from those stored with it "
            f"(largest difference {worst:.3g}); the file does not describe this model"
        )
