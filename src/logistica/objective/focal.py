"""Focal loss (Lin et al., 2017) on raw predictions, for binary targets.

With the margin ``m = (2y - 1)·z``, ``p_t = σ(m)`` the probability given to the
true class and ``q = 1 - p_t = σ(-m)``::

    ℓ(z, y) = -q^γ · log p_t = exp(-γ·softplus(m)) · softplus(-m).

The modulating factor ``q^γ`` shrinks the loss of well-classified samples, so
the fit concentrates on the hard ones; ``γ = 0`` is the binomial log-loss.
Both factors are computed in log space (``q^γ = exp(-γ·softplus(m))`` and
``softplus(-m) = softplus(z) - y·z``), so the loss and its residual stay finite
for any finite ``z``. ``γ = 0`` is delegated to
:class:`~logistica.objective.loss.BinomialLoss`, so it is the binomial loss bit
for bit.

The loss is not convex for ``γ > 0``: its curvature (below) turns negative for
badly misclassified samples and depends on the targets, which the
:class:`~logistica.objective.loss.Loss` curvature interface does not receive.
So there is no Hessian for Newton/IRLS; first-order solvers (L-BFGS, gradient
descent) fit it.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.special import expit

from ._fused import focal_value_residual
from .loss import BinomialLoss, Loss

__all__ = ["FocalLoss"]

_NO_HESSIAN = (
    "the focal loss has no Hessian for second-order solvers: it is not convex (its "
    "curvature is negative for badly misclassified samples) and its curvature depends on "
    "the targets; fit it with solver='lbfgs' or solver='gd' instead of Newton/IRLS"
)


class FocalLoss(Loss):
    """Binary focal loss ``-(1 - p_t)^γ · log p_t`` with a logit link, ``y ∈ {0, 1}``.

    Parameters
    ----------
    gamma : float, default=2.0
        Focusing parameter ``γ >= 0``; ``0`` gives the binomial log-loss.

    Notes
    -----
    With ``S = softplus(-m) = -log p_t``, the residual and the curvature are::

        dℓ/dz   = q^γ · [(σ(z) - y) - (2y - 1)·γ·p_t·S]
        d²ℓ/dz² = q^γ · p_t · [γ·S·(γ·p_t - q) + (2γ + 1)·q]

    Probabilities are ``σ(z)`` as for the log-loss; a focal fit is usually
    less well calibrated, see :mod:`logistica.calibration`.

    Examples
    --------
    >>> import numpy as np
    >>> loss = FocalLoss(gamma=2.0)
    >>> round(loss.value(np.array([0.0]), np.array([1.0]), np.array([1.0])), 6)
    0.173287
    """

    name = "focal"
    has_hessian = False
    n_outputs = 1

    def __init__(self, gamma: float = 2.0) -> None:
        if not (isinstance(gamma, int | float) and math.isfinite(gamma) and gamma >= 0):
            raise ValueError(f"focal gamma must be a finite number >= 0, got {gamma!r}")
        self.gamma = float(gamma)
        self._binomial = BinomialLoss()

    def __repr__(self) -> str:
        return f"FocalLoss(gamma={self.gamma:g})"

    def value(self, raw, y, sample_weight):
        return self.value_and_residual(raw, y, sample_weight)[0]

    def value_and_residual(self, raw, y, sample_weight):
        if self.gamma == 0.0:
            return self._binomial.value_and_residual(raw, y, sample_weight)
        return focal_value_residual(raw, y, sample_weight, self.gamma)

    def hessian_state(self, raw, sample_weight):
        raise NotImplementedError(_NO_HESSIAN)

    def hessian_product(self, state, raw_direction):
        raise NotImplementedError(_NO_HESSIAN)

    def gram_weights(self, state):
        raise NotImplementedError(_NO_HESSIAN)

    def predict_proba(self, raw):
        p = expit(raw)
        return np.column_stack([1.0 - p, p])
