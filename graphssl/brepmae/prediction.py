"""Per-face machining-feature predictions for STEP files: ``graphssl cad predict`` and ``graphssl.cad.predict``.

Each file is read with the extraction settings the segmenter was trained on
(:func:`~graphssl.brepmae.segmenter.input_settings` in its card); settings
given that differ from those raise a :class:`~graphssl.errors.ConfigError`
naming both. Every face gets its most probable class and that probability,
keyed by its traversal index and ``ADVANCED_FACE`` name; faces the extraction
marks as degenerate still get one, with ``degenerate: true``
(:func:`degenerate_faces`). The JSON layout is in ``docs/brepmae.md``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Iterable

import torch

from graphssl.errors import CheckpointError, ConfigError, GraphSSLError

#: Segmenters that issue 16 announces as shipped models; while a file is absent, naming it says "not shipped yet".
ANNOUNCED_SEGMENTERS = ("mfcad-seg",)
DEFAULT_MODEL = "mfcad-seg"


@dataclass
class FacePrediction:
    """One face: ``index`` (traversal order, the graph's node), ``name`` (its ``ADVANCED_FACE`` name), the class."""

    index: int
    name: str
    class_index: int
    class_name: str
    probability: float
    degenerate: bool


@dataclass
class PartPrediction:
    """The predictions for one STEP file; ``error`` (one line) instead of ``faces`` when it could not be read."""

    file: str
    faces: list[FacePrediction] = field(default_factory=list)
    error: str | None = None

    def to_dict(self) -> dict:
        out = {"file": self.file, "faces": [asdict(face) for face in self.faces]}
        if self.error is not None:
            out["error"] = self.error
        return out


def resolve_segmenter(model, directory: str | Path | None = None):
    """A loaded segmenter from a :class:`FaceSegmenter`, a segmenter file, or a shipped segmenter's name.

    Args:
        model: a loaded segmenter, a ``.pt`` segmenter file, or the name of a shipped segmenter.
        directory: where shipped checkpoints are looked up (default ``None``: :mod:`graphssl.checkpoints`).
    """
    from graphssl.brepmae.segmenter import FaceSegmenter, load_segmenter
    from graphssl.checkpoints import SEGMENTER, shipped_checkpoint_path, shipped_names

    if isinstance(model, FaceSegmenter):
        return model
    path = Path(model)
    if path.is_file():
        return load_segmenter(path)
    if str(model) in shipped_names(directory):
        return load_segmenter(shipped_checkpoint_path(str(model), directory, kind=SEGMENTER))
    if str(model) in ANNOUNCED_SEGMENTERS:
        raise CheckpointError(f"--model {model}: the {model} segmenter is not shipped in this version yet; pass "
                              "--model PATH to a segmenter file (scripts/brepmae_segment.py --export writes one)")
    known = ", ".join(shipped_names(directory, SEGMENTER)) or "none"
    raise CheckpointError(f"--model {model}: no such segmenter file, and no shipped segmenter of that name "
                          f"(shipped segmenters: {known})")


def extraction_options(card: dict, options=None):
    """The model's extraction options, or ``options`` after checking they give the model the input it expects."""
    from graphssl.cad.extract import extract_options

    trained = card["input"]["extraction"]
    expected = extract_options({k: tuple(v) if isinstance(v, list) else v for k, v in trained.items()})
    if options is None:
        return expected
    given = extract_options(options)
    for key, value in trained.items():
        have = getattr(given, key)
        if (list(have) if isinstance(have, tuple) else have) != value:
            raise ConfigError(f"options.{key}: the model {card.get('name', '')!r} was trained on {key}={value}, "
                              f"the extraction asks for {key}={list(have) if isinstance(have, tuple) else have}")
    return given


def degenerate_faces(data) -> torch.Tensor:
    """Bool ``[F]``: faces bounding a degenerate edge (a cone apex, a sphere pole), with zero area, or with no
    grid sample on the face (an empty trimming mask)."""
    from graphssl.brepmae import layout

    flagged = data.x[:, layout.AREA.start] <= 0
    if getattr(data, "face_grid", None) is not None:
        flagged |= data.face_grid[:, layout.FACE_MASK].flatten(1).amax(dim=1) <= 0
    degenerate = data.edge_attr[:, layout.EDGE_DEGENERATE] > 0
    flagged[data.edge_index[0, degenerate]] = True
    return flagged


def _check_features(data, card: dict, path: str) -> None:
    names = {"face_grid": "face grid", "edge_grid": "edge grid"}
    for attribute, what in names.items():
        expected, got = card["input"][attribute], list(getattr(data, attribute).shape[1:])
        if got != expected:
            raise ConfigError(f"{path}: its {what} is {got} per row, the model {card.get('name', '')!r} reads "
                              f"{expected}")


def predict_graph(segmenter, data) -> tuple[torch.Tensor, torch.Tensor]:
    """``(class [F], probability [F])`` of every face of one extracted graph."""
    from torch_geometric.data import Batch

    device = next(segmenter.parameters()).device
    with torch.no_grad():
        probabilities = segmenter.eval()(Batch.from_data_list([data]).to(device)).float().softmax(dim=1).cpu()
    best = probabilities.max(dim=1)
    return best.indices, best.values


def predict_part(path: str | Path, segmenter, options):
    """``(PartPrediction, StepModel)`` of one STEP file; raises GraphSSLError naming the file."""
    from graphssl.cad.extract import shape_to_graph
    from graphssl.cad.step_reader import load_step

    model = load_step(path, multiple_solids=options.multiple_solids)
    data = shape_to_graph(model.shape, model.faces, model.face_names, options=options, source=str(model.path))
    _check_features(data, segmenter.card, str(path))
    classes, probabilities = predict_graph(segmenter, data)
    names, degenerate = segmenter.card["classes"], degenerate_faces(data)
    faces = [FacePrediction(index=i, name=data.face_names[i], class_index=int(c), class_name=names[int(c)],
                            probability=round(float(p), 6), degenerate=bool(degenerate[i]))
             for i, (c, p) in enumerate(zip(classes, probabilities))]
    return PartPrediction(file=str(path), faces=faces), model


def png_path(png: str | Path, step: str | Path, many: bool) -> Path:
    """``png`` itself for one file; ``<png stem>_<part stem>.png`` beside it for several."""
    png = Path(png)
    return png.with_name(f"{png.stem}_{Path(step).stem}{png.suffix}") if many else png


def draw_prediction(model, prediction: PartPrediction, class_names: list[str], png: Path, model_name: str) -> Path:
    """The part drawn by the CAD viewer, faces coloured by predicted class, with the legend."""
    from graphssl.cad.labels_io import FaceLabels
    from graphssl.cad.viewer import draw_part

    labels = FaceLabels(classes=[face.class_index for face in prediction.faces],
                        source=Path(f"predicted by {model_name}"))
    return draw_part(model, labels, png, names=class_names)


def predict(paths: str | Path | Iterable[str | Path], model=DEFAULT_MODEL, *, options=None,
            png: str | Path | None = None, progress: bool = False, skip_errors: bool = False,
            directory: str | Path | None = None) -> list[PartPrediction]:
    """Predict the class of every face of each STEP file.

    Args:
        paths: one STEP file or several.
        model: a segmenter file, a loaded :class:`~graphssl.brepmae.segmenter.FaceSegmenter`,
            or a shipped segmenter's name (default ``"mfcad-seg"``, the shipped MFCAD segmenter).
        options: extraction options (default ``None``: those the model was trained on);
            given ones must match the model's input settings.
        png: also draw each part, faces coloured by predicted class (default ``None``);
            with several files, ``<stem>_<part>.png`` beside it.
        progress: show a progress bar (default ``False``).
        skip_errors: a file that fails gives a :class:`PartPrediction` with ``error``
            (one line naming it) instead of raising (default ``False``).
        directory: where a shipped segmenter's name is looked up (default ``None``:
            the package's ``graphssl/checkpoints/``).

    Returns:
        one :class:`PartPrediction` per file, in order.
    """
    from tqdm.auto import tqdm

    paths = [paths] if isinstance(paths, (str, Path)) else list(paths)
    segmenter = resolve_segmenter(model, directory)
    opts = extraction_options(segmenter.card, options)
    model_name = segmenter.card.get("name", "model")
    results = []
    for path in tqdm(paths, desc="predict", unit="part", disable=not progress):
        try:
            prediction, step_model = predict_part(path, segmenter, opts)
            if png is not None:
                draw_prediction(step_model, prediction, segmenter.card["classes"], png_path(png, path, len(paths) > 1),
                                model_name)
        except GraphSSLError as exc:
            if not skip_errors:
                raise
            prediction = PartPrediction(file=str(path), error=str(exc).splitlines()[0])
        results.append(prediction)
    return results
