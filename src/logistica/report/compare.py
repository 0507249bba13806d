"""The JSON data island of a report, and side-by-side comparison with a reference report.

Every number a report shows is embedded once as
``<script type="application/json" id="report-data">``. :func:`read_data`
reads it back from a file, and :func:`comparison` lines up the metrics and
calibration statistics of two reports.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import numpy as np

from .evaluation import LOWER_IS_BETTER, METRIC_LABELS

__all__ = ["comparison", "dump_island", "read_data"]

_ISLAND = re.compile(r'<script type="application/json" id="report-data">(.*?)</script>', flags=re.S)
_CALIBRATION_KEYS = {
    "ece": "ECE", "mce": "MCE", "ici": "ICI", "e50": "E50", "e90": "E90",
    "slope": "Calibration slope", "intercept": "Calibration intercept",
}  # fmt: skip


def _clean(value):
    """JSON-ready copy: numpy scalars to Python, NaN and infinities to None."""
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def dump_island(data: dict) -> str:
    """JSON safe to place inside ``<script>``: ``<``, ``>`` and ``&`` as ``\\u`` escapes."""
    text = json.dumps(_clean(data), ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def read_data(path: str | Path) -> dict:
    """The data island of the report at ``path``.

    Raises
    ------
    ValueError
        When the file holds no logistica report data.

    Examples
    --------
    A report written by :func:`~logistica.report.build` embeds its numbers in a
    ``<script id="report-data">`` element like this one:

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = Path(tmp) / "report.html"
    ...     _ = path.write_text(
    ...         '<script type="application/json" id="report-data">{"n_test": 143}</script>'
    ...     )
    ...     read_data(path)
    {'n_test': 143}
    """
    text = Path(path).read_text(encoding="utf-8")
    match = _ISLAND.search(text)
    if match is None:
        raise ValueError(f"{path} holds no logistica report data (no #report-data script)")
    return json.loads(match.group(1))


def _calibration_values(data: dict) -> dict:
    calibration = data.get("calibration", {})
    values = {k: calibration.get(k) for k in ("ece", "mce")}
    per_class = calibration.get("per_class", {})
    positive = data.get("positive_class")
    if positive in per_class:
        values.update({k: per_class[positive].get(k) for k in _CALIBRATION_KEYS if k in
                       ("ici", "e50", "e90", "slope", "intercept")})  # fmt: skip
    return values


def _row(key: str, label: str, current, previous) -> dict:
    delta = None if current is None or previous is None else current - previous
    if delta is None or delta == 0:
        verdict = "same" if delta == 0 else "n/a"
    elif key in ("slope",):
        verdict = "better" if abs(current - 1) < abs(previous - 1) else "worse"
    elif key == "intercept":
        verdict = "better" if abs(current) < abs(previous) else "worse"
    else:
        better = delta < 0 if key in LOWER_IS_BETTER else delta > 0
        verdict = "better" if better else "worse"
    return {"key": key, "label": label, "current": current, "reference": previous,
            "delta": delta, "verdict": verdict}  # fmt: skip


def comparison(current: dict, reference: dict, reference_name: str) -> dict:
    """Metrics and calibration of ``current`` beside those of ``reference``.

    Returns
    -------
    dict
        ``reference`` (its title, file and generation time) and ``rows``
        (``label``, ``current``, ``reference``, ``delta``, ``verdict``).
    """
    rows = []
    now, then = current["metrics"]["metrics"], reference.get("metrics", {}).get("metrics", {})
    for key, label in METRIC_LABELS.items():
        rows.append(_row(key, label, now.get(key, {}).get("estimate"),
                         then.get(key, {}).get("estimate")))  # fmt: skip
    now_cal, then_cal = _calibration_values(current), _calibration_values(reference)
    for key, label in _CALIBRATION_KEYS.items():
        if key in now_cal or key in then_cal:
            rows.append(_row(key, label, now_cal.get(key), then_cal.get(key)))
    return {
        "reference": {
            "file": reference_name,
            "title": reference.get("title"),
            "generated": reference.get("generated"),
        },
        "rows": rows,
    }
