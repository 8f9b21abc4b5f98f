"""Peer for the planning benchmark: the linear program of docs/planning-model.md built
independently in Python and solved with highspy, from the same CSV network and demand file.

It builds the program without pruning: every position and process has a row in every week, and
every source, arc and stock a column in every week it could act, so its optimum checks that
arsenal's pruned program loses nothing. It covers demand files without disruption events.
Prints JSON: the value met and the cost (the two objectives), the program's size, and the
seconds spent reading, building and solving.

Usage: plan_lp.py NETWORK_DIR DEMAND_FILE [--horizon WEEKS]
"""

import argparse
import json
import math
import time
import tomllib

import highspy
import numpy as np

from network_csv import rows
from stress_sim import Network, great_circle_km, periods

HOLD = 1e-9


def topological(n_items, components):
    """Items, each before all of its components."""
    order, state = [], [0] * n_items
    for root in range(n_items):
        stack = [(root, False)]
        while stack:
            item, done = stack.pop()
            if done:
                state[item] = 2
                order.append(item)
                continue
            if state[item]:
                continue
            state[item] = 1
            stack.append((item, True))
            stack.extend((c, False) for c, _ in components[item] if not state[c])
    order.reverse()
    return order


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("network")
    parser.add_argument("demand")
    parser.add_argument("--horizon", type=int)
    args = parser.parse_args()

    started = time.perf_counter()
    with open(args.demand, "rb") as f:
        demand = tomllib.load(f)
    net = Network(args.network, 1.0)
    n_items = len(net.item_ids)
    # Lead times and unit costs, in the order of net.sources (by item, then as listed).
    listed = [[] for _ in range(n_items)]
    for s in rows(args.network, "sources"):
        listed[net.item_ix[s["item"]]].append(s)
    lead = [periods(float(s["lead_time_weeks"]), 1.0, 0) for item in listed for s in item]
    unit_cost = [float(s["unit_cost"]) for item in listed for s in item]
    components = [[] for _ in range(n_items)]
    for line in rows(args.network, "bom"):
        components[net.item_ix[line["parent"]]].append((net.item_ix[line["component"]], float(line["quantity"])))
    sources_by_item = [[] for _ in range(n_items)]
    for k, source in enumerate(net.sources):
        sources_by_item[source["item"]].append(k)

    targets = demand.get("target", [])
    horizon = args.horizon or demand.get("horizon_weeks") or max(t["due_week"] for t in targets)
    baseline = demand.get("baseline", "reserve")
    new_links = demand.get("new_links", True)
    setup_weeks = demand.get("setup_weeks", 2)
    setup_cost = demand.get("setup_cost", 0.0)
    freight_rate = demand.get("freight_per_1000km", 0.01)
    candidates = demand.get("new_link_candidates", 2)

    # Positions for the targets' sites, after every other position.
    for t in targets:
        if t.get("site"):
            key = (net.site_ix[t["site"]], net.item_ix[t["item"]])
            if key not in net.position_of:
                net.position_of[key] = len(net.positions)
                net.positions.append(key)
                net.opening.append(0.0)
                net.source_at.append(None)
    n_pos = len(net.positions)
    held = [[] for _ in range(n_items)]
    for q, (_, item) in enumerate(net.positions):
        held[item].append(q)

    # Normal production: what is claimed from each source, parents before components.
    uses = [0.0] * n_pos
    for link in net.links:
        uses[link["from"]] += link["normal"]
    for row in net.demand:
        uses[row["position"]] += row["normal"]
    normal = [0.0] * len(net.sources)
    for item in topological(n_items, components):
        for k in sources_by_item[item]:
            source = net.sources[k]
            normal[k] = min(uses[source["position"]], source["capacity"])
            for c, quantity in source["components"]:
                uses[c] += quantity * normal[k]
    normal_hours = [0.0] * len(net.hours)
    for k, source in enumerate(net.sources):
        for h, per_unit in source["hours"]:
            normal_hours[h] += per_unit * normal[k]
    reserve = baseline == "reserve"
    capacity = [max(s["capacity"] - normal[k], 0.0) if reserve else s["capacity"] for k, s in enumerate(net.sources)]
    hours = [max(h[2] - normal_hours[i], 0.0) if reserve else h[2] for i, h in enumerate(net.hours)]

    # What arrives from before the plan, unless today's demand is reserved.
    fixed = [[0.0] * horizon for _ in range(n_pos)]
    for q in range(n_pos):
        fixed[q][0] += net.opening[q]
    if not reserve:
        for link in net.links:
            for t in range(min(link["transit"], horizon)):
                fixed[link["to"]][t] += link["normal"]
        for k, source in enumerate(net.sources):
            if normal[k] > 0:
                for t in range(min(lead[k], horizon)):
                    fixed[source["position"]][t] += normal[k]

    # Target rows: (positions, quantity, first, due, value).
    target_rows = []
    for t in targets:
        item = net.item_ix[t["item"]]
        positions = [net.position_of[(net.site_ix[t["site"]], item)]] if t.get("site") else held[item]
        value = t.get("value", net.value[item])
        target_rows.append((positions, float(t["quantity"]), 0, min(t["due_week"], horizon), value))
    if baseline == "compete":
        for row in net.demand:
            for week in range(horizon):
                target_rows.append(([row["position"]], row["normal"], week, week + 1, net.value[row["item"]]))

    # Arcs: today's links, then new links into each position that uses or receives an item.
    def km(a, b):
        ca, cb = net.coords[a], net.coords[b]
        return great_circle_km(ca, cb) if ca and cb else None

    arcs = []
    for link in net.links:
        distance = km(link["supplier"], link["customer"])
        freight = freight_rate * net.value[link["item"]] * (distance or 0.0) / 1000.0
        arcs.append((link["from"], link["to"], link["transit"], 0, freight))
    if new_links:
        consumer = [False] * n_pos
        for source in net.sources:
            for c, _ in source["components"]:
                consumer[c] = True
        for t in targets:
            if t.get("site"):
                consumer[net.position_of[(net.site_ix[t["site"]], net.item_ix[t["item"]])]] = True
        if baseline == "compete":
            for row in net.demand:
                consumer[row["position"]] = True
        linked = {(link["from"], link["to"]) for link in net.links}
        for to in range(n_pos):
            if not consumer[to]:
                continue
            customer, item = net.positions[to]
            found = []
            for k in sources_by_item[item]:
                site = net.sources[k]["site"]
                if capacity[k] <= 0 or site == customer:
                    continue
                frm = net.position_of[(site, item)]
                if (frm, to) in linked:
                    continue
                distance = km(site, customer)
                found.append((distance if distance is not None else math.inf, site, frm, k))
            found.sort(key=lambda f: (f[0], f[1]))
            for distance, site, frm, k in found[:candidates]:
                d = km(site, customer)
                weeks = d / 4000.0 if d is not None else 1.0
                transit = periods(weeks, 1.0, 1)
                most = net.sources[k]["capacity"] * max(horizon - (setup_weeks + transit), 0)
                if most <= 0:
                    continue
                freight = freight_rate * net.value[item] * (d or 0.0) / 1000.0
                arcs.append((frm, to, transit, setup_weeks, freight + setup_cost / most))
    read_seconds = time.perf_counter() - started

    # The program, column by column (compressed sparse columns).
    started = time.perf_counter()
    T = horizon
    n_balance = n_pos * T
    n_hours = len(net.hours) * T
    row_lower = []
    row_upper = []
    for q in range(n_pos):
        for t in range(T):
            row_lower.append(-fixed[q][t])
            row_upper.append(math.inf)
    for h in range(len(net.hours)):
        for t in range(T):
            row_lower.append(-math.inf)
            row_upper.append(hours[h])
    for positions, quantity, first, due, value in target_rows:
        row_lower.append(-math.inf)
        row_upper.append(quantity)
    start, index, coef = [0], [], []
    lower, upper, worth, money = [], [], [], []

    def column(lo, hi, w, m, entries):
        lower.append(lo)
        upper.append(hi)
        worth.append(w)
        money.append(m)
        for r, a in entries:
            index.append(r)
            coef.append(a)
        start.append(len(index))

    for k, source in enumerate(net.sources):
        for t in range(T):
            entries = []
            if t + lead[k] < T:
                entries.append((source["position"] * T + t + lead[k], 1.0))
            entries.extend((c * T + t, -quantity) for c, quantity in source["components"])
            entries.extend((n_balance + h * T + t, per_unit) for h, per_unit in source["hours"])
            column(0.0, capacity[k], 0.0, unit_cost[k], entries)
    for frm, to, transit, opens, cost in arcs:
        for t in range(opens, T):
            entries = [(frm * T + t, -1.0)]
            if t + transit < T:
                entries.append((to * T + t + transit, 1.0))
            column(0.0, math.inf, 0.0, cost, entries)
    for q in range(n_pos):
        for t in range(T - 1):
            column(0.0, math.inf, 0.0, 0.0, [(q * T + t, -1.0), (q * T + t + 1, 1.0)])
    deliveries = []
    for k, (positions, quantity, first, due, value) in enumerate(target_rows):
        for q in positions:
            for t in range(first, due):
                deliveries.append(len(worth))
                column(0.0, math.inf, value, 0.0, [(q * T + t, -1.0), (n_balance + n_hours + k, 1.0)])

    lp = highspy.HighsLp()
    lp.num_col_ = len(worth)
    lp.num_row_ = len(row_lower)
    lp.col_cost_ = np.array(worth)
    lp.col_lower_ = np.array(lower)
    lp.col_upper_ = np.array(upper)
    lp.row_lower_ = np.array(row_lower)
    lp.row_upper_ = np.array(row_upper)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = np.array(start, dtype=np.int32)
    lp.a_matrix_.index_ = np.array(index, dtype=np.int32)
    lp.a_matrix_.value_ = np.array(coef)
    lp.sense_ = highspy.ObjSense.kMaximize
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("threads", 1)
    h.passModel(lp)
    build_seconds = time.perf_counter() - started

    started = time.perf_counter()
    h.run()
    assert h.getModelStatus() == highspy.HighsModelStatus.kOptimal, h.modelStatusToString(h.getModelStatus())
    met = h.getInfo().objective_function_value
    solve_met_seconds = time.perf_counter() - started

    started = time.perf_counter()
    h.addRow(met - HOLD * max(abs(met), 1.0), math.inf, len(deliveries),
             np.array(deliveries, dtype=np.int32), np.array([worth[c] for c in deliveries]))
    h.changeColsCost(len(money), np.arange(len(money), dtype=np.int32), np.array(money))
    h.changeObjectiveSense(highspy.ObjSense.kMinimize)
    h.run()
    assert h.getModelStatus() == highspy.HighsModelStatus.kOptimal, h.modelStatusToString(h.getModelStatus())
    cost = h.getInfo().objective_function_value
    solve_cost_seconds = time.perf_counter() - started

    print(json.dumps({
        "value_met": met,
        "cost": cost,
        "columns": len(worth),
        "rows": len(row_lower),
        "nonzeros": len(index),
        "read_seconds": read_seconds,
        "build_seconds": build_seconds,
        "solve_met_seconds": solve_met_seconds,
        "solve_cost_seconds": solve_cost_seconds,
    }))


if __name__ == "__main__":
    main()
