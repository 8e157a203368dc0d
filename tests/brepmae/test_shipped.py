"""Shipped segmenters next to shipped encoders: the listing of ``graphssl checkpoints``, kinds, sha256 and loading
each kind by name (a tiny segmenter and a tiny exported encoder in a tmp folder stand in for the package's files)."""

from __future__ import annotations

import hashlib
import json

import pytest
import torch
from torch_geometric.data import Batch

from graphssl.cli import main
from graphssl.errors import CheckpointError
from tests.brepmae.conftest import tiny_encoder, tiny_part, tiny_spec

OPTIONS = {"face_grid_size": (3, 3), "edge_grid_size": 4}
TRAINING = {"data": "mfcad train", "fraction": 1.0, "seed": 0, "variant": "pretrained", "epochs": 30,
            "test": {"accuracy": 0.75, "miou": 0.5}}


@pytest.fixture
def shipped(tmp_path, tiny_config, monkeypatch):
    """A folder holding ``mfcad-seg`` (a segmenter) and ``brepmae-encoder`` (an exported encoder), made the
    package's checkpoint folder."""
    import graphssl.checkpoints
    from graphssl.brepmae.segmenter import FaceSegmenter, save_segmenter
    from graphssl.train import pretrain
    from graphssl.train.config import load_config
    from graphssl.train.export import export_encoder

    folder = tmp_path / "checkpoints"
    spec = tiny_spec()
    segmenter = FaceSegmenter(tiny_encoder(spec), 2).eval()
    save_segmenter(folder / "mfcad-seg.pt", segmenter, class_names=["side", "top"], spec=spec, options=OPTIONS,
                   description="tiny test segmenter", training=TRAINING)
    run = tmp_path / "run"
    pretrain(load_config(tiny_config(train={"steps": 2})), run, progress=False)
    export_encoder(run, folder / "brepmae-encoder.pt", description="tiny test encoder")
    monkeypatch.setattr(graphssl.checkpoints, "DIRECTORY", folder)
    return folder, segmenter


def _sha(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_listing_says_what_each_file_is(shipped, capsys):
    folder, _ = shipped
    assert main(["checkpoints"]) == 0
    lines = capsys.readouterr().out.splitlines()
    encoder_size, seg_size = ((folder / f"{n}.pt").stat().st_size / 1e6 for n in ("brepmae-encoder", "mfcad-seg"))
    header = lines.index(f"mfcad-seg  {seg_size:.2f} MB  tiny test segmenter")
    assert lines[0] == f"brepmae-encoder  {encoder_size:.2f} MB  tiny test encoder"
    assert lines[3].startswith("    model:  encoder gnn, out_dim ")
    assert lines[3].endswith(f"; sha256 {_sha(folder / 'brepmae-encoder.pt')[:12]}")
    model, settings, data = lines[header + 1: header + 4]
    card = json.loads((folder / "mfcad-seg.json").read_text())
    assert model == (f"    model:  segmenter, per-face classification, 2 classes (side, top), {card['parameters']} "
                     f"parameters; sha256 {_sha(folder / 'mfcad-seg.pt')[:12]}")
    assert settings == "    input:  face grid [3, 3], edge grid 4, unit box True"
    assert data == ("    data:   mfcad train, 100% of labels, pretrained encoder, seed 0, 30 epochs; "
                    "test accuracy 0.7500, miou 0.5000")


def test_kinds_names_and_sha256(shipped):
    from graphssl.checkpoints import SEGMENTER, card_kind, shipped_checkpoint_path, shipped_checkpoints, shipped_names

    folder, _ = shipped
    assert {c.name: c.kind for c in shipped_checkpoints()} == {"brepmae-encoder": "encoder", "mfcad-seg": "segmenter"}
    assert shipped_names(kind=SEGMENTER) == ["mfcad-seg"] and shipped_names(folder, "encoder") == ["brepmae-encoder"]
    # A segmenter card written before cards carried their format is still told apart by its classes and task.
    assert card_kind({"task": "per-face classification", "classes": ["a"]}) == SEGMENTER
    with pytest.raises(CheckpointError, match="brepmae-encoder.pt is an encoder, not a segmenter "
                                              "\\(shipped segmenters: mfcad-seg\\)"):
        shipped_checkpoint_path("brepmae-encoder", kind=SEGMENTER)
    with pytest.raises(ValueError, match="kind: must be"):
        shipped_names(kind="head")
    (folder / "mfcad-seg.pt").write_bytes((folder / "mfcad-seg.pt").read_bytes() + b"\0")
    with pytest.raises(CheckpointError, match="mfcad-seg.pt: sha256 .* does not match its model card"):
        shipped_checkpoint_path("mfcad-seg", kind=SEGMENTER)


def test_each_kind_loads_by_name(shipped):
    import graphssl
    from graphssl.brepmae.prediction import resolve_segmenter

    folder, segmenter = shipped
    encoder = graphssl.load_pretrained("brepmae-encoder")
    assert encoder.card["description"] == "tiny test encoder"
    loaded = resolve_segmenter("mfcad-seg")
    assert loaded.card["format"] == "graphssl-segmenter" and loaded.card["classes"] == ["side", "top"]
    batch = Batch.from_data_list([tiny_part(5, grid=(3, 3))])
    with torch.no_grad():
        assert torch.equal(loaded(batch), segmenter(batch))
    assert resolve_segmenter("mfcad-seg", directory=folder).card == loaded.card
    with pytest.raises(CheckpointError, match="is an encoder, not a segmenter"):
        resolve_segmenter("brepmae-encoder")
    with pytest.raises(CheckpointError, match="no shipped segmenter of that name \\(shipped segmenters: mfcad-seg\\)"):
        resolve_segmenter("other-seg")
    # An absent announced segmenter, and only then, is "not shipped yet".
    (folder / "mfcad-seg.pt").unlink()
    with pytest.raises(CheckpointError, match="mfcad-seg segmenter is not shipped in this version yet"):
        resolve_segmenter("mfcad-seg")
