"""The closed set of preprocessing steps: one step turns one column into design columns.

Every step is a frozen dataclass whose parameters are plain numbers, strings
and lists, so a fitted step is data: it is written to a model file as a dict
(:meth:`to_dict`), read back by :func:`step_from_dict` (an unknown ``type``
is refused), and maps one-to-one onto simple array operations (for an ONNX
export: ``Sub``/``Div``/``Where`` for numbers, a label-to-index lookup plus
``OneHot`` for levels).

=============  ==================================  =================================
type           parameters                          output columns
=============  ==================================  =================================
``numeric``    ``statistic, fill, mean, scale``    ``(x if present else fill − mean)
                                                   / scale``: 1 column
``one_hot``    ``levels, infrequent,               one 0/1 column per level, then
               missing_level, handle_unknown``     ``<missing>``, then ``<other>``
``boolean``    ``fill``                            ``1.0`` / ``0.0`` (``fill`` when
                                                   missing): 1 column
=============  ==================================  =================================

Policies of the ``one_hot`` step (values are compared as strings):

- **missing** values (``None``, ``NaN``, ``pd.NA``) are a level of their own,
  ``<missing>``, when the training column had any;
- **rare** levels, seen fewer than ``min_frequency`` times in training
  (``infrequent``), share one ``<other>`` column;
- **unseen** levels (and missing values when training had none) get all-zero
  columns: the row takes the baseline contribution of that column, the
  intercept's reference. ``handle_unknown="error"`` refuses them instead.
  :meth:`OneHotStep.transform` returns how many rows were unseen.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import numpy as np
import pandas as pd

from .schema import missing_mask

__all__ = [
    "STEP_TYPES",
    "BooleanStep",
    "NumericStep",
    "OneHotStep",
    "fit_step",
    "step_from_dict",
]

_STATISTICS = ("mean", "median")
_UNKNOWN_POLICIES = ("zero", "error")


def _numbers(series: pd.Series, column: str) -> np.ndarray:
    """Float64 values with ``NaN`` for missing; infinite values refused."""
    values = pd.to_numeric(series, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
    if np.isinf(values).any():
        raise ValueError(f"column {column!r} contains infinite values")
    return values


def _finite(name: str, value: float) -> float:
    value = float(value)
    if not np.isfinite(value):
        raise ValueError(f"step parameter {name} must be finite, got {value}")
    return value


@dataclass(frozen=True)
class NumericStep:
    """Impute missing values, then standardize: ``(x − mean) / scale``.

    Parameters
    ----------
    column : str
        Input column.
    statistic : {"mean", "median"}
        How ``fill`` was computed (informational once fitted).
    fill : float
        Value used for missing entries.
    mean, scale : float
        Centre and scale of the imputed training column (population standard
        deviation; ``1`` for a constant column), as ``StandardScaler``.

    Examples
    --------
    >>> step = NumericStep.fit(pd.Series([1.0, None, 3.0]), "x", "median")
    >>> step.transform(pd.Series([2.0, None]))[0].ravel().tolist()
    [0.0, 0.0]
    """

    column: str
    statistic: str
    fill: float
    mean: float
    scale: float
    type: str = field(default="numeric", init=False)

    def __post_init__(self) -> None:
        if self.statistic not in _STATISTICS:
            raise ValueError(f"statistic must be one of {_STATISTICS}, got {self.statistic!r}")
        for name in ("fill", "mean", "scale"):
            _finite(name, getattr(self, name))
        if not self.scale > 0:
            raise ValueError(f"scale must be positive, got {self.scale}")

    @classmethod
    def fit(cls, series: pd.Series, column: str, statistic: str = "median") -> NumericStep:
        """Learn the fill value, mean and scale from a training column.

        Examples
        --------
        >>> step = NumericStep.fit(pd.Series([1.0, None, 3.0]), "x", "median")
        >>> step.fill, step.mean, round(step.scale, 4)
        (2.0, 2.0, 0.8165)
        """
        values = _numbers(series, column)
        present = values[~np.isnan(values)]
        if statistic not in _STATISTICS:
            raise ValueError(f"numeric_impute must be one of {_STATISTICS}, got {statistic!r}")
        fill = float(np.median(present) if statistic == "median" else np.mean(present))
        imputed = np.where(np.isnan(values), fill, values)
        std = float(imputed.std())
        scale = std if std > 10 * np.finfo(np.float64).eps else 1.0
        return cls(column, statistic, fill, float(imputed.mean()), scale)

    @property
    def feature_names(self) -> list[str]:
        """Names of the output columns."""
        return [self.column]

    def transform(self, series: pd.Series) -> tuple[np.ndarray, int]:
        """Output columns (n, 1) and the number of unseen values (always 0).

        Examples
        --------
        >>> step = NumericStep.fit(pd.Series([1.0, None, 3.0]), "x", "median")
        >>> columns, unseen = step.transform(pd.Series([3.0, None]))
        >>> columns.round(4), unseen
        (array([[1.2247],
               [0.    ]]), 0)
        """
        values = _numbers(series, self.column)
        imputed = np.where(np.isnan(values), self.fill, values)
        return ((imputed - self.mean) / self.scale)[:, None], 0

    def to_dict(self) -> dict:
        """Plain-data form, for model files.

        Examples
        --------
        >>> NumericStep.fit(pd.Series([1.0, 3.0]), "x", "mean").to_dict()["type"]
        'numeric'
        """
        return asdict(self)


@dataclass(frozen=True)
class OneHotStep:
    """One 0/1 column per training level, ``<missing>`` and ``<other>`` columns.

    Parameters
    ----------
    column : str
        Input column.
    levels : list of str
        Frequent training levels, sorted: one output column each.
    infrequent : list of str
        Rare training levels, sorted, sharing the ``<other>`` column (present
        when this list is not empty).
    missing_level : bool
        Whether missing values have their own ``<missing>`` column.
    handle_unknown : {"zero", "error"}
        Unseen levels: all-zero columns, or a ``ValueError``.

    Examples
    --------
    >>> step = OneHotStep.fit(pd.Series(["a", "b", "b", None]), "c")
    >>> step.feature_names
    ['c=a', 'c=b', 'c=<missing>']
    >>> out, unseen = step.transform(pd.Series(["b", "z"]))
    >>> out.tolist(), unseen
    ([[0.0, 1.0, 0.0], [0.0, 0.0, 0.0]], 1)
    """

    column: str
    levels: list[str]
    infrequent: list[str]
    missing_level: bool
    handle_unknown: str = "zero"
    type: str = field(default="one_hot", init=False)

    def __post_init__(self) -> None:
        if self.handle_unknown not in _UNKNOWN_POLICIES:
            raise ValueError(
                f"handle_unknown must be one of {_UNKNOWN_POLICIES}, got {self.handle_unknown!r}"
            )
        known = [*self.levels, *self.infrequent]
        if not all(isinstance(level, str) for level in known):
            raise ValueError(f"column {self.column!r}: levels must be strings")
        if len(set(known)) != len(known):
            raise ValueError(f"column {self.column!r}: levels repeat")
        if not isinstance(self.missing_level, bool):
            raise ValueError("missing_level must be a boolean")

    @classmethod
    def fit(
        cls,
        series: pd.Series,
        column: str,
        min_frequency: float | None = None,
        handle_unknown: str = "zero",
    ) -> OneHotStep:
        """Learn the levels of a training column; rare ones go to ``<other>``.

        Examples
        --------
        >>> step = OneHotStep.fit(pd.Series(["a", "b", "a", None]), "city")
        >>> step.levels, step.feature_names
        (['a', 'b'], ['city=a', 'city=b', 'city=<missing>'])
        """
        missing = missing_mask(series)
        counts = pd.Series(series[~missing].astype(str)).value_counts()
        threshold = 0.0
        if min_frequency is not None:
            threshold = min_frequency * len(series) if min_frequency < 1 else min_frequency
        frequent = sorted(counts.index[counts >= threshold])
        rare = sorted(counts.index[counts < threshold])
        return cls(column, frequent, rare, bool(missing.any()), handle_unknown)

    @property
    def feature_names(self) -> list[str]:
        """Names of the output columns."""
        names = [f"{self.column}={level}" for level in self.levels]
        if self.missing_level:
            names.append(f"{self.column}=<missing>")
        if self.infrequent:
            names.append(f"{self.column}=<other>")
        return names

    def transform(self, series: pd.Series) -> tuple[np.ndarray, int]:
        """Output columns (n, width) and the number of rows with an unseen value.

        Examples
        --------
        >>> step = OneHotStep.fit(pd.Series(["a", "b", "a", None]), "city")
        >>> step.transform(pd.Series(["b", "z"]))  # "z" was never seen: all zeros
        (array([[0., 1., 0.],
               [0., 0., 0.]]), 1)
        """
        n_levels = len(self.levels)
        index = {level: j for j, level in enumerate(self.levels)}
        other = n_levels + int(self.missing_level) if self.infrequent else -1
        index.update(dict.fromkeys(self.infrequent, other))
        missing = missing_mask(series)
        codes = np.array([index.get(v, -1) for v in series.astype(str)], dtype=np.intp)
        codes[missing] = n_levels if self.missing_level else -1
        unseen = codes < 0
        if unseen.any() and self.handle_unknown == "error":
            values = sorted({str(v) for v in series[unseen & ~missing]})
            raise ValueError(
                f"column {self.column!r} has levels unseen in training: {values[:5]}"
                + (" and missing values" if (unseen & missing).any() else "")
            )
        out = np.zeros((codes.shape[0], len(self.feature_names)))
        rows = np.flatnonzero(~unseen)
        out[rows, codes[rows]] = 1.0
        return out, int(unseen.sum())

    def to_dict(self) -> dict:
        """Plain-data form, for model files.

        Examples
        --------
        >>> data = OneHotStep.fit(pd.Series(["a", "b", "a", None]), "city").to_dict()
        >>> data["type"], data["levels"], data["missing_level"]
        ('one_hot', ['a', 'b'], True)
        """
        return asdict(self)


@dataclass(frozen=True)
class BooleanStep:
    """``True`` → 1, ``False`` → 0, missing → ``fill`` (the more frequent training value).

    Examples
    --------
    >>> step = BooleanStep.fit(pd.Series([True, True, None, False]), "b")
    >>> step.transform(pd.Series([False, None]))[0].ravel().tolist()
    [0.0, 1.0]
    """

    column: str
    fill: float
    type: str = field(default="boolean", init=False)

    def __post_init__(self) -> None:
        if self.fill not in (0.0, 1.0):
            raise ValueError(f"boolean fill must be 0 or 1, got {self.fill!r}")

    @classmethod
    def fit(cls, series: pd.Series, column: str) -> BooleanStep:
        """Learn the fill value (ties go to ``False``, as ``SimpleImputer``).

        Examples
        --------
        >>> BooleanStep.fit(pd.Series([True, False, True, None]), "flag").fill
        1.0
        """
        values = series[~missing_mask(series)].astype(bool)
        return cls(column, 1.0 if values.sum() > (~values).sum() else 0.0)

    @property
    def feature_names(self) -> list[str]:
        """Names of the output columns."""
        return [self.column]

    def transform(self, series: pd.Series) -> tuple[np.ndarray, int]:
        """Output column (n, 1) and the number of unseen values (always 0).

        Examples
        --------
        >>> step = BooleanStep.fit(pd.Series([True, False, True, None]), "flag")
        >>> step.transform(pd.Series([False, None]))
        (array([[0.],
               [1.]]), 0)
        """
        missing = missing_mask(series)
        values = np.where(missing, False, series.to_numpy(dtype=object, na_value=False))
        return np.where(missing, self.fill, values.astype(bool).astype(np.float64))[:, None], 0

    def to_dict(self) -> dict:
        """Plain-data form, for model files.

        Examples
        --------
        >>> BooleanStep.fit(pd.Series([True, False]), "flag").to_dict()
        {'column': 'flag', 'fill': 0.0, 'type': 'boolean'}
        """
        return asdict(self)


#: The closed registry of step types, by their ``type`` field.
STEP_TYPES = {"numeric": NumericStep, "one_hot": OneHotStep, "boolean": BooleanStep}


def fit_step(
    series: pd.Series,
    column: str,
    kind: str,
    *,
    numeric_impute: str = "median",
    min_frequency: float | None = None,
    handle_unknown: str = "zero",
):
    """Fit the step of a column's kind (numeric, categorical or boolean).

    Examples
    --------
    >>> fit_step(pd.Series([True, False]), "b", "boolean")
    BooleanStep(column='b', fill=0.0, type='boolean')
    """
    if kind == "numeric":
        return NumericStep.fit(series, column, numeric_impute)
    if kind == "boolean":
        return BooleanStep.fit(series, column)
    return OneHotStep.fit(series, column, min_frequency, handle_unknown)


def step_from_dict(data: dict):
    """Rebuild a step from its :meth:`to_dict` form.

    Raises
    ------
    ValueError
        For an unknown ``type``, missing or extra fields, or invalid values.

    Examples
    --------
    >>> step_from_dict({"type": "boolean", "column": "b", "fill": 1.0})
    BooleanStep(column='b', fill=1.0, type='boolean')
    """
    if not isinstance(data, dict):
        raise ValueError(f"a step must be an object, got {type(data).__name__}")
    kind = data.get("type")
    if kind not in STEP_TYPES:
        raise ValueError(f"unknown step type {kind!r}; known: {sorted(STEP_TYPES)}")
    fields = {k: v for k, v in data.items() if k != "type"}
    try:
        return STEP_TYPES[kind](**fields)
    except TypeError as error:
        raise ValueError(f"step {kind!r}: {error}") from None
