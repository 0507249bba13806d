"""Structured access logs and per-request bookkeeping, as one ASGI middleware.

Every HTTP request gets a request id (the client's ``X-Request-ID`` when it
is short and plain, else a new one), echoed in the response with the served
model's ``X-Model-Name``, ``X-Model-Version`` and ``X-Model-Checksum``, counted
in the metrics, and logged as one JSON line on the ``logistica.serve.access``
logger: time, request id, method, path, endpoint, status, latency, rows scored
and model version. Headers (so API keys) and bodies are never logged.
"""

from __future__ import annotations

import logging
import re
import sys
import time
import uuid
from datetime import datetime, timezone

import orjson

__all__ = ["AccessLogMiddleware", "access_logger", "log_event"]

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")


def access_logger() -> logging.Logger:
    """The access logger; writes bare JSON lines to stderr unless configured otherwise."""
    logger = logging.getLogger("logistica.serve.access")
    if not logger.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        logger.propagate = False
    return logger


def log_event(event: str, **fields) -> None:
    """Write one JSON line (reloads, refusals) to the access log."""
    record = {"ts": datetime.now(timezone.utc).isoformat(timespec="milliseconds"),
              "event": event, **fields}  # fmt: skip
    access_logger().info(orjson.dumps(record, default=str).decode())


class AccessLogMiddleware:
    """ASGI middleware: request id, model headers, metrics and one JSON log line.

    Parameters
    ----------
    app : ASGI application
    state : ModelState
        Gives the served model when the endpoint did not record which one it used.
    metrics : ServiceMetrics
    """

    def __init__(self, app, state, metrics) -> None:
        self.app = app
        self.state = state
        self.metrics = metrics

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        given = dict(scope.get("headers") or ()).get(b"x-request-id", b"").decode("latin-1")
        request_id = given if _REQUEST_ID.match(given) else uuid.uuid4().hex
        bag = scope.setdefault("state", {})
        bag["request_id"] = request_id
        status = [500]

        async def send_with_headers(message) -> None:
            if message["type"] == "http.response.start":
                status[0] = message["status"]
                served = bag.get("served") or self.state.current
                message["headers"] = [
                    *message.get("headers", ()),
                    (b"x-request-id", request_id.encode()),
                    (b"x-model-name", served.name.encode("utf-8", "replace")),
                    (b"x-model-version", served.version.encode("utf-8", "replace")),
                    (b"x-model-checksum", served.checksum.encode()),
                ]
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        finally:
            self._record(scope, bag, request_id, status[0], time.perf_counter() - start)

    def _record(self, scope, bag, request_id: str, status: int, seconds: float) -> None:
        route = scope.get("route")
        endpoint = getattr(route, "path", None) or "unmatched"
        self.metrics.observe_request(endpoint, scope["method"], status, seconds)
        served = bag.get("served") or self.state.current
        log_event(
            "access", request_id=request_id, method=scope["method"], path=scope["path"],
            endpoint=endpoint, status=status, latency_ms=round(seconds * 1e3, 3),
            rows=bag.get("rows", 0), model_version=served.version,
        )  # fmt: skip
