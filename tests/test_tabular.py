"""TabularModel: the whole chain on a mixed DataFrame, against a scikit-learn pipeline."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression as SkLogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer, OneHotEncoder, StandardScaler

from logistica import TabularModel
from logistica.exceptions import UnseenLevelWarning
from logistica.tabular import BooleanStep, NumericStep, OneHotStep, step_from_dict


def mixed_frame(n: int = 400, seed: int = 0) -> tuple[pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(seed)
    age = rng.normal(40, 12, n)
    income = rng.lognormal(10, 0.5, n)
    city = rng.choice(["paris", "lyon", "nice", "lille"], n, p=[0.4, 0.3, 0.2, 0.1])
    plan = rng.choice(["basic", "pro", "team"], n)
    member = rng.random(n) < 0.4
    logit = 0.04 * (age - 40) + 0.3 * (city == "paris") - 0.5 * (plan == "basic") + 0.8 * member
    y = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int)
    frame = pd.DataFrame(
        {
            "age": np.where(rng.random(n) < 0.1, np.nan, age),
            "income": np.where(rng.random(n) < 0.05, np.nan, income),
            "city": pd.Series(np.where(rng.random(n) < 0.08, None, city), dtype=object),
            "plan": pd.Categorical(np.where(rng.random(n) < 0.05, None, plan)),
            "member": pd.Series(np.where(rng.random(n) < 0.05, None, member), dtype=object),
        }
    )
    return frame, y


def sklearn_pipeline(C: float):
    numeric = make_pipeline(SimpleImputer(strategy="median"), StandardScaler())
    categorical = make_pipeline(
        FunctionTransformer(lambda f: f.astype(object).where(f.notna(), "<missing>")),
        OneHotEncoder(handle_unknown="ignore", sparse_output=False),
    )
    boolean = make_pipeline(
        SimpleImputer(strategy="most_frequent", missing_values=None),
        FunctionTransformer(lambda a: a.astype(float)),
    )
    columns = ColumnTransformer(
        [
            ("num", numeric, ["age", "income"]),
            ("cat", categorical, ["city", "plan"]),
            ("bool", boolean, ["member"]),
        ]
    )
    return make_pipeline(columns, SkLogisticRegression(C=C, tol=1e-12, max_iter=10_000))


@pytest.fixture(scope="module")
def data():
    return mixed_frame()


@pytest.mark.parametrize("C", [0.05, 1.0])
def test_matches_sklearn_column_transformer_pipeline(data, C):
    frame, y = data
    ours = TabularModel(C=C, tol=1e-10).fit(frame, y)
    theirs = sklearn_pipeline(C).fit(frame, y)
    np.testing.assert_allclose(ours.predict_proba(frame), theirs.predict_proba(frame), atol=1e-6)
    np.testing.assert_allclose(
        ours.decision_function(frame), theirs.decision_function(frame), atol=1e-5
    )
    assert (ours.predict(frame) == theirs.predict(frame)).all()


def test_schema_and_steps(data):
    frame, y = data
    model = TabularModel().fit(frame, y)
    assert [(s.name, s.kind) for s in model.schema_] == [
        ("age", "numeric"),
        ("income", "numeric"),
        ("city", "categorical"),
        ("plan", "categorical"),
        ("member", "boolean"),
    ]
    assert [type(s) for s in model.steps_] == [
        NumericStep,
        NumericStep,
        OneHotStep,
        OneHotStep,
        BooleanStep,
    ]
    assert "city=<missing>" in model.feature_names_
    for step in model.steps_:
        assert step_from_dict(step.to_dict()) == step
    assert model.training_["n_rows"] == len(frame)
    assert model.training_["data_fingerprint"].startswith("sha256:")


def test_unseen_levels_score_as_all_zero_columns(data):
    frame, y = data
    model = TabularModel().fit(frame, y)
    rows = frame.head(3).copy()
    rows["city"] = ["paris", "marseille", "tokyo"]
    with pytest.warns(UnseenLevelWarning, match="'city': 2"):
        design = model.transform(rows)
    city = [c for c in design.columns if c.startswith("city=")]
    assert design.loc[rows.index[1:], city].to_numpy().sum() == 0
    assert model.unseen_counts(rows) == {"city": 2}
    # an all-zero block equals a design with the city coefficients left out
    linear = model.linear_model_
    expected = design.to_numpy() @ linear.coef_[0] + linear.intercept_[0]
    with pytest.warns(UnseenLevelWarning):
        np.testing.assert_allclose(model.decision_function(rows), expected)
    strict = TabularModel(handle_unknown="error").fit(frame, y)
    with pytest.raises(ValueError, match=r"column 'city' has levels unseen.*marseille"):
        strict.predict(rows)


def test_rare_levels_share_the_other_column(data):
    frame, y = data
    rare = frame.copy()
    rare.loc[:2, "city"] = ["oslo", "rome", "bern"]
    model = TabularModel(min_frequency=5).fit(rare, y)
    step = model.steps_[2]
    assert step.infrequent == ["bern", "oslo", "rome"]
    out = model.transform(rare.head(3))
    assert out["city=<other>"].tolist() == [1.0, 1.0, 1.0]


def test_explain_sums_to_decision_minus_baseline(data):
    frame, y = data
    model = TabularModel().fit(frame, y)
    contrib = model.explain(frame.head(20))
    assert list(contrib.columns) == ["age", "income", "city", "plan", "member"]
    np.testing.assert_allclose(
        contrib.sum(axis=1) + model.baseline_decision(),
        model.decision_function(frame.head(20)),
        atol=1e-10,
    )
    top = model.explain(frame.head(2), k=2)
    assert len(top) == 2 and len(top[0]) == 2
    assert abs(top[0][0][1]) >= abs(top[0][1][1])


def test_multiclass_with_cost_matrix_and_explain(data):
    frame, _ = data
    y = np.array(["a", "b", "c"])[np.arange(len(frame)) % 3]
    cost = [[0, 1, 1], [5, 0, 1], [1, 1, 0]]
    model = TabularModel(cost_matrix=cost).fit(frame, y)
    assert model.predict(frame).dtype.kind in "UO"
    contrib = model.explain(frame.head(5))
    scores = model.decision_function(frame.head(5))
    predicted = scores.argmax(axis=1)
    linear = model.linear_model_
    base = linear.decision_function(linear.feature_mean_[None, :])[0]
    np.testing.assert_allclose(
        contrib.sum(axis=1), scores[np.arange(5), predicted] - base[predicted], atol=1e-10
    )


def test_cv_calibration_and_threshold_compose(data):
    frame, y = data
    model = TabularModel(cv=3, Cs=4, calibration="sigmoid", calibration_cv=3, threshold=0.3)
    model.fit(frame, y)
    proba = model.predict_proba(frame)
    assert np.allclose(proba.sum(axis=1), 1)
    np.testing.assert_array_equal(model.predict(frame), (proba[:, 1] >= 0.3).astype(int))
    assert hasattr(model.linear_model_, "C_")


def test_missing_column_wrong_dtype_and_dates_are_refused(data):
    frame, y = data
    model = TabularModel().fit(frame, y)
    with pytest.raises(ValueError, match=r"missing required column\(s\): \['city'\]"):
        model.predict(frame.drop(columns="city"))
    wrong = frame.assign(age=frame["age"].astype(str))
    with pytest.raises(ValueError, match="column 'age' should be numeric"):
        model.predict_proba(wrong)
    extra = frame.assign(unused=1.0)
    np.testing.assert_array_equal(model.predict_proba(extra), model.predict_proba(frame))
    dated = frame.assign(when=pd.date_range("2020-01-01", periods=len(frame)))
    with pytest.raises(ValueError, match="column 'when' holds dates"):
        TabularModel().fit(dated, y)
    with pytest.raises(ValueError, match="expected a pandas DataFrame"):
        model.predict(frame.to_numpy())
    with pytest.raises(ValueError, match="column 'empty' has no values"):
        TabularModel().fit(frame.assign(empty=None), y)
