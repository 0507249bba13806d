"""The service's optional dependencies, checked once with an install hint."""

from __future__ import annotations

from importlib.util import find_spec

__all__ = ["INSTALL_HINT", "require_serve_dependencies"]

INSTALL_HINT = 'pip install "logistica[serve]"'
_MODULES = ("fastapi", "uvicorn", "pydantic", "prometheus_client", "orjson")


def require_serve_dependencies() -> None:
    """Raise an ImportError naming the missing modules and the extra to install.

    Examples
    --------
    >>> require_serve_dependencies()  # all installed: nothing happens
    """
    missing = [name for name in _MODULES if find_spec(name) is None]
    if missing:
        raise ImportError(
            f"logistica.serve needs {', '.join(missing)}, which is not installed: "
            f"run `{INSTALL_HINT}`"
        )
