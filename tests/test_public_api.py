"""The public API is explicit: a sorted ``__all__`` pinned here, everything importable."""

from __future__ import annotations

import importlib
import subprocess
import sys

import pytest

import logistica


def test_top_level_all_is_sorted_and_pinned():
    assert logistica.__all__ == sorted(logistica.__all__)
    assert logistica.__all__ == [
        "ConvergenceWarning",
        "InferenceWarning",
        "LogisticRegression",
        "LogisticRegressionCV",
        "SeparationWarning",
        "TabularModel",
        "__version__",
        "export_onnx",
        "fit_files",
        "load",
        "logistic_path",
        "logit",
        "save",
        "stream_fit",
        "summarize",
    ]
    for name in logistica.__all__:
        assert hasattr(logistica, name)


@pytest.mark.parametrize(
    "module",
    [
        "logistica.objective",
        "logistica.solvers",
        "logistica.datasets",
        "logistica.inference",
        "logistica.metrics",
        "logistica.calibration",
        "logistica.thresholds",
        "logistica.imbalance",
        "logistica.formula",
        "logistica.tabular",
        "logistica.io",
        "logistica.outofcore",
        "logistica.dask",
    ],
)
def test_submodules_export_what_they_declare(module):
    mod = importlib.import_module(module)
    for name in mod.__all__:
        assert hasattr(mod, name), f"{module}.{name}"


def test_package_is_typed():
    from importlib.resources import files

    assert files("logistica").joinpath("py.typed").is_file()


def test_importing_the_estimator_leaves_the_rest_unloaded():
    """Top-level names load on first use: a first fit pays for the estimator only."""
    code = (
        "import sys; from logistica import LogisticRegression; "
        "print(sorted(m for m in ('logistica.cv', 'logistica.io', 'logistica.outofcore', "
        "'logistica.tabular', 'logistica.streaming', 'sklearn.metrics', "
        "'logistica.inference.results', 'logistica.inference.build') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        logistica.nope  # noqa: B018
    assert sorted([*logistica._EXPORTS, "__version__"]) == logistica.__all__


def test_inference_names_load_on_first_use():
    from logistica import inference

    assert sorted(inference._EXPORTS) == inference.__all__
    assert inference.Results.__module__ == "logistica.inference.results"
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        inference.nope  # noqa: B018
