"""The scoring service against a real server: predictions, validation, auth, metrics, logs."""

from __future__ import annotations

import json
import warnings

import httpx
import numpy as np
import pandas as pd
import pytest

pytest.importorskip("fastapi")

import logistica
from _serve import ROWS, Server, array_file, tabular_file

KEY = "s3cret-key-value"
AUTH = {"Authorization": f"Bearer {KEY}"}


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    folder = tmp_path_factory.mktemp("serve")
    path = tabular_file(folder / "churn.json", threshold=0.3)
    key = folder / "key"
    key.write_text(f"old-key-kept-for-rotation\n\n{KEY}\n")
    server = Server(path, folder / "server.log", api_key_file=str(key), max_batch=50,
                    max_body_mb=0.01)  # fmt: skip
    client = httpx.Client(base_url=server.url, headers=AUTH, timeout=10)
    yield server, client, logistica.load(path)
    client.close()
    server.stop()


def expected(model, rows):
    frame = pd.DataFrame(rows).astype({"age": float})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return model.predict_proba(frame), model.predict(frame), model.decision_function(frame)


def test_predict_records_equal_python_api(served):
    _, client, model = served
    response = client.post("/predict", params={"outputs": ["label", "proba", "margin",
                                                            "decision"]}, json=ROWS)  # fmt: skip
    assert response.status_code == 200
    body = response.json()
    proba, decision, margin = expected(model, ROWS)
    got = np.array([[p["proba"]["0"], p["proba"]["1"]] for p in body["predictions"]])
    np.testing.assert_allclose(got, proba, rtol=1e-12)
    assert [p["decision"] for p in body["predictions"]] == decision.tolist()
    assert [p["label"] for p in body["predictions"]] == proba.argmax(axis=1).tolist()
    np.testing.assert_allclose([p["margin"] for p in body["predictions"]], margin, rtol=1e-12)
    assert body["warnings"]["unseen_levels"] == {"city": 1}
    assert body["model"]["version"] == "1" and body["model"]["checksum"].startswith("sha256:")
    assert response.headers["x-model-version"] == "1"
    assert response.headers["x-model-checksum"] == body["model"]["checksum"]


def test_predict_columns_outputs_and_explain(served):
    _, client, model = served
    columnar = {"columns": list(ROWS[0]), "data": [list(r.values()) for r in ROWS]}
    body = client.post("/predict?outputs=proba&explain=2", json=columnar).json()
    proba, _, _ = expected(model, ROWS)
    assert set(body["predictions"][0]) == {"proba", "explanation"}
    np.testing.assert_allclose([p["proba"]["1"] for p in body["predictions"]], proba[:, 1])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        top = model.explain(pd.DataFrame(ROWS).astype({"age": float}), 2)
    assert [[e["column"] for e in p["explanation"]] for p in body["predictions"]] == [
        [name for name, _ in row] for row in top
    ]


def test_open_inference_protocol(served):
    _, client, model = served
    assert client.get("/v2/health/live").json() == {"live": True}
    assert client.get("/v2/models/churn/ready").json() == {"name": "churn", "ready": True}
    meta = client.get("/v2/models/churn").json()
    assert [t["datatype"] for t in meta["inputs"]] == ["FP64", "BYTES", "BOOL"]
    tensors = {"inputs": [
        {"name": "age", "shape": [3], "datatype": "FP64", "data": [r["age"] for r in ROWS]},
        {"name": "city", "shape": [3, 1], "datatype": "BYTES", "data": [[r["city"]] for r in ROWS]},
        {"name": "member", "shape": [3], "datatype": "BOOL", "data": [r["member"] for r in ROWS]},
    ], "outputs": [{"name": "proba"}, {"name": "decision"}]}  # fmt: skip
    response = client.post("/v2/models/churn/versions/1/infer", json=tensors)
    assert response.status_code == 200, response.text
    body = response.json()
    proba, decision, _ = expected(model, ROWS)
    assert body["model_version"] == "1" and [o["name"] for o in body["outputs"]] == [
        "proba",
        "decision",
    ]
    assert body["outputs"][0]["shape"] == [3, 2]
    np.testing.assert_allclose(np.reshape(body["outputs"][0]["data"], (3, 2)), proba)
    assert body["outputs"][1]["data"] == decision.tolist()
    assert client.post("/v2/models/other/infer", json=tensors).status_code == 404
    tensors["inputs"][1]["datatype"] = "FP64"
    bad = client.post("/v2/models/churn/infer", json=tensors)
    assert bad.status_code == 422 and "city" in bad.json()["error"]


