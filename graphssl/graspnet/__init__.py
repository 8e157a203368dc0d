"""GraSPNet: fragment-level embedding prediction on a two-level molecular graph.

Wu et al., "Hierarchical Molecular Representation Learning via Fragment-Based
Self-Supervised Embedding Prediction", arXiv 2602.20344. Importing this
package registers the encoder ``graspnet`` and the objective
``fragment_jepa``; configs list it under ``imports: [graphssl.graspnet]``.
:class:`MoleculeFeaturizer` (scikit-learn transformer) loads on first use, so
scikit-learn and RDKit are not imported here.
"""

from __future__ import annotations

from typing import Any

from graphssl.graspnet.config import GraspNetConfig
from graphssl.graspnet.encoder import GraspNetEncoder
from graphssl.graspnet.objective import FragmentJEPA

__all__ = ["FragmentJEPA", "GraspNetConfig", "GraspNetEncoder", "MoleculeFeaturizer"]


def __getattr__(name: str) -> Any:
    if name == "MoleculeFeaturizer":
        from graphssl.graspnet.featurizer import MoleculeFeaturizer

        return MoleculeFeaturizer
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
