"""Scoring service: a FastAPI app on a model file (extra ``pip install "logistica[serve]"``).

- :func:`create_app` builds the app (for embedding and testing);
- :func:`run` serves it under uvicorn (what ``logistica serve MODEL`` runs).

Endpoints: ``POST /predict`` (records or columnar JSON; outputs chosen per
request; ``?explain=K``), the Open Inference Protocol V2 under ``/v2``,
``GET /health``, ``/ready``, ``/model``, ``/metrics`` and ``POST
/admin/reload``. Inputs are validated by pydantic types built from the
model's column schema (:mod:`~logistica.serve.spec` says how a model's
columns are served, including plain ``LogisticRegression`` models).

Modules: ``spec`` (input columns), ``validation`` and ``columns`` (bodies to
validated columns), ``design`` (columns to a tabular model's design),
``scoring`` (rows to outputs), ``state`` (the served snapshot, reload),
``service`` (what endpoints share), ``routes`` and ``v2`` (endpoints),
``openapi``, ``auth``, ``logs`` (access logs), ``metrics``, ``app``, ``server``.
"""

from ._deps import require_serve_dependencies

require_serve_dependencies()

from .app import create_app  # noqa: E402
from .server import run  # noqa: E402

__all__ = ["create_app", "run"]
