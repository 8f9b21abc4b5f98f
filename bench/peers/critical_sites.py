"""Peer for the structural risk benchmark: the same three sections as `arsenal risks` computes
without an optimizer, with NetworkX.

Reads a CSV network directory, builds the bill-of-materials graph in NetworkX, and for every end
product (items with demand or of kind product) finds the items it depends on (nx.descendants);
from those it derives the sole sources with the products needing them, the critical sites (the
sole sources of a makeable product's items), and for every needed item with two or more sources
the Herfindahl-Hirschman index of its capacity by state and by country. Prints JSON with the
seconds spent and checksums (critical (site, product) pairs, sole-sourced items, concentrated
items) to compare with arsenal. Usage: critical_sites.py NETWORK_DIR
"""

import json
import sys
import time

import networkx as nx

from network_csv import rows


def main():
    network_dir = sys.argv[1]
    started = time.perf_counter()
    items = rows(network_dir, "items")
    bom = rows(network_dir, "bom")
    sources = rows(network_dir, "sources")
    demand = rows(network_dir, "demand")
    sites = rows(network_dir, "sites")
    loaded = time.perf_counter()

    graph = nx.DiGraph()
    graph.add_nodes_from(item["id"] for item in items)
    graph.add_edges_from((line["parent"], line["component"]) for line in bom)
    sites = {site["id"]: site for site in sites}
    sites_of = {}
    capacity_of = {}
    for source in sources:
        sites_of.setdefault(source["item"], []).append(source["site"])
        capacity_of.setdefault(source["item"], []).append((source["site"], float(source["max_units_per_week"])))
    ends = {d["item"] for d in demand} | {i["id"] for i in items if i["kind"] == "product"}
    pairs = 0
    needed_by = {}
    for product in ends:
        needed = nx.descendants(graph, product) | {product}
        for item in needed:
            needed_by.setdefault(item, []).append(product)
        if any(not sites_of.get(item) for item in needed):
            continue
        critical = {sites_of[item][0] for item in needed if len(sites_of[item]) == 1}
        pairs += len(critical)
    sole = [item for item in needed_by if len(sites_of.get(item, [])) == 1]

    def hhi(item, field):
        total = sum(c for _, c in capacity_of[item])
        shares = {}
        for site, c in capacity_of[item]:
            key = sites[site][field] or None
            shares[key] = shares.get(key, 0.0) + c / total
        return sum((100 * v) ** 2 for v in shares.values())

    concentration = [
        (item, hhi(item, "state"), hhi(item, "country"))
        for item in needed_by
        if len(sites_of.get(item, [])) >= 2 and sum(c for _, c in capacity_of[item]) > 0
    ]
    concentration.sort(key=lambda c: (-c[1], -c[2], c[0]))
    done = time.perf_counter()
    print(json.dumps({
        "load_seconds": loaded - started,
        "critical_seconds": done - loaded,
        "pairs": pairs,
        "sole_sourced": len(sole),
        "concentrated": len(concentration),
    }))


if __name__ == "__main__":
    main()
