"""The ``logistica`` command line: a table in, a tested model file and its report out.

Commands: ``fit``, ``predict``, ``evaluate``, ``report``, ``summary``,
``tune-threshold``, ``export-onnx``, ``verify``, ``serve`` and ``demo``; run
``logistica --help`` or ``logistica COMMAND --help``. Exit codes are listed
in :mod:`logistica.cli._common`. The core never imports this package.
"""

from .app import app, main

__all__ = ["app", "main"]
