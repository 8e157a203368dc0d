"""The shipped gfse-small: under 10 MB, loads offline with weights_only, reproduces its recorded outputs."""

import hashlib
import json
from pathlib import Path

import pytest
import torch

import graphssl.checkpoints
from graphssl.gfse.record_reference import ATOL, max_deviation, record, reference_graph

SHIPPED = Path(graphssl.checkpoints.__file__).parent
CHECKPOINT, REFERENCE = SHIPPED / "gfse-small.pt", SHIPPED / "gfse-small.reference.json"


def test_recorded_outputs_are_reproduced_and_a_changed_weight_is_caught(gfse_checkpoint, tmp_path):
    out = tmp_path / "reference.json"
    entry = record(gfse_checkpoint, out)
    assert len(entry["node"]) == reference_graph().num_nodes and len(entry["node"][0]) == 16
    assert entry["sha256"] == hashlib.sha256(Path(gfse_checkpoint).read_bytes()).hexdigest()
    assert max_deviation(gfse_checkpoint, out) < 1e-6
    tampered = json.loads(out.read_text())
    tampered["node"][3][5] += 10 * ATOL
    out.write_text(json.dumps(tampered))
    assert max_deviation(gfse_checkpoint, out) > ATOL


@pytest.mark.skipif(not (CHECKPOINT.is_file() and REFERENCE.is_file()),
                    reason="graphssl/checkpoints/gfse-small.pt or gfse-small.reference.json not shipped yet")
def test_shipped_checkpoint_loads_offline_and_reproduces_its_outputs():
    import graphssl
    from graphssl.checkpoints import shipped_names
    from graphssl.gfse import GFSEEncoder

    recorded = json.loads(REFERENCE.read_text())
    assert CHECKPOINT.stat().st_size < 10 * 2**20
    assert recorded["sha256"] == hashlib.sha256(CHECKPOINT.read_bytes()).hexdigest()
    torch.load(CHECKPOINT, map_location="cpu", weights_only=True)
    assert "gfse-small" in shipped_names()
    assert isinstance(graphssl.load_pretrained("gfse-small").encoder, GFSEEncoder)
    assert max_deviation("gfse-small", REFERENCE) <= recorded["atol"]
