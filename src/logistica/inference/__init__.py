"""Statistical inference on fitted models: standard errors, tests, summaries, diagnostics.

The entry point is :func:`summarize` (also ``LogisticRegression.summarize``),
which returns an immutable :class:`Results` with statsmodels' names.

The names below are imported on first use (PEP 562), as in :mod:`logistica`:
a fit imports only :mod:`.separation` (its separation check), not the
summaries, tests and diagnostics (~40 ms of a first fit's import).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import lazy_exports

#: public name -> the submodule defining it
_EXPORTS = {
    "COV_TYPES": "covariance",
    "ChiSquareTest": "hypothesis",
    "Influence": "influence",
    "MarginalEffects": "margins",
    "Results": "results",
    "SeparationReport": "separation",
    "Summary": "summary",
    "condition_number": "diagnostics",
    "detect_separation": "separation",
    "summarize": "build",
    "variance_inflation_factors": "diagnostics",
    "warn_if_separated": "separation",
}

__all__ = [  # literal, for static analysis; the same names as _EXPORTS
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

if TYPE_CHECKING:
    from .build import summarize
    from .covariance import COV_TYPES
    from .diagnostics import condition_number, variance_inflation_factors
    from .hypothesis import ChiSquareTest
    from .influence import Influence
    from .margins import MarginalEffects
    from .results import Results
    from .separation import SeparationReport, detect_separation, warn_if_separated
    from .summary import Summary


__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS, globals())
