"""Scale benchmark (issue 15): in memory vs fit_files vs Dask LocalCluster (2 workers) vs dask-ml.

Not a test. ``python -m benchmarks.bench_scale --rows 2000000`` runs the issue's
binary size (2M×100), ``--rows 1000000 --classes 10`` the multiclass one; the
defaults are reduced. Every fit of a run sees the same data on the same
(shared, noisy) machine, so the ratios of one run are what to compare; with
``--repeat N`` each fit is timed N times and the median is reported.

Reports, per method: time, ratio to the in-memory time of the same run,
relative objective gap to the in-memory optimum (scikit-learn's objective,
``Σ logloss + ½‖w‖²/C``), passes over the data, bytes scanned, graph
submissions. ``fit_files`` runs in a subprocess that measures its peak RSS
above the process's level before the fit (after a warm-up fit on one of the
files): the memory it needs beyond the interpreter and its libraries, to
compare with the data's size. A second in-memory row reads the same Parquet
files into NumPy first: what a user whose data are those files would run, and
the baseline that includes the decoding every out-of-core fit must pay once.
dask-ml runs when installed (``logistica[bench]``);
for each of its solvers the report gives its gap, and how many times faster
logistica's Dask fit is when logistica's gap is at most dask-ml's.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

_FILES_SCRIPT = """
import json, sys, time
import logistica
root, warm, batch = sys.argv[1], sys.argv[2], int(sys.argv[3])
repeat, C, spill = int(sys.argv[4]), float(sys.argv[5]), {"auto": None, "off": False}[sys.argv[6]]
def status(key):
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith(key)) * 1024
logistica.fit_files(warm, target="y", batch_size=batch, C=C, spill=spill)  # imports, pools
seconds, peaks = [], []
for _ in range(repeat):
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")  # VmHWM := VmRSS
    before = status("VmRSS")
    start = time.perf_counter()
    model = logistica.fit_files(root, target="y", batch_size=batch, C=C, spill=spill)
    seconds.append(time.perf_counter() - start)
    peaks.append(status("VmHWM") - before)
print(json.dumps({"seconds": seconds, "peak_rss_growth": peaks,
                  "coef": model.coef_.tolist(), "intercept": model.intercept_.tolist(),
                  **{k: model.fit_stats_[k] for k in ("passes", "bytes_scanned",
                                                       "spilled_bytes")},
                  "iterations": int(model.n_iter_[0])}))
