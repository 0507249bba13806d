"""Geometry: the decision boundary and probability contours in a plane of the data."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.utils.validation import check_is_fitted

from ..explain import resolve_feature_names
from ._style import PALETTE, SEQUENTIAL, get_axes, label, series_style

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["plot_decision_boundary"]

_PROB_LEVELS = (0.1, 0.25, 0.5, 0.75, 0.9)


class _Plane:
    """The 2-d plane drawn: the data's two columns, or its first two principal components."""

    def __init__(self, model, X: np.ndarray, projection: str | None) -> None:
        names = resolve_feature_names(model)
        if projection is None:
            if X.shape[1] != 2:
                raise ValueError(
                    f"X has {X.shape[1]} features; a boundary is drawn in 2 dimensions: "
                    "pass projection='pca' to draw it in the first two principal components"
                )
            self.pca = None
            self.labels = names
        elif projection == "pca":
            from sklearn.decomposition import PCA

            self.pca = PCA(n_components=2).fit(X)
            share = self.pca.explained_variance_ratio_ * 100
            self.labels = [f"PC{k + 1} ({share[k]:.0f}% of variance)" for k in range(2)]
        else:
            raise ValueError(f"projection must be None or 'pca', got {projection!r}")
        self.columns = getattr(model, "feature_names_in_", None)

    def project(self, X: np.ndarray) -> np.ndarray:
        return X if self.pca is None else self.pca.transform(X)

    def lift(self, points: np.ndarray):
        """Points of the plane back in feature space (other components at their mean)."""
        rows = points if self.pca is None else self.pca.inverse_transform(points)
        return rows if self.columns is None else pd.DataFrame(rows, columns=self.columns)


def plot_decision_boundary(
    model,
    X,
    y,
    ax: Axes | None = None,
    projection: str | None = None,
    *,
    resolution: int = 200,
) -> Axes:
    """Decision regions, probability contours and the data in a plane.

    Binary models: filled contours of the positive-class probability, the
    decision boundary ``p = 0.5`` as a solid line and labelled contours at
    0.1, 0.25, 0.75, 0.9. Multiclass models: each predicted class's region in
    its colour and labelled contours of the largest class probability.

    Parameters
    ----------
    model : fitted classifier
        With ``predict_proba`` and ``classes_`` (e.g. ``LogisticRegression``).
    X : array-like, DataFrame or sparse matrix of shape (n_samples, n_features)
        Data to draw (e.g. the training rows).
    y : array-like of shape (n_samples,)
        Their labels (values of ``model.classes_``).
    ax : matplotlib Axes, optional
        Where to draw; a new figure by default.
    projection : {None, "pca"}, default=None
        ``None`` needs two features. ``"pca"`` draws in the plane of the first
        two principal components of ``X``; the grid is mapped back to feature
        space (the other components at their mean) to evaluate the model, so
        the boundary drawn is the model's on that plane.
    resolution : int, default=200
        Grid points per axis.

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> import numpy as np
    >>> from logistica import LogisticRegression
    >>> from logistica.plots import plot_decision_boundary
    >>> X = np.random.default_rng(0).normal(size=(40, 2)); y = (X.sum(axis=1) > 0).astype(int)
    >>> ax = plot_decision_boundary(LogisticRegression().fit(X, y), X, y)
    >>> ax.get_xlabel(), ax.get_ylabel()
    ('x0', 'x1')
    """
    check_is_fitted(model)
    frame_columns = X.columns if isinstance(X, pd.DataFrame) else None
    dense = X.toarray() if sp.issparse(X) else np.asarray(X, dtype=np.float64)
    if frame_columns is not None and hasattr(model, "feature_names_in_"):
        dense = pd.DataFrame(dense, columns=frame_columns)[model.feature_names_in_].to_numpy()
    y = np.asarray(y)
    if y.shape != (dense.shape[0],):
        raise ValueError(f"y must have shape ({dense.shape[0]},), got {y.shape}")
    plane = _Plane(model, dense, projection)
    points = plane.project(dense)
    lo, hi = points.min(axis=0), points.max(axis=0)
    pad = 0.1 * np.where(hi > lo, hi - lo, 1.0)
    u = np.linspace(lo[0] - pad[0], hi[0] + pad[0], resolution)
    v = np.linspace(lo[1] - pad[1], hi[1] + pad[1], resolution)
    uu, vv = np.meshgrid(u, v)
    proba = model.predict_proba(plane.lift(np.column_stack([uu.ravel(), vv.ravel()])))
    ax = get_axes(ax)
    classes = model.classes_
    if len(classes) == 2:
        p = proba[:, 1].reshape(uu.shape)
        ax.contourf(uu, vv, p, levels=np.linspace(0, 1, 11), cmap=SEQUENTIAL, alpha=0.35)
        lines = ax.contour(
            uu,
            vv,
            p,
            levels=list(_PROB_LEVELS),
            colors="k",
            linewidths=[0.6, 0.6, 1.8, 0.6, 0.6],
            linestyles=[":", "--", "-", "--", ":"],
        )
        positive = str(classes[1]).replace("%", "%%")
        ax.clabel(lines, fmt=f"P({positive})=%.2f", fontsize="x-small")
    else:
        codes = proba.argmax(axis=1).reshape(uu.shape)
        k = len(classes)
        ax.contourf(uu, vv, codes, levels=np.arange(k + 1) - 0.5, colors=PALETTE[:k], alpha=0.25)
        ax.contour(uu, vv, codes, levels=np.arange(k - 1) + 0.5, colors="k", linewidths=1.5)
        top = ax.contour(
            uu,
            vv,
            proba.max(axis=1).reshape(uu.shape),
            levels=[0.5, 0.75, 0.9],
            colors="0.3",
            linewidths=0.6,
            linestyles=":",
        )
        ax.clabel(top, fmt="max P=%.2f", fontsize="x-small")
    for i, cls in enumerate(classes):
        rows = y == cls
        style = series_style(i, marker=True)
        ax.scatter(
            points[rows, 0],
            points[rows, 1],
            s=18,
            c=style["color"],
            marker=style["marker"],
            edgecolors="white",
            linewidths=0.4,
            label=f"class {cls}",
        )
    ax.set_xlim(u[0], u[-1])
    ax.set_ylim(v[0], v[-1])
    title = "Decision boundary" + (" (PCA plane)" if plane.pca is not None else "")
    return label(ax, title, plane.labels[0], plane.labels[1])
