"""Model-file nodes of calibration maps: sigmoid ``(a, b)``, isotonic steps, temperature ``T``.

``{"type": "sigmoid", "maps": [{"a": a, "b": b}, ...]}`` — ``σ(a·z + b)`` per
class score (one map for binary models); ``{"type": "isotonic", "maps":
[{"x": ..., "y": ..., "x_min": ..., "x_max": ..., "increasing": ...}, ...]}`` —
the step function's thresholds, interpolated linearly and clipped;
``{"type": "temperature", "temperature": T, "n_classes": K}``.
"""

from __future__ import annotations

import numpy as np
from sklearn.isotonic import IsotonicRegression

from ..calibration import _OneVsRest, _PlattMap, _Temperature
from ..estimators import LogisticRegression
from ..exceptions import ModelFileError
from ..objective import BinomialLoss, MultinomialLoss
from ._encoding import decode_array, encode_array, require

__all__ = ["calibrator_from_node", "calibrator_to_node"]


def _finite(node, key: str, where: str) -> float:
    value = float(require(node, key, (int, float), where))
    if not np.isfinite(value):
        raise ModelFileError(f"{where}.{key}: must be finite")
    return value


def _platt_to_node(platt: _PlattMap) -> dict:
    return {"a": float(platt.model_.coef_[0, 0]), "b": float(platt.model_.intercept_[0])}


def _platt_from_node(node, where: str) -> _PlattMap:
    platt = _PlattMap()
    model = LogisticRegression(C=np.inf, tol=1e-10)
    model.coef_ = np.array([[_finite(node, "a", where)]])
    model.intercept_ = np.array([_finite(node, "b", where)])
    model.classes_, model.n_features_in_ = np.array([0, 1]), 1
    platt.model_ = model
    return platt


def _isotonic_to_node(iso: IsotonicRegression) -> dict:
    return {
        "x": encode_array(iso.X_thresholds_),
        "y": encode_array(iso.y_thresholds_),
        "x_min": float(iso.X_min_),
        "x_max": float(iso.X_max_),
        "increasing": bool(iso.increasing_),
    }


def _isotonic_from_node(node, where: str) -> IsotonicRegression:
    x = decode_array(node.get("x") if isinstance(node, dict) else None, f"{where}.x",
                     shape=(None,), finite=True)  # fmt: skip
    y = decode_array(node.get("y"), f"{where}.y", shape=(x.shape[0],), finite=True)
    if x.shape[0] == 0 or np.any(np.diff(x) < 0):
        raise ModelFileError(f"{where}.x: must be non-empty and non-decreasing")
    iso = IsotonicRegression(out_of_bounds="clip")
    iso.X_thresholds_, iso.y_thresholds_ = x, y
    iso.X_min_, iso.X_max_ = _finite(node, "x_min", where), _finite(node, "x_max", where)
    iso.increasing_ = require(node, "increasing", bool, where)
    iso._build_f(x, y)
    return iso


def calibrator_to_node(calibrator) -> dict:
    """The node of a fitted calibration map of :class:`~logistica.calibration.CalibratedModel`."""
    if isinstance(calibrator, _Temperature):
        n_classes = 2 if isinstance(calibrator.loss_, BinomialLoss) else calibrator.loss_.n_outputs
        return {
            "type": "temperature",
            "temperature": float(calibrator.temperature_),
            "n_classes": int(n_classes),
        }
    if calibrator.method == "sigmoid":
        return {"type": "sigmoid", "maps": [_platt_to_node(m) for m in calibrator.maps_]}
    return {"type": "isotonic", "maps": [_isotonic_to_node(m) for m in calibrator.maps_]}


def calibrator_from_node(node, n_classes: int, where: str):
    """A fitted calibration map from its node, for a model with ``n_classes`` classes."""
    kind = require(node, "type", str, where)
    if kind == "temperature":
        temperature = _finite(node, "temperature", where)
        if temperature <= 0 or require(node, "n_classes", int, where) != n_classes:
            raise ModelFileError(f"{where}: temperature must be > 0 and n_classes {n_classes}")
        calibrator = _Temperature()
        calibrator.temperature_ = temperature
        calibrator.loss_ = BinomialLoss() if n_classes == 2 else MultinomialLoss(n_classes)
        return calibrator
    if kind not in ("sigmoid", "isotonic"):
        raise ModelFileError(f"{where}: unknown calibrator type {kind!r}")
    maps = require(node, "maps", list, where)
    expected = 1 if n_classes == 2 else n_classes
    if len(maps) != expected:
        raise ModelFileError(f"{where}.maps: expected {expected} maps, got {len(maps)}")
    read = _platt_from_node if kind == "sigmoid" else _isotonic_from_node
    calibrator = _OneVsRest(kind)
    calibrator.maps_ = [read(m, f"{where}.maps[{i}]") for i, m in enumerate(maps)]
    return calibrator
