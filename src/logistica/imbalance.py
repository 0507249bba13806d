"""Class imbalance: reweighting, resampling, and correcting the prior afterwards.

Three tools, by what they change:

- **Reweighting** — ``LogisticRegression(class_weight="balanced")`` weighs
  class ``k`` by ``n / (K · nₖ)`` (counting samples by their
  ``sample_weight``), exactly as ``sample_weight=compute_sample_weight(
  "balanced", y)`` would. The fit then describes a population where the
  classes are equally frequent: for a well-specified model the slopes stay
  consistent, but the intercept shifts, so the predicted probabilities average
  to ``1/K`` over the weighted data instead of matching the data's prevalence.
- **Resampling** — :func:`make_resampled_pipeline` puts an imbalanced-learn
  sampler (SMOTE, random under- or over-sampling) before the model in an
  imbalanced-learn :class:`~imblearn.pipeline.Pipeline`, so resampling happens
  on training folds only (never on held-out data). Needs the optional extra:
  ``pip install "logistica[imbalance]"``.
- **Prior correction** — reweighting, resampling and case-control sampling all
  fit the model at a training prevalence that differs from the population's.
  For a logistic model only the intercept is affected (King & Zeng, 2001):
  :func:`prior_correction` moves it from the training prevalence to the
  population prevalence, which restores calibrated probabilities.

Often better than all three: keep the data as it is, and move the decision
threshold instead (:mod:`logistica.thresholds`).
"""

from __future__ import annotations

import copy
import importlib
from typing import Any

import numpy as np
from numpy.typing import ArrayLike
from sklearn.utils.validation import check_is_fitted

__all__ = ["make_resampled_pipeline", "prior_correction"]

_INSTALL_HINT = 'pip install "logistica[imbalance]"'
_SAMPLERS = {
    "smote": ("imblearn.over_sampling", "SMOTE"),
    "over": ("imblearn.over_sampling", "RandomOverSampler"),
    "under": ("imblearn.under_sampling", "RandomUnderSampler"),
}


def _prevalence(value, name: str, n_classes: int) -> np.ndarray:
    """Class prevalences: a scalar (positive class) for binary, K values summing to 1 otherwise."""
    array = np.asarray(value, dtype=np.float64)
    if n_classes == 2 and array.ndim == 0:
        array = np.array([1.0 - array, array])
    if array.shape != (n_classes,):
        expected = "a number (positive-class share)" if n_classes == 2 else f"{n_classes} shares"
        raise ValueError(f"{name} must be {expected} for this model, got {value!r}")
    if not (np.all(np.isfinite(array)) and np.all((array > 0) & (array < 1))):
        raise ValueError(f"{name} must lie strictly between 0 and 1, got {value!r}")
    if abs(array.sum() - 1.0) > 1e-6:
        raise ValueError(f"{name} must sum to 1 over the classes, got {array.sum():g}")
    return array


def prior_correction(model, train_prevalence: ArrayLike, population_prevalence: ArrayLike):
    """A copy of a fitted logistic model with its intercept moved to another class prevalence.

    King & Zeng's prior correction: a logistic model fitted on data whose
    positive share is ``ȳ`` (case-control sampling, resampling, class
    weights) has consistent slopes but an intercept shifted by
    ``logit(ȳ) − logit(τ)`` relative to a population with positive share
    ``τ``; the correction subtracts that shift,
    ``b − log[((1 − τ)/τ) · (ȳ/(1 − ȳ))]``. A multinomial model shifts each
    class's intercept by ``log(τₖ/ȳₖ)``; a one-vs-rest model (``multi_class=
    "ovr"``) corrects each binary model as above. The input is not modified.

    Parameters
    ----------
    model : fitted classifier or Pipeline
        A fitted linear classifier with ``intercept_`` and ``classes_``
        (:class:`~logistica.LogisticRegression`, scikit-learn's), or a pipeline
        ending in one.
    train_prevalence : float or array-like of shape (n_classes,)
        Share of the positive class (binary) or of each class in the data the
        model was fitted on, as the model saw it (after resampling or weighting:
        0.5 with ``class_weight="balanced"``).
    population_prevalence : float or array-like of shape (n_classes,)
        The same shares in the population the predictions are for.

    Returns
    -------
    object
        A deep copy of ``model`` with corrected intercept(s).

    Examples
    --------
    >>> import numpy as np
    >>> from logistica import LogisticRegression
    >>> X = np.array([[0.0], [1.0], [2.0], [3.0]]); y = np.array([0, 1, 0, 1])
    >>> model = LogisticRegression().fit(X, y)
    >>> corrected = prior_correction(model, 0.5, 0.1)
    >>> round(float(corrected.intercept_[0] - model.intercept_[0]), 4)  # log(1/9)
    -2.1972
    """
    corrected = copy.deepcopy(model)
    linear = corrected[-1] if hasattr(corrected, "steps") else corrected
    check_is_fitted(linear)
    if not hasattr(linear, "intercept_"):
        raise ValueError(
            f"{type(linear).__name__} has no intercept_: prior correction needs a linear model"
        )
    n_classes = len(linear.classes_)
    train = _prevalence(train_prevalence, "train_prevalence", n_classes)
    population = _prevalence(population_prevalence, "population_prevalence", n_classes)
    log_odds_shift = np.log(population / (1 - population)) - np.log(train / (1 - train))
    if n_classes == 2:
        shift = log_odds_shift[1]
    elif getattr(linear, "multi_class", "multinomial") == "ovr":
        shift = log_odds_shift
    else:
        shift = np.log(population) - np.log(train)
    linear.intercept_ = linear.intercept_ + shift
    return corrected


