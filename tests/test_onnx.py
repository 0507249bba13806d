"""ONNX export: onnxruntime reproduces predict_proba (double precision) and predict."""

from __future__ import annotations

import sys
import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import make_classification
from sklearn.frozen import FrozenEstimator
from sklearn.linear_model import LogisticRegression as SkLogisticRegression

import logistica
from logistica import LogisticRegression, LogisticRegressionCV, TabularModel
from logistica.calibration import CalibratedModel
from logistica.thresholds import ThresholdClassifier
from test_tabular import mixed_frame

onnx = pytest.importorskip("onnx")
pytest.importorskip("onnxruntime")
from logistica.io.onnx import run_onnx  # noqa: E402

TOL = 1e-6

Xb, yb = make_classification(240, 5, n_informative=3, random_state=1)
Xm, ym = make_classification(240, 5, n_informative=3, n_classes=3, random_state=0)
labels = np.array(["setosa", "versicolor", "virginica"])[ym]
frame, yt = mixed_frame(300)
three = np.array(["x", "y", "z"])[np.arange(len(frame)) % 3]


def _lr(**kw):
    return LogisticRegression(**kw)


ARRAY_VARIANTS = {
    "binary": lambda: _lr().fit(Xb, yb),
    "binary_str_labels": lambda: _lr().fit(Xb, np.array(["no", "yes"])[yb]),
    "multinomial": lambda: _lr().fit(Xm, labels),
    "ovr": lambda: _lr(multi_class="ovr").fit(Xm, ym),
    "standardized": lambda: _lr(standardize=True).fit(Xb * [1, 10, 100, 1e3, 1e-2], yb),
    "l1": lambda: _lr(C=0.05, l1_ratio=1.0).fit(Xm, ym),
    "no_intercept": lambda: _lr(fit_intercept=False).fit(Xb, yb),
    "cv": lambda: LogisticRegressionCV(Cs=3, l1_ratios=[0.5], cv=3, selection="1se").fit(Xb, yb),
    "cv_multinomial": lambda: LogisticRegressionCV(Cs=3, cv=3).fit(Xm, ym),
    "sigmoid_binary": lambda: CalibratedModel(_lr(), cv=3).fit(Xb, yb),
    "sigmoid_multiclass": lambda: CalibratedModel(_lr(), cv=3).fit(Xm, ym),
    "sigmoid_ovr": lambda: CalibratedModel(_lr(multi_class="ovr"), cv=3).fit(Xm, ym),
    "temperature_binary": lambda: CalibratedModel(_lr(), "temperature", cv=3).fit(Xb, yb),
    "temperature_multiclass": lambda: CalibratedModel(_lr(), "temperature", cv=3).fit(Xm, labels),
    "prefit_frozen": lambda: CalibratedModel(
        FrozenEstimator(_lr().fit(Xb[:120], yb[:120])), cv="prefit"
    ).fit(Xb[120:], yb[120:]),
    "threshold_fixed": lambda: ThresholdClassifier(_lr(), threshold=0.3).fit(Xb, yb),
    "threshold_tuned": lambda: ThresholdClassifier(
        _lr(), objective="precision", constraint={"recall": 0.8}, cv=3
    ).fit(Xb, yb),
    "threshold_decision_function": lambda: ThresholdClassifier(
        _lr(), threshold=-0.5, response_method="decision_function"
    ).fit(Xb, yb),
    "threshold_calibrated": lambda: ThresholdClassifier(
        CalibratedModel(_lr(), "temperature", cv=3), objective="f1", cv=3
    ).fit(Xb, yb),
    "cost_matrix": lambda: ThresholdClassifier(
        _lr(), cost_matrix=[[0, 1, 1], [5, 0, 1], [1, 1, 0]]
    ).fit(Xm, ym),
    "cost_matrix_sigmoid": lambda: ThresholdClassifier(
        CalibratedModel(_lr(), cv=3), cost_matrix=[[0, 1, 4], [5, 0, 1], [1, 1, 0]]
    ).fit(Xm, labels),
}

