"""L1 benchmark: logistica ``cd`` vs liblinear, saga, glum (irls-cd) and skglm, side by side.

Two problems with scikit-learn's objective ``‖w‖₁ + C·Σ logloss`` (intercept
unpenalized): a dense 20,000 × 2,000 problem at a C giving about 200 nonzero
coefficients, and a sparse text-like 100,000 × 50,000 problem. Every
contender runs at its default tolerance and at tighter ones; we report the
wall time (best of ``--repeat`` runs, one run for contenders slower than 5 s),
the relative objective gap ``(F - F*)/F*`` against a tight reference
(logistica ``cd`` at ``tol=1e-12``, or the best objective any contender
reached), the time at which each first reaches a gap of 1e-8, and the first
call of the process separately (numba compilation for skglm; logistica's
compiled kernels are cached on disk, and their compile time on an empty cache
is measured in a subprocess).

Each peer gets the layout it prefers, converted outside the timing: skglm
Fortran-ordered or CSC data, glum Fortran-ordered data. liblinear penalizes
the intercept, so its gap does not vanish with the tolerance. glum runs on the
dense problem only: its irls-cd forms the p×p Hessian, 20 GB at 50,000
features (out of memory on a 24 GB machine).

Run: ``python benchmarks/bench_l1.py`` (about 5-10 minutes on 2 cores).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from sklearn.linear_model import LogisticRegression as SkLogisticRegression

from logistica import LogisticRegression
from logistica.objective import BinomialLoss, Problem, make_penalty
from logistica.solvers import solve

TARGET_GAP = 1e-8


@dataclass
class Case:
    name: str
    X: np.ndarray | sp.csr_matrix
    y: np.ndarray
    C: float


def dense_case(seed: int = 0) -> Case:
    """Gaussian features, 100 informative ones; C chosen for ~200 nonzero coefficients."""
    rng = np.random.default_rng(seed)
    n, d = 20_000, 2_000
    X = rng.standard_normal((n, d))
    beta = np.zeros(d)
    beta[rng.choice(d, 100, replace=False)] = rng.standard_normal(100)
    y = (rng.random(n) < 1 / (1 + np.exp(-X @ beta))).astype(np.int64)
    return Case("dense 20k×2k", X, y, C=0.02)


def sparse_case(seed: int = 0) -> Case:
    """Bag-of-words-like rows: Zipf-distributed terms, log counts, unit L2 norm rows."""
    rng = np.random.default_rng(seed)
    n, d, per_row = 100_000, 50_000, 40
    cols = np.minimum(rng.zipf(1.3, size=n * per_row) - 1, d - 1)
    rows = np.repeat(np.arange(n), per_row)
    X = sp.csr_matrix((np.ones(n * per_row), (rows, cols)), shape=(n, d))
    X.sum_duplicates()
    X.data = np.log1p(X.data)
    norms = np.sqrt(np.asarray(X.multiply(X).sum(axis=1)).ravel())
    X = sp.diags(1 / np.maximum(norms, 1e-12)) @ X
    beta = np.zeros(d)
    informative = rng.choice(2_000, 300, replace=False)
    beta[informative] = 4 * rng.standard_normal(300)
    logits = X @ beta
    y = (rng.random(n) < 1 / (1 + np.exp(-(logits - logits.mean())))).astype(np.int64)
    return Case("sparse 100k×50k", X.tocsr(), y, C=2.0)


def make_problem(case: Case) -> Problem:
    """scikit-learn's L1 objective divided by C·n (logistica's normalised form)."""
    penalty = make_penalty(case.C, 1.0, len(case.y))
    return Problem(case.X, case.y.astype(float), BinomialLoss(), penalty)


def contenders(case: Case) -> dict[str, tuple[Callable, list]]:
    """Name → (fit(tol) returning (coef, intercept), tolerances: default first)."""
    C, n = case.C, len(case.y)
    alpha = 1.0 / (C * n)
    sparse = sp.issparse(case.X)
    X_fortran = case.X.tocsc() if sparse else np.asfortranarray(case.X)

    def ours(tol):
        model = LogisticRegression(C=C, l1_ratio=1.0, solver="cd", tol=tol).fit(case.X, case.y)
        return model.coef_, model.intercept_[0]

    def sklearn(solver):
        def fit(tol):
            max_iter = 300 if solver == "saga" else 1000
            model = SkLogisticRegression(
                C=C, l1_ratio=1.0, solver=solver, tol=tol, max_iter=max_iter
            ).fit(case.X, case.y)
            return model.coef_, model.intercept_[0]

        return fit

    out = {
        "logistica cd": (ours, [1e-6, 1e-4, 1e-8]),
        "sklearn liblinear": (sklearn("liblinear"), [1e-4, 1e-8]),
        "sklearn saga": (sklearn("saga"), [1e-4, 1e-6]),
    }
    try:
        if sparse:  # irls-cd forms the p×p Hessian: 20 GB at 50,000 features
            raise ImportError
        from glum import GeneralizedLinearRegressor

        def glum(tol):
            model = GeneralizedLinearRegressor(
                family="binomial", alpha=alpha, l1_ratio=1.0, solver="irls-cd",
                gradient_tol=tol, scale_predictors=False, max_iter=1000,
            ).fit(X_fortran, case.y)  # fmt: skip
            return model.coef_, model.intercept_

        out["glum irls-cd"] = (glum, [None, 1e-6, 1e-8])
    except ImportError:
        pass
    try:
        from skglm import GeneralizedLinearEstimator
        from skglm.datafits import Logistic
        from skglm.penalties import L1
        from skglm.solvers import ProxNewton

        def skglm(tol):
            model = GeneralizedLinearEstimator(
                Logistic(), L1(alpha), ProxNewton(tol=tol, fit_intercept=True, max_iter=50)
            ).fit(X_fortran, 2 * case.y - 1)
            return model.coef_, float(np.ravel(model.intercept_)[0])

        out["skglm ProxNewton"] = (skglm, [1e-4, 1e-6, 1e-8])
    except ImportError:
        pass
    return out


def timed(fit: Callable, tol, repeat: int) -> tuple[float, tuple]:
    best, result = np.inf, None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fit(tol)
        best = min(best, time.perf_counter() - start)
    return best, result


def compile_time() -> str:
    """Seconds of logistica's first ``cd`` fit on an empty numba cache (a fresh process)."""
    code = (
        "import time, numpy as np; from logistica import LogisticRegression;"
        "X = np.random.default_rng(0).standard_normal((200, 20)); y = X[:, 0] > 0;"
        "t = time.perf_counter(); LogisticRegression(C=0.1, l1_ratio=1.0, solver='cd').fit(X, y);"
        "a = time.perf_counter() - t; X = X.astype(np.float64);"
        "t = time.perf_counter(); LogisticRegression(C=0.1, l1_ratio=1.0, solver='cd').fit(X, y);"
        "print(f'{a:.2f} s (then {time.perf_counter() - t:.3f} s)')"
    )
    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "NUMBA_CACHE_DIR": cache}
        first = subprocess.run(
            [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
        ).stdout.strip()
        again = subprocess.run(
            [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
        ).stdout.strip()
    return f"empty cache: {first}; from cache: {again}"


def run_case(case: Case, repeat: int) -> list[str]:
    start = time.perf_counter()
    problem = make_problem(case)
    reference = solve(problem, "cd", tol=1e-12, max_iter=1000)
    f_ref = problem.value_grad(reference.coef)[0]
    nnz = int(np.count_nonzero(reference.coef[:-1]))
    print(f"[{case.name}] reference: {nnz} nonzeros, {time.perf_counter() - start:.1f} s")
    rows = []
    for name, (fit, tols) in contenders(case).items():
        start = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fit(tols[0])
            first = time.perf_counter() - start
            runs = repeat if first < 5.0 else 1  # slow contenders: one run per tolerance
            results = [(tol, *timed(fit, tol, runs)) for tol in tols]
        values = [
            (tol, t, problem.value_grad(np.r_[np.ravel(coef), intercept])[0])
            for tol, t, (coef, intercept) in results
        ]
        rows.append((name, first, values))
        print(f"  {name}: " + ", ".join(f"tol={tol}: {t:.2f} s" for tol, t, _ in values))
    f_star = min([f_ref] + [v for _, _, vals in rows for _, _, v in vals])
    fastest_peer = min(
        (t for name, _, vals in rows if not name.startswith("logistica")
         for _, t, v in vals if (v - f_star) / f_star <= TARGET_GAP),
        default=np.nan,
    )  # fmt: skip
    lines = []
    for name, first, values in rows:
        _, t0, v0 = values[0]
        reach = [t for _, t, v in values if (v - f_star) / f_star <= TARGET_GAP]
        t_reach = min(reach) if reach else np.nan
        ratio = t_reach / fastest_peer if np.isfinite(fastest_peer) else np.nan
        lines.append(
            f"| {case.name} | {name} | {t0:.2f} | {(v0 - f_star) / f_star:.1e} | "
            + (f"{t_reach:.2f} | {ratio:.2f}" if reach else "not reached | –")
            + f" | {first:.2f} |"
        )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--only", choices=["dense", "sparse"], default=None)
    args = parser.parse_args()
    cases = [dense_case, sparse_case]
    if args.only:
        cases = [dense_case] if args.only == "dense" else [sparse_case]
    header = [
        "| problem | contender | time at default tol (s) | gap at default | "
        f"time to gap ≤ {TARGET_GAP:g} (s) | ratio to fastest peer | first call (s) |",
        "|---|---|---|---|---|---|---|",
    ]
    lines = []
    for make in cases:
        lines += run_case(make(), args.repeat)
    print()
    print("\n".join(header + lines))
    print()
    print(f"logistica cd numba compilation: {compile_time()}")


if __name__ == "__main__":
    main()
