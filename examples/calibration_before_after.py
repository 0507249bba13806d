"""
Calibration before and after
============================

A model trained with strong class weights ranks well but its probabilities are too high
for the positive class. Temperature, sigmoid (Platt) and isotonic calibration, fitted by
cross-validation, bring the reliability curve back to the diagonal; the expected
calibration error (ECE) measures how far it was.
"""

# %%
import matplotlib.pyplot as plt
from sklearn.datasets import make_classification
from sklearn.model_selection import train_test_split

from logistica import LogisticRegression
from logistica.calibration import CalibratedModel
from logistica.metrics import expected_calibration_error
from logistica.plots import plot_reliability

X, y = make_classification(
    n_samples=6000, n_features=10, n_informative=5, weights=[0.85], random_state=0
)
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.5, random_state=0)

# %%
# ``class_weight="balanced"`` pretends both classes are equally common: good ranking,
# inflated probabilities.
raw = LogisticRegression(class_weight="balanced").fit(X_train, y_train)
p_raw = raw.predict_proba(X_test)[:, 1]
print(f"uncalibrated  ECE {expected_calibration_error(y_test, p_raw):.3f}")

calibrated = {}
for method in ["temperature", "sigmoid", "isotonic"]:
    model = CalibratedModel(LogisticRegression(class_weight="balanced"), method=method, cv=5)
    calibrated[method] = model.fit(X_train, y_train).predict_proba(X_test)[:, 1]
    print(f"{method:>12}  ECE {expected_calibration_error(y_test, calibrated[method]):.3f}")

# %%
# Temperature scaling divides the log-odds by one number, so it cannot remove the shift a
# class weight adds; Platt's sigmoid fits a slope *and* an intercept.
fig, axes = plt.subplots(1, 3, figsize=(13, 4), sharey=True)
for ax, (method, p) in zip(axes, calibrated.items(), strict=True):
    plot_reliability(y_test, p_raw, calibrated=p, ax=ax)
    ax.set_title(method)
fig.tight_layout()
