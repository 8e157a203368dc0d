"""Canonical index maps for faces and edges, and the face-adjacency pairs.

Faces are indexed in traversal order (:class:`~graphssl.cad.step_reader.StepModel`).
B-rep edges are indexed in the order ``TopExp_Explorer`` meets them while
walking the faces in that order. Each edge keeps its *coedges*: the
``(face index, oriented edge)`` uses found under each face. With the face's
outward normal pointing up, a coedge runs with its face on the left.

An edge with two coedges is an adjacency (on one face for a seam); a
degenerate edge (a cone apex, a sphere pole) has one coedge; a non-degenerate
edge with one coedge is a free edge (an open shell) and one with more than two
is non-manifold.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Coedge:
    """One use of an edge by a face: ``edge`` carries the orientation within that face."""

    face: int
    edge: object

    @property
    def reversed(self) -> bool:
        from OCP.TopAbs import TopAbs_Orientation

        return self.edge.Orientation() == TopAbs_Orientation.TopAbs_REVERSED


@dataclass
class Topology:
    """Face and edge index maps of a shape.

    Attributes:
        faces: Faces in traversal order (index = node index).
        edges: Distinct B-rep edges (index = B-rep edge index).
        coedges: ``coedges[k]`` lists the uses of edge ``k``.
        degenerate: ``degenerate[k]`` is true for an edge without 3D extent.
    """

    faces: list
    edges: list
    coedges: list[list[Coedge]]
    degenerate: list[bool]

    @property
    def free_edges(self) -> list[int]:
        return [k for k, uses in enumerate(self.coedges) if len(uses) == 1 and not self.degenerate[k]]

    @property
    def non_manifold_edges(self) -> list[int]:
        return [k for k, uses in enumerate(self.coedges) if len(uses) > 2]

    def adjacencies(self) -> list[tuple[int, Coedge, Coedge]]:
        """``(edge index, coedge a, coedge b)`` for every face pair meeting at an edge.

        A two-use edge gives one pair; a degenerate edge pairs its coedge with
        itself (a self-loop); a non-manifold edge gives every pair of its uses;
        a free edge adjoins nothing and gives none.
        """
        pairs = []
        for k, uses in enumerate(self.coedges):
            if len(uses) == 1 and self.degenerate[k]:
                pairs.append((k, uses[0], uses[0]))
            for i in range(len(uses)):
                for j in range(i + 1, len(uses)):
                    pairs.append((k, uses[i], uses[j]))
        return pairs


def build_topology(faces: list) -> Topology:
    """Index the edges of ``faces`` (given in traversal order) and collect their coedges."""
    from OCP.BRep import BRep_Tool
    from OCP.TopAbs import TopAbs_EDGE
    from OCP.TopExp import TopExp_Explorer
    from OCP.TopoDS import TopoDS

    from graphssl.cad import _occ

    edge_map = _occ.new_shape_map()
    edges: list = []
    coedges: list[list[Coedge]] = []
    degenerate: list[bool] = []
    for face_index, face in enumerate(faces):
        explorer = TopExp_Explorer(face, TopAbs_EDGE)
        while explorer.More():
            edge = TopoDS.Edge(explorer.Current())
            k = edge_map.Add(edge) - 1
            if k == len(edges):
                edges.append(edge)
                coedges.append([])
                degenerate.append(BRep_Tool.Degenerated_s(edge))
            coedges[k].append(Coedge(face=face_index, edge=edge))
            explorer.Next()
    return Topology(faces=faces, edges=edges, coedges=coedges, degenerate=degenerate)
