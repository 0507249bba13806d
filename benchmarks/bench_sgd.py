"""SGD benchmark (issue 14): wall time to relative objective gaps 1e-2, 1e-3, 1e-4.

Problems: dense 1M×100 (standard normal columns) and sparse 500k×50k (20
binary features per row, uniform columns), binary, scikit-learn's L2 objective
at ``C = 1``. Every gap is measured on that objective (logistica's
``Problem``), relative to newton's optimum at ``tol=1e-10``. Contenders:

- logistica ``solver="sgd"`` with default options: one fit (the problem and
  ``solvers.solve``, as ``LogisticRegression.fit`` runs them: standardization,
  step-size estimate and the per-epoch objective included), timed from its
  start to the end of each epoch through the solver's callback, which
  computes the gap with the clock paused; until gap 1e-4 or ``--sgd-budget``
  seconds;
- scikit-learn ``SGDClassifier(loss="log_loss", alpha=1/(C·n))``, with and
  without ``average=True``: ``partial_fit`` one epoch at a time, timing the
  calls only (each re-validates ``X``, a few % of an epoch), the gap checked
  after each epoch, until it reaches 1e-4, ``--sklearn-epochs`` epochs, or
  (past 5 epochs) 3× the time of logistica's default fit (at most
  ``--sklearn-budget`` seconds);
- logistica ``newton`` and ``lbfgs`` at their default ``tol``: one fit (the gap
  it reaches is printed next to its time).

A second logistica row runs one schedule option that suits the problem
better than the default (``TUNED``). The ratios are logistica sgd (default /
tuned) over SGDClassifier at the same gap (target ≤ 0.5); when
SGDClassifier does not reach a gap within its budget, the ratio is an upper
bound ``< ours / its total time``, when we do not, a lower bound, and ``n/a``
when neither does. With ``--repeat R`` each contender
runs ``R`` times and the table shows median times and the median of the
per-run ratios (the machine is shared). Not run by the tests.

Run: ``python benchmarks/bench_sgd.py [--quick] [--repeat 3] [--only dense] [--json out.json]``
(``--quick``: 100k×100 and 50k×5k).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import time
import warnings

import numpy as np
import scipy.sparse as sp
from sklearn.linear_model import SGDClassifier

from logistica import LogisticRegression
from logistica.objective import BinomialLoss, Problem, make_penalty
from logistica.solvers import solve

GAPS = (1e-2, 1e-3, 1e-4)


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

    def of_coef(self, coef) -> float:
        """Gap of a flat coefficient vector (the intercept last)."""
        return (self.problem.value_grad(coef)[0] - self.best) / abs(self.best)

    def __call__(self, model) -> float:
        return (self.value(model.coef_, model.intercept_) - self.best) / abs(self.best)


class _StopFitError(Exception):
    """Raised by the epoch callback to end a fit."""


def trace_logistica(X, y, C: float, gap: Gap, budget: float, options: dict):
    """``(seconds, gap, epochs)`` after each epoch of one sgd fit, up to gap 1e-4.

    The fit is what ``LogisticRegression(solver="sgd").fit`` runs: the
    :class:`Problem` and ``solvers.solve`` (standardization, step-size estimate,
    the per-epoch objective), timed from the start to each epoch's end; the
    solver's callback computes the gap with the clock paused. Stops at gap
    1e-4 or after ``budget`` seconds.
    """
    trace, paused = [], 0.0

    def callback(coef):
        nonlocal paused
        now = time.perf_counter()
        trace.append((now - start - paused, gap.of_coef(coef), len(trace)))
        paused += time.perf_counter() - now
        if trace[-1][1] <= min(GAPS) or trace[-1][0] > budget:
            raise _StopFitError

    start = time.perf_counter()
    problem = Problem(X, y.astype(float), BinomialLoss(), make_penalty(C, 0.0, X.shape[0]))
    with warnings.catch_warnings(), contextlib.suppress(_StopFitError):
        warnings.simplefilter("ignore")
        solve(problem, "sgd", tol=1e-12, max_iter=10_000, callback=callback, options=options)
    return trace[1:]  # the first call is the starting point


def trace_sklearn(X, y, C: float, gap: Gap, average: bool, epochs: int, budget: float):
    """``(seconds, gap, epochs)`` after each ``partial_fit`` epoch (only the calls timed).

    Runs until gap 1e-4, ``epochs`` epochs, or ``budget`` seconds once past 5 epochs.
    """
    model = SGDClassifier(loss="log_loss", alpha=1 / (C * X.shape[0]), average=average,
                          random_state=0)  # fmt: skip
    classes, elapsed, trace = np.unique(y), 0.0, []
    for epoch in range(1, epochs + 1):
        start = time.perf_counter()
        model.partial_fit(X, y, classes=classes)
        elapsed += time.perf_counter() - start
        trace.append((elapsed, gap(model), epoch))
        if trace[-1][1] <= min(GAPS) or (elapsed > budget and epoch >= 5):
            break
    return trace


def time_to(trace, level: float) -> tuple[float, bool]:
    """Time at which ``trace`` first reaches ``level``, or its total time (``False``)."""
    for seconds, value, _ in trace:
        if value <= level:
            return seconds, True
    return trace[-1][0], False


#: One schedule option per problem that suits it better than the default (not tuned further).
TUNED = {"dense": {"epoch_samples": 1000}, "sparse": {"power_t": 1.0}}


def run(name: str, X, y, C: float, args) -> dict:
    gap = Gap(X, y, C)
    tuned = f"logistica sgd {TUNED[name]}"
    runs = {"logistica sgd": [], tuned: [], "sklearn SGD": [], "sklearn SGD avg": []}
    deterministic = {"newton": [], "lbfgs": []}
    for _ in range(args.repeat):
        ours = trace_logistica(X, y, C, gap, args.sgd_budget, {})
        runs["logistica sgd"].append(ours)
        runs[tuned].append(trace_logistica(X, y, C, gap, args.sgd_budget, TUNED[name]))
        # SGDClassifier gets 3× the time of our default fit (at least 5 epochs, at most
        # --sklearn-budget s): a gap it does not reach takes it that long, if it ever does
        for label, average in (("sklearn SGD", False), ("sklearn SGD avg", True)):
            budget = min(3 * ours[-1][0], args.sklearn_budget)
            trace = trace_sklearn(X, y, C, gap, average, args.sklearn_epochs, budget)
            runs[label].append(trace)
        for solver in deterministic:
            model = LogisticRegression(C=C, solver=solver)
            start = time.perf_counter()
            model.fit(X, y)
            deterministic[solver].append((time.perf_counter() - start, gap(model)))
    return {"name": name, "shape": X.shape, "C": C, "runs": runs, "deterministic": deterministic}


def _ratio(ours: list, theirs: list, level: float) -> str:
    """Median over the runs of ours/theirs at ``level``, marked when it is a bound."""
    pairs = [(time_to(o, level), time_to(t, level)) for o, t in zip(ours, theirs, strict=True)]
    if not all(ok for (_, ok), _ in pairs) and not all(ok for _, (_, ok) in pairs):
        return "n/a"  # neither reached it
    median = np.median([a / b for (a, _), (b, _) in pairs])
    if not all(ok for _, (_, ok) in pairs):
        return f"< {median:.2f}"
    return f"{median:.2f}" if all(ok for (_, ok), _ in pairs) else f"> {median:.2f}"


def table(result: dict) -> str:
    n, d = result["shape"]
    lines = [f"\n## {result['name']}: {n:,}×{d:,}, C={result['C']:g}\n"]
    lines.append(
        "| contender | " + " | ".join(f"gap {g:g}" for g in GAPS) + " | last run: epochs / gap |"
    )
    lines.append("|---|" + "---|" * (len(GAPS) + 1))
    runs = result["runs"]
    mine = [label for label in runs if label.startswith("logistica")]
    for label, traces in runs.items():
        cells = []
        for level in GAPS:
            times, reached = zip(*(time_to(t, level) for t in traces), strict=True)
            cell = f"{np.median(times):.2f} s" if all(reached) else f"> {np.median(times):.2f} s"
            if label not in mine:
                ratios = " / ".join(_ratio(runs[m], traces, level) for m in mine)
                cell += f" (ratio {ratios})"
            cells.append(cell)
        _, final, epochs = traces[-1][-1]
        lines.append(f"| {label} | " + " | ".join(cells) + f" | {epochs} / {final:.1e} |")
    for solver, fits in result["deterministic"].items():
        seconds, gaps = zip(*fits, strict=True)
        lines.append(
            f"| logistica {solver} (default tol) | {np.median(seconds):.2f} s, "
            f"gap {max(gaps):.1e} | | | |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="100k×100 and 50k×5k")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--sklearn-epochs", type=int, default=1000)
    parser.add_argument("--sgd-budget", type=float, default=60.0, help="seconds of a sgd fit")
    parser.add_argument("--sklearn-budget", type=float, default=180.0, help="seconds, at most")
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
            results.append(run(name, *make(), 1.0, args))
            print(table(results[-1]), flush=True)
    if args.json:
        with open(args.json, "w") as file:
            json.dump(results, file, indent=1)


if __name__ == "__main__":
    main()
