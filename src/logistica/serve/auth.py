"""Optional API-key authentication: ``Authorization: Bearer <key>`` or ``X-API-Key: <key>``.

Keys are compared in constant time (:func:`hmac.compare_digest`) and never
logged. Without a configured key every endpoint is open; with one, everything
but the liveness and readiness probes and the API documentation needs it.
"""

from __future__ import annotations

import hmac
from pathlib import Path

from fastapi import Depends
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from .validation import RequestError

__all__ = ["api_key_dependency", "read_api_key"]

_bearer = HTTPBearer(auto_error=False, description="The service's API key as a bearer token")
_header = APIKeyHeader(name="X-API-Key", auto_error=False, description="The service's API key")


def read_api_key(path: str | Path) -> str:
    """The key in a file (surrounding whitespace stripped); an empty file is refused.

    Raises
    ------
    ValueError
        When the file holds no key.
    """
    key = Path(path).read_text(encoding="utf-8").strip()
    if not key:
        raise ValueError(f"the API key file {str(path)!r} is empty")
    return key


def api_key_dependency(key: str):
    """A FastAPI dependency refusing requests without ``key`` (401).

    Parameters
    ----------
    key : str
        The expected key.
    """
    expected = key.encode("utf-8")

    def require_api_key(
        bearer: HTTPAuthorizationCredentials | None = Depends(_bearer),  # noqa: B008
        header: str | None = Depends(_header),
    ) -> None:
        given = bearer.credentials if bearer is not None else header
        if given is None:
            raise RequestError(401, "missing API key: send 'Authorization: Bearer <key>' or "
                                "'X-API-Key: <key>'")  # fmt: skip
        if not hmac.compare_digest(given.encode("utf-8"), expected):
            raise RequestError(401, "invalid API key")

    return require_api_key