TABULAR_VARIANTS = {
    "tabular": lambda: TabularModel(C=0.5, min_frequency=10).fit(frame, yt),
    "tabular_full_chain": lambda: TabularModel(
        cv=3,
        Cs=3,
        calibration="sigmoid",
        calibration_cv=3,
        threshold_objective="f1",
        threshold_cv=3,
    ).fit(frame, np.array(["stay", "churn"])[yt]),
    "tabular_multiclass": lambda: TabularModel(
        calibration="temperature", calibration_cv=3, cost_matrix=[[0, 1, 2], [3, 0, 1], [1, 2, 0]]
    ).fit(frame, three),
    "tabular_ovr_rare": lambda: TabularModel(multi_class="ovr", min_frequency=0.25).fit(
        frame, three
    ),
}


def scoring_frame() -> pd.DataFrame:
    """Fresh rows with missing values everywhere, unseen and rare levels."""
    rows, _ = mixed_frame(200, seed=7)
    rows.loc[rows.index[::9], "city"] = "marseille"  # unseen level
    rows["plan"] = rows["plan"].cat.add_categories(["enterprise"])
    rows.loc[rows.index[::13], "plan"] = "enterprise"  # unseen category
    rows.loc[rows.index[:4], ["age", "income", "city", "plan", "member"]] = None
    return rows


def _parity(model, X, path):
    logistica.export_onnx(model, path)
    out = run_onnx(path, X)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        proba, predicted = model.predict_proba(X), model.predict(X)
    assert out["probabilities"].dtype == np.float64
    assert out["probabilities"].shape == proba.shape
    diff = float(np.abs(out["probabilities"] - proba).max())
    assert diff <= TOL
    np.testing.assert_array_equal(out["label"], predicted)
    return out, diff


