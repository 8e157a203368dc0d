r"""The ``brep_edge`` edge input: a 1D CNN over each edge's U-grid plus its attributes, hiding masked faces' normals.

The grid branch is UV-Net's curve encoder (Jayaraman et al., CVPR 2021) over
``edge_grid`` ``[E, 12, U]`` (points, tangents, the normals of the faces on
either side); the attribute branch embeds AAGNet's edge attributes (Wu et al.,
RCIM 2024): convexity and curve type (embeddings; "none" for a degenerate
edge's convexity), length and the rational/closed/degenerate flags.

**What a masked face hides on its edges** (BRepMAE, Yao et al., arXiv
2602.22701). A graph edge ``a -> b`` runs along face ``a``'s coedge: its
``left_n*`` channels are face ``a``'s normal and ``right_n*`` face ``b``'s
(:mod:`graphssl.cad.edge_features`). So the channels that describe a masked
face are fixed by the edge's direction: ``left`` when its source is masked,
``right`` when its target is (both on a seam or degenerate self-loop). Those
channels are replaced, at every sample, by one learned 3-vector (the same for
both sides, so an edge and its reverse stay mirror images). Points, tangents
and attributes stay: the boundary curve is shared with the unmasked
neighbour, which still shows it.

The masked faces are the ``node_mask`` the core encoder passes to its edge slot.
"""

from __future__ import annotations

import torch
from torch import Tensor, nn

from graphssl.brepmae import layout
from graphssl.brepmae._grid import conv_stack, grid_shape, read_rows, reset
from graphssl.data.spec import GraphSpec
from graphssl.errors import ConfigError
from graphssl.nn.registry import register_input

def hide_face_normals(grid: Tensor, edge_index: Tensor, node_mask: Tensor, token: Tensor) -> Tensor:
    """``grid`` ``[E, 12, U]`` with the normal channels of masked faces replaced by ``token`` ``[3]``.

    The left normal is hidden where the edge's source face is masked, the right
    normal where its target face is.
    """
    source, target = node_mask[edge_index[0]], node_mask[edge_index[1]]
    fill = token.to(grid.dtype).view(1, 3, 1).expand(grid.shape[0], 3, grid.shape[2])
    grid = grid.clone()
    for side, hidden in ((layout.LEFT_NORMAL, source), (layout.RIGHT_NORMAL, target)):
        grid[:, side] = torch.where(hidden.view(-1, 1, 1), fill, grid[:, side])
    return grid


@register_input("brep_edge")
class EdgeInput(nn.Module):
    """U-grid CNN + edge-attribute MLP; masked faces' normals hidden behind a learned token.

    Args:
        spec: the layout; ``spec.attributes["edge_grid"]`` gives the grid shape ``[12, U]``.
        level: must be ``"edge"``.
        dim: output width.
        channels: width of the first convolution (then 2x, 4x; default ``16``).
        category_dim: width of the convexity and curve-type embeddings (default ``8``).
        attribute_dim: width of the attribute MLP's output (default ``32``).

    Shapes:
        reads ``edge_grid`` ``[E, 12, U]`` and ``edge_attr`` ``[E, 12]`` -> ``[E, dim]``.
    """

    structural = False

    def __init__(self, spec: GraphSpec, level: str, dim: int, channels: int = 16, category_dim: int = 8,
                 attribute_dim: int = 32) -> None:
        super().__init__()
        if level != "edge":
            raise ConfigError(f"input 'brep_edge' embeds edges; it cannot fill the {level} slot")
        self.grid_shape = grid_shape(spec, "edge_grid", "edge", "brep_edge")
        self.dim, self.channels, self.category_dim, self.attribute_dim = dim, channels, category_dim, attribute_dim
        self.grid = conv_stack(1, self.grid_shape[0], channels, dim)
        widths = (layout.CONVEXITY.stop - layout.CONVEXITY.start, layout.CURVE_TYPE.stop - layout.CURVE_TYPE.start)
        self.convexity = nn.Embedding(widths[0] + 1, category_dim)
        self.curve_type = nn.Embedding(widths[1] + 1, category_dim)
        self.attributes = nn.Sequential(nn.Linear(2 * category_dim + len(layout.EDGE_VALUES), attribute_dim),
                                        nn.ReLU(), nn.Linear(attribute_dim, attribute_dim))
        self.combine = nn.Linear(dim + attribute_dim, dim)
        self.normal_token = nn.Parameter(torch.empty(3))
        self.reset_parameters()

    def reset_parameters(self) -> None:
        reset(self)
        nn.init.normal_(self.normal_token, std=0.1)

    def forward(self, batch, node_mask: Tensor | None = None) -> Tensor:
        grid = read_rows(batch, "edge_grid", "edge", self.grid_shape)
        attr = read_rows(batch, "edge_attr", "edge", [layout.EDGE_WIDTH])
        if node_mask is not None and bool(node_mask.any()):
            grid = hide_face_normals(grid, batch.edge_index, node_mask, self.normal_token)
        dtype = self.combine.weight.dtype
        categories = [self.convexity(layout.category(attr, layout.CONVEXITY)),
                      self.curve_type(layout.category(attr, layout.CURVE_TYPE))]
        attributes = self.attributes(torch.cat([*categories, attr[:, layout.EDGE_VALUES].to(dtype)], dim=1))
        return self.combine(torch.cat([self.grid(grid.to(dtype)), attributes], dim=1))

    def __repr__(self) -> str:
        return (f"EdgeInput(grid={self.grid_shape}, dim={self.dim}, channels={self.channels}, "
                f"category_dim={self.category_dim}, attribute_dim={self.attribute_dim})")
