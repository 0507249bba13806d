"""One contender, one problem, in a fresh process: ``python -m benchmarks._worker JOB.json``.

Loads the data (already in the contender's layout, so no conversion is measured), fits a
small slice once untimed (imports, compiled kernels), then resets the resident-set
high-water mark and runs ``repeat`` timed fits. Extra peak memory = high-water mark minus
the RSS after loading and warming up.

Why not ``getrusage(RUSAGE_SELF).ru_maxrss`` alone: Linux carries the *parent's* high-water
mark into a child across fork/exec, so a child of a parent holding 1 GB reports ≥ 1 GB
whatever it does, and it cannot be reset after the warm-up. Where ``/proc/self/clear_refs``
is available we reset ``VmHWM`` (the same quantity, per address space) and read it; the
``ru_maxrss`` figure is reported alongside.
"""

from __future__ import annotations

import contextlib
import json
import resource
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from . import contenders
from .problems import Spec


def _status_kb(key: str) -> int | None:
    try:
        text = Path("/proc/self/status").read_text()
    except OSError:
        return None
    for line in text.splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1])
    return None


def _reset_high_water() -> bool:
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def load(directory: Path, layout: str, sparse: bool, as_float64: bool = False):
    """X (in ``layout``) and y as written by ``benchmarks.run.write_data``."""
    y = np.load(directory / "y.npy")
    if sparse:
        X = sp.load_npz(directory / ("X_csc.npz" if layout == "F" else "X_csr.npz"))
    else:
        X = np.load(directory / ("X_F.npy" if layout == "F" else "X.npy"))
    if as_float64 and X.dtype != np.float64:
        X = X.astype(np.float64)
    return X, y


def nbytes(X) -> int:
    if sp.issparse(X):
        return int(X.data.nbytes + X.indices.nbytes + X.indptr.nbytes)
    return int(X.nbytes)


def _warmup_rows(y: np.ndarray, size: int = 60_000) -> np.ndarray:
    """The first ``size`` rows plus the first row of every class (all classes present).

    Large enough for logistica's compiled kernels (used from 50k entries on; smaller
    inputs take NumPy), so the timed fits do not pay numba's one-off loading.
    """
    _, first = np.unique(y, return_index=True)
    return np.union1d(np.arange(min(size, len(y))), first)


def run(job: dict) -> dict:
    spec = Spec(**job["spec"])
    contender = contenders.get(job["contender"])
    tol, max_iter = contender.tols[job["setting"]]
    X, y = load(Path(job["data"]), contender.layout, spec.sparse, job.get("as_float64", False))
    warnings.simplefilter("ignore")
    if job.get("warmup", True):
        rows = _warmup_rows(y)
        X_small = X[rows] if sp.issparse(X) else np.asarray(X[rows], order="K")
        with contextlib.suppress(Exception):  # a failure shows again, with its message, below
            contender.fit(X_small, y[rows], spec, tol, max_iter)
        del X_small
    reset = _reset_high_water()
    baseline_kb = _status_kb("VmRSS") or 0
    times, result = [], None
    for _ in range(job["repeat"]):
        start = time.perf_counter()
        result = contender.fit(X, y, spec, tol, max_iter)
        times.append(time.perf_counter() - start)
    peak_kb = _status_kb("VmHWM") if reset else None
    maxrss_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    x_bytes = nbytes(X)
    se = {} if result.se is None else {"se": result.se}
    np.savez(job["out"], coef=result.coef, intercept=result.intercept, **se)
    extra = ((peak_kb if peak_kb is not None else maxrss_kb) - baseline_kb) * 1024
    return {
        "times": times,
        "seconds": float(np.median(times)),
        "n_iter": int(result.n_iter),
        "note": result.note,
        "x_bytes": x_bytes,
        "extra_memory": max(extra, 0) / x_bytes,
        "memory_method": "VmHWM reset after warm-up" if peak_kb is not None else "ru_maxrss",
        "ru_maxrss_minus_baseline": max(maxrss_kb - baseline_kb, 0) * 1024 / x_bytes,
        "tol": tol,
        "max_iter": max_iter,
    }


def main() -> None:
    job = json.loads(Path(sys.argv[1]).read_text())
    try:
        out = run(job)
    except Exception as error:  # reported as a row, never a crash of the whole run
        out = {"error": f"{type(error).__name__}: {error}"}
    print("@@RESULT " + json.dumps(out))


if __name__ == "__main__":
    main()
