"""Request bodies checked against the model's columns: pydantic types built from the schema.

:class:`RowValidator` builds, from an :class:`~logistica.serve.spec.InputSpec`,
a pydantic ``TypedDict`` per row (strict types, no extra keys, finite numbers,
the allowed levels of categorical columns whose policy refuses unseen ones),
which defines what a valid body is and documents it. A body is decoded once
(orjson), its structure checked once, and its values checked one column at a
time (:mod:`~logistica.serve.columns`), straight into the scored
:data:`~logistica.serve.columns.Table` (no DataFrame on the way); a body
that fails any of these checks is validated by pydantic, so every defect becomes
the same :class:`RequestError` (a 4xx) whose message names the row and column.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from operator import itemgetter
from typing import Annotated, Any, Literal

import numpy as np
import orjson
from pydantic import ConfigDict, Field, FiniteFloat, StrictStr, TypeAdapter, ValidationError
from typing_extensions import TypedDict

from .columns import Table, checked_column, table_column
from .spec import OUT_OF_RANGE_Z, Column, InputSpec

__all__ = ["MAX_ERRORS", "RequestError", "RowValidator", "describe_errors"]

#: At most this many problems are listed in one error response.
MAX_ERRORS = 20


class RequestError(Exception):
    """A client error: HTTP status, a message and the problems found (row, column, message).

    Parameters
    ----------
    status : int
        400 (malformed JSON), 401, 404, 413 (too large) or 422 (invalid content).
    message : str
        One-line summary naming the first problem.
    problems : list of dict, optional
        ``{"row", "column", "message"}`` per problem (at most :data:`MAX_ERRORS`).
    """

    def __init__(self, status: int, message: str, problems: list[dict] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.problems = problems or []


def _field_type(column: Column):
    if column.kind == "numeric":
        base: Any = FiniteFloat
    elif column.kind == "boolean":
        base = bool
    elif column.unseen == "error" and column.levels:
        base = Literal[column.levels]
    else:
        base = StrictStr
    kind = base | None if column.nullable else base
    description = f"{column.kind} column" + (", null: missing" if column.nullable else "")
    if column.kind == "categorical":
        description += f"; {len(column.levels or ())} training levels"
        if column.unseen == "zero":
            description += ", unseen levels are scored as the baseline and counted"
    return Annotated[kind, Field(description=description, examples=[column.example()])]


def row_type(spec: InputSpec) -> type:
    """A pydantic-validated ``TypedDict`` for one record of ``spec``'s columns."""
    fields = {column.name: _field_type(column) for column in spec.columns}
    row = TypedDict("Record", fields)  # type: ignore[misc]
    row.__pydantic_config__ = ConfigDict(extra="forbid", strict=True)  # type: ignore[attr-defined]
    return row


class _Columnar(TypedDict):
    columns: list[StrictStr]
    data: list[list[Any]]


_Columnar.__pydantic_config__ = ConfigDict(extra="forbid", strict=True)  # type: ignore[attr-defined]


def _problem(error: dict, offset: int = 0) -> dict:
    loc = error.get("loc", ())
    row = loc[0] + offset if loc and isinstance(loc[0], int) else None
    column = loc[1] if len(loc) > 1 and isinstance(loc[1], str) else None
    kind = error.get("type")
    if kind == "missing":
        message = f"missing column {column!r}"
    elif kind == "extra_forbidden":
        message = f"unexpected column {column!r}"
    elif kind == "dict_type":
        message = "a record must be a JSON object of column: value"
    else:
        shown = repr(error.get("input"))[:60]
        message = f"{error.get('msg', 'invalid value')} (got {shown})"
    where = " ".join(part for part in (
        f"row {row}" if row is not None else "",
        f"column {column!r}" if column is not None else "",
    ) if part)  # fmt: skip
    return {"row": row, "column": column, "message": f"{where}: {message}" if where else message}


