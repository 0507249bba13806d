"""Model files: fitted models saved as versioned, checksummed JSON data, never as code.

A file (format ``"1.0"``, JSON Schema ``logistica/io/schema/model-v1.json``)
is one JSON object::

    {"format": "logistica.model", "format_version": "1.0",
     "logistica_version": "...", "saved_at": "...Z",
     "model": {"class": "TabularModel", "params": {...}, ...},  # nested nodes
     "training": {n_rows, fitted_at, data_fingerprint, solver, n_iter,
                  converged, cv, test_metrics, library_versions},
     "golden": {"inputs": ..., "proba": ...},
     "inference": null | {"cov_type", "names", "covariance"},
     "model_card": null | {"intended_use", "limitations", "text", ...},
     "checksum": "sha256:..."}

Model nodes exist for a closed set of classes: ``LogisticRegression`` (binary,
multinomial, one-vs-rest, L1, standardized), ``LogisticRegressionCV``,
``CalibratedModel`` (sigmoid, isotonic, temperature), ``ThresholdClassifier``
(threshold or cost matrix), ``FrozenEstimator`` and ``TabularModel`` (with its
closed set of step types). Loading validates the schema, the checksum, every
shape and value, rebuilds the fitted attributes directly (no refit, no
pickle) and recomputes the golden rows. Every defect of a file raises
:class:`~logistica.exceptions.ModelFileError` (a ``ValueError``).

Files written in format ``1.0`` load in every later version of logistica.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from sklearn.exceptions import NotFittedError
from sklearn.utils.validation import check_is_fitted

from ..exceptions import ModelFileError
from ._files import checksum, model_schema, parse, validate_schema, write_atomic
from ._metadata import check_golden, covariance_node, golden_node, training_node
from ._models import MODEL_TYPES, model_from_node, model_to_node
from .onnx import export_onnx

__all__ = [
    "FORMAT",
    "FORMAT_VERSION",
    "MODEL_TYPES",
    "ModelFile",
    "ModelFileError",
    "export_onnx",
    "load",
    "load_file",
    "model_schema",
    "save",
]

FORMAT = "logistica.model"
FORMAT_VERSION = "1.0"
#: Format versions this version of logistica reads.
READABLE_VERSIONS = ("1.0",)


@dataclass(frozen=True)
class ModelFile:
    """A loaded model file: the model and what the file says about it.

    Attributes
    ----------
    model : estimator
        The fitted model.
    format_version : str
    training : dict
        Training metadata (rows, dates, solver, CV summary, fingerprint, versions).
    model_card : dict or None
    inference : dict or None
        ``cov_type``, parameter ``names`` and the ``covariance`` matrix (nested lists).
    document : dict
        The whole JSON document.

    Examples
    --------
    >>> import os, tempfile
    >>> import numpy as np
    >>> from logistica import LogisticRegression
    >>> X = np.array([[0.0], [1.0], [2.0], [3.0]]); y = [0, 1, 0, 1]
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = save(LogisticRegression().fit(X, y), os.path.join(tmp, "m.json"))
    ...     model_file = load_file(path)
    >>> model_file.format_version, type(model_file.model).__name__, model_file.training["solver"]
    ('1.0', 'LogisticRegression', 'newton')
    """

    model: object
    format_version: str
    training: dict
    model_card: dict | None
    inference: dict | None
    document: dict


def _version() -> str:
    from .. import __version__

    return __version__


def save(
    model,
    path: str | os.PathLike,
    *,
    model_card: dict | None = None,
    golden_rows=None,
    training_data: tuple | None = None,
    test_metrics: dict | None = None,
    results=None,
) -> Path:
    """Write a fitted model to a JSON model file, atomically.

    Parameters
    ----------
    model : fitted estimator
        One of the classes in :data:`MODEL_TYPES`.
    path : str or path-like
        Target file; replaced atomically if it exists.
    model_card : dict, optional
        Free-form documentation, e.g. ``{"intended_use": ..., "limitations": ...}``
        (JSON values only).
    golden_rows : array-like or DataFrame, optional
        Input rows stored with their probabilities and checked on load
        (default: rows synthesized from the model).
    training_data : tuple, optional
        ``(X, y)`` or ``(X, y, sample_weight)``: recorded as row count and
        SHA-256 fingerprint (a ``TabularModel`` records them when fitted).
    test_metrics : dict, optional
        Name → number, e.g. ``{"roc_auc": 0.91}``.
    results : logistica.inference.Results, optional
        Its covariance matrix is stored (``summarize`` output).

    Returns
    -------
    pathlib.Path

    Raises
    ------
    ModelFileError
        For an unsupported or unfitted model, or values JSON cannot hold.

    Examples
    --------
    >>> import numpy as np, tempfile, os, logistica
    >>> X = np.array([[0.0], [1.0], [2.0], [3.0]]); y = [0, 1, 0, 1]
    >>> model = logistica.LogisticRegression().fit(X, y)
    >>> path = logistica.save(model, os.path.join(tempfile.mkdtemp(), "m.json"))
    >>> bool((logistica.load(path).predict_proba(X) == model.predict_proba(X)).all())
    True
    """
    try:
        check_is_fitted(model)
    except (NotFittedError, TypeError) as error:
        raise ModelFileError(f"cannot save: {error}") from None
    document = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "logistica_version": _version(),
        "saved_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "model": model_to_node(model),
        "training": training_node(model, training_data, test_metrics),
        "golden": golden_node(model, golden_rows),
        "inference": covariance_node(results),
        "model_card": None if model_card is None else dict(model_card),
    }
    document["checksum"] = checksum(document)
    validate_schema(document, FORMAT_VERSION)
    write_atomic(document, path)
    return Path(path)


def _read(document: dict) -> ModelFile:
    if document.get("format") != FORMAT:
        raise ModelFileError(f"not a logistica model file (format {document.get('format')!r:.40})")
    version = document.get("format_version")
    if version not in READABLE_VERSIONS:
        raise ModelFileError(
            f"unknown format_version {version!r:.40}; this logistica ({_version()}) reads "
            f"{list(READABLE_VERSIONS)}: upgrade logistica to read newer files"
        )
    validate_schema(document, version)
    if document["checksum"] != checksum(document):
        raise ModelFileError(
            "checksum mismatch: the file was modified or corrupted after it was saved"
        )
    model = model_from_node(document["model"])
    check_golden(model, document["golden"])
    return ModelFile(
        model, version, document["training"], document.get("model_card"),
        document.get("inference"), document,
    )  # fmt: skip


def load_file(path: str | os.PathLike) -> ModelFile:
    """Read and verify a model file: the model with its metadata.

    Parameters
    ----------
    path : str or path-like
        A file written by :func:`save`.

    Returns
    -------
    ModelFile

    Raises
    ------
    ModelFileError
        For any defect of the file's content (see the module documentation).
    OSError
        When the file cannot be read (e.g. ``FileNotFoundError``).

    Examples
    --------
    >>> import os, tempfile
    >>> import numpy as np
    >>> from logistica import LogisticRegression
    >>> X = np.array([[0.0], [1.0], [2.0], [3.0]]); y = [0, 1, 0, 1]
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = save(LogisticRegression().fit(X, y), os.path.join(tmp, "m.json"))
    ...     model_file = load_file(path)
    >>> model_file.document["format"], model_file.training["solver"]
    ('logistica.model', 'newton')
    """
    raw = Path(path).read_bytes()
    try:
        return _read(parse(raw))
    except ModelFileError:
        raise
    except Exception as error:  # a defect no explicit check caught: still the file's fault
        raise ModelFileError(f"invalid model file: {type(error).__name__}: {error}") from None


def load(path: str | os.PathLike):
    """Load a fitted model from a model file written by :func:`save`.

    Parameters
    ----------
    path : str or path-like
        A file written by :func:`save`.

    Returns
    -------
    estimator
        The fitted model, its predictions identical to the saved one's.

    Raises
    ------
    ModelFileError
        Wrong checksum, unknown version, unknown model or step type, missing
        field, wrong shapes, non-finite coefficients, invalid JSON, or golden
        rows that do not reproduce.

    Examples
    --------
    >>> import os, tempfile
    >>> import numpy as np
    >>> from logistica import LogisticRegression
    >>> X = np.array([[0.0], [1.0], [2.0], [3.0]]); y = [0, 1, 0, 1]
    >>> model = LogisticRegression().fit(X, y)
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     loaded = load(save(model, os.path.join(tmp, "m.json")))
    >>> bool((loaded.predict_proba(X) == model.predict_proba(X)).all())
    True
    """
    return load_file(path).model
