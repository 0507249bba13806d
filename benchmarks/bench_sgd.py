"""SGD benchmark (issue 14): wall time to relative objective gaps 1e-2, 1e-3, 1e-4.

Problems: dense 1M×100 (standard normal columns) and sparse 500k×50k (20
binary features per row, uniform columns), binary, scikit-learn's L2 objective
at ``C = 1``. Every gap is measured on that objective (logistica's
``Problem``), relative to newton's optimum at ``tol=1e-10``. Contenders:

- logistica ``solver="sgd"`` with default options: a fresh ``fit`` with
  ``max_iter = 1, 2, 3, 4, 6, 8, ...`` epochs; the time of the first fit whose
  result reaches a gap (setup, standardization and the per-epoch objective
  included; the epoch grid can only overstate it);
- scikit-learn ``SGDClassifier(loss="log_loss", alpha=1/(C·n))``, with and
  without ``average=True``: ``partial_fit`` one epoch at a time, timing the
  calls only (each re-validates ``X``, a few % of an epoch), the gap checked
  after each epoch, until it reaches 1e-4 or ``--sklearn-epochs`` epochs;
- logistica ``newton`` and ``lbfgs`` at their default ``tol``: one fit (the gap
  it reaches is printed next to its time).

The ratio is logistica sgd / SGDClassifier at the same gap (target ≤ 0.5);
when SGDClassifier does not reach a gap within its budget, the ratio is an
upper bound ``< ours / its total time``. With ``--repeat R`` each contender
runs ``R`` times and the table shows median times and the median of the
per-run ratios (the machine is shared). Not run by the tests.

Run: ``python benchmarks/bench_sgd.py [--quick] [--repeat 3] [--json out.json]``
(``--quick``: 100k×100 and 50k×5k).
"""

from __future__ import annotations

import argparse
import json
import time
import warnings

import numpy as np
import scipy.sparse as sp
from sklearn.linear_model import SGDClassifier

from logistica import LogisticRegression
from logistica.objective import BinomialLoss, Problem, make_penalty

GAPS = (1e-2, 1e-3, 1e-4)
SGD_EPOCHS = (1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64)


def dense(n: int, d: int, seed: int = 0):
    """Standard normal columns, labels from a logistic model with unit-variance margins."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d))
    y = (rng.random(n) < 1 / (1 + np.exp(-(X @ rng.standard_normal(d) / np.sqrt(d))))).astype(int)
    return X, y


def sparse(n: int, d: int, per_row: int = 20, seed: int = 0):
    """``per_row`` distinct uniform columns set to 1 per row (CSR, float64)."""
    rng = np.random.default_rng(seed)
    columns = np.sort(rng.integers(0, d, size=(n, per_row)), axis=1)
    keep = np.ones(columns.shape, dtype=bool)
    keep[:, 1:] = columns[:, 1:] != columns[:, :-1]  # drop the rare repeats
    indptr = np.concatenate([[0], np.cumsum(keep.sum(axis=1))])
    indices = columns[keep].astype(np.int32)
    X = sp.csr_matrix((np.ones(indices.size), indices, indptr), shape=(n, d))
    margin = X @ rng.standard_normal(d) / 2
    y = (rng.random(n) < 1 / (1 + np.exp(-margin))).astype(int)
    return X, y


class Gap:
    """Relative gap of ``(coef, intercept)`` on scikit-learn's objective at ``C``."""

    def __init__(self, X, y, C: float) -> None:
        self.problem = Problem(X, y.astype(float), BinomialLoss(), make_penalty(C, 0.0, len(y)))
        ref = LogisticRegression(C=C, solver="newton", tol=1e-10).fit(X, y)
        self.best = self.value(ref.coef_, ref.intercept_)

    def value(self, coef, intercept) -> float:
        """Objective value."""
        return self.problem.value_grad(np.append(np.ravel(coef), intercept))[0]

    def __call__(self, model) -> float:
        return (self.value(model.coef_, model.intercept_) - self.best) / abs(self.best)


