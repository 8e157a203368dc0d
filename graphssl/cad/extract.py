"""STEP -> gAAG: the attributed face-adjacency graph of a B-rep solid.

The graph follows AAGNet's gAAG (Wu et al., "AAGNet: A graph neural network
towards multi-task machining feature recognition", RCIM 2024), with UV-Net's
grids (Jayaraman et al., CVPR 2021). Nodes are faces in ``TopExp_Explorer``
traversal order; every B-rep edge between faces ``a`` and ``b`` gives the
graph edges ``a -> b`` (column ``2k``) and ``b -> a`` (column ``2k + 1``), so
several edges between one face pair stay several graph edges. Seams and
degenerate edges give self-loops; degenerate edges are kept and flagged.

Example:
    >>> data = read_step("part.step")                    # doctest: +SKIP
    >>> data.x.shape, data.face_grid.shape                # doctest: +SKIP
    (torch.Size([14, 11]), torch.Size([14, 7, 10, 10]))
"""

from __future__ import annotations

import math
import warnings
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING
from pathlib import Path

import numpy as np

from graphssl.errors import ConfigError, InputFileError

if TYPE_CHECKING:
    from torch_geometric.data import Data

_ON_INVALID = ("raise", "warn")
_MULTIPLE_SOLIDS = ("merge", "raise")


def _is_int(value) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool)


@dataclass(frozen=True)
class ExtractOptions:
    """Settings of the STEP -> gAAG extraction; all of them change the output.

    Args:
        face_grid_size: UV samples ``(num_u, num_v)`` per face (default ``(10, 10)``).
        edge_grid_size: U samples per edge (default 10).
        face_grids: Store ``data.face_grid`` (default ``True``).
        edge_grids: Store ``data.edge_grid`` (default ``True``).
        scale_to_unit_box: Centre the solid's bounding box at the origin and scale
            its longest side to 2, so it fits ``[-1, 1]^3`` (default ``True``).
        smooth_angle_deg: Below this mean angle between face normals an edge is
            smooth (default 5, as AAGNet).
        check: Run ``BRepCheck_Analyzer`` (default ``True``).
        on_invalid: ``"raise"`` (default) rejects an invalid solid, a non-manifold
            or open shell; ``"warn"`` warns and extracts what is well defined
            (free edges give no graph edge; a non-manifold edge joins every
            pair of its faces).
        multiple_solids: ``"merge"`` (default) extracts all solids of a file as one
            graph (``data.face_solid`` tells them apart); ``"raise"`` rejects them.
    """

    face_grid_size: tuple[int, int] = (10, 10)
    edge_grid_size: int = 10
    face_grids: bool = True
    edge_grids: bool = True
    scale_to_unit_box: bool = True
    smooth_angle_deg: float = 5.0
    check: bool = True
    on_invalid: str = "raise"
    multiple_solids: str = "merge"

    def __post_init__(self) -> None:
        # A grid samples both ends of each parameter range, so it needs two samples per direction.
        sizes = self.face_grid_size
        if isinstance(sizes, (str, bytes)) or not hasattr(sizes, "__len__") or len(sizes) != 2 \
                or not all(_is_int(n) and n >= 2 for n in sizes):
            raise ConfigError(f"options.face_grid_size: must be two integers >= 2, got {sizes!r}")
        object.__setattr__(self, "face_grid_size", tuple(int(n) for n in sizes))
        if not _is_int(self.edge_grid_size) or self.edge_grid_size < 2:
            raise ConfigError(f"options.edge_grid_size: must be an integer >= 2, got {self.edge_grid_size!r}")
        if not isinstance(self.smooth_angle_deg, (int, float)) or not 0.0 <= self.smooth_angle_deg < 180.0:
            raise ConfigError(f"options.smooth_angle_deg: must be in [0, 180), got {self.smooth_angle_deg!r}")
        if self.on_invalid not in _ON_INVALID:
            raise ConfigError(f"options.on_invalid: must be one of {_ON_INVALID}, got {self.on_invalid!r}")
        if self.multiple_solids not in _MULTIPLE_SOLIDS:
            raise ConfigError(f"options.multiple_solids: must be one of {_MULTIPLE_SOLIDS}, "
                              f"got {self.multiple_solids!r}")

    def settings(self) -> dict:
        """JSON-ready settings for cache keys."""
        return asdict(self)


