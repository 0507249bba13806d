"""Record batches of Parquet or CSV files as ``(X, y, sample_weight, offset)`` arrays.

:class:`Reader` reads a dataset one pass at a time (Parquet one row group at a
time, CSV through :mod:`pyarrow.dataset`), counts passes and bytes, shows a
Rich progress bar per pass, and encodes each batch with a :class:`Layout`:
numeric columns as they are, categorical ones one-hot over the levels found
in the schema pass, or a caller's design function. With a
:class:`~._spill.Spill`, the first pass that decodes the files writes the
encoded batches, and the later passes read them back instead.
"""

from __future__ import annotations

import glob
import os
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from ._spill import Spill

__all__ = ["Layout", "Reader", "column", "dataset", "pyarrow_modules"]

#: Bytes read at a time from each Parquet column chunk.
_STREAM_BUFFER = 1 << 18


def pyarrow_modules():
    try:
        import pyarrow as pa
        import pyarrow.dataset as ds
    except ImportError as error:  # pragma: no cover - depends on the environment
        raise ImportError('fit_files needs pyarrow: pip install "logistica[parquet]"') from error
    return pa, ds


def dataset(source, file_format: str | None):
    """A ``pyarrow.dataset`` over a file, a directory, a glob pattern or a list of paths."""
    _, ds = pyarrow_modules()
    if isinstance(source, (str, os.PathLike)):
        text = os.fspath(source)
        if any(char in text for char in "*?["):
            paths = sorted(glob.glob(text, recursive=True))
            if not paths:
                raise FileNotFoundError(f"no file matches {text!r}")
            source = paths
        elif not os.path.exists(text):
            raise FileNotFoundError(f"no such file or directory: {text!r}")
        else:
            source = text
    else:
        source = [os.fspath(path) for path in source]
    if file_format is None:
        first = source if isinstance(source, str) else source[0]
        file_format = "csv" if str(first).lower().endswith((".csv", ".csv.gz")) else "parquet"
    return ds.dataset(source, format=file_format)


@dataclass
class Layout:
    """How record batches become ``(X, codes, weight, offset)``."""

    numeric: list[str]
    categorical: dict[str, list] = field(default_factory=dict)
    drop_first: bool = True
    classes: np.ndarray | None = None
    multipliers: np.ndarray | None = None
    #: a caller's encoder: the batch's ``columns`` as a DataFrame -> design rows
    design: Callable[[pd.DataFrame], np.ndarray] | None = None
    columns: list[str] = field(default_factory=list)
    design_names: list[str] = field(default_factory=list)

    @property
    def feature_names(self) -> list[str]:
        if self.design is not None:
            return list(self.design_names)
        names = list(self.numeric)
        for name, levels in self.categorical.items():
            kept = levels[1:] if self.drop_first else levels
            names.extend(f"{name}_{level}" for level in kept)
        return names


class Reader:
    """Batches of a dataset, with pass accounting and a Rich progress bar per pass."""

    def __init__(self, dataset, target, weight, offset, batch_size, progress) -> None:
        self.dataset = dataset
        self.target, self.weight, self.offset = target, weight, offset
        self.batch_size = int(batch_size)
        console = Console(stderr=True)
        self.show = console.is_terminal if progress is None else bool(progress)
        self.console = console
        self.rows = dataset.count_rows()
        self.passes = 0
        self.bytes_scanned = 0
        self.spill: Spill | None = None
        self.spilled = False
        self.spilled_bytes = 0

    def _bar(self, label: str) -> Progress:
        self.passes += 1
        return Progress(
            TextColumn(f"pass {self.passes} ({label})"),
            BarColumn(),
            TextColumn("{task.completed:,}/{task.total:,} rows"),
            TimeElapsedColumn(),
            console=self.console,
            disable=not self.show,
        )

    def batches(self, columns: list[str], label: str):
        """Record batches of ``columns``, one pass over the data."""
        with self._bar(label) as bar:
            task = bar.add_task(label, total=self.rows)
            for batch in self._read(columns):
                if batch.num_rows == 0:
                    continue
                self.bytes_scanned += batch.nbytes
                yield batch
                bar.update(task, advance=batch.num_rows)

    def _read(self, columns: list[str]):
        """Batches read file by file, the next one decoded while the caller works.

        The dataset scanner decodes ahead as far as it can while the consumer
        computes (12-15 batches of a 2M×100 Parquet dataset in Arrow's pool);
        a :class:`pyarrow.parquet.ParquetFile` reads one row group at a time,
        its column chunks through a buffered stream (so a large row group is
        not read whole), and decodes columns on Arrow's threads — one batch
        ahead, in a background thread (:func:`_one_ahead`).
        """
        _, ds = pyarrow_modules()
        if not isinstance(self.dataset.format, ds.ParquetFileFormat):
            scanner = self.dataset.scanner(
                columns=columns, batch_size=self.batch_size, batch_readahead=1,
                fragment_readahead=1,
            )  # fmt: skip
            yield from scanner.to_batches()
            return
        import pyarrow.parquet as pq

        def batches():
            filesystem = self.dataset.filesystem
            for path in self.dataset.files:
                with filesystem.open_input_file(path) as source:
                    reader = pq.ParquetFile(source, pre_buffer=False, buffer_size=_STREAM_BUFFER)
                    yield from reader.iter_batches(self.batch_size, columns=columns)

        yield from _one_ahead(batches())

    def arrays(self, layout: Layout, label: str):
        """``(X, codes, weight, offset)`` per batch: decoded from the files, or read back
        from the spill file once a whole pass has written it."""
        if self.spill is not None and self.spilled:
            yield from self._spilled(label)
            return
        if self.spill is not None:
            self.spill.clear()  # a pass left unfinished may have written part of it
        columns = [*layout.numeric, *layout.categorical, *layout.columns, self.target]
        columns += [name for name in (self.weight, self.offset) if name is not None]
        buffers: dict = {}
        for batch in self.batches(list(dict.fromkeys(columns)), label):
            arrays = _encode(batch, layout, self.target, self.weight, self.offset, buffers)
            if self.spill is not None:
                self.spill.write(arrays)
            yield arrays
        self.spilled = self.spill is not None

    def _spilled(self, label: str):
        with self._bar(f"{label}, spill file") as bar:
            task = bar.add_task(label, total=self.rows)
            for arrays in self.spill.batches():
                self.bytes_scanned += sum(a.nbytes for a in arrays if a is not None)
                yield arrays
                bar.update(task, advance=arrays[0].shape[0])

    def close(self) -> None:
        """Delete the spill file, if any."""
        if self.spill is not None:
            self.spilled_bytes = self.spill.nbytes
            self.spill.close()
            self.spill = None


