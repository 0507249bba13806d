"""Dask backend: exact distributed fits with one graph submission per Newton iteration.

Needs the ``dask`` extra::

    pip install "logistica[dask]"

Examples
--------
>>> from logistica.dask import LogisticRegression
>>> LogisticRegression(C=0.5).C
0.5
"""

try:
    import dask
    import dask.array
    import dask.dataframe  # noqa: F401
except ImportError as error:  # pragma: no cover - depends on the environment
    raise ImportError('logistica.dask needs Dask: pip install "logistica[dask]"') from error

from ._estimator import LogisticRegression

__all__ = ["LogisticRegression"]
