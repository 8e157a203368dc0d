import networkx as nx
import numpy as np
import pytest
import torch

from graphssl.pe import Clustering, Degree, PageRank
from tests.pe.helpers import permute, to_data, zoo, zoo_data


@pytest.mark.parametrize("index", range(len(zoo())))
def test_against_networkx(index):
    graph, data = zoo()[index], zoo_data()[index]
    nodes = list(graph.nodes)
    n = len(nodes)
    degree = Degree().compute(data)["degree"].view(-1).numpy()
    np.testing.assert_allclose(degree, [graph.degree(v, weight="weight") for v in nodes], atol=1e-5)
    clustering = Clustering().compute(data)["clustering"].view(-1).numpy()
    expected = nx.clustering(graph)
    np.testing.assert_allclose(clustering, [expected[v] for v in nodes], atol=1e-6)
    rank = PageRank(alpha=0.8).compute(data)["pagerank"].view(-1).numpy()
    expected = nx.pagerank(graph, alpha=0.8, tol=1e-13, max_iter=10_000) if n else {}
    np.testing.assert_allclose(rank, [expected[v] * n for v in nodes], atol=1e-5)


def test_pagerank_is_per_graph_in_a_batch():
    from torch_geometric.data import Batch

    datas = zoo_data()
    batched = PageRank().compute(Batch.from_data_list(datas))["pagerank"]
    torch.testing.assert_close(batched, torch.cat([PageRank()(d).pagerank for d in datas]), atol=1e-6, rtol=0)


def test_self_loop_and_duplicates_in_degree_but_not_clustering():
    data = to_data(nx.complete_graph(3))
    data.edge_index = torch.cat([data.edge_index, torch.tensor([[0, 0, 1], [0, 1, 0]])], 1)
    torch.testing.assert_close(Degree()(data).degree.view(-1), torch.tensor([4.0, 3.0, 2.0]))
    torch.testing.assert_close(Clustering()(data).clustering.view(-1), torch.ones(3))


@pytest.mark.parametrize("cls", [Degree, Clustering, PageRank])
@pytest.mark.parametrize("index", range(len(zoo())))
def test_permutation_equivariance(cls, index):
    data = zoo_data()[index]
    perm = torch.randperm(data.num_nodes, generator=torch.Generator().manual_seed(index))
    out = cls().compute(data)[cls.kind]
    torch.testing.assert_close(cls().compute(permute(data, perm))[cls.kind], out[perm], atol=1e-6, rtol=1e-6)