GOOD = {"age": 30.0, "city": "Paris", "member": True}
BAD_BODIES = [
    ("missing column", [{"age": 1.0, "city": "Paris"}], 422, ["row 0", "'member'", "missing"]),
    ("extra column", [{**GOOD, "zip": 1}], 422, ["row 0", "'zip'", "unexpected"]),
    ("string for number", [GOOD, {**GOOD, "age": "30"}], 422, ["row 1", "'age'"]),
    ("wrong type", [{**GOOD, "member": "yes"}], 422, ["row 0", "'member'"]),
    ("number for category", [{**GOOD, "city": 75}], 422, ["row 0", "'city'"]),
    ("NaN", '[{"age": NaN, "city": "Paris", "member": true}]', 422, ["row 0", "'age'", "finite"]),
    ("inf", '[{"age": -Infinity, "city": "a", "member": true}]', 422, ["row 0", "'age'"]),
    ("row not object", [GOOD, 3], 422, ["row 1"]),
    ("columns missing", {"columns": ["age"], "data": [[1.0]]}, 422, ["'city'", "missing"]),
    ("columns ragged", {"columns": list(GOOD), "data": [[1.0, "a"]]}, 422, ["row 0"]),
    ("columns cell", {"columns": list(GOOD), "data": [[1.0, "a", 2]]}, 422, ["row 0", "'member'"]),
    ("empty", [], 422, ["no rows"]),
    ("not a table", '"rows"', 422, ["JSON array"]),
    ("malformed JSON", '[{"age": 1', 400, ["malformed JSON"]),
    ("batch too large", [GOOD] * 51, 413, ["max_batch=50"]),
    ("body too large", [{**GOOD, "city": "x" * 20000}], 413, ["limit"]),
]


@pytest.mark.parametrize("name, body, status, words", BAD_BODIES, ids=[b[0] for b in BAD_BODIES])
def test_bad_input_gets_its_4xx(served, name, body, status, words):
    _, client, _ = served
    content = body if isinstance(body, str) else json.dumps(body)
    response = client.post("/predict", content=content,
                           headers={"content-type": "application/json"})  # fmt: skip
    assert response.status_code == status, response.text
    error = response.json()["error"]
    for word in words:
        assert word in error, error


def test_bad_query_parameters(served):
    _, client, _ = served
    assert client.post("/predict?explain=-1", json=ROWS).status_code == 422
    assert client.post("/predict?outputs=score", json=ROWS).status_code == 422


def test_unseen_level_refused_under_error_policy(tmp_path):
    from fastapi.testclient import TestClient

    from logistica.serve import create_app

    client = TestClient(create_app(tabular_file(tmp_path / "m.json", handle_unknown="error")))
    response = client.post("/predict", json=[GOOD, {**GOOD, "city": "Rome"}])
    assert response.status_code == 422
    assert "row 1" in response.json()["error"] and "'Paris'" in response.json()["error"]
    assert client.post("/predict", json=[{**GOOD, "city": None}]).status_code == 422


@pytest.mark.parametrize("named", [False, True])
def test_plain_logistic_regression(tmp_path, named):
    from fastapi.testclient import TestClient

    from logistica.serve import create_app

    path = array_file(tmp_path / "lr.json", named=named)
    names = ["a", "b", "c"] if named else ["x0", "x1", "x2"]
    client = TestClient(create_app(path))
    rows = [dict(zip(names, r, strict=True)) for r in [[0.1, -1.0, 2.0], [1.0, 1.0, 1.0]]]
    body = client.post("/predict?explain=1", json=rows).json()
    model = logistica.load(path)
    X = pd.DataFrame([list(r.values()) for r in rows], columns=names) if named else np.array(
        [list(r.values()) for r in rows]
    )  # fmt: skip
    np.testing.assert_allclose([p["proba"]["1"] for p in body["predictions"]],
                               model.predict_proba(X)[:, 1], rtol=1e-12)  # fmt: skip
    assert body["predictions"][0]["explanation"][0]["column"] in names
    assert client.post("/predict", json=[{**rows[0], names[0]: None}]).status_code == 422
    columns = client.get("/model").json()["columns"]
    assert [c["name"] for c in columns] == names


