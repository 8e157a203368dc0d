"""The shipped BRepMAE configs load, never list MFCAD val/test, and build their model on the CAD layout."""

from __future__ import annotations

from pathlib import Path

import pytest

CONFIGS = Path(__file__).resolve().parents[2] / "examples" / "configs"


@pytest.mark.parametrize("name", ["brepmae_pretrain", "brepmae_smoke"])
def test_config_builds_its_model_and_reads_train_splits_only(name):
    from graphssl.cad.spec import cad_graph_spec
    from graphssl.train import load_config
    from graphssl.train.model import build_pretrain_model

    config = load_config(CONFIGS / f"{name}.yaml")
    assert [(d.name, d.params["split"]) for d in config.datasets] == [("cad_generated", "train"), ("mfcad", "train")]
    model = build_pretrain_model(config, cad_graph_spec())
    assert [type(m).__name__ for m in model.encoder.node_input.inputs] == ["FaceInput"]
    assert [type(m).__name__ for m in model.encoder.edge_input.inputs] == ["EdgeInput"]
    assert [o.name for o in model.objectives.objectives] == ["brep_mae"]
