"""Warning classes raised by logistica, each specific enough to filter on."""

from __future__ import annotations

from sklearn.exceptions import ConvergenceWarning as _SklearnConvergenceWarning

__all__ = ["ConvergenceWarning", "InferenceWarning", "SeparationWarning"]


class ConvergenceWarning(_SklearnConvergenceWarning):
    """A solver stopped before reaching the requested optimality.

    Subclasses scikit-learn's ``ConvergenceWarning``, so filters written for
    scikit-learn also catch it.
    """


class InferenceWarning(UserWarning):
    """Standard errors or tests rest on shaky ground.

    For instance naive standard errors of a penalized fit (they ignore the
    penalty's bias), or a singular Fisher information.
    """


class SeparationWarning(UserWarning):
    """The classes are (quasi-)completely separated: maximum likelihood does not exist."""
