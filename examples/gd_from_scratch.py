"""
Gradient descent from scratch, next to logistica's solvers
==========================================================

Logistic regression written in ten lines of NumPy — the sigmoid, the log-loss and its
gradient :math:`X^\\top(p - y)/n` — minimised by plain gradient descent, on the same data
and the same objective as logistica's ``gd``, ``lbfgs`` and ``newton`` solvers. The loss
curves are overlaid: gradient descent needs hundreds of steps, Newton a handful.
"""

# %%
# The data: the breast-cancer set, standardized so a fixed step size works.
import warnings

import matplotlib.pyplot as plt
import numpy as np

from logistica import ConvergenceWarning, LogisticRegression
from logistica.datasets import load_breast_cancer

X, y = load_breast_cancer()
X = ((X - X.mean()) / X.std()).to_numpy()
t = (y == "malignant").to_numpy().astype(float)
n, d = X.shape


# %%
# The model from scratch. The objective is logistica's (and scikit-learn's) divided by
# ``C * n``: mean log-loss plus ``||w||² / (2 C n)``; the intercept is not penalized.
def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def objective(w, b, C=1.0):
    z = X @ w + b
    return np.mean(np.logaddexp(0, z) - t * z) + w @ w / (2 * C * n)


def gradient(w, b, C=1.0):
    r = sigmoid(X @ w + b) - t  # p - y
    return X.T @ r / n + w / (C * n), r.mean()


w, b, step, history = np.zeros(d), 0.0, 0.5, []
for _ in range(300):
    history.append(objective(w, b))
    gw, gb = gradient(w, b)
    w, b = w - step * gw, b - step * gb
print(f"from scratch after 300 steps: {history[-1]:.6f}")

# %%
# The same objective through logistica's solvers. ``loss_history_`` holds the objective
# after every iteration, on the same scale (mean log-loss plus penalty).
fig, ax = plt.subplots(figsize=(7, 4))
ax.plot(history, label="NumPy gradient descent (step 0.5)", lw=2)
for solver, options in [("gd", {"learning_rate": 0.5}), ("lbfgs", {}), ("newton", {})]:
    model = LogisticRegression(solver=solver, tol=1e-8, max_iter=300, solver_options=options)
    with warnings.catch_warnings():  # gd stops at max_iter, far from tol=1e-8: expected
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X, y)
    loss = model.loss_history_
    print(f"{solver:>6}: {model.n_iter_} iterations, objective {loss[-1]:.6f}")
    ax.plot(loss, marker="." if loss.size < 50 else None, label=f"logistica {solver}")
ax.set_xscale("symlog", linthresh=10)
ax.set_yscale("log")
ax.set_xlabel("iteration")
ax.set_ylabel("objective")
ax.legend()
ax.set_title("Same objective, four optimizers")
fig.tight_layout()
