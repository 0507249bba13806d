"""The Open Inference Protocol (KServe V2 REST), beside the service's own endpoints.

``GET /v2``, ``/v2/health/live``, ``/v2/health/ready``,
``/v2/models/{name}[/versions/{version}]``, ``.../ready`` and
``POST .../infer``. Inputs are one tensor per column, named after it, of
shape ``[n]`` or ``[n, 1]``: ``FP*``/``INT*``/``UINT*`` for numeric columns,
``BYTES`` (strings) for categorical ones and ``BOOL`` for booleans; ``data``
is flat or nested in row-major order. Outputs ``label`` and ``decision``
(``[n]``, typed like the classes), ``proba`` (``[n, n_classes]``, ``FP64``)
and ``margin`` (``[n]`` or ``[n, n_classes]``, ``FP64``); all of them unless
the request names some. Errors are ``{"error": "..."}`` with a 4xx status.
"""

from __future__ import annotations

import json
from typing import Any, Literal

import numpy as np
from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, TypeAdapter, ValidationError

from .. import __version__
from .routes import ERROR_RESPONSES, ErrorResponse, json_response
from .scoring import OUTPUTS, Scored
from .service import Service
from .state import Served
from .validation import RequestError, describe_errors

__all__ = ["InferenceRequest", "v2_router"]

Datatype = Literal["BOOL", "UINT8", "UINT16", "UINT32", "UINT64", "INT8", "INT16", "INT32",
                   "INT64", "FP16", "FP32", "FP64", "BYTES"]  # fmt: skip
_ACCEPTED = {
    "numeric": {
        "UINT8",
        "UINT16",
        "UINT32",
        "UINT64",
        "INT8",
        "INT16",
        "INT32",
        "INT64",
        "FP16",
        "FP32",
        "FP64",
    },
    "categorical": {"BYTES"},
    "boolean": {"BOOL"},
}
_KIND_TYPE = {"numeric": "FP64", "categorical": "BYTES", "boolean": "BOOL"}
Parameters = dict[str, str | int | float | bool]


class RequestInput(BaseModel):
    """One input tensor: a column."""

    model_config = ConfigDict(extra="forbid")
    name: str
    shape: list[int]
    datatype: Datatype
    parameters: Parameters | None = None
    data: list[Any]


class RequestOutput(BaseModel):
    """One requested output tensor."""

    model_config = ConfigDict(extra="forbid")
    name: Literal["label", "proba", "margin", "decision"]
    parameters: Parameters | None = None


class InferenceRequest(BaseModel):
    """An inference request of the Open Inference Protocol."""

    model_config = ConfigDict(extra="forbid")
    id: str | None = None
    parameters: Parameters | None = None
    inputs: list[RequestInput]
    outputs: list[RequestOutput] | None = None


class ResponseOutput(BaseModel):
    """One output tensor."""

    name: str
    shape: list[int]
    datatype: str
    parameters: Parameters | None = None
    data: list[Any]


class InferenceResponse(BaseModel):
    """An inference response of the Open Inference Protocol."""

    model_name: str
    model_version: str | None = None
    id: str | None = None
    parameters: Parameters | None = None
    outputs: list[ResponseOutput]


class TensorMetadata(BaseModel):
    """Name, datatype and shape of a tensor (-1: any length)."""

    name: str
    datatype: str
    shape: list[int]


class ModelMetadata(BaseModel):
    """Model metadata of the Open Inference Protocol."""

    name: str
    versions: list[str]
    platform: str
    inputs: list[TensorMetadata]
    outputs: list[TensorMetadata]
    parameters: Parameters | None = None


_request_adapter = TypeAdapter(InferenceRequest)
_RESPONSES = {**ERROR_RESPONSES, 404: {"model": ErrorResponse, "description": "Unknown model"}}


def _flatten(data: list) -> list:
    if not any(isinstance(v, list) for v in data):
        return data
    flat: list = []
    for value in data:
        flat.extend(_flatten(value) if isinstance(value, list) else [value])
    return flat


def _class_type(classes: np.ndarray) -> str:
    if classes.dtype.kind == "b":
        return "BOOL"
    if classes.dtype.kind in "iu":
        return "INT64"
    return "FP64" if classes.dtype.kind == "f" else "BYTES"


def columns_from_tensors(served: Served, inputs: list[RequestInput]) -> dict[str, list]:
    """Columns (name -> values) from column tensors; wrong names, types and shapes refused (422)."""
    kinds = {column.name: column.kind for column in served.spec.columns}
    given = [tensor.name for tensor in inputs]
    missing = [name for name in kinds if name not in given]
    extra = [name for name in given if name not in kinds]
    if missing or extra or len(set(given)) != len(given):
        raise RequestError(422, f"inputs must be one tensor per column; missing {missing}, "
                            f"unexpected or repeated {extra or sorted(given)}")  # fmt: skip
    columns, n_rows = {}, None
    for tensor in inputs:
        kind = kinds[tensor.name]
        if tensor.datatype not in _ACCEPTED[kind]:
            raise RequestError(422, f"input {tensor.name!r}: datatype {tensor.datatype} does not "
                                f"fit a {kind} column ({_KIND_TYPE[kind]})")  # fmt: skip
        if len(tensor.shape) not in (1, 2) or tensor.shape[1:] not in ([], [1]):
            raise RequestError(
                422, f"input {tensor.name!r}: shape {tensor.shape} is not [n] or [n, 1]"
            )
        values = _flatten(tensor.data)
        if tensor.shape[0] != len(values) or (n_rows is not None and n_rows != len(values)):
            raise RequestError(422, f"input {tensor.name!r}: {len(values)} values for shape "
                                f"{tensor.shape} (other inputs have {n_rows} rows)")  # fmt: skip
        n_rows = len(values)
        columns[tensor.name] = values
    return columns


