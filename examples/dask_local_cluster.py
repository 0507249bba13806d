"""
A Dask LocalCluster fit
=======================

``logistica.dask.LogisticRegression`` fits on a Dask array partitioned across workers
(extra ``logistica[dask]``): every Newton iteration is one graph submission, each
partition returns its loss, gradient and ``XᵀWX``, and only those small sums travel. The
result equals the in-memory fit.
"""

# %%
import dask.array as da
import numpy as np
from dask.distributed import Client, LocalCluster

from logistica import LogisticRegression
from logistica.dask import LogisticRegression as DaskLogisticRegression

rng = np.random.default_rng(0)
n, d = 40_000, 10
X = rng.standard_normal((n, d))
y = (rng.random(n) < 1 / (1 + np.exp(-(X @ rng.standard_normal(d))))).astype(int)

# Two workers in this process (``processes=False`` keeps the example light; a real cluster
# gives the Client its scheduler address instead).
with LocalCluster(n_workers=2, threads_per_worker=1, processes=False) as cluster, Client(cluster):
    Xd = da.from_array(X, chunks=(10_000, d))  # four partitions
    yd = da.from_array(y, chunks=10_000)
    distributed = DaskLogisticRegression(C=1.0).fit(Xd, yd)

local = LogisticRegression(C=1.0).fit(X, y)
print("iterations:", distributed.n_iter_, "converged:", distributed.converged_)
gap = float(np.max(np.abs(distributed.coef_ - local.coef_)))
print(f"max |coef difference| vs the in-memory fit: {gap:.1e}")
