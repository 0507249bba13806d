"""Reports shared by test_report.py and test_report_browser.py (built once per session)."""

from __future__ import annotations

import json
import re
from pathlib import Path

from sklearn.model_selection import train_test_split

from logistica import LogisticRegression
from logistica.datasets import load_breast_cancer, load_wine

XSS_NAME = "<script>window.__xss = 1; alert(1)</script>"


def split(loader, rename_first: str | None = None):
    X, y = loader()
    if rename_first is not None:
        X = X.rename(columns={X.columns[0]: rename_first})
    return train_test_split(X, y, test_size=0.25, stratify=y, random_state=0)


def binary_report(directory: Path, **kwargs):
    """Breast cancer (30 features), first feature renamed to a script tag."""
    X_train, X_test, y_train, y_test = split(load_breast_cancer, XSS_NAME)
    model = LogisticRegression(C=0.5, standardize=True).fit(X_train, y_train)
    from logistica.report import build

    path = build(model, X_test, y_test, directory / "binary.html", X_train, y_train, **kwargs)
    return path, model, X_test, y_test


def multiclass_report(directory: Path, **kwargs):
    X_train, X_test, y_train, y_test = split(load_wine)
    model = LogisticRegression(C=1.0, standardize=True).fit(X_train, y_train)
    from logistica.report import build

    path = build(model, X_test, y_test, directory / "multiclass.html", X_train, y_train, **kwargs)
    return path, model, X_test, y_test


def island(path: Path) -> dict:
    text = Path(path).read_text(encoding="utf-8")
    match = re.search(
        r'<script type="application/json" id="report-data">(.*?)</script>', text, re.S
    )
    return json.loads(match.group(1))
