"""Checkpoint integrity and the resume rules: digest, foreign files, temp files, world size, finished runs."""

import struct
import zipfile

import pytest
import torch
from torch_geometric.data import Data

from graphssl.errors import CheckpointError
from graphssl.train import load_checkpoint, load_config, load_encoder, pretrain, save_checkpoint
from graphssl.data.spec import AttributeSpec, GraphSpec
from graphssl.train.checkpoint import payload_digest, remove_stale_temporaries, spec_entries, spec_from_payload


def flip_bytes_inside_largest_tensor(path):
    """Invert 4 bytes in the middle of the largest stored tensor, leaving the zip container readable."""
    with zipfile.ZipFile(path) as archive:
        info = max((i for i in archive.infolist() if "/data/" in i.filename), key=lambda i: i.file_size)
    raw = bytearray(path.read_bytes())
    name_length, extra_length = struct.unpack("<HH", raw[info.header_offset + 26 : info.header_offset + 30])
    middle = info.header_offset + 30 + name_length + extra_length + info.file_size // 2
    raw[middle : middle + 4] = bytes(b ^ 0xFF for b in raw[middle : middle + 4])
    path.write_bytes(bytes(raw))


def rewrite(path, **changes):
    """Edit a checkpoint's entries and save it again with a valid digest (as another world size would have)."""
    payload = load_checkpoint(path)
    payload.update(changes)
    save_checkpoint(path, payload)


def test_digest_covers_tensor_bytes_and_plain_values():
    state = {"w": torch.arange(6.0).view(2, 3), "step": 3, "nested": [{"b": torch.tensor([True, False])}]}
    assert payload_digest(state) == payload_digest({k: v for k, v in state.items()})
    assert payload_digest(state) != payload_digest({**state, "w": torch.arange(6.0).view(3, 2)})
    one_bit = state["w"].clone()
    one_bit.view(torch.int32)[1, 2] ^= 1
    assert payload_digest(state) != payload_digest({**state, "w": one_bit})
    assert payload_digest(state) != payload_digest({**state, "step": 4})


def test_flipped_bytes_inside_a_tensor_are_refused_by_load_and_resume(tiny_config, tmp_path):
    config = load_config(tiny_config())
    out = tmp_path / "run"
    path = pretrain(config, out, progress=False, stop_after=4)
    flip_bytes_inside_largest_tensor(path)
    torch.load(path, weights_only=True)  # the zip container alone does not notice
    for attempt in (lambda: load_checkpoint(path), lambda: load_encoder(out),
                    lambda: pretrain(config, out, resume=True, progress=False)):
        with pytest.raises(CheckpointError, match=f"^{path}: corrupt checkpoint, its contents do not match the stored digest$"):
            attempt()


@pytest.mark.parametrize("graph_class", ["Data", "MolData"])
def test_a_list_of_graphs_is_named_in_one_line_without_terminal_escapes(tmp_path, graph_class):
    from graphssl.chem.data import MolData  # plain PyG Data subclass: no RDKit needed

    cls = {"Data": Data, "MolData": MolData}[graph_class]
    path = tmp_path / "graphs.pt"
    torch.save([cls(x=torch.zeros(2, 1), edge_index=torch.tensor([[0, 1], [1, 0]]))], path)
    with pytest.raises(CheckpointError) as error:
        load_encoder(path)
    message = str(error.value)
    assert message.startswith(f"{path}: not a graphssl checkpoint; it holds pickled Python objects (")
    assert "\x1b" not in message and "\n" not in message and "weights_only" not in message


def test_stale_temporary_files_are_removed_on_start_and_resume(tiny_config, tmp_path):
    config = load_config(tiny_config())
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    (fresh / ".checkpoint.pt.tmp-424242").write_bytes(b"half a checkpoint")
    pretrain(config, fresh, progress=False, stop_after=2)
    assert sorted(p.name for p in fresh.iterdir() if p.name.startswith(".")) == []
    (fresh / ".checkpoint.pt.tmp-434343").write_bytes(b"half a checkpoint")
    pretrain(config, fresh, resume=True, progress=False)
    assert not (fresh / ".checkpoint.pt.tmp-434343").exists()
    assert remove_stale_temporaries(fresh / "checkpoint.pt") == []


def test_changed_world_size_is_refused_naming_both_sizes(tiny_config, tmp_path, capsys):
    config = load_config(tiny_config())
    out = tmp_path / "run"
    path = pretrain(config, out, progress=False, stop_after=5)
    payload = load_checkpoint(path)
    rewrite(path, world_size=2, rng=payload["rng"] * 2)
    before = path.read_bytes()
    refusal = "trained on 2 process\\(es\\) and is being resumed on 1.*--allow-world-size-change"
    with pytest.raises(CheckpointError, match=refusal):
        pretrain(config, out, resume=True, progress=False)
    assert path.read_bytes() == before
    pretrain(config, out, resume=True, progress=False, allow_world_size_change=True)
    assert "resuming a 2-process run on 1 process(es)" in capsys.readouterr().err
    final = load_checkpoint(path)
    assert final["finished"] and final["step"] == final["total_steps"] == 12 and final["world_size"] == 1


def test_a_finished_run_is_never_trained_further_across_world_sizes(tiny_config, tmp_path):
    config = load_config(tiny_config(train={"epochs": 2, "steps": None}))
    out = tmp_path / "run"
    path = pretrain(config, out, progress=False)
    # On 2 processes an epoch has half the steps: the 1-process total differs from the saved one.
    rewrite(path, world_size=2, total_steps=load_checkpoint(path)["total_steps"] // 2)
    before = path.read_bytes()
    for allow in (False, True):
        with pytest.raises(CheckpointError, match="already finished"):
            pretrain(config, out, resume=True, progress=False, allow_world_size_change=allow)
    assert path.read_bytes() == before


def test_checkpoint_records_the_budget(tiny_config, tmp_path):
    path = pretrain(load_config(tiny_config()), tmp_path / "run", progress=False, stop_after=4)
    budget = load_checkpoint(path)["budget"]
    assert budget["graphs_seen"] == 4 * 8 and budget["wall_time_s"] > 0
    assert budget["epochs"] == pytest.approx(4 / 6) and budget["hardware"]["cpu_cores"] >= 1
    pretrain(load_config(tiny_config()), tmp_path / "run", resume=True, progress=False)
    resumed = load_checkpoint(path)["budget"]
    assert resumed["graphs_seen"] == 12 * 8 and resumed["wall_time_s"] > budget["wall_time_s"]


@pytest.mark.parametrize("kind", ["plain", "cad"])
def test_the_data_layout_is_stored_with_its_class(tmp_path, kind):
    if kind == "cad":
        from graphssl.cad.spec import cad_graph_spec  # a GraphSpec subclass with column blocks; no OpenCascade needed

        spec = cad_graph_spec(num_classes=4)
    else:
        spec = GraphSpec(node_categorical=[3, 2], attributes={"rwse": AttributeSpec("node", shape=[4])},
                         groups={"fragment": "frag_x"})
    save_checkpoint(tmp_path / "c.pt", {"model": {}, **spec_entries(spec)})
    loaded = spec_from_payload(load_checkpoint(tmp_path / "c.pt"), tmp_path / "c.pt")
    assert type(loaded) is type(spec) and loaded == spec
    with pytest.raises(CheckpointError, match="data layout class no_such_module:Spec cannot be imported"):
        spec_from_payload({"spec": {}, "spec_class": "no_such_module:Spec"}, "c.pt")
