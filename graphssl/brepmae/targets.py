r"""What BRepMAE reconstructs for a face, computed from the unmasked graph.

For face ``f`` with grid ``G_f`` (points ``p``, normals ``n``) and attributes
``x_f`` in the part's unit-box frame (``ExtractOptions(scale_to_unit_box=True)``,
the default):

- ``points``: ``p - c_f`` at every grid sample, ``c_f`` the face centroid
  (``x``'s ``centroid`` columns), so the shape is learnt apart from where the
  face sits;
- ``normals``: ``n`` at every sample;
- ``surface_type``: the index of the hot ``surface_type`` column;
- ``area`` and ``centroid``: those columns of ``x``.

These read raw ``x``: a run that standardises ``x`` (``NormalizeCAD``) would
make ``c_f`` a standardised value, so BRepMAE configs leave ``x`` raw.
"""

from __future__ import annotations

from dataclasses import dataclass

from torch import Tensor

from graphssl.brepmae import layout


@dataclass
class FaceTargets:
    """Reconstruction targets of ``K`` faces.

    Shapes:
        points ``[K, 3, Nu, Nv]``, normals ``[K, 3, Nu, Nv]``, surface_type ``[K]`` int64,
        area ``[K]``, centroid ``[K, 3]``.
    """

    points: Tensor
    normals: Tensor
    surface_type: Tensor
    area: Tensor
    centroid: Tensor


def face_targets(x: Tensor, face_grid: Tensor) -> FaceTargets:
    """Targets of the faces whose attributes ``x`` ``[K, 11]`` and grids ``face_grid`` ``[K, 7, Nu, Nv]`` are given."""
    centroid = x[:, layout.CENTROID].float()
    points = face_grid[:, layout.FACE_POINTS].float() - centroid[:, :, None, None]
    return FaceTargets(points=points, normals=face_grid[:, layout.FACE_NORMALS].float(),
                       surface_type=layout.category(x, layout.SURFACE_TYPE).clamp(max=layout.NUM_SURFACE_TYPES - 1),
                       area=x[:, layout.AREA.start].float(), centroid=centroid)
