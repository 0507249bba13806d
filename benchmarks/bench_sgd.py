"""SGD benchmark (issue 14): time to relative objective gaps 1e-2, 1e-3, 1e-4.

Problems: dense 1M×100 and sparse 500k×50k (``--quick``: 100k×100 and 50k×5k),
scikit-learn's L2 objective at ``C = 1`` (``alpha = 1/(C·n)`` for
``SGDClassifier(loss="log_loss")``, with and without ``average=True``), against
logistica's ``sgd`` (default options) and the deterministic ``newton``/``lbfgs``.
Each contender runs 1, 2, 4, ... epochs (a fresh fit each, so times include
setup); the gap of each result is measured on the same objective against
newton at ``tol=1e-10``. Not run by the tests.

Run: ``python benchmarks/bench_sgd.py [--quick]``.
"""

from __future__ import annotations

import sys
import time
import warnings

import numpy as np
import scipy.sparse as sp
from sklearn.linear_model import SGDClassifier

from logistica import LogisticRegression
from logistica.objective import BinomialLoss, Problem, make_penalty

GAPS = (1e-2, 1e-3, 1e-4)
EPOCHS = (1, 2, 4, 8, 16, 32)


def dense(n: int, d: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d))
    y = (rng.random(n) < 1 / (1 + np.exp(-(X @ rng.standard_normal(d) / np.sqrt(d))))).astype(int)
    return X, y


def sparse(n: int, d: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    X = sp.random(n, d, density=20 / d, random_state=seed, format="csr", dtype=np.float64)
    X.data[:] = 1.0
    beta = rng.standard_normal(d)
    y = (rng.random(n) < 1 / (1 + np.exp(-(X @ beta) / 2))).astype(int)
    return X, y


def objective(X, y, coef, intercept, C):
    problem = Problem(X, y.astype(float), BinomialLoss(), make_penalty(C, 0.0, X.shape[0]))
    value, _, _ = problem.value_grad(np.append(np.ravel(coef), intercept))
    return value


def run(name, X, y, C=1.0):
    n = X.shape[0]
    ref = LogisticRegression(C=C, solver="newton", tol=1e-10).fit(X, y)
    best = objective(X, y, ref.coef_, ref.intercept_[0], C)
    contenders = {
        "logistica sgd": lambda e: LogisticRegression(C=C, solver="sgd", max_iter=e, tol=1e-12),
        "sklearn SGD": lambda e: SGDClassifier(
            loss="log_loss", alpha=1 / (C * n), max_iter=e, tol=None, random_state=0
        ),
        "sklearn SGD avg": lambda e: SGDClassifier(
            loss="log_loss", alpha=1 / (C * n), max_iter=e, tol=None, random_state=0, average=True
        ),
    }
    print(f"\n## {name}: n={n}, d={X.shape[1]}, C={C}")
    print("| contender | " + " | ".join(f"time to gap {g:g}" for g in GAPS) + " |")
    print("|---|" + "---|" * len(GAPS))
    for label, make in contenders.items():
        reached = {}
        for epochs in EPOCHS:
            model = make(epochs)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                start = time.perf_counter()
                model.fit(X, y)
                elapsed = time.perf_counter() - start
            gap = (objective(X, y, model.coef_, model.intercept_[0], C) - best) / abs(best)
            for g in GAPS:
                if gap <= g and g not in reached:
                    reached[g] = f"{elapsed:.2f} s ({epochs} ep)"
            if len(reached) == len(GAPS):
                break
        print(f"| {label} | " + " | ".join(reached.get(g, "not reached") for g in GAPS) + " |")
    for solver in ("newton", "lbfgs"):
        start = time.perf_counter()
        LogisticRegression(C=C, solver=solver).fit(X, y)
        elapsed = time.perf_counter() - start
        print(f"| logistica {solver} (default tol) | {elapsed:.2f} s (all gaps) | | |")


if __name__ == "__main__":
    quick = "--quick" in sys.argv
    run("dense", *dense(100_000 if quick else 1_000_000, 100))
    run("sparse", *sparse(50_000 if quick else 500_000, 5_000 if quick else 50_000))
