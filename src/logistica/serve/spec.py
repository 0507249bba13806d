"""What a served model takes as input: one :class:`Column` per input column.

A :class:`~logistica.TabularModel` brings its own column schema and steps:

- numeric columns take JSON numbers (``null``: missing, imputed by the model);
- categorical columns take strings; ``null`` is accepted when training saw
  missing values or the model's unseen-level policy is ``"zero"``; levels
  unseen in training are refused (policy ``"error"``) or scored as all-zero
  one-hot columns and counted (policy ``"zero"``);
- boolean columns take ``true``/``false`` (``null``: missing, imputed).

Any other model (``LogisticRegression`` and its CV, calibration and threshold
wrappers) is served on numeric columns named by ``feature_names_in_``, or
``x0 … x{d-1}`` when it was fitted on an array; they take finite JSON numbers
only (no ``null``: such a model has no imputation).

A numeric value farther than :data:`OUT_OF_RANGE_Z` training standard
deviations from the training mean is *out of range*: it is scored, and counted
(where the model file knows the column's mean and scale: tabular models).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..explain import resolve_feature_names
from ..tabular import TabularModel, linear_part
from ..tabular.steps import NumericStep, OneHotStep

__all__ = ["OUT_OF_RANGE_Z", "Column", "InputSpec", "input_spec"]

#: Distance from the training mean, in training standard deviations, beyond
#: which a numeric value counts as out of range.
OUT_OF_RANGE_Z = 6.0


@dataclass(frozen=True)
class Column:
    """One input column of the service.

    Parameters
    ----------
    name : str
        Column name, as clients send it.
    kind : {"numeric", "categorical", "boolean"}
        JSON numbers, strings or booleans.
    nullable : bool
        Whether ``null`` (a missing value) is accepted.
    levels : tuple of str, optional
        Categorical columns: the levels seen in training.
    unseen : {"zero", "error"}, optional
        Categorical columns: what happens to other levels.
    missing_level : bool, default=False
        Categorical columns: whether missing values have a level of their own
        (otherwise a ``null`` is scored like an unseen level).
    mean, scale : float, optional
        Numeric columns of tabular models: training mean and standard deviation.
    """

    name: str
    kind: str
    nullable: bool
    levels: tuple[str, ...] | None = None
    unseen: str | None = None
    missing_level: bool = False
    mean: float | None = None
    scale: float | None = None

    def example(self):
        """A typical value: the training mean, the first level, or ``false``."""
        if self.kind == "numeric":
            return round(self.mean, 4) if self.mean is not None else 0.0
        if self.kind == "boolean":
            return False
        return self.levels[0] if self.levels else "level"

    def describe(self) -> dict:
        """Plain-data description, for ``GET /model`` and the OpenAPI document."""
        info = {"name": self.name, "kind": self.kind, "nullable": self.nullable}
        if self.kind == "categorical":
            info["categories"] = list(self.levels or ())
            info["unseen_levels"] = self.unseen
        if self.mean is not None:
            info["training_mean"], info["training_scale"] = self.mean, self.scale
        return info


@dataclass(frozen=True)
class InputSpec:
    """The input columns of a served model, in the model's order.

    Attributes
    ----------
    columns : tuple of Column
    tabular : bool
        Whether the model is a :class:`~logistica.TabularModel` (it takes a
        table); otherwise it takes a numeric array in column order.
    """

    columns: tuple[Column, ...]
    tabular: bool

    @property
    def names(self) -> list[str]:
        """Column names, in order."""
        return [column.name for column in self.columns]

    def example_row(self) -> dict:
        """One example record built from the schema (used in the OpenAPI document)."""
        return {column.name: column.example() for column in self.columns}


def _tabular_column(spec, step) -> Column:
    if isinstance(step, NumericStep):
        return Column(spec.name, "numeric", True, mean=step.mean, scale=step.scale)
    if isinstance(step, OneHotStep):
        levels = tuple(sorted([*step.levels, *step.infrequent]))
        nullable = step.missing_level or step.handle_unknown == "zero"
        return Column(
            spec.name, "categorical", nullable, levels, step.handle_unknown, step.missing_level
        )
    return Column(spec.name, "boolean", True)


def input_spec(model) -> InputSpec:
    """The input columns of a fitted model (see the module documentation).

    Parameters
    ----------
    model : fitted estimator
        A ``TabularModel`` or a model with a logistic regression inside.

    Returns
    -------
    InputSpec

    Examples
    --------
    >>> import numpy as np
    >>> from logistica import LogisticRegression
    >>> model = LogisticRegression().fit(np.eye(4)[:, :2], [0, 1, 0, 1])
    >>> input_spec(model).names
    ['x0', 'x1']
    """
    if isinstance(model, TabularModel):
        pairs = zip(model.schema_, model.steps_, strict=True)
        columns = [_tabular_column(schema, step) for schema, step in pairs]
        return InputSpec(tuple(columns), tabular=True)
    names = resolve_feature_names(linear_part(model))
    return InputSpec(tuple(Column(name, "numeric", False) for name in names), tabular=False)
