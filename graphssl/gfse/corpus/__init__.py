"""GFSE's pretraining corpus, structure only, registered on import: gfse_synthetic, gfse_citation, gfse_moses.

TU graphs are downstream data and are never part of it.
"""

from graphssl.gfse.corpus.citation import CitationSubgraphs
from graphssl.gfse.corpus.moses import MosesStructures
from graphssl.gfse.corpus.synthetic import FAMILIES, SyntheticFamilies, structure_of

__all__ = ["CitationSubgraphs", "FAMILIES", "MosesStructures", "SyntheticFamilies", "structure_of"]
