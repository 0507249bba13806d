"""Plain-JSON forms of arrays, class labels and estimator parameters, and their checks.

- An **array** is ``{"dtype": "float64" | "int64", "shape": [...], "data": [...]}``
  with ``data`` flat in C order. Finite floats are JSON numbers (Python writes
  the shortest ``repr`` that reads back to the same float64, so values
  round-trip bit for bit); ``"inf"``, ``"-inf"`` and ``"nan"`` stand for the
  non-finite ones, which coefficient arrays refuse.
- **Classes** are ``{"dtype": <numpy dtype.str>, "values": [...]}`` so labels come
  back with their type (``int``, ``str``, ``bool``, ``float``).
- A **parameter** value is JSON as is when it can be; otherwise tagged:
  ``{"$float": "inf"}``, ``{"$array": <array>}``, ``{"$dict": [[key, value], ...]}``
  (keys of any type, e.g. the labels of ``class_weight``) or, for objects that
  are not data (a CV splitter, a scorer), ``{"$repr": "..."}``: read back as
  that string, for information only.
"""

from __future__ import annotations

import math
import re

import numpy as np

from ..exceptions import ModelFileError

__all__ = [
    "decode_array",
    "decode_classes",
    "decode_params",
    "decode_value",
    "encode_array",
    "encode_classes",
    "encode_params",
    "encode_value",
    "require",
]

_NON_FINITE = {"inf": math.inf, "-inf": -math.inf, "nan": math.nan}
_CLASS_DTYPE = re.compile(r"^[<>|=](b1|i[1248]|u[1248]|f[48]|U\d{1,6}|O)$")


def require(node, key: str, kind, where: str):
    """``node[key]`` checked to be of ``kind`` (a type or tuple of types)."""
    if not isinstance(node, dict):
        raise ModelFileError(f"{where}: expected an object, got {type(node).__name__}")
    if key not in node:
        raise ModelFileError(f"{where}: missing field {key!r}")
    value = node[key]
    kinds = kind if isinstance(kind, tuple) else (kind,)
    bad_bool = isinstance(value, bool) and bool not in kinds
    if not isinstance(value, kind) or bad_bool:
        raise ModelFileError(f"{where}.{key}: wrong type {type(value).__name__}")
    return value


def _float_out(value: float):
    value = float(value)
    if math.isfinite(value):
        return value
    return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")


def _float_in(value, where: str) -> float:
    if isinstance(value, str) and value in _NON_FINITE:
        return _NON_FINITE[value]
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ModelFileError(f"{where}: expected a number, got {value!r:.40}")
    return float(value)


def encode_array(array) -> dict:
    """The JSON form of a float or integer array."""
    array = np.asarray(array)
    if array.dtype.kind in "iub":
        return {"dtype": "int64", "shape": list(array.shape), "data": array.ravel().tolist()}
    data = [_float_out(v) for v in np.asarray(array, dtype=np.float64).ravel().tolist()]
    return {"dtype": "float64", "shape": list(array.shape), "data": data}


def decode_array(node, where: str, *, shape=None, finite: bool = False) -> np.ndarray:
    """An array from its JSON form, checked against ``shape`` (``None`` entries: any size).

    Raises
    ------
    ModelFileError
        For a malformed node, a wrong shape, or non-finite values when ``finite``.
    """
    dtype = require(node, "dtype", str, where)
    dims = require(node, "shape", list, where)
    data = require(node, "data", list, where)
    if dtype not in ("float64", "int64"):
        raise ModelFileError(f"{where}: unknown dtype {dtype!r}")
    if not all(isinstance(d, int) and not isinstance(d, bool) and 0 <= d < 2**31 for d in dims):
        raise ModelFileError(f"{where}: invalid shape {dims!r:.60}")
    if math.prod(dims) != len(data):
        raise ModelFileError(f"{where}: shape {dims} does not match {len(data)} values")
    if shape is not None and (
        len(shape) != len(dims)
        or any(s is not None and s != d for s, d in zip(shape, dims, strict=True))
    ):
        raise ModelFileError(f"{where}: expected shape {shape}, got {dims}")
    if dtype == "int64":
        if not all(isinstance(v, int) and not isinstance(v, bool) for v in data):
            raise ModelFileError(f"{where}: expected integers")
        if any(abs(v) >= 2**63 for v in data):
            raise ModelFileError(f"{where}: integer out of range")
        return np.array(data, dtype=np.int64).reshape(dims)
    values = np.array([_float_in(v, where) for v in data], dtype=np.float64).reshape(dims)
    if finite and not np.all(np.isfinite(values)):
        raise ModelFileError(f"{where}: contains NaN or infinite values")
    return values


