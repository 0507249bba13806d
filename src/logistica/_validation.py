"""Input and parameter checks shared by the estimators, the CLI and the service.

Every check raises at the boundary with the offending name, shape or value in
the message, so no error surfaces from deep inside a solver.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping
from typing import Any

import numpy as np
from sklearn.utils.class_weight import compute_class_weight
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import validate_data

__all__ = [
    "check_Cs",
    "check_class_weight",
    "check_offset",
    "check_penalty_factor",
    "check_sample_weight",
    "check_scalar_param",
    "encode_targets",
    "validate_X",
    "validate_X_y",
]

_DTYPES = [np.float64, np.float32]


def validate_X_y(estimator, X, y) -> tuple[Any, np.ndarray]:
    """Validate training data; records ``n_features_in_`` and ``feature_names_in_``.

    Returns
    -------
    X : ndarray or sparse matrix, float32 or float64
    y : ndarray of shape (n_samples,)
    """
    _check_y_finite(y)
    X, y = validate_data(
        estimator,
        X,
        y,
        accept_sparse=["csr", "csc"],
        dtype=_DTYPES,
        ensure_min_samples=2,
    )
    check_classification_targets(y)
    return X, y


def validate_X(estimator, X):
    """Validate prediction data against what the estimator was fitted on.

    Raises a ``ValueError`` naming the mismatch when the number of features, or
    their names (for pandas input), differ from those seen in ``fit``.
    """
    return validate_data(estimator, X, accept_sparse=["csr", "csc"], dtype=_DTYPES, reset=False)


def _check_y_finite(y) -> None:
    if y is None:
        raise ValueError(
            "this estimator requires y to be passed, but the target y is None; "
            "pass the class labels"
        )
    values = np.asarray(y)
    if values.dtype.kind == "f" and not np.all(np.isfinite(values)):
        raise ValueError("y contains NaN or inf; class labels must be finite")
    if values.dtype.kind == "O":
        missing = [v for v in values.ravel() if isinstance(v, float) and math.isnan(v)]
        if missing:
            raise ValueError("y contains NaN (missing labels); drop or impute those rows")


def encode_targets(y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sorted class labels and integer codes of ``y``.

    Raises
    ------
    ValueError
        When ``y`` holds a single class.

    Examples
    --------
    >>> classes, codes = encode_targets(np.array(["b", "a", "b"]))
    >>> classes.tolist(), codes.tolist()
    (['a', 'b'], [1, 0, 1])
    """
    classes, codes = np.unique(y, return_inverse=True)
    if classes.size < 2:
        raise ValueError(
            f"y contains a single class ({classes[0]!r}); a classifier needs at least "
            f"two classes to train"
        )
    return classes, codes.astype(np.intp)


def check_sample_weight(sample_weight, n_samples: int) -> np.ndarray:
    """Validated float64 sample weights (ones when ``None``).

    Raises
    ------
    ValueError
        For a wrong length, NaN/inf, negative values, or weights summing to zero.
    """
    if sample_weight is None:
        return np.ones(n_samples)
    if isinstance(sample_weight, numbers.Number):
        return np.full(n_samples, float(sample_weight))
    sw = np.asarray(sample_weight, dtype=np.float64)
    if sw.ndim != 1 or sw.shape[0] != n_samples:
        raise ValueError(f"sample_weight has shape {sw.shape}, expected ({n_samples},) to match X")
    if not np.all(np.isfinite(sw)):
        raise ValueError("sample_weight contains NaN or inf")
    if np.any(sw < 0):
        raise ValueError(f"sample_weight contains negative values (min {sw.min():g})")
    if not sw.sum() > 0:
        raise ValueError("sample_weight sums to zero: at least one sample needs a positive weight")
    return sw


