import inspect

import networkx as nx
import pytest
import torch
from torch_geometric.data import Batch

from graphssl.errors import ConfigError
from graphssl.pe import BUILTIN_KINDS, KINDS, AddPSE, LapPE, PSETransform, RWSE, parse_kinds, register_kind, resolve
from tests.pe.helpers import to_data, zoo_data


@pytest.mark.parametrize("kind", BUILTIN_KINDS)
def test_repr_shows_every_constructor_argument(kind):
    cls = KINDS[kind]
    names = [p for p in inspect.signature(cls.__init__).parameters if p != "self"]
    text = repr(resolve(kind))
    shown = "times" if kind == "heat" else None
    for name in names:
        if name == "k" and shown:
            continue  # heat shows the resulting times instead of k
        assert f"{name}=" in text, f"{name} missing from {text}"


@pytest.mark.parametrize("kind", BUILTIN_KINDS)
def test_cache_key_follows_repr(kind):
    a, b = resolve(kind), resolve(kind, attr_name="other")
    assert a.cache_key() == resolve(kind).cache_key()
    assert a.cache_key() != b.cache_key()


def test_cache_key_changes_with_size():
    assert RWSE(k=20).cache_key() != RWSE(k=16).cache_key()
    assert AddPSE([RWSE(k=20)]).cache_key() != AddPSE([RWSE(k=16)]).cache_key()


@pytest.mark.parametrize("kind", BUILTIN_KINDS)
def test_batched_equals_per_graph_transform(kind):
    datas = zoo_data()
    encoding = resolve(kind)
    batched = encoding.compute(Batch.from_data_list(datas))
    singles = [encoding(d.clone()) for d in datas]
    for name in encoding.output_names():
        expected = torch.cat([s[name] for s in singles])
        torch.testing.assert_close(batched[name], expected, atol=1e-5, rtol=0)
        width = batched[name].size(1)
        assert all(s[name].size(1) == width for s in singles), "width must not depend on graph size"


def test_output_dtypes():
    out = AddPSE([resolve(k) for k in BUILTIN_KINDS]).compute(Batch.from_data_list(zoo_data()))
    for name, value in out.items():
        expected = torch.bool if name.endswith("_mask") else torch.long if name == "louvain" else torch.float32
        assert value.dtype == expected, name


def test_add_pse_equals_separate_and_keeps_order():
    batch = Batch.from_data_list(zoo_data())
    encodings = [RWSE(k=7), LapPE(k=3), resolve("cycles"), resolve("heat", k=2)]
    combined = AddPSE(encodings).compute(batch)
    assert list(combined) == [n for e in encodings for n in e.output_names()]
    for e in encodings:
        for name, value in e.compute(batch).items():
            torch.testing.assert_close(combined[name], value, atol=1e-5, rtol=0)


def test_add_pse_rejects_clashes():
    with pytest.raises(ConfigError, match="same attribute"):
        AddPSE([RWSE(k=3), RWSE(k=4)])
    with pytest.raises(ConfigError, match="disagree on directed"):
        AddPSE([RWSE(), LapPE(directed="symmetrize")])


def test_parse_kinds():
    encodings = parse_kinds("rwse:20, lap:8,heat:8,spd,cycles", spd={"pairs": True})
    assert [repr(e).split("(")[0] for e in encodings] == ["RWSE", "LapPE", "HeatKernelDiag", "SPD", "CycleCounts"]
    assert encodings[0].k == 20 and encodings[3].pairs
    for bad, message in [("degree:3", "takes no size"), ("rwse:x", "must be an integer"), ("", "no PSE kinds")]:
        with pytest.raises(ConfigError, match=message):
            parse_kinds(bad)


def test_transform_on_data_adds_attributes():
    data = AddPSE([RWSE(k=4), LapPE(k=2, attr_name="eig")])(to_data(nx.cycle_graph(5)))
    assert data.rwse.shape == (5, 4) and data.eig.shape == (5, 2) and data.eig_mask.dtype == torch.bool


def test_register_kind_adds_a_plugin_kind_and_refuses_duplicates():
    from graphssl.pe.registry import SIZE_PARAMS

    class ScaledDegree(PSETransform):
        kind = "test_scaled_degree"

        def __init__(self, scale: int = 2, **kwargs):
            super().__init__(**kwargs)
            self.scale = scale

        def _compute(self, graphs):
            return {"": torch.from_numpy(graphs.adjacency().sum(1).A1).float().view(-1, 1) * self.scale}

    try:
        register_kind("test_scaled_degree", size_param="scale")(ScaledDegree)
        assert "test_scaled_degree" in KINDS and "test_scaled_degree" not in BUILTIN_KINDS
        (encoding,) = parse_kinds("test_scaled_degree:3")
        out = encoding.compute(to_data(nx.path_graph(3)))["test_scaled_degree"]
        assert out.view(-1).tolist() == [3.0, 6.0, 3.0]
        with pytest.raises(ConfigError, match="already registered"):
            register_kind("rwse")(ScaledDegree)
    finally:
        # Registries have no removal on purpose; the test undoes its own entry.
        KINDS._entries.pop("test_scaled_degree", None)
        SIZE_PARAMS.pop("test_scaled_degree", None)
