"""ONNX inputs and preprocessing of a :class:`~logistica.TabularModel`: one input per column.

Numeric and boolean columns are ``double [N, 1]`` inputs (missing: ``NaN``;
booleans as ``1.0``/``0.0``); categorical columns are ``string [N, 1]``
inputs holding ``str(value)``, with the empty string ``""`` for a missing
value. Each step is repeated operation for operation:

- ``numeric``: ``(Where(IsNaN(x), fill, x) − mean) / scale``;
- ``boolean``: ``Where(IsNaN(x), fill, x ≠ 0)``;
- ``one_hot``: an ``ai.onnx.ml`` ``LabelEncoder`` maps each string to its
  output column (rare levels to ``<other>``, ``""`` to ``<missing>``, unseen
  levels to ``−1``), then ``Equal`` against ``0 … width−1`` gives the 0/1
  columns, so an unseen level scores as all zeros as the step documents.
"""

from __future__ import annotations

import numpy as np
from onnx import TensorProto, helper

from ..tabular.steps import BooleanStep, NumericStep, OneHotStep
from ._onnx_graph import Graph

__all__ = ["MISSING_STRING", "design", "input_infos"]

#: How a missing categorical value is passed to an exported model.
MISSING_STRING = ""


def input_infos(model) -> list:
    """One ``ValueInfoProto`` per schema column: double or string ``[N, 1]``."""
    return [
        helper.make_tensor_value_info(
            spec.name,
            TensorProto.STRING if spec.kind == "categorical" else TensorProto.DOUBLE,
            [None, 1],
        )
        for spec in model.schema_
    ]


def _impute(graph: Graph, x: str, fill: str) -> str:
    return graph.op("Where", graph.op("IsNaN", x), fill, x)


def _numeric(graph: Graph, step: NumericStep) -> str:
    imputed = _impute(graph, step.column, graph.const("fill", step.fill))
    centred = graph.op("Sub", imputed, graph.const("mean", step.mean))
    return graph.op("Div", centred, graph.const("scale", step.scale))


def _boolean(graph: Graph, step: BooleanStep) -> str:
    zero = graph.const("zero", 0.0)
    as_bool = graph.op("Not", graph.op("Equal", step.column, zero))
    value = graph.op("Cast", as_bool, to=TensorProto.DOUBLE)
    isnan = graph.op("IsNaN", step.column)
    return graph.op("Where", isnan, graph.const("fill", step.fill), value)


def _one_hot(graph: Graph, step: OneHotStep) -> str:
    if step.handle_unknown != "zero":
        raise ValueError(
            f"cannot export column {step.column!r} with handle_unknown={step.handle_unknown!r} "
            "to ONNX: a graph cannot refuse rows; refit with handle_unknown='zero'"
        )
    if MISSING_STRING in (*step.levels, *step.infrequent):
        raise ValueError(
            f"cannot export column {step.column!r} to ONNX: the empty string is one of its "
            "levels, and exported models read it as a missing value"
        )
    n_levels = len(step.levels)
    codes = {level: j for j, level in enumerate(step.levels)}
    other = n_levels + int(step.missing_level)
    codes.update(dict.fromkeys(step.infrequent, other))
    if step.missing_level:
        codes[MISSING_STRING] = n_levels
    width = len(step.feature_names)
    index = graph.op(
        "LabelEncoder",
        step.column,
        keys_strings=list(codes),
        values_int64s=list(codes.values()),
        default_int64=-1,
    )
    columns = graph.const("levels", np.arange(width, dtype=np.int64)[None, :])
    return graph.op("Cast", graph.op("Equal", index, columns), to=TensorProto.DOUBLE)


_STEPS = {NumericStep: _numeric, BooleanStep: _boolean, OneHotStep: _one_hot}


def design(graph: Graph, model) -> str:
    """Append the preprocessing of a fitted ``TabularModel``: the ``[N, F]`` design's name."""
    blocks = []
    for step in model.steps_:
        converter = _STEPS.get(type(step))
        if converter is None:
            raise ValueError(f"cannot export preprocessing step {type(step).__name__} to ONNX")
        blocks.append(converter(graph, step))
    return graph.op("Concat", *blocks, axis=1) if len(blocks) > 1 else blocks[0]
