"""Column schema of a table: which columns a model needs and what kind each one is.

A column is one of three kinds, inferred from its pandas dtype and values
(:func:`pandas.api.types.infer_dtype`):

- ``"numeric"``: integers and floats (``NaN`` is missing);
- ``"categorical"``: strings, ``object`` columns of strings and ``category``
  columns (``None``/``NaN``/``pd.NA`` are missing);
- ``"boolean"``: ``bool`` and nullable ``boolean`` columns, or ``object``
  columns of ``True``/``False`` (with missing values).

Dates, times, durations and periods are refused with a ``ValueError`` naming
the column: derive numbers from them first (days since an event, month,
weekday). So are columns mixing kinds (strings and numbers) and columns with
no value at all.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = ["KINDS", "ColumnSchema", "check_frame", "column_kind", "infer_schema"]

#: The closed set of column kinds.
KINDS = ("numeric", "categorical", "boolean")

_INFERRED = {
    "integer": "numeric",
    "floating": "numeric",
    "mixed-integer-float": "numeric",
    "decimal": "numeric",
    "string": "categorical",
    "categorical": "categorical",
    "boolean": "boolean",
}
_DATES = ("datetime64", "datetime", "date", "timedelta64", "timedelta", "time", "period")


@dataclass(frozen=True)
class ColumnSchema:
    """One required input column: its name and kind.

    Parameters
    ----------
    name : str
        Column name in the DataFrame.
    kind : {"numeric", "categorical", "boolean"}
        How the column is read (see the module documentation).

    Examples
    --------
    >>> ColumnSchema("age", "numeric")
    ColumnSchema(name='age', kind='numeric')
    """

    name: str
    kind: str

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"column {self.name!r}: unknown kind {self.kind!r}; one of {KINDS}")


def column_kind(series: pd.Series, name: str | None = None) -> str | None:
    """The kind of a column, or ``None`` when every value is missing.

    Parameters
    ----------
    series : pandas.Series
        The column.
    name : str, optional
        Name used in error messages (default: ``series.name``).

    Returns
    -------
    str or None
        ``"numeric"``, ``"categorical"`` or ``"boolean"``.

    Raises
    ------
    ValueError
        For date/time columns and columns mixing kinds, naming the column.

    Examples
    --------
    >>> column_kind(pd.Series([1.5, None]))
    'numeric'
    >>> column_kind(pd.Series(["a", None], dtype="category"))
    'categorical'
    """
    name = series.name if name is None else name
    inferred = pd.api.types.infer_dtype(series, skipna=True)
    if isinstance(series.dtype, pd.CategoricalDtype):
        inferred = "categorical"
    if inferred in _DATES or pd.api.types.is_datetime64_any_dtype(series.dtype):
        raise ValueError(
            f"column {name!r} holds dates or times ({inferred}); they are not supported: "
            "derive numeric columns from it first (e.g. days since a reference date, month)"
        )
    if inferred == "empty":
        return None
    if inferred not in _INFERRED:
        raise ValueError(
            f"column {name!r} has values of an unsupported or mixed type ({inferred}, "
            f"dtype {series.dtype}); expected numbers, strings/categories or booleans"
        )
    return _INFERRED[inferred]


def infer_schema(frame: pd.DataFrame) -> list[ColumnSchema]:
    """The schema of a training table: one :class:`ColumnSchema` per column, in order.

    Parameters
    ----------
    frame : pandas.DataFrame
        Training data; column names must be strings.

    Returns
    -------
    list of ColumnSchema

    Raises
    ------
    ValueError
        For a column with no values, a date/time or mixed column, or a
        non-string column name.

    Examples
    --------
    >>> frame = pd.DataFrame({"x": [1.0, 2.0], "c": ["a", "b"], "b": [True, False]})
    >>> [s.kind for s in infer_schema(frame)]
    ['numeric', 'categorical', 'boolean']
    """
    if not isinstance(frame, pd.DataFrame):
        raise ValueError(f"expected a pandas DataFrame, got {type(frame).__name__}")
    schema = []
    for name in frame.columns:
        if not isinstance(name, str):
            raise ValueError(f"column names must be strings, got {name!r}")
        kind = column_kind(frame[name], name)
        if kind is None:
            raise ValueError(f"column {name!r} has no values (all missing); drop it")
        schema.append(ColumnSchema(name, kind))
    if not schema:
        raise ValueError("the DataFrame has no columns")
    return schema


def check_frame(frame, schema: list[ColumnSchema]) -> pd.DataFrame:
    """Check that a table has every column of a schema, each of the right kind.

    Extra columns are ignored. A column whose values are all missing is
    accepted for any kind.

    Parameters
    ----------
    frame : pandas.DataFrame
        Rows to score.
    schema : list of ColumnSchema
        What the model was fitted on.

    Returns
    -------
    pandas.DataFrame
        The schema's columns, in schema order.

    Raises
    ------
    ValueError
        Naming the missing columns, or the column whose kind differs.

    Examples
    --------
    >>> schema = [ColumnSchema("x", "numeric")]
    >>> check_frame(pd.DataFrame({"x": ["a"]}), schema)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: column 'x' should be numeric but holds categorical values (dtype ...)
    """
    if not isinstance(frame, pd.DataFrame):
        raise ValueError(f"expected a pandas DataFrame, got {type(frame).__name__}")
    missing = [s.name for s in schema if s.name not in frame.columns]
    if missing:
        raise ValueError(f"missing required column(s): {missing}")
    for spec in schema:
        kind = column_kind(frame[spec.name], spec.name)
        if kind is not None and kind != spec.kind:
            raise ValueError(
                f"column {spec.name!r} should be {spec.kind} but holds {kind} values "
                f"(dtype {frame[spec.name].dtype})"
            )
    return frame[[s.name for s in schema]]


def missing_mask(series: pd.Series) -> np.ndarray:
    """Boolean mask of missing values (``None``, ``NaN``, ``pd.NA``, ``NaT``)."""
    return np.asarray(pd.isna(series), dtype=bool)
