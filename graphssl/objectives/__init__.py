"""Pluggable self-supervised objectives, found by name in a registry.

Importing this package registers: ``attr_mask``, ``graphmae``, ``graphcl``,
``bgrl``, ``jepa``, ``structure`` and ``pairs``. Every step the objectives
share one :class:`StepContext` (one clean pass, one EMA target pass, shared
views) and one :class:`EMATarget`; see ``docs/objectives.md``.
"""

from graphssl.objectives import attr_mask, bgrl, graphcl, graphmae, jepa, pair_regression, structure  # noqa: F401  (registration)
from graphssl.objectives.augment import AUGMENTATIONS, DropEdges, DropNodes, MaskFeatures, Subgraph, build_augmentation
from graphssl.objectives.base import OBJECTIVES, Objective, build_objective, register_objective, summary
from graphssl.objectives.context import StepContext
from graphssl.objectives.ema import EMATarget
from graphssl.objectives.masking import group_membership, sample_group_mask, sample_node_mask
from graphssl.objectives.pairs import pair_features, read_pairs, sample_pairs
from graphssl.objectives.weighting import WeightedObjectives

__all__ = [
    "AUGMENTATIONS", "DropEdges", "DropNodes", "EMATarget", "MaskFeatures", "OBJECTIVES", "Objective", "StepContext",
    "Subgraph", "WeightedObjectives", "build_augmentation", "build_objective", "group_membership", "pair_features",
    "read_pairs", "register_objective", "sample_group_mask", "sample_node_mask", "sample_pairs", "summary",
]
