"""Scaling curves: ``python -m benchmarks.scaling [--quick] [--repeat N]``.

Time of logistica ``auto`` and the best peer (scikit-learn lbfgs), each at its defaults, on
the dense L2 problem (C=1) as rows grow (10k → 2M at d=100; ``--quick``: to 200k) and as
columns grow (10 → 5000 at n=50k; ``--quick``: to 1000). Every point is a fresh process
(``benchmarks._worker``), median of ``--repeat`` fits. Prints the fitted log-log slope
``a`` of time ∝ size^a (over all points and over the upper half, where fixed costs no longer
dominate) and plots both curves into ``benchmarks/results/scaling_{n,d}[-quick].png``.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

import numpy as np

from . import problems
from .problems import Spec
from .run import RESULTS, run_job, write_data

CONTENDERS = ["logistica auto", "sklearn lbfgs"]
N_GRID = [10_000, 20_000, 50_000, 100_000, 200_000, 500_000, 1_000_000, 2_000_000]
D_GRID = [10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000]


def slope(sizes, seconds) -> float:
    """Least-squares slope of log(seconds) on log(size)."""
    sizes, seconds = np.asarray(sizes, float), np.asarray(seconds, float)
    keep = np.isfinite(seconds) & (seconds > 0)
    if keep.sum() < 2:
        return float("nan")
    return float(np.polyfit(np.log(sizes[keep]), np.log(seconds[keep]), 1)[0])


def curve(axis: str, grid: list[int], repeat: int, timeout: float) -> dict:
    """Seconds per contender along one axis ("n" at d=100, or "d" at n=50k)."""
    out = {name: [] for name in CONTENDERS}
    for size in grid:
        n, d = (size, 100) if axis == "n" else (50_000, size)
        spec = Spec(f"scaling-{axis}{size}", f"dense {n}×{d} L2", "dense_gaussian", n, d, 1.0)
        X, y = problems.make(spec)
        with tempfile.TemporaryDirectory(prefix="logistica-scaling-") as tmp:
            write_data(Path(tmp), X, y, {"C"})
            for name in CONTENDERS:
                report = run_job(Path(tmp), spec, name, "default", repeat, timeout)
                seconds = report.get("seconds", float("nan"))
                out[name].append(seconds)
                print(
                    f"  {axis}={size:>9,}  {name:<15} {seconds:8.3f} s {report.get('error', '')}",
                    flush=True,
                )
        del X, y
    return out


def plot(axis: str, grid: list[int], seconds: dict, slopes: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 4))
    for name, values in seconds.items():
        ax.loglog(grid, values, "o-", label=f"{name} (slope {slopes[name]['all']:.2f})")
    fixed = "d=100" if axis == "n" else "n=50,000"
    ax.set_xlabel(f"{axis} ({fixed})")
    ax.set_ylabel("seconds (median, fresh process)")
    ax.set_title(f"Dense L2 logistic regression, time vs {axis}")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="n to 200k, d to 1000")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--axes", nargs="+", choices=["n", "d"], default=["n", "d"])
    parser.add_argument("--timeout", type=float, default=1800.0)
    args = parser.parse_args(argv)
    grids = {
        "n": [n for n in N_GRID if not args.quick or n <= 200_000],
        "d": [d for d in D_GRID if not args.quick or d <= 1_000],
    }
    suffix = "-quick" if args.quick else ""
    RESULTS.mkdir(exist_ok=True)
    payload = {"timestamp": time.strftime("%Y%m%d-%H%M%S"), "repeat": args.repeat, "axes": {}}
    for axis in args.axes:
        grid = grids[axis]
        print(f"[time vs {axis}]", flush=True)
        seconds = curve(axis, grid, args.repeat, args.timeout)
        upper = grid[len(grid) // 2 :]
        slopes = {
            name: {"all": slope(grid, s), "upper half": slope(upper, s[len(grid) // 2 :])}
            for name, s in seconds.items()
        }
        path = RESULTS / f"scaling_{axis}{suffix}.png"
        plot(axis, grid, seconds, slopes, path)
        payload["axes"][axis] = {"grid": grid, "seconds": seconds, "slopes": slopes}
        for name, s in slopes.items():
            print(
                f"  {name}: time ∝ {axis}^{s['all']:.2f} (all points), "
                f"{axis}^{s['upper half']:.2f} ({axis} ≥ {upper[0]:,}); plot: {path}"
            )
    (RESULTS / f"scaling{suffix}.json").write_text(json.dumps(payload, indent=1))


if __name__ == "__main__":
    main()
