"""
A threshold for a cost matrix
=============================

When a missed positive costs ten times a false alarm, the best threshold is not 0.5. For a
calibrated probability :math:`p` the expected cost of saying "positive" is
:math:`(1-p)\\,c_{FP}` and of saying "negative" :math:`p\\,c_{FN}`, so the Bayes threshold
is :math:`c_{FP}/(c_{FP}+c_{FN}) = 1/11`. ``tune_threshold`` finds the empirical optimum.
"""

# %%
import numpy as np
from sklearn.datasets import make_classification
from sklearn.model_selection import train_test_split

from logistica import LogisticRegression
from logistica.plots import plot_threshold_metrics
from logistica.thresholds import cost_sensitive_predict, tune_threshold

X, y = make_classification(n_samples=4000, n_features=8, weights=[0.8], random_state=3)
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.5, random_state=0)
p = LogisticRegression().fit(X_train, y_train).predict_proba(X_test)[:, 1]

# rows: true class (0, 1); columns: decision (0, 1). A false negative costs 10.
costs = np.array([[0.0, 1.0], [10.0, 0.0]])
result = tune_threshold(y_test, p, cost_matrix=costs)
print(f"tuned threshold {result.threshold:.3f}; Bayes threshold {1 / 11:.3f}")


def total_cost(decision):
    return costs[y_test, decision].sum()


print("cost at 0.5           ", total_cost((p >= 0.5).astype(int)))
print("cost at tuned         ", total_cost((p >= result.threshold).astype(int)))
print("cost, Bayes decisions ", total_cost(cost_sensitive_predict(np.c_[1 - p, p], costs)))

# %%
ax = plot_threshold_metrics(y_test, p, costs=(1.0, 10.0), threshold=result.threshold)
ax.figure.set_size_inches(7, 4)
