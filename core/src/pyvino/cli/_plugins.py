"""``pyvino plugins``: every plugin, where it comes from, and whether it loaded."""

from __future__ import annotations

import argparse

from pyvino._plugins import default_manager

NAME = "plugins"
HELP = "list plugins: name, distribution, version, status and error"


def add_arguments(p: argparse.ArgumentParser) -> None:
    pass


def run(args: argparse.Namespace) -> int:
    records = default_manager().records
    rows = [("NAME", "DISTRIBUTION", "VERSION", "STATUS", "ERROR")]
    rows += [(r.name, r.distribution, r.version, r.status, r.error) for r in records]
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    for row in rows:
        print("  ".join(c.ljust(w) for c, w in zip(row[:4], widths)) + "  " + row[4])
    return 0
