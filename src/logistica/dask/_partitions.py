"""Dask inputs as aligned row partitions, and what each partition computes.

The functions at the bottom run on the workers: each turns one partition
(numpy block or pandas frame) into arrays and returns the small sums of
:mod:`logistica.outofcore._chunk`; nothing bigger than ``n_coef²`` leaves a worker.
"""

from __future__ import annotations

import math

import dask
import dask.array as da
import numpy as np
import pandas as pd

from ..objective.loss import Loss
from ..outofcore._chunk import chunk_moments, chunk_terms

__all__ = ["Partitions", "split_partitions"]


def _is_frame(obj) -> bool:
    return hasattr(obj, "npartitions") and hasattr(obj, "divisions")


class Partitions:
    """Persisted, aligned row partitions of ``X``, ``y``, weights and offset."""

    def __init__(self, X, y, sample_weight, offset, feature_names) -> None:
        self.X, self.y, self.sample_weight, self.offset = X, y, sample_weight, offset
        self.feature_names = feature_names
        self.n_features = X.shape[1] if not _is_frame(X) else len(X.columns)

    def persist(self) -> int:
        """Persist every collection once: later graphs reuse the partitions in memory.

        Returns the number of graphs submitted: one, two for a DataFrame (its
        partitions are persisted as float64 blocks, which Dask computes apart
        from the columns taken from it).

        Array blocks are persisted aligned: a block deserialized from a worker's
        network frames may start at any byte, and on unaligned float64 data every
        product falls back to slow loops (2M×100 on 2 workers: 0.27 s a pass per
        250k-row block instead of 0.06 s). Aligned blocks are not copied; an
        unaligned one is copied once, beside the caller's own persisted block.
        """
        arrays = [
            c if c is None or _is_frame(c) else c.map_blocks(_aligned, dtype=c.dtype)
            for c in (self.X, self.y, self.sample_weight, self.offset)
        ]
        if not _is_frame(self.X):
            self.X, self.y, self.sample_weight, self.offset = dask.persist(*arrays)
            return 1
        # a frame's partitions become float64 blocks once, not at every pass
        blocks = [dask.delayed(_frame_block)(part) for part in self.X.to_delayed()]
        self.X = list(dask.persist(*blocks))
        self.y, self.sample_weight, self.offset = dask.persist(*arrays[1:])
        return 2

    def blocks(self) -> list[tuple]:
        """One delayed ``(X, y, sample_weight, offset)`` per partition."""
        # a frame's X is a list already: its persisted float64 blocks
        first = self.X if isinstance(self.X, list) else _delayed_parts(self.X)
        parts = [first, *(_delayed_parts(c) for c in (self.y, self.sample_weight, self.offset))]
        n = len(parts[0])
        return [tuple(p[i] if p is not None else None for p in parts) for i in range(n)]

    def pass_bytes(self, rows: int) -> int:
        """Bytes one pass reads: ``X`` as float64 blocks, ``y``, weights and offset.

        ``rows`` is the number of rows (a DataFrame's columns count 8 bytes a value).
        """
        if isinstance(self.X, list):  # a frame's float64 blocks
            columns = (
                self.n_features + 1 + sum(c is not None for c in (self.sample_weight, self.offset))
            )
            return int(rows * columns * 8)
        total = self.X.nbytes + self.y.nbytes
        for extra in (self.sample_weight, self.offset):
            total += 0 if extra is None else extra.nbytes
        return int(total)


def _delayed_parts(collection):
    if collection is None:
        return None
    if _is_frame(collection):
        return list(collection.to_delayed())
    return list(collection.to_delayed().ravel())


def _check_numeric_frame(X) -> None:
    bad = [
        str(name)
        for name, kind in X.dtypes.items()
        if not (pd.api.types.is_numeric_dtype(kind) or pd.api.types.is_bool_dtype(kind))
    ]
    if bad:
        raise ValueError(
            f"X has non-numeric columns {bad} and no schema to encode them: encode them "
            "first (e.g. X.categorize() then dask.dataframe.get_dummies) or drop them"
        )


def _align_frame(X, other, name: str):
    """Check that a dask Series/DataFrame has ``X``'s partitions."""
    if other is None:
        return None
    if not _is_frame(other):
        raise TypeError(
            f"X is a dask DataFrame, so {name} must be a dask Series (or a column name)"
        )
    if other.npartitions != X.npartitions:
        raise ValueError(
            f"X has {X.npartitions} partitions but {name} has {other.npartitions}: "
            f"they must be partitioned alike"
        )
    if not (X.known_divisions and other.known_divisions):
        raise ValueError(
            f"unknown divisions: cannot check that the partitions of X and {name} hold the "
            f"same rows; set an index with known divisions (e.g. set_index or "
            f"clear_divisions on neither), or pass {name} as a column name of X"
        )
    if tuple(X.divisions) != tuple(other.divisions):
        raise ValueError(f"X and {name} have different divisions; repartition one like the other")
    return other


def _align_array(X, other, name: str):
    """Check that a dask array has ``X``'s row chunks."""
    if other is None:
        return None
    other = other if isinstance(other, da.Array) else da.asarray(other)
    if other.ndim == 2 and other.shape[1] == 1 and name != "offset":
        other = other[:, 0]
    rows = other.chunks[0]
    if any(math.isnan(c) for c in (*rows, *X.chunks[0])):
        raise ValueError(f"X or {name} has unknown chunk sizes; call compute_chunk_sizes() on both")
    if rows != X.chunks[0]:
        raise ValueError(
            f"X and {name} are chunked differently along the rows: X {X.chunks[0]}, "
            f"{name} {rows}; rechunk with {name}.rechunk({{0: X.chunks[0]}})"
        )
    if other.ndim == 2:
        other = other.rechunk({1: -1})
    return other