def describe_errors(error: ValidationError, offset: int = 0) -> RequestError:
    """A 422 :class:`RequestError` listing a pydantic error's problems by row and column."""
    problems = [_problem(e, offset) for e in error.errors()[:MAX_ERRORS]]
    total = error.error_count()
    more = f" (and {total - 1} more problem(s))" if total > 1 else ""
    return RequestError(422, problems[0]["message"] + more, problems)


class RowValidator:
    """Validate bodies against a model's input columns and turn them into a table.

    Parameters
    ----------
    spec : InputSpec
        The model's input columns.
    max_batch : int
        Largest number of rows per request (more: 413).
    """

    def __init__(self, spec: InputSpec, max_batch: int) -> None:
        self.spec = spec
        self.max_batch = max_batch
        self.row = row_type(spec)
        self.records = TypeAdapter(list[self.row])
        self.columnar = TypeAdapter(_Columnar)
        self._names = frozenset(spec.names)
        self._width = len(spec.names)
        self._getter = itemgetter(*spec.names)
        self._known = {
            c.name: set(c.levels or ()) | ({None} if c.missing_level else set())
            for c in spec.columns
            if c.kind == "categorical"
        }
        ranged = [c for c in spec.columns if c.mean is not None]
        self._ranged = [c.name for c in ranged]
        self._means = np.array([c.mean for c in ranged])
        self._limits = OUT_OF_RANGE_Z * np.array([c.scale for c in ranged])

    # -- parsing --------------------------------------------------------------------
    def parse(self, raw: bytes) -> Table:
        """The table of a JSON body: ``[{column: value}, ...]`` or ``{"columns", "data"}``."""
        start = raw.lstrip()[:1]
        if start == b"{":
            return self._from_columnar(raw)
        if start != b"[":
            self._check_json(raw)
            raise RequestError(422, "the body must be a JSON array of records or an object "
                                '{"columns": [...], "data": [[...], ...]}')  # fmt: skip
        table = self._fast_records(raw)
        if table is not None:
            return table
        try:
            rows = self.records.validate_json(raw)
        except ValidationError as error:
            raise self._translate(error) from None
        return self.table(self._sized(rows))

    def validate_columns(self, columns: Mapping[str, Sequence]) -> Table:
        """Validate already-decoded columns of equal length (the Open Inference Protocol path)."""
        n_rows = len(next(iter(columns.values()), ()))
        self._sized(range(n_rows))
        table = self._table(columns)
        if table is not None:
            return table
        names = list(columns)
        rows = [dict(zip(names, values, strict=True))
                for values in zip(*columns.values(), strict=True)]  # fmt: skip
        try:
            return self.table(self.records.validate_python(rows))
        except ValidationError as error:
            raise describe_errors(error) from None

    def _fast_records(self, raw: bytes) -> Table | None:
        """The table of a valid records body; ``None`` for pydantic to tell what is wrong."""
        try:
            rows = orjson.loads(raw)
        except orjson.JSONDecodeError:
            return None
        if not (isinstance(rows, list) and 0 < len(rows) <= self.max_batch):
            return None
        # every row an object with each column and nothing else: as many keys as columns
        # (TypeError: a number, boolean or null row) and each column found (KeyError: a
        # missing column, so an extra one; TypeError: an array or string row)
        try:
            if set(map(len, rows)) != {self._width}:
                return None
            values = list(map(self._getter, rows))
        except (KeyError, TypeError):
            return None
        return self._table(dict(zip(self.spec.names, self._columns(values), strict=True)))

    def _columns(self, values: list) -> list:
        """Columns of the getter's per-row values (tuples, or bare values for one column)."""
        return list(zip(*values, strict=True)) if self._width > 1 else [values]

    def _table(self, columns: Mapping[str, Sequence]) -> Table | None:
        """The table of decoded columns, or ``None`` when some value is invalid."""
        data = {}
        for column in self.spec.columns:
            values = checked_column(column, columns[column.name])
            if values is None:
                return None
            data[column.name] = values
        return data

    def _check_json(self, raw: bytes) -> None:
        try:
            TypeAdapter(Any).validate_json(raw)
        except ValidationError as error:
            raise self._translate(error) from None

    def _translate(self, error: ValidationError) -> RequestError:
        first = error.errors()[0]
        if first["type"] == "json_invalid":
            return RequestError(400, f"malformed JSON: {first['msg']}")
        return describe_errors(error)

    def _sized(self, rows: Sequence) -> Sequence:
        if len(rows) > self.max_batch:
            raise RequestError(413, f"batch of {len(rows)} rows exceeds max_batch={self.max_batch}")
        if not rows:
            raise RequestError(422, "the batch has no rows")
        return rows

    def _columnar_body(self, raw: bytes) -> tuple[list, list]:
        """``columns`` and ``data`` of a columnar body whose structure is valid."""
        try:
            body = orjson.loads(raw)
        except orjson.JSONDecodeError:
            body = None
        if (
            isinstance(body, dict)
            and body.keys() == {"columns", "data"}
            and isinstance(body["columns"], list)
            and set(map(type, body["columns"])) <= {str}
            and isinstance(body["data"], list)
            and set(map(type, body["data"])) <= {list}
        ):
            return body["columns"], body["data"]
        try:
            body = self.columnar.validate_json(raw)
        except ValidationError as error:
            raise self._translate(error) from None
        return body["columns"], body["data"]

    def _from_columnar(self, raw: bytes) -> Table:
        columns, data = self._columnar_body(raw)
        self._sized(data)
        seen = set()
        for column in columns:
            if column in seen:
                raise RequestError(422, f"column {column!r} is given twice")
            seen.add(column)
        missing = [c for c in self.spec.names if c not in seen]
        extra = [c for c in columns if c not in self._names]
        if missing or extra:
            problems = [{"row": None, "column": c, "message": f"missing column {c!r}"}
                        for c in missing]  # fmt: skip
            problems += [{"row": None, "column": c, "message": f"unexpected column {c!r}"}
                         for c in extra]  # fmt: skip
            raise RequestError(422, problems[0]["message"], problems[:MAX_ERRORS])
        width = len(columns)
        if set(map(len, data)) != {width}:
            i, values = next((i, v) for i, v in enumerate(data) if len(v) != width)
            raise RequestError(422, f"row {i}: {len(values)} values for {width} columns")
        table = self._table(dict(zip(columns, zip(*data, strict=True), strict=True)))
        if table is not None:
            return table
        try:
            rows = self.records.validate_python([dict(zip(columns, v, strict=True)) for v in data])
        except ValidationError as error:
            raise describe_errors(error) from None
        return self.table(rows)

    # -- tables and monitoring ----------------------------------------------------------
    def table(self, rows: list[dict]) -> Table:
        """Validated rows as a table: float columns for numbers, object columns else."""
        return {
            column.name: table_column(column, [row[column.name] for row in rows])
            for column in self.spec.columns
        }

    def unseen_levels(self, table: Table) -> dict[str, int]:
        """Rows per categorical column whose value training never saw (scored as baseline)."""
        counts = {}
        for name, known in self._known.items():
            count = sum(1 for value in table[name].tolist() if value not in known)
            if count:
                counts[name] = count
        return counts

    def out_of_range(self, table: Table) -> dict[str, int]:
        """Values per numeric column more than ``OUT_OF_RANGE_Z`` training SDs from the mean."""
        if not self._ranged:
            return {}
        values = np.column_stack([table[name] for name in self._ranged])
        with np.errstate(invalid="ignore"):  # NaN (null) is never out of range
            counts = (np.abs(values - self._means) > self._limits).sum(axis=0).tolist()
        return {name: count for name, count in zip(self._ranged, counts, strict=True) if count}
