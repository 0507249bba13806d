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
import pandas as pd
from sklearn.utils.class_weight import compute_class_weight
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import assert_all_finite, column_or_1d, validate_data

__all__ = [
    "check_Cs",
    "check_class_weight",
    "check_fit_weights",
    "check_offset",
    "check_penalty_factor",
    "check_sample_weight",
    "check_scalar_param",
    "check_targets",
    "encode_targets",
    "validate_X",
    "validate_X_y",
]

_DTYPES = [np.float64, np.float32]

#: Largest ratio of the largest to the smallest positive sample weight. The objective
#: sees the weights divided by their sum (at most ``n_samples`` times the largest), so
#: below this bound every normalised weight is at least ``1e-300 / n_samples``: a
#: normal float64 with its full 53-bit significand for any realistic ``n_samples``
#: (up to ~4e7), with room to spare for the products with loss terms. Past
#: ``2**1022 ≈ 4.5e307`` the smallest weights would turn subnormal (losing significant
#: bits) and then exactly zero: samples dropped without a word.
MAX_WEIGHT_RATIO = 1e300


def validate_X_y(estimator, X, y) -> tuple[Any, np.ndarray]:
    """Validate training data; records ``n_features_in_`` and ``feature_names_in_``.

    Returns
    -------
    X : ndarray or sparse matrix, float32 or float64
    y : ndarray of shape (n_samples,)
    """
    y = check_targets(y)
    X, y = validate_data(
        estimator,
        X,
        y,
        accept_sparse=["csr", "csc"],
        dtype=_DTYPES,
        ensure_min_samples=2,
    )
    return X, y


def validate_X(estimator, X):
    """Validate prediction data against what the estimator was fitted on.

    Raises a ``ValueError`` naming the mismatch when the number of features, or
    their names (for pandas input), differ from those seen in ``fit``.

    A float array of the fitted width, for a model fitted without feature names,
    needs only the finiteness check: it skips scikit-learn's general conversion
    (~80 µs, twice the rest of scoring one row in the service).
    """
    if (
        isinstance(X, np.ndarray)
        and X.ndim == 2
        and X.dtype in _DTYPES
        and X.shape[0] > 0
        and X.shape[1] == getattr(estimator, "n_features_in_", None)
        and not hasattr(estimator, "feature_names_in_")
    ):
        if not np.isfinite(X).all():  # scikit-learn's check names the problem
            assert_all_finite(X, input_name="X", estimator_name=type(estimator).__name__)
        return X
    return validate_data(estimator, X, accept_sparse=["csr", "csc"], dtype=_DTYPES, reset=False)


def check_targets(y) -> np.ndarray:
    """Class labels as a 1-d array, checked as scikit-learn checks them.

    Missing labels (``None``, ``NaN``, ``pd.NA``) and labels mixing strings with
    other types are refused first, with a ``ValueError`` naming the problem
    (scikit-learn's checks raise a ``TypeError`` from inside ``np.unique`` for
    those); then come scikit-learn's own ``column_or_1d``, finiteness check and
    ``check_classification_targets``, with their messages.

    Raises
    ------
    ValueError
        When ``y`` is None, has missing labels, mixes strings and numbers, is not
        1-d, holds infinity, or is not a classification target (e.g. continuous).

    Examples
    --------
    >>> check_targets(["a", "b", "a"]).tolist()
    ['a', 'b', 'a']
    >>> check_targets([0, 1, None])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: Input y contains NaN or missing labels (None, pd.NA): 1 of 3 rows, ...
    """
    if y is None:
        raise ValueError(
            "this estimator requires y to be passed, but the target y is None; "
            "pass the class labels"
        )
    values = np.asarray(y)
    if values.dtype.kind in "fcO":
        missing = np.flatnonzero(pd.isna(values))
        if missing.size:
            raise ValueError(
                f"Input y contains NaN or missing labels (None, pd.NA): {missing.size} of "
                f"{values.size} rows, first at position {missing[0]}; drop those rows or "
                "impute their labels"
            )
    if values.dtype.kind == "O":
        kinds = {type(v) for v in values.flat}
        strings = {k for k in kinds if issubclass(k, str)}
        if strings and kinds - strings:
            names = sorted(k.__name__ for k in kinds)
            raise ValueError(
                f"Mix of label input types (string and number) in y: found {names}; "
                "labels must be all strings or all numbers"
            )
    y = column_or_1d(y, warn=True)
    assert_all_finite(y, input_name="y")
    check_classification_targets(y)
    return y


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
    """Validated float64 sample weights (ones when ``None``), as given.

    The weights are returned unscaled: their total matters (the penalty is
    relative to ``C·Σsᵢ``, inference counts them as frequency weights).

    Raises
    ------
    ValueError
        For a wrong length, NaN/inf, negative values, weights summing to zero, or
        a ratio of the largest to the smallest positive weight above
        :data:`MAX_WEIGHT_RATIO` (``1e300``), past which float64 cannot carry
        the smallest weights through the normalised objective.

    Examples
    --------
    >>> check_sample_weight([1.0, 2.0, 0.0], 3)
    array([1., 2., 0.])
    """
    if sample_weight is None:
        return np.ones(n_samples)
    if isinstance(sample_weight, numbers.Number):
        sample_weight = np.full(n_samples, sample_weight, dtype=np.float64)
    sw = np.asarray(sample_weight, dtype=np.float64)
    if sw.ndim != 1 or sw.shape[0] != n_samples:
        raise ValueError(f"sample_weight has shape {sw.shape}, expected ({n_samples},) to match X")
    if not np.all(np.isfinite(sw)):
        raise ValueError("sample_weight contains NaN or inf")
    if np.any(sw < 0):
        raise ValueError(f"sample_weight contains negative values (min {sw.min():g})")
    positive = sw[sw > 0]
    if positive.size == 0:
        raise ValueError("sample_weight sums to zero: at least one sample needs a positive weight")
    largest, smallest = positive.max(), positive.min()
    if np.log10(largest) - np.log10(smallest) > np.log10(MAX_WEIGHT_RATIO):
        raise ValueError(
            f"sample_weight ranges from {smallest:.3g} to {largest:.3g}: the ratio of the "
            f"largest to the smallest positive weight exceeds {MAX_WEIGHT_RATIO:g}, beyond "
            "which float64 loses the smallest weights relative to the largest (they would "
            "underflow to zero in the normalised objective). Set negligible weights to 0 "
            "or compress their range"
        )
    return sw