def encode_classes(classes: np.ndarray) -> dict:
    """The JSON form of class labels, with their dtype."""
    classes = np.asarray(classes)
    if classes.dtype.kind == "O" and not all(isinstance(c, str) for c in classes):
        raise ModelFileError("class labels of object dtype must be strings to be saved")
    if not _CLASS_DTYPE.match(classes.dtype.str):
        raise ModelFileError(f"class labels of dtype {classes.dtype} cannot be saved")
    values = classes.tolist()
    if classes.dtype.kind == "f" and not np.all(np.isfinite(classes)):
        raise ModelFileError("class labels must be finite")
    return {"dtype": classes.dtype.str, "values": values}


def decode_classes(node, where: str) -> np.ndarray:
    """Class labels from their JSON form, with their original dtype."""
    dtype = require(node, "dtype", str, where)
    values = require(node, "values", list, where)
    if not _CLASS_DTYPE.match(dtype):
        raise ModelFileError(f"{where}: unsupported label dtype {dtype!r}")
    kind = dtype[1]
    expected = {"b": bool, "i": int, "u": int, "f": (int, float), "U": str, "O": str}[kind]
    if not all(isinstance(v, expected) and (kind == "b") == isinstance(v, bool) for v in values):
        raise ModelFileError(f"{where}: labels do not match dtype {dtype!r}")
    if len(values) < 2 or len(set(values)) != len(values):
        raise ModelFileError(f"{where}: expected at least two distinct labels")
    try:
        classes = np.array(values, dtype=object if kind == "O" else np.dtype(dtype))
    except (OverflowError, ValueError) as error:
        raise ModelFileError(f"{where}: {error}") from None
    if classes.tolist() != values or (kind == "f" and not np.all(np.isfinite(classes))):
        raise ModelFileError(f"{where}: labels do not fit dtype {dtype!r}")
    if (kind != "O" and np.any(classes[:-1] >= classes[1:])) or (
        kind == "O" and values != sorted(values)
    ):
        raise ModelFileError(f"{where}: labels must be sorted")
    return classes


def encode_value(value):
    """The JSON form of a parameter value (see the module documentation)."""
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        out = _float_out(value)
        return out if isinstance(out, float) else {"$float": out}
    if isinstance(value, list | tuple):
        return [encode_value(v) for v in value]
    if isinstance(value, np.ndarray) and value.dtype.kind in "iubf":
        return {"$array": encode_array(value)}
    if isinstance(value, dict):
        return {"$dict": [[encode_value(k), encode_value(v)] for k, v in value.items()]}
    return {"$repr": repr(value)}


def decode_value(value, where: str):
    """A parameter value from its JSON form."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value
    if isinstance(value, list):
        return [decode_value(v, where) for v in value]
    if not isinstance(value, dict) or len(value) != 1:
        raise ModelFileError(f"{where}: invalid parameter value {value!r:.60}")
    ((tag, inner),) = value.items()
    if tag == "$float" and inner in _NON_FINITE:
        return _NON_FINITE[inner]
    if tag == "$array":
        return decode_array(inner, where)
    if tag == "$repr" and isinstance(inner, str):
        return inner
    if tag == "$dict" and isinstance(inner, list):
        pairs = {}
        for pair in inner:
            if not (isinstance(pair, list) and len(pair) == 2):
                raise ModelFileError(f"{where}: a $dict entry must be a [key, value] pair")
            key = decode_value(pair[0], where)
            if not isinstance(key, bool | int | float | str | type(None)):
                raise ModelFileError(f"{where}: dictionary keys must be scalars")
            pairs[key] = decode_value(pair[1], where)
        return pairs
    raise ModelFileError(f"{where}: unknown parameter tag {tag!r:.40}")


def encode_params(estimator, skip: tuple[str, ...] = ()) -> dict:
    """The estimator's own parameters (``get_params(deep=False)``) in JSON form."""
    params = estimator.get_params(deep=False)
    return {name: encode_value(v) for name, v in params.items() if name not in skip}


def decode_params(node, cls, where: str) -> dict:
    """Constructor arguments of ``cls``; parameters absent from the file keep their defaults."""
    params = require(node, "params", dict, where)
    known = set(cls._get_param_names())
    unknown = sorted(set(params) - known)
    if unknown:
        raise ModelFileError(f"{where}: unknown parameters of {cls.__name__}: {unknown}")
    return {name: decode_value(value, f"{where}.params.{name}") for name, value in params.items()}
