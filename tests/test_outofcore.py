"""fit_files: exact out-of-core fits equal the in-memory fit; memory bounded by the batch."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import numpy as np
import pandas as pd
import pytest

from logistica import LogisticRegression, fit_files

pytest.importorskip("pyarrow")

FEATURES = ["x0", "x1", "x2", "x3", "g"]


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    rng = np.random.default_rng(0)
    n = 6000
    X = rng.normal(size=(n, 4)) * [1, 10, 100, 0.1] + [0, 5, 1000, 0]
    g = rng.choice(["a", "b", "c"], n)
    z = X @ [0.5, -0.05, 0.002, 3] + (g == "b") * 0.7 - 3.0
    frame = pd.DataFrame(X, columns=FEATURES[:4]).assign(g=g)
    frame["y"] = (z + rng.logistic(size=n) > 0).astype(int)
    frame["y3"] = np.array(["lo", "mid", "hi"])[np.digitize(z + rng.logistic(size=n), [-1, 1])]
    frame["w"] = rng.uniform(0.5, 2, n)
    root = tmp_path_factory.mktemp("parquet")
    for i in range(3):
        frame.iloc[i * 2000 : (i + 1) * 2000].to_parquet(root / f"part{i}.parquet")
    design = pd.get_dummies(frame[FEATURES], columns=["g"], drop_first=True, dtype=float)
    return root, frame, design


CASES = [
    ("y", None, {"C": 1.0}),
    ("y", "w", {"C": np.inf}),
    ("y3", None, {"C": 0.05, "standardize": True}),
    ("y", None, {"C": 0.01, "l1_ratio": 1.0}),
    ("y3", "w", {"C": 0.05, "l1_ratio": 1.0, "standardize": True, "tol": 1e-9}),
    ("y3", None, {"C": 1.0, "class_weight": "balanced"}),
    ("y", None, {"C": 1.0, "solver": "lbfgs"}),
]


def _packed(model):
    full = np.c_[model.coef_, model.intercept_]
    if full.shape[0] > 1:  # unpenalized intercepts: compare the identifiable differences
        full[:, -1] -= full[:, -1].mean()
    return full


@pytest.mark.parametrize(("target", "weight", "params"), CASES)
def test_fit_files_equals_in_memory_fit(data, target, weight, params):
    root, frame, design = data
    model = fit_files(
        str(root / "*.parquet"), target=target, features=FEATURES, sample_weight=weight,
        batch_size=700, **{"tol": 1e-10, **params},
    )  # fmt: skip
    reference = LogisticRegression(**{"tol": 1e-10, **params}).fit(
        design, frame[target], sample_weight=None if weight is None else frame[weight]
    )
    assert list(model.feature_names_in_) == list(design.columns)
    np.testing.assert_array_equal(model.classes_, reference.classes_)
    np.testing.assert_allclose(_packed(model), _packed(reference), rtol=0, atol=1e-8)
    stats = model.fit_stats_
    assert stats["rows"] == len(frame)
    assert stats["passes"] >= 2 + model.n_iter_[0]
    assert stats["bytes_scanned"] > 0
    # an ordinary model: predictions, saving, inference
    np.testing.assert_allclose(
        model.predict_proba(design), reference.predict_proba(design), atol=1e-8
    )


@pytest.mark.parametrize("target", ["y", "y3"])
def test_spilled_passes_give_the_same_fit_and_leave_no_file(data, target, tmp_path, monkeypatch):
    """Later passes read the decoded batches back from the spill file: the same numbers
    as decoding the files again, the file gone after the fit (TMPDIR points at tmp_path)."""
    import tempfile

    root, frame, _ = data
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    common = {"target": target, "features": FEATURES, "sample_weight": "w", "batch_size": 700,
              "C": 0.5, "tol": 1e-10}  # fmt: skip
    spilled = fit_files(root, spill=True, **common)
    streamed = fit_files(root, spill=False, **common)
    np.testing.assert_array_equal(spilled.coef_, streamed.coef_)
    np.testing.assert_array_equal(spilled.intercept_, streamed.intercept_)
    width = spilled.coef_.shape[1]
    assert spilled.fit_stats_["spilled_bytes"] == len(frame) * (width + 2) * 8
    assert streamed.fit_stats_["spilled_bytes"] == 0
    assert spilled.fit_stats_["passes"] == streamed.fit_stats_["passes"]
    assert list(tmp_path.iterdir()) == []


def test_fisher_information_gives_the_standard_errors_without_a_pass(data):
    root, frame, design = data
    model = fit_files(root, target="y", features=FEATURES, C=np.inf, tol=1e-10)
    table = model.summarize(design, frame["y"]).summary().frame
    order = [*range(design.shape[1]), design.shape[1]]  # features, then intercept
    se = np.sqrt(np.diag(np.linalg.inv(model.fisher_information_)))[order]
    by_name = dict(zip([*design.columns, "intercept"], se, strict=True))
    for name, row in table.iterrows():
        assert row["std_err"] == pytest.approx(by_name[name], rel=1e-6)


def test_errors_name_the_problem(data, tmp_path):
    root, _, _ = data
    with pytest.raises(ValueError, match="not in the data"):
        fit_files(root, target="nope")
    with pytest.raises(FileNotFoundError):
        fit_files(tmp_path / "*.parquet", target="y")
    with pytest.raises(ValueError, match="do not support firth"):
        fit_files(root, target="y", features=FEATURES, firth=True)
    with pytest.raises(ValueError, match="solver 'newton' or 'lbfgs'"):
        fit_files(root, target="y", features=FEATURES, solver="cd")


_MEMORY_SCRIPT = textwrap.dedent(
    """
    import json, sys
    import pyarrow as pa
    import logistica
    root, warm, batch = sys.argv[1], sys.argv[2], int(sys.argv[3])
    def status(key):
        with open("/proc/self/status") as f:
            return next(int(line.split()[1]) for line in f if line.startswith(key)) * 1024
    # imports, compiled kernels, Arrow's thread and memory pools: a fit on one file
    logistica.fit_files(warm, target="y", batch_size=batch, spill=False)
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")  # the peak RSS (VmHWM) restarts from the current RSS
    before = status("VmRSS")
    # streaming from the files, as when the decoded data exceed the memory
    model = logistica.fit_files(root, target="y", batch_size=batch, C=1.0, spill=False)
    print(json.dumps({
        "peak_growth": status("VmHWM") - before,
        "arrow_peak": pa.default_memory_pool().max_memory(),
        "passes": model.fit_stats_["passes"],
        "bytes_scanned": model.fit_stats_["bytes_scanned"],
    }))
    """
)

#: Peak RSS that fit_files may add to a warmed-up process, batches of 8192 rows × 21
#: columns (1.3 MB): Arrow's decoding of a row group, the batch, the row sample of the
#: warm start, d×d sums.
_BUDGET_MB = 24


@pytest.mark.slow
@pytest.mark.skipif(not os.path.exists("/proc/self/clear_refs"), reason="Linux peak RSS")
def test_peak_rss_is_bounded_by_the_batch_not_the_data(tmp_path):
    """128 MB of float64 data, 5 × the budget: fit_files' peak RSS growth stays within it."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    rng = np.random.default_rng(1)
    n_files, rows, d = 5, 160_000, 20
    for i in range(n_files):
        X = rng.standard_normal((rows, d))
        y = (X[:, 0] + rng.logistic(size=rows) > 0).astype(np.int8)
        table = pa.table({**{f"x{j}": X[:, j] for j in range(d)}, "y": y})
        pq.write_table(table, tmp_path / f"part{i}.parquet", row_group_size=50_000)
    data_mb = n_files * rows * d * 8 / 2**20
    assert data_mb >= 5 * _BUDGET_MB
    out = subprocess.run(
        [sys.executable, "-c", _MEMORY_SCRIPT, str(tmp_path), str(tmp_path / "part0.parquet"),
         "8192"],
        capture_output=True, text=True, check=True, timeout=300,
    )  # fmt: skip
    result = json.loads(out.stdout.strip().splitlines()[-1])
    growth_mb = result["peak_growth"] / 2**20
    print(
        f"data {data_mb:.0f} MB, budget {_BUDGET_MB} MB: fit_files' peak RSS growth"
        f" {growth_mb:.1f} MB (Arrow pool peak {result['arrow_peak'] / 2**20:.1f} MB)"
    )
    assert result["passes"] >= 4
    # every pass but the first (labels only) decodes all the columns
    data, labels = data_mb * 2**20, n_files * rows
    passes = result["passes"]
    assert (passes - 1) * (data + labels) <= result["bytes_scanned"] <= passes * (data + labels)
    assert growth_mb < _BUDGET_MB


