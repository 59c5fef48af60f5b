"""``pyvino partition``: show how HETERO assigns a model's nodes, as text and Graphviz dot."""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path

NAME = "partition"
HELP = "show HETERO's device assignment and subgraphs (text, and Graphviz dot files)"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("-m", required=True, help="model (.xml or .onnx)")
    p.add_argument("-d", required=True, help="HETERO device string, e.g. HETERO:GPU,CPU")
    p.add_argument("--dot", default=None,
                   help="prefix for <prefix>_affinity.dot and <prefix>_subgraphs.dot")


def run(args: argparse.Namespace) -> int:
    from pyvino._errors import PyvinoError
    from pyvino._partition import partition_model, to_dot
    from pyvino.runtime import Core

    if not args.d.upper().startswith("HETERO"):
        raise PyvinoError("partition needs a HETERO device string, e.g. HETERO:GPU,CPU")
    core = Core()
    model = core.read_model(args.m)
    affinity = core.query_model(model, args.d)
    missing = [n.friendly_name for n in model.get_ordered_ops() if n.friendly_name not in affinity]
    if missing:
        raise PyvinoError(f"no device in {args.d} supports: {', '.join(missing)}")
    subgraphs = partition_model(model, affinity)
    counts = Counter(affinity.values())
    print(f"{len(model.get_ordered_ops())} nodes: "
          + ", ".join(f"{d}: {n}" for d, n in counts.items()))
    for i, sub in enumerate(subgraphs):
        print(f"subgraph {i}: {sub.device}, {len(sub.model.get_ordered_ops())} nodes, "
              f"{len(sub.inputs)} input(s), {len(sub.outputs)} output(s)")
    if args.dot:
        prefix = Path(args.dot)
        Path(f"{prefix}_affinity.dot").write_text(to_dot(model, affinity, subgraphs=False))
        Path(f"{prefix}_subgraphs.dot").write_text(to_dot(model, affinity, subgraphs=True))
        print(f"wrote {prefix}_affinity.dot and {prefix}_subgraphs.dot")
    return 0
