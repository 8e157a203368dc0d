r"""The ``brep_face`` node input: a 2D CNN over each face's UV-grid plus an MLP over its attributes.

The grid branch is UV-Net's surface encoder (Jayaraman et al., "UV-Net:
Learning from Boundary Representations", CVPR 2021) over ``face_grid``
``[F, 7, Nu, Nv]`` (points, normals, trimming mask); the attribute branch
embeds the gAAG face attributes of AAGNet (Wu et al., RCIM 2024): surface type
(an embedding), area, rational flag and centroid. Both are concatenated and
mapped to ``dim``:

.. math::
    h_f = W\,[\mathrm{CNN}(G_f) \,\|\, \mathrm{MLP}(e_{type(f)} \,\|\, a_f \,\|\, r_f \,\|\, c_f)]

A masked face (BRepMAE, Yao et al., arXiv 2602.22701) gets a learned mask
token instead, and its grid and attributes are never read: the CNN runs on the
unmasked faces only, so not even batch-norm statistics see a masked face.
"""

from __future__ import annotations

import torch
from torch import Tensor, nn

from graphssl.brepmae import layout
from graphssl.brepmae._grid import conv_stack, grid_shape, read_rows, reset
from graphssl.data.spec import GraphSpec
from graphssl.errors import ConfigError
from graphssl.nn.registry import register_input

#: Face attribute columns read as values (area, rational flag, centroid).
FACE_VALUES = [*range(layout.AREA.start, layout.AREA.stop), *range(layout.RATIONAL.start, layout.RATIONAL.stop),
               *range(layout.CENTROID.start, layout.CENTROID.stop)]


@register_input("brep_face")
class FaceInput(nn.Module):
    """UV-grid CNN + face-attribute MLP, with a mask token for masked faces.

    Args:
        spec: the layout; ``spec.attributes["face_grid"]`` gives the grid shape ``[7, Nu, Nv]``.
        level: must be ``"node"``.
        dim: output width.
        channels: width of the first convolution (then 2x, 4x; default ``16``).
        type_dim: width of the surface-type embedding (default ``8``).
        attribute_dim: width of the attribute MLP's output (default ``32``).

    Shapes:
        reads ``face_grid`` ``[F, 7, Nu, Nv]`` and ``x`` ``[F, 11]`` -> ``[F, dim]``.
    """

    structural = False

    def __init__(self, spec: GraphSpec, level: str, dim: int, channels: int = 16, type_dim: int = 8,
                 attribute_dim: int = 32) -> None:
        super().__init__()
        if level != "node":
            raise ConfigError(f"input 'brep_face' embeds faces; it cannot fill the {level} slot")
        self.grid_shape = grid_shape(spec, "face_grid", "node", "brep_face")
        self.dim, self.channels, self.type_dim, self.attribute_dim = dim, channels, type_dim, attribute_dim
        self.grid = conv_stack(2, self.grid_shape[0], channels, dim)
        # One more row than surface types: "none" (a row without a hot column).
        self.surface_type = nn.Embedding(layout.NUM_SURFACE_TYPES + 1, type_dim)
        self.attributes = nn.Sequential(nn.Linear(type_dim + len(FACE_VALUES), attribute_dim), nn.ReLU(),
                                        nn.Linear(attribute_dim, attribute_dim))
        self.combine = nn.Linear(dim + attribute_dim, dim)
        self.mask_token = nn.Parameter(torch.empty(dim))
        self.reset_parameters()

    def reset_parameters(self) -> None:
        reset(self)
        nn.init.normal_(self.mask_token, std=0.1)

    def embed(self, grid: Tensor, x: Tensor) -> Tensor:
        """Embeddings ``[K, dim]`` of ``K`` faces from their grids ``[K, 7, Nu, Nv]`` and attributes ``[K, 11]``."""
        dtype = self.combine.weight.dtype
        types = self.surface_type(layout.category(x, layout.SURFACE_TYPE))
        attributes = self.attributes(torch.cat([types, x[:, FACE_VALUES].to(dtype)], dim=1))
        return self.combine(torch.cat([self.grid(grid.to(dtype)), attributes], dim=1))

    def forward(self, batch, node_mask: Tensor | None = None) -> Tensor:
        grid = read_rows(batch, "face_grid", "node", self.grid_shape)
        x = read_rows(batch, "x", "node", [layout.FACE_WIDTH])
        if node_mask is None:
            return self.embed(grid, x)
        keep = ~node_mask
        out = self.mask_token.to(self.combine.weight.dtype).expand(grid.shape[0], -1).clone()
        if bool(keep.any()):
            out[keep] = self.embed(grid[keep], x[keep])
        return out

    def __repr__(self) -> str:
        return (f"FaceInput(grid={self.grid_shape}, dim={self.dim}, channels={self.channels}, "
                f"type_dim={self.type_dim}, attribute_dim={self.attribute_dim})")
