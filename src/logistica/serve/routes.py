"""The service's own endpoints: ``/predict``, ``/health``, ``/ready``, ``/model``,
``/metrics`` and ``/admin/reload``.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

import numpy as np
import orjson
from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from .metrics import CONTENT_TYPE
from .scoring import DEFAULT_OUTPUTS, records
from .service import Service

__all__ = ["ERROR_RESPONSES", "ErrorResponse", "ModelIdentity", "json_response", "native_router"]

Output = Literal["label", "proba", "margin", "decision"]


class ModelIdentity(BaseModel):
    """The model that answered."""

    name: str
    version: str
    checksum: str


class Problem(BaseModel):
    """One defect of the input."""

    row: int | None = None
    column: str | None = None
    message: str


class ErrorResponse(BaseModel):
    """A refused request: a message naming the row and column, and every problem found."""

    error: str
    problems: list[Problem] = []
    model: ModelIdentity | None = None


class Contribution(BaseModel):
    """One column's contribution to the row's log-odds (or its predicted class's)."""

    column: str
    contribution: float


class Prediction(BaseModel):
    """The requested outputs for one row."""

    label: Any = None
    proba: dict[str, float] | None = None
    margin: float | list[float] | None = None
    decision: Any = None
    explanation: list[Contribution] | None = None


class PredictResponse(BaseModel):
    """Predictions, one per row in request order."""

    model: ModelIdentity
    n_rows: int
    classes: list[Any]
    predictions: list[Prediction]
    warnings: dict[str, dict[str, int]]


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorResponse, "description": text}
    for status, text in (
        (400, "Malformed JSON"),
        (401, "Missing or wrong API key"),
        (413, "Body or batch too large"),
        (422, "Invalid rows (the message names the row and column)"),
    )
}


def _plain(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def json_response(content: Any, status: int = 200) -> Response:
    """A JSON response serialized by orjson (numpy arrays and scalars included)."""
    body = orjson.dumps(content, default=_plain, option=orjson.OPT_SERIALIZE_NUMPY)
    return Response(body, status, media_type="application/json")


def native_router(service: Service, protect: list) -> APIRouter:
    """The endpoints, with ``protect`` (auth dependencies) on all but the probes."""
    router = APIRouter()

    @router.get("/health", tags=["health"], summary="Liveness: the process answers")
    def health() -> dict:
        return {"status": "ok"}

    @router.get("/ready", tags=["health"], summary="Readiness: a model is loaded")
    def ready(request: Request) -> dict:
        return {"ready": True, "model": service.snapshot(request).identity}

    @router.get("/model", tags=["model"], dependencies=protect, responses=ERROR_RESPONSES,
                summary="The served model: columns, classes, decision rule, training")  # fmt: skip
    def model(request: Request) -> dict[str, Any]:
        return service.snapshot(request).describe()

    text = {200: {"content": {CONTENT_TYPE: {}}, "description": "Prometheus text format"}}

    @router.get("/metrics", tags=["model"], dependencies=protect, response_class=Response,
                responses={**text, **ERROR_RESPONSES}, summary="Prometheus metrics")  # fmt: skip
    def metrics() -> Response:
        return Response(service.metrics.exposition(), media_type=CONTENT_TYPE)

    @router.post("/predict", tags=["predict"], dependencies=protect,
                 response_model=PredictResponse, responses=ERROR_RESPONSES,
                 summary="Score rows: records or columnar JSON")  # fmt: skip
    async def predict(
        request: Request,
        outputs: Annotated[list[Output], Query(description="Outputs per row")] = list(  # noqa: B006
            DEFAULT_OUTPUTS
        ),
        explain: Annotated[int, Query(ge=0, le=100, description="Largest K contributions")] = 0,
    ) -> Response:
        """Score a batch given as records (``[{"column": value, ...}, ...]``) or columns
        (``{"columns": [...], "data": [[...], ...]}``).

        Every row gets the requested ``outputs``: ``label`` (the most probable
        class), ``proba`` (probability of each class), ``margin`` (the linear
        predictor) and ``decision`` (under the model's tuned threshold or cost
        matrix), plus the ``explain`` largest column contributions.
        """
        raw = await service.body(request)
        served = service.snapshot(request)
        chosen = tuple(dict.fromkeys(outputs))
        # Scored in the event loop: a batch is CPU work holding the GIL, so a thread
        # would not run it alongside other requests, only hand it over (and back) late.
        table = served.validator.parse(raw)
        scored, warnings = service.score(request, served, table, chosen, explain)
        return json_response({
            "model": served.identity,
            "n_rows": scored.proba.shape[0],
            "classes": served.scorer.classes.tolist(),
            "predictions": records(scored, chosen, served.scorer.classes),
            "warnings": warnings,
        })  # fmt: skip

    @router.post("/admin/reload", tags=["admin"], dependencies=protect,
                 responses=ERROR_RESPONSES, summary="Reload the model file (atomic)")  # fmt: skip
    async def reload() -> dict[str, Any]:
        """Load the model file again; a broken or tampered file keeps the old model (422)."""
        fresh = await run_in_threadpool(service.reload)
        return {"reloaded": True, "model": fresh.identity}

    return router
