"""Scale benchmark (issue 15): in memory vs fit_files vs Dask LocalCluster (2 workers).

Not a test. ``python -m benchmarks.bench_scale --rows 2000000`` runs the issue's
sizes (2M×100 binary, 1M×100 10-class); the defaults are reduced. Reports
time, the relative objective gap to the in-memory optimum, peak RSS of this
process (workers excluded), passes and graph submissions. dask-ml is run
when it is installed.
"""

from __future__ import annotations

import argparse
import json
import resource
import tempfile
import time
from pathlib import Path

import numpy as np


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


def _objective(model, X, y) -> float:
    proba = np.clip(model.predict_proba(X), 1e-300, None)
    codes = np.searchsorted(model.classes_, y)
    loss = -np.log(proba[np.arange(len(y)), codes]).sum()
    return float(loss + 0.5 * np.sum(model.coef_**2) / model.C)


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _timed(fit, repeat: int):
    """``(result, seconds)``: the fastest of ``repeat`` runs (the machine is shared)."""
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fit()
        best = min(best, time.perf_counter() - start)
    return result, best


def run(
    rows: int, d: int, classes: int, batch: int, partitions: int, repeat: int = 1
) -> list[dict]:
    import dask.array as da
    import pyarrow as pa
    import pyarrow.parquet as pq
    from distributed import Client, LocalCluster, wait

    import logistica
    from logistica.dask import LogisticRegression as DaskLR

    X, y = _problem(rows, d, classes)
    results = []
    # warm-up (imports, cached numba kernels): first-call costs are not the fit's
    logistica.LogisticRegression(C=1.0).fit(X[:2000], y[:2000])
    memory, seconds = _timed(lambda: logistica.LogisticRegression(C=1.0).fit(X, y), repeat)
    results.append({"method": "in-memory", "seconds": seconds})
    best = _objective(memory, X, y)
    models = {"in-memory": memory}
    with tempfile.TemporaryDirectory() as tmp:
        for i, rows_i in enumerate(np.array_split(np.arange(rows), 4)):
            table = pa.table({**{f"x{j}": X[rows_i, j] for j in range(d)}, "y": y[rows_i]})
            pq.write_table(table, Path(tmp) / f"part{i}.parquet", row_group_size=batch)
        logistica.fit_files(Path(tmp) / "part0.parquet", target="y", batch_size=1000)  # warm-up
        files, seconds = _timed(
            lambda: logistica.fit_files(tmp, target="y", batch_size=batch, C=1.0), repeat
        )
        stats = {k: files.fit_stats_[k] for k in ("passes", "bytes_scanned")}
        results.append({"method": "fit_files", "seconds": seconds, **stats})
        models["fit_files"] = files
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=None) as cluster, Client(cluster):  # fmt: skip
        chunks = -(-rows // partitions)
        Xd, yd = da.from_array(X, chunks=(chunks, d)), da.from_array(y, chunks=chunks)
        # loading the data onto the workers is not the fit's cost: persist it first
        start = time.perf_counter()
        Xd, yd = Xd.persist(), yd.persist()
        wait([Xd, yd])
        results.append({"method": "dask: moving X to the workers (not a fit)",
                        "seconds_load": time.perf_counter() - start})  # fmt: skip
        DaskLR(C=1.0).fit(Xd[:2000], yd[:2000])  # warm-up of the workers
        distributed, seconds = _timed(lambda: DaskLR(C=1.0).fit(Xd, yd), repeat)
        results.append({"method": "dask (2 workers)", "seconds": seconds,
                        **{k: distributed.fit_stats_[k] for k in
                           ("passes", "graph_submissions", "iterations")}})  # fmt: skip
        models["dask (2 workers)"] = distributed
        try:
            from dask_ml.linear_model import LogisticRegression as DaskML
        except ImportError:
            results.append({"method": "dask-ml", "skipped": "not installed"})
        else:
            for solver in ("admm", "newton"):
                start = time.perf_counter()
                DaskML(C=1.0, solver=solver).fit(Xd, yd)
                results.append({"method": f"dask-ml {solver}",
                                "seconds": time.perf_counter() - start})  # fmt: skip
    for row in results:
        model = models.get(row["method"])
        if model is not None:
            row["gap"] = (_objective(model, X, y) - best) / abs(best)
    results.append({"method": "peak RSS of this process (MB)", "value": _rss_mb()})
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--features", type=int, default=100)
    parser.add_argument("--classes", type=int, default=2)
    parser.add_argument("--batch", type=int, default=65_536)
    parser.add_argument("--partitions", type=int, default=8)
    parser.add_argument("--repeat", type=int, default=1, help="report the fastest of N fits")
    args = parser.parse_args()
    rows = run(args.rows, args.features, args.classes, args.batch, args.partitions, args.repeat)
    base = rows[0]["seconds"]
    for row in rows:
        if "seconds" in row:
            row["ratio_to_in_memory"] = row["seconds"] / base
    print(json.dumps(rows, indent=2, default=float))


if __name__ == "__main__":
    main()