def extract_options(options: ExtractOptions | dict | None = None) -> ExtractOptions:
    """``options`` as :class:`ExtractOptions`; an unknown field is a :class:`ConfigError` naming it."""
    if isinstance(options, ExtractOptions):
        return options
    options = dict(options or {})
    fields = list(ExtractOptions.__dataclass_fields__)
    for key in options:
        if key not in fields:
            from graphssl.registry import close_matches

            raise ConfigError(f"options.{key}: unknown extraction option{close_matches(key, fields)}; "
                              f"known: {', '.join(fields)}")
    return ExtractOptions(**options)


def read_step(path: str | Path, **options) -> Data:
    """Read a STEP file into a gAAG :class:`~torch_geometric.data.Data`.

    Args:
        path: The STEP file.
        **options: Fields of :class:`ExtractOptions`.

    Shapes (F faces, B B-rep edges in the graph, E = 2B graph edges):
        x: ``[F, 11]`` float32, columns :data:`~graphssl.cad.face_features.FACE_ATTRIBUTES`.
        face_grid: ``[F, 7, num_u, num_v]`` float32.
        edge_index: ``[2, E]`` int64.
        edge_attr: ``[E, 12]`` float32, columns :data:`~graphssl.cad.edge_features.EDGE_ATTRIBUTES`.
        edge_grid: ``[E, 12, num]`` float32.
        brep_edge: ``[E]`` int64, the B-rep edge of each graph edge.
        face_solid: ``[F]`` int64, the solid of each face.
        bbox_center: ``[1, 3]``, bbox_scale: ``[1]`` float32 (original = scaled / scale + center).
        face_names: list of F strings.
        source_file: the STEP file (str); model_id: its stem (str; datasets set their own id).

    The layout of every attribute is declared by :func:`graphssl.cad.spec.cad_graph_spec`.

    Raises:
        InputFileError: one line naming the file and the problem.
    """
    from graphssl.cad.step_reader import load_step

    opts = options if isinstance(options, ExtractOptions) else extract_options(options)
    model = load_step(path, multiple_solids=opts.multiple_solids)
    data = shape_to_graph(model.shape, model.faces, model.face_names, options=opts, source=str(model.path))
    data.source_file = str(model.path)
    data.model_id = model.path.stem
    return data


def _invalid(opts: ExtractOptions, message: str) -> None:
    if opts.on_invalid == "raise":
        raise InputFileError(message)
    warnings.warn(message, stacklevel=3)


