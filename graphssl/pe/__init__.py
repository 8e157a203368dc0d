"""Positional and structural encodings (PSE) for graphs, batched and sparse.

Every kind is a PyG transform (``RWSE(k=20)(data)``) and a batched function
over a whole :class:`~torch_geometric.data.Batch` (``RWSE(k=20).compute(batch)``);
:class:`AddPSE` computes several kinds in one pass, sharing one
eigendecomposition. Outputs are float32 ``[N, width]`` node attributes of a
fixed width; kinds that pad (LapPE) add a boolean ``<name>_mask``. See
``docs/pe.md`` for formulas, conventions and limits.
"""

from graphssl.pe.base import AddPSE, PSETransform, as_graphset
from graphssl.pe.cycles import CycleCounts
from graphssl.pe.electrostatic import ElectrostaticPE
from graphssl.pe.graphs import GraphSet
from graphssl.pe.heat import HeatKernelDiag
from graphssl.pe.lap import LapPE, canonical_sign, random_sign_flip
from graphssl.pe.louvain import Louvain
from graphssl.pe.pairs import PairwisePSE
from graphssl.pe.registry import BUILTIN_KINDS, KINDS, parse_kinds, register_kind, resolve
from graphssl.pe.rrwp import RRWP
from graphssl.pe.resistance import EffectiveResistance
from graphssl.pe.rwse import RWSE
from graphssl.pe.spd import SPD
from graphssl.pe.structural import Clustering, Degree, PageRank

__all__ = [
    "AddPSE",
    "BUILTIN_KINDS",
    "Clustering",
    "CycleCounts",
    "Degree",
    "EffectiveResistance",
    "ElectrostaticPE",
    "GraphSet",
    "HeatKernelDiag",
    "KINDS",
    "LapPE",
    "Louvain",
    "PSETransform",
    "PageRank",
    "PairwisePSE",
    "RRWP",
    "RWSE",
    "SPD",
    "as_graphset",
    "canonical_sign",
    "parse_kinds",
    "random_sign_flip",
    "register_kind",
    "resolve",
]
