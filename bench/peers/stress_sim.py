"""Peer for the stress-test benchmark: the simulation of docs/scenarios.md written independently
in Python with SimPy, from the same CSV network and scenario files.

Shipments are SimPy processes that arrive at the start of a period (integer times); each period's
work (orders, production, shipping and demand) runs mid-period (time t + 0.5), so arrivals come
first as the rules say. Prints JSON: seconds spent and, per product, the units due and served on
time in every period, to compare with `arsenal stress --json`.

Usage: stress_sim.py NETWORK_DIR SCENARIO_FILE [--horizon WEEKS] [--period week|day]
       [--unmet lost-sales|backlog]
"""

import argparse
import json
import math
import sys
import time
import tomllib

import simpy

from network_csv import rows

KM_PER_WEEK = 4000.0
DEFAULT_LEAD_WEEKS = 1.0
EARTH_RADIUS_KM = 6371.0088
TOLERANCE = 1e-9


def number(text, default=None):
    return float(text) if text not in (None, "") else default


def round_half_away(x):
    return math.floor(x + 0.5) if x >= 0 else -math.floor(-x + 0.5)


def periods(weeks, per, least):
    return max(int(max(round_half_away(weeks / per), 0)), least)


def great_circle_km(a, b):
    lat1, lon1, lat2, lon2 = map(math.radians, (a[0], a[1], b[0], b[1]))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(math.sqrt(h), 1.0))


class Network:
    """The simulation's view of the CSV network: positions (site, item), sources, hours rows,
    links and demand rows, in the order the rules visit them."""

    def __init__(self, network_dir, per):
        self.sites = rows(network_dir, "sites")
        site_ix = {s["id"]: i for i, s in enumerate(self.sites)}
        self.site_ids = [s["id"] for s in self.sites]
        items = rows(network_dir, "items")
        self.item_ids = [i["id"] for i in items]
        item_ix = {i["id"]: n for n, i in enumerate(items)}
        self.value = [float(i["unit_value"]) for i in items]
        self.coords = [
            (float(s["latitude"]), float(s["longitude"])) if s["latitude"] and s["longitude"] else None
            for s in self.sites
        ]
        self.org = [s["organization"] for s in self.sites]
        self.state = [s["state"] or None for s in self.sites]

        components = [[] for _ in items]
        for line in rows(network_dir, "bom"):
            components[item_ix[line["parent"]]].append((item_ix[line["component"]], float(line["quantity"])))
        routings = [[] for _ in items]
        for r in rows(network_dir, "routings"):
            routings[item_ix[r["item"]]].append((r["process"], float(r["hours_per_unit"])))
        capability = {}
        for c in rows(network_dir, "capabilities"):
            key = (site_ix[c["site"]], c["process"])
            capability[key] = capability.get(key, 0.0) + float(c["hours_per_week"])
        sources_of = [[] for _ in items]
        for s in rows(network_dir, "sources"):
            sources_of[item_ix[s["item"]]].append((site_ix[s["site"]], float(s["max_units_per_week"])))

        self.position_of = {}
        self.positions = []

        def position(site, item):
            key = (site, item)
            if key not in self.position_of:
                self.position_of[key] = len(self.positions)
                self.positions.append(key)
            return self.position_of[key]

        # Sources, item by item, with their components and hours rows.
        self.sources = []
        hours_row = {}
        self.hours = []
        for item in range(len(items)):
            for site, max_units in sources_of[item]:
                source = {
                    "site": site,
                    "item": item,
                    "position": position(site, item),
                    "capacity": max_units * per,
                    "components": [(position(site, c), q) for c, q in components[item]],
                    "hours": [],
                }
                for process, hours in routings[item]:
                    key = (site, process)
                    if key not in hours_row:
                        hours_row[key] = len(self.hours)
                        self.hours.append((site, process, capability.get(key, 0.0) * per))
                    source["hours"].append((hours_row[key], hours))
                self.sources.append(source)

        # Links, supplier by supplier in site order, in file order within a supplier.
        by_supplier = [[] for _ in self.sites]
        for link in rows(network_dir, "links"):
            by_supplier[site_ix[link["supplier"]]].append(link)
        self.links = []
        for supplier, links in enumerate(by_supplier):
            for link in links:
                customer, item = site_ix[link["customer"]], item_ix[link["item"]]
                weeks = number(link["lead_time_weeks"])
                if weeks is None:
                    a, b = self.coords[supplier], self.coords[customer]
                    weeks = great_circle_km(a, b) / KM_PER_WEEK if a and b else DEFAULT_LEAD_WEEKS
                self.links.append({
                    "supplier": supplier,
                    "customer": customer,
                    "item": item,
                    "from": position(supplier, item),
                    "to": position(customer, item),
                    "normal": float(link["units_per_week"]) * per,
                    "transit": periods(weeks, per, 1),
                })

        self.demand = []
        for d in rows(network_dir, "demand"):
            item = item_ix[d["item"]]
            if d["site"]:
                self.demand.append({"item": item, "position": position(site_ix[d["site"]], item),
                                    "normal": float(d["units_per_week"]) * per})
            else:
                total = sum(m for _, m in sources_of[item])
                for site, m in sources_of[item]:
                    share = m / total if total > 0 else 1.0 / len(sources_of[item])
                    self.demand.append({"item": item, "position": position(site, item),
                                        "normal": float(d["units_per_week"]) * per * share})
        inventory = rows(network_dir, "inventory")
        for s in inventory:
            position(site_ix[s["site"]], item_ix[s["item"]])
        self.opening = [0.0] * len(self.positions)
        for s in inventory:
            self.opening[self.position_of[(site_ix[s["site"]], item_ix[s["item"]])]] += float(s["units"])

        n = len(self.positions)
        self.source_at = [None] * n
        for k, source in enumerate(self.sources):
            self.source_at[source["position"]] = k
        self.links_out = [[] for _ in range(n)]
        self.links_in = [[] for _ in range(n)]
        for l, link in enumerate(self.links):
            self.links_out[link["from"]].append(l)
            self.links_in[link["to"]].append(l)
        self.demand_at = [[] for _ in range(n)]
        for r, row in enumerate(self.demand):
            self.demand_at[row["position"]].append(r)
        self.site_ix, self.item_ix = site_ix, item_ix


