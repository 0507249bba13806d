"""Sphinx configuration for the logistica documentation (offline build)."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
os.environ.setdefault("MPLBACKEND", "Agg")
os.environ.setdefault("NO_COLOR", "1")

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "_ext"))

from logistica_docs import write_api_pages  # noqa: E402

import logistica  # noqa: E402

project = "logistica"
author = "The logistica developers"
copyright = "The logistica developers, MIT licence"
release = version = logistica.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "numpydoc",
    "myst_parser",
    "sphinx_gallery.gen_gallery",
    "logistica_docs",
]

source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build", "auto_examples/*.ipynb", "auto_examples/*.py", "**.codeobj.json"]
templates_path = ["_templates"]
# sphinx_gallery_conf holds a function (reset_argv): it is not cached, rebuilds re-read it
suppress_warnings = ["config.cache"]

# -- the public API, one page per object, generated from __all__ ---------------------------
API_SECTIONS = [
    ("Top level", ["logistica"]),
    (
        "Models and fitting",
        ["logistica.estimators", "logistica.cv", "logistica.path", "logistica.tabular"],
    ),
    ("Inference", ["logistica.inference", "logistica.formula"]),
    (
        "Evaluation and decisions",
        [
            "logistica.metrics",
            "logistica.calibration",
            "logistica.thresholds",
            "logistica.imbalance",
            "logistica.explain",
        ],
    ),
    ("Figures and reports", ["logistica.plots", "logistica.report"]),
    ("Model files and deployment", ["logistica.io", "logistica.io.onnx", "logistica.serve"]),
    (
        "Scaling out",
        ["logistica.streaming", "logistica.outofcore", "logistica.dask"],
    ),
    (
        "Data, errors and internals",
        [
            "logistica.datasets",
            "logistica.exceptions",
            "logistica.objective",
            "logistica.solvers",
        ],
    ),
]
API_OBJECTS = write_api_pages(HERE / "api", API_SECTIONS)

autosummary_generate = True
autosummary_imported_members = True
autodoc_default_options = {"members": False}
autodoc_typehints = "none"  # numpydoc renders the documented types
autoclass_content = "class"
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False
numpydoc_validation_checks: set[str] = set()

# -- no network at build time ---------------------------------------------------------------
intersphinx_mapping: dict = {}
myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence", "deflist"]
myst_heading_anchors = 3

sphinx_gallery_conf = {
    "examples_dirs": ["../examples"],
    "gallery_dirs": ["auto_examples"],
    "filename_pattern": r".*\.py$",  # execute every example
    "ignore_pattern": r"/(__init__|_[^/]*)\.py$",
    "download_all_examples": False,
    "remove_config_comments": True,
    "within_subsection_order": "FileNameSortKey",
    "abort_on_example_error": True,
    "only_warn_on_example_error": False,
    # scripts that take an output path (sgd_batch_sizes.py) write it outside the sources
    "reset_argv": lambda gallery_conf, script_vars: [
        str(Path(tempfile.gettempdir()) / (Path(script_vars["src_file"]).stem + ".png"))
    ],
    "backreferences_dir": "_generated/backreferences",
    "doc_module": ("logistica",),
    "matplotlib_animations": False,
    "image_scrapers": ("matplotlib",),
    "show_memory": False,
    "capture_repr": ("_repr_html_", "__repr__"),
}

# -- HTML -----------------------------------------------------------------------------------
html_theme = "pydata_sphinx_theme"
html_title = f"logistica {release}"
html_static_path = ["_static"]
html_css_files = ["logistica.css"]
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
    "header_links_before_dropdown": 8,
    "navbar_align": "left",
    "footer_start": ["copyright"],
    "footer_end": ["sphinx-version"],
}
html_show_sourcelink = False
html_last_updated_fmt = None
