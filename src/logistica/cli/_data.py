"""Reading tables for the CLI: CSV (gzip too) or Parquet, from a file or stdin, whole or chunked.

Every defect becomes a :class:`~._common.CliError` with one line that names
the file, the column and, for bad values, a row (rows are numbered from 1,
the first data row after the header).

Missing-value policy: categorical columns keep missing values as a level of
their own (the model's ``<missing>`` column); numeric columns with missing
values are refused unless imputation is asked for (``--impute median|mean``
at fit time, which the model file records; ``--impute`` at predict time uses
the fill value stored in the model).
"""

from __future__ import annotations

import io
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd

from ._common import CliError

__all__ = [
    "check_missing_numbers",
    "check_numeric_text",
    "iter_table",
    "read_table",
    "select_columns",
    "split_names",
    "target_labels",
]

_PARQUET_SUFFIXES = (".parquet", ".pq")
_GZIP_MAGIC, _PARQUET_MAGIC = b"\x1f\x8b", b"PAR1"


class _Prefixed(io.RawIOBase):
    """A raw stream that replays the bytes already peeked before reading on."""

    def __init__(self, head: bytes, stream) -> None:
        self._head, self._stream = head, stream

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if self._head:
            n = min(len(buffer), len(self._head))
            buffer[:n], self._head = self._head[:n], self._head[n:]
            return n
        data = self._stream.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def _stdin() -> tuple[object, str, str]:
    """stdin as a buffered binary stream, its format and compression (sniffed)."""
    stream = getattr(sys.stdin, "buffer", sys.stdin)
    head = stream.read(4)
    if isinstance(head, str):  # a text stream (tests): its bytes
        head, stream = head.encode(), io.BytesIO(stream.read().encode())
    if not head:
        raise CliError("stdin is empty: pipe a CSV or Parquet table in, or give a file")
    reader = io.BufferedReader(_Prefixed(head, stream))
    if head.startswith(_PARQUET_MAGIC):
        return io.BytesIO(reader.read()), "parquet", "infer"
    return reader, "csv", "gzip" if head.startswith(_GZIP_MAGIC) else "infer"


def _source(path: str | None) -> tuple[object, str, str, str]:
    """``(source, format, compression, display name)`` of a path, ``-`` or ``None`` (stdin)."""
    if path is None or path == "-":
        return (*_stdin(), "stdin")
    file = Path(path)
    if not file.exists():
        raise CliError(f"no such file: {path}", "no_input")
    if file.is_dir():
        raise CliError(f"{path} is a directory, not a data file", "no_input")
    if file.stat().st_size == 0:
        raise CliError(f"{path} is empty")
    suffixes = [s.lower() for s in file.suffixes]
    if suffixes and suffixes[-1] in _PARQUET_SUFFIXES:
        return file, "parquet", "infer", path
    with file.open("rb") as handle:
        head = handle.read(4)
    if head.startswith(_PARQUET_MAGIC):
        return file, "parquet", "infer", path
    return file, "csv", "gzip" if head.startswith(_GZIP_MAGIC) else "infer", path


def _pyarrow():
    try:
        import pyarrow.parquet as pq
    except ImportError:
        raise CliError(
            'reading Parquet needs pyarrow: pip install "logistica[parquet]"', "unavailable"
        ) from None
    return pq


def _unreadable(name: str, fmt: str, error: Exception) -> CliError:
    text = " ".join(str(error).split()) or type(error).__name__
    if isinstance(error, pd.errors.EmptyDataError):
        return CliError(f"{name} is empty (no header, no rows)")
    return CliError(f"cannot read {name} as {fmt}: {text[:300]}")


_READ_ERRORS = (
    pd.errors.ParserError,
    pd.errors.EmptyDataError,
    UnicodeDecodeError,
    OSError,
    ValueError,
)


def _checked(frame: pd.DataFrame, name: str) -> pd.DataFrame:
    if frame.shape[1] == 0:
        raise CliError(f"{name} has no columns")
    if frame.shape[0] == 0:
        raise CliError(f"{name} has a header but no rows")
    frame.columns = [str(c) for c in frame.columns]
    return frame


def read_table(path: str | None, dtype: dict | None = None) -> pd.DataFrame:
    """The whole table at ``path`` (``None`` or ``-``: stdin).

    Parameters
    ----------
    path : str or None
        A CSV, gzip CSV or Parquet file.
    dtype : dict, optional
        Column → dtype for CSV reading (e.g. ``str`` for categorical columns).
    """
    source, fmt, compression, name = _source(path)
    try:
        if fmt == "parquet":
            frame = _pyarrow().read_table(source).to_pandas()
        else:
            frame = pd.read_csv(source, compression=compression, dtype=dtype, low_memory=False)
    except CliError:
        raise
    except _READ_ERRORS as error:
        raise _unreadable(name, fmt, error) from None
    except Exception as error:  # pyarrow's own errors
        raise _unreadable(name, fmt, error) from None
    return _checked(frame, name)


