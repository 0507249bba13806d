"""``run``: the service under uvicorn, with one or several worker processes."""

from __future__ import annotations

import gc
import os
import warnings
from pathlib import Path

from ..exceptions import UnseenLevelWarning
from .app import create_app
from .auth import read_api_keys

__all__ = ["app_from_environment", "run"]

_ENV = "LOGISTICA_SERVE_"


def app_from_environment():
    """The app of a worker process, configured by ``LOGISTICA_SERVE_*`` variables.

    ``run`` sets them for its workers: ``MODEL``, ``API_KEY_FILE`` (the key's
    file, never the key), ``MAX_BATCH`` and ``MAX_BODY_MB``. Objects alive once the
    app is built are frozen out of garbage collection (:func:`gc.freeze`).
    """
    warnings.filterwarnings("ignore", category=UnseenLevelWarning)  # counted in /metrics
    key_file = os.environ.get(f"{_ENV}API_KEY_FILE")
    app = create_app(
        os.environ[f"{_ENV}MODEL"],
        api_key=read_api_keys(key_file) if key_file else None,
        max_batch=int(os.environ.get(f"{_ENV}MAX_BATCH", "10000")),
        max_body_mb=float(os.environ.get(f"{_ENV}MAX_BODY_MB", "10")),
    )
    # the libraries and the model live as long as the worker: keep them out of the
    # cyclic collector's full passes, which batches of rows trigger often
    gc.freeze()
    return app


def run(
    model_path: str | os.PathLike,
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    workers: int = 1,
    api_key_file: str | os.PathLike | None = None,
    max_batch: int = 10000,
    max_body_mb: float = 10,
) -> None:
    """Serve a model file over HTTP until interrupted (what ``logistica serve`` runs).

    The model file and the key file are checked before the server starts, so
    a bad file fails here with ``ModelFileError`` rather than in each worker.

    Parameters
    ----------
    model_path : str or path-like
        A model file written by :func:`logistica.save`.
    host : str, default="127.0.0.1"
        Interface to listen on (``"0.0.0.0"``: every interface).
    port : int, default=8000
        Port to listen on.
    workers : int, default=1
        Worker processes. Each loads the model, answers ``/metrics`` with its
        own counts and reloads on its own ``POST /admin/reload`` or SIGHUP
        (send SIGHUP to every worker to reload them all).
    api_key_file : str or path-like, optional
        File of accepted API keys, one per line; requests must carry one of them.
    max_batch : int, default=10000
        Largest number of rows per request.
    max_body_mb : float, default=10
        Largest request body in MiB.

    Examples
    --------
    >>> run("model.json", port=8080)  # doctest: +SKIP

    Arguments are checked before anything is served:

    >>> run("model.json", workers=0)
    Traceback (most recent call last):
    ...
    ValueError: workers must be a positive integer, got 0
    """
    import uvicorn

    if not (isinstance(workers, int) and workers >= 1):
        raise ValueError(f"workers must be a positive integer, got {workers!r}")
    path = Path(model_path).resolve()
    key_path = None if api_key_file is None else Path(api_key_file).resolve()
    if key_path is not None:
        read_api_keys(key_path)
    os.environ.update({
        f"{_ENV}MODEL": str(path), f"{_ENV}MAX_BATCH": str(max_batch),
        f"{_ENV}MAX_BODY_MB": str(max_body_mb),
    })  # fmt: skip
    if key_path is not None:
        os.environ[f"{_ENV}API_KEY_FILE"] = str(key_path)
    else:
        os.environ.pop(f"{_ENV}API_KEY_FILE", None)
    options = {"host": host, "port": port, "access_log": False, "log_level": "warning"}
    if workers == 1:
        uvicorn.run(app_from_environment(), **options)
    else:
        app_from_environment()  # fail fast on a bad file, before forking workers
        uvicorn.run("logistica.serve.server:app_from_environment", factory=True,
                    workers=workers, **options)  # fmt: skip
