"""
Breast-cancer screening, end to end, with recall ≥ 0.99
========================================================

A screening test must miss almost no malignant tumour. We fit a model, choose the decision
threshold **by cross-validation on the training part** so that recall stays at least 0.99
while precision is as high as it can be, and check the promise on the held-out test set.
"""

# %%
import matplotlib.pyplot as plt
from sklearn.model_selection import train_test_split

from logistica import LogisticRegression
from logistica.datasets import load_breast_cancer
from logistica.plots import plot_confusion_matrix, plot_precision_recall
from logistica.thresholds import ThresholdClassifier

X, y = load_breast_cancer()
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.3, stratify=y, random_state=1)

# %%
# ``ThresholdClassifier`` tunes the threshold on out-of-fold scores (never on the data it
# is judged on), then refits the model on all the training data.
screen = ThresholdClassifier(
    LogisticRegression(C=1.0), objective="precision", constraint={"recall": 0.99}, cv=5
).fit(X_train, y_train)
print(f"tuned threshold: {screen.threshold_:.3f} (the default would be 0.5)")

# %%
# On the test set: recall close to the target, and the precision it costs.
from sklearn.metrics import precision_score, recall_score  # noqa: E402

pred = screen.predict(X_test)
print("test recall   ", round(recall_score(y_test, pred, pos_label="malignant"), 3))
print("test precision", round(precision_score(y_test, pred, pos_label="malignant"), 3))

p = screen.predict_proba(X_test)[:, 1]
is_malignant = (y_test == "malignant").astype(int)  # the plots take 0/1 labels
fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
plot_precision_recall(is_malignant, p, threshold=screen.threshold_, ax=left)
plot_confusion_matrix(y_test, pred, ax=right)
fig.tight_layout()
