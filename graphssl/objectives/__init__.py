"""Pluggable self-supervised objectives, found by name in a registry.

Importing this package registers: ``attr_mask``, ``graphmae``, ``graphcl``,
``bgrl``, ``jepa`` and ``structure``.
"""

from graphssl.objectives import attr_mask, graphcl, graphmae, latent, structure  # noqa: F401  (registration)
from graphssl.objectives.augment import AUGMENTATIONS, DropEdges, DropNodes, MaskFeatures, Subgraph, build_augmentation
from graphssl.objectives.base import OBJECTIVES, Objective, WeightedObjectives, build_objective, register_objective, summary
from graphssl.objectives.masking import sample_node_mask

__all__ = [
    "AUGMENTATIONS", "DropEdges", "DropNodes", "MaskFeatures", "OBJECTIVES", "Objective", "Subgraph",
    "WeightedObjectives", "build_augmentation", "build_objective", "register_objective", "sample_node_mask", "summary",
]
