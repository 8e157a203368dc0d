"""Dataset and transform registries: one Registry behaviour, every built-in name kept."""

import pytest

from graphssl.data.registry import (DATASETS, TRANSFORMS, build_dataset, build_transform, register_dataset,
                                    register_transform)
from graphssl.data.synthetic import SyntheticGraphs
from graphssl.errors import ConfigError
from graphssl.pe.rwse import RWSE
from graphssl.registry import Registry

BUILT_IN_DATASETS = ["cad_generated", "fusion360_seg", "mfcad", "mfcadpp", "mfinstseg", "molecule_csv", "molecule_graphs", "pyg_saved",
                     "synthetic", "tu"]
BUILT_IN_TRANSFORMS = ["clustering", "cycles", "degree", "electrostatic", "heat", "lap", "louvain", "pagerank", "pse",
                       "resistance", "rrwp", "rwse", "spd"]


def test_every_built_in_name_is_registered_lazily():
    assert isinstance(DATASETS, Registry) and isinstance(TRANSFORMS, Registry)
    assert set(BUILT_IN_DATASETS) <= set(DATASETS.names())
    assert set(BUILT_IN_TRANSFORMS) <= set(TRANSFORMS.names())
    assert DATASETS.get("synthetic") is SyntheticGraphs
    assert TRANSFORMS.get("rwse") is RWSE


def test_duplicates_raise_instead_of_overwriting():
    with pytest.raises(ConfigError, match="'synthetic' is already registered"):
        register_dataset("synthetic", "my_package.data:Other")
    with pytest.raises(ConfigError, match="'rwse' is already registered"):
        register_transform("rwse", RWSE)
    assert DATASETS.get("synthetic") is SyntheticGraphs


def test_register_and_build_a_plugin_dataset_and_transform():
    @register_dataset("test_tiny_synthetic")
    class Tiny(SyntheticGraphs):
        pass

    register_transform("test_rwse_alias", "graphssl.pe.rwse:RWSE")
    try:
        assert len(build_dataset("test_tiny_synthetic", {"num_graphs": 3})) == 3
        assert build_transform("test_rwse_alias", {"k": 3}).k == 3
    finally:
        DATASETS._entries.pop("test_tiny_synthetic")
        TRANSFORMS._entries.pop("test_rwse_alias")


def test_unknown_names_and_parameters_get_suggestions():
    with pytest.raises(ConfigError, match="unknown dataset 'synthtic'.*did you mean 'synthetic'"):
        build_dataset("synthtic")
    with pytest.raises(ConfigError, match="has no parameter 'num_graph'.*did you mean 'num_graphs'"):
        build_dataset("synthetic", {"num_graph": 3})
    with pytest.raises(ConfigError, match="unknown transform 'rwsee'.*did you mean 'rwse'"):
        build_transform("rwsee")


@pytest.mark.parametrize("params, message", [
    ({"num_graphs": 0}, r"num_graphs: must be in \[1, inf\), got 0"),
    ({"min_nodes": 2}, r"min_nodes: must be in \[4, inf\), got 2"),
    ({"min_nodes": 10, "max_nodes": 5}, r"max_nodes: must be at least min_nodes \(10\), got 5"),
    ({"seed": -1}, r"seed: must be in \[0, inf\), got -1"),
])
def test_synthetic_bad_parameters_name_the_parameter(params, message):
    with pytest.raises(ConfigError, match=message):
        build_dataset("synthetic", params)