def _one_ahead(items: Iterator):
    """Yield ``items``, producing the next one in a background thread meanwhile.

    Decoding Parquet releases the GIL, so it overlaps the caller's products: a
    2M×100 fit decoding the files every pass (``spill=False``, 6 passes) 14.1 →
    12.6 s on two cores. An error raised while producing is raised here; a
    caller that stops early waits for the item in progress.

    Examples
    --------
    >>> list(_one_ahead(iter(range(3))))
    [0, 1, 2]
    """
    end = object()
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="logistica-read") as worker:
        pending = worker.submit(next, items, end)
        while (item := pending.result()) is not end:
            pending = worker.submit(next, items, end)
            yield item


def column(batch, name: str) -> np.ndarray:
    column = batch.column(name)
    if column.null_count:
        raise ValueError(
            f"column {name!r} has {column.null_count} missing values in a batch; "
            "fill or drop them before fitting"
        )
    return column.to_numpy(zero_copy_only=False)


def _encode(batch, layout: Layout, target, weight, offset, buffers: dict):
    n = batch.num_rows
    if layout.design is not None:
        frame = batch.select(layout.columns).to_pandas()
        X = np.asarray(layout.design(frame), dtype=np.float64)
        if X.shape != (n, len(layout.design_names)):
            raise ValueError(
                f"design returned shape {X.shape} for {n} rows; expected "
                f"({n}, {len(layout.design_names)}) (one column per design name)"
            )
        return X, *_labels_weights(batch, layout, target, weight, offset)
    width = len(layout.feature_names)
    # columns are written into the rows of a reused (width, n) buffer: X is its
    # Fortran-ordered transpose, with no n×width allocation nor strided copy per
    # batch; a shorter batch (the end of a file) uses the start of the buffer
    flat = buffers.get("X")
    if flat is None or flat.size < width * n:
        flat = buffers["X"] = np.empty(width * n)
    block = flat[: width * n].reshape(width, n)
    for j, name in enumerate(layout.numeric):
        block[j] = column(batch, name)
    row = len(layout.numeric)
    for name, levels in layout.categorical.items():
        codes = pd.Categorical(column(batch, name), categories=levels).codes
        kept = levels[1:] if layout.drop_first else levels
        first = 1 if layout.drop_first else 0
        block[row : row + len(kept)] = 0.0
        hit = codes >= first
        block[row + codes[hit] - first, np.flatnonzero(hit)] = 1.0
        row += len(kept)
    return block.T, *_labels_weights(batch, layout, target, weight, offset)


def _labels_weights(batch, layout: Layout, target, weight, offset):
    n = batch.num_rows
    labels = column(batch, target)
    codes = np.searchsorted(layout.classes, labels)
    sw = np.ones(n) if weight is None else column(batch, weight).astype(np.float64)
    if layout.multipliers is not None:
        sw = sw * layout.multipliers[codes]
    off = None if offset is None else column(batch, offset).astype(np.float64)
    y = codes.astype(np.float64) if len(layout.classes) == 2 else codes
    return y, sw, off
