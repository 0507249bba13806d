"""Statistical inference on fitted models: standard errors, tests, summaries, diagnostics.

The entry point is :func:`summarize` (also ``LogisticRegression.summarize``),
which returns an immutable :class:`Results` with statsmodels' names.
"""

from .build import summarize
from .covariance import COV_TYPES
from .diagnostics import condition_number, variance_inflation_factors
from .hypothesis import ChiSquareTest
from .influence import Influence
from .margins import MarginalEffects
from .results import Results
from .separation import SeparationReport, detect_separation, warn_if_separated
from .summary import Summary

__all__ = [
    "COV_TYPES",
    "ChiSquareTest",
    "Influence",
    "MarginalEffects",
    "Results",
    "SeparationReport",
    "Summary",
    "condition_number",
    "detect_separation",
    "summarize",
    "variance_inflation_factors",
    "warn_if_separated",
]
