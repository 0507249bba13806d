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

__all__ = ["api_key_dependency", "read_api_keys"]

_bearer = HTTPBearer(auto_error=False, description="The service's API key as a bearer token")
_header = APIKeyHeader(name="X-API-Key", auto_error=False, description="The service's API key")


def read_api_keys(path: str | Path) -> list[str]:
    """The accepted keys in a file, one per line (blank lines ignored).

    Raises
    ------
    ValueError
        When the file holds no key.
    """
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    keys = [line.strip() for line in lines if line.strip()]
    if not keys:
        raise ValueError(f"the API key file {str(path)!r} holds no key")
    return keys


def api_key_dependency(keys: str | list[str]):
    """A FastAPI dependency refusing requests without one of ``keys`` (401).

    Parameters
    ----------
    keys : str or list of str
        The accepted key(s).
    """
    accepted = [k.encode("utf-8") for k in ([keys] if isinstance(keys, str) else keys)]

    def require_api_key(
        bearer: HTTPAuthorizationCredentials | None = Depends(_bearer),  # noqa: B008
        header: str | None = Depends(_header),
    ) -> None:
        given = bearer.credentials if bearer is not None else header
        if given is None:
            raise RequestError(401, "missing API key: send 'Authorization: Bearer <key>' or "
                                "'X-API-Key: <key>'")  # fmt: skip
        given_bytes = given.encode("utf-8")
        # every key is compared (no early exit), each in constant time
        matches = [hmac.compare_digest(given_bytes, key) for key in accepted]
        if not any(matches):
            raise RequestError(401, "invalid API key")

    return require_api_key