def resolve(net, scenario, per):
    """The scenario's events as (start, duration, recovery, touches, level) in periods."""
    events = []
    for e in scenario.get("event", []):
        start = periods(e["start_week"], per, 0)
        duration = periods(e["duration_weeks"], per, 1)
        recovery = periods(e.get("recovery_weeks", 0.0), per, 0)
        kind = e["kind"]
        level = min(max(e.get("capacity", 0.0), 0.0), 1.0)
        all_sites = range(len(net.sites))
        if kind == "site":
            touches = ("sites", [net.site_ix[e["site"]]])
        elif kind == "organization":
            touches = ("sites", [s for s in all_sites if net.org[s] == e["organization"]])
        elif kind == "state":
            touches = ("sites", [s for s in all_sites if net.state[s] == e["state"]])
        elif kind == "circle":
            centre = (e["latitude"], e["longitude"])
            touches = ("sites", [s for s in all_sites
                                 if net.coords[s] and great_circle_km(net.coords[s], centre) <= e["radius_km"]])
        elif kind == "process":
            touches = ("process", e["process"])
        elif kind == "link":
            supplier, customer, item = net.site_ix[e["supplier"]], net.site_ix[e["customer"]], net.item_ix[e["item"]]
            touches = ("links", [l for l, link in enumerate(net.links)
                                 if (link["supplier"], link["customer"], link["item"]) == (supplier, customer, item)])
        elif kind == "surge":
            item = net.item_ix[e["item"]]
            site = net.site_ix[e["site"]] if e.get("site") else None
            touches = ("demand", [r for r, d in enumerate(net.demand)
                                  if d["item"] == item and (site is None or net.positions[d["position"]][0] == site)])
            level = max(e["factor"], 0.0)
        else:
            raise SystemExit(f"unknown event kind {kind}")
        events.append((start, duration, recovery, touches, level))
    return events


