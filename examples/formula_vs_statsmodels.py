"""
Inference on a formula with categorical variables, next to statsmodels
======================================================================

``logistica.logit`` takes an R-style formula (extra ``logistica[formula]``): ``C(region)``
is one-hot encoded against a reference level and ``age:dose`` is an interaction. The
coefficients, standard errors and p-values match statsmodels' ``Logit`` to many digits.
"""

# %%
import numpy as np
import pandas as pd
import statsmodels.formula.api as smf

import logistica

rng = np.random.default_rng(42)
n = 800
data = pd.DataFrame(
    {
        "age": rng.normal(50, 12, n).round(),
        "dose": rng.uniform(0, 4, n).round(2),
        "region": rng.choice(["north", "south", "east"], n),
    }
)
effect = data.region.map({"north": 0.0, "south": 0.7, "east": -0.4})
z = -4 + 0.05 * data.age + 0.6 * data.dose + effect
data["y"] = (rng.random(n) < 1 / (1 + np.exp(-z))).astype(int)

formula = "y ~ age + dose + C(region) + age:dose"
model = logistica.logit(formula, data)
results = model.summarize()
print(results.summary())

# %%
# statsmodels on the same formula: the same numbers, term for term.
reference = smf.logit(formula, data).fit(disp=0)
ours = pd.DataFrame({"coef": results.params, "SE": results.bse, "p": results.pvalues})
ours.index = ours.index.str.replace("intercept", "Intercept")
theirs = pd.DataFrame({"coef": reference.params, "SE": reference.bse, "p": reference.pvalues})
theirs = theirs.loc[ours.index]
print(pd.concat({"logistica": ours, "statsmodels": theirs}, axis=1).round(5))
print("largest |difference| (coef, SE, p):", (ours - theirs).abs().max().to_numpy())
