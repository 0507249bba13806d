"""Load benchmark of the scoring service (not run in CI).

Serves one model file with ``logistica.serve.run`` on loopback (1 and 2
workers) and, side by side, the same coefficients in a scikit-learn
``LogisticRegression`` behind a minimal hand-written FastAPI endpoint (orjson in,
``predict_proba``, orjson out: no validation, no metrics, no logs), under the
same uvicorn. The model: 8 numeric columns in a ``TabularModel`` (so inputs go
through the column schema, imputation and standardization). Both JSON forms are
sent: records (``[{column: value}]``) and columns (``{"columns", "data"}``).

Two loads, from a light asyncio HTTP/1.1 client over keep-alive connections
(the bodies encoded once; the client takes little of the 2 cores):

- **single rows, open loop**: requests start at a fixed rate (``--rate``,
  500/s) for ``--duration`` seconds whether or not earlier ones have finished
  (new connections open when all are busy), and latency counts from the
  scheduled start, so a stalled server shows as latency instead of fewer
  requests (no coordinated omission);
- **1000-row batches, closed loop**: ``--concurrency`` connections each send a
  batch as soon as the previous one is answered, for ``--duration`` seconds.

Reported per server, workers, form and load: achieved requests/s and rows/s,
p50/p99/max latency, errors (non-200 or failed requests) and the server's CPU
time per request (its processes' user + system time over the run, from
``/proc``: the measure least disturbed by other load on the machine), the
share of one core that this is at the achieved rate, and the machine's load
average (other processes compete for the same 2 cores). Then our
cost relative to the bare endpoint measured in the same run: batch throughput,
CPU per request and single-row latency, as ratios. Targets on 2 cores:
single-row p99 < 10 ms at 500 requests/s with 0 errors; batches >= 200k rows/s;
overhead < 30% (ours/bare <= 1.3 in CPU per request, >= 0.77 in throughput).

Run with ``python benchmarks/bench_serve.py [--duration 10] [--rate 500]
[--concurrency 4] [--workers 1 2] [--json results.json]``.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import contextlib
import gc
import json
import os
import socket
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import numpy as np
import orjson
import pandas as pd

import logistica

COLUMNS = [f"f{j}" for j in range(8)]
HOST = "127.0.0.1"
BASELINE_APP = """
import numpy as np
import orjson
from fastapi import FastAPI, Request
from fastapi.responses import Response
from sklearn.linear_model import LogisticRegression

data = orjson.loads(open({coef!r}, "rb").read())
columns = data["columns"]
model = LogisticRegression()
model.coef_ = np.array(data["coef"]); model.intercept_ = np.array(data["intercept"])
model.classes_ = np.array([0, 1]); model.n_features_in_ = model.coef_.shape[1]
mean, scale = np.array(data["mean"]), np.array(data["scale"])
app = FastAPI()

@app.post("/predict")
async def predict(request: Request):
    body = orjson.loads(await request.body())
    if isinstance(body, dict):
        order = [body["columns"].index(c) for c in columns]
        X = np.array(body["data"], dtype=float)[:, order]
    else:
        X = np.array([[row[c] for c in columns] for row in body], dtype=float)
    proba = model.predict_proba((X - mean) / scale)
    return Response(orjson.dumps({{"proba": proba.tolist()}}), media_type="application/json")
"""


def make_model(folder: Path) -> tuple[Path, Path]:
    """The model file, and its coefficients and scaling for the baseline app."""
    rng = np.random.default_rng(0)
    X = pd.DataFrame(rng.normal(size=(5000, len(COLUMNS))), columns=COLUMNS)
    y = (X.to_numpy() @ rng.normal(size=len(COLUMNS)) + rng.normal(size=5000) > 0).astype(int)
    model = logistica.TabularModel().fit(X, y)
    path = logistica.save(model, folder / "bench.json")
    linear, steps = model.linear_model_, model.steps_
    coef = folder / "coef.json"
    coef.write_bytes(orjson.dumps({
        "coef": linear.coef_.tolist(), "intercept": linear.intercept_.tolist(),
        "mean": [s.mean for s in steps], "scale": [s.scale for s in steps], "columns": COLUMNS,
    }))  # fmt: skip
    return path, coef


def bodies(n_rows: int, seed: int) -> dict[str, bytes]:
    """A batch of ``n_rows`` rows in both JSON forms."""
    values = np.random.default_rng(seed).normal(size=(n_rows, len(COLUMNS))).tolist()
    return {"records": orjson.dumps([dict(zip(COLUMNS, row, strict=True)) for row in values]),
            "columns": orjson.dumps({"columns": COLUMNS, "data": values})}  # fmt: skip


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process and its descendants (Linux ``/proc``; else NaN)."""
    try:
        stats = {}
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                with contextlib.suppress(OSError), open(f"/proc/{entry}/stat") as file:
                    fields = file.read().rpartition(")")[2].split()
                    stats[int(entry)] = (int(fields[1]), int(fields[11]) + int(fields[12]))
    except OSError:
        return float("nan")
    family, grew = {pid}, True
    while grew:
        grown = family | {p for p, (parent, _) in stats.items() if parent in family}
        grew, family = grown != family, grown
    return sum(stats[p][1] for p in family if p in stats) / os.sysconf("SC_CLK_TCK")


