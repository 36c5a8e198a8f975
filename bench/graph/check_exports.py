"""Loads the exporters' output with networkx and checks counts and attributes.

Usage: python3 check_exports.py GRAPHML GEXF13 GEXF12 (files written by the export_demo example).
"""
import sys

import networkx as nx

graphml, gexf13, gexf12 = sys.argv[1:4]
g = nx.read_graphml(graphml)
assert g.is_multigraph(), "two Turin-Eurocities memberships are kept"
assert (g.number_of_nodes(), g.number_of_edges()) == (4, 4), (g.number_of_nodes(), g.number_of_edges())
assert g.nodes["turin"]["label"] == "Turin & <Torino>" and g.nodes["turin"]["country"] == "IT"
assert g.nodes["eurocities"]["from_year"] == 1986 and "to_year" not in g.nodes["eurocities"]
w = [d["weight"] for _, _, d in g.edges(data=True) if d["kind"] == "interaction"]
assert w == [4.0], w
for path, version in [(gexf13, "1.3"), (gexf12, "1.2draft")]:
    h = nx.read_gexf(path, version=version)
    assert (h.number_of_nodes(), h.number_of_edges()) == (4, 4), (version, h.number_of_nodes(), h.number_of_edges())
    assert h.nodes["turin"]["kind"] == "locality" and h.nodes["turin"]["label"] == "Turin & <Torino>"
    assert h.nodes["eurocities"]["start"] == 1986
    spans = sorted((d.get("start"), d.get("end")) for u, v, d in h.edges(data=True) if d.get("kind") == "membership")
    assert spans == [(1991, 2014), (2018, None)], spans
print("networkx", nx.__version__, "reads GraphML, GEXF 1.3 and GEXF 1.2draft: counts and attributes ok")
