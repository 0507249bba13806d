"""``create_app``: the FastAPI application serving one model file."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import threading
from contextlib import asynccontextmanager
from functools import partial
from pathlib import Path

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from .auth import api_key_dependency
from .logs import AccessLogMiddleware, access_logger
from .openapi import openapi_document
from .routes import native_router
from .service import Service
from .v2 import v2_router
from .validation import MAX_ERRORS, RequestError

__all__ = ["create_app"]


def _reload_quietly(service: Service) -> None:
    with contextlib.suppress(RequestError):  # logged and counted; the old model serves on
        service.reload()


@asynccontextmanager
async def _lifespan(app: FastAPI):
    """Reload the model on SIGHUP, where the app runs in the main thread."""
    loop = asyncio.get_running_loop()
    service = app.state.service
    installed = False
    if hasattr(signal, "SIGHUP") and threading.current_thread() is threading.main_thread():
        try:
            loop.add_signal_handler(
                signal.SIGHUP, lambda: loop.run_in_executor(None, _reload_quietly, service)
            )
            installed = True
        except (NotImplementedError, RuntimeError, ValueError):
            pass
    yield
    if installed:
        loop.remove_signal_handler(signal.SIGHUP)


def _error_response(request: Request, error: RequestError) -> JSONResponse:
    served = request.scope.get("state", {}).get("served")
    content = {"error": error.message, "problems": error.problems,
               "model": None if served is None else served.identity}  # fmt: skip
    headers = {"WWW-Authenticate": "Bearer"} if error.status == 401 else None
    return JSONResponse(content, error.status, headers=headers)


def _parameter_error(request: Request, error: RequestValidationError) -> JSONResponse:
    problems = []
    for item in error.errors()[:MAX_ERRORS]:
        where = ".".join(str(part) for part in item.get("loc", ()))
        problems.append({"row": None, "column": None, "message": f"{where}: {item['msg']}"})
    first = problems[0]["message"] if problems else "invalid request"
    return _error_response(request, RequestError(422, first, problems))


def create_app(
    model_path: str | Path,
    *,
    api_key: str | list[str] | None = None,
    max_batch: int = 10000,
    max_body_mb: float = 10,
) -> FastAPI:
    """The scoring service of one model file, as a FastAPI application.

    Parameters
    ----------
    model_path : str or path-like
        A model file written by :func:`logistica.save`; loaded and verified now
        and again on ``POST /admin/reload`` or SIGHUP.
    api_key : str or list of str, optional
        Require this key (or one of these keys) as ``Authorization: Bearer`` or
        ``X-API-Key`` on every endpoint but the health probes and the API documentation.
    max_batch : int, default=10000
        Largest number of rows per request (more: 413).
    max_body_mb : float, default=10
        Largest request body in MiB (more: 413).

    Returns
    -------
    fastapi.FastAPI

    Raises
    ------
    logistica.io.ModelFileError
        When the model file does not load.

    Examples
    --------
    >>> import numpy as np, os, tempfile, logistica
    >>> from fastapi.testclient import TestClient
    >>> model = logistica.LogisticRegression().fit(np.eye(4)[:, :2], [0, 1, 0, 1])
    >>> path = logistica.save(model, os.path.join(tempfile.mkdtemp(), "m.json"))
    >>> client = TestClient(create_app(path))
    >>> client.post("/predict", json=[{"x0": 1.0, "x1": 0.0}]).json()["predictions"][0]["label"]
    0
    """
    keys = [api_key] if isinstance(api_key, str) else api_key
    if keys is not None and (not keys or not all(k.strip() for k in keys)):
        raise ValueError("api_key must not be empty")
    service = Service(model_path, max_batch=max_batch, max_body_mb=max_body_mb)
    protect = [] if api_key is None else [Depends(api_key_dependency(api_key))]
    app = FastAPI(title="logistica scoring service", lifespan=_lifespan)
    app.state.service = service
    app.include_router(native_router(service, protect))
    app.include_router(v2_router(service, protect))
    app.add_exception_handler(RequestError, _error_response)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, _parameter_error)  # type: ignore[arg-type]
    app.add_middleware(AccessLogMiddleware, state=service.state, metrics=service.metrics)
    app.openapi = partial(openapi_document, app, service)  # type: ignore[method-assign]
    access_logger()
    return app
