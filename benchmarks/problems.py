"""Benchmark problems: seeded data generators and the penalty each problem is fitted with.

Every problem is scikit-learn's objective ``(1-ρ)/2‖w‖² + ρ‖w‖₁ + C·Σ logloss`` (intercept
never penalized) on generated data. ``quick=True`` shrinks the data ~10× (rows; the L1 problems
rows and columns, keeping n/d = 10: at n = d they become far harder, not smaller) and scales
``C`` by the row factor, so ``alpha = 1/(C·n)`` (the per-sample penalty) stays the same.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import scipy.sparse as sp


@dataclass(frozen=True)
class Spec:
    """One benchmark problem: data shape and kind, and the penalty to fit it with."""

    name: str
    description: str
    generator: str  # key of GENERATORS
    n: int
    d: int
    C: float  # np.inf = unpenalized
    l1_ratio: float = 0.0
    n_classes: int = 2
    dtype: str = "float64"
    quick_n: int | None = None  # rows under --quick (default n // 10)
    quick_d: int | None = None
    kwargs: dict = field(default_factory=dict)

    @property
    def multinomial(self) -> bool:
        return self.n_classes > 2

    @property
    def sparse(self) -> bool:
        return self.generator == "sparse_text"

    def shrunk(self, quick: bool) -> Spec:
        """This problem at its --quick size (C scaled so that alpha = 1/(C·n) is kept)."""
        if not quick:
            return self
        n = self.quick_n or self.n // 10
        return _replace(self, n=n, d=self.quick_d or self.d, C=self.C * self.n / n)


def _replace(spec: Spec, **changes) -> Spec:
    from dataclasses import replace

    return replace(spec, **changes)


def _labels(rng: np.random.Generator, logits: np.ndarray) -> np.ndarray:
    """Binary (1-D logits) or multinomial (2-D logits) labels drawn from the model."""
    if logits.ndim == 1:
        return (rng.random(len(logits)) < 1 / (1 + np.exp(-logits))).astype(np.int64)
    p = np.exp(logits - logits.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    return (p.cumsum(axis=1) > rng.random((len(p), 1))).argmax(axis=1).astype(np.int64)


def dense_gaussian(n: int, d: int, n_classes: int = 2, seed: int = 0):
    """Gaussian features, neighbouring ones correlated (0.5), labels from a logistic model."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d))
    X[:, 1:] += 0.5 * X[:, :-1]
    shape = (d,) if n_classes == 2 else (d, n_classes)
    beta = rng.standard_normal(shape) / np.sqrt(d)
    return X, _labels(rng, X @ beta + 0.3)


def common_factor(n: int, d: int, n_informative: int = 150, seed: int = 0):
    """Features sharing one common factor (pairwise correlation 0.3); sparse true model."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d))
    X *= np.sqrt(0.7)
    X += np.sqrt(0.3) * rng.standard_normal((n, 1))
    beta = np.zeros(d)
    support = rng.choice(d, n_informative, replace=False)
    beta[support] = rng.choice([-1.0, 1.0], n_informative) * rng.uniform(0.2, 0.6, n_informative)
    return X, _labels(rng, X @ beta)


def ill_conditioned(n: int, d: int, seed: int = 0):
    """Columns on scales from 1e-3 to 1e3 (log-spaced, shuffled), not standardized."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d))
    X[:, 1:] += 0.5 * X[:, :-1]
    scales = rng.permutation(np.logspace(-3, 3, d))
    X *= scales
    beta = rng.standard_normal(d) / np.sqrt(d) / scales  # every column carries signal
    return X, _labels(rng, X @ beta + 0.3)


