"""Root pytest configuration, shared by the tests and the doctests under ``src/``.

Figures are drawn with the non-interactive Agg backend and closed after every
test and doctest, so that examples of :mod:`logistica.plots` neither open
windows nor pile up figures (matplotlib warns past 20, and RuntimeWarnings are
errors here).
"""

from __future__ import annotations

import os
import sys

import pytest

os.environ.setdefault("MPLBACKEND", "Agg")


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is not None:
        pyplot.close("all")
