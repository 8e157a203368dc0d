"""Render a part to PNG with its faces coloured by class (matplotlib, headless).

The part is tessellated with ``BRepMesh_IncrementalMesh``; each face keeps its
traversal index, so a label lands on exactly the face it names. Two views
(front-top and back-bottom) show every side. Triangles are drawn into a
z-buffer with flat Lambert shading (exact occlusion, unlike matplotlib's 3D
painter), and the visible parts of the B-rep edges are drawn on top.

Colours come from :mod:`graphssl.cad.palette` (distinguishable for 25+
classes); labels from :func:`graphssl.cad.labels_io.face_labels` (a label file
given or found beside the STEP file, else class-index face names). Faces that
nothing labels are drawn grey, with a note saying why; ids are never taken for
classes.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from graphssl.cad.palette import STOCK, UNLABELLED, class_palette

if TYPE_CHECKING:
    from graphssl.cad.labels_io import FaceLabels
    from graphssl.cad.step_reader import StepModel

#: (elevation, azimuth) in degrees of the two views.
VIEWS = ((28.0, -55.0), (-28.0, 125.0))
#: Fraction of the figure width taken by the views; the legend sits to the right.
VIEWS_RIGHT = 0.78


def face_colours(face_class: list[int] | None, num_faces: int,
                 names: list[str] | None = None) -> list[tuple[float, float, float]]:
    """Colour of each face: its class's palette colour (stock in a neutral tone), grey for a negative
    class (no label) and for every face when ``face_class`` is ``None``."""
    if face_class is None:
        return [UNLABELLED] * num_faces
    palette = class_palette(max(face_class, default=0) + 1)
    return [UNLABELLED if c < 0 else STOCK if names and c < len(names) and names[c] == "stock" else palette[c]
            for c in face_class]


def tessellate(shape, faces: list, *, relative_deflection: float = 0.004) -> tuple[list, list]:
    """``(triangles, edge polylines)``: triangles as ``(face index, [3, 3] vertices)`` wound outwards."""
    from OCP.BRep import BRep_Tool
    from OCP.BRepAdaptor import BRepAdaptor_Curve
    from OCP.BRepMesh import BRepMesh_IncrementalMesh
    from OCP.GCPnts import GCPnts_QuasiUniformDeflection
    from OCP.TopAbs import TopAbs_EDGE, TopAbs_Orientation
    from OCP.TopLoc import TopLoc_Location

    from graphssl.cad import _occ

    lo, hi = (np.array(c) for c in _occ.bounding_box(shape))
    deflection = max(float(np.linalg.norm(hi - lo)) * relative_deflection, 1e-6)
    BRepMesh_IncrementalMesh(shape, deflection, False, 0.3, False)
    triangles = []
    for index, face in enumerate(faces):
        location = TopLoc_Location()
        mesh = BRep_Tool.Triangulation_s(face, location)
        if mesh is None:
            continue
        transform = location.Transformation()
        nodes = np.array([mesh.Node(i).Transformed(transform).Coord() for i in range(1, mesh.NbNodes() + 1)])
        flip = face.Orientation() == TopAbs_Orientation.TopAbs_REVERSED
        for i in range(1, mesh.NbTriangles() + 1):
            a, b, c = mesh.Triangle(i).Get()
            corners = [a - 1, c - 1, b - 1] if flip else [a - 1, b - 1, c - 1]
            triangles.append((index, nodes[corners]))
    polylines = []
    edges = _occ.shape_map(shape, TopAbs_EDGE)
    for i in range(1, edges.Size() + 1):
        from OCP.TopoDS import TopoDS

        edge = TopoDS.Edge(edges.FindKey(i))
        if BRep_Tool.Degenerated_s(edge):
            continue
        curve = BRepAdaptor_Curve(edge)
        sampler = GCPnts_QuasiUniformDeflection(curve, deflection)
        if sampler.IsDone() and sampler.NbPoints() >= 2:
            polylines.append(np.array([sampler.Value(k).Coord() for k in range(1, sampler.NbPoints() + 1)]))
    return triangles, polylines


def _camera(elevation: float, azimuth: float) -> np.ndarray:
    """Rows: screen right, screen up, towards the viewer."""
    e, a = np.radians(elevation), np.radians(azimuth)
    toward = np.array([np.cos(e) * np.cos(a), np.cos(e) * np.sin(a), np.sin(e)])
    right = np.cross([0.0, 0.0, 1.0], toward)
    right /= np.linalg.norm(right)
    return np.stack([right, np.cross(toward, right), toward])


def _rasterise(triangles, colours, camera: np.ndarray, centre: np.ndarray, size: float, resolution: int):
    """Z-buffer render: ``(rgb [res, res, 3], depth [res, res])``; depth grows towards the viewer."""
    light = camera[2] * 0.6 + camera[1] * 0.5 + camera[0] * 0.2
    light /= np.linalg.norm(light)
    image = np.ones((resolution, resolution, 3))
    depth = np.full((resolution, resolution), -np.inf)
    scale = resolution / size
    for face, corners in triangles:
        normal = np.cross(corners[1] - corners[0], corners[2] - corners[0])
        length = np.linalg.norm(normal)
        if length == 0 or normal @ camera[2] <= 0:
            continue
        shade = 0.45 + 0.55 * max(0.0, float(normal @ light) / length)
        screen = (corners - centre) @ camera.T
        px = (screen[:, 0] + size / 2) * scale
        py = (screen[:, 1] + size / 2) * scale
        x0, x1 = max(int(np.floor(px.min())), 0), min(int(np.ceil(px.max())), resolution - 1)
        y0, y1 = max(int(np.floor(py.min())), 0), min(int(np.ceil(py.max())), resolution - 1)
        if x1 < x0 or y1 < y0:
            continue
        gx, gy = np.meshgrid(np.arange(x0, x1 + 1) + 0.5, np.arange(y0, y1 + 1) + 0.5)
        area = (px[1] - px[0]) * (py[2] - py[0]) - (px[2] - px[0]) * (py[1] - py[0])
        if abs(area) < 1e-12:
            continue
        w0 = ((px[1] - gx) * (py[2] - gy) - (px[2] - gx) * (py[1] - gy)) / area
        w1 = ((px[2] - gx) * (py[0] - gy) - (px[0] - gx) * (py[2] - gy)) / area
        w2 = 1.0 - w0 - w1
        inside = (w0 >= -1e-6) & (w1 >= -1e-6) & (w2 >= -1e-6)
        z = w0 * screen[0, 2] + w1 * screen[1, 2] + w2 * screen[2, 2]
        window = depth[y0:y1 + 1, x0:x1 + 1]
        nearer = inside & (z > window)
        window[nearer] = z[nearer]
        image[y0:y1 + 1, x0:x1 + 1][nearer] = np.minimum(1.0, np.array(colours[face]) * shade)
    return image, depth


def _visible_edges(polylines, depth: np.ndarray, camera: np.ndarray, centre: np.ndarray, size: float) -> list:
    """Screen polylines of the edge parts not hidden by faces (NaN breaks hidden stretches)."""
    resolution = depth.shape[0]
    scale = resolution / size
    padded = np.pad(depth, 1, constant_values=-np.inf)
    nearest = np.max([padded[dy:dy + resolution, dx:dx + resolution] for dy in range(3) for dx in range(3)], axis=0)
    tolerance = 0.01 * size
    out = []
    for line in polylines:
        steps = np.linalg.norm(np.diff(line, axis=0), axis=1)
        per_segment = np.maximum(1, np.ceil(steps * scale).astype(int))
        dense = np.concatenate([line[k] + np.linspace(0, 1, n, endpoint=False)[:, None] * (line[k + 1] - line[k])
                                for k, n in enumerate(per_segment)] + [line[-1:]])
        screen = (dense - centre) @ camera.T
        col = np.clip(((screen[:, 0] + size / 2) * scale).astype(int), 0, resolution - 1)
        row = np.clip(((screen[:, 1] + size / 2) * scale).astype(int), 0, resolution - 1)
        shown = screen[:, 2] >= nearest[row, col] - tolerance
        xy = screen[:, :2].copy()
        xy[~shown] = np.nan
        out.append(xy)
    return out


def _draw_view(ax, triangles, polylines, colours, camera: np.ndarray, centre: np.ndarray, size: float,
               resolution: int) -> None:
    image, depth = _rasterise(triangles, colours, camera, centre, size, resolution)
    half = size / 2
    ax.imshow(image, origin="lower", extent=(-half, half, -half, half), interpolation="bilinear")
    for xy in _visible_edges(polylines, depth, camera, centre, size):
        ax.plot(xy[:, 0], xy[:, 1], color=(0.08, 0.08, 0.08), linewidth=0.7)
    ax.set_xlim(-half, half)
    ax.set_ylim(-half, half)
    ax.set_aspect("equal")
    ax.axis("off")


def part_labels(step_path: str | Path, face_names: list[str], labels: str | Path | None = None,
                classes: list[str] | None = None) -> tuple[FaceLabels, list[str] | None]:
    """``(face labels, class names)`` of a part (see :func:`render_part` for the arguments).

    The class names (given, else a ``classes.json`` near the label or STEP file) bound
    which integer face names count as classes.
    """
    from graphssl.cad.labels_io import face_labels, find_class_names, find_label_file

    label_file = Path(labels) if labels is not None else find_label_file(step_path)
    names = classes or find_class_names(label_file, step_path)
    found = face_labels(step_path, face_names, label_file, num_classes=len(names) if names else None)
    return found, names


def render_part(step_path: str | Path, png_path: str | Path, *, labels: str | Path | None = None,
                classes: list[str] | None = None, dpi: int = 110, resolution: int = 600) -> Path:
    """Draw ``step_path`` to ``png_path`` with faces coloured by class and a legend.

    Args:
        step_path: The STEP file.
        png_path: Output PNG.
        labels: Label file (MFInstSeg/MFCAD JSON or ``.seg``; default ``None``: one found
            beside the STEP file, else integer face names that are class indices, see
            :func:`~graphssl.cad.labels_io.face_labels`). Unlabelled faces are grey and a
            ``UserWarning`` says why.
        classes: Class names (default: ``classes.json`` beside or above the files,
            else ``class <k>``).
        dpi: Figure resolution (default 110).
        resolution: Pixels per side of each rendered view (default 600).
    """
    from graphssl.cad.step_reader import load_step

    model = load_step(step_path)
    found, names = part_labels(step_path, model.face_names, labels, classes)
    if found.note:
        warnings.warn(found.note, stacklevel=2)
    return draw_part(model, found, png_path, names=names, dpi=dpi, resolution=resolution)


def draw_part(model: StepModel, labels: FaceLabels, png_path: str | Path, *, names: list[str] | None = None,
              dpi: int = 110, resolution: int = 600) -> Path:
    """Draw a loaded part with the given face labels (see :func:`render_part` for the arguments)."""
    from graphssl._optional import require

    require("matplotlib", extra="cad")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch

    face_class = labels.classes
    colours = face_colours(face_class, len(model.faces), names)
    triangles, polylines = tessellate(model.shape, model.faces)
    points = np.concatenate([t[1] for t in triangles]) if triangles else np.zeros((1, 3))
    centre = (points.min(0) + points.max(0)) / 2
    size = float(np.linalg.norm(points.max(0) - points.min(0))) * 1.02 or 1.0
    fig, axes = plt.subplots(1, len(VIEWS), figsize=(5.2 * len(VIEWS) + 2.6, 5.2))
    for ax, (elevation, azimuth) in zip(axes, VIEWS):
        _draw_view(ax, triangles, polylines, colours, _camera(elevation, azimuth), centre, size, resolution)
        ax.set_title(f"elev {elevation:g}, azim {azimuth:g}", fontsize=8)
    if face_class is not None:
        present = sorted(set(face_class))
        handles = [Patch(color=colours[face_class.index(c)],
                         label=f"{c}: {names[c] if names and 0 <= c < len(names) else f'class {c}'}"
                               f" ({face_class.count(c)})") for c in present]
        fig.legend(handles=handles, loc="center right", fontsize=8, title="class (faces)", frameon=False)
    source = f"labels: {labels.source.name}" if labels.source else (
        "labels: face names" if face_class is not None else "no labels")
    fig.suptitle(f"{Path(model.path).name}: {len(model.faces)} faces ({source})", fontsize=10)
    fig.subplots_adjust(left=0.01, right=VIEWS_RIGHT, top=0.92, bottom=0.02, wspace=0.02)
    png_path = Path(png_path)
    fig.savefig(png_path, dpi=dpi, format="png")
    plt.close(fig)
    return png_path
