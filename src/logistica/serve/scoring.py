"""Score validated tables: labels, class probabilities, margins, decisions, explanations.

:class:`Scorer` runs the model's chain once per batch on the design built from
the validated columns (:mod:`~logistica.serve.design`: no DataFrame on the
way), and returns plain arrays; :func:`records` turns them into the JSON rows
of ``POST /predict``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..explain import top_contributions
from ..tabular import TabularModel, linear_part
from ..thresholds import ThresholdClassifier
from .columns import Table
from .design import TabularDesign, series

__all__ = ["DEFAULT_OUTPUTS", "OUTPUTS", "Scored", "Scorer", "records"]

#: What a client can ask for, per request.
OUTPUTS = ("label", "proba", "margin", "decision")
#: What it gets when it does not say.
DEFAULT_OUTPUTS = ("label", "proba", "decision")


def _frame(table: Table) -> pd.DataFrame:
    return pd.DataFrame({name: series(values) for name, values in table.items()})


@dataclass(frozen=True)
class Scored:
    """One batch's results (arrays aligned with the rows).

    Attributes
    ----------
    label : ndarray
        The most probable class.
    proba : ndarray of shape (n_rows, n_classes)
    decision : ndarray
        The model's decision (tuned threshold or cost matrix; else the label).
    margin : ndarray or None
        Linear predictor: (n_rows,) for binary models, (n_rows, n_classes) else.
    explanation : list or None
        Per row, ``(column, contribution)`` pairs, largest first.
    """

    label: np.ndarray
    proba: np.ndarray
    decision: np.ndarray
    margin: np.ndarray | None = None
    explanation: list | None = None


class Scorer:
    """Score tables with a fitted model (a ``TabularModel`` or any served chain).

    Parameters
    ----------
    model : fitted estimator
        The model of a model file.
    """

    def __init__(self, model) -> None:
        self.model = model
        self.tabular = isinstance(model, TabularModel)
        self.chain = model.model_ if self.tabular else model
        self.linear = linear_part(model)
        self.classes = np.asarray(model.classes_)
        self._named = getattr(self.linear, "feature_names_in_", None) is not None
        self._design = TabularDesign(model) if self.tabular else None
        self._rule = isinstance(self.chain, ThresholdClassifier)

    def design(self, table: Table):
        """What the chain takes: the tabular design, or the numeric columns.

        Unseen levels get the model's all-zero columns; the service counts them
        (no warning).
        """
        if self._design is not None:
            return self._design(table)
        if self._named:
            return _frame(table)
        return np.column_stack(list(table.values()))

    def score(self, table: Table, outputs=DEFAULT_OUTPUTS, explain: int = 0) -> Scored:
        """Probabilities, labels and decisions, plus margins and explanations on request.

        Parameters
        ----------
        table : Table
            Validated rows, one column per input column.
        outputs : sequence of str
            Among :data:`OUTPUTS` (``margin`` is computed only when asked for).
        explain : int, default=0
            Number of largest contributions per row (0: none).
        """
        design = self.design(table)
        proba = self.chain.predict_proba(design)
        label = self.classes[proba.argmax(axis=1)]
        # without a threshold or cost matrix the chain decides by the most probable class
        decision = self.chain.predict(design) if self._rule else label
        margin = self.linear.decision_function(design) if "margin" in outputs else None
        explanation = None
        if explain:
            if self.tabular:
                explanation = self.model.explain(_frame(table), explain)
            else:
                names = [str(c) for c in table]
                explanation = top_contributions(self.linear, design, explain, feature_names=names)
        return Scored(label, proba, decision, margin, explanation)

    def decision_rule(self) -> dict:
        """The decision rule: threshold or cost matrix (``None`` when the label decides)."""
        rule = self.chain  # a threshold or cost matrix wraps the whole chain
        if not isinstance(rule, ThresholdClassifier):
            return {"threshold": None, "cost_matrix": None}
        cost = rule.cost_matrix
        return {
            "threshold": None if rule.threshold_ is None else float(rule.threshold_),
            "cost_matrix": None if cost is None else np.asarray(cost, dtype=float).tolist(),
        }


def records(scored: Scored, outputs, classes: np.ndarray) -> list[dict]:
    """The JSON rows of ``POST /predict``: only the requested outputs, plus explanations."""
    keys = [str(c) for c in classes.tolist()]
    columns: dict[str, list] = {}
    if "label" in outputs:
        columns["label"] = scored.label.tolist()
    if "proba" in outputs:
        columns["proba"] = _rows(dict(zip(keys, scored.proba.T.tolist(), strict=True)))
    if "margin" in outputs and scored.margin is not None:
        columns["margin"] = scored.margin.tolist()
    if "decision" in outputs:
        columns["decision"] = scored.decision.tolist()
    if scored.explanation is not None:
        columns["explanation"] = [
            [{"column": name, "contribution": value} for name, value in row]
            for row in scored.explanation
        ]
    return _rows(columns)


def _rows(columns: dict[str, list]) -> list[dict]:
    """Rows ``{name: value}`` of equal-length columns, filled one column at a time
    (a dict per row and a store per value: no ``zip`` per row)."""
    (first, values), *rest = columns.items()
    rows = [{first: value} for value in values]
    for name, values in rest:
        for row, value in zip(rows, values, strict=True):
            row[name] = value
    return rows
