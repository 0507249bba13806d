"""Public names of a package imported on first use (PEP 562)."""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module


def lazy_exports(
    package: str, exports: dict[str, str], namespace: dict
) -> tuple[Callable[[str], object], Callable[[], list[str]]]:
    """The module-level ``__getattr__`` and ``__dir__`` of a package with lazy names.

    Parameters
    ----------
    package : str
        The package's ``__name__``.
    exports : dict
        Public name -> the submodule (relative to ``package``) defining it.
    namespace : dict
        The package's ``globals()``: a name loaded once is stored there, so
        later look-ups skip ``__getattr__``.

    Returns
    -------
    __getattr__, __dir__ : callable

    Examples
    --------
    >>> namespace = {}
    >>> getattr_, dir_ = lazy_exports("logistica", {"ConvergenceWarning": "exceptions"}, namespace)
    >>> getattr_("ConvergenceWarning").__name__, "ConvergenceWarning" in namespace
    ('ConvergenceWarning', True)
    """

    def get(name: str):
        module = exports.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(import_module(f".{module}", package), name)
        namespace[name] = value
        return value

    def names() -> list[str]:
        return sorted({*namespace, *exports})

    return get, names
