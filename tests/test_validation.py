"""Bad input gets a clear ValueError naming the problem, raised before any solver runs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.exceptions import NotFittedError

from logistica import LogisticRegression


@pytest.fixture
def data():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((40, 3))
    y = np.array(["a", "b"] * 20)
    return X, y


def _with(X, index, value):
    X = X.copy()
    X[index] = value
    return X


@pytest.mark.parametrize(
    ("make", "match"),
    [
        (lambda X, y: (_with(X, (0, 0), np.nan), y), "NaN"),
        (lambda X, y: (_with(X, (3, 1), np.inf), y), "infinity"),
        (lambda X, y: (X, np.where(np.arange(40) == 5, np.nan, 1.0)), "y contains NaN"),
        (lambda X, y: (X, np.array(["a"] * 40)), "single class"),
        (lambda X, y: (X[:-1], y), "inconsistent numbers of samples"),
        (lambda X, y: (X, None), "requires y"),
        (lambda X, y: (X, np.linspace(0, 1, 40)), "Unknown label type"),
    ],
)
def test_bad_training_data(data, make, match):
    X, y = make(*data)
    with pytest.raises(ValueError, match=match):
        LogisticRegression().fit(X, y)


@pytest.mark.parametrize(
    ("weights", "match"),
    [
        (-np.ones(40), "negative"),
        (np.zeros(40), "sums to zero"),
        (np.ones(39), r"sample_weight has shape \(39,\), expected \(40,\)"),
        (np.r_[np.nan, np.ones(39)], "sample_weight contains NaN"),
    ],
)
def test_bad_sample_weight(data, weights, match):
    with pytest.raises(ValueError, match=match):
        LogisticRegression().fit(*data, sample_weight=weights)


def test_unknown_class_weight_label(data):
    with pytest.raises(ValueError, match=r"class_weight names labels not present in y: \['c'\]"):
        LogisticRegression(class_weight={"a": 1.0, "c": 2.0}).fit(*data)


def test_class_weights_that_zero_everything(data):
    with pytest.raises(ValueError, match="sums to zero"):
        LogisticRegression(class_weight={"a": 0.0, "b": 0.0}).fit(*data)


@pytest.mark.parametrize(
    ("params", "match"),
    [
        ({"C": 0.0}, "C must be > 0"),
        ({"C": -1.0}, "C must be > 0"),
        ({"C": "big"}, "C must be a number"),
        ({"l1_ratio": 1.5}, "l1_ratio must be <= 1"),
        ({"tol": 0.0}, "tol must be > 0"),
        ({"max_iter": 0}, "max_iter must be >= 1"),
        ({"max_iter": 2.5}, "max_iter must be an integer"),
        ({"solver": "magic"}, "unknown solver 'magic'"),
        ({"multi_class": "auto"}, "multi_class must be"),
        ({"class_weight": "heavy"}, "class_weight must be"),
    ],
)
def test_bad_parameters(data, params, match):
    with pytest.raises(ValueError, match=match):
        LogisticRegression(**params).fit(*data)


def test_solver_that_cannot_handle_the_penalty(data):
    with pytest.raises(ValueError, match="does not support L1"):
        LogisticRegression(solver="newton", l1_ratio=1.0).fit(*data)


def test_bad_offset_shape(data):
    with pytest.raises(ValueError, match=r"offset has shape \(3,\)"):
        LogisticRegression().fit(*data, offset=np.zeros(3))


def test_predict_before_fit(data):
    with pytest.raises(NotFittedError):
        LogisticRegression().predict(data[0])


def test_wrong_number_of_features_at_predict(data):
    model = LogisticRegression().fit(*data)
    with pytest.raises(ValueError, match="X has 2 features, but LogisticRegression is expecting 3"):
        model.predict(data[0][:, :2])


def test_wrong_feature_names_at_predict(data):
    X, y = data
    frame = pd.DataFrame(X, columns=["age", "dose", "weight"])
    model = LogisticRegression().fit(frame, y)
    renamed = frame.rename(columns={"dose": "dosage"})
    with pytest.raises(ValueError, match="Feature names unseen at fit time:\n- dosage"):
        model.predict(renamed)


def test_nan_at_predict(data):
    model = LogisticRegression().fit(*data)
    with pytest.raises(ValueError, match="NaN"):
        model.predict_proba(_with(data[0], (1, 1), np.nan))


# -- labels: scikit-learn's checks, missing and mixed labels named ----------------------
def _entry_points():
    """Every fitting entry point, each as ``fit(X, y, **fit_params)``."""
    from logistica import LogisticRegressionCV
    from logistica.calibration import CalibratedModel
    from logistica.path import logistic_path

    return {
        "estimator": lambda X, y, **kw: LogisticRegression().fit(X, y, **kw),
        "path": lambda X, y, **kw: logistic_path(X, y, Cs=2, **kw),
        "cv": lambda X, y, **kw: LogisticRegressionCV(Cs=2, cv=2).fit(X, y, **kw),
        "calibration": lambda X, y, **kw: CalibratedModel(LogisticRegression(), cv=2).fit(
            X, y, **kw
        ),
    }


ENTRY_POINTS = ["estimator", "path", "cv", "calibration"]
LABELS = np.array(["a", "b"] * 20, dtype=object)


def _labels(kind):
    y = LABELS.copy()
    if kind == "None":
        y[7] = None
        return y.tolist()
    if kind == "pd.NA":
        return pd.Series(y, dtype="string").where(np.arange(40) != 7, pd.NA)
    if kind == "Int64 pd.NA":
        return pd.array(np.where(np.arange(40) == 7, None, np.arange(40) % 2), dtype="Int64")
    if kind == "string first":
        y[1::2] = 1
        return pd.Series(y)
    y[::2] = 0  # "number first": sklearn says "Unknown label type" here, a TypeError above
    return pd.Series(y)


@pytest.mark.parametrize("entry", ENTRY_POINTS)
@pytest.mark.parametrize(
    ("kind", "match"),
    [
        ("None", r"y contains NaN or missing labels \(None, pd.NA\): 1 of 40 rows, first at"),
        ("pd.NA", "y contains NaN or missing labels"),
        ("Int64 pd.NA", "y contains NaN or missing labels"),
        ("string first", r"Mix of label input types \(string and number\)"),
        ("number first", r"Mix of label input types \(string and number\)"),
    ],
)
def test_missing_and_mixed_labels_are_named(data, entry, kind, match):
    with pytest.raises(ValueError, match=match):
        _entry_points()[entry](data[0], _labels(kind))


@pytest.mark.parametrize(
    "y",
    [
        np.linspace(0, 1, 40),  # continuous
        np.where(np.arange(40) == 3, np.inf, np.arange(40) % 2),  # infinity
        np.arange(80).reshape(40, 2) % 2,  # two columns
    ],
)
def test_target_errors_are_scikit_learns(data, y):
    from sklearn.linear_model import LogisticRegression as SkLogisticRegression

    with pytest.raises(ValueError) as expected:
        SkLogisticRegression().fit(data[0], y)
    with pytest.raises(ValueError) as ours:
        LogisticRegression().fit(data[0], y)
    assert str(ours.value) == str(expected.value)


# -- class_weight values -----------------------------------------------------------------
@pytest.mark.parametrize(
    ("value", "match"),
    [
        (-1.0, r"class_weight for class 'b' must be a finite number >= 0, got -1.0"),
        (np.inf, r"class_weight for class 'b' must be a finite number >= 0, got inf"),
        (np.nan, r"class_weight for class 'b' must be a finite number >= 0, got nan"),
        ("2", r"class_weight for class 'b' must be a number, got '2'"),
    ],
)
@pytest.mark.parametrize("entry", ["estimator", "path", "cv"])
def test_bad_class_weight_values(data, entry, value, match):
    X, y = data
    fit = {
        "estimator": lambda: LogisticRegression(class_weight={"b": value}).fit(X, y),
        "path": lambda: __import__("logistica.path").path.logistic_path(
            X, y, Cs=2, class_weight={"b": value}
        ),
        "cv": lambda: (
            __import__("logistica")
            .LogisticRegressionCV(Cs=2, cv=2, class_weight={"b": value})
            .fit(X, y)
        ),
    }[entry]
    with pytest.raises(ValueError, match=match):
        fit()


# -- classes whose total weight is zero -------------------------------------------------
@pytest.mark.parametrize("entry", ENTRY_POINTS)
def test_all_weight_on_one_class_is_the_single_class_error(data, entry):
    X, y = data
    weights = (y == "a").astype(float)
    with pytest.raises(ValueError, match=r"single class \('a'\): it is zero for every sample of"):
        _entry_points()[entry](X, y, sample_weight=weights)


@pytest.mark.parametrize(
    "class_weight", [{"b": 0.0}, "balanced"], ids=["zero class weight", "balanced"]
)
def test_zero_class_weight_leaving_one_class(data, class_weight):
    X, y = data
    weights = None if class_weight != "balanced" else (y == "a").astype(float)
    with pytest.raises(ValueError, match="single class"):
        LogisticRegression(class_weight=class_weight).fit(X, y, sample_weight=weights)


@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("how", ["sample_weight", "class_weight"])
def test_zero_weight_class_among_three_is_refused_by_name(data, how, sparse):
    import scipy.sparse as sp

    X, _ = data
    y = np.array(["a", "b", "c", "d"] * 10)
    X = sp.csr_matrix(X) if sparse else X
    model = LogisticRegression(class_weight={"c": 0.0} if how == "class_weight" else None)
    weights = (y != "c").astype(float) if how == "sample_weight" else None
    with pytest.raises(ValueError, match=r"class 'c' has zero total weight"):
        model.fit(X, y, sample_weight=weights)


# -- sample weight magnitudes -----------------------------------------------------------
def test_sample_weight_ratio_beyond_float64_is_refused(data):
    X, y = data
    weights = np.where(np.arange(40) < 20, 1e-300, 1e300)
    with pytest.raises(ValueError, match=r"from 1e-300 to 1e\+300: the ratio .* exceeds 1e\+300"):
        LogisticRegression().fit(X, y, sample_weight=weights)


@pytest.mark.parametrize(("weight", "match"), [(-1.0, "negative"), (np.nan, "NaN")])
def test_scalar_sample_weight_is_checked(data, weight, match):
    with pytest.raises(ValueError, match=match):
        LogisticRegression().fit(*data, sample_weight=weight)
