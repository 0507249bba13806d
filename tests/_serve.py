"""Helpers of the service tests: small model files and the real server as a subprocess."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import numpy as np
import pandas as pd

import logistica

ROWS = [
    {"age": 30.0, "city": "Paris", "member": True},
    {"age": None, "city": "Lyon", "member": None},
    {"age": 61.5, "city": "Rome", "member": False},
]


def table(n: int = 300, seed: int = 0) -> tuple[pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({
        "age": rng.normal(40, 10, n),
        "city": rng.choice(["Paris", "Lyon", "Nice"], n),
        "member": rng.choice([True, False], n),
    })  # fmt: skip
    frame.loc[::17, "age"] = np.nan
    signal = frame["age"].fillna(40) / 10 + (frame["city"] == "Paris") + rng.normal(0, 1, n)
    return frame, (signal > 5).astype(int).to_numpy()


def tabular_file(path: Path, *, version: str = "1", seed: int = 0, **params) -> Path:
    frame, y = table(seed=seed)
    model = logistica.TabularModel(**params).fit(frame, y)
    golden = frame.head(4) if params.get("handle_unknown") == "error" else None
    card = {"name": "churn", "version": version}
    return logistica.save(model, path, model_card=card, golden_rows=golden)


def array_file(path: Path, *, named: bool = False, classes: int = 2) -> Path:
    rng = np.random.default_rng(1)
    X = rng.normal(size=(200, 3))
    y = (X @ [1.0, -2.0, 0.5] + rng.normal(size=200) > 0).astype(int)
    if classes > 2:
        y = np.digitize(X @ [1.0, -2.0, 0.5], [-1.0, 1.0])
    data = pd.DataFrame(X, columns=["a", "b", "c"]) if named else X
    return logistica.save(logistica.LogisticRegression().fit(data, y), path)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """``logistica.serve.run`` in a subprocess on a free loopback port."""

    def __init__(self, model: Path, log: Path, **options) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        arguments = ", ".join(f"{k}={v!r}" for k, v in {"port": self.port, **options}.items())
        code = f"from logistica.serve import run; run({str(model)!r}, {arguments})"
        self.log = log
        self._log = open(log, "wb")  # noqa: SIM115 (closed in stop)
        self.process = subprocess.Popen([sys.executable, "-c", code], stderr=self._log,
                                        stdout=self._log, env={**os.environ})  # fmt: skip
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited: {log.read_text()[-2000:]}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{self.url}/health", timeout=1).status_code == 200:
                    return
            time.sleep(0.1)
        self.stop()
        raise RuntimeError("server did not start in 60 s")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self._log.close()
