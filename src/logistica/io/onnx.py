"""ONNX export of fitted models, computed in double precision (extra ``logistica[onnx]``).

:func:`export_onnx` writes a graph built with the ``onnx`` package's helpers
that reproduces a fitted model's ``predict_proba`` and ``predict``:

- ``LogisticRegression`` (binary, multinomial, one-vs-rest; L1 and
  standardized fits too: standardization is folded into ``coef_``) and
  ``LogisticRegressionCV`` (its refitted model);
- ``CalibratedModel`` with ``"sigmoid"`` or ``"temperature"`` calibration
  (``"isotonic"`` is refused with a ``ValueError``); cross-fitting keeps one
  map learnt from out-of-fold scores (nothing is averaged), so it is exported
  exactly;
- ``ThresholdClassifier``: the tuned or fixed threshold (binary), or the
  least-expected-cost decision of a cost matrix (multiclass);
- ``FrozenEstimator`` around any of these;
- ``TabularModel``: the whole chain from raw columns, one graph input per
  column (see :mod:`logistica.io._onnx_tabular` for how values are passed).

Inputs and outputs
------------------
Array models take one input ``X``: ``double [N, n_features]``. A
``TabularModel`` takes one ``[N, 1]`` input per original column, named like
the column: ``double`` for numeric and boolean columns (``NaN`` = missing,
booleans as 1/0), ``string`` for categorical columns (``str(value)``; the
empty string ``""`` = missing). Outputs are tensors, not lists of maps:
``label [N]`` (the classes' own type: int64, double, bool or string) and
``probabilities [N, K]`` (double, columns in the order of ``classes_``).
Every tensor is float64, so onnxruntime agrees with ``predict_proba`` to a
few units in the last place (float32 coefficients, common in other
exporters, cost about 1e-7 in probability).

:func:`run_onnx` scores an exported file with onnxruntime.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["DEFAULT_OPSET", "export_onnx", "run_onnx"]

#: The ``ai.onnx`` opset of exported graphs unless ``opset`` says otherwise.
DEFAULT_OPSET = 17
_MIN_OPSET = 13
_ML_OPSET = 2
_OUTPUTS = ("label", "probabilities")
_INSTALL = 'pip install "logistica[onnx]"'


def _require(module: str):
    try:
        return __import__(module)
    except ImportError as error:
        raise ImportError(f"ONNX support needs {module}: {_INSTALL}") from error


def _check_opset(opset: int | None, supported: int) -> int:
    opset = DEFAULT_OPSET if opset is None else opset
    if not isinstance(opset, int | np.integer) or not _MIN_OPSET <= opset <= supported:
        raise ValueError(
            f"opset must be an integer from {_MIN_OPSET} to {supported} "
            f"(the installed onnx's newest), got {opset!r}"
        )
    return int(opset)


def _build(model, opset: int):
    """Graph inputs, nodes and metadata for a fitted model."""
    from onnx import TensorProto, helper

    from ..tabular import TabularModel
    from ._onnx_graph import Graph, convert, label_tensor
    from ._onnx_tabular import MISSING_STRING, design, input_infos

    if isinstance(model, TabularModel):
        inputs = input_infos(model)
        clash = [s.name for s in model.schema_ if s.name in _OUTPUTS]
        if clash:
            raise ValueError(f"cannot export: column(s) {clash} share a name with an output")
        graph = Graph([*(i.name for i in inputs), *_OUTPUTS], opset)
        x, chain = design(graph, model), model.model_
        columns = [{"name": s.name, "kind": s.kind} for s in model.schema_]
        meta = {"logistica.inputs": json.dumps(columns), "logistica.missing_string": MISSING_STRING}
    else:
        n_features = int(model.n_features_in_)
        inputs = [helper.make_tensor_value_info("X", TensorProto.DOUBLE, [None, n_features])]
        graph, x, chain, meta = Graph(["X", *_OUTPUTS], opset), "X", model, {}
    outputs = convert(graph, chain, x)
    classes, label_type = label_tensor(model.classes_)
    graph.op("Gather", graph.const("classes", classes), outputs.index, output="label", axis=0)
    graph.op("Identity", outputs.proba, output="probabilities")
    output_infos = [
        helper.make_tensor_value_info("label", label_type, [None]),
        helper.make_tensor_value_info("probabilities", TensorProto.DOUBLE, [None, len(classes)]),
    ]
    onnx_graph = helper.make_graph(
        graph.nodes,
        f"logistica_{type(model).__name__}",
        inputs,
        output_infos,
        initializer=graph.initializers,
    )
    return onnx_graph, meta


def export_onnx(model, path: str | os.PathLike, *, opset: int | None = None) -> Path:
    """Write a fitted model as an ONNX graph computing labels and probabilities in float64.

    Parameters
    ----------
    model : fitted estimator
        ``LogisticRegression``, ``LogisticRegressionCV``, ``CalibratedModel``
        (sigmoid or temperature), ``ThresholdClassifier``, ``FrozenEstimator``
        or ``TabularModel`` (see the module documentation for inputs and outputs).
    path : str or path-like
        Target ``.onnx`` file; replaced atomically if it exists.
    opset : int, optional
        The ``ai.onnx`` opset (13 or later; default :data:`DEFAULT_OPSET`).

    Returns
    -------
    pathlib.Path
        ``path``.

    Raises
    ------
    ValueError
        For what cannot be exported, naming it: isotonic calibration, unknown
        model classes, ``handle_unknown="error"`` one-hot columns, unfitted models.
    ImportError
        When ``onnx`` is not installed (``pip install "logistica[onnx]"``).

    Examples
    --------
    >>> import numpy as np, os, tempfile, logistica
    >>> from logistica.io.onnx import run_onnx
    >>> X = np.array([[0.0], [1.0], [2.0], [3.0]]); y = [0, 1, 0, 1]
    >>> model = logistica.LogisticRegression().fit(X, y)
    >>> path = logistica.export_onnx(model, os.path.join(tempfile.mkdtemp(), "m.onnx"))
    >>> out = run_onnx(path, X)
    >>> bool(np.allclose(out["probabilities"], model.predict_proba(X), rtol=0, atol=1e-12))
    True
    """
    onnx = _require("onnx")
    from onnx import helper
    from sklearn.exceptions import NotFittedError
    from sklearn.utils.validation import check_is_fitted

    from .. import __version__

    try:
        check_is_fitted(model)
    except (NotFittedError, TypeError) as error:
        raise ValueError(f"cannot export to ONNX: {error}") from None
    opset = _check_opset(opset, onnx.defs.onnx_opset_version())
    graph, meta = _build(model, opset)
    opsets = [helper.make_opsetid("", opset), helper.make_opsetid("ai.onnx.ml", _ML_OPSET)]
    proto = helper.make_model(
        graph,
        opset_imports=opsets,
        ir_version=helper.find_min_ir_version_for(opsets),
        producer_name="logistica",
        producer_version=__version__,
        doc_string=f"logistica {type(model).__name__}: outputs label [N], probabilities [N, K]",
    )
    helper.set_model_props(proto, {"logistica.model": type(model).__name__, **meta})
    onnx.checker.check_model(proto, full_check=True)
    path = Path(path)
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_bytes(proto.SerializeToString())
    os.replace(temporary, path)
    return path


def _feed_column(series: pd.Series, kind: str) -> np.ndarray:
    """A DataFrame column as the ``[N, 1]`` array its graph input expects."""
    from ..tabular.schema import missing_mask
    from ..tabular.steps import _numbers
    from ._onnx_tabular import MISSING_STRING

    missing = missing_mask(series)
    if kind == "numeric":
        values = _numbers(series, str(series.name))
    elif kind == "boolean":
        present = series.to_numpy(dtype=object, na_value=False).astype(bool)
        values = np.where(missing, np.nan, present.astype(np.float64))
    else:
        text = series.astype(str).to_numpy(dtype=object)
        values = np.where(missing, MISSING_STRING, text).astype(object)
    return values[:, None]


def run_onnx(onnx_path: str | os.PathLike, X) -> dict[str, np.ndarray]:
    """Score rows with an exported model through onnxruntime.

    Parameters
    ----------
    onnx_path : str or path-like
        A file written by :func:`export_onnx`.
    X : pandas.DataFrame or array-like
        A DataFrame with the columns of an exported ``TabularModel`` (converted
        to the graph's inputs as the module documentation describes), or a 2-D
        array of features for any other model.

    Returns
    -------
    dict of str to ndarray
        ``"label"`` of shape (n_samples,) and ``"probabilities"`` of shape
        (n_samples, n_classes).

    Raises
    ------
    ValueError
        When a required column is missing.
    ImportError
        When ``onnxruntime`` is not installed (``pip install "logistica[onnx]"``).

    Examples
    --------
    See :func:`export_onnx`.
    """
    ort = _require("onnxruntime")
    session = ort.InferenceSession(str(onnx_path), providers=["CPUExecutionProvider"])
    meta = session.get_modelmeta().custom_metadata_map
    if "logistica.inputs" in meta:
        if not isinstance(X, pd.DataFrame):
            raise ValueError(f"this model scores a DataFrame, got {type(X).__name__}")
        columns = json.loads(meta["logistica.inputs"])
        absent = [c["name"] for c in columns if c["name"] not in X.columns]
        if absent:
            raise ValueError(f"missing required column(s): {absent}")
        feed = {c["name"]: _feed_column(X[c["name"]], c["kind"]) for c in columns}
    else:
        array = np.asarray(X, dtype=np.float64)
        if array.ndim != 2:
            raise ValueError(f"X must be 2-d (n_samples, n_features), got shape {array.shape}")
        feed = {session.get_inputs()[0].name: array}
    names = [output.name for output in session.get_outputs()]
    return dict(zip(names, session.run(names, feed), strict=True))
