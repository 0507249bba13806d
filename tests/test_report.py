"""logistica.report: the HTML file, its data island, escaping, alt text, size, comparisons."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from sklearn import metrics as skm

pytest.importorskip("matplotlib")
pytest.importorskip("logistica.plots")

from _report_data import XSS_NAME, binary_report, island, multiclass_report
from logistica import TabularModel
from logistica.report import SECTIONS, build, read_data
from logistica.report.statistics import (
    calibration_intercept_slope,
    integrated_calibration_index,
    lowess,
    net_benefit,
    wilson_interval,
)


@pytest.fixture(scope="module")
def binary(tmp_path_factory):
    directory = tmp_path_factory.mktemp("report")
    return binary_report(directory, assets_dir=directory / "assets")


@pytest.fixture(scope="module")
def multiclass(tmp_path_factory):
    return multiclass_report(tmp_path_factory.mktemp("report-mc"))


def test_single_self_contained_file(binary):
    text = binary[0].read_text(encoding="utf-8")
    assert text.startswith("<!doctype html>")
    assert not re.search(r'(src|href)="(https?:)?//', text)
    assert "<link" not in text and "@import" not in text and "url(http" not in text
    assert text.count("<script") == 1  # the JSON island only, never executable script
    for section_id, heading in SECTIONS.items():
        assert f'<section id="{section_id}">' in text
        assert f"<h2>{heading}</h2>" in text.replace("&amp;", "&")


def test_size_under_500_kb(binary):
    assert binary[0].stat().st_size < 500_000


def test_island_holds_metrics_equal_to_sklearn(binary):
    path, model, X_test, y_test = binary
    data = island(path)
    positive = model.classes_[1]
    y = (np.asarray(y_test) == positive).astype(int)
    score = model.predict_proba(X_test)[:, 1]
    decided = (score >= 0.5).astype(int)
    expected = {
        "accuracy": skm.accuracy_score(y, decided),
        "balanced_accuracy": skm.balanced_accuracy_score(y, decided),
        "precision": skm.precision_score(y, decided),
        "recall": skm.recall_score(y, decided),
        "f1": skm.f1_score(y, decided),
        "roc_auc": skm.roc_auc_score(y, score),
        "pr_auc": skm.average_precision_score(y, score),
        "log_loss": skm.log_loss(y, score),
        "brier": skm.brier_score_loss(y, score),
    }
    shown = data["metrics"]["metrics"]
    for key, value in expected.items():
        assert shown[key]["estimate"] == pytest.approx(value, rel=1e-12), key
        assert shown[key]["low"] <= shown[key]["estimate"] + 1e-12 <= shown[key]["high"] + 2e-12
    assert data["metrics"]["confusion_matrix"] == skm.confusion_matrix(y, decided).tolist()
    assert data["discrimination"]["ks"] == pytest.approx(
        np.max(skm.roc_curve(y, score)[1] - skm.roc_curve(y, score)[0])
    )
    # the numbers in the page are the island's, rounded
    text = path.read_text(encoding="utf-8")
    assert f"{shown['roc_auc']['estimate']:.4f}" in text
    assert f"{data['calibration']['ece']:.4f}" in text


def test_every_svg_has_number_bearing_label(binary, multiclass):
    for path in (binary[0], multiclass[0]):
        text = path.read_text(encoding="utf-8")
        svgs = re.findall(r"<svg\b[^>]*>", text)
        assert len(svgs) >= 6
        for tag in svgs:
            label = re.search(r'aria-label="([^"]+)"', tag)
            assert label and re.search(r"\d", label.group(1)), tag[:200]
            assert 'role="img"' in tag
        assert "<img" not in text
        assert text.count("<details>") >= len(svgs)  # a data table beside every figure


def test_feature_name_is_escaped(binary):
    text = binary[0].read_text(encoding="utf-8")
    assert XSS_NAME not in text
    assert "&lt;script&gt;window.__xss" in text
    # in the island the name survives as data
    assert XSS_NAME in island(binary[0])["coefficients"]["vif"]


def test_no_duplicate_ids(binary):
    ids = re.findall(r'\bid="([^"]+)"', binary[0].read_text(encoding="utf-8"))
    assert len(ids) == len(set(ids))


def test_assets_written(binary):
    directory = binary[0].parent / "assets"
    data = island(binary[0])
    for figure_id in data["figures"]:
        assert (directory / f"{figure_id}.svg").stat().st_size > 1000
        assert (directory / f"{figure_id}.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_warnings_at_top(binary):
    text = binary[0].read_text(encoding="utf-8")
    data = island(binary[0])
    assert any("VIF" in w for w in data["warnings"])  # breast cancer is collinear
    assert text.index('class="warnings"') < text.index('<section id="data">')
    assert not any("could not be drawn" in w for w in data["warnings"])


def test_multiclass(multiclass):
    path, model, X_test, y_test = multiclass
    data = island(path)
    assert data["task"] == "multiclass" and len(data["classes"]) == 3
    proba = model.predict_proba(X_test)
    expected = skm.roc_auc_score(y_test, proba, multi_class="ovr", labels=model.classes_)
    assert data["metrics"]["metrics"]["roc_auc"]["estimate"] == pytest.approx(expected)
    assert data["metrics"]["metrics"]["log_loss"]["estimate"] == pytest.approx(
        skm.log_loss(y_test, proba, labels=model.classes_)
    )
    assert set(data["calibration"]["per_class"]) == set(model.classes_)
    assert {"confusion", "calibration", "coefficients", "importance"} <= set(data["figures"])
    assert not any("could not be drawn" in w for w in data["warnings"])


def test_reference_comparison(binary, tmp_path):
    path, _model, X_test, y_test = binary
    from logistica import LogisticRegression

    X_train = X_test  # a deliberately different model on other data
    weaker = LogisticRegression(C=0.001, standardize=True).fit(X_train, y_test)
    new = build(weaker, X_test, y_test, tmp_path / "new.html", reference=path, n_boot=20)
    data = read_data(new)
    rows = {r["key"]: r for r in data["comparison"]["rows"]}
    old = island(path)["metrics"]["metrics"]
    assert rows["roc_auc"]["reference"] == pytest.approx(old["roc_auc"]["estimate"])
    assert rows["roc_auc"]["current"] == pytest.approx(
        data["metrics"]["metrics"]["roc_auc"]["estimate"]
    )
    assert rows["brier"]["verdict"] in {"better", "worse", "same"}
    assert "ici" in rows and "slope" in rows
    assert '<section id="comparison">' in new.read_text(encoding="utf-8")


def test_threshold_and_wrappers(tmp_path):
    from _report_data import split
    from logistica import LogisticRegressionCV
    from logistica.calibration import CalibratedModel
    from logistica.datasets import load_breast_cancer
    from logistica.thresholds import ThresholdClassifier

    X_train, X_test, y_train, y_test = split(load_breast_cancer)
    cv = LogisticRegressionCV(Cs=4, standardize=True, cv=3)
    model = ThresholdClassifier(
        CalibratedModel(cv, cv=3), objective="precision", constraint={"recall": 0.95}, cv=3
    ).fit(X_train, y_train)
    path = build(model, X_test, y_test, tmp_path / "r.html", X_train, y_train, n_boot=20)
    data = read_data(path)
    assert data["threshold"]["value"] == pytest.approx(model.threshold_)
    assert "recall ≥ 0.95" in data["threshold"]["rule"]
    assert "LogisticRegressionCV" in data["fit"]["model"] and data["fit"]["cv"]
    path = build(model, X_test, y_test, tmp_path / "r2.html", threshold=0.3, n_boot=20)
    assert read_data(path)["threshold"]["value"] == 0.3


def test_unpenalized_fit_shows_inference(tmp_path):
    rng = np.random.default_rng(0)
    X = rng.standard_normal((400, 3))
    y = (rng.random(400) < 1 / (1 + np.exp(-X @ [1.0, -1.0, 0.0]))).astype(int)
    from logistica import LogisticRegression

    model = LogisticRegression(C=np.inf).fit(X[:300], y[:300])
    path = build(model, X[300:], y[300:], tmp_path / "r.html", X[:300], y[:300], n_boot=20)
    coefficients = read_data(path)["coefficients"]
    assert coefficients["inference"]
    assert {"se", "p", "ci_low", "or_high"} <= set(coefficients["rows"][1])
    assert coefficients["separation"]["kind"] == "none"


def test_refuses_unknown_models_and_labels(tmp_path, binary):
    _, model, X_test, y_test = binary
    with pytest.raises(TypeError, match="LogisticRegression"):
        build(object(), X_test, y_test, tmp_path / "r.html")
    frame = pd.DataFrame(np.asarray(X_test)[:, :2], columns=["a", "b"])
    tabular = TabularModel().fit(frame, y_test)
    with pytest.raises(TypeError, match=r"workflow\.write_report"):
        build(tabular, frame, y_test, tmp_path / "r.html")
    with pytest.raises(ValueError, match="not fitted on"):
        build(model, X_test, np.where(y_test == "benign", "other", y_test), tmp_path / "r.html")


# -- statistics --------------------------------------------------------------------------
def test_calibration_intercept_slope_against_statsmodels():
    sm = pytest.importorskip("statsmodels.api")
    rng = np.random.default_rng(3)
    p = rng.uniform(0.02, 0.98, 800)
    y = (rng.random(800) < 1 / (1 + np.exp(-1.5 * np.log(p / (1 - p)) - 0.3))).astype(int)
    intercept, slope = calibration_intercept_slope(y, p)
    lp = np.log(p / (1 - p))
    fit = sm.GLM(y, sm.add_constant(lp), family=sm.families.Binomial()).fit()
    assert slope == pytest.approx(fit.params[1], rel=1e-5)
    fixed = sm.GLM(y, np.ones((800, 1)), family=sm.families.Binomial(), offset=lp).fit()
    assert intercept == pytest.approx(fixed.params[0], abs=1e-6)


def test_lowess_against_statsmodels_and_ici():
    sm = pytest.importorskip("statsmodels.api")
    rng = np.random.default_rng(4)
    x = np.sort(rng.uniform(size=300))
    y = np.sin(3 * x) + rng.normal(0, 0.1, 300)
    _grid, fitted = lowess(x, y, frac=0.5, n_eval=400)
    reference = sm.nonparametric.lowess(y, x, frac=0.5, it=0, return_sorted=False)
    assert np.allclose(fitted, reference, atol=1e-8)
    p = rng.uniform(size=2000)
    y = (rng.random(2000) < p).astype(int)
    index = integrated_calibration_index(y, p)
    assert 0 <= index.e50 <= index.e90 <= index.emax and index.ici < 0.05


def test_net_benefit_and_wilson():
    y = np.array([1, 1, 0, 0, 1])
    p = np.array([0.9, 0.4, 0.6, 0.1, 0.7])
    # t = 0.5: TP = 2, FP = 1 -> 2/5 - 1/5 * 1
    assert net_benefit(y, p, [0.5])[0] == pytest.approx(0.2)
    stats = pytest.importorskip("scipy.stats")
    low, high = wilson_interval([3], [17])
    ci = stats.binomtest(3, 17).proportion_ci(method="wilson")
    assert (low[0], high[0]) == pytest.approx((ci.low, ci.high))
