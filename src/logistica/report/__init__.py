"""Self-contained HTML model reports: :func:`build`.

One call writes one HTML file (figures inlined as SVG, no external resources)
that tells the story of a fitted model on held-out data: data, fit, metrics
with bootstrap intervals, discrimination, threshold and decision curve,
calibration, coefficients and explanations, with warnings at the top and every
number also embedded as JSON (``<script type="application/json"
id="report-data">``) for diffs and comparisons (``reference=``). Needs the
``plots`` extra (matplotlib): ``pip install "logistica[plots]"``.
"""

from .builder import SECTIONS, build
from .compare import read_data

__all__ = ["SECTIONS", "build", "read_data"]
