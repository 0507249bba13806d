"""Writing tables chunk by chunk: CSV, Parquet or JSON Lines, to a file or stdout."""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

from ._common import CliError

__all__ = ["FORMATS", "TableWriter", "output_format"]

FORMATS = ("csv", "parquet", "jsonl")
_SUFFIXES = {
    ".csv": "csv",
    ".parquet": "parquet",
    ".pq": "parquet",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "jsonl",
}


def output_format(path: Path | None, given: str | None) -> str:
    """The output format: ``given``, else from the file's suffix, else CSV."""
    if given is not None:
        if given not in FORMATS:
            raise CliError(f"--format must be one of {', '.join(FORMATS)}; got {given!r}", "usage")
        return given
    if path is None:
        return "csv"
    return _SUFFIXES.get(path.suffix.lower(), "csv")


class TableWriter:
    """Append DataFrame chunks to one output table (header or schema from the first chunk).

    Parameters
    ----------
    path : Path or None
        Output file; ``None`` writes to stdout.
    fmt : {"csv", "parquet", "jsonl"}
    """

    def __init__(self, path: Path | None, fmt: str) -> None:
        self.path, self.fmt = path, fmt
        self._handle = None
        self._parquet = None
        self.rows = 0

    def _open(self, frame: pd.DataFrame) -> None:
        binary = self.fmt == "parquet"
        try:
            if self.path is None:
                self._handle = sys.stdout.buffer if binary else sys.stdout
            else:
                self._handle = self.path.open("wb") if binary else self.path.open("w", newline="")
        except OSError as error:
            raise CliError(f"cannot write {self.path}: {error.strerror}", "cannot_write") from None
        if binary:
            try:
                import pyarrow as pa
                import pyarrow.parquet as pq
            except ImportError:
                raise CliError(
                    'writing Parquet needs pyarrow: pip install "logistica[parquet]"', "unavailable"
                ) from None
            schema = pa.Schema.from_pandas(frame, preserve_index=False)
            self._parquet = pq.ParquetWriter(pa.PythonFile(self._handle, mode="w"), schema)

    def write(self, frame: pd.DataFrame) -> None:
        """Append one chunk."""
        if self._handle is None:
            self._open(frame)
        if self.fmt == "csv":
            frame.to_csv(self._handle, index=False, header=self.rows == 0)
        elif self.fmt == "jsonl":
            if len(frame):
                self._handle.write(frame.to_json(orient="records", lines=True).rstrip("\n") + "\n")
        else:
            import pyarrow as pa

            table = pa.Table.from_pandas(frame, schema=self._parquet.schema, preserve_index=False)
            self._parquet.write_table(table)
        self.rows += len(frame)

    def close(self) -> None:
        """Finish the table (Parquet footer) and close the file (not stdout)."""
        if self._parquet is not None:
            self._parquet.close()
        if self._handle is not None:
            self._handle.flush()
            if self.path is not None:
                self._handle.close()
