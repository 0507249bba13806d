"""logistica: logistic regression from raw table to calibrated, explained, deployed model.

Examples
--------
>>> import logistica
>>> sorted(logistica.__all__)[:2]
['ConvergenceWarning', 'InferenceWarning']
"""

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

__version__ = "0.1.0"

__all__ = [
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