@pytest.mark.parametrize("name", sorted(ARRAY_VARIANTS))
def test_array_models_match_predict_proba_and_predict(name, tmp_path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = ARRAY_VARIANTS[name]()
    X = Xb if model.n_features_in_ == 5 and len(model.classes_) == 2 else Xm
    X = np.vstack([X, X[:5] * 40.0])  # far-out rows: tiny probabilities
    out, diff = _parity(model, X, tmp_path / f"{name}.onnx")
    assert diff < 1e-13
    if model.classes_.dtype.kind in "iu":
        assert out["label"].dtype == np.int64


@pytest.mark.parametrize("name", sorted(TABULAR_VARIANTS))
def test_tabular_chain_matches_on_raw_rows(name, tmp_path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = TABULAR_VARIANTS[name]()
    rows = scoring_frame()
    assert model.unseen_counts(rows)  # the scoring rows do hold unseen levels
    _, diff = _parity(model, rows, tmp_path / f"{name}.onnx")
    assert diff < 1e-13
    _parity(model, frame, tmp_path / f"{name}_train.onnx")


def test_tabular_inputs_one_per_column_and_nullable_dtypes(tmp_path):
    data = pd.DataFrame(
        {
            "n": pd.array([1, None, 3, 4, 5, 6, None, 8], dtype="Int64"),
            "s": pd.array(["a", "b", None, "a", "b", "a", "c", "c"], dtype="string"),
            "flag": pd.array([True, False, None, True, True, False, True, None], dtype="boolean"),
        }
    )
    y = [0, 1, 0, 1, 1, 0, 1, 0]
    model = TabularModel().fit(data, y)
    path = tmp_path / "m.onnx"
    _parity(model, data, path)
    proto = onnx.load(path)
    inputs = {i.name: i.type.tensor_type for i in proto.graph.input}
    assert list(inputs) == ["n", "s", "flag"]
    assert inputs["n"].elem_type == onnx.TensorProto.DOUBLE
    assert inputs["s"].elem_type == onnx.TensorProto.STRING
    assert inputs["flag"].elem_type == onnx.TensorProto.DOUBLE
    assert [d.dim_value for d in inputs["n"].shape.dim][1] == 1
    new = data.assign(s=pd.array(["zz", None, "a", "b", "c", "q", "a", None], dtype="string"))
    _parity(model, new, path)


def test_graph_is_double_precision_and_passes_the_checker(tmp_path):
    model = TabularModel(calibration="sigmoid", calibration_cv=3).fit(frame, yt)
    path = logistica.export_onnx(model, tmp_path / "m.onnx")
    proto = onnx.load(path)
    onnx.checker.check_model(proto, full_check=True)
    assert {o.name for o in proto.graph.output} == {"label", "probabilities"}
    float_types = {i.data_type for i in proto.graph.initializer} - {
        onnx.TensorProto.INT64,
        onnx.TensorProto.STRING,
    }
    assert float_types == {onnx.TensorProto.DOUBLE}
    ops = {node.op_type for node in proto.graph.node}
    assert "Sigmoid" not in ops and "ZipMap" not in ops
    assert {p.key for p in proto.metadata_props} >= {"logistica.model", "logistica.inputs"}


@pytest.mark.parametrize("opset", [13, 18])
def test_other_opsets(opset, tmp_path):
    model = _lr().fit(Xm, ym)
    path = logistica.export_onnx(model, tmp_path / "m.onnx", opset=opset)
    assert onnx.load(path).opset_import[0].version == opset
    out = run_onnx(path, Xm)
    np.testing.assert_allclose(out["probabilities"], model.predict_proba(Xm), rtol=0, atol=TOL)


@pytest.mark.parametrize("opset", [12, 10_000, 17.0, "17"])
def test_invalid_opset(opset, tmp_path):
    with pytest.raises(ValueError, match="opset must be"):
        logistica.export_onnx(_lr().fit(Xb, yb), tmp_path / "m.onnx", opset=opset)


def test_isotonic_is_refused_by_name(tmp_path):
    model = CalibratedModel(_lr(), "isotonic", cv=3).fit(Xb, yb)
    with pytest.raises(ValueError, match="isotonic"):
        logistica.export_onnx(model, tmp_path / "m.onnx")
    tabular = TabularModel(calibration="isotonic", calibration_cv=3).fit(frame, yt)
    with pytest.raises(ValueError, match="isotonic"):
        logistica.export_onnx(tabular, tmp_path / "t.onnx")
    assert not (tmp_path / "m.onnx").exists() and not (tmp_path / "t.onnx").exists()


@pytest.mark.parametrize(
    ("make", "match"),
    [
        (lambda: SkLogisticRegression().fit(Xb, yb), "cannot export LogisticRegression|exportable"),
        (lambda: _lr(), "cannot export to ONNX"),
        (
            lambda: TabularModel(handle_unknown="error").fit(frame, yt),
            "handle_unknown='error'",
        ),
        (
            lambda: TabularModel().fit(frame.rename(columns={"age": "label"}), yt),
            "share a name with an output",
        ),
        (
            lambda: TabularModel().fit(frame.assign(city=frame["city"].fillna("")), yt),
            "empty string",
        ),
    ],
)
def test_what_cannot_be_exported_raises_a_clear_error(make, match, tmp_path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = make()
    with pytest.raises(ValueError, match=match):
        logistica.export_onnx(model, tmp_path / "m.onnx")


def test_run_onnx_checks_its_input(tmp_path):
    model = TabularModel().fit(frame, yt)
    path = logistica.export_onnx(model, tmp_path / "m.onnx")
    with pytest.raises(ValueError, match=r"missing required column\(s\): \['city'\]"):
        run_onnx(path, frame.drop(columns="city"))
    with pytest.raises(ValueError, match="DataFrame"):
        run_onnx(path, np.zeros((2, 5)))
    out = run_onnx(path, frame.assign(extra=1.0))  # extra columns are ignored
    assert out["probabilities"].shape == (len(frame), 2)
    array_path = logistica.export_onnx(_lr().fit(Xb, yb), tmp_path / "a.onnx")
    with pytest.raises(ValueError, match="2-d"):
        run_onnx(array_path, Xb[0])
    out = run_onnx(array_path, pd.DataFrame(Xb.astype(np.float32)))
    assert out["label"].shape == (len(Xb),)


def test_export_overwrites_atomically_and_returns_the_path(tmp_path):
    path = tmp_path / "m.onnx"
    path.write_bytes(b"old")
    returned = logistica.export_onnx(_lr().fit(Xb, yb), str(path))
    assert returned == path and path.read_bytes() != b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.onnx"]


@pytest.mark.parametrize("module", ["onnx", "onnxruntime"])
def test_missing_extra_names_the_install_command(module, monkeypatch, tmp_path):
    path = logistica.export_onnx(_lr().fit(Xb, yb), tmp_path / "m.onnx")
    monkeypatch.setitem(sys.modules, module, None)
    with pytest.raises(ImportError, match=r'pip install "logistica\[onnx\]"'):
        if module == "onnx":
            logistica.export_onnx(_lr().fit(Xb, yb), tmp_path / "m2.onnx")
        else:
            run_onnx(path, Xb)
