"""
Separation detected, and handled with Firth's method
====================================================

When a feature separates the classes perfectly, the maximum-likelihood coefficient is
infinite: the likelihood keeps rising as the coefficient grows. logistica detects it (a
linear-programming check) and warns with a ``SeparationWarning`` naming the feature.
Firth's penalized likelihood gives finite, bias-reduced estimates with usable intervals.
"""

# %%
import warnings

import numpy as np
import pandas as pd

from logistica import LogisticRegression, SeparationWarning

rng = np.random.default_rng(0)
n = 60
X = pd.DataFrame({"dose": rng.uniform(0, 10, n), "age": rng.normal(50, 10, n)})
y = (X["dose"] > 5).astype(int).rename("response")  # dose separates the outcome exactly

with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    mle = LogisticRegression(C=np.inf).fit(X, y)
for w in caught:
    if issubclass(w.category, SeparationWarning):
        print("SeparationWarning:", w.message)
print("maximum likelihood coefficients:", mle.coef_.round(1), "(growing without bound)")

# %%
# Firth's method adds half the log-determinant of the Fisher information to the
# log-likelihood; the estimates stay finite.
firth = LogisticRegression(C=np.inf, firth=True).fit(X, y)
print("Firth coefficients:", firth.coef_.round(3))
print(firth.summarize(X, y).summary())
