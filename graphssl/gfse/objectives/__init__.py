"""GFSE's pretraining objectives (Chen et al., WWW 2026), registered on import: spd, motif, community, graph_contrast."""

from graphssl.gfse.objectives.community import CommunityMargin, node_pairs
from graphssl.gfse.objectives.contrast import GraphContrast
from graphssl.gfse.objectives.motif import MotifCounts
from graphssl.gfse.objectives.spd import SPDRegression

__all__ = ["CommunityMargin", "GraphContrast", "MotifCounts", "SPDRegression", "node_pairs"]
