"""logistica: logistic regression from raw table to calibrated, explained, deployed model.

The names below are imported on first use (PEP 562): ``from logistica import
LogisticRegression`` loads the estimator and its solvers, not cross-validation,
model files or out-of-core fitting — a third of the import time it would
otherwise add to a first fit (``benchmarks/coldstart.py``).

Examples
--------
>>> import logistica
>>> sorted(logistica.__all__)[:2]
['ConvergenceWarning', 'InferenceWarning']
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._lazy import lazy_exports

__version__ = "0.1.0"

#: public name -> the submodule defining it
_EXPORTS = {
    "ConvergenceWarning": "exceptions",
    "InferenceWarning": "exceptions",
    "LogisticRegression": "estimators",
    "LogisticRegressionCV": "cv",
    "SeparationWarning": "exceptions",
    "TabularModel": "tabular",
    "export_onnx": "io",
    "fit_files": "outofcore",
    "load": "io",
    "logistic_path": "path",
    "logit": "formula",
    "save": "io",
    "stream_fit": "streaming",
    "summarize": "inference",
}

__all__ = [  # literal, for static analysis; the same names as _EXPORTS
    "ConvergenceWarning",
    "InferenceWarning",
    "LogisticRegression",
    "LogisticRegressionCV",
    "SeparationWarning",
    "TabularModel",
    "__version__",
    "export_onnx",
    "fit_files",
    "load",
    "logistic_path",
    "logit",
    "save",
    "stream_fit",
    "summarize",
]

if TYPE_CHECKING:
    from .cv import LogisticRegressionCV
    from .estimators import LogisticRegression
    from .exceptions import ConvergenceWarning, InferenceWarning, SeparationWarning
    from .formula import logit
    from .inference import summarize
    from .io import export_onnx, load, save
    from .outofcore import fit_files
    from .path import logistic_path
    from .streaming import stream_fit
    from .tabular import TabularModel


__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS, globals())
