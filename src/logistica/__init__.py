"""logistica: logistic regression from raw table to calibrated, explained, deployed model.

Examples
--------
>>> import logistica
>>> sorted(logistica.__all__)[:2]
['ConvergenceWarning', 'LogisticRegression']
"""

from .estimators import LogisticRegression
from .exceptions import ConvergenceWarning, SeparationWarning

__version__ = "0.1.0"

__all__ = ["ConvergenceWarning", "LogisticRegression", "SeparationWarning", "__version__"]
