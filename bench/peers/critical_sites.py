"""Peer for the structural risk benchmark: critical sites with NetworkX.

Reads a CSV network directory, builds the bill-of-materials graph in NetworkX, and for every end
product (items with demand or of kind product) finds the sole qualified sources of the items it
depends on (nx.descendants), which are exactly its critical sites. Prints JSON with the seconds
spent and a checksum of the result (number of (site, product) pairs) to compare with arsenal.
Usage: critical_sites.py NETWORK_DIR
"""

import csv
import json
import os
import sys
import time

import networkx as nx


def rows(network_dir, table):
    path = os.path.join(network_dir, table + ".csv")
    if not os.path.exists(path):
        return []
    with open(path, newline="", encoding="utf-8-sig") as f:
        return list(csv.DictReader(f))


def main():
    network_dir = sys.argv[1]
    started = time.perf_counter()
    items = rows(network_dir, "items")
    bom = rows(network_dir, "bom")
    sources = rows(network_dir, "sources")
    demand = rows(network_dir, "demand")
    loaded = time.perf_counter()

    graph = nx.DiGraph()
    graph.add_nodes_from(item["id"] for item in items)
    graph.add_edges_from((line["parent"], line["component"]) for line in bom)
    sites_of = {}
    for source in sources:
        sites_of.setdefault(source["item"], []).append(source["site"])
    ends = {d["item"] for d in demand} | {i["id"] for i in items if i["kind"] == "product"}
    pairs = 0
    for product in ends:
        needed = nx.descendants(graph, product) | {product}
        if any(not sites_of.get(item) for item in needed):
            continue
        critical = {sites_of[item][0] for item in needed if len(sites_of[item]) == 1}
        pairs += len(critical)
    done = time.perf_counter()
    print(json.dumps({"load_seconds": loaded - started, "critical_seconds": done - loaded, "pairs": pairs}))


if __name__ == "__main__":
    main()
