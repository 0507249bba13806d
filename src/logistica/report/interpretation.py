"""The report's model sections: coefficients (with inference when valid), VIF, explanations.

Standard errors, p-values and intervals come from :mod:`logistica.inference`
and are shown only for unpenalized (or Firth) fits with training data: for a
penalized fit naive standard errors ignore the shrinkage and are not valid.
Explanations come from :mod:`logistica.explain`.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
from sklearn.utils import _safe_indexing

from ..explain import global_importance, resolve_feature_names, top_contributions
from ..inference import Results, summarize, variance_inflation_factors

__all__ = ["coefficient_section", "example_rows", "explanation_section", "fit_inference"]

PENALIZED_NOTE = (
    "The model was fitted with a penalty: naive standard errors, p-values and confidence "
    "intervals ignore the shrinkage and are not valid, so only the coefficients are shown."
)


def fit_inference(linear, X_train, y_train) -> Results | None:
    """Inference results on the training data, or ``None`` when they cannot be computed."""
    if X_train is None or y_train is None:
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return summarize(linear, X_train, y_train)
    except ValueError:  # e.g. one-vs-rest or focal-loss models have no likelihood
        return None


def _flat(frame: pd.Series | pd.DataFrame) -> pd.Series:
    """Parameters as one Series indexed by (class, term) or term."""
    if isinstance(frame, pd.Series):
        return frame
    return frame.T.stack()


def _inference_rows(results: Results, binary: bool) -> list[dict]:
    params, bse = _flat(results.params), _flat(results.bse)
    z, p = _flat(results.tvalues), _flat(results.pvalues)
    ci = results.conf_int()
    rows = []
    for i, label in enumerate(params.index):
        cls, term = (None, label) if binary else label
        low, high = (float(v) for v in ci.iloc[i, :2])
        rows.append({
            "class": None if cls is None else str(cls), "feature": str(term),
            "coef": float(params.iloc[i]), "se": float(bse.iloc[i]), "z": float(z.iloc[i]),
            "p": float(p.iloc[i]), "ci_low": low, "ci_high": high,
            "odds_ratio": math.exp(min(float(params.iloc[i]), 700.0)),
            "or_low": math.exp(min(low, 700.0)), "or_high": math.exp(min(high, 700.0)),
        })  # fmt: skip
    return rows


def _coefficient_rows(linear, names: list[str]) -> list[dict]:
    coef, intercept = np.atleast_2d(linear.coef_), np.atleast_1d(linear.intercept_)
    binary = coef.shape[0] == 1
    rows = []
    for k in range(coef.shape[0]):
        cls = None if binary else str(linear.classes_[k])
        terms = [("intercept", intercept[k])] if linear.fit_intercept else []
        for term, value in [*terms, *zip(names, coef[k], strict=True)]:
            rows.append({"class": cls, "feature": str(term), "coef": float(value),
                         "odds_ratio": math.exp(min(float(value), 700.0))})  # fmt: skip
    return rows


def coefficient_section(view, results: Results | None, X_train, X_test) -> dict:
    """Coefficient table (inference when the fit is unpenalized), VIF and separation.

    Returns
    -------
    dict
        ``inference`` (bool), ``note``, ``rows``, ``vif`` (feature -> value),
        ``vif_source`` and ``separation`` (kind and features, or None).
    """
    linear = view.linear
    names = resolve_feature_names(view.explainable)
    binary = len(linear.classes_) == 2
    valid = results is not None and results.method != "penalized"
    if valid:
        rows, note = (
            _inference_rows(results, binary),
            (f"Estimates by {results.method}; Wald 95% intervals on the training data."),
        )
    else:
        rows = _coefficient_rows(linear, names)
        note = PENALIZED_NOTE if not math.isinf(linear.C) else (
            "Standard errors need the training data (X_train, y_train)."
        )  # fmt: skip
    X_vif, source = (X_train, "training") if X_train is not None else (X_test, "test")
    with np.errstate(divide="ignore", invalid="ignore"):
        vif = np.asarray(variance_inflation_factors(X_vif, fit_intercept=linear.fit_intercept))
    separation = None
    if results is not None:
        report = results.separation
        separation = {"kind": report.kind, "features": list(report.features)}
    return {
        "inference": bool(valid),
        "note": note,
        "rows": rows,
        "vif": {name: float(v) for name, v in zip(names, vif, strict=True)},
        "vif_source": source,
        "separation": separation,
    }


def example_rows(proba: np.ndarray, threshold: float | None) -> dict[str, int]:
    """Rows worth explaining: highest and lowest risk, and the one nearest the threshold.

    Multiclass: the most and least confident predictions and the median one.
    """
    if proba.shape[1] == 2:
        score = proba[:, 1]
        return {
            "highest predicted probability": int(score.argmax()),
            "closest to the threshold": int(np.abs(score - threshold).argmin()),
            "lowest predicted probability": int(score.argmin()),
        }
    confidence = proba.max(axis=1)
    order = np.argsort(confidence, kind="stable")
    return {
        "most confident prediction": int(order[-1]),
        "median confidence": int(order[order.size // 2]),
        "least confident prediction": int(order[0]),
    }


def explanation_section(view, X_test, proba: np.ndarray, n_top: int = 10) -> dict:
    """Global importance (mean |contribution| on the test data) and example rows' top terms.

    Returns
    -------
    dict
        ``importance`` (feature -> value, the ``n_top`` largest), ``baseline``
        (what contributions are relative to) and ``examples`` (one per example row:
        ``label``, ``row``, ``probability`` and ``contributions``).
    """
    linear = view.explainable
    importance = global_importance(linear, X_test).head(n_top)
    rows = example_rows(proba, view.threshold)
    positions = list(rows.values())
    tops = top_contributions(linear, _safe_indexing(X_test, positions), k=5)
    explained = proba[:, 1] if proba.shape[1] == 2 else proba.max(axis=1)
    examples = [
        {
            "label": label,
            "row": position,
            "probability": float(explained[position]),
            "contributions": [[name, value] for name, value in top],
        }
        for (label, position), top in zip(rows.items(), tops, strict=True)
    ]
    return {
        "importance": {str(k): float(v) for k, v in importance.items()},
        "baseline": "the training mean of each feature (model.feature_mean_)",
        "examples": examples,
        "scale": "log-odds of the positive class"
        if proba.shape[1] == 2
        else "linear predictor of the predicted class",
    }
