"""BLAS threads: one thread for small dense operations, the library's default otherwise.

OpenBLAS splits even a 200×200 Cholesky factorisation across all cores. On a
busy machine (parallel cross-validation, other processes) its threads wait for
one another, and such a call was measured to take 0.5 s instead of 1 ms. Below
``PARALLEL_FLOPS`` a second thread cannot pay for itself anyway, so those
operations run on one thread; limits set by the user with ``threadpoolctl``
only ever get tighter here, never looser.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar
from functools import cache

__all__ = [
    "PARALLEL_FLOPS",
    "blas_threads",
    "blas_threads_for",
    "one_blas_thread",
    "own_threads",
    "product_threads",
]

#: Operations below this many floating-point operations run on one BLAS thread.
PARALLEL_FLOPS = 5e7
#: OpenBLAS itself runs operations this small on one thread (its GEMM below 65536·4
#: multiply-adds): no need to build the thread controller, which scans every loaded
#: library (12 ms, most of a first small fit: 28 → 10 ms).
_SERIAL_ANYWAY = 2.5e5


#: Threads of logistica's own product kernels inside :func:`own_threads` (else None).
_OWN_THREADS: ContextVar[int | None] = ContextVar("logistica_own_threads", default=None)


@cache
def _controller():
    # Created on first use, after SciPy's LAPACK has been loaded by the solvers.
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()


@contextlib.contextmanager
def blas_threads_for(flops: float) -> Iterator[None]:
    """Run the enclosed BLAS/LAPACK calls on one thread when ``flops`` is small.

    Parameters
    ----------
    flops : float
        Floating-point operations of the enclosed work (e.g. ``d³/3`` for a
        Cholesky factorisation, ``n·d²`` for a Gram matrix).

    Examples
    --------
    >>> import numpy as np
    >>> with blas_threads_for(100**3 / 3):
    ...     factor = np.linalg.cholesky(np.eye(100))
    >>> float(factor.trace())
    100.0
    """
    if flops >= PARALLEL_FLOPS or flops < _SERIAL_ANYWAY:
        yield
        return
    with _controller().limit(limits=1, user_api="blas"):
        yield


@contextlib.contextmanager
def one_blas_thread() -> Iterator[None]:
    """Run the enclosed BLAS calls on one thread, whatever their size.

    For loops whose BLAS calls alternate with work on threads of their own
    (decoding files, writing them): between calls, OpenBLAS's idle workers
    spin on the second core and starve those threads. ``fit_files``'s first
    pass over 2M×100 Parquet: user CPU 4.4 → 2.4 s, wall time 4.5 → 4.0 s.

    Examples
    --------
    >>> with one_blas_thread():
    ...     blas_threads()
    1
    """
    with _controller().limit(limits=1, user_api="blas"):
        yield


def blas_threads() -> int:
    """Threads the BLAS library may use now, ``threadpoolctl`` limits included.

    logistica's own compiled loops that split work across threads use no more
    than this, so that a limit set for BLAS holds for them too.

    Examples
    --------
    >>> from threadpoolctl import threadpool_limits
    >>> with threadpool_limits(1):
    ...     blas_threads()
    1
    """
    libraries = _controller().select(user_api="blas").lib_controllers
    return max(1, min((library.num_threads for library in libraries), default=1))


@contextlib.contextmanager
def own_threads() -> Iterator[None]:
    """Give logistica's threaded kernels the cores, and BLAS one thread, meanwhile.

    For fits whose heavy products are logistica's own (dense float32 data): any
    BLAS call on several threads leaves OpenBLAS's workers spinning on the cores
    those kernels need. 50k×1000 float32, L-BFGS: 0.94 → 0.49 s. The thread
    count is read before BLAS is limited, so a user's ``threadpoolctl`` limit
    still holds.

    Examples
    --------
    >>> with own_threads():
    ...     blas_threads() == 1 and product_threads() >= 1
    True
    """
    token = _OWN_THREADS.set(blas_threads())
    try:
        with one_blas_thread():
            yield
    finally:
        _OWN_THREADS.reset(token)


def product_threads() -> int:
    """Threads logistica's own product kernels may use now: as many as BLAS may, or
    what :func:`own_threads` granted.

    Examples
    --------
    >>> from threadpoolctl import threadpool_limits
    >>> with threadpool_limits(1):
    ...     product_threads()
    1
    """
    granted = _OWN_THREADS.get()
    return blas_threads() if granted is None else granted