def _import_imblearn(module: str):
    try:
        return importlib.import_module(module)
    except ImportError as error:
        raise ImportError(
            f"resampling needs imbalanced-learn, an optional extra: {_INSTALL_HINT}"
        ) from error


def make_resampled_pipeline(
    model,
    sampler: str | Any = "smote",
    *,
    sampling_strategy: str | float | dict = "auto",
    random_state: int | None = None,
    **sampler_params: Any,
):
    """An imbalanced-learn pipeline that resamples the training data before fitting ``model``.

    Resampling happens in ``fit`` only; ``predict`` and ``predict_proba`` see
    the data unchanged, and cross-validation resamples each training fold, never
    the held-out one. Probabilities then reflect the resampled prevalence:
    correct them with :func:`prior_correction` when calibrated probabilities
    matter.

    Parameters
    ----------
    model : estimator
        The classifier to fit on resampled data (unfitted).
    sampler : {"smote", "under", "over"} or sampler instance, default="smote"
        ``"smote"``: :class:`imblearn.over_sampling.SMOTE`; ``"over"``:
        :class:`~imblearn.over_sampling.RandomOverSampler`; ``"under"``:
        :class:`~imblearn.under_sampling.RandomUnderSampler`; or any object with
        ``fit_resample`` (used as is, the keyword arguments below ignored).
    sampling_strategy : str, float or dict, default="auto"
        imbalanced-learn's target class ratio(s); ``"auto"`` balances the classes.
    random_state : int, optional
        Seed of the sampler.
    **sampler_params
        Further sampler parameters, e.g. ``k_neighbors=3`` for SMOTE.

    Returns
    -------
    imblearn.pipeline.Pipeline
        Steps ``("sampler", ...)`` and ``("model", model)``.

    Raises
    ------
    ImportError
        When imbalanced-learn is not installed (``pip install "logistica[imbalance]"``).

    Examples
    --------
    >>> from logistica import LogisticRegression
    >>> pipe = make_resampled_pipeline(LogisticRegression(), "under", random_state=0)
    >>> [name for name, _ in pipe.steps]
    ['sampler', 'model']
    """
    pipeline = _import_imblearn("imblearn.pipeline")
    if isinstance(sampler, str):
        if sampler not in _SAMPLERS:
            raise ValueError(
                f"unknown sampler {sampler!r}; choose one of {sorted(_SAMPLERS)} "
                "or pass a sampler instance"
            )
        module, name = _SAMPLERS[sampler]
        sampler_class = getattr(_import_imblearn(module), name)
        sampler = sampler_class(
            sampling_strategy=sampling_strategy, random_state=random_state, **sampler_params
        )
    elif not hasattr(sampler, "fit_resample"):
        raise ValueError(
            f"sampler must be 'smote', 'under', 'over' or have fit_resample, got {sampler!r}"
        )
    return pipeline.Pipeline([("sampler", sampler), ("model", model)])
