"""Exact fits beyond memory: files streamed batch by batch (:func:`fit_files`).

The per-chunk sums (:mod:`._chunk`) and the Newton driver on reduced sums
(:mod:`._newton`) are shared with the Dask backend, :mod:`logistica.dask`.
"""

from .files import fit_files

__all__ = ["fit_files"]
