"""Segmenter files: save/load round trip (same logits), card contents, corrupt files, and fine-tuning on a toy task."""

from __future__ import annotations

import pytest
import torch
from torch_geometric.data import Batch

# graphssl.brepmae is imported inside the tests, not at collection: the core's objective tests parametrize
# over every objective registered when they are collected, and brep_mae needs face grids their graphs lack.
from graphssl.errors import CheckpointError, ConfigError
from tests.brepmae.conftest import tiny_encoder, tiny_part, tiny_spec

OPTIONS = {"face_grid_size": (3, 3), "edge_grid_size": 4}


def test_round_trip_gives_the_same_logits_and_a_card(tmp_path):
    from graphssl.brepmae.segmenter import FaceSegmenter, load_segmenter, save_segmenter

    spec = tiny_spec()
    segmenter = FaceSegmenter(tiny_encoder(spec), 2, head_hidden=8).eval()
    path = save_segmenter(tmp_path / "seg.pt", segmenter, class_names=["a", "b"], spec=spec, options=OPTIONS)
    loaded = load_segmenter(path)
    batch = Batch.from_data_list([tiny_part(5)])
    assert torch.equal(loaded(batch), segmenter(batch))
    card = loaded.card
    assert card["classes"] == ["a", "b"] and card["input"]["face_grid"] == [7, 3, 3]
    assert card["input"]["extraction"]["edge_grid_size"] == 4 and card["input"]["face_attributes"][0] == "plane"
    assert (tmp_path / "seg.json").is_file()


def test_bad_files_and_arguments(tmp_path):
    from graphssl.brepmae.segmenter import FaceSegmenter, load_segmenter, save_segmenter

    spec = tiny_spec()
    segmenter = FaceSegmenter(tiny_encoder(spec), 2)
    with pytest.raises(ConfigError, match="3 names for a 2-class head"):
        save_segmenter(tmp_path / "s.pt", segmenter, class_names=["a", "b", "c"], spec=spec, options=OPTIONS)
    with pytest.raises(CheckpointError, match="a segmenter is a .pt file"):
        save_segmenter(tmp_path / "s.pth", segmenter, class_names=["a", "b"], spec=spec, options=OPTIONS)
    from graphssl.train.checkpoint import save_checkpoint

    other = save_checkpoint(tmp_path / "enc.pt", {"encoder": {}}, format="graphssl-encoder")
    with pytest.raises(CheckpointError, match=r"enc.pt: not a graphssl-segmenter file \(format 'graphssl-encoder'\)"):
        load_segmenter(other)


def test_fine_tuning_fits_a_toy_labelling_and_scores_it():
    """Label = whether the face is a plane: the surface-type embedding alone tells it, so training reaches 100%."""
    from graphssl.brepmae.finetune import SegmentConfig, score, train_segmenter

    spec = tiny_spec()
    parts = []
    for seed in range(4):
        part = tiny_part(6, seed=seed)
        part.y = (part.x[:, 0] > 0).long()
        parts.append(part)
    segmenter, history = train_segmenter(tiny_encoder(spec), parts, 2, SegmentConfig(epochs=40, batch_size=4, lr=0.02),
                                         val=parts)
    assert len(history) == 40 and "val_accuracy" in history[0]
    metrics = score(segmenter, parts)
    assert metrics == {"accuracy": 1.0, "miou": 1.0}