def strength(event, t):
    start, duration, recovery = event[0], event[1], event[2]
    if t < start:
        return None
    since = t - start
    if since < duration:
        return 1.0
    k = since - duration + 1
    return (recovery + 1 - k) / (recovery + 1) if k <= recovery else None


def factors_at(net, events, t):
    site, process, link, demand = {}, {}, {}, {}
    for event in events:
        s = strength(event, t)
        if s is None:
            continue
        kind, what = event[3]
        level = event[4]
        outage = 1.0 - s * (1.0 - level)
        if kind == "sites":
            for x in what:
                site[x] = min(site.get(x, 1.0), outage)
        elif kind == "process":
            process[what] = min(process.get(what, 1.0), outage)
        elif kind == "links":
            for x in what:
                link[x] = min(link.get(x, 1.0), outage)
        else:
            for x in what:
                demand[x] = demand.get(x, 1.0) * (1.0 + s * (level - 1.0))
    return site, process, link, demand


def allocate(available, claims):
    """Water-filling of `available` over (amount, weight) claims, one rank."""
    total = sum(a for a, _ in claims)
    if total <= available:
        return [a for a, _ in claims]
    granted = [0.0] * len(claims)

    def per_weight(i):
        a, w = claims[i]
        return a / w if w > 0 else (math.inf if a > 0 else 0.0)

    order = sorted(range(len(claims)), key=per_weight)
    left = max(available, 0.0)
    weight = sum(claims[i][1] for i in order)
    for n, i in enumerate(order):
        amount, w = claims[i]
        share = left * w / weight if weight > 0 else 0.0
        if amount <= share:
            granted[i] = amount
            left -= amount
            weight -= w
        else:
            for j in order[n:]:
                granted[j] = left * claims[j][1] / weight
            break
    return granted


