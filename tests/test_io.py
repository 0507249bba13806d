"""Model files: bit-identical round trips, the shipped schema, refusals, atomic writes."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import jsonschema
import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import make_classification
from sklearn.frozen import FrozenEstimator
from sklearn.linear_model import LogisticRegression as SkLogisticRegression

import logistica
from logistica import LogisticRegression, LogisticRegressionCV, TabularModel
from logistica.calibration import CalibratedModel
from logistica.exceptions import ModelFileError, UnseenLevelWarning
from logistica.io import load_file, model_schema
from logistica.io._files import checksum
from logistica.thresholds import ThresholdClassifier
from test_tabular import mixed_frame

DATA = Path(__file__).parent / "data"

Xb, yb = make_classification(240, 5, n_informative=3, random_state=1)
Xm, ym = make_classification(240, 5, n_informative=3, n_classes=3, random_state=0)
labels = np.array(["setosa", "versicolor", "virginica"])[ym]
frame, yt = mixed_frame(300)


def _lr(**kw):
    return LogisticRegression(**kw)


VARIANTS = {
    "binary": lambda: _lr().fit(Xb, yb),
    "binary_bool_labels": lambda: _lr().fit(Xb, yb.astype(bool)),
    "unpenalized": lambda: _lr(C=np.inf).fit(Xb[:, :2], yb),
    "multinomial_str": lambda: _lr().fit(Xm, labels),
    "ovr": lambda: _lr(multi_class="ovr").fit(Xm, ym),
    "l1": lambda: _lr(C=0.05, l1_ratio=1.0).fit(Xb, yb),
    "standardized": lambda: _lr(standardize=True, class_weight={0: 1.0, 1: 3.0}).fit(Xb, yb),
    "cv": lambda: LogisticRegressionCV(Cs=3, l1_ratios=[0.5], cv=3, selection="1se").fit(Xb, yb),
    "sigmoid": lambda: CalibratedModel(_lr(), cv=3).fit(Xm, ym),
    "isotonic": lambda: CalibratedModel(_lr(), "isotonic", cv=3).fit(Xb, yb),
    "temperature": lambda: CalibratedModel(_lr(), "temperature", cv=3).fit(Xm, labels),
    "prefit_frozen": lambda: CalibratedModel(
        FrozenEstimator(_lr().fit(Xb[:120], yb[:120])), cv="prefit"
    ).fit(Xb[120:], yb[120:]),
    "threshold_fixed": lambda: ThresholdClassifier(_lr(), threshold=0.3).fit(Xb, yb),
    "threshold_tuned": lambda: ThresholdClassifier(
        _lr(), objective="precision", constraint={"recall": 0.8}, cv=3
    ).fit(Xb, yb),
    "cost_matrix": lambda: ThresholdClassifier(
        _lr(), cost_matrix=[[0, 1, 1], [5, 0, 1], [1, 1, 0]]
    ).fit(Xm, ym),
    "tabular": lambda: TabularModel(C=0.5, min_frequency=10).fit(frame, yt),
    "tabular_full_chain": lambda: TabularModel(
        cv=3,
        Cs=3,
        calibration="isotonic",
        calibration_cv=3,
        threshold_objective="f1",
        threshold_cv=3,
    ).fit(frame, yt),
    "tabular_multiclass": lambda: TabularModel(calibration="temperature", calibration_cv=3).fit(
        frame, np.array(["x", "y", "z"])[np.arange(len(frame)) % 3]
    ),
}


def _inputs(model):
    if isinstance(model, TabularModel):
        return frame
    return Xb if len(model.classes_) == 2 and model.n_features_in_ == 5 else (
        Xm if model.n_features_in_ == 5 else Xb[:, :2]
    )  # fmt: skip


@pytest.fixture(scope="module", params=sorted(VARIANTS))
def saved(request, tmp_path_factory):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = VARIANTS[request.param]()
    path = tmp_path_factory.mktemp("models") / f"{request.param}.json"
    logistica.save(model, path)
    return model, path


def test_round_trip_is_bit_identical(saved):
    model, path = saved
    loaded = logistica.load(path)
    assert type(loaded) is type(model)
    X = _inputs(model)
    np.testing.assert_array_equal(loaded.predict_proba(X), model.predict_proba(X))
    np.testing.assert_array_equal(loaded.predict(X), model.predict(X))
    assert loaded.predict(X).dtype == model.predict(X).dtype
    if hasattr(model, "decision_function"):
        np.testing.assert_array_equal(loaded.decision_function(X), model.decision_function(X))
    assert loaded.get_params(deep=False).keys() == model.get_params(deep=False).keys()


def test_file_validates_against_the_shipped_schema(saved):
    _, path = saved
    document = json.loads(path.read_text())
    jsonschema.validate(document, model_schema("1.0"))
    assert document["format_version"] == "1.0"
    assert document["checksum"] == checksum(document)


def test_float64_round_trips_exactly(tmp_path):
    model = LogisticRegression().fit(Xb, yb)
    tricky = [0.1, 1 / 3, 5e-324, 1.7976931348623157e308, -0.0, 2.0**-1074 * 3, np.pi]
    model.coef_ = np.array([tricky[:5]])
    logistica.save(model, tmp_path / "m.json")
    loaded = logistica.load(tmp_path / "m.json")
    assert loaded.coef_.tobytes() == model.coef_.tobytes()


def test_metadata_card_covariance_and_fingerprint(tmp_path):
    X, y = Xb[:, :2], yb
    model = LogisticRegression(C=np.inf).fit(X, y)
    results = logistica.summarize(model, X, y)
    card = {"intended_use": "tests", "limitations": "synthetic data", "text": "héllo"}
    logistica.save(
        model, tmp_path / "m.json", model_card=card, training_data=(X, y),
        test_metrics={"roc_auc": 0.9}, results=results,
    )  # fmt: skip
    file = load_file(tmp_path / "m.json")
    assert file.model_card == card
    assert file.training["n_rows"] == 240
    assert file.training["test_metrics"] == {"roc_auc": 0.9}
    assert file.training["data_fingerprint"] == logistica._fingerprint.data_fingerprint(X, y)
    assert file.training["library_versions"]["numpy"] == np.__version__
    cov = np.array(file.inference["covariance"]["data"]).reshape(3, 3)
    np.testing.assert_array_equal(cov, results.cov_params().to_numpy())
    assert file.inference["names"] == ["intercept", "x0", "x1"]


def test_tabular_training_metadata(tmp_path):
    model = VARIANTS["tabular_full_chain"]()
    logistica.save(model, tmp_path / "t.json")
    training = load_file(tmp_path / "t.json").training
    assert training["n_rows"] == len(frame)
    assert training["cv"]["selection"] == "1se" and training["cv"]["n_folds"] == 3
    assert training["fitted_at"].endswith("+00:00")


# -- refusals -----------------------------------------------------------------------------
@pytest.fixture
def document(tmp_path):
    path = tmp_path / "m.json"
    logistica.save(LogisticRegression().fit(Xm, ym), path)
    return json.loads(path.read_text())


def _write(tmp_path, document, *, reseal=True) -> Path:
    if reseal:
        document["checksum"] = checksum(document)
    path = tmp_path / "edited.json"
    path.write_text(json.dumps(document))
    return path


def test_changed_coefficient_with_old_checksum_is_refused(tmp_path, document):
    document["model"]["coef"]["data"][0] += 1e-9
    with pytest.raises(ModelFileError, match="checksum mismatch"):
        logistica.load(_write(tmp_path, document, reseal=False))


def test_changed_coefficient_with_new_checksum_fails_golden_rows(tmp_path, document):
    document["model"]["coef"]["data"][0] += 0.5
    with pytest.raises(ModelFileError, match=r"golden.*differ"):
        logistica.load(_write(tmp_path, document))


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda d: d.update(format_version="2.0"), "unknown format_version '2.0'"),
        (lambda d: d.update(format="pickle"), "not a logistica model file"),
        (lambda d: d["model"].pop("coef"), "schema at model"),
        (lambda d: d["model"].update({"class": "os.system"}), "schema at model/class"),
        (lambda d: d["model"]["coef"]["data"].pop(), "does not match 14 values"),
        (lambda d: d["model"]["coef"].update(shape=[5, 3]), "expected shape"),
        (lambda d: d["model"]["intercept"]["data"].__setitem__(0, "nan"), "NaN or infinite"),
        (lambda d: d["model"]["classes"].update(values=[0, 1]), "expected shape"),
        (lambda d: d["model"]["params"].update(evil=1), "unknown parameters"),
    ],
)
def test_defects_raise_model_file_error(tmp_path, document, edit, message):
    edit(document)
    with pytest.raises(ModelFileError, match=message):
        logistica.load(_write(tmp_path, document))


def test_missing_checksum_is_refused(tmp_path, document):
    document.pop("checksum")
    with pytest.raises(ModelFileError, match="'checksum' is a required property"):
        logistica.load(_write(tmp_path, document, reseal=False))


def test_unknown_step_type_is_refused(tmp_path):
    path = tmp_path / "t.json"
    logistica.save(VARIANTS["tabular"](), path)
    document = json.loads(path.read_text())
    document["model"]["steps"][0]["type"] = "python_lambda"
    with pytest.raises(ModelFileError, match="schema at model/steps/0/type"):
        logistica.load(_write(tmp_path, document))
    logistica.tabular.steps.STEP_TYPES.get("python_lambda")  # registry stays closed
    with pytest.raises(ValueError, match="unknown step type 'python_lambda'"):
        logistica.tabular.step_from_dict(document["model"]["steps"][0])


@pytest.mark.parametrize(
    "raw", [b"", b"{", b'{"format": "logistica.model"', b"[1, 2]", b"\xff\xfe", b"NaN", b"1e400"]
)
def test_invalid_json_is_refused(tmp_path, raw):
    path = tmp_path / "bad.json"
    path.write_bytes(raw)
    with pytest.raises(ModelFileError):
        logistica.load(path)


def test_truncated_file_is_refused(tmp_path, document):
    path = _write(tmp_path, document)
    text = path.read_text()
    path.write_text(text[: len(text) // 2])
    with pytest.raises(ModelFileError, match="invalid or truncated JSON"):
        logistica.load(path)


def test_unsupported_and_unfitted_models_are_refused(tmp_path):
    with pytest.raises(ModelFileError, match="cannot save a LogisticRegression"):
        logistica.save(SkLogisticRegression().fit(Xb, yb), tmp_path / "x.json")
    with pytest.raises(ModelFileError, match="not fitted"):
        logistica.save(LogisticRegression(), tmp_path / "x.json")
    nan_model = LogisticRegression().fit(Xb, yb)
    nan_model.coef_[0, 0] = np.nan
    with pytest.raises(ModelFileError, match="NaN or infinite"):
        logistica.save(nan_model, tmp_path / "x.json")
    assert not (tmp_path / "x.json").exists()


# -- atomic writes ------------------------------------------------------------------------
def test_failed_save_leaves_the_existing_file_intact(tmp_path, monkeypatch):
    path = tmp_path / "model.json"
    first = LogisticRegression().fit(Xb, yb)
    logistica.save(first, path)
    before = path.read_bytes()

    real_dump = json.dump

    def failing_dump(obj, fp, **kwargs):
        text = json.dumps(obj, **kwargs)
        fp.write(text[: len(text) // 3])
        raise OSError("disk full")

    monkeypatch.setattr("logistica.io._files.json.dump", failing_dump)
    with pytest.raises(OSError, match="disk full"):
        logistica.save(LogisticRegression(C=0.01).fit(Xb, yb), path)
    monkeypatch.setattr("logistica.io._files.json.dump", real_dump)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.json"]
    np.testing.assert_array_equal(logistica.load(path).predict_proba(Xb), first.predict_proba(Xb))


# -- files of released format versions ----------------------------------------------------
def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def _array(node):
    return np.array([float(v) for v in node["data"]]).reshape(node["shape"])


@pytest.mark.parametrize("name", ["binary-standardized", "multinomial"])
def test_stored_format_1_0_array_models_still_load(name):
    path = DATA / f"model-v1.0-{name}.json"
    document = json.loads(path.read_text())
    model = logistica.load(path)
    X = np.load(DATA / "model-v1.0-inputs.npy")
    coef, intercept = _array(document["model"]["coef"]), _array(document["model"]["intercept"])
    z = X[:, : coef.shape[1]] @ coef.T + intercept
    if coef.shape[0] == 1:
        expected = np.column_stack([1 - _sigmoid(z[:, 0]), _sigmoid(z[:, 0])])
    else:
        e = np.exp(z - z.max(axis=1, keepdims=True))
        expected = e / e.sum(axis=1, keepdims=True)
    np.testing.assert_allclose(model.predict_proba(X[:, : coef.shape[1]]), expected, atol=1e-12)


def test_stored_format_1_0_tabular_model_still_loads():
    import pandas as pd

    path = DATA / "model-v1.0-tabular.json"
    document = json.loads(path.read_text())
    model = logistica.load(path)
    rows = pd.read_csv(DATA / "model-v1.0-tabular-rows.csv", dtype={"city": object})
    rows["member"] = rows["member"].map({"True": True, "False": False}).astype(object)
    node = document["model"]
    blocks = []
    for step in node["steps"]:
        values = rows[step["column"]]
        if step["type"] == "numeric":
            filled = values.astype(float).fillna(step["fill"])
            blocks.append(((filled - step["mean"]) / step["scale"]).to_numpy()[:, None])
        elif step["type"] == "boolean":
            blocks.append(values.fillna(step["fill"]).astype(float).to_numpy()[:, None])
        else:
            levels = step["levels"] + (["<missing>"] if step["missing_level"] else [])
            keys = values.astype(object).where(values.notna(), "<missing>")
            blocks.append(np.array([[float(k == lv) for lv in levels] for k in keys]))
    design = np.hstack(blocks)
    linear = node["model"]
    z = design @ _array(linear["coef"])[0] + _array(linear["intercept"])[0]
    with pytest.warns(UnseenLevelWarning, match="'city': 1"):
        proba = model.predict_proba(rows)
    np.testing.assert_allclose(proba[:, 1], _sigmoid(z), atol=1e-12)


def test_save_a_model_that_refuses_unseen_levels(tmp_path):
    """Synthetic golden rows respect the model's own policy for unseen and missing levels."""
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(
        {"x": rng.normal(size=200), "c": rng.choice(["a", "b", "c"], 200), "d": ["u", "v"] * 100}
    )
    y = (frame["x"] + (frame["c"] == "a") > 0.3).astype(int)
    model = TabularModel(handle_unknown="error").fit(frame, y)
    path = tmp_path / "strict.json"
    logistica.save(model, path)
    loaded = logistica.load(path)
    np.testing.assert_array_equal(loaded.predict_proba(frame), model.predict_proba(frame))
