"""``logistica.dask.LogisticRegression``: exact distributed Newton, one graph per iteration.

Each iteration submits one graph: every partition computes, from one
``X @ direction``, the loss at each trial step of the line search and, at
the full step, the loss, its gradient and ``XᵀWX``; a tree reduction sums
them to a few d×d matrices on the client, where the Newton (or proximal
Newton, for L1) step is solved by :mod:`logistica.outofcore._newton`, the
same driver as :func:`logistica.outofcore.fit_files`. Two setup graphs come
first: the classes and partition sizes, then the column moments (the units of
the shared stopping measure and of ``standardize``) with the objective at zero.
"""

from __future__ import annotations

import time
from functools import partial

import dask
import numpy as np
import pandas as pd

from .. import estimators
from ..objective import make_loss
from ..outofcore._model import (
    check_supported,
    chunked_method,
    class_multipliers,
    fit_reduced,
    hessian_fraction,
)
from ._partitions import (
    add,
    partition_classes,
    partition_start,
    partition_step,
    split_partitions,
)

__all__ = ["LogisticRegression"]


def _tree(items: list):
    """Delayed pairwise sums: a reduction tree of depth ``log2(len(items))``."""
    combine = dask.delayed(add, pure=True)
    while len(items) > 1:
        pairs = [combine(items[i], items[i + 1]) for i in range(0, len(items) - 1, 2)]
        items = pairs + (items[-1:] if len(items) % 2 else [])
    return items[0]


class _Session:
    """Graph submissions of one fit, counted."""

    def __init__(self, partitions) -> None:
        self.partitions = partitions
        self.submissions = 0
        self.passes = 0

    def compute(self, graph, passes: int = 1):
        self.submissions += 1
        self.passes += passes
        (result,) = dask.compute(graph)
        return result

    def compute_keeping(self, graph, kept: list) -> tuple:
        """``graph``'s result, and ``kept`` left on the workers (futures): one submission.

        Without a distributed client the kept values are returned as they are.
        """
        self.submissions += 1
        self.passes += 1
        client = _client()
        if client is None:
            result, *values = dask.compute(graph, *kept)
            return result, values
        futures = client.compute([graph, *kept])
        return futures[0].result(), futures[1:]


def _client():
    try:
        from distributed import default_client
    except ImportError:  # pragma: no cover - depends on the environment
        return None
    try:
        return default_client()
    except ValueError:
        return None


class _Carry:
    """Per-partition linear predictors kept on the workers between iterations.

    The driver's next base is the previous base plus one of the trial steps
    along the previous direction, so each partition's ``X @ base`` is
    ``X @ base + t · X @ direction`` of the previous pass: no product. When the
    base is not such a point, or the kept values were lost (a worker died),
    the products are recomputed.
    """

    def __init__(self) -> None:
        self.handles = None
        self.base = self.direction = self.steps = None

    def move(self, base: np.ndarray):
        """The step from the kept base to ``base``, or None."""
        if self.handles is None:
            return None
        scale = max(float(np.max(np.abs(base))), 1.0)
        for t in (0.0, *self.steps):
            if np.allclose(self.base + t * self.direction, base, rtol=0, atol=1e-12 * scale):
                return float(t)
        return None