def trace_logistica(X, y, C: float, gap: Gap) -> list[tuple[float, float]]:
    """``(seconds, gap)`` of fresh fits with more and more epochs, up to gap 1e-4."""
    trace = []
    for epochs in SGD_EPOCHS:
        model = LogisticRegression(C=C, solver="sgd", max_iter=epochs, tol=1e-12)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            start = time.perf_counter()
            model.fit(X, y)
            trace.append((time.perf_counter() - start, gap(model)))
        if trace[-1][1] <= min(GAPS):
            break
    return trace


def trace_sklearn(X, y, C: float, gap: Gap, average: bool, epochs: int):
    """``(seconds, gap)`` after each ``partial_fit`` epoch (only the calls timed)."""
    model = SGDClassifier(loss="log_loss", alpha=1 / (C * X.shape[0]), average=average,
                          random_state=0)  # fmt: skip
    classes, elapsed, trace = np.unique(y), 0.0, []
    for _ in range(epochs):
        start = time.perf_counter()
        model.partial_fit(X, y, classes=classes)
        elapsed += time.perf_counter() - start
        trace.append((elapsed, gap(model)))
        if trace[-1][1] <= min(GAPS):
            break
    return trace


def time_to(trace, level: float) -> tuple[float, bool]:
    """Time at which ``trace`` first reaches ``level``, or its total time (``False``)."""
    for seconds, value in trace:
        if value <= level:
            return seconds, True
    return trace[-1][0], False


def run(name: str, X, y, C: float, repeat: int, sklearn_epochs: int) -> dict:
    gap = Gap(X, y, C)
    runs = {"logistica sgd": [], "sklearn SGD": [], "sklearn SGD avg": []}
    deterministic = {"newton": [], "lbfgs": []}
    for _ in range(repeat):
        runs["logistica sgd"].append(trace_logistica(X, y, C, gap))
        for label, average in (("sklearn SGD", False), ("sklearn SGD avg", True)):
            runs[label].append(trace_sklearn(X, y, C, gap, average, sklearn_epochs))
        for solver in deterministic:
            model = LogisticRegression(C=C, solver=solver)
            start = time.perf_counter()
            model.fit(X, y)
            deterministic[solver].append((time.perf_counter() - start, gap(model)))
    return {"name": name, "shape": X.shape, "C": C, "runs": runs, "deterministic": deterministic}


def table(result: dict) -> str:
    n, d = result["shape"]
    lines = [f"\n## {result['name']}: {n:,}×{d:,}, C={result['C']:g}\n"]
    lines.append("| contender | " + " | ".join(f"gap {g:g}" for g in GAPS) + " |")
    lines.append("|---|" + "---|" * len(GAPS))
    runs = result["runs"]
    ours = runs["logistica sgd"]
    for label, traces in runs.items():
        cells = []
        for level in GAPS:
            times, reached = zip(*(time_to(t, level) for t in traces), strict=True)
            cell = f"{np.median(times):.2f} s" if all(reached) else f"> {np.median(times):.2f} s"
            if label != "logistica sgd":
                ratios = [time_to(o, level)[0] / s for o, s in zip(ours, times, strict=True)]
                bound = "" if all(reached) else "< "
                cell += f" (ratio {bound}{np.median(ratios):.2f})"
            cells.append(cell)
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    for solver, fits in result["deterministic"].items():
        seconds, gaps = zip(*fits, strict=True)
        lines.append(
            f"| logistica {solver} (default tol) | {np.median(seconds):.2f} s, "
            f"gap {max(gaps):.1e} | | |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="100k×100 and 50k×5k")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--sklearn-epochs", type=int, default=50)
    parser.add_argument("--only", choices=("dense", "sparse"))
    parser.add_argument("--json", help="also write the traces to this file")
    args = parser.parse_args()
    problems = {
        "dense": lambda: dense(100_000 if args.quick else 1_000_000, 100),
        "sparse": lambda: sparse(
            50_000 if args.quick else 500_000, 5_000 if args.quick else 50_000
        ),
    }
    results = []
    for name, make in problems.items():
        if args.only in (None, name):
            results.append(run(name, *make(), 1.0, args.repeat, args.sklearn_epochs))
            print(table(results[-1]), flush=True)
    if args.json:
        with open(args.json, "w") as file:
            json.dump(results, file, indent=1)


if __name__ == "__main__":
    main()
