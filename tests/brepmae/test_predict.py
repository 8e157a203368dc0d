"""``graphssl cad predict`` / :func:`graphssl.brepmae.predict`: per-face classes on analytic parts and MFCAD, the
JSON layout, bad files, settings that differ from the model's, and the PNG's colours on the predicted faces."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch
from torch_geometric.data import Batch

from graphssl.cli import main
from graphssl.errors import CheckpointError, ConfigError
from tests.cad import shapes
from tests.conftest import shared_data

OPTIONS = {"face_grid_size": (4, 4), "edge_grid_size": 4}
CLASSES = ["side", "top"]


def _write(shape, path):
    from graphssl.cad.step_writer import write_step

    return write_step(shape, path)


def _top_labels(data) -> torch.Tensor:
    """Class 1 ("top") for the face whose centroid is highest, 0 for the others."""
    labels = torch.zeros(data.num_nodes, dtype=torch.long)
    labels[data.x[:, 10].argmax()] = 1
    return labels


@pytest.fixture(scope="module")
def parts(tmp_path_factory):
    folder = tmp_path_factory.mktemp("parts")
    return {name: _write(shape, folder / f"{name}.step")
            for name, shape in (("box", shapes.box(10, 8, 6)), ("cone", shapes.cone()), ("sphere", shapes.sphere()),
                                ("hole", shapes.box_with_hole()))}


@pytest.fixture(scope="module")
def segmenter_file(parts, tmp_path_factory):
    """A tiny segmenter fitted to tell the box's top face from its sides, saved as a segmenter file."""
    from graphssl.brepmae.finetune import SegmentConfig, train_segmenter
    from graphssl.brepmae.segmenter import save_segmenter
    from graphssl.cad import read_step
    from graphssl.cad.spec import cad_graph_spec
    from tests.brepmae.conftest import tiny_encoder

    spec = cad_graph_spec(OPTIONS, label_format="mfcad", num_classes=2)
    box = read_step(parts["box"], **OPTIONS)
    box.y = _top_labels(box)
    segmenter, _ = train_segmenter(tiny_encoder(spec), [box] * 4, 2, SegmentConfig(epochs=40, batch_size=4, lr=0.01))
    path = tmp_path_factory.mktemp("model") / "seg.pt"
    return save_segmenter(path, segmenter, class_names=CLASSES, spec=spec, options=OPTIONS, description="test")


def test_predictions_on_analytic_parts_match_the_segmenter_on_the_extracted_graphs(parts, segmenter_file):
    from graphssl.brepmae import load_segmenter, predict
    from graphssl.cad import read_step

    segmenter = load_segmenter(segmenter_file)
    results = predict([parts["box"], parts["cone"], parts["sphere"]], segmenter_file)
    for result, name in zip(results, ("box", "cone", "sphere")):
        data = read_step(parts[name], **OPTIONS)
        probabilities = segmenter(Batch.from_data_list([data])).softmax(dim=1)
        assert [f.index for f in result.faces] == list(range(data.num_nodes))
        assert [f.name for f in result.faces] == data.face_names
        assert [f.class_index for f in result.faces] == probabilities.argmax(1).tolist()
        assert [f.class_name for f in result.faces] == [CLASSES[c] for c in probabilities.argmax(1).tolist()]
        assert np.allclose([f.probability for f in result.faces], probabilities.max(1).values.detach(), atol=1e-6)
    box = results[0]
    assert [f.class_name for f in box.faces].count("top") == 1
    # The cone's apex and the sphere's poles are degenerate edges: their faces are flagged, still predicted.
    assert [f.degenerate for f in results[1].faces] == [True, False]
    assert all(f.degenerate for f in results[2].faces) and not any(f.degenerate for f in box.faces)


def test_cli_json_bad_file_and_exit_status(parts, segmenter_file, tmp_path, capsys):
    bad = tmp_path / "bad.step"
    bad.write_text("not a step file\n")
    out = tmp_path / "pred.json"
    code = main(["cad", "predict", str(parts["box"]), str(bad), str(parts["hole"]), "--model", str(segmenter_file),
                 "--json", str(out), "--quiet"])
    assert code == 1
    err = capsys.readouterr().err
    assert [line for line in err.splitlines() if "bad.step" in line and "error" in line]
    payload = json.loads(out.read_text())
    assert payload["classes"] == CLASSES and payload["model"] == "seg"
    assert [p["file"] for p in payload["parts"]] == [str(parts["box"]), str(bad), str(parts["hole"])]
    assert payload["parts"][1]["faces"] == [] and "bad.step" in payload["parts"][1]["error"]
    face = payload["parts"][0]["faces"][0]
    assert set(face) == {"index", "name", "class_index", "class_name", "probability", "degenerate"}
    assert len(payload["parts"][2]["faces"]) == 7
    assert main(["cad", "predict", str(bad), "--model", str(segmenter_file)]) == 2


