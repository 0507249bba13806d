"""What every endpoint shares: the model state, the metrics, size limits, scoring.

:class:`Service` is created once per app. Endpoints take the current snapshot
with :meth:`Service.snapshot` (recorded on the request, so the response
headers and logs name the model that answered), read bodies with
:meth:`Service.body` and score validated tables with :meth:`Service.score`.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from fastapi import Request

from ..exceptions import ModelFileError
from .columns import Table, table_rows
from .logs import log_event
from .metrics import ServiceMetrics
from .scoring import Scored
from .state import ModelState, Served
from .validation import RequestError

__all__ = ["Service"]


def _check_finite(scored: Scored) -> None:
    """Refuse rows whose numbers are too large to score (an overflow, not a model output)."""
    finite = np.isfinite(scored.proba).all(axis=1)
    if scored.margin is not None:
        finite &= np.isfinite(scored.margin.reshape(finite.size, -1)).all(axis=1)
    if not finite.all():
        rows = np.flatnonzero(~finite)[:10].tolist()
        raise RequestError(422, f"rows {rows}: numbers too large to score (overflow)",
                       [{"row": r, "column": None, "message": f"row {r}: numbers too large "
                         "to score (overflow)"} for r in rows])  # fmt: skip


class Service:
    """The state one app serves from.

    Parameters
    ----------
    model_path : str or path-like
        The model file; loaded now (a bad file raises ``ModelFileError``).
    max_batch : int
        Largest number of rows per request.
    max_body_mb : float
        Largest request body, in MiB.
    """

    def __init__(self, model_path: str | Path, *, max_batch: int, max_body_mb: float) -> None:
        if not (isinstance(max_batch, int) and max_batch >= 1):
            raise ValueError(f"max_batch must be a positive integer, got {max_batch!r}")
        if not max_body_mb > 0:
            raise ValueError(f"max_body_mb must be positive, got {max_body_mb!r}")
        self.max_batch = max_batch
        self.max_body = int(max_body_mb * 2**20)
        self.state = ModelState(model_path, max_batch)
        self.metrics = ServiceMetrics()
        self.metrics.set_model(self.state.current.identity)

    def snapshot(self, request: Request) -> Served:
        """The current model, recorded as the one answering this request."""
        served = self.state.current
        request.state.served = served
        return served

    async def body(self, request: Request) -> bytes:
        """The request body, refused with 413 beyond ``max_body_mb`` (checked while reading)."""
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_body:
            raise RequestError(
                413, f"body of {declared} bytes exceeds the limit of {self.max_body}"
            )
        chunks, size = [], 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > self.max_body:
                raise RequestError(413, f"body exceeds the limit of {self.max_body} bytes")
            chunks.append(chunk)
        return b"".join(chunks)

    def score(
        self, request: Request, served: Served, table: Table, outputs, explain: int = 0
    ) -> tuple[Scored, dict]:
        """Score a validated table; update the metrics; return results and drift warnings."""
        validator = served.validator
        warnings = {"unseen_levels": validator.unseen_levels(table),
                    "out_of_range": validator.out_of_range(table)}  # fmt: skip
        try:
            scored = served.scorer.score(table, outputs, explain)
        except ValueError as error:  # the model's own checks (e.g. its unseen-level policy)
            raise RequestError(422, str(error)) from None
        _check_finite(scored)
        self.metrics.observe_batch(served.scorer.classes, scored.proba, scored.decision,
                                   warnings["unseen_levels"], warnings["out_of_range"])  # fmt: skip
        request.state.rows = table_rows(table)
        return scored, warnings

    def reload(self) -> Served:
        """Reload the model file; a file that does not load keeps the old model (422)."""
        old = self.state.current
        try:
            fresh = self.state.reload()
        except (ModelFileError, OSError) as error:
            self.metrics.reloads.labels("refused").inc()
            log_event("reload_refused", reason=str(error)[:300], model_version=old.version)
            raise RequestError(
                422, f"reload refused, still serving version {old.version}: {error}"
            ) from None
        self.metrics.reloads.labels("loaded").inc()
        self.metrics.set_model(fresh.identity)
        log_event("reload", previous_version=old.version, model_version=fresh.version,
                  checksum=fresh.checksum)  # fmt: skip
        return fresh