"""


def _problem(rows: int, d: int, classes: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((rows, d))
    beta = rng.standard_normal((d, max(classes, 2) - 1 if classes > 2 else 1)) / np.sqrt(d)
    if classes == 2:
        y = (X @ beta[:, 0] + rng.logistic(size=rows) > 0).astype(np.int64)
    else:
        beta = rng.standard_normal((d, classes)) / np.sqrt(d)
        y = np.argmax(X @ beta + rng.gumbel(size=(rows, classes)), axis=1)
    return X, y


def _objective(coef, intercept, X, y, C: float) -> float:
    """``Σ logloss + ½‖w‖²/C`` of a linear model given by its coefficients."""
    coef = np.atleast_2d(np.asarray(coef, dtype=np.float64))
    intercept = np.atleast_1d(np.asarray(intercept, dtype=np.float64))
    total = 0.0
    for start in range(0, X.shape[0], 200_000):  # no n×K temporaries of the whole data
        raw = X[start : start + 200_000] @ coef.T + intercept
        labels = y[start : start + 200_000]
        if coef.shape[0] == 1:  # binary: log(1 + exp(-s·z)) with s = ±1
            total += np.logaddexp(0.0, -np.where(labels == 1, 1.0, -1.0) * raw[:, 0]).sum()
        else:
            top = raw.max(axis=1, keepdims=True)
            log_norm = np.log(np.exp(raw - top).sum(axis=1)) + top[:, 0]
            total += (log_norm - raw[np.arange(labels.size), labels]).sum()
    return float(total + 0.5 * np.sum(coef**2) / C)


class _Results(list):
    """Rows of the report, each also printed to stderr as it comes (runs are long)."""

    def append(self, row: dict) -> None:
        print(json.dumps(row, default=float), file=sys.stderr, flush=True)
        super().append(row)

    def extend(self, rows) -> None:
        for row in rows:
            self.append(row)


def _timed(fit, repeat: int):
    """``(result, median, seconds)``: the last result, the median and all ``repeat`` times."""
    seconds, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fit()
        seconds.append(time.perf_counter() - start)
    return result, statistics.median(seconds), seconds


def _fit_files(tmp: Path, batch: int, repeat: int, C: float, spill: str) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", _FILES_SCRIPT, str(tmp), str(tmp / "part0.parquet"),
         str(batch), str(repeat), str(C), spill],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return json.loads(out.stdout.strip().splitlines()[-1])


def run(
    rows: int, d: int, classes: int, batch: int, partitions: int, repeat: int = 1,
    dask_ml: bool = True, C: float = 1.0,
) -> list[dict]:  # fmt: skip
    import dask.array as da
    import pyarrow as pa
    import pyarrow.parquet as pq
    from distributed import Client, LocalCluster, wait

    import logistica
    from logistica.dask import LogisticRegression as DaskLR

    X, y = _problem(rows, d, classes)
    results = _Results()
    # warm-up (imports, cached numba kernels): first-call costs are not the fit's
    logistica.LogisticRegression(C=C).fit(X[:2000], y[:2000])
    memory, seconds, runs = _timed(lambda: logistica.LogisticRegression(C=C).fit(X, y), repeat)
    best = _objective(memory.coef_, memory.intercept_, X, y, C)
    results.append({"method": "in-memory", "seconds": seconds, "runs": runs,
                    "iterations": int(memory.n_iter_[0]), "gap": 0.0})  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        for i, rows_i in enumerate(np.array_split(np.arange(rows), 4)):
            table = pa.table({**{f"x{j}": X[rows_i, j] for j in range(d)}, "y": y[rows_i]})
            pq.write_table(table, Path(tmp) / f"part{i}.parquet", row_group_size=batch)
        # what a user whose data are these files runs in memory: read them, then fit
        _, seconds, runs = _timed(lambda: _read_and_fit(Path(tmp), C), repeat)
        results.append({"method": "in-memory, reading the files first", "seconds": seconds,
                        "runs": runs})  # fmt: skip
        # the default (decoded batches spilled to a temporary file after the first
        # decoding pass, as the data fit in memory here), then every pass decoding
        # the Parquet files, as when the decoded data exceed half the memory
        files = {spill: _fit_files(Path(tmp), batch, repeat, C, spill) for spill in ("auto", "off")}
    data_bytes = X.nbytes + y.nbytes
    labels = {"auto": "fit_files (spill file)", "off": "fit_files (decode each pass)"}
    for spill, label in labels.items():
        run = files[spill]
        results.append({
            "method": label, "seconds": statistics.median(run["seconds"]), "runs": run["seconds"],
            "gap": _gap(run["coef"], run["intercept"], X, y, C, best), "passes": run["passes"],
            "bytes_scanned": run["bytes_scanned"], "spilled_bytes": run["spilled_bytes"],
            "iterations": run["iterations"], "batch_bytes": batch * (d + 1) * 8,
            "data_bytes": data_bytes, "peak_rss_growth": max(run["peak_rss_growth"]),
        })  # fmt: skip
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=None) as cluster, Client(cluster):  # fmt: skip
        chunks = -(-rows // partitions)
        Xd, yd = da.from_array(X, chunks=(chunks, d)), da.from_array(y, chunks=chunks)
        # loading the data onto the workers is not the fit's cost: persist it first
        start = time.perf_counter()
        Xd, yd = Xd.persist(), yd.persist()
        wait([Xd, yd])
        load = time.perf_counter() - start
        DaskLR(C=C).fit(Xd[:2000], yd[:2000])  # warm-up of the workers
        distributed, seconds, runs = _timed(lambda: DaskLR(C=C).fit(Xd, yd), repeat)
        ours = _gap(distributed.coef_, distributed.intercept_, X, y, C, best)
        results.append({"method": "dask (2 workers)", "seconds": seconds, "runs": runs,
                        "gap": ours, "seconds_moving_X_to_workers": load,
                        **{k: distributed.fit_stats_[k] for k in
                           ("passes", "graph_submissions", "iterations")}})  # fmt: skip
        if dask_ml:
            results.extend(_dask_ml(Xd, yd, X, y, C, best, repeat, seconds, ours, classes))
    return results


def _read_and_fit(root: Path, C: float):
    """What a user with these files runs in memory: pandas reads them, then a fit."""
    import pandas as pd

    import logistica

    frame = pd.read_parquet(root)
    y = frame.pop("y").to_numpy()
    return logistica.LogisticRegression(C=C).fit(frame.to_numpy(), y)


def _gap(coef, intercept, X, y, C, best) -> float:
    return (_objective(coef, intercept, X, y, C) - best) / abs(best)


def _dask_ml(Xd, yd, X, y, C, best, repeat, ours_seconds, ours_gap, classes) -> list[dict]:
    try:
        from dask_ml.linear_model import LogisticRegression as DaskML
    except ImportError:
        return [{"method": "dask-ml", "skipped": 'not installed: pip install "logistica[bench]"'}]
    if classes > 2:
        return [{"method": "dask-ml", "skipped": "binary only (its multiclass is one-vs-rest "
                 "of a binary solver with no softmax objective to compare)"}]  # fmt: skip
    rows = []
    for solver in ("admm", "newton"):  # its default, and its Newton
        model, seconds, runs = _timed(lambda s=solver: DaskML(C=C, solver=s).fit(Xd, yd), repeat)
        gap = _gap(np.asarray(model.coef_), np.asarray(model.intercept_), X, y, C, best)
        row = {"method": f"dask-ml {solver}", "seconds": seconds, "runs": runs, "gap": gap}
        if ours_gap <= gap:
            row["logistica_dask_speedup"] = seconds / ours_seconds
        rows.append(row)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--features", type=int, default=100)
    parser.add_argument("--classes", type=int, default=2)
    parser.add_argument("--batch", type=int, default=65_536)
    parser.add_argument("--partitions", type=int, default=8)
    parser.add_argument("--repeat", type=int, default=1, help="report the median of N fits")
    parser.add_argument("--no-dask-ml", action="store_true", help="skip dask-ml")
    args = parser.parse_args()
    rows = run(args.rows, args.features, args.classes, args.batch, args.partitions,
               args.repeat, dask_ml=not args.no_dask_ml)  # fmt: skip
    base = rows[0]["seconds"]
    for row in rows:
        if "seconds" in row:
            row["ratio_to_in_memory"] = row["seconds"] / base
    print(json.dumps(rows, indent=2, default=float))


if __name__ == "__main__":
    main()