def shape_to_graph(shape, faces: list, face_names: list[str], *, options: ExtractOptions | None = None,
                   source: str = "<shape>"):
    """Build the gAAG of ``shape`` whose faces (traversal order) are ``faces``.

    Args:
        shape: The ``TopoDS_Shape`` (for validity checks and the bounding box).
        faces: Its faces in traversal order, no repeats.
        face_names: One name per face.
        options: :class:`ExtractOptions` (default settings when ``None``).
        source: Name used in error messages.
    """
    import torch
    from torch_geometric.data import Data

    from graphssl.cad import _occ
    from graphssl.cad.edge_features import convexity, directed_grids, reverse_grid, sample_edges
    from graphssl.cad.face_features import face_attributes, face_grids, uv_bounds
    from graphssl.cad.geometry import SurfaceEvaluator
    from graphssl.cad.step_reader import faces_in_order
    from graphssl.cad.topology import build_topology

    opts = options or ExtractOptions()
    _, repeated = faces_in_order(shape)
    if repeated:
        _invalid(opts, f"{source}: non-manifold shell ({repeated} faces used more than once)")
    if opts.check:
        from OCP.BRepCheck import BRepCheck_Analyzer

        analyzer = BRepCheck_Analyzer(shape)
        if not analyzer.IsValid():
            _invalid(opts, f"{source}: invalid solid (BRepCheck_Analyzer: {_defects(analyzer, shape, faces)})")
    topo = build_topology(faces)
    free, non_manifold = topo.free_edges, topo.non_manifold_edges
    if free:
        _invalid(opts, f"{source}: open shell ({len(free)} free edges, first is edge {free[0]})")
    if non_manifold:
        _invalid(opts, f"{source}: non-manifold shell ({len(non_manifold)} edges with more than two faces)")

    if opts.scale_to_unit_box:
        lo, hi = (np.array(c) for c in _occ.bounding_box(shape))
        center, scale = (lo + hi) / 2.0, 2.0 / max(float(np.max(hi - lo)), 1e-12)
    else:
        center, scale = np.zeros(3), 1.0

    evaluators = [SurfaceEvaluator(face) for face in faces]
    x = np.stack([face_attributes(ev) for ev in evaluators]) if faces else np.zeros((0, 11))
    x[:, 6] *= scale**2
    x[:, 8:11] = (x[:, 8:11] - center) * scale
    bounds = np.array([uv_bounds(face, path=source, index=i) for i, face in enumerate(faces)]).reshape(-1, 4)
    grids = None
    if opts.face_grids:
        grids = face_grids(evaluators, bounds, opts.face_grid_size)
        grids[:, 0:3] = (grids[:, 0:3] - center[None, :, None, None]) * scale

    adjacencies = topo.adjacencies()
    used = sorted({k for k, _, _ in adjacencies})
    table = sample_edges(topo, faces, used, opts.edge_grid_size)
    num_adj, num_u = len(adjacencies), opts.edge_grid_size
    src = np.empty(2 * num_adj, dtype=np.int64)
    dst = np.empty(2 * num_adj, dtype=np.int64)
    brep = np.empty(2 * num_adj, dtype=np.int64)
    attrs = np.zeros((2 * num_adj, 12))
    edge_grids = np.zeros((2 * num_adj, 12, num_u))
    if adjacencies:
        forward, degenerate = directed_grids(table, adjacencies, evaluators)
        rows = table.rows[[table.index[k] for k, _, _ in adjacencies]].copy()
        rows[:, 0:3] = convexity(forward, degenerate, smooth_angle=math.radians(opts.smooth_angle_deg))
        rows[:, 3] *= scale
        forward[:, 0:3] = (forward[:, 0:3] - center[None, :, None]) * scale
        a_faces = np.array([a.face for _, a, _ in adjacencies])
        b_faces = np.array([b.face for _, _, b in adjacencies])
        src[0::2], src[1::2] = a_faces, b_faces
        dst[0::2], dst[1::2] = b_faces, a_faces
        brep[0::2] = brep[1::2] = [k for k, _, _ in adjacencies]
        attrs[0::2] = attrs[1::2] = rows
        edge_grids[0::2], edge_grids[1::2] = forward, reverse_grid(forward)

    data = Data(
        x=torch.as_tensor(x, dtype=torch.float32),
        edge_index=torch.as_tensor(np.stack([src, dst])),
        edge_attr=torch.as_tensor(attrs, dtype=torch.float32),
        brep_edge=torch.as_tensor(brep),
        face_solid=torch.as_tensor(_face_solids(shape, faces), dtype=torch.long),
        bbox_center=torch.as_tensor(center, dtype=torch.float32).reshape(1, 3),
        bbox_scale=torch.tensor([scale], dtype=torch.float32),
        num_nodes=len(faces),
    )
    data.face_names = list(face_names)
    if grids is not None:
        data.face_grid = torch.as_tensor(grids, dtype=torch.float32)
    if opts.edge_grids:
        data.edge_grid = torch.as_tensor(edge_grids, dtype=torch.float32)
    return data


def _defects(analyzer, shape, faces: list) -> str:
    """Which faces and shells ``analyzer`` finds invalid, in a few words."""
    from OCP.TopAbs import TopAbs_SHELL, TopAbs_SOLID

    from graphssl.cad import _occ

    bad_faces = [i for i, face in enumerate(faces) if not analyzer.IsValid(face)]
    parts = []
    if bad_faces:
        listed = ", ".join(str(i) for i in bad_faces[:5]) + (", ..." if len(bad_faces) > 5 else "")
        parts.append(f"invalid faces {listed}")
    for kind, what in ((TopAbs_SHELL, "shells"), (TopAbs_SOLID, "solids (shell closure or orientation)")):
        found = _occ.shape_map(shape, kind)
        bad = sum(not analyzer.IsValid(found.FindKey(i)) for i in range(1, found.Size() + 1))
        if bad:
            parts.append(f"{bad} invalid {what}")
    return "; ".join(parts) or "defects in edges or vertices"


def _face_solids(shape, faces: list) -> np.ndarray:
    """Index of the solid holding each face (all zeros for a single solid)."""
    from OCP.TopAbs import TopAbs_FACE, TopAbs_SOLID
    from OCP.TopExp import TopExp_Explorer

    from graphssl.cad import _occ

    out = np.zeros(len(faces), dtype=np.int64)
    explorer = TopExp_Explorer(shape, TopAbs_SOLID)
    solids = []
    while explorer.More():
        solids.append(explorer.Current())
        explorer.Next()
    if len(solids) <= 1:
        return out
    face_map = _occ.new_shape_map()
    for face in faces:
        face_map.Add(face)
    for index, solid in enumerate(solids):
        for face_index in range(1, _occ.shape_map(solid, TopAbs_FACE).Size() + 1):
            position = face_map.FindIndex(_occ.shape_map(solid, TopAbs_FACE).FindKey(face_index))
            if position:
                out[position - 1] = index
    return out
