"""L2 benchmark for ``trust-ncg``: where does it beat L-BFGS? (decides ``solver="auto"``).

Sparse text-like 100,000 × 50,000 data (as in ``bench_l1.py``) and a dense wide
2,000 × 5,000 problem, scikit-learn's L2 objective at ``C = 1``. Contenders:
logistica trust-ncg and lbfgs, scikit-learn lbfgs, newton-cg and liblinear
(whose primal L2 solver is TRON, but it penalizes the intercept). Same
reporting as ``bench_l1.py``: wall time at default and tight tolerances and
the relative objective gap against a tight reference
(trust-ncg at ``tol=1e-12``, or the best objective seen). One run each; scikit-learn
solvers get ``max_iter=500``.

Run: ``python benchmarks/bench_trust_ncg.py`` (a few minutes on 2 cores).
"""

from __future__ import annotations

import time
import warnings

import numpy as np
from sklearn.linear_model import LogisticRegression as SkLogisticRegression

from bench_l1 import Case, sparse_case, timed
from logistica import LogisticRegression
from logistica.objective import BinomialLoss, Problem, make_penalty
from logistica.solvers import solve

TARGET_GAP = 1e-8


def wide_case(seed: int = 0) -> Case:
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((2_000, 5_000))
    beta = rng.standard_normal(5_000) / 30
    y = (rng.random(2_000) < 1 / (1 + np.exp(-X @ beta))).astype(np.int64)
    return Case("dense wide 2k×5k", X, y, C=1.0)


def contenders(case: Case) -> dict:
    C = case.C

    def ours(solver):
        def fit(tol):
            model = LogisticRegression(C=C, solver=solver, tol=tol).fit(case.X, case.y)
            return model.coef_, model.intercept_[0]

        return fit

    def sklearn(solver):
        def fit(tol):
            model = SkLogisticRegression(C=C, solver=solver, tol=tol, max_iter=500)
            model.fit(case.X, case.y)
            return model.coef_, model.intercept_[0]

        return fit

    return {
        "logistica trust-ncg": (ours("trust-ncg"), [1e-6, 1e-8]),
        "logistica lbfgs": (ours("lbfgs"), [1e-6, 1e-8]),
        "sklearn lbfgs": (sklearn("lbfgs"), [1e-4, 1e-8]),
        "sklearn newton-cg": (sklearn("newton-cg"), [1e-4, 1e-8]),
        "sklearn liblinear": (sklearn("liblinear"), [1e-4, 1e-8]),
    }


def run(case: Case) -> list[str]:
    problem = Problem(
        case.X, case.y.astype(float), BinomialLoss(), make_penalty(case.C, 0.0, len(case.y))
    )
    f_ref = problem.value_grad(solve(problem, "trust-ncg", tol=1e-12).coef)[0]
    rows = []
    for name, (fit, tols) in contenders(case).items():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            values = []
            for tol in tols:
                elapsed, (coef, intercept) = timed(fit, tol, 1)
                values.append((elapsed, problem.value_grad(np.r_[np.ravel(coef), intercept])[0]))
        rows.append((name, values))
        print(f"  {name}: " + ", ".join(f"{t:.2f} s" for t, _ in values))
    f_star = min([f_ref] + [v for _, vals in rows for _, v in vals])
    lines = []
    for name, values in rows:
        t0, v0 = values[0]
        reach = [t for t, v in values if (v - f_star) / f_star <= TARGET_GAP]
        lines.append(
            f"| {case.name} | {name} | {t0:.2f} | {(v0 - f_star) / f_star:.1e} | "
            + (f"{min(reach):.2f} |" if reach else "not reached |")
        )
    return lines


def main() -> None:
    lines = [
        "| problem | contender | time at default tol (s) | gap at default | "
        f"time to gap ≤ {TARGET_GAP:g} (s) |",
        "|---|---|---|---|---|",
    ]
    for make in (sparse_case, wide_case):
        start = time.perf_counter()
        c = make()
        print(f"[{c.name}] built in {time.perf_counter() - start:.1f} s")
        lines += run(c)
    print("\n".join(lines))


if __name__ == "__main__":
    main()
