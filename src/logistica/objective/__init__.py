"""The objective of a fit: loss on raw predictions, penalty, and the problem tying them."""

from .design import Design
from .loss import BinomialLoss, Loss, MultinomialLoss
from .penalty import L1, L2, ElasticNet, NoPenalty, make_penalty
from .problem import HessianModel, Problem, make_loss

__all__ = [
    "L1",
    "L2",
    "BinomialLoss",
    "Design",
    "ElasticNet",
    "HessianModel",
    "Loss",
    "MultinomialLoss",
    "NoPenalty",
    "Problem",
    "make_loss",
    "make_penalty",
]