def split_partitions(X, y, sample_weight=None, offset=None) -> Partitions:
    """Check and align dask inputs into :class:`Partitions`.

    ``y``, ``sample_weight`` and ``offset`` may be column names of a dask
    DataFrame ``X``; otherwise they must be partitioned (chunked) like ``X``.

    Raises
    ------
    ValueError
        For mismatched chunking or partitions, unknown divisions, unknown chunk
        sizes, non-numeric columns, or ``X`` that is not 2-d.
    """
    if _is_frame(X):
        taken = [v for v in (y, sample_weight, offset) if isinstance(v, str)]
        columns = {name: X[name] for name in taken}
        X = X.drop(columns=taken) if taken else X
        _check_numeric_frame(X)
        parts = [
            columns[v] if isinstance(v, str) else _align_frame(X, v, name)
            for v, name in ((y, "y"), (sample_weight, "sample_weight"), (offset, "offset"))
        ]
        return Partitions(X, *parts, [str(c) for c in X.columns])
    X = X if isinstance(X, da.Array) else da.asarray(X)
    if X.ndim != 2:
        raise ValueError(f"X must be 2-d, got shape {X.shape}")
    if not (np.issubdtype(X.dtype, np.number) or X.dtype == bool):
        raise ValueError(f"X must be numeric, got dtype {X.dtype}")
    if X.numblocks[1] > 1:
        X = X.rechunk({1: -1})
    parts = [
        _align_array(X, v, name)
        for v, name in ((y, "y"), (sample_weight, "sample_weight"), (offset, "offset"))
    ]
    return Partitions(X, *parts, None)


# -- on the workers ---------------------------------------------------------------------
def _frame_block(frame: pd.DataFrame) -> np.ndarray:
    """A DataFrame partition as a C-ordered float64 block."""
    return np.ascontiguousarray(frame.to_numpy(np.float64))


def _aligned(block: np.ndarray) -> np.ndarray:
    """``block`` itself when its data are aligned for its dtype, else an aligned copy."""
    return np.require(block, requirements="A")


def _arrays(X, y, sample_weight, offset, classes, multipliers):
    X = np.ascontiguousarray(X, np.float64)  # persisted C-ordered float64: no copy
    labels = np.asarray(y)
    codes = np.searchsorted(classes, labels)
    sw = np.ones(X.shape[0]) if sample_weight is None else np.asarray(sample_weight, np.float64)
    sw = sw * multipliers[codes]
    off = None if offset is None else np.asarray(offset, np.float64)
    return X, (codes.astype(np.float64) if len(classes) == 2 else codes), sw, off


def partition_classes(X, y, sample_weight) -> tuple[int, dict]:
    """Rows of a partition and the total weight of each label in it."""
    labels = np.asarray(y)
    sw = np.ones(labels.shape[0]) if sample_weight is None else np.asarray(sample_weight)
    if np.any(~np.isfinite(sw)) or np.any(sw < 0):
        raise ValueError("sample_weight must hold finite numbers >= 0")
    values, inverse = np.unique(labels, return_inverse=True)
    return len(labels), dict(zip(values.tolist(), np.bincount(inverse, sw).tolist(), strict=True))


def partition_start(X, y, sample_weight, offset, classes, multipliers, loss: Loss, fit_intercept,
                    index, fraction):  # fmt: skip
    """Moments and the objective sums at zero of partition ``index``."""
    X, y, sw, off = _arrays(X, y, sample_weight, offset, classes, multipliers)
    zero = np.zeros((X.shape[1] + fit_intercept) * loss.n_outputs)
    terms = chunk_terms(X, y, sw, off, loss, fit_intercept, zero, zero, np.ones(1), fraction,
                        seed=(0, index))  # fmt: skip
    return chunk_moments(X, sw), terms


def partition_step(X, y, sample_weight, offset, classes, multipliers, loss: Loss,
                   fit_intercept, index, carried, move, base, direction, steps,
                   hessian) -> tuple:  # fmt: skip
    """:func:`partition_terms` from a carried linear predictor; returns ``(terms, carry)``.

    ``carried`` is the previous pass's ``carry`` — ``(X @ base, X @ direction)``
    of this partition — or None; the new base's predictor is then
    ``X @ base + move · X @ direction`` (no product). ``carry`` holds the new
    base's predictor and ``X @ direction``, to stay on the worker.
    """
    X, y, sw, off = _arrays(X, y, sample_weight, offset, classes, multipliers)
    raw = None
    if carried is not None:
        raw = carried[0] if move == 0 or carried[1] is None else carried[0] + move * carried[1]
    keep: list = []
    terms = chunk_terms(X, y, sw, off, loss, fit_intercept, base, direction, steps, hessian,
                        seed=(0, index), raw=raw, keep=keep)  # fmt: skip
    return terms, tuple(keep)


def add(a, b):
    """Sum two partial results (pairs add element-wise)."""
    if isinstance(a, tuple):
        return tuple(x + y for x, y in zip(a, b, strict=True))
    return a + b
