"""Inference benchmark: unpenalized fit + standard errors, logistica vs statsmodels.

logistica: ``LogisticRegression(C=np.inf).fit(X, y)`` (which includes the
separation check) then ``summarize(model, X, y).bse``; statsmodels:
``Logit(y, add_constant(X)).fit(method="newton")`` then ``.bse``. Both run in
the same process, in turn, and we report the best of ``--repeat`` runs of each,
their ratio, and the largest relative difference of the standard errors. Run with
``python benchmarks/bench_inference.py``; the target is a ratio ≤ 0.5.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import statsmodels.api as sm

from logistica import LogisticRegression
from logistica.inference import summarize


def make_data(n: int, d: int, seed: int = 0):
    """Correlated Gaussian features, labels from a logistic model (no separation)."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d))
    X[:, 1:] += 0.5 * X[:, :-1]
    beta = rng.standard_normal(d) / np.sqrt(d)
    y = (rng.random(n) < 1 / (1 + np.exp(-(X @ beta + 0.3)))).astype(np.float64)
    return X, y


def run_logistica(X, y):
    model = LogisticRegression(C=np.inf).fit(X, y)
    return summarize(model, X, y).bse.to_numpy()


def run_statsmodels(X, y):
    return sm.Logit(y, sm.add_constant(X)).fit(method="newton", disp=0).bse


def best_times(contenders, X, y, repeat: int) -> list[tuple[float, np.ndarray]]:
    """Best wall time of each contender, running them in turn ``repeat`` times.

    Interleaving keeps the comparison fair when the machine's load drifts.
    """
    times = [[] for _ in contenders]
    results = [None] * len(contenders)
    for _ in range(repeat):
        for k, function in enumerate(contenders):
            start = time.perf_counter()
            results[k] = function(X, y)
            times[k].append(time.perf_counter() - start)
    return [(min(t), r) for t, r in zip(times, results, strict=True)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--d", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    X, y = make_data(args.n, args.d)
    run_logistica(X[:1000], y[:1000])  # warm up imports and compiled kernels
    (ours, ours_bse), (peer, peer_bse) = best_times(
        [run_logistica, run_statsmodels], X, y, args.repeat
    )
    gap = float(np.max(np.abs(ours_bse / peer_bse - 1)))
    print(f"## Unpenalized fit + standard errors, dense {args.n:,} × {args.d}\n")
    print("| contender | best time (s) | ratio to statsmodels | max rel. SE difference |")
    print("|---|---|---|---|")
    print(f"| logistica fit + summarize().bse | {ours:.3f} | {ours / peer:.2f} | {gap:.1e} |")
    print(f"| statsmodels Logit newton + .bse | {peer:.3f} | 1.00 | |")


if __name__ == "__main__":
    main()
