"""Cold start: ``import`` + first fit of a small problem, logistica vs scikit-learn.

Each measurement is a fresh interpreter. NumPy is imported before the clock starts (both
sides need it). logistica runs with ``NUMBA_CACHE_DIR`` pointed at a fresh temporary
directory (empty cache: every compiled kernel is compiled) and again on the same directory
(warm cache: kernels are loaded). ``python -m benchmarks.coldstart`` prints the table.

Both packages are measured as installed from a wheel: byte-compiled. pip compiles
scikit-learn's modules when it installs them; an editable checkout of logistica has
no ``.pyc`` files until Python writes them, and with ``PYTHONDONTWRITEBYTECODE`` set
(as on the project's machine) never, so every import compiled its ~30 modules from
source (~40 ms). :func:`measure` byte-compiles the package first, as pip would.
"""

from __future__ import annotations

import compileall
import json
import os
import subprocess
import sys
import tempfile

import numpy as np

_SCRIPT = """
import json, time
import numpy as np
rng = np.random.default_rng(0)
X = rng.standard_normal((500, 20)); y = (X[:, 0] + rng.standard_normal(500) > 0).astype(int)
t0 = time.perf_counter()
{import_line}
t1 = time.perf_counter()
LogisticRegression().fit(X, y)
t2 = time.perf_counter()
LogisticRegression(C=0.1, l1_ratio=1.0{l1_extra}).fit(X, y)
t3 = time.perf_counter()
print(json.dumps({{"import": t1 - t0, "first_fit": t2 - t1, "first_l1_fit": t3 - t2}}))
"""
LOGISTICA = _SCRIPT.format(import_line="from logistica import LogisticRegression", l1_extra="")
SKLEARN = _SCRIPT.format(
    import_line="from sklearn.linear_model import LogisticRegression", l1_extra=", solver='saga'"
)


def _measure(script: str, env: dict | None = None) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", script], env={**os.environ, **(env or {})},
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return json.loads(out.stdout.strip().splitlines()[-1])


def _median(runs: list[dict]) -> dict:
    keys = runs[0].keys()
    out = {key: float(np.median([r[key] for r in runs])) for key in keys}
    out["import_plus_first_fit"] = out["import"] + out["first_fit"]
    out["runs"] = len(runs)
    return out


def measure(repeat: int = 5) -> dict:
    """Median seconds of import, first L2 fit and first L1 fit for each case.

    The cases take turns, so that neither profits from files the other has
    brought into the page cache, nor from a quieter moment of the machine.
    """
    import logistica

    compileall.compile_dir(os.path.dirname(logistica.__file__), quiet=1)
    empty, warm, sklearn = [], [], []
    for _ in range(repeat):
        with tempfile.TemporaryDirectory(prefix="numba-cache-") as cache:
            env = {"NUMBA_CACHE_DIR": cache}
            empty.append(_measure(LOGISTICA, env))
            sklearn.append(_measure(SKLEARN))
            warm.append(_measure(LOGISTICA, env))
    return {
        "logistica, empty numba cache": _median(empty),
        "logistica, warm numba cache": _median(warm),
        "scikit-learn": _median(sklearn),
    }


def markdown(results: dict) -> str:
    reference = results["scikit-learn"]["import_plus_first_fit"]
    lines = [
        "| case | import (s) | first fit (s) | import + first fit (s) | × scikit-learn "
        "| first L1 fit (s) |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for case, r in results.items():
        lines.append(
            f"| {case} | {r['import']:.2f} | {r['first_fit']:.3f} | "
            f"{r['import_plus_first_fit']:.2f} | {r['import_plus_first_fit'] / reference:.2f} | "
            f"{r['first_l1_fit']:.3f} |"
        )
    lines.append("\nscikit-learn's first L1 fit is saga; median of fresh processes.")
    return "\n".join(lines)


if __name__ == "__main__":
    print(markdown(measure()))