@contextlib.contextmanager
def server(command: list[str], port: int, cwd: Path | None = None):
    """Run a server command until it answers on ``port``; stop it on exit."""
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while True:
            with contextlib.suppress(OSError), socket.create_connection((HOST, port), 1):
                break
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError(f"server did not start: {command}")
            time.sleep(0.2)
        yield process
    finally:
        process.terminate()
        process.wait(30)


class Connection:
    """One keep-alive HTTP/1.1 connection sending one prepared request at a time."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer

    @classmethod
    async def open(cls, port: int) -> Connection:
        return cls(*await asyncio.open_connection(HOST, port, limit=2**22))

    async def send(self, request: bytes) -> int:
        """Send the request and read the whole response; its status."""
        self.writer.write(request)
        head = await self.reader.readuntil(b"\r\n\r\n")
        start = head.lower().index(b"content-length:") + 15
        length = int(head[start : head.index(b"\r\n", start)])
        await self.reader.readexactly(length)
        return int(head[9:12])

    def close(self) -> None:
        self.writer.close()


def http_request(body: bytes) -> bytes:
    head = (f"POST /predict HTTP/1.1\r\nHost: {HOST}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n")  # fmt: skip
    return head.encode() + body


class Load:
    """Latencies and errors of the requests of one run, over at most ``connections``."""

    def __init__(self, port: int, request: bytes, connections: int = 64) -> None:
        self.port, self.request = port, request
        self.idle: asyncio.Queue[Connection] = asyncio.Queue()
        self.opened, self.connections = 0, connections
        self.latencies: list[float] = []
        self.errors: collections.Counter = collections.Counter()  # status or exception
        self.last = 0.0

    async def connection(self) -> Connection:
        """An idle connection, a new one, or (all ``connections`` busy) the next freed."""
        if self.idle.empty() and self.opened < self.connections:
            self.opened += 1
            return await Connection.open(self.port)
        return await self.idle.get()

    async def one(self, start: float) -> None:
        """One request; latency counted from ``start`` (its scheduled time)."""
        loop = asyncio.get_running_loop()
        connection = None
        try:
            connection = await asyncio.wait_for(self.connection(), 10.0)
            status = await asyncio.wait_for(connection.send(self.request), 10.0)
        except (OSError, asyncio.TimeoutError, asyncio.IncompleteReadError, ValueError) as error:
            self.errors[type(error).__name__] += 1
            self.opened -= 1
            if connection is not None:
                connection.close()
            return
        self.last = loop.time()
        self.latencies.append(self.last - start)
        self.idle.put_nowait(connection)
        if status != 200:
            self.errors[status] += 1

    async def fixed_rate(self, rate: float, duration: float) -> float:
        """Start ``rate`` requests per second for ``duration`` s (open loop); elapsed time."""
        loop = asyncio.get_running_loop()
        begin = loop.time() + 0.01
        tasks = []
        for i in range(round(rate * duration)):
            scheduled = begin + i / rate
            delay = scheduled - loop.time()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.ensure_future(self.one(scheduled)))
        await asyncio.gather(*tasks)
        return self.last - begin

    async def closed_loop(self, concurrency: int, duration: float) -> float:
        """``concurrency`` connections each sending back to back for ``duration`` s."""
        loop = asyncio.get_running_loop()
        begin = loop.time()
        stop = begin + duration

        async def sender() -> None:
            while loop.time() < stop:
                await self.one(loop.time())

        await asyncio.gather(*(sender() for _ in range(concurrency)))
        return self.last - begin

    def close(self) -> None:
        while not self.idle.empty():
            self.idle.get_nowait().close()


async def measure(port: int, pid: int, body: bytes, rows: int, args, open_loop: bool) -> dict:
    """Warm up, then one run; throughput, latency percentiles, errors, server CPU."""
    request = http_request(body)
    warm = Load(port, request)
    await warm.closed_loop(2, 1.0)
    warm.close()
    load = Load(port, request)
    if open_loop:  # connections ready before the clock starts
        for _ in range(8):
            load.idle.put_nowait(await Connection.open(load.port))
        load.opened = 8
    # The client's own garbage collector paused it for ~0.2 s once per run (a full
    # collection of a heap holding numpy, pandas and logistica): off while timing.
    gc.collect()
    gc.freeze()
    gc.disable()
    cpu, client = cpu_seconds(pid), time.process_time()
    try:
        if open_loop:
            elapsed = await load.fixed_rate(args.rate, args.duration)
        else:
            elapsed = await load.closed_loop(args.concurrency, args.duration)
    finally:
        gc.enable()
        gc.unfreeze()
    cpu, client = cpu_seconds(pid) - cpu, time.process_time() - client
    load.close()
    ms = np.array(load.latencies) * 1e3
    done = max(len(ms), 1)
    return {
        "requests/s": len(ms) / elapsed, "rows/s": len(ms) * rows / elapsed,
        "p50 ms": np.percentile(ms, 50), "p99 ms": np.percentile(ms, 99), "max ms": ms.max(),
        "errors": load.errors.total(), "error kinds": dict(load.errors),
        "server CPU ms/req": cpu / done * 1e3, "server CPU %": 100 * cpu / elapsed,
        "client CPU ms/req": client / done * 1e3, "load avg": os.getloadavg()[0],
    }  # fmt: skip


def commands(name: str, model: Path, folder: Path, port: int, workers: int) -> list[str]:
    if name == "logistica":
        call = f"run({str(model)!r}, port={port}, workers={workers})"
        code = f"from logistica.serve import run; {call}"
        return [sys.executable, "-c", code]
    return [sys.executable, "-m", "uvicorn", "baseline_app:app", "--app-dir", str(folder),
            "--host", HOST, "--port", str(port), "--workers", str(workers),
            "--log-level", "warning", "--no-access-log"]  # fmt: skip


def ratios(table: pd.DataFrame) -> pd.DataFrame:
    """Ours relative to the bare endpoint, same workers, load and form."""
    keys = ["workers", "load", "form"]
    ours = table[table.server == "logistica"].set_index(keys)
    bare = table[table.server == "bare"].set_index(keys)
    return pd.DataFrame({
        "throughput ours/bare": ours["rows/s"] / bare["rows/s"],
        "CPU/req ours/bare": ours["server CPU ms/req"] / bare["server CPU ms/req"],
        "p50 ours/bare": ours["p50 ms"] / bare["p50 ms"],
        "p99 ours/bare": ours["p99 ms"] / bare["p99 ms"],
    })  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per run")
    parser.add_argument("--rate", type=float, default=500.0, help="single rows: requests/s")
    parser.add_argument("--concurrency", type=int, default=4, help="batches: connections")
    parser.add_argument("--batch", type=int, default=1000, help="rows per batch")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp())
    model, coef = make_model(folder)
    (folder / "baseline_app.py").write_text(textwrap.dedent(BASELINE_APP.format(coef=str(coef))))
    loads = {"1 row @ rate": (1, bodies(1, 1), True),
             f"{args.batch} rows": (args.batch, bodies(args.batch, 2), False)}  # fmt: skip
    results = []
    for workers in args.workers:
        for name in ("logistica", "bare"):
            port = free_port()
            with server(commands(name, model, folder, port, workers), port, folder) as process:
                for load, (rows, forms, open_loop) in loads.items():
                    for form, body in forms.items():
                        stats = asyncio.run(measure(port, process.pid, body, rows, args,
                                                    open_loop))  # fmt: skip
                        results.append({"server": name, "workers": workers, "load": load,
                                        "form": form, **stats})  # fmt: skip
                        print(results[-1], file=sys.stderr)
    table = pd.DataFrame(results).drop(columns="error kinds")
    with pd.option_context("display.width", 250, "display.precision", 2):
        print(table.to_string(index=False))
        print("\nlogistica relative to the bare scikit-learn endpoint (same run):")
        print(ratios(table).to_string())
    if args.json:
        args.json.write_text(json.dumps(results, indent=1, default=float))


if __name__ == "__main__":
    main()
