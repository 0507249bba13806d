"""Fitting from a stream of chunks: :func:`stream_fit` feeds ``partial_fit``.

Each chunk is ``(X, y)`` or ``(X, y, sample_weight)``, or a table (pandas
``DataFrame``, e.g. from ``read_csv(chunksize=...)``, or a pyarrow
``RecordBatch``/``Table``) with the label in the column ``target``. A Rich
progress bar goes to stderr, and only when stderr is a terminal.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

__all__ = ["stream_fit"]


def _split_chunk(chunk: Any, target: str | None) -> tuple[Any, Any, Any]:
    """``(X, y, sample_weight)`` of one chunk."""
    if hasattr(chunk, "to_pandas") and not isinstance(chunk, pd.DataFrame):  # pyarrow
        chunk = chunk.to_pandas()
    if isinstance(chunk, pd.DataFrame):
        if target is None or target not in chunk.columns:
            raise ValueError(
                f"a table chunk needs target= naming its label column; got target={target!r} "
                f"and columns {list(chunk.columns)}"
            )
        return chunk.drop(columns=[target]), chunk[target].to_numpy(), None
    if isinstance(chunk, tuple) and len(chunk) in (2, 3):
        return chunk[0], chunk[1], chunk[2] if len(chunk) == 3 else None
    raise TypeError(
        "each chunk must be (X, y), (X, y, sample_weight), a pandas DataFrame or a pyarrow "
        f"RecordBatch/Table, got {type(chunk).__name__}"
    )


def stream_fit(
    model,
    batches: Iterable,
    *,
    classes=None,
    target: str | None = None,
    total: int | None = None,
    progress: bool | None = None,
):
    """Fit ``model`` on a stream of chunks, one ``partial_fit`` per chunk.

    Parameters
    ----------
    model : LogisticRegression
        Any estimator with ``partial_fit(X, y, classes=..., sample_weight=...)``.
    batches : iterable
        Chunks: ``(X, y)``, ``(X, y, sample_weight)``, pandas DataFrames or pyarrow
        record batches / tables (with ``target``).
    classes : array-like, optional
        Every label of the stream; needed unless the model is already fitted.
    target : str, optional
        Label column of table chunks.
    total : int, optional
        Number of chunks, for the progress bar (``len(batches)`` when it has one).
    progress : bool, optional
        Show a Rich progress bar on stderr; by default only when stderr is a terminal.

    Returns
    -------
    model
        The fitted model.

    Examples
    --------
    >>> import numpy as np
    >>> from logistica import LogisticRegression, stream_fit
    >>> rng = np.random.default_rng(0); X = rng.standard_normal((400, 3))
    >>> y = (X[:, 0] > 0).astype(int)
    >>> chunks = ((X[i : i + 100], y[i : i + 100]) for i in range(0, 400, 100))
    >>> model = stream_fit(LogisticRegression(solver="sgd"), chunks, classes=[0, 1])
    >>> bool(model.score(X, y) > 0.9)
    True
    """
    console = Console(stderr=True)
    show = console.is_terminal if progress is None else bool(progress)
    if total is None and hasattr(batches, "__len__"):
        total = len(batches)
    columns = (
        TextColumn("fitting"),
        BarColumn(),
        MofNCompleteColumn() if total else TextColumn("{task.completed} chunks"),
        TextColumn("{task.fields[rows]:,} rows"),
        TimeElapsedColumn(),
    )
    seen = 0
    with Progress(*columns, console=console, disable=not show, transient=False) as bar:
        task = bar.add_task("fit", total=total, rows=0)
        for chunk in batches:
            X, y, weight = _split_chunk(chunk, target)
            model.partial_fit(X, y, classes=classes, sample_weight=weight)
            seen += int(np.shape(y)[0])
            bar.update(task, advance=1, rows=seen)
    if not hasattr(model, "classes_"):
        raise ValueError("stream_fit got no chunks: the model was not fitted")
    return model
