"""
Multinomial decision regions on two features
============================================

Softmax regression on two iris measurements: three classes, one linear score per class,
and regions bounded by the lines where two scores tie. One-vs-rest fits three separate
binary models instead; its regions differ where the classes overlap.
"""

# %%
import matplotlib.pyplot as plt

from logistica import LogisticRegression
from logistica.datasets import load_iris
from logistica.plots import plot_decision_boundary

X, y = load_iris()
X2 = X[["petal length (cm)", "sepal width (cm)"]]

fig, axes = plt.subplots(1, 2, figsize=(11, 4.5), sharey=True)
for ax, multi_class in zip(axes, ["multinomial", "ovr"], strict=True):
    model = LogisticRegression(C=10.0, multi_class=multi_class).fit(X2, y)
    plot_decision_boundary(model, X2, y, ax=ax)
    ax.set_title(f"{multi_class}: training accuracy {model.score(X2, y):.3f}")
    print(multi_class, "coefficients:\n", model.coef_.round(2))
fig.tight_layout()