def iter_table(
    path: str | None, chunk_size: int, dtype: dict | None = None
) -> Iterator[tuple[int, pd.DataFrame]]:
    """The table in chunks of ``chunk_size`` rows: ``(first row number − 1, chunk)`` pairs.

    Memory stays bounded by the chunk size for CSV files and Parquet files
    (read by row group batches); Parquet on stdin is read whole.
    """
    source, fmt, compression, name = _source(path)
    offset = 0
    try:
        if fmt == "parquet":
            batches = _pyarrow().ParquetFile(source).iter_batches(batch_size=chunk_size)
            chunks = (batch.to_pandas() for batch in batches)
        else:
            chunks = pd.read_csv(
                source, compression=compression, dtype=dtype, chunksize=chunk_size, low_memory=False
            )
        for chunk in chunks:
            chunk.index = pd.RangeIndex(offset, offset + len(chunk))
            chunk.columns = [str(c) for c in chunk.columns]
            yield offset, chunk
            offset += len(chunk)
    except CliError:
        raise
    except Exception as error:
        raise _unreadable(name, fmt, error) from None
    if offset == 0:
        raise CliError(f"{name} has a header but no rows")


def _row(frame: pd.DataFrame, mask: np.ndarray) -> tuple[int, object]:
    """Row number (from 1) and value of the first ``True`` in ``mask``."""
    position = int(np.flatnonzero(mask)[0])
    index = frame.index[position]
    number = index + 1 if isinstance(index, int | np.integer) else position + 1
    return int(number), position


def check_numeric_text(frame: pd.DataFrame, columns: list[str], *, strict: bool) -> None:
    """Refuse text in numeric columns, naming the column and a row.

    Parameters
    ----------
    frame : DataFrame
        The table as read (text columns have ``object`` dtype).
    columns : list of str
        The columns to check.
    strict : bool
        ``True``: the columns must be numeric (a fitted model's numeric
        columns). ``False`` (training data): only columns whose values are
        mostly numbers are taken for numeric columns with stray text.
    """
    for name in columns:
        series = frame[name]
        if not (series.dtype == object or pd.api.types.is_string_dtype(series.dtype)):
            continue
        present = series.notna().to_numpy()
        parsed = pd.to_numeric(series, errors="coerce").notna().to_numpy()
        bad = present & ~parsed
        if not bad.any() or (not strict and parsed.sum() < bad.sum()):
            continue
        number, position = _row(frame, bad)
        raise CliError(
            f"column {name!r} should be numeric but row {number} holds "
            f"{series.iloc[position]!r} ({int(bad.sum())} such row(s)): fix those values or "
            "leave them empty (empty cells are missing values)"
        )


def check_missing_numbers(frame: pd.DataFrame, columns: list[str], *, hint: str) -> None:
    """Refuse missing values in numeric columns, naming the column, count and first row."""
    for name in columns:
        missing = frame[name].isna().to_numpy()
        if missing.any():
            number, _ = _row(frame, missing)
            raise CliError(
                f"numeric column {name!r} has {int(missing.sum())} missing value(s) "
                f"(first at row {number}); {hint}"
            )


def select_columns(
    frame: pd.DataFrame, target: str, features: list[str] | None, exclude: list[str] | None
) -> list[str]:
    """The feature columns: ``features`` (default: all but the target) minus ``exclude``."""
    if target not in frame.columns:
        raise CliError(
            f"target column {target!r} is not in the data; columns: {_names(frame.columns)}"
        )
    wanted = split_names(features) or [c for c in frame.columns if c != target]
    dropped = split_names(exclude)
    unknown = [c for c in [*wanted, *dropped] if c not in frame.columns]
    if unknown:
        raise CliError(f"no such column(s): {unknown}; columns: {_names(frame.columns)}")
    chosen = [c for c in wanted if c not in dropped and c != target]
    if not chosen:
        raise CliError("no feature columns left to fit on", "usage")
    return chosen


def target_labels(frame: pd.DataFrame, target: str) -> pd.Series:
    """The target column, checked: present, no missing labels, at least two classes."""
    if target not in frame.columns:
        raise CliError(
            f"target column {target!r} is not in the data; columns: {_names(frame.columns)}"
        )
    y = frame[target]
    missing = y.isna().to_numpy()
    if missing.any():
        number, _ = _row(frame, missing)
        raise CliError(
            f"target column {target!r} has {int(missing.sum())} missing label(s) "
            f"(first at row {number}); drop those rows"
        )
    if y.dtype == object:
        y = y.astype(str)
    classes = pd.unique(y)
    if len(classes) < 2:
        raise CliError(
            f"target column {target!r} has one class only ({classes[0]!r}); "
            "a classifier needs at least two"
        )
    return y


def split_names(values: list[str] | None) -> list[str]:
    """Repeated and comma-separated column lists, flattened."""
    return [v.strip() for item in values or [] for v in item.split(",") if v.strip()]


def _names(columns, limit: int = 12) -> str:
    names = [str(c) for c in columns]
    more = f", ... ({len(names)} in all)" if len(names) > limit else ""
    return ", ".join(names[:limit]) + more
