"""Warnings attributed to the user's code, not to the library frame that raised them."""

from __future__ import annotations

import os
import sys
import warnings

__all__ = ["warn_user"]

_PACKAGE = os.path.dirname(os.path.abspath(__file__))


def warn_user(message: str, category: type[Warning]) -> None:
    """``warnings.warn`` with the stack level of the first frame outside logistica.

    Solvers are reached through different depths (``fit``, a path, a
    cross-validation, a calibrator, joblib), so a fixed ``stacklevel`` would point
    inside the library for some callers; this points at the user's line, as
    Python 3.12's ``skip_file_prefixes`` does.

    Examples
    --------
    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     warn_user("careful", UserWarning)
    >>> caught[0].message.args[0]
    'careful'
    """
    level, frame = 1, sys._getframe(1)
    while frame is not None and os.path.abspath(frame.f_code.co_filename).startswith(_PACKAGE):
        level, frame = level + 1, frame.f_back
    warnings.warn(message, category, stacklevel=level + 1)
