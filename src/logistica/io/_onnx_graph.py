"""ONNX graph building for fitted chains: linear model → calibrator → decision, in float64.

Every converter takes the :class:`Graph` being built, a fitted model and the
name of its ``[N, F]`` double input, and returns an :class:`Outputs`: the
names of the class probabilities ``[N, K]``, of the decision function (when
the model has one: ``[N, 1]`` for binary models, ``[N, K]`` otherwise) and of
the predicted class index ``[N]`` (int64). The converters repeat the
library's formulas operation for operation (``σ(z) = 1 / (1 + e⁻ᶻ)``, a
max-shifted softmax), so onnxruntime reproduces ``predict_proba`` to a few
units in the last place; onnxruntime's own ``Sigmoid`` flushes small
probabilities and is not used.

The set of converters is closed (:data:`CONVERTERS`); anything else, and
isotonic calibration, raise a ``ValueError`` naming it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from onnx import TensorProto, helper, numpy_helper
from sklearn.frozen import FrozenEstimator

from ..calibration import CalibratedModel, _OneVsRest, _PlattMap, _Temperature
from ..cv import LogisticRegressionCV
from ..estimators import LogisticRegression
from ..thresholds import ThresholdClassifier

__all__ = ["CONVERTERS", "Graph", "Outputs", "convert", "label_tensor"]


class Graph:
    """Nodes and constants of an ONNX graph under construction, with fresh value names.

    Parameters
    ----------
    reserved : iterable of str
        Names already taken (graph inputs and outputs); generated names avoid them.
    opset : int
        The ``ai.onnx`` opset the nodes are written for.
    """

    def __init__(self, reserved=(), opset: int = 17) -> None:
        self.opset = opset
        self.nodes: list = []
        self.initializers: list = []
        self._taken = set(reserved)
        self._count = 0
        self._consts: dict = {}

    def fresh(self, hint: str) -> str:
        """A value name not used yet, built from ``hint``."""
        while True:
            self._count += 1
            name = f"{hint}_{self._count}"
            if name not in self._taken:
                self._taken.add(name)
                return name

    def const(self, hint: str, value) -> str:
        """An initializer holding ``value`` (float64 unless it is an int, bool or string array)."""
        array = np.asarray(value)
        if array.dtype.kind == "f":
            array = array.astype(np.float64)
        elif array.dtype.kind in "iu":
            array = array.astype(np.int64)
        elif array.dtype.kind in "UO":
            array = array.astype(object)
        key = (array.dtype.str, array.shape, array.tobytes()) if array.dtype != object else None
        if key in self._consts:
            return self._consts[key]
        name = self.fresh(hint)
        self.initializers.append(numpy_helper.from_array(array, name))
        if key is not None:
            self._consts[key] = name
        return name

    def op(self, op_type: str, *inputs: str, output: str | None = None, **attrs) -> str:
        """Append one node with one output and return the output's name."""
        name = output or self.fresh(op_type.lower())
        domain = "ai.onnx.ml" if op_type == "LabelEncoder" else ""
        self.nodes.append(
            helper.make_node(
                op_type, list(inputs), [name], name=f"n_{name}", domain=domain, **attrs
            )
        )
        return name

    # -- the library's formulas -----------------------------------------------------
    def sigmoid(self, z: str) -> str:
        """``1 / (1 + exp(−z))``, as :func:`scipy.special.expit`."""
        one = self.const("one", 1.0)
        return self.op("Div", one, self.op("Add", one, self.op("Exp", self.op("Neg", z))))

    def softmax(self, z: str) -> str:
        """Row-wise ``exp(z − max) / Σ exp(z − max)``."""
        if self.opset >= 18:  # axes became an input of ReduceMax in opset 18
            row_max = self.op("ReduceMax", z, self.const("axis", np.array([1])), keepdims=1)
        else:
            row_max = self.op("ReduceMax", z, axes=[1], keepdims=1)
        axes = self.const("axis", np.array([1], dtype=np.int64))
        shifted = self.op("Sub", z, row_max)
        exp = self.op("Exp", shifted)
        return self.op("Div", exp, self.op("ReduceSum", exp, axes, keepdims=1))

    def normalize(self, p: str, n_classes: int) -> str:
        """Rows divided by their sum; uniform where the sum is 0."""
        axes = self.const("axis", np.array([1], dtype=np.int64))
        total = self.op("ReduceSum", p, axes, keepdims=1)
        positive = self.op("Greater", total, self.const("zero", 0.0))
        uniform = self.const("uniform", 1.0 / n_classes)
        return self.op("Where", positive, self.op("Div", p, total), uniform)

    def binary_proba(self, p: str) -> str:
        """``[1 − p, p]`` from the positive class's probability ``[N, 1]``."""
        one = self.const("one", 1.0)
        return self.op("Concat", self.op("Sub", one, p), p, axis=1)

    def column(self, x: str, j: int) -> str:
        """Column ``j`` of a matrix, as a vector ``[N]``."""
        return self.op("Gather", x, self.const("index", np.array(j, dtype=np.int64)), axis=1)

    def index(self, condition: str) -> str:
        """A boolean ``[N, 1]`` or ``[N]`` as int64 indices ``[N]``."""
        flat = self.op("Reshape", condition, self.const("shape", np.array([-1], dtype=np.int64)))
        return self.op("Cast", flat, to=TensorProto.INT64)

    def argmax(self, x: str) -> str:
        """Index of each row's first maximum, ``[N]`` int64."""
        return self.op("ArgMax", x, axis=1, keepdims=0)


@dataclass(frozen=True)
class Outputs:
    """Names of a converted model's outputs (``decision`` is None without a decision function)."""

    proba: str
    decision: str | None
    index: str