def test_a_cleared_spill_file_holds_only_what_was_written_after():
    """A pass left unfinished wrote part of the spill file: the next decoding pass clears
    it, so the later passes read only the complete pass."""
    from logistica.outofcore._spill import Spill

    spill = Spill()
    try:
        X = np.arange(6.0).reshape(3, 2)
        spill.write((X, np.zeros(3), np.ones(3), None))
        spill.write((X + 1, np.ones(3), np.ones(3), None))
        spill.clear()
        assert spill.nbytes == 0
        spill.write((X + 2, np.ones(3), np.full(3, 2.0), None))
        batches = [(b[0].copy(), b[2].copy()) for b in spill.batches()]
        assert len(batches) == 1
        np.testing.assert_array_equal(batches[0][0], X + 2)
        np.testing.assert_array_equal(batches[0][1], np.full(3, 2.0))
        assert spill.nbytes == 3 * 2 * 8 + 2 * 3 * 8
    finally:
        spill.close()


def test_spilled_batches_come_back_exactly_whatever_their_sizes():
    """Batches of any size, integer class codes and offsets read back equal to what was
    written (each record is mapped on its own, aligned to the map granularity); the
    views are read-only, and a truncated file is reported, not read as zeros."""
    from logistica.outofcore._spill import Spill

    rng = np.random.default_rng(0)
    written = []
    spill = Spill()
    try:
        for n, width in [(7, 3), (1, 3), (1000, 5), (3, 1)]:
            X = np.asfortranarray(rng.normal(size=(n, width)))
            arrays = (X, rng.integers(0, 4, n), rng.random(n), rng.normal(size=n))
            spill.write(arrays)
            written.append(tuple(a.copy() for a in arrays))
        for _ in range(2):  # every pass reads the same
            read = [tuple(a.copy() for a in batch) for batch in spill.batches()]
            assert len(read) == len(written)
            for got, want in zip(read, written, strict=True):
                for a, b in zip(got, want, strict=True):
                    assert a.dtype == b.dtype
                    np.testing.assert_array_equal(a, b)
        X, *_ = next(iter(spill.batches()))
        with pytest.raises(ValueError, match="read-only"):
            X[0, 0] = 1.0
        del X
        spill.file.truncate(100)
        with pytest.raises(OSError, match="shorter than written"):
            next(iter(spill.batches()))
    finally:
        spill.close()
