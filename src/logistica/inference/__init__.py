"""Statistical inference on fitted models."""

from .separation import fit_separates, warn_if_separated

__all__ = ["fit_separates", "warn_if_separated"]
