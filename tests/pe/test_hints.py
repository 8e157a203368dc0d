import networkx as nx
import pytest

from graphssl.errors import ConfigError, InvalidGraphError
from graphssl.pe import RWSE
from graphssl.pe.hints import Param, param_error, spell
from tests.pe.helpers import to_data


def test_python_spelling_and_flag_spelling():
    error = param_error(InvalidGraphError, "graph 2: too many; raise {cap} or set {mode}",
                        cap=Param("max_paths"), mode=Param("directed", "symmetrize"))
    assert isinstance(error, InvalidGraphError)
    assert str(error) == "graph 2: too many; raise max_paths or set directed='symmetrize'"
    flags = {"max_paths": "--max-paths", "directed": "--directed"}
    assert spell(error, flags) == "graph 2: too many; raise --max-paths or set --directed symmetrize"
    assert spell(error, {}) == str(error)


def test_other_braces_are_kept():
    error = param_error(ConfigError, "{a,b}.txt: pass {fmt}", fmt=Param("fmt"))
    assert str(error) == "{a,b}.txt: pass fmt" and spell(error, {"fmt": "--format"}) == "{a,b}.txt: pass --format"


def test_plain_errors_spell_as_str():
    assert spell(ValueError("no fields {x}"), {"x": "--x"}) == "no fields {x}"


def test_python_callers_see_python_names():
    data = to_data(nx.path_graph(3))
    data.edge_index = data.edge_index[:, :3]  # drop one direction of one edge
    with pytest.raises(InvalidGraphError, match=r"pass directed='symmetrize' \(uses max\(A, A\^T\)\)"):
        RWSE(k=2).compute(data)