def test_multiclass_margins(tmp_path):
    from fastapi.testclient import TestClient

    from logistica.serve import create_app

    path = array_file(tmp_path / "mc.json", classes=3)
    client = TestClient(create_app(path))
    rows = [{"x0": 0.1, "x1": -1.0, "x2": 2.0}]
    body = client.post("/predict?outputs=margin&outputs=label", json=rows).json()
    assert len(body["predictions"][0]["margin"]) == 3 and body["classes"] == [0, 1, 2]
    infer = {"inputs": [{"name": n, "shape": [1], "datatype": "FP32", "data": [v]}
                        for n, v in rows[0].items()]}  # fmt: skip
    outputs = client.post(f"/v2/models/{path.stem}/infer", json=infer).json()["outputs"]
    assert {o["name"]: o["shape"] for o in outputs}["margin"] == [1, 3]


def test_auth_refuses_missing_and_wrong_keys(served):
    server, _, _ = served
    url = server.url
    assert httpx.post(f"{url}/predict", json=ROWS).status_code == 401
    wrong = httpx.post(f"{url}/predict", json=ROWS, headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401 and wrong.headers["www-authenticate"] == "Bearer"
    assert httpx.post(f"{url}/predict", json=ROWS, headers={"X-API-Key": "nope"}).status_code == 401
    assert httpx.post(f"{url}/predict", json=ROWS, headers={"X-API-Key": KEY}).status_code == 200
    other = {"X-API-Key": "old-key-kept-for-rotation"}
    assert httpx.post(f"{url}/predict", json=ROWS, headers=other).status_code == 200
    for path in ("/model", "/metrics", "/v2/models/churn"):
        assert httpx.get(f"{url}{path}").status_code == 401
    assert httpx.post(f"{url}/admin/reload").status_code == 401
    for path in ("/health", "/ready", "/v2/health/live", "/v2/health/ready", "/openapi.json"):
        assert httpx.get(f"{url}{path}").status_code == 200


def test_model_metrics_and_logs(served):
    server, client, _ = served
    client.post("/predict", json=ROWS, headers={"X-Request-ID": "req-42"})
    info = client.get("/model").json()
    assert info["decision"] == {"threshold": 0.3, "cost_matrix": None}
    assert info["columns"][1]["categories"] == ["Lyon", "Nice", "Paris"]
    assert info["format_version"] == "1.0" and info["classes"] == [0, 1]
    text = client.get("/metrics").text
    for line in ('logistica_requests_total{endpoint="/predict",method="POST",status="200"}',
                 'logistica_unseen_levels_total{column="city"}', "logistica_rows_scored_total",
                 'logistica_model_info{checksum="', 'logistica_predicted_class_total{class="',
                 'logistica_predicted_probability_bucket{class="1",le="0.5"}',
                 'logistica_request_duration_seconds_bucket{endpoint="/predict"'):  # fmt: skip
        assert line in text, line
    lines = [json.loads(x) for x in server.log.read_text().splitlines() if x.startswith("{")]
    access = [x for x in lines if x.get("request_id") == "req-42"]
    assert access and access[0]["rows"] == 3 and access[0]["status"] == 200
    assert access[0]["latency_ms"] > 0
    assert KEY not in server.log.read_text()


def test_openapi_describes_the_model(served):
    _, client, _ = served
    document = client.get("/openapi.json").json()
    body = document["paths"]["/predict"]["post"]["requestBody"]["content"]["application/json"]
    assert body["examples"]["records"]["value"][0]["city"] == "Lyon"
    record = document["components"]["schemas"]["Record"]
    assert record["required"] == ["age", "city", "member"]
    assert document["components"]["schemas"]["PredictRecords"]["maxItems"] == 50
    assert "413" in document["paths"]["/predict"]["post"]["responses"]