class LogisticRegression(estimators.LogisticRegression):
    """:class:`logistica.LogisticRegression` fitted on Dask arrays or DataFrames.

    The same parameters and the same optimum as the in-memory estimator
    (``solver`` ``"auto"``, ``"newton"`` or ``"lbfgs"``; binary and
    multinomial; L2, unpenalized, L1 and elastic-net; ``class_weight``,
    ``standardize``, ``penalty_factor``), computed by distributed Newton with
    one graph submission per iteration. The input partitions are persisted
    once. The fitted model is an ordinary logistica model (see
    :meth:`to_local`); ``predict``, ``predict_proba`` and ``decision_function``
    stay lazy on Dask inputs. NumPy or pandas inputs are fitted in memory.

    Attributes
    ----------
    fit_stats_ : dict
        ``graph_submissions`` (setup included), ``passes`` over the data,
        ``bytes_scanned`` (for arrays), ``iterations``, ``partitions``, ``seconds``.
    fisher_information_ : ndarray
        Binary models: the unpenalized ``XᵀWX`` at the estimate (features then
        intercept), reduced in the last iteration, for standard errors without
        another pass.

    Examples
    --------
    >>> import dask.array as da, numpy as np
    >>> rng = np.random.default_rng(0); X = rng.normal(size=(400, 2))
    >>> y = (X[:, 0] + rng.logistic(size=400) > 0).astype(int)
    >>> model = LogisticRegression().fit(da.from_array(X, chunks=100), da.from_array(y, chunks=100))
    >>> model.predict(da.from_array(X, chunks=100)).compute()[:5].tolist()
    [1, 1, 0, 1, 0]
    """

    def fit(self, X, y, sample_weight=None, offset=None, *, callback=None):
        """Fit on Dask collections (in memory for NumPy/pandas inputs).

        Parameters
        ----------
        X : dask.array.Array or dask.dataframe.DataFrame
            Numeric features, partitioned along the rows.
        y : dask array, dask Series or str
            Labels, partitioned like ``X``, or the name of a column of ``X``.
        sample_weight, offset : dask array, dask Series or str, optional
            Like ``y``.
        callback : callable, optional
            Called with the flat coefficients (solver units) after each iteration.

        Returns
        -------
        self

        Raises
        ------
        ValueError
            For mismatched chunking, unknown divisions, non-numeric columns, an
            empty partition, or options the distributed fit does not support.

        Examples
        --------
        >>> import dask.array as da
        >>> rng = np.random.default_rng(0); X = rng.normal(size=(400, 2))
        >>> y = (X[:, 0] + rng.logistic(size=400) > 0).astype(int)
        >>> dX = da.from_array(X, chunks=100)
        >>> model = LogisticRegression().fit(dX, da.from_array(y, chunks=100))
        >>> model.converged_, model.coef_.round(3)
        (True, array([[ 1.091, -0.163]]))
        """
        if not dask.is_dask_collection(X):
            return super().fit(X, y, sample_weight=sample_weight, offset=offset)
        started = time.perf_counter()
        check_supported(self)
        parts = split_partitions(X, y, sample_weight, offset)
        persisted = parts.persist()
        session = _Session(parts)
        session.submissions += persisted
        blocks = parts.blocks()
        sizes = session.compute([dask.delayed(partition_classes)(b[0], b[1], b[2]) for b in blocks])
        empty = [i for i, (rows, _) in enumerate(sizes) if rows == 0]
        if empty:
            raise ValueError(
                f"partitions {empty} of X are empty; drop them (e.g. repartition) before fitting"
            )
        totals: dict = {}
        for _, counts in sizes:
            for label, weight in counts.items():
                totals[label] = totals.get(label, 0.0) + weight
        if len(totals) < 2:
            raise ValueError(f"y has fewer than two classes: {sorted(totals)}")
        classes = np.array(sorted(totals))
        multipliers = class_multipliers(self, classes, [totals[c] for c in classes.tolist()])
        loss = make_loss(len(classes))
        common = (classes, multipliers, loss, self.fit_intercept)
        n_coef = (parts.n_features + self.fit_intercept) * loss.n_outputs
        fraction = hessian_fraction(self, sum(rows for rows, _ in sizes), n_coef)
        # L-BFGS never uses XᵀWX: the setup pass skips it (a multinomial one on all
        # rows is K(K+1)/2 Gram products, 8 s a worker for 200k×100 and 10 classes)
        first = fraction if chunked_method(self, n_coef) == "newton" else 0.0
        start = dask.delayed(partition_start, pure=True)
        moments, start_terms = session.compute(
            _tree([start(*b, *common, i, first) for i, b in enumerate(blocks)])
        )
        step = dask.delayed(partition_step, pure=True, nout=2)
        carry = _Carry()

        def submit(base, direction, steps, hessian, move):
            handles = carry.handles if move is not None else [None] * len(blocks)
            parts = [step(*b, *common, i, h, move or 0.0, base, direction, steps, hessian)
                     for i, (b, h) in enumerate(zip(blocks, handles, strict=True))]  # fmt: skip
            return session.compute_keeping(_tree([p[0] for p in parts]), [p[1] for p in parts])

        def evaluate(base, direction, steps, hessian):
            move = carry.move(base)
            try:
                result, handles = submit(base, direction, steps, hessian, move)
            except Exception:
                if move is None:
                    raise
                # kept predictors lost with a worker: recompute them from the persisted X
                result, handles = submit(base, direction, steps, hessian, None)
            carry.handles, carry.base, carry.direction = handles, base, direction
            carry.steps = tuple(steps)
            return result

        setup = session.submissions
        fit_reduced(
            self, evaluate, classes=classes, moments=moments, start=start_terms,
            feature_names=parts.feature_names, callback=callback, fraction=fraction,
        )  # fmt: skip
        carry.handles = None  # release the kept predictors
        self.fit_stats_ = {
            "graph_submissions": session.submissions,
            "setup_submissions": setup,
            "passes": session.passes + 1,
            "bytes_scanned": parts.pass_bytes(moments.rows) * (session.passes + 1),
            "iterations": int(self.n_iter_[0]),
            "partitions": len(blocks),
            "rows": int(moments.rows),
            "seconds": time.perf_counter() - started,
        }
        return self

    def to_local(self) -> estimators.LogisticRegression:
        """The fitted model as a plain :class:`logistica.LogisticRegression`.

        Examples
        --------
        >>> import dask.array as da
        >>> rng = np.random.default_rng(0); X = rng.normal(size=(400, 2))
        >>> y = (X[:, 0] + rng.logistic(size=400) > 0).astype(int)
        >>> dX = da.from_array(X, chunks=100)
        >>> model = LogisticRegression().fit(dX, da.from_array(y, chunks=100))
        >>> local = model.to_local()
        >>> type(local).__module__, local.predict(X[:5]).tolist()
        ('logistica.estimators', [1, 1, 0, 1, 0])
        """
        local = estimators.LogisticRegression(**self.get_params())
        local.__dict__.update({k: v for k, v in self.__dict__.items() if k.endswith("_")})
        return local

    # -- lazy prediction on Dask inputs -------------------------------------------------
    def _lazy(self, method: str, X, width: int | None, dtype):
        local = self.to_local()
        names = getattr(self, "feature_names_in_", None)
        if hasattr(X, "to_dask_array"):
            X = X.to_dask_array()
        if X.numblocks[1] > 1:
            X = X.rechunk({1: -1})
        run = partial(_predict_block, local, method, None if names is None else list(names))
        if width is None:
            return X.map_blocks(run, dtype=dtype, drop_axis=1)
        return X.map_blocks(run, dtype=dtype, chunks=(X.chunks[0], (width,)))

    def decision_function(self, X, offset=None):
        """Linear predictor; a lazy dask array for Dask inputs (``offset``: in memory only).

        Examples
        --------
        >>> import dask.array as da
        >>> rng = np.random.default_rng(0); X = rng.normal(size=(400, 2))
        >>> y = (X[:, 0] + rng.logistic(size=400) > 0).astype(int)
        >>> dX = da.from_array(X, chunks=100)
        >>> model = LogisticRegression().fit(dX, da.from_array(y, chunks=100))
        >>> model.decision_function(dX)[:2].compute().round(3)
        array([0.146, 0.67 ])
        """
        if not dask.is_dask_collection(X):
            return super().decision_function(X, offset)
        width = None if len(self.classes_) == 2 else len(self.classes_)
        return self._lazy("decision_function", X, width, np.float64)

    def predict_proba(self, X, offset=None):
        """Class probabilities; a lazy dask array for Dask inputs.

        Examples
        --------
        >>> import dask.array as da
        >>> rng = np.random.default_rng(0); X = rng.normal(size=(400, 2))
        >>> y = (X[:, 0] + rng.logistic(size=400) > 0).astype(int)
        >>> dX = da.from_array(X, chunks=100)
        >>> model = LogisticRegression().fit(dX, da.from_array(y, chunks=100))
        >>> model.predict_proba(dX)[:2].compute().round(3)
        array([[0.463, 0.537],
               [0.339, 0.661]])
        """
        if not dask.is_dask_collection(X):
            return super().predict_proba(X, offset)
        return self._lazy("predict_proba", X, len(self.classes_), np.float64)

    def predict_log_proba(self, X, offset=None):
        """Log-probabilities; a lazy dask array for Dask inputs.

        Examples
        --------
        >>> import dask.array as da
        >>> rng = np.random.default_rng(0); X = rng.normal(size=(400, 2))
        >>> y = (X[:, 0] + rng.logistic(size=400) > 0).astype(int)
        >>> dX = da.from_array(X, chunks=100)
        >>> model = LogisticRegression().fit(dX, da.from_array(y, chunks=100))
        >>> model.predict_log_proba(dX)[:2].compute().round(3)
        array([[-0.769, -0.623],
               [-1.083, -0.413]])
        """
        if not dask.is_dask_collection(X):
            return super().predict_log_proba(X, offset)
        return self._lazy("predict_log_proba", X, len(self.classes_), np.float64)

    def predict(self, X, offset=None):
        """Class labels; a lazy dask array for Dask inputs.

        Examples
        --------
        >>> import dask.array as da
        >>> rng = np.random.default_rng(0); X = rng.normal(size=(400, 2))
        >>> y = (X[:, 0] + rng.logistic(size=400) > 0).astype(int)
        >>> dX = da.from_array(X, chunks=100)
        >>> model = LogisticRegression().fit(dX, da.from_array(y, chunks=100))
        >>> model.predict(dX)[:5].compute().tolist()
        [1, 1, 0, 1, 0]
        """
        if not dask.is_dask_collection(X):
            return super().predict(X, offset)
        return self._lazy("predict", X, None, self.classes_.dtype)


def _predict_block(model, method: str, names, block):
    if names is not None:
        block = pd.DataFrame(block, columns=names)
    return getattr(model, method)(block)
