"""GFSE: a universal graph structural encoder, pretrained on structure alone (Chen et al., WWW 2026).

Importing this package registers the encoder ``gfse``, the objectives
``spd``, ``motif``, ``community`` and ``graph_contrast``, the datasets
``gfse_synthetic``, ``gfse_citation`` and ``gfse_moses``, the transforms
``gfse`` and ``gfse_inputs``, the node input ``gfse`` and the PSE kind ``gfse``. See ``docs/gfse.md``.
"""

from graphssl.gfse.encoder import GFSEConfig, GFSEEncoder
from graphssl.gfse.inputs import structural_inputs
from graphssl.gfse import corpus, motif_targets, objectives, precompute  # noqa: F401  (registration)
from graphssl.gfse.transform import GFSEKind, GFSETransform, load_gfse
from graphssl.gfse.module import GFSEInput

__all__ = ["GFSEConfig", "GFSEEncoder", "GFSEInput", "GFSEKind", "GFSETransform", "load_gfse", "structural_inputs"]
