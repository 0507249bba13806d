"""Warning and error classes raised by logistica, each specific enough to filter on."""

from __future__ import annotations

from sklearn.exceptions import ConvergenceWarning as _SklearnConvergenceWarning

__all__ = [
    "ConvergenceWarning",
    "InferenceWarning",
    "ModelFileError",
    "SeparationWarning",
    "UnseenLevelWarning",
]


class ConvergenceWarning(_SklearnConvergenceWarning):
    """A solver stopped before reaching the requested optimality.

    Subclasses scikit-learn's ``ConvergenceWarning``, so filters written for
    scikit-learn also catch it.

    Examples
    --------
    >>> import warnings
    >>> from sklearn.exceptions import ConvergenceWarning as SklearnConvergenceWarning
    >>> issubclass(ConvergenceWarning, SklearnConvergenceWarning)
    True
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore", ConvergenceWarning)  # silence slow fits
    """


class InferenceWarning(UserWarning):
    """Standard errors or tests rest on shaky ground.

    For instance naive standard errors of a penalized fit (they ignore the
    penalty's bias), or a singular Fisher information.

    Examples
    --------
    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     warnings.warn("naive standard errors of a penalized fit", InferenceWarning)
    >>> caught[0].category.__name__
    'InferenceWarning'
    """


class ModelFileError(ValueError):
    """A model file cannot be loaded: invalid JSON, wrong schema, checksum or content.

    Raised by :func:`logistica.load` for every defect of a file (truncated or
    invalid JSON, unknown format version, missing field, unknown model or step
    type, wrong shapes, non-finite coefficients, a checksum or golden-row
    mismatch), and by :func:`logistica.save` for a model it cannot write. A
    subclass of ``ValueError``.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> import logistica
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = Path(tmp) / "model.json"
    ...     _ = path.write_text('{"format": "not a model"}')
    ...     try:
    ...         logistica.load(path)
    ...     except ModelFileError as error:
    ...         print(type(error).__name__, isinstance(error, ValueError))
    ModelFileError True
    """


class SeparationWarning(UserWarning):
    """The classes are (quasi-)completely separated: maximum likelihood does not exist.

    Examples
    --------
    >>> import warnings
    >>> issubclass(SeparationWarning, UserWarning)
    True
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("error", SeparationWarning)  # make separation fatal
    """


class UnseenLevelWarning(UserWarning):
    """Rows to score hold categorical levels unseen in training.

    :class:`logistica.TabularModel` gives them all-zero one-hot columns (the
    column's baseline contribution); the message counts them per column.
    """
