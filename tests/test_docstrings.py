"""Every public function and class has a numpydoc docstring with an Examples section.

The public API is ``logistica.__all__`` plus the ``__all__`` of the public submodules
below. For a public class, its public methods defined in logistica are audited too
(inherited scikit-learn methods, dunders and the generated ``set_*_request`` methods are
not). A method that inherits its docstring from a logistica base class is covered by the
base's docstring, the one a reader sees. The examples themselves run as doctests under
``pytest --doctest-modules src/logistica`` (``make test``).
"""

from __future__ import annotations

import importlib
import inspect
import re

import pytest

import logistica

SUBMODULES = [
    "objective",
    "solvers",
    "inference",
    "metrics",
    "calibration",
    "thresholds",
    "imbalance",
    "explain",
    "plots",
    "report",
    "io",
    "tabular",
    "formula",
    "datasets",
    "streaming",
    "workflow",
    "path",
    "cv",
]
# Submodules behind an extra: audited when the extra is installed.
OPTIONAL_SUBMODULES = ["dask", "serve"]
# scikit-learn's estimator API, documented by scikit-learn.
SKLEARN_METHODS = {"get_params", "set_params", "score"}

_EXAMPLES = re.compile(r"^Examples\n-{8,}$", re.MULTILINE)


def _modules():
    mods = [logistica]
    for name in SUBMODULES:
        mods.append(importlib.import_module(f"logistica.{name}"))
    for name in OPTIONAL_SUBMODULES:
        try:
            mods.append(importlib.import_module(f"logistica.{name}"))
        except ImportError:
            continue
    return mods


def _in_package(obj) -> bool:
    return (getattr(obj, "__module__", None) or "").split(".")[0] == "logistica"


def _function(attr):
    return attr.__func__ if isinstance(attr, (classmethod, staticmethod)) else attr


def _doc_owner(cls, name):
    """The function whose docstring ``cls.name`` shows (its own or an inherited one)."""
    for klass in cls.__mro__:
        if name in vars(klass):
            func = _function(vars(klass)[name])
            if func.__doc__:
                return func
    return _function(inspect.getattr_static(cls, name))


def _public_methods(cls):
    names = set()
    for klass in cls.__mro__:
        if not _in_package(klass):
            continue
        for name, attr in vars(klass).items():
            func = _function(attr)
            if name.startswith("_") or name in SKLEARN_METHODS:
                continue
            if inspect.isfunction(func) and _in_package(func):
                names.add(name)
    for name in sorted(names):
        yield _doc_owner(cls, name)


def public_objects():
    """``{qualified name: object}`` for every audited function, class and method."""
    found = {}
    for mod in _modules():
        for name in mod.__all__:
            obj = getattr(mod, name)
            if not (inspect.isfunction(obj) or inspect.isclass(obj)):
                continue  # constants: documented where they are defined
            found.setdefault(f"{obj.__module__}.{obj.__qualname__}", obj)
            if inspect.isclass(obj) and _in_package(obj):
                for meth in _public_methods(obj):
                    found.setdefault(f"{meth.__module__}.{meth.__qualname__}", meth)
    return found


PUBLIC = public_objects()


def test_the_audit_sees_the_api():
    assert len(PUBLIC) > 100
    assert "logistica.estimators.LogisticRegression.fit" in PUBLIC
    assert "logistica.estimators.LogisticRegression.get_params" not in PUBLIC


@pytest.mark.parametrize("qualname", sorted(PUBLIC))
def test_public_object_has_an_examples_section(qualname):
    doc = inspect.getdoc(PUBLIC[qualname])
    assert doc, f"{qualname} has no docstring"
    assert _EXAMPLES.search(doc), f"{qualname}: docstring has no 'Examples' section"
    examples = doc[_EXAMPLES.search(doc).end() :]
    assert ">>>" in examples, f"{qualname}: the Examples section has no doctest"
