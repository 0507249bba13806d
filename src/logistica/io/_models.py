"""The closed registry of model classes a file can hold, and their nodes.

Every node has a ``"class"`` field naming one of :data:`MODEL_TYPES`; wrappers
(calibration, decision threshold, frozen prefit model, the tabular chain) nest
the node of the model they wrap. Anything else is refused, on saving and on
loading: a file names data, never code to run.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.frozen import FrozenEstimator

from ..calibration import CalibratedModel
from ..cv import LogisticRegressionCV
from ..estimators import LogisticRegression
from ..exceptions import ModelFileError
from ..tabular import ColumnSchema, TabularModel, linear_part, step_from_dict
from ..tabular.steps import BooleanStep, NumericStep, OneHotStep
from ..thresholds import ThresholdClassifier, ThresholdResult
from ._calibrators import calibrator_from_node, calibrator_to_node
from ._encoding import (
    decode_classes,
    decode_params,
    decode_value,
    encode_classes,
    encode_params,
    encode_value,
    require,
)
from ._linear import cv_from_node, cv_to_node, lr_from_node, lr_to_node

__all__ = ["MODEL_TYPES", "model_from_node", "model_to_node"]


def _same_classes(model, node, where: str) -> np.ndarray:
    classes = decode_classes(node.get("classes"), f"{where}.classes")
    inner = np.asarray(model.classes_)
    if classes.shape != inner.shape or not np.all(classes == inner):
        raise ModelFileError(f"{where}.classes: differ from the wrapped model's")
    return classes


# -- calibration -----------------------------------------------------------------------
def _calibrated_to_node(model: CalibratedModel) -> dict:
    return {
        "class": "CalibratedModel",
        "params": encode_params(model, skip=("model",)),
        "model": model_to_node(model.model_),
        "classes": encode_classes(model.classes_),
        "calibrator": calibrator_to_node(model.calibrator_),
    }


def _calibrated_from_node(node: dict, where: str) -> CalibratedModel:
    inner = model_from_node(require(node, "model", dict, where), f"{where}.model")
    model = CalibratedModel(inner, **decode_params(node, CalibratedModel, where))
    model.model_ = inner
    model.classes_ = _same_classes(inner, node, where)
    model.calibrator_ = calibrator_from_node(
        require(node, "calibrator", dict, where), len(model.classes_), f"{where}.calibrator"
    )
    return model


# -- decision threshold ----------------------------------------------------------------
def _threshold_to_node(model: ThresholdClassifier) -> dict:
    tuning = model.tuning_
    return {
        "class": "ThresholdClassifier",
        "params": encode_params(model, skip=("estimator",)),
        "estimator": model_to_node(model.estimator_),
        "classes": encode_classes(model.classes_),
        "threshold": None if model.threshold_ is None else float(model.threshold_),
        "tuning": None if tuning is None else {
            "objective": str(tuning.objective),
            "metrics": {str(k): encode_value(v) for k, v in tuning.metrics.items()},
        },
    }  # fmt: skip


def _threshold_from_node(node: dict, where: str) -> ThresholdClassifier:
    inner = model_from_node(require(node, "estimator", dict, where), f"{where}.estimator")
    model = ThresholdClassifier(inner, **decode_params(node, ThresholdClassifier, where))
    model.estimator_ = inner
    model.classes_ = _same_classes(inner, node, where)
    threshold = node.get("threshold")
    if threshold is not None and (
        isinstance(threshold, bool)
        or not isinstance(threshold, int | float)
        or not np.isfinite(threshold)
    ):
        raise ModelFileError(f"{where}.threshold: must be a finite number or null")
    model.threshold_ = None if threshold is None else float(threshold)
    if model.threshold_ is None and model.cost_matrix is not None:
        cost = np.asarray(model.cost_matrix, dtype=np.float64)
        k = len(model.classes_)
        if cost.shape != (k, k) or not np.all(np.isfinite(cost)):
            raise ModelFileError(f"{where}.params.cost_matrix: must be a finite {k}x{k} matrix")
    tuning = node.get("tuning")
    model.tuning_ = None
    if tuning is not None and model.threshold_ is not None:
        metrics = require(tuning, "metrics", dict, f"{where}.tuning")
        metrics = {k: decode_value(v, f"{where}.tuning.metrics") for k, v in metrics.items()}
        objective = require(tuning, "objective", str, f"{where}.tuning")
        model.tuning_ = ThresholdResult(model.threshold_, metrics, pd.DataFrame(), objective)
    return model


# -- a prefit model kept fitted through clone --------------------------------------------
def _frozen_to_node(model: FrozenEstimator) -> dict:
    return {"class": "FrozenEstimator", "estimator": model_to_node(model.estimator)}


def _frozen_from_node(node: dict, where: str) -> FrozenEstimator:
    return FrozenEstimator(
        model_from_node(require(node, "estimator", dict, where), f"{where}.estimator")
    )


# -- the whole chain -------------------------------------------------------------------
_STEP_OF_KIND = {"numeric": NumericStep, "categorical": OneHotStep, "boolean": BooleanStep}


def _tabular_to_node(model: TabularModel) -> dict:
    return {
        "class": "TabularModel",
        "params": encode_params(model),
        "schema": [{"name": s.name, "kind": s.kind} for s in model.schema_],
        "steps": [step.to_dict() for step in model.steps_],
        "model": model_to_node(model.model_),
        "classes": encode_classes(model.classes_),
        "training": dict(model.training_),
    }


def _tabular_from_node(node: dict, where: str) -> TabularModel:
    model = TabularModel(**decode_params(node, TabularModel, where))
    try:
        model.schema_ = [
            ColumnSchema(require(s, "name", str, f"{where}.schema"), require(
                s, "kind", str, f"{where}.schema"))
            for s in require(node, "schema", list, where)
        ]  # fmt: skip
        model.steps_ = [step_from_dict(s) for s in require(node, "steps", list, where)]
    except ModelFileError:
        raise
    except ValueError as error:
        raise ModelFileError(f"{where}: {error}") from None
    names = [s.name for s in model.schema_]
    if len(set(names)) != len(names) or not names:
        raise ModelFileError(f"{where}.schema: column names must be distinct and non-empty")
    for spec, step in zip(model.schema_, model.steps_, strict=False):
        if step.column != spec.name or not isinstance(step, _STEP_OF_KIND[spec.kind]):
            raise ModelFileError(f"{where}.steps: step for {spec.name!r} does not match the schema")
    if len(model.steps_) != len(model.schema_):
        raise ModelFileError(f"{where}.steps: one step per schema column expected")
    model.model_ = model_from_node(require(node, "model", dict, where), f"{where}.model")
    model.feature_names_ = [n for step in model.steps_ for n in step.feature_names]
    if len(model.feature_names_) != linear_part(model.model_).n_features_in_:
        raise ModelFileError(f"{where}: the steps' output width differs from the model's")
    model.classes_ = _same_classes(model.model_, node, where)
    model.n_features_in_ = len(names)
    model.feature_names_in_ = np.array(names, dtype=object)
    training = require(node, "training", dict, where)
    model.training_ = {k: training.get(k) for k in ("n_rows", "fitted_at", "data_fingerprint")}
    return model


#: class name -> (class, writer, reader): the closed set a model file may name.
MODEL_TYPES = {
    "LogisticRegression": (LogisticRegression, lr_to_node, lr_from_node),
    "LogisticRegressionCV": (LogisticRegressionCV, cv_to_node, cv_from_node),
    "CalibratedModel": (CalibratedModel, _calibrated_to_node, _calibrated_from_node),
    "ThresholdClassifier": (ThresholdClassifier, _threshold_to_node, _threshold_from_node),
    "FrozenEstimator": (FrozenEstimator, _frozen_to_node, _frozen_from_node),
    "TabularModel": (TabularModel, _tabular_to_node, _tabular_from_node),
}


def model_to_node(model) -> dict:
    """The node of a fitted model of one of :data:`MODEL_TYPES`.

    Raises
    ------
    ModelFileError
        For any other class (subclasses included: their behaviour may differ).
    """
    entry = MODEL_TYPES.get(type(model).__name__)
    if entry is None or type(model) is not entry[0]:
        raise ModelFileError(
            f"cannot save a {type(model).__name__}; model files hold {sorted(MODEL_TYPES)}"
        )
    return entry[1](model)


def model_from_node(node, where: str = "model"):
    """The fitted model a node describes (its class looked up in :data:`MODEL_TYPES`)."""
    name = require(node, "class", str, where)
    if name not in MODEL_TYPES:
        raise ModelFileError(f"{where}: unknown model class {name!r}; known: {sorted(MODEL_TYPES)}")
    return MODEL_TYPES[name][2](node, where)
