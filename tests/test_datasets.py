"""Bundled loaders return frames with names; their content is scikit-learn's."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn import datasets as sk

from logistica import datasets


@pytest.mark.parametrize(
    ("ours", "theirs", "shape"),
    [
        (datasets.load_breast_cancer, sk.load_breast_cancer, (569, 30)),
        (datasets.load_iris, sk.load_iris, (150, 4)),
        (datasets.load_wine, sk.load_wine, (178, 13)),
        (datasets.load_digits, sk.load_digits, (1797, 64)),
    ],
)
def test_loaders_match_sklearn(ours, theirs, shape):
    X, y = ours()
    ref = theirs()
    assert X.shape == shape and len(y) == shape[0]
    np.testing.assert_array_equal(X.to_numpy(), ref.data)
    np.testing.assert_array_equal(y.to_numpy(), ref.target_names[ref.target].astype(str))
    assert all(isinstance(c, str) for c in X.columns)


def test_demo_runs_every_solver(tmp_path, capsys):
    from logistica.demo import main

    out = tmp_path / "demo.html"
    assert main(["--solvers", "--output", str(out)]) == 0
    table = capsys.readouterr().out
    for solver in ("newton", "lbfgs", "gd"):
        assert solver in table
    assert "newton" in out.read_text()
