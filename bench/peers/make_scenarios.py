"""Writes the scenario set of the stress-test benchmark for a CSV network: one scenario of each
kind, aimed at what matters most in that network, chosen deterministically.

- site: the site whose outgoing links carry the most value, down 4 weeks from week 2, 2-week ramp;
- state: the state with the most sites, at 50 % for 3 weeks from week 1, 3-week ramp;
- circle: 150 km around that first site, down 2 weeks from week 3;
- process: the process with the most hours, at 30 % for 3 weeks from week 2;
- link: the link carrying the most value, cut for 5 weeks from week 1;
- surge: demand for the product with the most demand doubled for 4 weeks from week 2.

Usage: make_scenarios.py NETWORK_DIR OUT_DIR
"""

import json
import os
import sys

from network_csv import rows


def main():
    network_dir, out_dir = sys.argv[1], sys.argv[2]
    os.makedirs(out_dir, exist_ok=True)
    value = {i["id"]: float(i["unit_value"]) for i in rows(network_dir, "items")}
    sites = {s["id"]: s for s in rows(network_dir, "sites")}
    links = rows(network_dir, "links")
    if not links:
        sys.exit(f"make_scenarios.py: {network_dir} holds no links.csv with links; give a network's CSV directory")
    shipped = {}
    for link in links:
        shipped[link["supplier"]] = shipped.get(link["supplier"], 0.0) + float(link["units_per_week"]) * value[link["item"]]
    top_site = max(sorted(shipped), key=lambda s: shipped[s])
    by_state = {}
    for s in sites.values():
        if s["state"]:
            by_state[s["state"]] = by_state.get(s["state"], 0) + 1
    top_state = max(sorted(by_state), key=lambda s: by_state[s])
    hours = {}
    for c in rows(network_dir, "capabilities"):
        hours[c["process"]] = hours.get(c["process"], 0.0) + float(c["hours_per_week"])
    top_process = max(sorted(hours), key=lambda p: hours[p])
    top_link = max(links, key=lambda l: (float(l["units_per_week"]) * value[l["item"]], l["supplier"], l["customer"], l["item"]))
    demand = {}
    for d in rows(network_dir, "demand"):
        demand[d["item"]] = demand.get(d["item"], 0.0) + float(d["units_per_week"]) * value[d["item"]]
    top_product = max(sorted(demand), key=lambda p: demand[p])
    centre = sites[top_site]
    scenarios = {
        "site": {"kind": "site", "site": top_site, "start_week": 2, "duration_weeks": 4, "recovery_weeks": 2},
        "state": {"kind": "state", "state": top_state, "capacity": 0.5, "start_week": 1, "duration_weeks": 3,
                  "recovery_weeks": 3},
        "circle": {"kind": "circle", "latitude": float(centre["latitude"]), "longitude": float(centre["longitude"]),
                   "radius_km": 150, "start_week": 3, "duration_weeks": 2},
        "process": {"kind": "process", "process": top_process, "capacity": 0.3, "start_week": 2,
                    "duration_weeks": 3},
        "link": {"kind": "link", "supplier": top_link["supplier"], "customer": top_link["customer"],
                 "item": top_link["item"], "start_week": 1, "duration_weeks": 5},
        "surge": {"kind": "surge", "item": top_product, "factor": 2.0, "start_week": 2, "duration_weeks": 4},
    }
    for name, event in scenarios.items():
        with open(os.path.join(out_dir, name + ".json"), "w", encoding="utf-8") as f:
            json.dump({"name": name, "horizon_weeks": 52, "event": [event]}, f, indent=2)
    print(" ".join(sorted(scenarios)))


if __name__ == "__main__":
    main()
