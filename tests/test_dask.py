"""logistica.dask on a real LocalCluster: parity with in-memory fits, one graph per iteration."""

from __future__ import annotations

import os
import signal

import numpy as np
import pandas as pd
import pytest

from logistica import LogisticRegression as InMemory

da = pytest.importorskip("dask.array")
dd = pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("distributed")

from logistica.dask import LogisticRegression  # noqa: E402


class _CountGraphs(distributed.diagnostics.plugin.SchedulerPlugin):
    """Counts the graphs clients submit to the scheduler."""

    def __init__(self) -> None:
        self.count = 0

    def update_graph(self, scheduler, **kwargs) -> None:
        self.count += 1


@pytest.fixture(scope="module")
def cluster():
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        counter = _CountGraphs()
        cluster.scheduler.add_plugin(counter, name="count-graphs")
        yield cluster, client, counter


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(0)
    n = 3000
    X = rng.normal(size=(n, 4)) * [1, 5, 0.2, 1] + [0, 3, 0, 10]
    z = X @ [1, -0.2, 2, 0.3] - 3
    return {
        "X": X,
        "y": (z + rng.logistic(size=n) > 0).astype(int),
        "y3": np.array(["a", "b", "c"])[np.digitize(z + rng.logistic(size=n), [-1, 1])],
        "w": rng.uniform(0.5, 2, n),
    }


def _packed(model):
    full = np.c_[model.coef_, model.intercept_]
    if full.shape[0] > 1:
        full[:, -1] -= full[:, -1].mean()
    return full


CASES = [
    ("y", False, {}),
    ("y", True, {"C": np.inf}),
    ("y3", False, {"C": 0.1}),
    ("y", False, {"C": 0.05, "l1_ratio": 1.0}),
    ("y3", True, {"C": 0.1, "l1_ratio": 1.0, "tol": 1e-9}),
    ("y3", True, {"C": 0.1, "standardize": True, "class_weight": "balanced"}),
]


@pytest.mark.parametrize(("target", "weighted", "params"), CASES)
def test_dask_array_fit_equals_in_memory_fit(cluster, data, target, weighted, params):
    _, _, counter = cluster
    params = {"tol": 1e-10, **params}
    chunks = 700  # five uneven chunks
    X, y = da.from_array(data["X"], chunks=(chunks, 2)), da.from_array(data[target], chunks)
    w = da.from_array(data["w"], chunks) if weighted else None
    before = counter.count
    model = LogisticRegression(**params).fit(X, y, sample_weight=w)
    submitted = counter.count - before
    reference = InMemory(**params).fit(
        data["X"], data[target], sample_weight=data["w"] if weighted else None
    )
    np.testing.assert_allclose(_packed(model), _packed(reference), rtol=0, atol=1e-6)
    stats = model.fit_stats_
    # graphs the scheduler saw == the fit's count; beyond setup, one per Newton iteration
    # (a damped step would cost one more; none here)
    assert submitted == stats["graph_submissions"]
    assert stats["graph_submissions"] - stats["setup_submissions"] == model.n_iter_[0]
    # ordinary model, lazy predictions that match
    proba = model.predict_proba(X)
    assert isinstance(proba, da.Array)
    np.testing.assert_allclose(proba.compute(), reference.predict_proba(data["X"]), atol=1e-6)
    np.testing.assert_array_equal(model.predict(X).compute(), reference.predict(data["X"]))
    assert type(model.to_local()) is InMemory


def test_dask_dataframe_with_target_column(cluster, data):
    frame = pd.DataFrame(data["X"], columns=list("abcd")).assign(t=data["y3"], w=data["w"])
    ddf = dd.from_pandas(frame, npartitions=3)
    model = LogisticRegression(tol=1e-10).fit(ddf, "t", sample_weight="w")
    reference = InMemory(tol=1e-10).fit(frame[list("abcd")], frame["t"], sample_weight=frame["w"])
    assert list(model.feature_names_in_) == list("abcd")
    np.testing.assert_allclose(_packed(model), _packed(reference), rtol=0, atol=1e-6)
    labels = model.predict(ddf[list("abcd")]).compute()
    np.testing.assert_array_equal(labels, reference.predict(frame[list("abcd")]))
    stats = model.fit_stats_  # 4 features, the label and the weight, 8 bytes a value
    assert stats["bytes_scanned"] == stats["passes"] * len(frame) * 6 * 8


def test_fit_survives_a_killed_worker(cluster, data):
    _, client, _ = cluster
    X = da.from_array(data["X"], chunks=500)
    y = da.from_array(data["y"], chunks=500)
    reference = InMemory(tol=1e-10).fit(data["X"], data["y"])
    killed = []

    def kill_one(coef):
        if not killed:
            address, pid = sorted(client.run(os.getpid).items())[0]
            os.kill(pid, signal.SIGKILL)  # the nanny restarts it; its partitions are lost
            killed.append(address)

    model = LogisticRegression(tol=1e-10).fit(X, y, callback=kill_one)
    assert killed
    np.testing.assert_allclose(_packed(model), _packed(reference), rtol=0, atol=1e-6)


def test_clear_errors(cluster, data):
    X = da.from_array(data["X"], chunks=1000)
    with pytest.raises(ValueError, match="chunked differently"):
        LogisticRegression().fit(X, da.from_array(data["y"], chunks=700))
    frame = pd.DataFrame(data["X"], columns=list("abcd"))
    ddf = dd.from_pandas(frame, npartitions=3)
    y_unknown = dd.from_pandas(pd.Series(data["y"]), npartitions=3).clear_divisions()
    with pytest.raises(ValueError, match="unknown divisions"):
        LogisticRegression().fit(ddf, y_unknown)
    with pytest.raises(ValueError, match="non-numeric columns"):
        LogisticRegression().fit(dd.from_pandas(frame.assign(s="x", t=data["y"]), 2), "t")
    empty = da.from_array(data["X"], chunks=((1000, 2000, 0), 4))
    y_empty = da.from_array(data["y"], chunks=((1000, 2000, 0),))
    with pytest.raises(ValueError, match="empty"):
        LogisticRegression().fit(empty, y_empty)


def test_unaligned_blocks_are_persisted_aligned_and_equal():
    """Blocks deserialized from network frames may start at any byte; the persisted
    partitions hold aligned blocks with the same values (aligned ones are not copied)."""
    import dask

    from logistica.dask._partitions import _aligned, split_partitions

    values = np.random.default_rng(0).normal(size=(40, 3))
    raw = bytearray(values.nbytes + 1)
    unaligned = np.frombuffer(raw, dtype=np.float64, offset=1).reshape(40, 3)
    unaligned[...] = values
    assert not unaligned.flags.aligned
    aligned = np.ones(40)
    parts = split_partitions(da.from_array(unaligned, chunks=(20, 3)), da.from_array(aligned, 20))
    with dask.config.set(scheduler="synchronous"):
        parts.persist()
        blocks = [block.compute() for block in parts.X.to_delayed().ravel()]
    assert all(block.flags.aligned for block in blocks)
    np.testing.assert_array_equal(np.vstack(blocks), values)
    assert _aligned(aligned) is aligned  # already aligned: no copy