def test_model_settings_that_differ_from_the_extraction_name_both(parts, segmenter_file, capsys):
    from graphssl.brepmae import predict

    assert main(["cad", "predict", str(parts["box"]), "--model", str(segmenter_file), "--face-grid", "10", "10"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("graphssl: error: --face-grid:") and "face_grid_size=[4, 4]" in err and "[10, 10]" in err
    with pytest.raises(ConfigError, match=r"edge_grid_size=4, the extraction asks for edge_grid_size=10"):
        predict(parts["box"], segmenter_file, options={"face_grid_size": (4, 4)})


def test_default_model_is_not_shipped_yet_while_its_file_is_absent(parts, tmp_path, monkeypatch, capsys):
    import graphssl.checkpoints
    from graphssl.brepmae import predict

    monkeypatch.setattr(graphssl.checkpoints, "DIRECTORY", tmp_path)
    with pytest.raises(CheckpointError, match="mfcad-seg segmenter is not shipped in this version yet"):
        predict(parts["box"])
    assert main(["cad", "predict", str(parts["box"])]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "--model mfcad-seg" in err


def test_a_shipped_segmenter_predicts_by_name(parts, segmenter_file, tmp_path, monkeypatch, capsys):
    import shutil

    import graphssl.cad
    import graphssl.checkpoints
    from graphssl.brepmae import predict

    folder = tmp_path / "checkpoints"
    folder.mkdir()
    for suffix in (".pt", ".json"):
        shutil.copy(segmenter_file.with_suffix(suffix), folder / f"mfcad-seg{suffix}")
    by_path = [result.to_dict() for result in predict(parts["box"], segmenter_file)]
    assert [r.to_dict() for r in graphssl.cad.predict(parts["box"], model="mfcad-seg", directory=folder)] == by_path
    monkeypatch.setattr(graphssl.checkpoints, "DIRECTORY", folder)
    assert [r.to_dict() for r in graphssl.cad.predict(parts["box"])] == by_path
    out = tmp_path / "out.json"
    assert main(["cad", "predict", str(parts["box"]), "--model", "mfcad-seg", "--json", str(out)]) == 0
    assert json.loads(out.read_text())["parts"] == by_path


def test_predict_an_mfcad_part_keeps_its_face_names(segmenter_file):
    from graphssl.brepmae import predict
    from graphssl.cad.step_reader import load_step

    step = sorted(shared_data("mfcad", "step").glob("*.step"))[0]
    (result,) = predict(step, segmenter_file)
    truth = json.loads(step.with_suffix(".json").read_text())
    assert len(result.faces) == len(truth["labels"])
    # MFCAD names faces by id, not in traversal order: each prediction carries both.
    assert [f.name for f in result.faces] == load_step(step).face_names
    assert sorted(int(f.name) for f in result.faces) == list(range(len(result.faces)))


def _matches(pixels: np.ndarray, colour) -> np.ndarray:
    """Pixels that are ``colour`` under one of the viewer's flat shades."""
    colour = np.asarray(colour)
    shade = np.clip(pixels @ colour / (colour @ colour), 0.45, 1.0)
    return np.linalg.norm(pixels - shade[..., None] * colour, axis=-1) < 0.02


def test_png_colours_sit_on_the_predicted_faces(parts, segmenter_file, tmp_path):
    """The box's predicted top face has the "top" colour: seen from above only, the sides in the other colour."""
    from matplotlib.image import imread

    from graphssl.brepmae import predict
    from graphssl.cad.palette import class_palette
    from graphssl.cad.viewer import VIEWS_RIGHT

    (result,) = predict(parts["box"], segmenter_file, png=tmp_path / "box.png")
    classes = [f.class_index for f in result.faces]
    assert classes.count(1) == 1
    image = imread(tmp_path / "box.png")[..., :3]
    views = image[:, : int(VIEWS_RIGHT * image.shape[1])]
    top, side = _matches(views, class_palette(2)[1]), _matches(views, class_palette(2)[0])
    half = views.shape[1] // 2
    assert top[:, :half].sum() > 2000 and top[:, half:].sum() == 0
    assert side[:, :half].sum() > 2000 and side[:, half:].sum() > 2000
    legend = image[:, int(VIEWS_RIGHT * image.shape[1]):]
    assert _matches(legend, class_palette(2)[1]).any() and _matches(legend, class_palette(2)[0]).any()


def test_load_pretrained_refuses_a_shipped_segmenter_by_name(segmenter_file, tmp_path, monkeypatch):
    import shutil

    import graphssl.checkpoints
    from graphssl import load_pretrained

    for suffix in (".pt", ".json"):
        shutil.copy(segmenter_file.with_suffix(suffix), tmp_path / f"mfcad-seg{suffix}")
    monkeypatch.setattr(graphssl.checkpoints, "DIRECTORY", tmp_path)
    with pytest.raises(CheckpointError, match="mfcad-seg: the shipped checkpoint mfcad-seg.pt is a segmenter, not an encoder"):
        load_pretrained("mfcad-seg")
