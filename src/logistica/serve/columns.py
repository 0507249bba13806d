"""Column-at-a-time checks of decoded JSON values: the fast path of validation.

A batch is checked one input column at a time (the set of Python types in the
column, then finiteness or membership with numpy) instead of one row at a
time. :func:`checked_column` accepts exactly what the pydantic record type of
:mod:`~logistica.serve.validation` accepts, never more: when it returns
``None`` the caller validates the batch with pydantic, whose errors name the
offending row and column. :func:`table_column` turns accepted values (or values
pydantic validated) into a column of the scored :data:`Table`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .spec import Column

__all__ = ["Table", "checked_column", "table_column", "table_rows"]

#: Validated rows, one array per input column in the model's order: float64 for
#: numeric columns (NaN: null), object arrays of the JSON values otherwise.
Table = dict[str, np.ndarray]

_NUMBER_TYPES = frozenset({float, int})
_NONE = type(None)


def table_column(column: Column, values: Sequence) -> np.ndarray:
    """Valid values as a table column: float64 (``None``: NaN) for numbers, object else.

    Examples
    --------
    >>> table_column(Column("x", "numeric", True), [1, None]).tolist()
    [1.0, nan]
    >>> table_column(Column("c", "categorical", True, ("a",), "zero"), ["a", None])
    array(['a', None], dtype=object)
    """
    if column.kind == "numeric":
        return np.array(values, dtype=np.float64)
    array = np.empty(len(values), dtype=object)
    array[:] = values
    return array


def table_rows(table: Table) -> int:
    """The number of rows of a table.

    Examples
    --------
    >>> table_rows({"x": np.zeros(3)})
    3
    """
    return len(next(iter(table.values())))


def _allowed_types(column: Column) -> frozenset:
    if column.kind == "numeric":
        allowed = _NUMBER_TYPES
    elif column.kind == "boolean":
        allowed = frozenset({bool})
    else:
        allowed = frozenset({str})
    return allowed | {_NONE} if column.nullable else allowed


def _finite(values: Sequence, array: np.ndarray, nullable: bool) -> bool:
    finite = np.isfinite(array)
    if finite.all():
        return True
    if not nullable:
        return False
    # NaN stands for null in the array; a NaN given as a number is refused
    none = np.fromiter((v is None for v in values), dtype=bool, count=len(values))
    return bool((finite | none).all())


def checked_column(column: Column, values: Sequence) -> np.ndarray | None:
    """The table column of one input column's decoded values, or ``None`` if any is invalid.

    Parameters
    ----------
    column : Column
        The input column.
    values : sequence
        Its decoded JSON values, one per row.

    Returns
    -------
    ndarray or None
        As :func:`table_column`; ``None`` when some value has the wrong type, is
        not finite, is ``null`` where not allowed, or is a refused categorical level.

    Examples
    --------
    >>> checked_column(Column("x", "numeric", False), [1, 2.5]).tolist()
    [1.0, 2.5]
    >>> checked_column(Column("x", "numeric", False), [1.0, True]) is None
    True
    """
    if not set(map(type, values)) <= _allowed_types(column):
        return None
    if column.kind == "categorical" and column.unseen == "error" and column.levels:
        levels = set(column.levels) | ({None} if column.nullable else set())
        if not set(values) <= levels:
            return None
    if column.kind != "numeric":
        return table_column(column, values)
    try:
        array = table_column(column, values)
    except OverflowError:  # an integer beyond float range
        return None
    return array if _finite(values, array, column.nullable) else None