def sparse_text(n: int, d: int, per_row: int = 40, seed: int = 0):
    """Bag-of-words-like CSR rows: Zipf column popularity, log counts, unit L2 row norms."""
    rng = np.random.default_rng(seed)
    cols = np.minimum(rng.zipf(1.3, size=n * per_row) - 1, d - 1)
    rows = np.repeat(np.arange(n), per_row)
    X = sp.csr_matrix((np.ones(n * per_row), (rows, cols)), shape=(n, d))
    X.sum_duplicates()
    X.data = np.log1p(X.data)
    norms = np.sqrt(np.asarray(X.multiply(X).sum(axis=1)).ravel())
    X = (sp.diags(1 / np.maximum(norms, 1e-12)) @ X).tocsr()
    beta = np.zeros(d)
    informative = rng.choice(min(d, 2_000), 300, replace=False)
    beta[informative] = 4 * rng.standard_normal(300)
    logits = X @ beta
    return X, _labels(rng, logits - logits.mean())


GENERATORS: dict[str, Callable] = {
    "dense_gaussian": dense_gaussian,
    "common_factor": common_factor,
    "ill_conditioned": ill_conditioned,
    "sparse_text": sparse_text,
}


def _l1_path(C: float) -> Spec:
    return Spec(
        f"l1-corr-C{C:g}",
        f"dense 20k×2000 L1 C={C:g}, common factor (corr 0.3): the path",
        "common_factor", 20_000, 2_000, C, l1_ratio=1.0, quick_n=4_000, quick_d=400,
    )  # fmt: skip


_SPECS = [
    Spec("dense-l2", "dense 200k×100, L2 C=1", "dense_gaussian", 200_000, 100, 1.0),
    Spec("dense-wide-l2", "dense wide 50k×1000, L2 C=1", "dense_gaussian", 50_000, 1_000, 1.0),
    Spec(
        "sparse-l2", "sparse text-like 100k×50k, ~40 nnz/row, Zipf columns, L2 C=1",
        "sparse_text", 100_000, 50_000, 1.0, quick_d=20_000,
    ),
    Spec(
        "l1-corr", "dense 20k×2000 L1 C=0.01, common factor (corr 0.3), ~190 non-zeros",
        "common_factor", 20_000, 2_000, 0.01, l1_ratio=1.0, quick_n=4_000, quick_d=400,
    ),
    Spec("multinomial-k10", "multinomial K=10, 100k×100, L2 C=1", "dense_gaussian",
         100_000, 100, 1.0, n_classes=10),
    Spec("unpenalized", "unpenalized 100k×50 (+ standard errors)", "dense_gaussian",
         100_000, 50, np.inf),
    Spec(
        "sparse-l1", "sparse text-like 100k×50k, L1 C=2", "sparse_text", 100_000, 50_000, 2.0,
        l1_ratio=1.0, quick_d=20_000,
    ),
    _l1_path(0.003),
    _l1_path(0.03),
    _l1_path(0.1),
    Spec("multinomial-k50", "multinomial K=50, 20k×500, L2 C=1", "dense_gaussian",
         20_000, 500, 1.0, n_classes=50, quick_n=4_000),
    Spec("dense-l2-f32", "dense 200k×100 float32, L2 C=1", "dense_gaussian", 200_000, 100, 1.0,
         dtype="float32"),
    Spec("dense-wide-l2-f32", "dense wide 50k×1000 float32, L2 C=1", "dense_gaussian",
         50_000, 1_000, 1.0, dtype="float32"),
    Spec(
        "sparse-l2-f32", "sparse text-like 100k×50k float32, L2 C=1", "sparse_text",
        100_000, 50_000, 1.0, dtype="float32", quick_d=20_000,
    ),
    Spec("ill-conditioned", "dense 100k×100, column scales 1e-3..1e3, unstandardized, L2 C=1",
         "ill_conditioned", 100_000, 100, 1.0),
]  # fmt: skip
PROBLEMS: dict[str, Spec] = {spec.name: spec for spec in _SPECS}


@lru_cache(maxsize=2)
def _generate(generator: str, n: int, d: int, n_classes: int):
    function = GENERATORS[generator]
    if generator == "dense_gaussian":
        return function(n, d, n_classes)
    return function(n, d)


def make(spec: Spec):
    """``(X, y)`` for a problem already shrunk with ``Spec.shrunk``; X in the spec's dtype."""
    X, y = _generate(spec.generator, spec.n, spec.d, spec.n_classes)
    if spec.dtype != "float64":
        X = X.astype(spec.dtype)
    return X, y
