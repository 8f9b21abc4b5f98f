"""Times what loading a stored network asks SQLite before its parts start reading, the old way
and the current way (docs/benchmarks.md, stress test section of 2026-12-05).

Old (before d250a98): the app counted every table for its progress bar, the store counted them
again and stepped to the middle row of each (two parts) with OFFSET. Current: one query per table
for its count and its first and last seq, asked as three subqueries.

Usage: python3 bench/load_preamble.py DATA_DIR [ROUNDS]
"""

import sqlite3
import sys
import time

TABLES = ["organizations", "sites", "capabilities", "items", "bom", "routings", "sources",
          "links", "inventory", "demand"]


def old_way(conn):
    for table in TABLES:
        conn.execute(f"SELECT count(*) FROM {table}").fetchone()
    for table in TABLES:
        count = conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        conn.execute(f"SELECT seq FROM {table} ORDER BY seq LIMIT 1 OFFSET ?",
                     (count // 2,)).fetchone()


def current_way(conn):
    for table in TABLES:
        conn.execute(f"SELECT (SELECT count(*) FROM {table}), (SELECT min(seq) FROM {table}), "
                     f"(SELECT max(seq) FROM {table})").fetchone()


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__.strip().splitlines()[-1])
    conn = sqlite3.connect(f"file:{sys.argv[1]}/arsenal.db?mode=ro", uri=True)
    rounds = int(sys.argv[2]) if len(sys.argv) == 3 else 3
    for _ in range(rounds):
        for way in (old_way, current_way):
            started = time.perf_counter()
            way(conn)
            print(f"{way.__name__}: {time.perf_counter() - started:.4f} s")


if __name__ == "__main__":
    main()
