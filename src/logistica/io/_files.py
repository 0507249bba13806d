"""Bytes on disk: canonical JSON, the checksum, atomic writes, strict parsing, the schema.

- **Checksum**: ``"sha256:" + SHA-256`` of the canonical JSON (sorted keys, no
  whitespace, UTF-8, no NaN/Infinity literals) of the document without its
  ``checksum`` field; so re-indenting a file keeps it valid, editing a value
  does not.
- **Atomic write**: the document goes to a temporary file in the target's
  directory, is flushed and ``fsync``-ed, then ``os.replace``-d over the
  target: a reader sees the old file or the new one, never a mix, and a failure
  while writing leaves an existing file untouched.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from functools import cache
from importlib.resources import files
from pathlib import Path

from ..exceptions import ModelFileError

__all__ = ["checksum", "model_schema", "parse", "validate_schema", "write_atomic"]


def canonical(document: dict) -> bytes:
    """Canonical JSON bytes: sorted keys, no whitespace, UTF-8."""
    return json.dumps(
        document, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def checksum(document: dict) -> str:
    """``"sha256:<hex>"`` of the canonical document without its ``checksum`` field."""
    content = {k: v for k, v in document.items() if k != "checksum"}
    return "sha256:" + hashlib.sha256(canonical(content)).hexdigest()


def write_atomic(document: dict, path: str | os.PathLike) -> None:
    """Write ``document`` as indented JSON to ``path`` atomically (see module docs)."""
    target = Path(path)
    handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 (closed below, then replaced)
        "w", encoding="utf-8", dir=target.parent, prefix=f".{target.name}.", suffix=".tmp",
        delete=False,
    )  # fmt: skip
    try:
        os.chmod(handle.name, _file_mode(target))
        with handle:
            json.dump(document, handle, indent=1, ensure_ascii=False, allow_nan=False)
            handle.write("\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(handle.name, target)
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)
        raise
    try:  # make the rename itself durable where directories can be opened
        fd = os.open(target.parent, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _file_mode(target: Path) -> int:
    """The existing file's permissions, or what a plain ``open`` would give a new one."""
    try:
        return target.stat().st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _refuse_constant(name: str):
    raise ModelFileError(f"invalid JSON: {name} is not a JSON number")


def parse(raw: bytes) -> dict:
    """The JSON object in ``raw``; invalid, truncated or non-object content refused."""
    try:
        document = json.loads(raw.decode("utf-8"), parse_constant=_refuse_constant)
    except ModelFileError:
        raise
    except UnicodeDecodeError as error:
        raise ModelFileError(f"not a UTF-8 text file: {error}") from None
    except json.JSONDecodeError as error:
        raise ModelFileError(f"invalid or truncated JSON: {error}") from None
    except (RecursionError, ValueError) as error:
        raise ModelFileError(f"invalid JSON: {type(error).__name__}: {error}") from None
    if not isinstance(document, dict):
        raise ModelFileError(f"a model file holds a JSON object, not {type(document).__name__}")
    return document


@cache
def model_schema(version: str = "1.0") -> dict:
    """The JSON Schema of a format version, as shipped in ``logistica/io/schema``."""
    name = f"model-v{version.split('.')[0]}.json"
    return json.loads(files("logistica.io").joinpath("schema", name).read_text("utf-8"))


def validate_schema(document: dict, version: str = "1.0") -> None:
    """Check ``document`` against the shipped JSON Schema; the first error is named."""
    import jsonschema

    validator = jsonschema.Draft202012Validator(model_schema(version))
    error = jsonschema.exceptions.best_match(validator.iter_errors(document))
    if error is not None:
        where = "/".join(str(p) for p in error.absolute_path) or "(top level)"
        raise ModelFileError(f"the file does not match the model-file schema at {where}: "
                             f"{error.message[:300]}")  # fmt: skip
