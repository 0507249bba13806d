"""
The batch-size lesson in SGD
============================

SGD with batch sizes 1, 32, 256 and the full batch on one problem.

Loss against epochs and against wall time, with the exact optimum (newton) as the
reference: small batches make the most progress per epoch, larger ones per second
(NumPy pays per batch, not per row); the full batch is plain gradient descent.

Run: ``python examples/sgd_batch_sizes.py [output.png]`` (about 10 s).
"""

from __future__ import annotations

import sys
import time
import warnings

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

from logistica import ConvergenceWarning, LogisticRegression

rng = np.random.default_rng(0)
n, d = 5_000, 20
X = rng.standard_normal((n, d))
y = (rng.random(n) < 1 / (1 + np.exp(-(X @ rng.standard_normal(d) / 2)))).astype(int)

optimum = LogisticRegression(solver="newton", tol=1e-10).fit(X, y).loss_history_[-1]
fig, (by_epoch, by_time) = plt.subplots(1, 2, figsize=(11, 4), sharey=True)
for batch_size, epochs in [(1, 5), (32, 20), (256, 20), (n, 20)]:
    times: list[float] = []
    start = time.perf_counter()
    model = LogisticRegression(
        solver="sgd",
        max_iter=epochs,
        solver_options={"batch_size": batch_size, "random_state": 0},
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X, y)
    elapsed = time.perf_counter() - start
    gap = (model.loss_history_ - optimum) / optimum
    label = "full batch" if batch_size == n else f"batch {batch_size}"
    loss = model.loss_history_
    by_epoch.plot(np.arange(loss.size), loss, marker=".", label=label)
    # the epochs are equally long: spread the fit's wall time over them
    by_time.plot(np.linspace(0, elapsed, loss.size), loss, marker=".", label=label)
    print(f"{label:>11}: gap {gap[-1]:.1e} after {epochs} epochs, {elapsed:.2f} s")
by_time.set_xscale("symlog", linthresh=0.01)
for ax, xlabel in [(by_epoch, "epoch"), (by_time, "wall time (s)")]:
    ax.axhline(optimum, color="k", lw=1, ls="--", label="exact optimum (newton)")
    ax.set_ylim(optimum - 0.002, optimum + 0.05)
    ax.set_xlabel(xlabel)
    ax.grid(alpha=0.3)
by_epoch.set_ylabel("objective (mean log-loss + penalty)")
by_epoch.legend()
fig.suptitle("Mini-batch SGD with averaging, by batch size")
fig.tight_layout()
out = sys.argv[1] if len(sys.argv) > 1 else "sgd_batch_sizes.png"
fig.savefig(out, dpi=100)
print(f"figure written to {out}")
