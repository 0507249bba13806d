"""Load benchmark of the scoring service (not run in CI).

Serves one model file with ``logistica.serve.run`` on loopback (1 and 2
workers) and, for comparison, the same coefficients in a scikit-learn
``LogisticRegression`` behind a minimal hand-written FastAPI endpoint that
calls ``predict_proba`` (no validation, no metrics, no logs). An httpx async
client keeps ``--concurrency`` requests in flight for ``--duration`` seconds,
for single rows and for 1000-row batches, and reports throughput (requests/s,
rows/s), p50/p99 latency and errors, plus our overhead against the baseline.
The model: 8 numeric columns (a TabularModel, so inputs go through the
column schema, imputation and standardization). Targets on 2 cores:
single-row p99 < 10 ms at 500 requests/s; batches >= 200k rows/s; overhead
< 30%. Run with ``python benchmarks/bench_serve.py [--duration 10]``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import socket
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import httpx
import numpy as np
import pandas as pd

import logistica

COLUMNS = [f"f{j}" for j in range(8)]
BASELINE_APP = """
import numpy as np
from fastapi import FastAPI, Request
from fastapi.responses import Response
from sklearn.linear_model import LogisticRegression
import json

data = json.load(open({coef!r}))
model = LogisticRegression()
model.coef_ = np.array(data["coef"]); model.intercept_ = np.array(data["intercept"])
model.classes_ = np.array([0, 1]); model.n_features_in_ = model.coef_.shape[1]
mean, scale = np.array(data["mean"]), np.array(data["scale"])
app = FastAPI()

@app.post("/predict")
async def predict(request: Request):
    rows = json.loads(await request.body())
    X = (np.array([[r[c] for c in data["columns"]] for r in rows], dtype=float) - mean) / scale
    proba = model.predict_proba(X)
    return Response(json.dumps({{"proba": proba.tolist()}}), media_type="application/json")
"""


def make_model(folder: Path) -> tuple[Path, Path]:
    rng = np.random.default_rng(0)
    X = pd.DataFrame(rng.normal(size=(5000, len(COLUMNS))), columns=COLUMNS)
    y = (X.to_numpy() @ rng.normal(size=len(COLUMNS)) + rng.normal(size=5000) > 0).astype(int)
    model = logistica.TabularModel().fit(X, y)
    path = logistica.save(model, folder / "bench.json")
    linear = model.linear_model_
    steps = model.steps_
    coef = folder / "coef.json"
    coef.write_text(pd.Series({
        "coef": linear.coef_.tolist(), "intercept": linear.intercept_.tolist(),
        "mean": [s.mean for s in steps], "scale": [s.scale for s in steps], "columns": COLUMNS,
    }).to_json())  # fmt: skip
    return path, coef


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def server(command: list[str], port: int):
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while True:
            with contextlib.suppress(httpx.HTTPError):
                httpx.get(f"http://127.0.0.1:{port}/docs", timeout=1)
                break
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError(f"server did not start: {command}")
            time.sleep(0.2)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(20)


async def drive(url: str, body: bytes, duration: float, concurrency: int) -> dict:
    latencies, errors = [], 0
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    headers = {"content-type": "application/json"}
    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=30) as client:
        for _ in range(20):  # warm-up
            await client.post("/predict", content=body, headers=headers)
        stop = time.perf_counter() + duration

        async def worker():
            nonlocal errors
            while time.perf_counter() < stop:
                start = time.perf_counter()
                response = await client.post("/predict", content=body, headers=headers)
                latencies.append(time.perf_counter() - start)
                errors += response.status_code != 200

        begin = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.perf_counter() - begin
    ms = np.array(latencies) * 1e3
    return {"requests/s": len(ms) / elapsed, "p50 ms": np.percentile(ms, 50),
            "p99 ms": np.percentile(ms, 99), "errors": errors}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=10.0)
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp())
    model, coef = make_model(folder)
    (folder / "baseline_app.py").write_text(textwrap.dedent(BASELINE_APP.format(coef=str(coef))))
    rng = np.random.default_rng(1)

    def rows(n: int) -> list[dict]:
        return [dict(zip(COLUMNS, r, strict=True)) for r in rng.normal(size=(n, 8)).tolist()]

    batches = {"1 row": rows(1), "1000 rows": rows(1000)}
    results = []
    for workers in (1, 2):
        for name in ("logistica", "sklearn baseline"):
            port = free_port()
            if name == "logistica":
                code = f"from logistica.serve import run; run({str(model)!r}, port={port}, workers={workers})"  # noqa: E501
                command = [sys.executable, "-c", code]
            else:
                command = [sys.executable, "-m", "uvicorn", "baseline_app:app", "--app-dir",
                           str(folder), "--port", str(port), "--workers", str(workers),
                           "--log-level", "warning", "--no-access-log"]  # fmt: skip
            with server(command, port) as url:
                for size, batch in batches.items():
                    body = pd.io.json.ujson_dumps(batch).encode()
                    stats = asyncio.run(drive(url, body, args.duration, args.concurrency))
                    stats["rows/s"] = stats["requests/s"] * len(batch)
                    results.append({"server": name, "workers": workers, "batch": size, **stats})
    table = pd.DataFrame(results)
    with pd.option_context("display.width", 200, "display.precision", 1):
        print(table.to_string(index=False))
    ours = table[table.server == "logistica"].set_index(["workers", "batch"])["requests/s"]
    base = table[table.server != "logistica"].set_index(["workers", "batch"])["requests/s"]
    print("\nthroughput overhead vs baseline (1 - ours/baseline):")
    print((1 - ours / base).map("{:.0%}".format).to_string())


if __name__ == "__main__":
    main()
