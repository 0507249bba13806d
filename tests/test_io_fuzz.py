"""Fuzzing the loader: mutated files give a ModelFileError or a valid model, nothing else."""

from __future__ import annotations

import contextlib
import copy
import json

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import logistica
from logistica.calibration import CalibratedModel
from logistica.exceptions import ModelFileError
from logistica.io._files import checksum
from test_tabular import mixed_frame

frame, yt = mixed_frame(120)
X = frame[["age", "income"]].fillna(0.0).to_numpy()
STATS = {"tried": 0, "refused": 0, "loaded": 0}


def _documents(tmp_path_factory):
    path = tmp_path_factory.mktemp("fuzz")
    models = [
        logistica.TabularModel(min_frequency=3).fit(frame, yt),
        CalibratedModel(logistica.LogisticRegression(), "isotonic", cv=3).fit(X, yt),
        logistica.LogisticRegressionCV(Cs=3, cv=3).fit(X, yt),
    ]
    documents = []
    for i, model in enumerate(models):
        logistica.save(model, path / f"{i}.json")
        documents.append(json.loads((path / f"{i}.json").read_text()))
    return documents


@pytest.fixture(scope="module")
def documents(tmp_path_factory):
    return _documents(tmp_path_factory)


def _paths(node, prefix=()):
    yield prefix
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _paths(value, (*prefix, index))


WEIRD = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from([1e308, -1e308, 5e-324, 10**400, "nan", "inf", "", "LogisticRegression"]),
    st.text(max_size=8),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)
MUTATIONS = st.sampled_from(["replace", "delete", "nest", "duplicate_list", "coefficient"])


def _mutate(document, data) -> dict:
    document = copy.deepcopy(document)
    paths = [p for p in _paths(document) if p]
    for _ in range(data.draw(st.integers(1, 3))):
        path = data.draw(st.sampled_from(paths))
        parent = document
        try:
            for key in path[:-1]:
                parent = parent[key]
            key = path[-1]
            current = parent[key]
        except (KeyError, IndexError, TypeError):
            continue
        kind = data.draw(MUTATIONS)
        if kind == "replace":
            parent[key] = data.draw(WEIRD)
        elif kind == "delete":
            del parent[key]
        elif kind == "nest":
            parent[key] = [current] if data.draw(st.booleans()) else {"value": current}
        elif kind == "duplicate_list" and isinstance(current, list):
            current.extend(current[:2])
        elif isinstance(current, float):
            parent[key] = current * (1 + data.draw(st.floats(-1e-3, 1e-3)))
    return document


def _load(tmp_path_factory, text: str) -> None:
    path = tmp_path_factory.mktemp("case") / "m.json"
    path.write_text(text, encoding="utf-8")
    STATS["tried"] += 1
    try:
        model = logistica.load(path)
    except ModelFileError:
        STATS["refused"] += 1
        return
    STATS["loaded"] += 1
    assert hasattr(model, "predict_proba")


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_mutations_with_recomputed_checksum(documents, tmp_path_factory, data):
    """Resealed files exercise every check behind the checksum."""
    document = _mutate(data.draw(st.sampled_from(documents)), data)
    if isinstance(document, dict) and data.draw(st.integers(0, 9)) > 0:
        with contextlib.suppress(TypeError, ValueError):  # a value JSON cannot hold
            document["checksum"] = checksum(document)
    _load(tmp_path_factory, json.dumps(document))


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_mutations_keeping_the_old_checksum(documents, tmp_path_factory, data):
    document = data.draw(st.sampled_from(documents))
    mutated = _mutate(document, data)
    path = tmp_path_factory.mktemp("case") / "m.json"
    path.write_text(json.dumps(mutated))
    if mutated == document:
        return
    with pytest.raises(ModelFileError):
        logistica.load(path)
    STATS["tried"] += 1
    STATS["refused"] += 1


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_truncated_and_corrupted_bytes(documents, tmp_path_factory, data):
    text = json.dumps(data.draw(st.sampled_from(documents)), indent=1)
    cut = data.draw(st.integers(0, len(text)))
    if data.draw(st.booleans()):
        text = text[:cut]
    else:
        text = text[:cut] + data.draw(st.text(min_size=1, max_size=5)) + text[cut + 1 :]
    _load(tmp_path_factory, text)


def test_deep_nesting_and_huge_numbers(tmp_path, documents):
    for text in ["[" * 100_000 + "]" * 100_000, '{"a": ' + "9" * 5000 + "}"]:
        path = tmp_path / "deep.json"
        path.write_text(text)
        with pytest.raises(ModelFileError):
            logistica.load(path)
    document = copy.deepcopy(documents[2])
    document["model"]["estimator"]["coef"]["data"][0] = 1e308
    document["checksum"] = checksum(document)
    path.write_text(json.dumps(document))
    with pytest.raises(ModelFileError):
        logistica.load(path)


def test_report_counts():
    """Printed with ``pytest -s``: examples tried and their outcomes."""
    print(f"\nfuzz: {STATS}")
    assert np.isfinite(sum(STATS.values()))