def _outputs(served: Served, scored: Scored, wanted) -> list[dict]:
    classes = served.scorer.classes
    n_rows = scored.proba.shape[0]
    kind = _class_type(classes)
    tensors = {
        "label": (scored.label, [n_rows], kind),
        "proba": (scored.proba, list(scored.proba.shape), "FP64"),
        "margin": (scored.margin, list(np.shape(scored.margin)), "FP64"),
        "decision": (scored.decision, [n_rows], kind),
    }
    result = []
    for name in wanted:
        values, shape, datatype = tensors[name]
        flat = np.asarray(values).ravel()
        data = flat.astype(str).tolist() if datatype == "BYTES" else flat.tolist()
        result.append({"name": name, "shape": shape, "datatype": datatype, "data": data})
    return result


def v2_router(service: Service, protect: list) -> APIRouter:
    """The Open Inference Protocol endpoints (health probes open, the rest ``protect``-ed)."""
    router = APIRouter(prefix="/v2", tags=["open inference protocol (v2)"])

    def served_model(request: Request, model_name: str, model_version: str | None) -> Served:
        served = service.snapshot(request)
        if model_name != served.name or model_version not in (None, served.version):
            raise RequestError(404, f"unknown model {model_name!r} version {model_version!r}; "
                                f"serving {served.name!r} version {served.version!r}")  # fmt: skip
        return served

    @router.get("", dependencies=protect, summary="Server metadata")
    def server_metadata() -> dict[str, Any]:
        return {"name": "logistica", "version": __version__, "extensions": []}

    @router.get("/health/live", summary="Server liveness")
    def live() -> dict[str, bool]:
        return {"live": True}

    @router.get("/health/ready", summary="Server readiness")
    def ready() -> dict[str, bool]:
        return {"ready": True}

    def model_ready(request: Request, model_name: str, model_version: str | None = None):
        served = served_model(request, model_name, model_version)
        return {"name": served.name, "ready": True}

    def metadata(request: Request, model_name: str, model_version: str | None = None):
        served = served_model(request, model_name, model_version)
        classes = served.scorer.classes
        n_classes = classes.size
        margin = [-1] if n_classes == 2 else [-1, n_classes]
        return ModelMetadata(
            name=served.name, versions=[served.version], platform="logistica",
            inputs=[TensorMetadata(name=c.name, datatype=_KIND_TYPE[c.kind], shape=[-1])
                    for c in served.spec.columns],
            outputs=[TensorMetadata(name="label", datatype=_class_type(classes), shape=[-1]),
                     TensorMetadata(name="proba", datatype="FP64", shape=[-1, n_classes]),
                     TensorMetadata(name="margin", datatype="FP64", shape=margin),
                     TensorMetadata(name="decision", datatype=_class_type(classes), shape=[-1])],
            parameters={"checksum": served.checksum, "classes": json.dumps(classes.tolist())},
        )  # fmt: skip

    async def infer(request: Request, model_name: str, model_version: str | None = None):
        raw = await service.body(request)
        served = served_model(request, model_name, model_version)
        # scored in the event loop, as POST /predict (see there)
        try:
            body = _request_adapter.validate_json(raw)
        except ValidationError as error:
            if error.errors()[0]["type"] == "json_invalid":
                raise RequestError(400, f"malformed JSON: {error.errors()[0]['msg']}") from None
            raise describe_errors(error) from None
        table = served.validator.validate_columns(columns_from_tensors(served, body.inputs))
        wanted = tuple(dict.fromkeys(o.name for o in body.outputs or ())) or OUTPUTS
        scored, _ = service.score(request, served, table, wanted)
        return json_response({"model_name": served.name, "model_version": served.version,
                              "id": body.id, "parameters": {"checksum": served.checksum},
                              "outputs": _outputs(served, scored, wanted)})  # fmt: skip

    for prefix in ("/models/{model_name}", "/models/{model_name}/versions/{model_version}"):
        router.add_api_route(f"{prefix}", metadata, methods=["GET"], dependencies=protect,
                             response_model=ModelMetadata, responses=_RESPONSES,
                             summary="Model metadata")  # fmt: skip
        router.add_api_route(f"{prefix}/ready", model_ready, methods=["GET"],
                             dependencies=protect, responses=_RESPONSES,
                             summary="Model readiness")  # fmt: skip
        router.add_api_route(f"{prefix}/infer", infer, methods=["POST"], dependencies=protect,
                             response_model=InferenceResponse, responses=_RESPONSES,
                             summary="Inference with typed tensors")  # fmt: skip
    return router
