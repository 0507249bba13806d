"""The whole-chain tabular model: column schema → preprocessing steps → estimator → decision.

See :class:`TabularModel`; the closed set of step types is documented in
:mod:`logistica.tabular.steps`, the column kinds in :mod:`logistica.tabular.schema`.
"""

from .model import TabularModel, linear_part
from .schema import ColumnSchema, check_frame, infer_schema
from .steps import STEP_TYPES, BooleanStep, NumericStep, OneHotStep, step_from_dict

__all__ = [
    "STEP_TYPES",
    "BooleanStep",
    "ColumnSchema",
    "NumericStep",
    "OneHotStep",
    "TabularModel",
    "check_frame",
    "infer_schema",
    "linear_part",
    "step_from_dict",
]
