"""The served model and its atomic replacement (hot reload).

A :class:`Served` snapshot holds everything a request needs: the model file,
its identity (name, version, checksum), the input columns, the validator and
the scorer. A request takes ``ModelState.current`` once and uses only that
snapshot, so a reload, which builds a complete new snapshot before swapping one
reference, gives each request the old model or the new, never a mix. A file
that does not load (missing, truncated, tampered: a checksum or golden-row
mismatch) raises and leaves the current snapshot serving.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from .. import __version__
from ..io import ModelFile, load_file
from .scoring import Scorer
from .spec import InputSpec, input_spec
from .validation import RowValidator

__all__ = ["ModelState", "Served", "load_served"]


@dataclass(frozen=True)
class Served:
    """One loaded model file and what serving it needs.

    Attributes
    ----------
    path : pathlib.Path
    file : ModelFile
    name : str
        ``model_card["name"]`` when the file has one, else the file's stem.
    version : str
        ``model_card["version"]`` when the file has one, else the first 12 hex
        digits of the checksum.
    checksum : str
        The file's ``"sha256:..."`` checksum.
    spec : InputSpec
    validator : RowValidator
    scorer : Scorer
    loaded_at : str
        UTC time of loading, ISO 8601.
    """

    path: Path
    file: ModelFile
    name: str
    version: str
    checksum: str
    spec: InputSpec
    validator: RowValidator
    scorer: Scorer
    loaded_at: str = field(
        default_factory=lambda: datetime.now(timezone.utc).isoformat(timespec="seconds")
    )

    @property
    def identity(self) -> dict:
        """``{"name", "version", "checksum"}``: carried by every response."""
        return {"name": self.name, "version": self.version, "checksum": self.checksum}

    def describe(self) -> dict:
        """What ``GET /model`` returns."""
        document = self.file.document
        return {
            **self.identity,
            "format_version": self.file.format_version,
            "logistica_version": document.get("logistica_version"),
            "served_by": f"logistica {__version__}",
            "saved_at": document.get("saved_at"),
            "loaded_at": self.loaded_at,
            "model_class": type(self.scorer.model).__name__,
            "tabular": self.spec.tabular,
            "columns": [column.describe() for column in self.spec.columns],
            "classes": self.scorer.classes.tolist(),
            "decision": self.scorer.decision_rule(),
            "training": self.file.training,
            "model_card": self.file.model_card,
        }


def load_served(path: str | Path, max_batch: int) -> Served:
    """Load and verify a model file and build its snapshot.

    Raises
    ------
    logistica.io.ModelFileError
        For any defect of the file.
    OSError
        When it cannot be read.
    """
    path = Path(path)
    file = load_file(path)
    card = file.model_card or {}
    checksum = file.document["checksum"]
    name = str(card.get("name") or path.stem)
    version = str(card.get("version") or checksum.split(":", 1)[-1][:12])
    spec: InputSpec = input_spec(file.model)
    return Served(path, file, name, version, checksum, spec,
                  RowValidator(spec, max_batch), Scorer(file.model))  # fmt: skip


class ModelState:
    """The current snapshot, replaced atomically by :meth:`reload`.

    Parameters
    ----------
    path : str or path-like
        The model file (read again on every reload).
    max_batch : int
        Largest batch a request may send.
    """

    def __init__(self, path: str | Path, max_batch: int) -> None:
        self.path = Path(path)
        self.max_batch = max_batch
        self._lock = threading.Lock()
        self.current: Served = load_served(self.path, max_batch)

    def reload(self) -> Served:
        """Load the file again and swap it in; on any error the old snapshot stays."""
        with self._lock:  # one reload at a time; readers never wait
            fresh = load_served(self.path, self.max_batch)
            self.current = fresh
        return fresh
