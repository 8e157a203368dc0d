"""Generate one labelled machining-feature part: a random stock block cut by random features.

The recipe follows the MFCAD/MFCAD++/MFInstSeg generators (Cao et al. 2020;
Colligan et al. 2022; Wu et al. 2024): a stock block, edge blends (chamfers,
rounds) on its edges, then features cut from its faces with OCCT booleans.
Features do not overlap: each claims the box its tool occupies in the stock
(plus a clearance), and a proposal that meets an earlier claim is redrawn.
Labels come only from the modelling history (:mod:`~graphssl.cad.generator.history`).

Everything random comes from ``numpy.random.default_rng([seed, index])``, so a
part depends only on ``(seed, index, config)``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from graphssl.cad.generator.classes import CLASS_INDEX, FEATURE_CLASSES, STOCK
from graphssl.cad.generator.features import BLEND_FEATURES, PLAN_FEATURES, SECTION_FEATURES, Placement, blind_depth
from graphssl.cad.generator.history import FaceLabel, HistoryError, LabelledShape
from graphssl.errors import ConfigError, GraphSSLError


@dataclass(frozen=True)
class GeneratorConfig:
    """Settings of the part generator (all lengths in mm).

    Args:
        stock_min, stock_max: Range of each stock block side (default 30, 100).
        min_features, max_features: Features per part, drawn uniformly (default 2, 8).
        min_len: Smallest feature dimension (default 3).
        clearance: Gap kept between features and to face borders (default 2).
        margin: How far tools reach beyond the stock (default 1).
        placement_tries: Proposals per feature before it is skipped (default 20).
        max_attempts: Whole-part retries when the result is invalid (default 5).
        classes: Feature classes to draw from (default: all 24 non-stock classes).
    """

    stock_min: float = 30.0
    stock_max: float = 100.0
    min_features: int = 2
    max_features: int = 8
    min_len: float = 3.0
    clearance: float = 2.0
    margin: float = 1.0
    placement_tries: int = 20
    max_attempts: int = 5
    classes: tuple[str, ...] = tuple(c for c in FEATURE_CLASSES if c != "stock")

    def __post_init__(self) -> None:
        unknown = [c for c in self.classes if c not in CLASS_INDEX or c == "stock"]
        if unknown:
            raise ConfigError(f"classes: unknown feature classes {unknown}; choose from {FEATURE_CLASSES[:-1]}")
        if not 0 < self.stock_min <= self.stock_max:
            raise ConfigError(f"stock_min, stock_max: need 0 < stock_min <= stock_max, got {self.stock_min}, "
                              f"{self.stock_max}")
        if not 0 <= self.min_features <= self.max_features:
            raise ConfigError(f"min_features, max_features: need 0 <= min_features <= max_features, got "
                              f"{self.min_features}, {self.max_features}")


class GeneratorError(GraphSSLError, RuntimeError):
    """No valid part could be made for this seed and index."""


@dataclass
class GeneratedPart:
    """A generated solid with one label per face (traversal order) and the features that made it."""

    shape: object
    labels: list[FaceLabel]
    features: list[str] = field(default_factory=list)
    dims: tuple[float, float, float] = (0.0, 0.0, 0.0)


def _stock_faces(dims: np.ndarray) -> list[tuple]:
    """``(origin, u, v, normal, length_u, length_v, thickness)`` of the six block faces."""
    faces = []
    eye = np.eye(3)
    for k in range(3):
        for sign in (1.0, -1.0):
            normal, u = sign * eye[k], eye[(k + 1) % 3]
            v = np.cross(normal, u)
            j = (k + 2) % 3
            origin = np.zeros(3)
            origin[k] = dims[k] if sign > 0 else 0.0
            origin[j] = 0.0 if v[j] > 0 else dims[j]
            faces.append((origin, u, v, normal, dims[(k + 1) % 3], dims[j], dims[k]))
    return faces


def _placement(rng, dims: np.ndarray, kind: str) -> Placement:
    origin, u, v, normal, lu, lv, thickness = _stock_faces(dims)[rng.integers(6)]
    if kind == "inner":
        return Placement(origin, u, v, normal, lu, lv, thickness)
    side = rng.integers(4)
    frames = [(origin, u, v, lu, lv), (origin + lv * v, u, -v, lu, lv),
              (origin, v, u, lv, lu), (origin + lu * u, v, -u, lv, lu)]
    o, a, b, la, lb = frames[side]
    if rng.random() < 0.5:
        o, a = o + la * a, -a
    return Placement(o, a, b, normal, la, lb, thickness)


def _claim(shape, dims: np.ndarray, clearance: float) -> np.ndarray:
    from graphssl.cad import _occ

    lo, hi = (np.array(c) for c in _occ.bounding_box(shape))
    lo, hi = np.maximum(lo, 0.0) - clearance, np.minimum(hi, dims) + clearance
    return np.stack([lo, hi])


def _overlaps(box: np.ndarray, claims: list[np.ndarray]) -> bool:
    return any(np.all(box[0] < other[1]) and np.all(other[0] < box[1]) for other in claims)


def _propose_cut(rng, cls: str, dims: np.ndarray, config):
    """A random tool for ``cls``: ``(solid, bottom face or None)``, or ``None`` if it does not fit."""
    from graphssl.cad.generator.sketch import prism

    if cls in SECTION_FEATURES:
        placement = _placement(rng, dims, "edge")
        depth = blind_depth(rng, placement, config)
        loops = SECTION_FEATURES[cls](rng, placement, config, depth) if depth else None
        if loops is None:
            return None
        length = placement.length_a + 2 * config.margin
        solid, _, _ = prism(placement.section_plane(-config.margin), loops, length * placement.a_dir)
        return solid, None
    kind, build, through = PLAN_FEATURES[cls]
    placement = _placement(rng, dims, kind)
    depth = placement.thickness + config.margin if through else blind_depth(rng, placement, config)
    loops = build(rng, placement, config) if depth else None
    if loops is None:
        return None
    solid, bottom, _ = prism(placement.plane(-depth), loops, (depth + config.margin) * placement.normal)
    return solid, None if through else bottom


def _box_edge(part: LabelledShape, rng, dims: np.ndarray):
    """A random edge of the stock block in the current part: ``(edge, endpoints)``, or ``None``."""
    from OCP.BRep import BRep_Tool
    from OCP.TopAbs import TopAbs_EDGE
    from OCP.TopExp import TopExp
    from OCP.TopoDS import TopoDS

    from graphssl.cad import _occ

    axis = rng.integers(3)
    fixed = [(i, dims[i] * rng.integers(2)) for i in range(3) if i != axis]
    start = np.zeros(3)
    for i, value in fixed:
        start[i] = value
    end = start.copy()
    end[axis] = dims[axis]
    edges = _occ.shape_map(part.shape, TopAbs_EDGE)
    for i in range(1, edges.Size() + 1):
        edge = TopoDS.Edge(edges.FindKey(i))
        vertices = (TopExp.FirstVertex_s(edge), TopExp.LastVertex_s(edge))
        ends = [np.array(BRep_Tool.Pnt_s(vertex).Coord()) for vertex in vertices]
        if {tuple(np.round(p, 6)) for p in ends} == {tuple(np.round(start, 6)), tuple(np.round(end, 6))}:
            return edge, np.stack([np.minimum(start, end), np.maximum(start, end)])
    return None


def _add_feature(part: LabelledShape, rng, cls: str, instance: int, dims, claims, config) -> LabelledShape | None:
    from OCP.Standard import Standard_Failure

    label = FaceLabel(CLASS_INDEX[cls], instance)
    for _ in range(config.placement_tries):
        try:
            if cls in BLEND_FEATURES:
                found = _box_edge(part, rng, dims)
                if found is None:
                    return None
                edge, segment = found
                size = rng.uniform(config.min_len / 2, min(0.15 * dims.min(), 3 * config.min_len))
                box = segment + np.array([[-1.0], [1.0]]) * (size + config.clearance)
                if _overlaps(box, claims):
                    continue
                result = part.blend(edge, size, label, kind=BLEND_FEATURES[cls])
            else:
                proposal = _propose_cut(rng, cls, dims, config)
                if proposal is None:
                    continue
                tool, bottom = proposal
                box = _claim(tool, dims, config.clearance)
                if _overlaps(box, claims):
                    continue
                from graphssl.cad.step_reader import faces_in_order

                tool_faces = faces_in_order(tool)[0]
                labels = [FaceLabel(label.cls, instance, bottom is not None and face.IsSame(bottom))
                          for face in tool_faces]
                result = part.cut(tool, list(zip(tool_faces, labels)))
        except (HistoryError, ValueError, Standard_Failure):
            continue
        claims.append(box)
        return result
    return None


def generate_part(seed: int, index: int, config: GeneratorConfig | None = None) -> GeneratedPart:
    """Part number ``index`` of the stream ``seed`` (deterministic).

    Raises:
        GeneratorError: no valid solid after ``config.max_attempts`` tries.
    """
    from OCP.BRepCheck import BRepCheck_Analyzer
    from OCP.BRepPrimAPI import BRepPrimAPI_MakeBox

    config = config or GeneratorConfig()
    rng = np.random.default_rng([seed, index])
    for _ in range(config.max_attempts):
        dims = rng.uniform(config.stock_min, config.stock_max, 3)
        part = LabelledShape(BRepPrimAPI_MakeBox(*dims.tolist()).Shape(), [FaceLabel(STOCK)] * 6)
        count = int(rng.integers(config.min_features, config.max_features + 1))
        drawn = [config.classes[i] for i in rng.integers(len(config.classes), size=count)]
        ordered = [c for c in drawn if c in BLEND_FEATURES] + [c for c in drawn if c not in BLEND_FEATURES]
        claims: list[np.ndarray] = []
        made: list[str] = []
        for cls in ordered:
            result = _add_feature(part, rng, cls, len(made), dims, claims, config)
            if result is not None:
                part, made = result, made + [cls]
        if BRepCheck_Analyzer(part.shape).IsValid():
            return GeneratedPart(part.shape, part.labels, made, tuple(dims.tolist()))
    raise GeneratorError(f"seed {seed}, part {index}: no valid solid after {config.max_attempts} attempts")
