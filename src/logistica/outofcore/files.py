"""Exact fits on data that do not fit in memory: :func:`fit_files`.

Parquet files are read one row group at a time (:class:`pyarrow.parquet.ParquetFile`),
CSV files through :mod:`pyarrow.dataset`, in record batches of ``batch_size``
rows, never all at once. The passes:

1. *schema*: the columns, the levels of categorical (string, dictionary,
   boolean-free non-numeric) columns, the classes and their total weights
   (only those columns are read);
2. *moments*: weighted column moments (the units of the stopping measure and
   of ``standardize``), the objective and its gradient at zero, and a row
   sample (at most a batch) whose in-memory fit starts Newton near the optimum;
3. one pass per Newton (or L-BFGS) iteration: the loss, its gradient and
   ``XᵀWX`` at the full step (a rejected step costs another pass).

Decoding the files costs about as much per pass as a whole in-memory fit, so
when the decoded data fit in the page cache the moments pass also writes them
to a spill file (:mod:`~._spill`) that the Newton passes read instead; those
passes then sample ``XᵀWX`` from a share of the rows, as the Dask backend
does. Without a spill file every pass decodes the files, and the exact
``XᵀWX`` costs less than the extra passes a sampled one needs (2M×100: 5
iterations from a 4% sample instead of 4, the same CPU time).

The optimum is the in-memory one (same objective, same stopping measure), so
the coefficients agree with :class:`~logistica.LogisticRegression` on the
same rows to the solver's tolerance. Memory is bounded by the batch: Arrow's
decoding of a row group, a few ``batch_size × n_features`` float64 arrays and
a ``n_coef²`` Hessian.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import nullcontext

import numpy as np
import pandas as pd

from .._blas import one_blas_thread
from ..estimators import LogisticRegression
from ..objective import make_loss
from ._chunk import Moments, Terms, chunk_moments, chunk_terms
from ._model import (
    check_supported,
    class_multipliers,
    fit_reduced,
    hessian_fraction,
    sample_rows,
    sample_start,
)
from ._newton import FULL_STEP
from ._reader import Layout, Reader, column, dataset, pyarrow_modules
from ._spill import Spill, spill_fits

__all__ = ["fit_files"]


def _schema_pass(
    reader: Reader, features, fit_intercept: bool, design=None, design_names=None
) -> tuple[Layout, np.ndarray]:
    """Columns, categorical levels, classes and their total weights (pass 1)."""
    pa, _ = pyarrow_modules()
    schema = reader.dataset.schema
    special = {reader.target, reader.weight, reader.offset} - {None}
    missing = sorted(special - set(schema.names))
    if missing:
        raise ValueError(f"columns {missing} are not in the data; columns: {schema.names}")
    names = [n for n in schema.names if n not in special] if features is None else list(features)
    layout = Layout(numeric=[], drop_first=fit_intercept)
    if design is not None:
        if design_names is None:
            raise ValueError("a design needs design_names: the names of its columns")
        layout.design, layout.design_names = design, list(design_names)
    for name in names:
        if name not in schema.names:
            raise ValueError(f"feature {name!r} is not in the data; columns: {schema.names}")
        if design is not None:
            layout.columns.append(name)
            continue
        kind = schema.field(name).type
        if pa.types.is_integer(kind) or pa.types.is_floating(kind) or pa.types.is_boolean(kind):
            layout.numeric.append(name)
        elif (
            pa.types.is_string(kind)
            or pa.types.is_large_string(kind)
            or (pa.types.is_dictionary(kind))
        ):
            layout.categorical[name] = []
        else:
            raise ValueError(f"column {name!r} has type {kind}, neither numeric nor categorical")
    totals: dict = {}
    levels = {name: set() for name in layout.categorical}
    columns = [*layout.categorical, reader.target] + ([reader.weight] if reader.weight else [])
    for batch in reader.batches(list(dict.fromkeys(columns)), "schema"):
        labels = column(batch, reader.target)
        sw = np.ones(batch.num_rows) if reader.weight is None else column(batch, reader.weight)
        if np.any(~np.isfinite(sw)) or np.any(sw < 0):
            raise ValueError(f"column {reader.weight!r} must hold finite weights >= 0")
        values, inverse = np.unique(labels, return_inverse=True)
        for value, total in zip(values.tolist(), np.bincount(inverse, sw), strict=True):
            totals[value] = totals.get(value, 0.0) + float(total)
        for name in layout.categorical:
            levels[name].update(pd.unique(column(batch, name)).tolist())
    if len(totals) < 2:
        raise ValueError(f"the target {reader.target!r} has fewer than two classes: {totals}")
    layout.categorical = {name: sorted(found) for name, found in levels.items()}
    layout.classes = np.array(sorted(totals))
    return layout, np.array([totals[c] for c in layout.classes.tolist()])


def fit_files(
    paths,
    target: str,
    features: Sequence[str] | None = None,
    *,
    sample_weight: str | None = None,
    offset: str | None = None,
    batch_size: int = 65_536,
    file_format: str | None = None,
    progress: bool | None = None,
    design: Callable[[pd.DataFrame], np.ndarray] | None = None,
    design_names: Sequence[str] | None = None,
    spill: bool | None = None,
    **estimator_params,
) -> LogisticRegression:
    """Fit a :class:`~logistica.LogisticRegression` exactly, streaming files batch by batch.

    Parameters
    ----------
    paths : str, path or list of paths
        A Parquet/CSV file, a directory of them, a glob pattern (``"data/*.parquet"``)
        or a list of files.
    target : str
        The label column.
    features : sequence of str, optional
        Feature columns (default: every other column). Numeric and boolean
        columns are used as they are; string and dictionary columns are one-hot
        encoded over the levels found in a first pass (sorted; the first level
        dropped when ``fit_intercept``), named ``"column_level"``.
    sample_weight, offset : str, optional
        Columns holding per-row weights and a known offset of the linear predictor.
    batch_size : int, default=65536
        Rows per record batch: what bounds the memory.
    file_format : {"parquet", "csv"}, optional
        Default: from the file extension.
    progress : bool, optional
        Show a Rich progress bar per pass on stderr (default: when it is a terminal).
    design : callable, optional
        The caller's encoder, instead of the built-in one: called on each batch's
        ``features`` as a pandas DataFrame, it returns that batch's design rows
        (e.g. a fitted :class:`~logistica.TabularModel`'s preprocessing, as
        ``logistica fit --out-of-core`` does). Needs ``design_names``.
    design_names : sequence of str, optional
        Names of the design's columns (the model's ``feature_names_in_``).
    spill : bool, optional
        Write the decoded batches (float64 design, labels, weights, offsets) to
        a temporary file in ``TMPDIR`` during the first pass that decodes them,
        and read that file in the later passes instead of decoding the files
        again. Default: when the decoded data fit in half the available memory
        (so the operating system keeps the file in its page cache; the
        process's memory stays bounded by the batch) and in the free space of
        ``TMPDIR``. The file is deleted when the fit ends.
    **estimator_params
        Parameters of :class:`~logistica.LogisticRegression` (``C``, ``l1_ratio``,
        ``standardize``, ``class_weight``, ``penalty_factor``, ``tol``,
        ``max_iter``, ``solver`` in ``{"auto", "newton", "lbfgs"}``, ...).

    Returns
    -------
    LogisticRegression
        An ordinary fitted model, plus ``fit_stats_`` (passes over the data,
        bytes scanned, rows, bytes spilled, time) and, for binary models,
        ``fisher_information_``: the unpenalized ``XᵀWX`` at the estimate
        (features then intercept, raw units).

    Examples
    --------
    >>> import numpy as np, pandas as pd, tempfile, os
    >>> rng = np.random.default_rng(0)
    >>> frame = pd.DataFrame({"x": rng.normal(size=200), "g": rng.choice(["a", "b"], 200)})
    >>> frame["y"] = (frame.x + rng.logistic(size=200) > 0).astype(int)
    >>> path = os.path.join(tempfile.mkdtemp(), "data.parquet"); frame.to_parquet(path)
    >>> model = fit_files(path, target="y", batch_size=64)
    >>> list(model.feature_names_in_), model.fit_stats_["passes"] > 2
    (['x', 'g_b'], True)
    """
    import time

    started = time.perf_counter()
    model = LogisticRegression(**estimator_params)
    check_supported(model)
    if batch_size < 1:
        raise ValueError(f"batch_size must be >= 1, got {batch_size!r}")
    reader = Reader(
        dataset(paths, file_format), target, sample_weight, offset, batch_size, progress
    )
    layout, totals = _schema_pass(reader, features, model.fit_intercept, design, design_names)
    layout.multipliers = class_multipliers(model, layout.classes, totals)
    loss = make_loss(len(layout.classes))
    n_coef = (len(layout.feature_names) + model.fit_intercept) * loss.n_outputs
    decoded = reader.rows * (len(layout.feature_names) + 2 + (offset is not None)) * 8
    if spill is None:
        spill = spill_fits(decoded)
    if spill:
        reader.spill = Spill()
    try:
        model, rows = _fit_passes(model, reader, layout, loss, n_coef)
    finally:
        reader.close()
    model.fit_stats_ = {
        "passes": reader.passes,
        "bytes_scanned": reader.bytes_scanned,
        "rows": rows,
        "batch_size": reader.batch_size,
        "graph_submissions": 0,
        "spilled_bytes": reader.spilled_bytes,
        "seconds": time.perf_counter() - started,
    }
    return model


def _fit_passes(model, reader: Reader, layout: Layout, loss, n_coef: int):
    """The moments pass, the start from a row sample, then Newton's passes."""
    zero = np.zeros(n_coef)

    # A pass that decodes the files costs more than an exact float64 XᵀWX of the
    # batch: a Hessian from a row sample saves less than the extra iterations it
    # needs (2M×100: 5 instead of 4 from a 4% sample). Reading the spill file is
    # cheap, and then the exact XᵀWX is most of a pass: sample it as Dask does.
    fraction = 1.0 if reader.spill is None else hessian_fraction(model, reader.rows, n_coef)

    def batch_sums(index, arrays, base, direction, steps, hessian) -> Terms:
        X, y, sw, off = arrays
        return chunk_terms(X, y, sw, off, loss, model.fit_intercept, base, direction, steps,
                           hessian, seed=(0, index))  # fmt: skip

    # pass 2: the moments, the objective at zero (no XᵀWX: Newton starts from the
    # in-memory fit of a row sample, at most a batch of rows, or at zero without one)
    sample = _RowSample(sample_rows(reader.batch_size, n_coef), reader.rows)

    def start_sums(index, arrays) -> _Pair:
        sample.add(arrays)
        return _Pair(chunk_moments(arrays[0], arrays[2]),
                     batch_sums(index, arrays, zero, zero, FULL_STEP, 0.0))  # fmt: skip

    with _blas_for_pass(reader):
        moments_total, start = _running_sum(
            start_sums(i, arrays) for i, arrays in enumerate(reader.arrays(layout, "moments"))
        )
    raw_start = sample.fit(model, len(layout.classes), moments_total.weight)

    def evaluate(base, direction, steps, hessian) -> Terms:
        label = "newton" if hessian else "lbfgs"
        with _blas_for_pass(reader):
            return _running_sum(
                batch_sums(i, arrays, base, direction, steps, hessian)
                for i, arrays in enumerate(reader.arrays(layout, label))
            )

    model, _ = fit_reduced(
        model, evaluate, classes=layout.classes, moments=moments_total,
        start=start, feature_names=layout.feature_names, fraction=fraction,
        raw_start=raw_start,
    )  # fmt: skip
    return model, int(moments_total.rows)


def _blas_for_pass(reader: Reader):
    """BLAS threads for the next pass: one while the pass decodes the files.

    Decoding (and spilling) runs on threads of its own, which OpenBLAS's idle
    workers would starve by spinning between calls: 2M×100, first pass 4.5 →
    4.0 s; with ``spill=False`` 12.0–12.5 → 11.2–11.5 s. Passes over the spill
    file keep every BLAS thread.
    """
    return nullcontext() if reader.spilled else one_blas_thread()


class _RowSample:
    """A seeded Bernoulli sample of the rows of one pass, about ``size`` of them."""

    def __init__(self, size: int, rows: int, seed: int = 0) -> None:
        self.probability = min(1.0, size / max(rows, 1))
        self.rng = np.random.default_rng(seed)
        self.parts: list[tuple] = []

    def add(self, arrays: tuple) -> None:
        """Keep a copy of the sampled rows of ``(X, y, sample_weight, offset)``."""
        keep = self.rng.random(arrays[0].shape[0]) < self.probability
        self.parts.append(tuple(None if a is None else a[keep] for a in arrays))

    def fit(self, model: LogisticRegression, n_classes: int, total_weight: float):
        """:func:`~._model.sample_start` on the sample, which is then released."""
        columns = list(zip(*self.parts, strict=True))
        self.parts = []
        if not columns:
            return None
        X, y, sw, off = (None if c[0] is None else np.concatenate(c) for c in columns)
        return sample_start(model, X, y, sw, off, n_classes, sw.sum() / total_weight)


class _Pair(tuple):
    """``(Moments, Terms)`` that add element-wise."""

    def __new__(cls, moments: Moments, terms: Terms):
        return super().__new__(cls, (moments, terms))

    def __add__(self, other):
        return _Pair(self[0] + other[0], self[1] + other[1])


def _running_sum(items):
    """Sum as the items arrive (one pass, constant memory)."""
    total = None
    for item in items:
        total = item if total is None else total + item
    if total is None:
        raise ValueError("the data have no rows")
    return total
