"""Core benchmark: logistica vs scikit-learn (and glum when installed), side by side.

For each problem, every contender fits the same data with the same objective
(scikit-learn's ``0.5‖w‖² + C·Σ logloss``); we report the best wall time over
``--repeat`` runs, the time ratio to the fastest peer, and the relative
objective gap ``(f - f*) / f*`` against a tight reference optimum (logistica's
newton at ``tol=1e-13``, cross-checked against the best objective any
contender reached). Run with ``make bench`` or ``python benchmarks/bench_core.py``.
"""

from __future__ import annotations

import argparse
import time
import warnings
from collections.abc import Callable

import numpy as np
from sklearn.linear_model import LogisticRegression as SkLogisticRegression

from logistica import LogisticRegression
from logistica.objective import Problem, make_loss, make_penalty


def make_data(n: int, d: int, n_classes: int, seed: int = 0):
    """Correlated Gaussian features and labels drawn from a logistic model."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d))
    X[:, 1:] += 0.5 * X[:, :-1]  # neighbouring features correlate
    if n_classes == 2:
        beta = rng.standard_normal(d) / np.sqrt(d)
        y = (rng.random(n) < 1 / (1 + np.exp(-(X @ beta)))).astype(np.int64)
    else:
        beta = rng.standard_normal((d, n_classes)) / np.sqrt(d)
        logits = X @ beta
        p = np.exp(logits - logits.max(axis=1, keepdims=True))
        p /= p.sum(axis=1, keepdims=True)
        y = (p.cumsum(axis=1) > rng.random((n, 1))).argmax(axis=1)
    return X, y


def objective(X, y, C: float, coef: np.ndarray, intercept: np.ndarray) -> float:
    """scikit-learn's objective divided by C·n (logistica's normalised form)."""
    classes, codes = np.unique(y, return_inverse=True)
    loss = make_loss(len(classes))
    target = codes.astype(float) if len(classes) == 2 else codes
    problem = Problem(X, target, loss, make_penalty(C, 0.0, len(y)))
    W = coef.T if len(classes) > 2 else coef.ravel()
    flat = np.vstack([W, intercept[None, :]]).ravel() if W.ndim == 2 else np.r_[W, intercept]
    return problem.value_grad(flat)[0]


def contenders(C: float, multinomial: bool) -> dict[str, Callable]:
    """Name → factory of a fitted-model-returning callable."""
    fits = {
        "logistica auto": lambda: LogisticRegression(C=C),
        "logistica lbfgs": lambda: LogisticRegression(C=C, solver="lbfgs"),
        "logistica newton": lambda: LogisticRegression(C=C, solver="newton"),
        "sklearn lbfgs": lambda: SkLogisticRegression(C=C, solver="lbfgs", max_iter=1000),
        "sklearn newton-cholesky": lambda: SkLogisticRegression(
            C=C, solver="newton-cholesky", max_iter=1000
        ),
    }
    try:
        from glum import GeneralizedLinearRegressor  # noqa: F401
    except ImportError:
        pass
    else:
        if not multinomial:
            fits["glum irls"] = lambda: _GlumAdapter(C)
    return fits


class _GlumAdapter:
    """glum's binomial GLM with scikit-learn's penalty scaling (alpha = 1/(C·n))."""

    def __init__(self, C: float) -> None:
        self.C = C

    def fit(self, X, y):
        from glum import GeneralizedLinearRegressor

        model = GeneralizedLinearRegressor(
            family="binomial", alpha=1.0 / (self.C * len(y)), l1_ratio=0.0
        )
        model.fit(X, y)
        self.coef_ = model.coef_[None, :]
        self.intercept_ = np.atleast_1d(model.intercept_)
        return self


def run_problem(name, X, y, C, repeat, skip):
    multinomial = len(np.unique(y)) > 2
    reference = LogisticRegression(C=C, solver="newton", tol=1e-13, max_iter=200)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        reference.fit(X, y)
    f_star = objective(X, y, C, reference.coef_, reference.intercept_)
    rows = []
    for label, factory in contenders(C, multinomial).items():
        if label in skip:
            continue
        times = []
        for _ in range(repeat if "newton-cholesky" not in label or not multinomial else 1):
            model = factory()
            start = time.perf_counter()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                model.fit(X, y)
            times.append(time.perf_counter() - start)
        value = objective(X, y, C, model.coef_, model.intercept_)
        extra = f" ({model.solver_})" if hasattr(model, "solver_") else ""
        rows.append((label + extra, min(times), value))
    f_best = min(f_star, *(v for _, _, v in rows))
    peers = [t for label, t, _ in rows if not label.startswith("logistica")]
    fastest_peer = min(peers) if peers else np.nan
    print(f"\n### {name}\n")
    print("| contender | time (s) | × fastest peer | relative gap |")
    print("|---|---:|---:|---:|")
    for label, seconds, value in rows:
        gap = max(value - f_best, 0.0) / abs(f_best)
        print(f"| {label} | {seconds:.3f} | {seconds / fastest_peer:.2f} | {gap:.1e} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="smaller problems")
    parser.add_argument("--skip", nargs="*", default=[])
    args = parser.parse_args()
    scale = 10 if args.quick else 1
    problems = [
        ("dense 200k×100, binary, L2 C=1", 200_000 // scale, 100, 2),
        ("dense 100k×100, 10 classes, L2 C=1", 100_000 // scale, 100, 10),
    ]
    for name, n, d, k in problems:
        X, y = make_data(n, d, k)
        run_problem(name, X, y, 1.0, args.repeat, set(args.skip))


if __name__ == "__main__":
    main()