def _finite_total(weight: np.ndarray) -> tuple[np.ndarray, float]:
    """``weight / scale`` with a finite sum, and ``scale``: a power of two (exact).

    ``scale`` is 1 unless the sum of ``weight`` overflows float64.
    """
    with np.errstate(over="ignore"):
        total = weight.sum()
    if np.isfinite(total):
        return weight, 1.0
    scale = float(np.ldexp(1.0, int(np.frexp(weight.max())[1]) - 1))
    return weight / scale, scale


def _check_class_totals(weight: np.ndarray, classes: np.ndarray, codes: np.ndarray, source: str):
    """Refuse classes whose total weight is zero (single class left, or named)."""
    totals = np.bincount(codes, weights=weight, minlength=len(classes))
    empty = classes[totals <= 0].tolist()
    if not empty:
        return
    kept = classes[totals > 0].tolist()
    if len(kept) < 2:
        raise ValueError(
            f"{source} puts all the weight on a single class ({kept[0]!r}): it is zero for "
            f"every sample of {empty}; a classifier needs at least two classes with "
            "positive weight to train"
        )
    raise ValueError(
        f"class {empty[0]!r} has zero total weight: {source} is zero for every one of its "
        f"samples (classes with zero weight: {empty}), so its intercept would be "
        "arbitrary. Drop its samples from the data or give them a positive weight"
    )


def check_fit_weights(
    sample_weight, class_weight, classes: np.ndarray, codes: np.ndarray
) -> tuple[np.ndarray, float]:
    """The per-sample weights of a fit, ``sample_weight × class_weight``, checked.

    The one helper every fitting entry point calls. Sample weights are checked by
    :func:`check_sample_weight`, class weights by :func:`check_class_weight`; then
    every class must keep a positive total weight (see
    :class:`~logistica.LogisticRegression` for the rule).

    Parameters
    ----------
    sample_weight : array-like of shape (n_samples,), float or None
        Non-negative weights per sample (ones when ``None``).
    class_weight : dict, "balanced" or None
        Weights multiplying ``sample_weight`` per class.
    classes : ndarray of shape (n_classes,)
        Sorted class labels.
    codes : ndarray of shape (n_samples,)
        Class codes ``0..n_classes-1`` of the samples.

    Returns
    -------
    weight : ndarray of shape (n_samples,)
        The weights divided by ``scale``.
    scale : float
        A power of two, 1 unless the sum of the weights overflows float64: then
        ``weight`` is divided by it (exactly), and the penalty must use
        ``C·scale`` so the objective ``C·Σsᵢℓᵢ + pen(w)`` is unchanged.

    Raises
    ------
    ValueError
        For invalid weights, weights summing to zero, all the weight on one class,
        or a class with zero total weight.

    Examples
    --------
    >>> classes, codes = np.array(["a", "b"]), np.array([0, 1, 1])
    >>> weight, scale = check_fit_weights([1.0, 1.0, 3.0], {"a": 2.0}, classes, codes)
    >>> weight.tolist(), scale
    ([2.0, 1.0, 3.0], 1.0)
    """
    weight, scale = _finite_total(check_sample_weight(sample_weight, codes.shape[0]))
    _check_class_totals(weight, classes, codes, "sample_weight")
    weight = weight * check_class_weight(class_weight, classes, classes[codes], weight)
    weight, more = _finite_total(weight)
    if not np.any(weight > 0):
        raise ValueError("sample_weight × class_weight sums to zero; nothing to fit")
    _check_class_totals(weight, classes, codes, "sample_weight × class_weight")
    return weight, scale * more


def check_class_weight(
    class_weight, classes: np.ndarray, y: np.ndarray, sample_weight: np.ndarray
) -> np.ndarray:
    """Per-sample multipliers from ``class_weight`` (None, "balanced" or a dict).

    ``"balanced"`` weighs class ``k`` by ``Σsᵢ / (K · Σ_{yᵢ=k} sᵢ)``, counting samples
    by their ``sample_weight``, as scikit-learn does.

    Raises
    ------
    ValueError
        When a dict names labels that are not among the classes of ``y`` or gives
        a class a weight that is not a finite number ``>= 0``, or when
        ``class_weight`` is neither a dict, ``"balanced"`` nor ``None``.
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
        for label, value in full.items():
            _check_class_weight_value(label, value)
        weights = compute_class_weight(full, classes=classes, y=y)
    elif class_weight == "balanced":
        weights = compute_class_weight(
            "balanced", classes=classes, y=y, sample_weight=sample_weight
        )
    else:
        raise ValueError(f"class_weight must be None, 'balanced' or a dict, got {class_weight!r}")
    return weights[np.searchsorted(classes, y)]


def _check_class_weight_value(label, value) -> None:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"class_weight for class {label!r} must be a number, got {value!r}")
    if not (math.isfinite(value) and value >= 0):
        raise ValueError(
            f"class_weight for class {label!r} must be a finite number >= 0, got {value!r}"
        )


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
