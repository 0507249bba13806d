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
