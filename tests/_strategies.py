"""Shared hypothesis strategies: classification problems and malformed inputs.

``problems`` draws small, well-posed fitting problems (every class present, an L2
penalty or overlapping classes, so the optimum is unique and finite) built by a
seeded NumPy generator; ``malformed_tables`` draws broken tables, shared by the
fuzzing of the CLI's table reading and of the service's request bodies.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from hypothesis import strategies as st
from scipy.special import expit

from logistica.solvers import available

#: Every registered solver of the plain objective (``firth`` solves another one).
SOLVERS = [name for name in available() if name != "firth"]


@dataclass
class Data:
    X: np.ndarray
    y: np.ndarray  # integer codes 0..K-1, every class present
    sample_weight: np.ndarray | None
    C: float
    l1_ratio: float

    @property
    def n_classes(self) -> int:
        return int(self.y.max()) + 1


_TWO_OR_THREE = st.sampled_from([2, 3])
_MAYBE = st.booleans()


@st.composite
def problems(draw, n_classes=_TWO_OR_THREE, weighted=_MAYBE, l1=False):
    """A small problem: X of standard-normal-like columns, y from a logistic model."""
    K = draw(n_classes)
    n = draw(st.integers(4 * K, 60))
    d = draw(st.integers(1, 5))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    X = rng.standard_normal((n, d)) * draw(st.sampled_from([0.5, 1.0, 3.0]))
    beta = rng.standard_normal((d, K))
    logits = X @ beta
    if K == 2:
        y = (rng.random(n) < expit(logits[:, 1] - logits[:, 0])).astype(np.intp)
    else:
        p = np.exp(logits - logits.max(axis=1, keepdims=True))
        u = rng.random(n)[:, None]
        y = (u > np.cumsum(p / p.sum(axis=1, keepdims=True), axis=1)).sum(axis=1)
        y = np.minimum(y, K - 1).astype(np.intp)
    y[:K] = np.arange(K)  # every class present
    sample_weight = None
    if draw(weighted):
        sample_weight = rng.choice([0.5, 1.0, 2.0, 3.0], size=n)
    C = draw(st.sampled_from([0.1, 1.0, 10.0]))
    l1_ratio = draw(st.sampled_from([0.0, 0.5, 1.0])) if l1 else 0.0
    return Data(X, y, sample_weight, C, l1_ratio)


# -- malformed tables ------------------------------------------------------------------
_NAMES = st.one_of(
    st.sampled_from(["x0", "x1", "label", "", " ", "x0 ", "X0", "nan", "None", "0", "é", "a,b"]),
    st.text(max_size=6),
)
_CELLS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**20), 10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(["", "NA", "nan", "inf", "-inf", "1e400", "1,5", "0x10", "true", "①", "\x00"]),
    st.text(max_size=6),
)


@st.composite
def malformed_tables(draw, columns=("x0", "x1", "label"), text_columns=(), max_rows=30):
    """A table as ``{column: [cells]}``: good columns broken by drawn defects.

    Defects: a column renamed, dropped or duplicated, an extra column, ragged
    lengths, cells replaced by anything (None, NaN, inf, huge integers, text,
    booleans), zero rows; sometimes none (a valid table). ``text_columns`` hold
    the levels "a", "b", "c". The shared input of the CLI and service fuzzers.
    """
    n = draw(st.integers(0, max_rows))
    table = {name: [float((i * 7) % 5) for i in range(n)] for name in columns}
    for name in text_columns:
        table[name] = ["abc"[i % 3] for i in range(n)]
    if "label" in table:
        table["label"] = [(i // 2) % 2 for i in range(n)]
    for _ in range(draw(st.integers(0, 4))):
        kind = draw(st.sampled_from(["cell", "cell", "rename", "drop", "extra", "ragged"]))
        names = list(table)
        if kind == "cell" and names:
            column = table[draw(st.sampled_from(names))]
            if column:
                column[draw(st.integers(0, len(column) - 1))] = draw(_CELLS)
        elif kind == "rename" and names:
            old = draw(st.sampled_from(names))
            table[draw(_NAMES)] = table.pop(old)
        elif kind == "drop" and names:
            table.pop(draw(st.sampled_from(names)))
        elif kind == "extra":
            table[draw(_NAMES)] = draw(st.lists(_CELLS, min_size=n, max_size=n))
        elif kind == "ragged" and names:
            column = table[draw(st.sampled_from(names))]
            if column and draw(st.booleans()):
                column.pop()
            else:
                column.append(draw(_CELLS))
    return table


def to_csv(table: dict) -> str:
    """The table as CSV text, cells written as Python prints them (ragged rows kept)."""
    names = list(table)
    rows = max((len(v) for v in table.values()), default=0)

    def cell(value) -> str:
        if value is None:
            return ""
        if isinstance(value, float) and math.isnan(value):
            return "nan"
        text = str(value)
        return f'"{text}"' if any(c in text for c in ',"\n\r') else text

    lines = [",".join(cell(name) for name in names)]
    for i in range(rows):
        lines.append(",".join(cell(table[name][i]) for name in names if i < len(table[name])))
    return "\n".join(lines) + "\n"
