"""Model files for the CLI: open them with one-line errors, check rows before scoring.

The CLI records what it needs to score and evaluate in the model card's
``"cli"`` entry: the target column, the positive class and the imputation
policy (``null`` when numeric missing values were refused at fit time).
"""

from __future__ import annotations

import pandas as pd

from ..exceptions import ModelFileError
from ..io import ModelFile, load_file
from ..tabular import TabularModel
from ._common import CliError
from ._data import check_missing_numbers, check_numeric_text

__all__ = ["card", "numeric_columns", "open_model", "prepare_rows", "read_dtypes"]


def open_model(path: str) -> ModelFile:
    """Load and verify a model file; the CLI scores :class:`~logistica.TabularModel` files."""
    try:
        model_file = load_file(path)
    except FileNotFoundError:
        raise CliError(f"no such model file: {path}", "no_input") from None
    except IsADirectoryError:
        raise CliError(f"{path} is a directory, not a model file", "no_input") from None
    except ModelFileError as error:
        raise CliError(f"invalid model file {path}: {error}") from None
    if not isinstance(model_file.model, TabularModel):
        raise CliError(
            f"{path} holds a {type(model_file.model).__name__}; the CLI scores TabularModel "
            "files (written by `logistica fit` or logistica.save(TabularModel(...)))"
        )
    return model_file


def card(model_file: ModelFile) -> dict:
    """The CLI's entry of the model card (empty for files written from Python)."""
    return dict((model_file.model_card or {}).get("cli") or {})


def numeric_columns(model: TabularModel) -> list[str]:
    """The model's numeric input columns."""
    return [s.name for s in model.schema_ if s.kind == "numeric"]


def read_dtypes(model: TabularModel) -> dict:
    """CSV dtypes that keep categorical columns as text, whatever a chunk holds."""
    return {s.name: str for s in model.schema_ if s.kind == "categorical"}


def prepare_rows(model_file: ModelFile, frame: pd.DataFrame, *, impute: bool) -> pd.DataFrame:
    """The model's input columns of ``frame``, checked and typed for scoring.

    Raises
    ------
    CliError
        Naming missing columns, text in a numeric column (with a row), or
        numeric missing values when neither the model nor ``impute`` allows them.
    """
    model = model_file.model
    needed = list(model.feature_names_in_)
    missing = [c for c in needed if c not in frame.columns]
    if missing:
        raise CliError(f"the data lacks column(s) the model needs: {missing}")
    rows = frame[needed].copy()
    numeric = numeric_columns(model)
    check_numeric_text(rows, numeric, strict=True)
    for name in numeric:
        if not pd.api.types.is_numeric_dtype(rows[name].dtype):
            rows[name] = pd.to_numeric(rows[name], errors="coerce").astype("float64")
    policy = card(model_file)  # files written from Python impute like the model does
    if not impute and policy and policy.get("impute") is None:
        check_missing_numbers(
            rows,
            numeric,
            hint="the model was fitted without imputation: pass --impute to fill them with "
            "the training statistic stored in the model, or drop those rows",
        )
    return rows
