"""The column-at-a-time fast path accepts exactly what the pydantic record type accepts."""

from __future__ import annotations

import math

import numpy as np
import pytest

pytest.importorskip("fastapi")

from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError

import logistica
from _serve import table
from logistica.serve.columns import checked_column
from logistica.serve.design import TabularDesign
from logistica.serve.spec import Column, InputSpec
from logistica.serve.validation import row_type

COLUMNS = [
    Column("n", "numeric", False),
    Column("m", "numeric", True, mean=0.0, scale=1.0),
    Column("b", "boolean", True),
    Column("c", "categorical", True, ("a", "b"), "zero"),
    Column("e", "categorical", False, ("a", "b"), "error"),
    Column("f", "categorical", True, ("a", "b"), "error", missing_level=True),
]
VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(["a", "b", "c", ""]),
    st.lists(st.integers(), max_size=2),
)


def _pydantic(column: Column, values: list):
    adapter = TypeAdapter(list[row_type(InputSpec((column,), tabular=True))])
    try:
        return [row[column.name] for row in adapter.validate_python([{column.name: v}
                                                                     for v in values])]  # fmt: skip
    except ValidationError:
        return None


@pytest.mark.parametrize("column", COLUMNS, ids=[c.name for c in COLUMNS])
@settings(max_examples=150, deadline=None)
@given(values=st.lists(VALUES, min_size=1, max_size=6))
def test_fast_path_agrees_with_pydantic(column, values):
    fast = checked_column(column, values)
    slow = _pydantic(column, values)
    assert (fast is None) == (slow is None), (values, slow)
    if fast is None:
        return
    if column.kind == "numeric":
        expected = [math.nan if v is None else float(v) for v in slow]
        np.testing.assert_array_equal(fast, np.array(expected, dtype=np.float64))
    else:
        assert fast.dtype == object and fast.tolist() == slow


@pytest.mark.parametrize("seed", [0, 1])
def test_design_from_columns_equals_the_models(seed):
    """The service's design (no DataFrame) is the model's own, number for number."""
    frame, y = table(seed=seed)
    model = logistica.TabularModel(min_frequency=0.34 if seed else None).fit(frame, y)
    rows = table(n=200, seed=seed + 10)[0]
    rows.loc[::7, "city"] = None
    rows.loc[::11, "city"] = "Rome"  # unseen: all-zero columns
    rows["member"] = rows["member"].astype(object)
    rows.loc[::5, "member"] = None
    columns = {"age": rows["age"].to_numpy(dtype=np.float64),
               "city": rows["city"].to_numpy(dtype=object),
               "member": rows["member"].to_numpy(dtype=object)}  # fmt: skip
    with pytest.warns(logistica.exceptions.UnseenLevelWarning):
        expected = model.transform(rows).to_numpy()
    np.testing.assert_array_equal(TabularDesign(model)(columns), expected)


@pytest.mark.parametrize(
    "params",
    [{}, {"calibration": "sigmoid"}, {"threshold": 0.3}, {"cost_matrix": [[0, 1], [5, 0]]}],
)
def test_scorer_decisions_equal_the_chains_predict(params):
    """The decision the service returns is the chain's own ``predict`` (the label when
    no threshold or cost matrix decides)."""
    from logistica.serve.scoring import Scorer

    frame, y = table(seed=3)
    model = logistica.TabularModel(**params).fit(frame, y)
    rows = table(n=400, seed=4)[0]
    columns = {"age": rows["age"].to_numpy(dtype=np.float64),
               "city": rows["city"].to_numpy(dtype=object),
               "member": rows["member"].to_numpy(dtype=object)}  # fmt: skip
    scored = Scorer(model).score(columns)
    np.testing.assert_array_equal(scored.decision, model.predict(rows))
    np.testing.assert_allclose(scored.proba, model.predict_proba(rows), rtol=1e-12)
    if params.get("threshold") or params.get("cost_matrix"):
        assert (scored.decision != scored.label).any()  # the rule changes some decisions