def check_class_weight(
    class_weight, classes: np.ndarray, y: np.ndarray, sample_weight: np.ndarray
) -> np.ndarray:
    """Per-sample multipliers from ``class_weight`` (None, "balanced" or a dict).

    ``"balanced"`` weighs class ``k`` by ``Σsᵢ / (K · Σ_{yᵢ=k} sᵢ)``, counting samples
    by their ``sample_weight``, as scikit-learn does.

    Raises
    ------
    ValueError
        When a dict names labels that are not among the classes of ``y``, or is
        neither a dict, ``"balanced"`` nor ``None``.
    """
    if class_weight is None:
        return np.ones(len(y))
    if isinstance(class_weight, Mapping):
        unknown = [label for label in class_weight if label not in set(classes.tolist())]
        if unknown:
            raise ValueError(
                f"class_weight names labels not present in y: {unknown}; "
                f"the classes are {classes.tolist()}"
            )
        full = {label: class_weight.get(label, 1.0) for label in classes.tolist()}
        weights = compute_class_weight(full, classes=classes, y=y)
    elif class_weight == "balanced":
        weights = compute_class_weight(
            "balanced", classes=classes, y=y, sample_weight=sample_weight
        )
    else:
        raise ValueError(f"class_weight must be None, 'balanced' or a dict, got {class_weight!r}")
    return weights[np.searchsorted(classes, y)]


def check_offset(offset, n_samples: int, n_outputs: int) -> np.ndarray | None:
    """Validated offset of shape (n_samples,) or, for multinomial fits, (n_samples, K)."""
    if offset is None:
        return None
    offset = np.asarray(offset, dtype=np.float64)
    allowed = [(n_samples,)] if n_outputs == 1 else [(n_samples, n_outputs), (n_samples,)]
    if offset.shape not in allowed:
        raise ValueError(
            f"offset has shape {offset.shape}, expected one of {allowed} for this model"
        )
    if not np.all(np.isfinite(offset)):
        raise ValueError("offset contains NaN or inf")
    if offset.ndim == 1 and n_outputs > 1:
        offset = np.repeat(offset[:, None], n_outputs, axis=1)
    return offset


def check_scalar_param(
    name: str,
    value,
    *,
    lower: float | None = None,
    upper: float | None = None,
    lower_open: bool = False,
    allow_inf: bool = False,
    integer: bool = False,
) -> None:
    """Raise a ``ValueError`` naming ``name`` unless ``value`` is a number in range."""
    kind = numbers.Integral if integer else numbers.Real
    if isinstance(value, bool) or not isinstance(value, kind):
        expected = "an integer" if integer else "a number"
        raise ValueError(f"{name} must be {expected}, got {value!r}")
    if math.isnan(value) or (math.isinf(value) and not allow_inf):
        raise ValueError(f"{name} must be finite, got {value!r}")
    if lower is not None and (value <= lower if lower_open else value < lower):
        sign = ">" if lower_open else ">="
        raise ValueError(f"{name} must be {sign} {lower}, got {value!r}")
    if upper is not None and value > upper:
        raise ValueError(f"{name} must be <= {upper}, got {value!r}")


def check_penalty_factor(penalty_factor, n_features: int) -> np.ndarray | None:
    """Validated per-feature penalty factors (``None`` means all ones).

    Raises
    ------
    ValueError
        For a wrong length, NaN/inf or negative values.

    Examples
    --------
    >>> check_penalty_factor([0, 1, 2], 3)
    array([0., 1., 2.])
    """
    if penalty_factor is None:
        return None
    factor = np.asarray(penalty_factor, dtype=np.float64)
    if factor.shape != (n_features,):
        raise ValueError(
            f"penalty_factor has shape {factor.shape}, expected ({n_features},): "
            "one non-negative factor per feature"
        )
    if not np.all(np.isfinite(factor)):
        raise ValueError("penalty_factor contains NaN or inf")
    if np.any(factor < 0):
        raise ValueError(f"penalty_factor contains negative values (min {factor.min():g})")
    return factor


def check_Cs(Cs) -> int | np.ndarray:
    """A grid size (int >= 1) or a 1-d array of finite positive ``C`` values.

    Raises
    ------
    ValueError
        For anything else (zero, negative, NaN or infinite values, empty arrays).

    Examples
    --------
    >>> check_Cs(5), check_Cs([1.0, 0.1])
    (5, array([1. , 0.1]))
    """
    if isinstance(Cs, numbers.Integral) and not isinstance(Cs, bool):
        if Cs < 1:
            raise ValueError(f"Cs must be a positive number of grid points, got {Cs!r}")
        return int(Cs)
    try:
        grid = np.asarray(Cs, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"Cs must be an int or an array of positive floats, got {Cs!r}") from None
    if grid.ndim != 1 or grid.size == 0:
        raise ValueError(f"Cs must be an int or a non-empty 1-d array, got shape {grid.shape}")
    if not (np.all(np.isfinite(grid)) and np.all(grid > 0)):
        raise ValueError(f"Cs must hold finite values > 0, got {grid.tolist()}")
    return grid
