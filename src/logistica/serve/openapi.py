"""The OpenAPI document, built from the served model's schema (rebuilt after a reload).

``POST /predict`` gets the pydantic record schema of the model's columns
(types, nullability, allowed levels, ``maxItems``: the batch limit) and the
columnar form, with example requests built from the schema; ``POST
/v2/.../infer`` gets the Open Inference Protocol request schema and an example
with one tensor per column.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic import TypeAdapter

from .service import Service
from .v2 import _KIND_TYPE, InferenceRequest

__all__ = ["openapi_document"]

_REF = "#/components/schemas/{model}"


def _schema(adapter: TypeAdapter, components: dict) -> dict:
    schema = adapter.json_schema(ref_template=_REF)
    components.update(schema.pop("$defs", {}))
    return schema


def _predict_body(service: Service, components: dict) -> dict:
    served = service.state.current
    records = _schema(served.validator.records, components)
    records.update(minItems=1, maxItems=service.max_batch)
    components["PredictRecords"] = records
    components["PredictColumns"] = {
        "type": "object", "title": "PredictColumns", "additionalProperties": False,
        "required": ["columns", "data"],
        "properties": {
            "columns": {"type": "array", "items": {"enum": served.spec.names}, "uniqueItems": True},
            "data": {"type": "array", "items": {"type": "array"}, "minItems": 1,
                     "maxItems": service.max_batch},
        },
    }  # fmt: skip
    row = served.spec.example_row()
    return {
        "required": True,
        "content": {"application/json": {
            "schema": {"anyOf": [{"$ref": _REF.format(model=name)}
                                 for name in ("PredictRecords", "PredictColumns")]},
            "examples": {
                "records": {"summary": "Records", "value": [row]},
                "columns": {"summary": "Columns",
                            "value": {"columns": list(row), "data": [list(row.values())]}},
            },
        }},
    }  # fmt: skip


def _infer_body(service: Service, components: dict) -> dict:
    schema = _schema(TypeAdapter(InferenceRequest), components)
    example = {"inputs": [
        {"name": c.name, "shape": [1], "datatype": _KIND_TYPE[c.kind], "data": [c.example()]}
        for c in service.state.current.spec.columns
    ]}  # fmt: skip
    return {"required": True,
            "content": {"application/json": {"schema": schema, "example": example}}}  # fmt: skip


def openapi_document(app: FastAPI, service: Service) -> dict[str, Any]:
    """The app's OpenAPI document for the model now served (cached per checksum)."""
    served = service.state.current
    cached = getattr(app.state, "openapi_cache", None)
    if cached is not None and cached[0] == served.checksum:
        return cached[1]
    document = get_openapi(
        title=f"logistica scoring service: {served.name}",
        version=served.version,
        description=(
            f"Scores rows with model {served.name!r} (version {served.version}, checksum "
            f"{served.checksum}). Every response carries X-Model-Name, X-Model-Version and "
            "X-Model-Checksum headers. Bad input gets a 4xx naming the row and column."
        ),
        routes=app.routes,
    )
    components = document.setdefault("components", {}).setdefault("schemas", {})
    for path, operations in document["paths"].items():
        if path == "/predict":
            operations["post"]["requestBody"] = _predict_body(service, components)
        elif path.endswith("/infer"):
            operations["post"]["requestBody"] = _infer_body(service, components)
    app.state.openapi_cache = (served.checksum, document)
    return document
