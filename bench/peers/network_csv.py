"""Reading a network's CSV directory (docs/data-format.md) for the Python peers."""

import csv
import os


def rows(network_dir, table):
    """The records of one table as dicts, or none when its file is absent."""
    path = os.path.join(network_dir, table + ".csv")
    if not os.path.exists(path):
        return []
    with open(path, newline="", encoding="utf-8-sig") as f:
        return list(csv.DictReader(f))
