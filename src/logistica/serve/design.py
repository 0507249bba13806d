"""The design matrix of a tabular model, built from validated columns without a DataFrame.

:meth:`TabularModel.predict_proba <logistica.TabularModel.predict_proba>` checks
a DataFrame against the model's schema, then runs each column's step on a pandas
Series. The service's columns are already checked (and typed: float64 for
numbers), so :class:`TabularDesign` skips the DataFrame: the numeric steps run
as one array operation on all numeric columns at once, with the steps' own
parameters and formula (impute ``fill`` for NaN, then ``(x − mean) / scale``:
the same IEEE operations element by element, so the same numbers), and the other
steps run their own ``transform``. Per request that saves a Series per numeric
column, which is most of the cost of scoring one row.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..tabular import TabularModel
from ..tabular.steps import NumericStep
from .columns import Table

__all__ = ["TabularDesign", "series"]


class TabularDesign:
    """Build a tabular model's design from a :data:`~logistica.serve.columns.Table`.

    Parameters
    ----------
    model : TabularModel
        A fitted model.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from logistica import TabularModel
    >>> frame = pd.DataFrame({"x": [0.1, 1.3, None, 2.5], "c": ["a", "b", "a", None]})
    >>> model = TabularModel().fit(frame, [0, 0, 1, 1])
    >>> table = {"x": np.array([0.1, np.nan]), "c": np.array(["b", None], dtype=object)}
    >>> design = TabularDesign(model)(table)
    >>> np.array_equal(design, model.transform(pd.DataFrame(table)).to_numpy())
    True
    """

    def __init__(self, model: TabularModel) -> None:
        self.steps = list(model.steps_)
        numeric = [step for step in self.steps if isinstance(step, NumericStep)]
        self.numeric = [step.column for step in numeric]
        self.fill = np.array([step.fill for step in numeric])
        self.mean = np.array([step.mean for step in numeric])
        self.scale = np.array([step.scale for step in numeric])

    def __call__(self, table: Table) -> np.ndarray:
        """The design matrix of the validated rows (levels unseen in training: zeros)."""
        if self.numeric:
            values = np.column_stack([table[name] for name in self.numeric])
            numbers = (np.where(np.isnan(values), self.fill, values) - self.mean) / self.scale
            if len(self.numeric) == len(self.steps):
                return numbers
        blocks, j = [], 0
        for step in self.steps:
            if isinstance(step, NumericStep):
                blocks.append(numbers[:, j : j + 1])
                j += 1
            else:
                blocks.append(step.transform(series(table[step.column]))[0])
        return np.hstack(blocks)


def series(values: np.ndarray) -> pd.Series:
    """A table column as a Series of the same dtype (object columns not turned into strings).

    Examples
    --------
    >>> series(np.array(["a", None], dtype=object)).dtype
    dtype('O')
    """
    return pd.Series(values, dtype=values.dtype, copy=False)
