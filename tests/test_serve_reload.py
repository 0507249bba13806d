"""Hot reload of the real server: atomic under load, tampered files refused, SIGHUP."""

from __future__ import annotations

import json
import signal
import threading
import time
import warnings

import httpx
import numpy as np
import pandas as pd
import pytest

pytest.importorskip("fastapi")

import logistica
from _serve import ROWS, Server, tabular_file


@pytest.fixture
def server(tmp_path):
    path = tabular_file(tmp_path / "model.json", version="A", seed=0)
    server = Server(path, tmp_path / "server.log")
    yield server, path, tmp_path
    server.stop()


def proba_of(path):
    frame = pd.DataFrame(ROWS).astype({"age": float})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return logistica.load(path).predict_proba(frame)[:, 1]


def test_reload_under_concurrent_requests_is_atomic(server):
    srv, path, folder = server
    expected = {"A": proba_of(path)}
    other = tabular_file(folder / "b.json", version="B", seed=1)
    expected["B"] = proba_of(other)
    assert not np.allclose(expected["A"], expected["B"])
    failures, seen, stop = [], [], threading.Event()

    def hammer():
        with httpx.Client(base_url=srv.url, timeout=10) as client:
            while not stop.is_set():
                response = client.post("/predict?outputs=proba", json=ROWS)
                if response.status_code != 200:
                    failures.append(response.text)
                    continue
                body = response.json()
                version = body["model"]["version"]
                got = [p["proba"]["1"] for p in body["predictions"]]
                header = response.headers["x-model-version"]
                if header != version or not np.allclose(got, expected[version], rtol=1e-12):
                    failures.append(f"mixed response: {version} {header} {got}")
                seen.append(version)

    threads = [threading.Thread(target=hammer) for _ in range(4)]
    for thread in threads:
        thread.start()
    with httpx.Client(base_url=srv.url, timeout=30) as admin:
        for target in ("B", "A", "B"):
            time.sleep(0.3)
            logistica.save(logistica.load(folder / "b.json" if target == "B" else
                           tabular_file(folder / "a.json", version="A", seed=0)), path,
                           model_card={"name": "churn", "version": target})  # fmt: skip
            reply = admin.post("/admin/reload")
            assert reply.status_code == 200 and reply.json()["model"]["version"] == target
        time.sleep(0.3)
    stop.set()
    for thread in threads:
        thread.join()
    assert not failures, failures[:3]
    assert {"A", "B"} <= set(seen)


def test_tampered_or_broken_file_keeps_the_old_model(server):
    srv, path, _ = server
    document = json.loads(path.read_text())
    checksum = httpx.get(f"{srv.url}/model").json()["checksum"]
    document["model"]["params"]["threshold"] = 0.99  # edited after saving: checksum mismatch
    path.write_text(json.dumps(document))
    reply = httpx.post(f"{srv.url}/admin/reload")
    assert reply.status_code == 422 and "checksum" in reply.json()["error"]
    path.write_text('{"format": "logistica.model", ')  # truncated
    assert httpx.post(f"{srv.url}/admin/reload").status_code == 422
    assert httpx.get(f"{srv.url}/model").json()["checksum"] == checksum
    assert httpx.post(f"{srv.url}/predict", json=ROWS).status_code == 200
    metrics = httpx.get(f"{srv.url}/metrics").text
    assert 'logistica_reloads_total{outcome="refused"} 2.0' in metrics


def test_sighup_reloads(server):
    srv, path, _ = server
    tabular_file(path, version="C", seed=2)
    srv.process.send_signal(signal.SIGHUP)
    deadline = time.monotonic() + 20
    while httpx.get(f"{srv.url}/model").json()["version"] != "C":
        assert time.monotonic() < deadline, "SIGHUP did not reload the model"
        time.sleep(0.1)