def simulate(net, events, horizon, unmet):
    env = simpy.Environment()
    n = len(net.positions)
    stock = list(net.opening)
    owed = [0.0] * n
    fill = [1.0] * len(net.links)
    backlog = [0.0] * len(net.demand)
    due = [[0.0] * horizon for _ in net.demand]
    on_time = [[0.0] * horizon for _ in net.demand]

    def deliver(position, units, transit):
        yield env.timeout(transit)
        stock[position] += units

    def ship(position, units, arrival):
        env.process(deliver(position, units, arrival - env.now))

    # What was in transit at the start arrives in the first periods.
    for link in net.links:
        for t in range(link["transit"]):
            env.process(deliver(link["to"], link["normal"], t))

    def period_work():
        yield env.timeout(0.5)
        for t in range(horizon):
            site_f, process_f, link_f, demand_f = factors_at(net, events, t)
            order = [link["normal"] for link in net.links]
            for c in range(n):
                if owed[c] <= 0.0 or not net.links_in[c]:
                    continue
                links = net.links_in[c]
                weight = sum(net.links[l]["normal"] * fill[l] for l in links)
                by_fill = weight > 0.0
                if not by_fill:
                    weight = sum(net.links[l]["normal"] for l in links)
                if weight <= 0.0:
                    continue
                for l in links:
                    w = net.links[l]["normal"] * (fill[l] if by_fill else 1.0)
                    order[l] += owed[c] * w / weight
                owed[c] = 0.0
            due_now = [row["normal"] * demand_f.get(r, 1.0) for r, row in enumerate(net.demand)]
            for r in range(len(net.demand)):
                due[r][t] = due_now[r]

            # Production.
            made = []
            need = [0.0] * len(net.hours)
            for source in net.sources:
                q = source["position"]
                claimed = sum(order[l] for l in net.links_out[q]) + sum(
                    due_now[r] + backlog[r] for r in net.demand_at[q])
                target = max(claimed + net.opening[q] - stock[q], 0.0)
                x = min(target, source["capacity"] * site_f.get(source["site"], 1.0))
                made.append(x)
                for row, hours in source["hours"]:
                    need[row] += hours * x
            ratio_h = []
            for row, (site, process, hours) in enumerate(net.hours):
                available = hours * min(site_f.get(site, 1.0), process_f.get(process, 1.0))
                ratio_h.append(available / need[row] if need[row] > available else 1.0)
            component_need = {}
            for k, source in enumerate(net.sources):
                ratio = 1.0
                for row, _ in source["hours"]:
                    ratio = min(ratio, ratio_h[row])
                made[k] *= ratio
                for c, quantity in source["components"]:
                    component_need[c] = component_need.get(c, 0.0) + quantity * made[k]
            for k, source in enumerate(net.sources):
                ratio = 1.0
                for c, _ in source["components"]:
                    have = max(stock[c], 0.0)
                    if component_need[c] > have:
                        ratio = min(ratio, have / component_need[c])
                made[k] *= ratio
            for k, source in enumerate(net.sources):
                for c, quantity in source["components"]:
                    stock[c] -= quantity * made[k]
                stock[source["position"]] += made[k]

            # Shipping and demand.
            for q in range(n):
                out, rows_here = net.links_out[q], net.demand_at[q]
                if not out and not rows_here:
                    continue
                claims = []
                for l in out:
                    amount = order[l]
                    cap = link_f.get(l, 1.0)
                    if cap < 1.0:
                        amount = min(amount, cap * net.links[l]["normal"])
                    claims.append((amount, net.links[l]["normal"]))
                for r in rows_here:
                    claims.append((due_now[r] + backlog[r], net.demand[r]["normal"]))
                granted = allocate(max(stock[q], 0.0), claims)
                total = 0.0
                for i, l in enumerate(out):
                    link = net.links[l]
                    shipped = granted[i]
                    total += shipped
                    ship(link["to"], shipped, t + link["transit"])
                    owed[link["to"]] += order[l] - shipped
                    filled = shipped / order[l] if order[l] > 0.0 else 1.0
                    fill[l] = 0.0 if filled < TOLERANCE else filled
                for i, r in enumerate(rows_here):
                    served = granted[len(out) + i]
                    total += served
                    late = min(served, backlog[r])
                    on_time[r][t] = served - late
                    backlog[r] = due_now[r] + backlog[r] - served if unmet == "backlog" else 0.0
                stock[q] -= total
            yield env.timeout(1)

    env.process(period_work())
    env.run(until=horizon)
    return due, on_time


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("network")
    parser.add_argument("scenario")
    parser.add_argument("--horizon", type=float)
    parser.add_argument("--period", default="week", choices=["week", "day"])
    parser.add_argument("--unmet", default="lost-sales", choices=["lost-sales", "backlog"])
    args = parser.parse_args()
    per = 1.0 if args.period == "week" else 1.0 / 7.0
    started = time.perf_counter()
    net = Network(args.network, per)
    with open(args.scenario, "rb") as f:
        scenario = json.load(f) if args.scenario.endswith(".json") else tomllib.load(f)
    weeks = args.horizon or scenario.get("horizon_weeks") or 52.0
    horizon = periods(weeks, per, 1)
    events = resolve(net, scenario, per)
    built = time.perf_counter()
    due, on_time = simulate(net, events, horizon, args.unmet)
    done = time.perf_counter()
    products = {}
    for r, row in enumerate(net.demand):
        item = net.item_ids[row["item"]]
        product = products.setdefault(item, {"due": [0.0] * horizon, "served": [0.0] * horizon})
        for t in range(horizon):
            product["due"][t] += due[r][t]
            product["served"][t] += on_time[r][t]
    json.dump({"build_seconds": built - started, "simulate_seconds": done - built, "products": products},
              sys.stdout)


if __name__ == "__main__":
    main()
