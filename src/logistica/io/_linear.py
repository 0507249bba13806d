"""Model-file nodes of the linear models: ``LogisticRegression`` and ``LogisticRegressionCV``.

A node holds the parameters and the fitted attributes that prediction needs;
reading one sets those attributes on a new estimator, without refitting.
"""

from __future__ import annotations

import numpy as np

from ..cv import LogisticRegressionCV
from ..estimators import LogisticRegression
from ..exceptions import ModelFileError
from ._encoding import (
    decode_array,
    decode_classes,
    decode_params,
    encode_array,
    encode_classes,
    encode_params,
    require,
)

__all__ = ["cv_from_node", "cv_to_node", "lr_from_node", "lr_to_node"]


def _optional(value):
    return None if value is None else encode_array(value)


def _names_out(model) -> list[str] | None:
    names = getattr(model, "feature_names_in_", None)
    return None if names is None else [str(n) for n in names]


def _set_names(model, node, where: str) -> int:
    n_features = require(node, "n_features_in", int, where)
    if n_features < 0:
        raise ModelFileError(f"{where}.n_features_in: must be >= 0")
    model.n_features_in_ = n_features
    names = node.get("feature_names_in")
    if names is not None:
        if not (isinstance(names, list) and all(isinstance(n, str) for n in names)):
            raise ModelFileError(f"{where}.feature_names_in: expected a list of strings")
        if len(names) != n_features:
            raise ModelFileError(f"{where}.feature_names_in: {len(names)} names, not {n_features}")
        model.feature_names_in_ = np.array(names, dtype=object)
    return n_features


def lr_to_node(model: LogisticRegression) -> dict:
    """The node of a fitted ``LogisticRegression``."""
    for name in ("coef_", "intercept_"):
        if not np.all(np.isfinite(getattr(model, name))):
            raise ModelFileError(f"cannot save a model whose {name} has NaN or infinite values")
    return {
        "class": "LogisticRegression",
        "params": encode_params(model),
        "classes": encode_classes(model.classes_),
        "n_features_in": int(model.n_features_in_),
        "feature_names_in": _names_out(model),
        "coef": encode_array(model.coef_),
        "intercept": encode_array(model.intercept_),
        "coef_standardized": _optional(getattr(model, "coef_standardized_", None)),
        "intercept_standardized": _optional(getattr(model, "intercept_standardized_", None)),
        "feature_mean": _optional(getattr(model, "feature_mean_", None)),
        "n_iter": encode_array(np.asarray(model.n_iter_)),
        "converged": bool(getattr(model, "converged_", True)),
        "solver": str(getattr(model, "solver_", model.solver)),
    }


def lr_from_node(node: dict, where: str = "model") -> LogisticRegression:
    """A fitted ``LogisticRegression`` from its node, shapes and values checked."""
    model = LogisticRegression(**decode_params(node, LogisticRegression, where))
    if model.multi_class not in ("multinomial", "ovr"):
        raise ModelFileError(f"{where}.params.multi_class: unknown value {model.multi_class!r}")
    model.classes_ = decode_classes(node.get("classes"), f"{where}.classes")
    p = _set_names(model, node, where)
    rows = 1 if len(model.classes_) == 2 else len(model.classes_)
    model.coef_ = decode_array(node.get("coef"), f"{where}.coef", shape=(rows, p), finite=True)
    model.intercept_ = decode_array(
        node.get("intercept"), f"{where}.intercept", shape=(rows,), finite=True
    )
    for name, shape in (("coef_standardized", (rows, p)), ("intercept_standardized", (rows,))):
        value = node.get(name)
        setattr(model, f"{name}_", None if value is None else decode_array(
            value, f"{where}.{name}", shape=shape, finite=True
        ))  # fmt: skip
    if node.get("feature_mean") is not None:
        model.feature_mean_ = decode_array(
            node["feature_mean"], f"{where}.feature_mean", shape=(p,), finite=True
        )
    model.n_iter_ = decode_array(node.get("n_iter"), f"{where}.n_iter", shape=(None,)).astype(
        np.int32
    )
    model.converged_ = require(node, "converged", bool, where)
    model.solver_ = require(node, "solver", str, where)
    return model


def cv_to_node(model: LogisticRegressionCV) -> dict:
    """The node of a fitted ``LogisticRegressionCV`` (its refitted model and CV summary)."""
    results = {
        key: encode_array(value) for key, value in model.cv_results_.items() if key != "params"
    }
    return {
        "class": "LogisticRegressionCV",
        "params": encode_params(model),
        "estimator": lr_to_node(model.estimator_),
        "n_features_in": int(model.n_features_in_),
        "feature_names_in": _names_out(model),
        "C": float(model.C_),
        "l1_ratio": float(model.l1_ratio_),
        "Cs": encode_array(model.Cs_),
        "l1_ratios": encode_array(model.l1_ratios_),
        "scores": encode_array(model.scores_),
        "cv_results": results,
        "best_index": int(model.best_index_),
    }


def cv_from_node(node: dict, where: str = "model") -> LogisticRegressionCV:
    """A fitted ``LogisticRegressionCV`` from its node."""
    model = LogisticRegressionCV(**decode_params(node, LogisticRegressionCV, where))
    estimator = lr_from_node(require(node, "estimator", dict, where), f"{where}.estimator")
    p = _set_names(model, node, where)
    if p != estimator.n_features_in_:
        raise ModelFileError(f"{where}: n_features_in differs from its estimator's")
    model.estimator_ = estimator
    for name in ("coef_", "intercept_", "classes_", "n_iter_", "solver_"):
        setattr(model, name, getattr(estimator, name))
    model.C_ = float(require(node, "C", (int, float), where))
    model.l1_ratio_ = float(require(node, "l1_ratio", (int, float), where))
    model.Cs_ = decode_array(node.get("Cs"), f"{where}.Cs", shape=(None, None))
    n_ratios, n_cs = model.Cs_.shape
    model.l1_ratios_ = decode_array(node.get("l1_ratios"), f"{where}.l1_ratios", shape=(n_ratios,))
    model.scores_ = decode_array(
        node.get("scores"), f"{where}.scores", shape=(n_ratios, n_cs, None)
    )
    results = require(node, "cv_results", dict, where)
    model.cv_results_ = {
        key: decode_array(value, f"{where}.cv_results.{key}", shape=(n_ratios * n_cs,))
        for key, value in results.items()
    }
    if "param_C" in model.cv_results_ and "param_l1_ratio" in model.cv_results_:
        model.cv_results_["params"] = [
            {"C": float(c), "l1_ratio": float(r)}
            for c, r in zip(
                model.cv_results_["param_C"], model.cv_results_["param_l1_ratio"], strict=True
            )
        ]
    model.best_index_ = require(node, "best_index", int, where)
    return model
