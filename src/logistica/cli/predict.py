"""``logistica predict``: score a table in constant memory, with an explicit output contract.

Output columns (fixed names, in this order):

- ``p_<class>``: the (calibrated) probability of each class (``--output proba``);
- ``margin``: the linear predictor, the log-odds of the positive class before
  calibration (binary); ``margin_<class>`` per class for multiclass models
  (``--output margin``);
- ``label``: the class the model decides (its tuned threshold or cost rule
  applied; the most probable class without one) (``--output label``);
- ``decision``: ``1`` when ``label`` is the positive class, else ``0`` (binary).

``--output all`` writes all of them; ``--keep`` columns come first and
``--explain K`` adds ``top<i>_column`` / ``top<i>_contribution`` pairs.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Annotated

import numpy as np
import pandas as pd
import typer

from ..exceptions import UnseenLevelWarning
from ..tabular import TabularModel
from ._common import CliError, Ui, command
from ._data import iter_table, split_names
from ._model import open_model, prepare_rows, read_dtypes
from ._writers import TableWriter, output_format

__all__ = ["OUTPUTS", "prediction_frame", "register"]

OUTPUTS = ("label", "proba", "margin", "all")


def _name(label) -> str:
    return str(label.item() if hasattr(label, "item") else label)


def prediction_frame(
    model: TabularModel, rows: pd.DataFrame, output: str, explain: int = 0
) -> pd.DataFrame:
    """The prediction columns of ``rows`` (see the module documentation)."""
    classes = [_name(c) for c in model.classes_]
    design = model.transform(rows).to_numpy()
    columns: dict[str, object] = {}
    if output in ("proba", "all"):
        proba = model.model_.predict_proba(design)
        for k, label in enumerate(classes):
            columns[f"p_{label}"] = proba[:, k]
    if output in ("margin", "all"):
        margin = np.asarray(model.linear_model_.decision_function(design))
        if margin.ndim == 1:
            columns["margin"] = margin
        else:
            for k, label in enumerate(classes):
                columns[f"margin_{label}"] = margin[:, k]
    if output in ("label", "all"):
        label = model.model_.predict(design)
        columns["label"] = label
        if output == "all" and len(classes) == 2:
            columns["decision"] = (label == model.classes_[1]).astype(np.int8)
    frame = pd.DataFrame(columns, index=rows.index)
    if explain:
        top = model.explain(rows, k=min(explain, len(model.feature_names_in_)))
        for i in range(len(top[0]) if top else 0):
            frame[f"top{i + 1}_column"] = [pairs[i][0] for pairs in top]
            frame[f"top{i + 1}_contribution"] = [pairs[i][1] for pairs in top]
    return frame


def register(app: typer.Typer) -> None:
    """Add ``predict`` to ``app``."""

    @command(app, "predict")
    def predict(
        ui: Ui,
        model_path: Annotated[str, typer.Argument(metavar="MODEL", help="Model file (JSON).")],
        data: Annotated[
            str,
            typer.Argument(metavar="[DATA]", help="CSV, gzip CSV or Parquet; - or nothing: stdin."),
        ] = "-",
        out: Annotated[
            Path | None, typer.Option("--out", "-o", help="Output file (default: stdout).")
        ] = None,
        output: Annotated[
            str, typer.Option("--output", help="What to write: label, proba, margin or all.")
        ] = "all",
        proba: Annotated[bool, typer.Option("--proba", help="Same as --output proba.")] = False,
        fmt: Annotated[
            str | None,
            typer.Option("--format", "-f", help="csv, parquet or jsonl (default: from -o)."),
        ] = None,
        explain: Annotated[
            int, typer.Option(min=0, help="Add the K largest contributions per row.")
        ] = 0,
        keep: Annotated[
            list[str] | None, typer.Option(help="Input columns to copy first (e.g. an id).")
        ] = None,
        impute: Annotated[
            bool, typer.Option(help="Fill numeric missing values with the stored statistic.")
        ] = False,
        chunk_size: Annotated[int, typer.Option(min=1, help="Rows per chunk.")] = 50_000,
    ) -> None:
        """Score a table: probabilities, margin, label and decision per row."""
        output = "proba" if proba else output
        if output not in OUTPUTS:
            raise CliError(f"--output must be one of {', '.join(OUTPUTS)}; got {output!r}", "usage")
        model_file = open_model(model_path)
        model = model_file.model
        if ui.json and out is None and fmt is None:
            fmt = "jsonl"  # --json on stdout: one JSON object per row
        fmt = output_format(out, fmt)
        kept = split_names(keep)
        writer = TableWriter(out, fmt)
        unseen: dict[str, int] = {}
        try:
            for _, chunk in iter_table(data, chunk_size, dtype=read_dtypes(model)):
                absent = [c for c in kept if c not in chunk.columns]
                if absent:
                    raise CliError(f"--keep: no such column(s): {absent}")
                rows = prepare_rows(model_file, chunk, impute=impute)
                with warnings.catch_warnings(record=True) as caught:
                    warnings.simplefilter("always", UnseenLevelWarning)
                    frame = prediction_frame(model, rows, output, explain)
                if any(w.category is UnseenLevelWarning for w in caught):
                    for column, count in model.unseen_counts(rows).items():
                        unseen[column] = unseen.get(column, 0) + count
                writer.write(pd.concat([chunk[kept], frame], axis=1) if kept else frame)
        finally:
            writer.close()
        if unseen:
            ui.info(
                f"note: rows with levels unseen in training, per column: {unseen} "
                "(scored with the column's baseline contribution)"
            )
        where = "stdout" if out is None else str(out)
        ui.info(f"scored {writer.rows} rows -> {where} ({fmt})")
        if ui.json and out is not None:
            ui.emit({"rows": writer.rows, "output": where, "format": fmt})