def _linear(graph: Graph, model: LogisticRegression, x: str) -> Outputs:
    coef = np.asarray(model.coef_, dtype=np.float64)
    intercept = np.asarray(model.intercept_, dtype=np.float64)
    z = graph.op(
        "Add",
        graph.op("MatMul", x, graph.const("coef", coef.T)),
        graph.const("intercept", intercept),
    )
    if coef.shape[0] == 1:
        p = graph.sigmoid(z)
        return Outputs(
            graph.binary_proba(p), z, graph.index(graph.op("Greater", z, graph.const("zero", 0.0)))
        )
    if model.multi_class == "ovr":
        p = graph.sigmoid(z)
        axes = graph.const("axis", np.array([1]))
        proba = graph.op("Div", p, graph.op("ReduceSum", p, axes, keepdims=1))
    else:
        proba = graph.softmax(z)
    return Outputs(proba, z, graph.argmax(z))


def _cv(graph: Graph, model: LogisticRegressionCV, x: str) -> Outputs:
    return _linear(graph, model.estimator_, x)


def _frozen(graph: Graph, model: FrozenEstimator, x: str) -> Outputs:
    return convert(graph, model.estimator, x)


def _calibrated(graph: Graph, model: CalibratedModel, x: str) -> Outputs:
    inner = convert(graph, model.model_, x)
    calibrator = model.calibrator_
    logits = inner.decision
    if logits is None:
        raise ValueError(
            f"cannot export CalibratedModel over {type(model.model_).__name__}: ONNX export "
            "needs the calibrated model's decision function"
        )
    n_classes = len(model.classes_)
    if isinstance(calibrator, _Temperature):
        scaled = graph.op("Div", logits, graph.const("temperature", calibrator.temperature_))
        if n_classes == 2:
            proba = graph.binary_proba(graph.sigmoid(scaled))
        else:
            proba = graph.softmax(scaled)
    elif isinstance(calibrator, _OneVsRest) and calibrator.method == "sigmoid":
        maps: list[_PlattMap] = calibrator.maps_
        a = np.array([m.model_.coef_[0, 0] for m in maps], dtype=np.float64)
        b = np.array([m.model_.intercept_[0] for m in maps], dtype=np.float64)
        affine = graph.op(
            "Add", graph.op("Mul", logits, graph.const("platt_a", a)), graph.const("platt_b", b)
        )
        p = graph.sigmoid(affine)
        proba = graph.binary_proba(p) if n_classes == 2 else graph.normalize(p, n_classes)
    else:
        method = getattr(calibrator, "method", type(calibrator).__name__)
        raise ValueError(
            f"cannot export {method} calibration (CalibratedModel(method={model.method!r})) "
            "to ONNX: only 'sigmoid' and 'temperature' calibration are exportable"
        )
    return Outputs(proba, None, graph.argmax(proba))


def _thresholded(graph: Graph, model: ThresholdClassifier, x: str) -> Outputs:
    inner = convert(graph, model.estimator_, x)
    if model.threshold_ is not None:
        method = model.response_method
        if method == "auto":
            method = "predict_proba"
        if method == "predict_proba":
            score = graph.column(inner.proba, 1)
        elif inner.decision is not None:
            score = inner.decision
        else:
            raise ValueError(
                f"cannot export ThresholdClassifier(response_method={method!r}): "
                f"{type(model.estimator_).__name__} has no decision function"
            )
        at_least = graph.op("GreaterOrEqual", score, graph.const("threshold", model.threshold_))
        index = graph.index(at_least)
    elif model.cost_matrix is not None:
        cost = np.asarray(model.cost_matrix, dtype=np.float64)
        expected = graph.op("MatMul", inner.proba, graph.const("cost", cost))
        index = graph.op("ArgMin", expected, axis=1, keepdims=0)
    else:
        index = graph.argmax(inner.proba)
    return Outputs(inner.proba, inner.decision, index)


#: The closed set of exportable model classes and their converters.
CONVERTERS = {
    LogisticRegression: _linear,
    LogisticRegressionCV: _cv,
    FrozenEstimator: _frozen,
    CalibratedModel: _calibrated,
    ThresholdClassifier: _thresholded,
}


def convert(graph: Graph, model, x: str) -> Outputs:
    """Append the nodes computing ``model`` on the ``[N, F]`` double value ``x``.

    Raises
    ------
    ValueError
        For a model class outside :data:`CONVERTERS` or a part that cannot be exported.
    """
    converter = CONVERTERS.get(type(model))
    if converter is None:
        known = sorted(cls.__name__ for cls in CONVERTERS)
        raise ValueError(
            f"cannot export {type(model).__name__} to ONNX; exportable models: "
            f"{[*known, 'TabularModel']}"
        )
    return converter(graph, model, x)


def label_tensor(classes) -> tuple[np.ndarray, int]:
    """The classes as an ONNX-storable array and its tensor element type.

    Raises
    ------
    ValueError
        For labels that are neither integers, floats, booleans nor strings.
    """
    classes = np.asarray(classes)
    if classes.dtype.kind in "iu":
        return classes.astype(np.int64), TensorProto.INT64
    if classes.dtype.kind == "f":
        return classes.astype(np.float64), TensorProto.DOUBLE
    if classes.dtype.kind == "b":
        return classes, TensorProto.BOOL
    if classes.dtype.kind == "U" or all(isinstance(c, str) for c in classes):
        return classes.astype(object), TensorProto.STRING
    raise ValueError(
        f"cannot export class labels of type {type(classes[0]).__name__} to ONNX; "
        "labels must be integers, floats, booleans or strings"
    )
