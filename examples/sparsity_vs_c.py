"""
L1, L2 and elastic-net: sparsity against C
==========================================

The lasso (``l1_ratio=1``) sets coefficients exactly to zero, ridge (``l1_ratio=0``)
only shrinks them, the elastic-net sits between. ``logistic_path`` fits a warm-started
path from the smallest ``C`` at which every coefficient is zero.
"""

# %%
import matplotlib.pyplot as plt

from logistica import logistic_path
from logistica.datasets import load_breast_cancer

X, y = load_breast_cancer()

lasso = logistic_path(X, y, Cs=25, l1_ratio=1.0, standardize=True)
paths = {
    "L1 (lasso)": lasso,
    "elastic-net 0.5": logistic_path(X, y, Cs=25, l1_ratio=0.5, standardize=True),
    # ridge is never all zeros: use the lasso's grid
    "L2 (ridge)": logistic_path(X, y, Cs=lasso.Cs, l1_ratio=0.0, standardize=True),
}
fig, (count, coefs) = plt.subplots(1, 2, figsize=(11, 4))
for label, path in paths.items():
    count.plot(path.Cs, path.n_nonzero, marker=".", label=label)
    print(f"{label:>16}: non-zero {path.n_nonzero[[0, 12, -1]]} at C = {path.Cs[[0, 12, -1]]}")
coefs.plot(lasso.Cs, lasso.coefs.reshape(len(lasso.Cs), -1))
count.set_xscale("log")
count.set_xlabel("C (inverse penalty strength)")
count.set_ylabel("non-zero coefficients")
count.legend()
coefs.set_xscale("log")
coefs.set_xlabel("C")
coefs.set_ylabel("coefficient (standardized units)")
coefs.set_title("The lasso path: features enter one by one")
fig.tight_layout()
