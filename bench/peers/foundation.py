"""Peer for the foundation benchmark: the same CSV network imported into SQLite and loaded back
into indexed adjacency lists, with only the Python standard library (csv, sqlite3).

It does less than `arsenal import` (no validation, no error reporting) and is the baseline a
spreadsheet user would script by hand. Usage: foundation.py NETWORK_DIR SCHEMA_SQL DB_FILE
Prints one JSON object of seconds and peak memory.
"""

import csv
import json
import os
import resource
import sqlite3
import sys
import time

TABLES = [
    "organizations", "sites", "capabilities", "items", "bom",
    "routings", "sources", "links", "inventory", "demand",
]


# Lists are stored as text, an empty list as "" (the store's convention).
LIST_COLUMNS = {"naics", "certifications"}


def import_network(network_dir, schema_sql, db_file):
    if os.path.exists(db_file):
        os.remove(db_file)
    db = sqlite3.connect(db_file)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    with open(schema_sql, encoding="utf-8") as f:
        db.executescript(f.read())
    records = 0
    with db:
        for table in TABLES:
            path = os.path.join(network_dir, table + ".csv")
            if not os.path.exists(path):
                continue
            with open(path, newline="", encoding="utf-8-sig") as f:
                reader = csv.reader(f)
                header = next(reader)
                marks = ",".join("?" * len(header))
                keep = [name in LIST_COLUMNS for name in header]
                rows = ([None if v == "" and not k else v for v, k in zip(row, keep)] for row in reader)
                cursor = db.executemany(
                    f"INSERT INTO {table} ({','.join(header)}) VALUES ({marks})", rows
                )
                records += cursor.rowcount
    db.close()
    return records


def load_network(db_file):
    db = sqlite3.connect(db_file)
    tables = {t: db.execute(f"SELECT * FROM {t} ORDER BY seq").fetchall() for t in TABLES}
    db.close()
    return tables


def build_index(tables):
    site_ix = {row[1]: i for i, row in enumerate(tables["sites"])}
    item_ix = {row[1]: i for i, row in enumerate(tables["items"])}
    links_out = [[] for _ in site_ix]
    links_in = [[] for _ in site_ix]
    for _, supplier, customer, item, units, lead in tables["links"]:
        s, c, i = site_ix[supplier], site_ix[customer], item_ix[item]
        links_out[s].append((c, i, units, lead))
        links_in[c].append((s, i, units, lead))
    components = [[] for _ in item_ix]
    for _, parent, component, quantity in tables["bom"]:
        components[item_ix[parent]].append((item_ix[component], quantity))
    sources = [[] for _ in item_ix]
    for _, site, item, *rest in tables["sources"]:
        sources[item_ix[item]].append((site_ix[site], *rest))
    return links_out, links_in, components, sources


def main():
    network_dir, schema_sql, db_file = sys.argv[1:4]
    started = time.perf_counter()
    records = import_network(network_dir, schema_sql, db_file)
    imported = time.perf_counter()
    tables = load_network(db_file)
    loaded = time.perf_counter()
    build_index(tables)
    indexed = time.perf_counter()
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({
        "records": records,
        "import_seconds": imported - started,
        "load_seconds": loaded - imported,
        "index_seconds": indexed - loaded,
        "peak_kb": peak_kb,
    }))


if __name__ == "__main__":
    main()
